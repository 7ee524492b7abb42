"""Cases: creating, reading and changing citizens' applications.

A case row keeps the applicant block and the service fields as JSON, plus the
few applicant values that search needs as plain indexed columns. Every change
is one transaction with its audit entry and bumps ``edit_seq``, which lets the
sync engine notice an edit made while the case was being sent.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import TYPE_CHECKING, Any

from workstation import audit, settings, statuses
from workstation.accounts import User, acting_user
from workstation.case_access import check_can_edit, check_can_view
from workstation.clock import local_today, now_iso
from workstation.db import row_chunks, write
from workstation.errors import NotFound, ValidationFailed
from workstation.i18n import t
from workstation.ids import new_case_id

if TYPE_CHECKING:
    import sqlite_utils

    from workstation.context import Context

APPLICANT_KEYS = ("name", "id_number", "phone", "address", "ethnicity", "division_code",
                  "gender", "birth_date", "current_address")
CASE_COLUMNS = ("case_id, local_no, revision, service_code, form_version, status, applicant,"
                " fields, shortfall, captured_by, created_at, updated_at, ready_at, edit_seq,"
                " county_ref, county_status, county_reason, county_updated_at")


@dataclass
class Case:
    case_id: str
    local_no: str
    revision: int
    service_code: str
    form_version: str
    status: str
    applicant: dict[str, Any]
    fields: dict[str, Any]
    shortfall: dict[str, Any] | None
    captured_by: str
    created_at: str
    updated_at: str
    ready_at: str | None
    edit_seq: int
    county_ref: str | None
    county_status: str | None
    county_reason: str | None
    county_updated_at: str | None
    documents: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _row_to_case(row: tuple) -> Case:
    values = list(row)
    values[6] = json.loads(values[6])
    values[7] = json.loads(values[7])
    values[8] = json.loads(values[8]) if values[8] else None
    return Case(*values)


def load_case(db: sqlite_utils.Database, case_id: str) -> Case:
    row = db.execute(f"SELECT {CASE_COLUMNS} FROM cases WHERE case_id = ?", [case_id]).fetchone()
    if row is None:
        raise NotFound(t("找不到办件", "Case not found"),
                       t(f"没有编号为 {case_id} 的办件。", f"There is no case {case_id}."))
    return _row_to_case(row)


def get_case(ctx: Context, case_id: str, user: str | None = None, with_documents: bool = True) -> Case:
    """Read a case; with a ``user``, check they may see it and audit the view."""
    case = load_case(ctx.db, case_id)
    if user is not None:
        check_can_view(acting_user(ctx.db, user), case.captured_by)
    if with_documents:
        from workstation.documents import case_documents

        case.documents = case_documents(ctx.db, case_id)
    return case


def view_case(ctx: Context, case_id: str, user: str) -> Case:
    """A person opens a case: check they may see it, and record that they did."""
    case = get_case(ctx, case_id, user=user)
    with write(ctx.db):
        audit.append(ctx.db, user, "case.view", case_id)
    return case


def search_columns(applicant: dict[str, Any]) -> tuple[str, str, str, str]:
    return (str(applicant.get("name") or "").strip(), str(applicant.get("id_number") or "").upper(),
            str(applicant.get("phone") or ""), str(applicant.get("division_code") or ""))


def next_local_no(db: sqlite_utils.Database, office_code: str, count: int = 1) -> list[str]:
    """Receipt numbers that cannot collide offline: office, date, device tag, sequence.

    The device tag is random per installation, so two offline workstations of
    the same office never hand out the same number. Call inside a transaction.
    """
    day = local_today().strftime("%Y%m%d")
    tag = settings.get(db, settings.DEVICE_TAG) or _new_device_tag(db)
    name = f"local_no:{day}"
    row = db.execute("SELECT value FROM counters WHERE name = ?", [name]).fetchone()
    start = row[0] if row else 0
    db.execute("INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name)"
               " DO UPDATE SET value = excluded.value", [name, start + count])
    return [f"{office_code}-{day}-{tag}-{n:05d}" for n in range(start + 1, start + count + 1)]


def _new_device_tag(db: sqlite_utils.Database) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    tag = "".join(secrets.choice(alphabet) for _ in range(4))
    db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
               [settings.DEVICE_TAG, json.dumps(tag)])
    return str(settings.get(db, settings.DEVICE_TAG))


def create_case(ctx: Context, service_code: str, applicant: dict[str, Any],
                fields: dict[str, Any] | None, user: str, form_version: str | None = None) -> str:
    """Create a draft. Drafts may be incomplete; rules are checked when it is made ready."""
    ctx.require_initialized()
    actor = acting_user(ctx.db, user)
    form = ctx.catalog.get(service_code, form_version)
    applicant = derive_applicant(applicant)
    case_id = new_case_id()
    with write(ctx.db):
        insert_cases(ctx, [(case_id, form.code, form.version, applicant, fields or {})], actor)
    return case_id


def derive_applicant(applicant: dict[str, Any]) -> dict[str, Any]:
    """Keep the applicant keys, and fill gender and birth date from a valid ID number."""
    from workstation.validation import FieldValueError, parse_id_number

    out = {k: v for k, v in applicant.items() if k in APPLICANT_KEYS and v not in (None, "")}
    if out.get("id_number"):
        try:
            info = parse_id_number(str(out["id_number"]))
        except FieldValueError:
            return out
        out["id_number"] = info.number
        out["gender"] = info.gender
        out["birth_date"] = info.birth_date.isoformat()
    return out


NewCase = tuple[str, str, str, dict[str, Any], dict[str, Any]]  # id, code, version, applicant, fields


def insert_cases(ctx: Context, new: list[NewCase], actor: User, status: str = statuses.DRAFT,
                 action: str = "case.create") -> None:
    """Insert many cases, their name grams and audit entries; call inside :func:`write`."""
    numbered, common = _numbered_rows(ctx, [case_row(*n) for n in new], actor, status, action)
    if not numbered:
        return
    rows = [(*row, *common) for row in numbered]
    ctx.db.conn.executemany(f"INSERT INTO cases (rowid, {_NEW_COLUMNS.partition(', ')[2]})"
                            f" VALUES ({', '.join('?' * 16)})", rows)
    _add_grams(ctx.db.conn, "cases", "cases.rowid", " WHERE cases.rowid >= ?", [rows[0][0]])  # the new rows


# What a new case's row holds apart from its numbers, status and times:
# id, service, form version, name, ID number, phone, division, applicant JSON, fields JSON.
CaseRow = tuple[str, str, str, str, str, str, str, str, str]


def case_row(case_id: str, code: str, version: str, applicant: dict[str, Any],
             fields: dict[str, Any]) -> CaseRow:
    """The row of a new case, made before its transaction (an import makes them while writing)."""
    return (case_id, code, version, *search_columns(applicant), _to_json(applicant), _to_json(fields))


_STAGED_COLUMNS = ("case_rowid, case_id, service_code, form_version, applicant_name, id_number, phone,"
                   " division_code, applicant, fields, local_no")
_COMMON_COLUMNS = "status, captured_by, created_at, updated_at, ready_at"  # the same for a whole insert
_NEW_COLUMNS = f"{_STAGED_COLUMNS}, {_COMMON_COLUMNS}"


def stage_cases(ctx: Context, new: list[CaseRow], actor: User, status: str = statuses.DRAFT,
                action: str = "case.create") -> None:
    """First half of an insert for an import: numbers, audit entries, rows in a staging table.

    :func:`finish_cases` then moves the rows into ``cases`` in one statement,
    during which SQLite does all the index work without holding Python's
    lock, so an import can check its next rows meanwhile. Run it with
    :func:`workstation.db.temp_store_in_memory`: the staging table is temporary.
    """
    rows, common = _numbered_rows(ctx, new, actor, status, action)
    conn = ctx.db.conn
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS new_cases ({_STAGED_COLUMNS})")
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS new_cases_common ({_COMMON_COLUMNS})")
    conn.execute("DELETE FROM temp.new_cases_common")
    conn.execute(f"INSERT INTO temp.new_cases_common ({_COMMON_COLUMNS}) VALUES (?, ?, ?, ?, ?)", common)
    # Many rows a statement, and the values they share once: binding costs half
    # what executemany's full row at a time did.
    for placeholders, values in row_chunks(rows, per_statement=999 // 11):
        conn.execute(f"INSERT INTO temp.new_cases ({_STAGED_COLUMNS}) VALUES {placeholders}", values)


def _numbered_rows(ctx: Context, new: list[CaseRow], actor: User, status: str,
                   action: str) -> tuple[list[tuple], tuple]:
    """Rows (in _STAGED_COLUMNS order) with receipt numbers and rowids, and the values
    (in _COMMON_COLUMNS order) that all of them take; audits their creation."""
    numbers = next_local_no(ctx.db, ctx.office_code, len(new))
    at = now_iso()
    user = actor.username
    tail = (status, user, at, at, at if status == statuses.READY else None)
    # Rowids given here, as SQLite would give them (one past the largest), so
    # that the grams need not read the new rows back; the write lock is held.
    first = ctx.db.execute("SELECT coalesce(max(rowid), 0) FROM cases").fetchone()[0] + 1
    rows = [(rowid, *row, local_no)
            for rowid, row, local_no in zip(range(first, first + len(new)), new, numbers, strict=True)]
    details = {code: audit.encode_detail({"service": code, "status": status}) for code in {row[1] for row in new}}
    audit.append_for_cases(ctx.db, user, action, [(row[0], details[row[1]]) for row in new])
    return rows, tail


def finish_cases(db: sqlite_utils.Database) -> None:
    """Move the staged rows into ``cases`` and their name grams into ``name_grams``."""
    conn = db.conn
    conn.execute(f"INSERT INTO cases (rowid, {_NEW_COLUMNS.partition(', ')[2]}) SELECT {_STAGED}"
                 " ORDER BY new_cases.rowid")
    _add_grams(conn, _STAGED.partition(" FROM ")[2], "case_rowid")
    conn.execute("DELETE FROM temp.new_cases")


# Each staged row with the values the batch shares (one row: the cross join keeps the staged order).
_STAGED = f"{_NEW_COLUMNS} FROM temp.new_cases CROSS JOIN temp.new_cases_common"


def _add_grams(conn: Any, table: str, rowid: str, where: str = "", params: list[Any] | None = None) -> None:
    """Name grams of the new rows in ``table``: the same pieces as the triggers
    that keep them when a name changes (schema 6), in one statement."""
    conn.execute("INSERT OR IGNORE INTO name_grams (gram, created_at, case_rowid, case_id, name)"
                 f" SELECT substr(applicant_name, n, 2), created_at, {rowid}, case_id, applicant_name"
                 f" FROM {table} JOIN gram_positions ON n < length(applicant_name){where}", params or [])


def _json_encoder() -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False)``, for the two texts of every new case.

    ``JSONEncoder.encode`` builds its C encoder anew on each call, a third of the
    cost of encoding a case's applicant; this one is built once. It keeps no
    record of the containers it is inside (a cycle, which no case holds, ends
    in RecursionError instead of ValueError)."""
    if c_make_encoder is None:  # a Python without the _json accelerator
        return json.JSONEncoder(ensure_ascii=False).encode
    encoder = json.JSONEncoder(ensure_ascii=False)
    parts = c_make_encoder(None, encoder.default, encode_basestring, None, encoder.key_separator,
                           encoder.item_separator, False, False, True)

    def to_json(value: Any) -> str:
        return "".join(parts(value, 0))

    return to_json


