"""The UI's context object, passed to every window and page (no global app singleton)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ui.ops import OpRunner
from workstation.accounts import User
from workstation.context import Context


@dataclass
class AppState:
    ctx: Context  # main-thread context: quick reads only; slow work goes through ``ops``
    ops: OpRunner
    user: User | None = None
    # Shared services set up by the main window (sync controller, scanner
    # settings...), looked up by name so that pages stay independent.
    services: dict[str, Any] = field(default_factory=dict)

    @property
    def username(self) -> str:
        return self.user.username if self.user else ""
