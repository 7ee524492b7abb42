"""Run the reference county on its own:

    python -m tests.county_server --port 8080 --db county.sqlite --enrollment-code K7Q2-9XHM

It prints the base URL to give the workstation, then serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time

from .server import CountyServer


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.county_server",
                                     description="Reference county platform (test use only).")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--db", required=True, help="SQLite file; blobs go in FILE.blobs/")
    parser.add_argument("--enrollment-code", action="append", default=[], dest="codes",
                        help="a one-time enrollment code; repeat for more")
    parser.add_argument("--catalog", help="JSON file: a list of services or a full catalog")
    parser.add_argument("--seed", type=int, help="seed for randomly firing faults")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    return parser.parse_args(argv)


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt  # leave the same clean way as Ctrl-C


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    server = CountyServer(args.db, enrollment_codes=args.codes, catalog=args.catalog,
                          host=args.host, port=args.port, seed=args.seed, verbose=args.verbose)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        # The workstation refuses plain http except to loopback, and /_test/ has no auth.
        print("warning: serving plain HTTP with open /_test/ controls beyond loopback",
              file=sys.stderr)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        server.start()
        print(server.base_url, flush=True)
        while True:  # sleep in short steps: Ctrl-C must land promptly on every platform
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    print("county server stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