_to_json = _json_encoder()


def update_case(ctx: Context, case_id: str, changes: dict[str, Any], user: str) -> Case:
    """Set values by path (``applicant.phone``, ``fields.contribution_grade``).

    A ready case that no longer validates goes back to draft; a case being sent
    goes back to ready so that the sync engine sends the edit, never loses it.
    """
    actor = acting_user(ctx.db, user)
    with write(ctx.db):
        case = load_case(ctx.db, case_id)
        check_can_edit(actor, case.captured_by)
        statuses.check_editable(case.status)
        applicant, fields = dict(case.applicant), dict(case.fields)
        for path, value in changes.items():
            _set_path(applicant, fields, path, value)
        applicant = derive_applicant(applicant)
        new_status = case.status
        if case.status == statuses.SENDING:
            new_status = statuses.READY
        if new_status == statuses.READY and _problems(ctx, case, applicant, fields):
            new_status = statuses.DRAFT
        _save(ctx, case, applicant, fields, new_status)
        audit.append(ctx.db, actor.username, "case.update", case_id,
                     {"paths": sorted(changes), "status": new_status})
    return load_case(ctx.db, case_id)


def _set_path(applicant: dict[str, Any], fields: dict[str, Any], path: str, value: Any) -> None:
    head, _, key = path.partition(".")
    if head == "applicant" and key in APPLICANT_KEYS:
        target = applicant
    elif head == "fields" and key:
        target = fields
    else:
        raise ValidationFailed(t("字段路径无效", "Invalid field path"),
                               t(f"“{path}”不是可修改的字段，应为 applicant.<名称> 或 fields.<名称>。",
                                 f"'{path}' is not a field; use applicant.<name> or fields.<name>."))
    if value in (None, ""):
        target.pop(key, None)
    else:
        target[key] = value


def _problems(ctx: Context, case: Case, applicant: dict[str, Any], fields: dict[str, Any]) -> list:
    from workstation.case_flow import readiness_problems

    return readiness_problems(ctx, case.service_code, case.form_version, applicant, fields,
                              case.case_id, case.shortfall)


def _save(ctx: Context, case: Case, applicant: dict[str, Any], fields: dict[str, Any],
          status: str) -> None:
    name, id_number, phone, division = search_columns(applicant)
    ctx.db.execute(
        "UPDATE cases SET applicant = ?, fields = ?, applicant_name = ?, id_number = ?, phone = ?,"
        " division_code = ?, status = ?, updated_at = ?, edit_seq = edit_seq + 1 WHERE case_id = ?",
        [json.dumps(applicant, ensure_ascii=False), json.dumps(fields, ensure_ascii=False), name,
         id_number, phone, division, status, now_iso(), case.case_id])
