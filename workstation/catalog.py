"""The service catalog: every version of every service form the workstation knows.

Built-in definitions ship in ``resources/forms/*.json``; the county platform
sends newer ones in the same format. A case keeps the form version it was
captured with, so merging never drops a version: it only replaces the same
code and version or adds new ones. A :class:`Catalog` is immutable;
:meth:`Catalog.merge` returns a new one.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from workstation.errors import NotFound
from workstation.forms import FormDefinition, FormDefinitionError
from workstation.i18n import t

_VERSION_PART_RE = re.compile(r"[.\-_]")


def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """Order versions so that "10" follows "9" and "2026.11.2" follows "2026.2"."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in _VERSION_PART_RE.split(version)
    )


def forms_dir() -> Path:
    """``resources/forms`` next to the package, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    base = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return base / "resources" / "forms"


class Catalog:
    def __init__(self, definitions: Iterable[FormDefinition] = ()) -> None:
        self._by_code: dict[str, dict[str, FormDefinition]] = {}
        for definition in definitions:
            self._by_code.setdefault(definition.code, {})[definition.version] = definition

    def get(self, code: str, version: str | None = None) -> FormDefinition:
        """A service form; the latest version unless ``version`` is given."""
        versions = self._by_code.get(code)
        if not versions:
            raise NotFound(
                t("事项不存在", "Unknown service"),
                t(f"目录中没有事项“{code}”。请同步事项目录或检查事项编码。",
                  f"The catalog has no service '{code}'. Sync the catalog or check the code."),
            )
        if version is None:
            return versions[max(versions, key=version_key)]
        found = versions.get(str(version))
        if found is None:
            raise NotFound(
                t("表单版本不存在", "Unknown form version"),
                t(f"事项“{code}”没有第{version}版（已有：{'、'.join(self.versions(code))}）。"
                  "请先同步事项目录。",
                  f"Service '{code}' has no version {version} "
                  f"(known: {', '.join(self.versions(code))}). Sync the catalog first."),
            )
        return found

    def services(self) -> list[FormDefinition]:
        """The latest version of each service, ordered by code."""
        return [self.get(code) for code in sorted(self._by_code)]

    def versions(self, code: str) -> list[str]:
        """Known versions of a service, oldest first; empty for an unknown code."""
        return sorted(self._by_code.get(code, {}), key=version_key)

    def merge(self, definitions: list[dict[str, Any]], source: str = "county") -> Catalog:
        """A new catalog with these definitions added; same code and version is replaced.

        All definitions are loaded before anything changes: one malformed
        definition raises :class:`FormDefinitionError` and the caller keeps the
        catalog it had.
        """
        loaded = [FormDefinition.from_dict(d, source=source) for d in definitions]
        return Catalog([*self, *loaded])

    def to_list(self) -> list[dict[str, Any]]:
        """Every version of every service as definition dicts (for caching)."""
        return [definition.to_dict() for definition in self]

    def search(self, query: str) -> list[FormDefinition]:
        """Latest versions whose code, name, keywords or pinyin initials match ``query``.

        Pinyin initials (``dbsq`` …) are stored in each definition so that no
        pinyin library is needed. Prefix matches come first.
        """
        q = query.strip().lower()
        if not q:
            return self.services()
        ranked = []
        for definition in self.services():
            rank = _match_rank(definition, q)
            if rank is not None:
                ranked.append((rank, definition.code, definition))
        return [definition for _rank, _code, definition in sorted(ranked, key=lambda r: r[:2])]

    def __iter__(self) -> Iterator[FormDefinition]:
        for code in sorted(self._by_code):
            versions = self._by_code[code]
            for version in sorted(versions, key=version_key):
                yield versions[version]

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_code.values())

    def __contains__(self, code: object) -> bool:
        return code in self._by_code


def _match_rank(definition: FormDefinition, q: str) -> int | None:
    names = [v.lower() for v in definition.name.values()]
    keys = [definition.code, *definition.pinyin_initials.split(), *names,
            *(k.lower() for k in definition.keywords)]
    if any(k.startswith(q) for k in keys if k):
        return 0
    if any(q in k for k in keys if k):
        return 1
    return None


def load_builtin_catalog(directory: Path | None = None) -> Catalog:
    """Every ``*.json`` definition shipped with the workstation.

    Loaded once per process: the files ship with the program, and a Catalog
    never changes (``merge`` returns a new one).
    """
    return _load_directory(directory or forms_dir())


@functools.lru_cache(maxsize=4)
def _load_directory(directory: Path) -> Catalog:
    definitions = [_load_file(path) for path in sorted(directory.glob("*.json"))]
    keys = [d.key for d in definitions]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        code, version = duplicates[0]
        raise FormDefinitionError(
            str(directory), f"事项“{code}”第{version}版出现多次", f"service '{code}' version {version} appears twice"
        )
    return Catalog(definitions)


def _load_file(path: Path) -> FormDefinition:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormDefinitionError(path.name, f"无法读取：{exc}", f"cannot be read: {exc}") from None
    try:
        return FormDefinition.from_dict(data, source="builtin", strict=True)
    except FormDefinitionError as exc:
        where = f"{path.name}: {exc.where}"
        raise FormDefinitionError(where, exc.details["zh_CN"], exc.details["en"]) from None
