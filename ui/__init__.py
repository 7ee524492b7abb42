"""The desktop application (PySide6 widgets) on top of the core.

The core and its libraries are imported here, before any module imports
PySide6: once PySide6 is loaded, its import hook reads the source of every
module imported after it (looking for ``from __feature__``); the core's
dependencies, a few hundred modules, need not pay that at every start.
"""

import keyring  # noqa: F401

import workstation.context  # noqa: F401
