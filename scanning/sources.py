"""What every scan source offers: devices, a request, progress and raw pages.

SANE (Linux) and WIA (Windows) implement :class:`ScanSource`; both run the
driver in a separate process (see :mod:`scanning.job`), so a hung or crashing
driver cannot take the application down and a scan can always be cancelled.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from scanning.profiles import ScanProfile, paper_area

if TYPE_CHECKING:
    from PIL import Image

    from scanning.job import ScanJob


@dataclass(frozen=True)
class DeviceInfo:
    name: str            # what to pass as ScanRequest.device
    vendor: str = ""
    model: str = ""
    type: str = ""
    backend: str = "sane"

    @property
    def label(self) -> str:
        text = " ".join(p for p in (self.vendor, self.model) if p and p != "Noname")
        return text or self.name

    @property
    def is_test(self) -> bool:
        return self.backend == "sane" and (self.name == "test" or self.name.startswith("test:"))

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "vendor": self.vendor, "model": self.model,
                "type": self.type, "backend": self.backend, "label": self.label}


def device_from_tuple(values: Any, backend: str) -> DeviceInfo:
    """From a driver's ``(name, vendor, model, type)``."""
    name, vendor, model, kind = (list(map(str, values)) + ["", "", "", ""])[:4]
    return DeviceInfo(name, vendor, model, kind, backend)


@dataclass
class ScanRequest:
    """One scan: a page from the flatbed or a batch from the feeder."""

    device: str
    source: str = "flatbed"          # flatbed | adf | duplex
    mode: str = "gray"               # color | gray | lineart
    dpi: int = 200
    paper: str = "a4"
    raw_source_name: str | None = None
    extra_options: dict[str, Any] = field(default_factory=dict)
    max_pages: int = 500
    progress_interval: float = 0.1   # seconds between progress reports

    @classmethod
    def from_profile(cls, profile: ScanProfile, device: str | None = None,
                     **overrides: Any) -> ScanRequest:
        values: dict[str, Any] = {
            "device": device or profile.device or "",
            "source": profile.source, "mode": profile.mode, "dpi": profile.dpi,
            "paper": profile.paper, "raw_source_name": profile.raw_source_name,
            "extra_options": dict(profile.extra_options),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def to_wire(self, env: dict[str, str] | None = None) -> dict[str, Any]:
        """Plain data for the worker process."""
        return {
            "device": self.device, "source": self.source, "mode": self.mode,
            "dpi": int(self.dpi), "area": paper_area(self.paper),
            "raw_source_name": self.raw_source_name,
            "extra_options": dict(self.extra_options), "max_pages": int(self.max_pages),
            "progress_interval": float(self.progress_interval), "env": dict(env or {}),
        }


@dataclass(frozen=True)
class ScanProgress:
    page: int                        # 0-based page being read
    lines_done: int
    lines_total: int | None          # None: unknown length (hand scanner)
    bytes_done: int
    bytes_total: int | None

    @property
    def fraction(self) -> float | None:
        if not self.bytes_total:
            return None
        return min(1.0, self.bytes_done / self.bytes_total)


@dataclass
class RawPage:
    """A page as the scanner delivered it, before the pipeline."""

    index: int
    image: Image.Image
    dpi: int
    source: str | None = None        # the device's own source name
    lineart: bool = False


ProgressCallback = Callable[[ScanProgress], None]


class ScanSource(Protocol):
    backend: str

    def list_devices(self, include_test: bool = False) -> list[DeviceInfo]: ...

    def start(self, request: ScanRequest,
              on_progress: ProgressCallback | None = None) -> ScanJob: ...


def default_source(**kwargs: Any) -> ScanSource:
    """WIA on Windows, SANE elsewhere."""
    if sys.platform == "win32":
        from scanning.wia import WiaSource

        return WiaSource(**kwargs)
    from scanning.sane_source import SaneSource

    return SaneSource(**kwargs)
