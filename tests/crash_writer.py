"""A process that writes cases and blobs in a loop until it is killed.

Used by the crash test: it prints each case id only after its transaction
committed, so every printed id must survive a SIGKILL at any moment.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from workstation.cases import create_case
from workstation.context import Context
from workstation.db import write
from workstation.documents import PageInput, attach_pages


def main(data_dir: str) -> None:
    from tests.conftest import sample_applicant, sample_fields

    with Context.open(Path(data_dir)) as ctx:
        n = 0
        while True:
            n += 1
            data = os.urandom(64 * 1024 + n)
            sha = ctx.blobs.put_bytes(data)
            with write(ctx.db):  # the case and its page commit together
                case_id = create_case(ctx, "rural_pension_enrollment", sample_applicant(),
                                      sample_fields(), "agent1")
                attach_pages(ctx, case_id, "id_card", [PageInput(sha, "image/jpeg", len(data))],
                             "agent1")
            # A blob written with no row yet: what a kill right here leaves behind.
            ctx.blobs.put_bytes(os.urandom(1000))
            print(case_id, sha, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
