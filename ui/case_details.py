"""The read-only parts of the case view: numbers, sync state, values and history.

Values are shown with the labels of the form version the case was captured
with, choices by their label, and audit actions as plain words, so a clerk
never has to read a code like ``document.attach``.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QCoreApplication as Q  # short, and lupdate reads Q.translate
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from workstation import audit, statuses
from workstation.cases import Case
from workstation.clock import parse_iso
from workstation.context import Context
from workstation.i18n import pick
from workstation.masking import mask_id


def action_names() -> dict[str, str]:
    return {
        "case.create": Q.translate("CaseDetails", "创建草稿"), "case.update": Q.translate("CaseDetails", "修改内容"),
        "case.ready": Q.translate("CaseDetails", "标记为待上报"), "case.shortfall": Q.translate("CaseDetails", "容缺受理"),
        "case.withdraw": Q.translate("CaseDetails", "撤回为草稿"), "case.sending": Q.translate("CaseDetails", "开始上报"),
        "case.sent": Q.translate("CaseDetails", "已上报县级平台"), "case.ready_again": Q.translate("CaseDetails", "重新排队上报"),
        "case.county_status": Q.translate("CaseDetails", "县级平台更新状态"),
        "document.attach": Q.translate("CaseDetails", "添加材料页面"),
        "document.pages": Q.translate("CaseDetails", "整理材料页面"),
        "case.view_documents": Q.translate("CaseDetails", "查看材料"), "case.print": Q.translate("CaseDetails", "打印"),
        "case.import": Q.translate("CaseDetails", "导入办件"),
    }


def numbers_line(case: Case) -> str:
    parts = [Q.translate("CaseDetails", "办件编号：%1").replace("%1", case.local_no)]
    if case.county_ref:
        parts.append(Q.translate("CaseDetails", "县级编号：%1").replace("%1", case.county_ref))
    if case.revision > 1:
        parts.append(Q.translate("CaseDetails", "第 %1 次提交").replace("%1", str(case.revision)))
    parts.append(Q.translate("CaseDetails", "录入人：%1").replace("%1", case.captured_by))
    return "　·　".join(parts)


def sync_line(case: Case) -> str:
    """Where the case is on its way to the county, in words."""
    words = {
        statuses.DRAFT: Q.translate("CaseDetails", "草稿，还没有交给上报"),
        statuses.READY: Q.translate("CaseDetails", "待上报：联网时自动发送到县级平台"),
        statuses.SENDING: Q.translate("CaseDetails", "正在上报到县级平台…"),
        statuses.SENT: Q.translate("CaseDetails", "已上报，等待县级平台接收"),
    }
    if case.status == statuses.RETURNED:
        text = Q.translate("CaseDetails", "县级平台已退回，改正后重新提交")
    elif case.status in ("approved", "rejected", "completed"):
        text = Q.translate("CaseDetails", "县级平台已办结")
    else:
        text = words.get(case.status, Q.translate("CaseDetails", "县级平台处理中"))
    if case.county_status:
        when = _local(case.county_updated_at)
        text += "　·　" + Q.translate("CaseDetails", "县级状态：%1（%2）").replace("%1", statuses.label(case.county_status)) \
            .replace("%2", when)
    return Q.translate("CaseDetails", "上报状态：%1").replace("%1", text)


def sync_problem(ctx: Context, case_id: str) -> str | None:
    """Why the sync engine holds this case back (a county rejection, a damaged file), as HTML."""
    try:
        from sync import outbox

        state = outbox.case_state(ctx.db, case_id)
    except Exception:  # noqa: BLE001 - sync not set up on this store: nothing to report
        return None
    if not state or state["state"] not in ("quarantined", "blocked") or not state.get("error"):
        return None
    err = state["error"]
    head = Q.translate("CaseDetails", "县级平台拒收了这个办件") if state["state"] == "quarantined" \
        else Q.translate("CaseDetails", "这个办件暂时不能上报")
    items = "".join(f"<li>{html.escape(str(e.get('message', '')))}</li>"
                    for e in err.get("errors", []) if isinstance(e, dict))
    hint = Q.translate("CaseDetails", "请点“修改”改正后保存，工作站会自动重新上报。")
    return (f"<b>{head}</b>：{html.escape(str(err.get('title', '')))} "
            f"{html.escape(str(err.get('message', '')))}<ul>{items}</ul>{hint}")


def display_value(field: Any, value: Any) -> str:
    """A stored value as a person reads it: choice labels, 是/否, masked secrets."""
    if value in (None, "", []):
        return "—"
    labels = {c.value: pick(c.label) for c in getattr(field, "choices", ())}
    if isinstance(value, list):
        return "、".join(labels.get(v, str(v)) for v in value)
    if isinstance(value, bool):
        return Q.translate("FormFields", "是") if value else \
            Q.translate("FormFields", "否")
    text = labels.get(value, str(value))
    return mask_id(text) if getattr(field, "sensitive", False) else text


def fill_details(layout: QFormLayout, case: Case, form: Any) -> None:
    while layout.rowCount():
        layout.removeRow(0)
    a = case.applicant
    gender = {"M": Q.translate("CaseDetails", "男"), "F": Q.translate("CaseDetails", "女")}.get(a.get("gender", ""), "—")
    rows = [(Q.translate("CaseDetails", "姓名"), a.get("name")), (Q.translate("CaseDetails", "身份证号码"), a.get("id_number")),
            (Q.translate("CaseDetails", "性别"), gender), (Q.translate("CaseDetails", "出生日期"), a.get("birth_date")),
            (Q.translate("CaseDetails", "民族"), a.get("ethnicity")), (Q.translate("CaseDetails", "联系电话"), a.get("phone")),
            (Q.translate("CaseDetails", "户籍地址"), a.get("address")), (Q.translate("CaseDetails", "现住址"), a.get("current_address")),
            (Q.translate("CaseDetails", "所在村（社区）区划代码"), a.get("division_code"))]
    layout.addRow(_heading(Q.translate("CaseDetails", "申请人信息")))
    for label, value in rows:
        layout.addRow(_label(label), _value(display_value(None, value)))
    layout.addRow(_heading(Q.translate("CaseDetails", "申请事项")))
    for f in form.visible_fields(case.fields):
        layout.addRow(_label(pick(f.label)), _value(display_value(f, case.fields.get(f.name))))


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 15px; font-weight: bold; color: #1f4e79; padding-top: 8px;")
    return label


def _label(text: str) -> QLabel:
    label = QLabel(text + "：")
    label.setStyleSheet("color: #5f6368;")
    return label


def _value(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def history_table(parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, 4, parent)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
    table.setWordWrap(True)
    return table


def fill_history(table: QTableWidget, ctx: Context, case_id: str, form: Any) -> None:
    """The audit entries of the case, newest first."""
    table.setHorizontalHeaderLabels([Q.translate("CaseDetails", "时间"), Q.translate("CaseDetails", "操作人"), Q.translate("CaseDetails", "操作"), Q.translate("CaseDetails", "说明")])
    names = action_names()
    entries = list(reversed(audit.history(ctx.db, case_id)))
    table.setRowCount(len(entries))
    for row, entry in enumerate(entries):
        cells = [_local(entry["at"]), entry["actor"], names.get(entry["action"], entry["action"]),
                 _detail(entry["action"], entry["detail"], form)]
        for col, text in enumerate(cells):
            table.setItem(row, col, QTableWidgetItem(text))
    table.resizeColumnsToContents()
    table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)


def _detail(action: str, detail: dict[str, Any], form: Any) -> str:
    kinds = {d.kind: pick(d.label) for d in form.documents}
    if action == "case.county_status":
        status = statuses.label(str(detail.get("status", "")))
        return status + (f"：{detail['reason']}" if detail.get("reason") else "")
    if action == "document.attach":
        return Q.translate("CaseDetails", "%1，%2 页").replace("%1", kinds.get(detail.get("kind", ""), "")) \
            .replace("%2", str(detail.get("pages", "")))
    if action == "case.ready" and detail.get("revision", 1) > 1:
        return Q.translate("CaseDetails", "第 %1 次提交").replace("%1", str(detail["revision"]))
    if action == "case.shortfall":
        owed = "、".join(kinds.get(k, k) for k in detail.get("missing", []))
        return Q.translate("CaseDetails", "承诺于 %1 前补交：%2").replace("%1", str(detail.get("due", ""))).replace("%2", owed)
    if action == "case.print":
        names = {"receipt": Q.translate("CaseDetails", "受理回执"), "notice": Q.translate("CaseDetails", "一次性告知单"), "privacy": Q.translate("CaseDetails", "个人信息告知书")}
        return names.get(detail.get("document", ""), "")
    if action == "document.pages" and detail.get("removed"):
        return Q.translate("CaseDetails", "删除了 %1 页").replace("%1", str(detail["removed"]))
    return ""


def _local(iso: str | None) -> str:
    if not iso:
        return ""
    return parse_iso(iso).astimezone().strftime("%Y-%m-%d %H:%M")
