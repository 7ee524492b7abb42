"""SANE scanners (Linux) through python-sane, always in a worker process.

``SaneSource(env={"SANE_CONFIG_DIR": ...})`` passes environment variables to
the worker before SANE starts there (the worker is spawned, not forked).
SANE's ``test`` device is hidden from listings unless asked for, but it can
always be opened by name (``test`` or ``test:0``).
"""

from __future__ import annotations

from scanning import sane_worker
from scanning.job import ScanJob, run_once
from scanning.sources import DeviceInfo, ProgressCallback, ScanRequest, device_from_tuple


class SaneSource:
    backend = "sane"

    def __init__(self, env: dict[str, str] | None = None, *, stall_timeout: float = 120.0,
                 cancel_grace: float = 3.0, discovery_timeout: float = 60.0) -> None:
        self.env = dict(env or {})
        self.stall_timeout = stall_timeout
        self.cancel_grace = cancel_grace
        self.discovery_timeout = discovery_timeout

    def list_devices(self, include_test: bool = False) -> list[DeviceInfo]:
        """Scanners SANE finds; the ``test`` device only with ``include_test``."""
        msg = run_once(sane_worker.list_main,
                       {"env": self.env, "include_test": include_test},
                       timeout=self.discovery_timeout)
        devices = [device_from_tuple(d, "sane") for d in msg[1]]
        return [d for d in devices if include_test or not d.is_test]

    def start(self, request: ScanRequest,
              on_progress: ProgressCallback | None = None) -> ScanJob:
        """Start scanning in a new worker process; iterate ``job.pages()``."""
        return ScanJob(sane_worker.scan_main, request.to_wire(self.env), on_progress,
                       stall_timeout=self.stall_timeout, cancel_grace=self.cancel_grace)
