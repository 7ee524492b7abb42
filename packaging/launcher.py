"""Entry point of the frozen app: ``cli.main.main`` behind ``freeze_support``.

With no arguments it starts the desktop app, with a command it is the CLI
(``workstation case list ...``), exactly as the ``workstation`` script does.

Why not ``cli/main.py`` itself: scanners run in *spawned* worker processes,
and in a frozen app the child re-runs this executable, so
``multiprocessing.freeze_support()`` must run before anything else. Also,
running ``cli/main.py`` as ``__main__`` would import it a second time as
``cli.main`` (the command modules import it), leaving two copies.

With ``WORKSTATION_BUNDLE_CHECK=1`` it runs packaging/bundle_check.py instead:
checks of what the build trims, for scripts/smoke-frozen.sh.
"""

import multiprocessing
import os
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    if os.environ.get("WORKSTATION_BUNDLE_CHECK") == "1":
        import bundle_check

        sys.exit(bundle_check.main(sys.argv[1:]))
    from cli.main import main

    sys.exit(main())
