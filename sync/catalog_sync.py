"""Fetching the county's service catalog with If-None-Match.

Each definition is loaded with the workstation's own form loader before it is
kept: a definition the workstation cannot read is skipped and recorded as a
sync issue, never stored half-understood. The ETag is saved with the
definitions in one transaction, so a 304 always means "what we have is it".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sync import issues
from sync.backoff import Retrier
from sync.client import CountyClient
from sync.config import CATALOG_ETAG, CATALOG_VERSION
from workstation import settings
from workstation.catalog_store import store_county_catalog
from workstation.db import write
from workstation.forms import FormDefinition, FormDefinitionError
from workstation.i18n import t

if TYPE_CHECKING:
    from workstation.context import Context


@dataclass(frozen=True)
class CatalogResult:
    not_modified: bool
    changed: int = 0
    skipped: int = 0


def refresh(ctx: Context, client: CountyClient, retry: Retrier) -> CatalogResult:
    etag = settings.get(ctx.db, CATALOG_ETAG)
    new_etag, catalog = retry.call(lambda: client.catalog(etag))
    if catalog is None:
        return CatalogResult(True)
    good, bad = _load(catalog["services"])
    with write(ctx.db):
        changed = store_county_catalog(ctx.db, good) if good else 0
        for where, reason in bad:
            issues.record(ctx.db, "catalog", where, t("县级事项目录中有无法使用的事项",
                                                      "A county service definition cannot be used"), reason)
        settings.put(ctx.db, CATALOG_ETAG, new_etag)
        settings.put(ctx.db, CATALOG_VERSION, catalog.get("catalog_version"))
    ctx.forget_catalog()
    return CatalogResult(False, changed, len(bad))


def _load(services: list[Any]) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    good, bad = [], []
    for i, service in enumerate(services):
        where = f"{service.get('code')} v{service.get('version')}" if isinstance(service, dict) \
            else f"services[{i}]"
        try:
            FormDefinition.from_dict(service, source="county")
        except FormDefinitionError as exc:
            bad.append((where, exc.message))
            continue
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a loader bug must not stop sync
            bad.append((where, f"{type(exc).__name__}: {exc}"[:300]))
            continue
        good.append(service)
    return good, bad
