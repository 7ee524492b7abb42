"""What is printed for the applicant: receipt, one-time notice, privacy notice.

These are official papers handed to a citizen, so they are always in Chinese
whatever language the clerk's screen uses (labels are taken in zh_CN from the
form definition too). The builders return HTML for a QTextDocument and read
only the database, so they can be tested without a printer.
"""

from __future__ import annotations

import html
from datetime import date
from typing import TYPE_CHECKING, Any

from workstation import settings
from workstation.accounts import get_user
from workstation.case_flow import pages_by_kind
from workstation.cases import Case
from workstation.clock import parse_iso
from workstation.masking import mask_id, mask_phone

if TYPE_CHECKING:
    from workstation.context import Context
    from workstation.forms import FormDefinition

QR_NAME = "qr-case-number"
STYLE = """
body { font-size: 11pt; }
h1 { font-size: 20pt; text-align: center; margin-bottom: 2px; }
p.sub { text-align: center; color: #444; margin-top: 0; }
table.info td { padding: 4px 8px; }
table.grid { border-collapse: collapse; }
table.grid td, table.grid th { border: 1px solid #444; padding: 5px 8px; }
th { background: #eee; }
p.small { font-size: 10pt; color: #333; }
p.no { font-size: 12pt; margin: 8px 0; }
p.para { text-indent: 22pt; }
"""


def zh(text: dict[str, str] | None) -> str:
    return (text or {}).get("zh_CN", "") if isinstance(text, dict) else str(text or "")


def e(value: Any) -> str:
    return html.escape(str(value or ""))


def case_numbers(case: Case) -> str:
    """What the QR code holds: the local number, and the county's when it has one."""
    return case.local_no + (f" {case.county_ref}" if case.county_ref else "")


def _office(ctx: Context) -> str:
    return str(settings.get(ctx.db, settings.OFFICE_NAME, ctx.office_code))


def _clerk(ctx: Context, user: str) -> str:
    try:
        return get_user(ctx.db, user).display_name or user
    except Exception:  # noqa: BLE001 - a deleted account still prints its name
        return user


def _day(iso: str | None) -> str:
    day = parse_iso(iso).date() if iso else date.today()
    return f"{day.year}年{day.month}月{day.day}日"


def _handling(form: FormDefinition) -> str:
    h = form.handling
    text = "即办件（当场办结）" if h.kind == "on_the_spot" else f"承诺件（{h.days}个工作日内办结）"
    return text + (f"；{e(zh(h.note))}" if h.note else "")


def _page(title: str, sub: str, body: str) -> str:
    return (f"<html><head><style>{STYLE}</style></head><body><h1>{e(title)}</h1>"
            f"<p class='sub'>{e(sub)}</p>{body}</body></html>")


