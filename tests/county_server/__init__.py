"""Reference county platform for tests and deployment rehearsals (not shipped).

It implements the county sync API version 1 (docs/county-api.md) over real HTTP
with its own SQLite file, plus test-only controls: injected faults, a slow and
dropping village link, and county decisions flowing back as updates.
"""

from .faults import FAULT_KINDS
from .server import CountyServer

__all__ = ["CountyServer", "FAULT_KINDS"]