def _info(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td width='28%'><b>{e(k)}</b></td><td>{v}</td></tr>" for k, v in rows)
    return f"<table class='info' width='100%'>{cells}</table>"


def _applicant_rows(case: Case) -> list[tuple[str, str]]:
    a = case.applicant
    return [("申请人", e(a.get("name"))), ("身份证号码", e(mask_id(str(a.get("id_number") or "")))),
            ("联系电话", e(mask_phone(str(a.get("phone") or ""))))]


def receipt_html(ctx: Context, case: Case, form: FormDefinition, user: str) -> str:
    """受理回执: numbers, applicant (ID masked), service, materials received, clerk, date, QR."""
    counts = pages_by_kind(ctx, case.case_id)
    labels = {d.kind: zh(d.label) for d in form.documents}
    order = [*labels, *sorted(set(counts) - set(labels))]  # the form's order
    received = [(kind, counts[kind]) for kind in order if counts.get(kind)]
    rows = "".join(f"<tr><td align='center'>{i}</td><td>{e(labels.get(kind, kind))}</td>"
                   f"<td align='center'>{n}</td></tr>" for i, (kind, n) in enumerate(received, 1))
    materials = ("<table class='grid' width='100%'><tr><th>序号</th><th>材料名称</th><th>页数</th></tr>"
                 f"{rows}</table>") if rows else "<p>（未收取纸质材料）</p>"
    numbers = f"办件编号：<b>{e(case.local_no)}</b>" + (
        f"<br>县级办件编号：<b>{e(case.county_ref)}</b>" if case.county_ref else "")
    info = _info([*_applicant_rows(case), ("申请事项", e(zh(form.name))),
                  ("办理时限", _handling(form)), ("受理人", e(_clerk(ctx, user))),
                  ("受理日期", e(_day(case.ready_at))), ("受理地点", e(_office(ctx)))])
    qr = (f"<p class='no'>{numbers}</p><table width='100%'><tr><td>{info}</td>"
          f"<td width='150' align='center'><img src='{QR_NAME}' width='130' height='130'><br>"
          "<span style='font-size:9pt'>扫码查询办件编号</span></td></tr></table>")
    return _page("受理回执", _office(ctx), qr + "<h3>已收取的材料</h3>" + materials
                 + _shortfall(case, labels) + "<p class='small'>请妥善保管本回执，"
                 "凭办件编号查询办理进度。如有疑问，请联系受理人。</p>"
                 + "<p><br>受理人签字：__________　　申请人签字：__________</p>")


def _shortfall(case: Case, labels: dict[str, str]) -> str:
    if not case.shortfall:
        return ""
    owed = "、".join(labels.get(k, k) for k in case.shortfall.get("missing", []))
    return (f"<h3>容缺受理</h3><p>申请人承诺于 <b>{e(case.shortfall.get('due'))}</b> 前补交："
            f"<b>{e(owed)}</b>。逾期未补交的，本次受理可能被撤销。</p>")


def missing_materials(ctx: Context, case: Case, form: FormDefinition) -> list[Any]:
    return form.missing_documents(case.fields, pages_by_kind(ctx, case.case_id))


def notice_html(ctx: Context, case: Case, form: FormDefinition, user: str) -> str:
    """一次性告知单: every missing material, in full, once, with the five-day rule."""
    missing = missing_materials(ctx, case, form)
    items = "".join(
        f"<tr><td align='center'>{i}</td><td><b>{e(zh(d.label))}</b>"
        + (f"<br><span class='small'>{e(zh(d.help))}</span>" if d.help else "")
        + f"</td><td align='center'>{d.min_pages}页以上</td></tr>"
        for i, d in enumerate(missing, start=1))
    table = ("<table class='grid' width='100%'><tr><th>序号</th><th>需补正的材料</th>"
             f"<th>要求</th></tr>{items}</table>") if missing else "<p>（材料已齐全，无需补正。）</p>"
    name = e(case.applicant.get("name"))
    body = (
        _info([("办件编号", f"<b>{e(case.local_no)}</b>"), *_applicant_rows(case),
               ("申请事项", e(zh(form.name)))])
        + f"<p>{name}：</p><p class='para'>您申请办理的“{e(zh(form.name))}”事项，所提交的申请材料尚不齐全。"
        f"根据《中华人民共和国行政许可法》第三十二条，现将需要补正的<b>全部</b>材料一次性告知如下"
        f"（共 {len(missing)} 项）：</p>" + table
        + "<p class='para'>请您补齐上述材料后，携带本告知单到本窗口办理；已经提交的材料无需重复提交。</p>"
        "<p class='para'>本告知单在收到申请材料之日起<b>5日内</b>出具；逾期不告知的，"
        "自收到申请材料之日起即为受理。</p>"
        + _info([("告知人", e(_clerk(ctx, user))), ("告知日期", e(_day(None))),
                 ("办理地点", e(_office(ctx)))])
        + "<p><br>申请人签收：__________　　日期：__________</p>")
    return _page("一次性告知单", _office(ctx), body)


def privacy_html(ctx: Context, case: Case, form: FormDefinition, user: str) -> str:
    """个人信息告知书: who handles what, why, how long, and the applicant's rights."""
    sensitive = [zh(f.label) for f in form.fields if f.sensitive]
    collected = "姓名、身份证号码、性别、出生日期、民族、联系电话、户籍地址和现住址，以及本事项表单所列信息" + (
        f"（其中{e('、'.join(sensitive))}属于敏感个人信息）" if sensitive else "")
    points = [
        ("处理者", e(_office(ctx))),
        ("处理目的", f"办理“{e(zh(form.name))}”事项，并报送县级政务服务平台审核。"),
        ("处理的信息", collected + "；扫描的证件和证明材料。"),
        ("法律依据", "为履行法定职责所必需（《中华人民共和国个人信息保护法》第十三条）。"),
        ("保存方式", "保存在本服务站的工作站和县级平台，数据不出境；只有经授权的工作人员可以查看，查看和打印均有记录。"),
        ("保存期限", "事项办结并按规定归档后删除或匿名化处理，不超过法律法规规定的期限。"),
        ("您的权利", "您可以查阅、复制、更正、补充您的个人信息，对处理方式提出意见；"
                   "请向受理窗口提出，或拨打县级政务服务热线。"),
    ]
    body = (f"<p>{e(case.applicant.get('name'))}：</p><p class='para'>为办理您申请的事项，"
            "我们需要收集和使用您的个人信息。依照《中华人民共和国个人信息保护法》，现告知如下：</p>"
            + _info(points)
            + f"<p class='small'>办件编号：{e(case.local_no)}　　告知人：{e(_clerk(ctx, user))}"
            f"　　日期：{e(_day(None))}</p><p><br>本人已阅读并知悉上述内容。"
            "申请人签字：__________</p>")
    return _page("个人信息告知书", _office(ctx), body)


DOCUMENTS = {"receipt": receipt_html, "notice": notice_html, "privacy": privacy_html}
TITLES = {"receipt": "受理回执", "notice": "一次性告知单", "privacy": "个人信息告知书"}
