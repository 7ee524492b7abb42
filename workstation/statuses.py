"""Case statuses and the only moves between them.

The workstation owns ``draft`` → ``ready`` → ``sending`` → ``sent``; after that
the county decides (``received`` … ``completed``), and a ``returned`` case can
be corrected and made ``ready`` again as a new revision.
"""

from __future__ import annotations

from workstation.errors import InvalidTransition
from workstation.i18n import t

DRAFT, READY, SENDING, SENT = "draft", "ready", "sending", "sent"
COUNTY = ("received", "in_review", "returned", "approved", "rejected", "completed")
RETURNED = "returned"
ALL = (DRAFT, READY, SENDING, SENT, *COUNTY)

LABELS = {
    DRAFT: ("草稿", "Draft"), READY: ("待上报", "Ready"), SENDING: ("上报中", "Sending"),
    SENT: ("已上报", "Sent"), "received": ("县级已接收", "Received"),
    "in_review": ("审核中", "In review"), RETURNED: ("退回补正", "Returned"),
    "approved": ("已批准", "Approved"), "rejected": ("不予批准", "Rejected"),
    "completed": ("已办结", "Completed"),
}

# The county may report its statuses in any order it reaches them (an update
# can be skipped, or the county may reopen a case), so any county status may
# follow ``sent`` or another county status.
_AFTER_SENT = set(COUNTY)
ALLOWED: dict[str, set[str]] = {
    DRAFT: {READY},
    READY: {DRAFT, SENDING},
    SENDING: {READY, SENT},
    SENT: _AFTER_SENT,
    **{s: _AFTER_SENT - {s} for s in COUNTY},
}
ALLOWED[RETURNED] = ALLOWED[RETURNED] | {READY}

EDITABLE = {DRAFT, READY, SENDING, RETURNED}


def label(status: str) -> str:
    zh, en = LABELS.get(status, (status, status))
    return t(zh, en)


def check_move(current: str, new: str) -> None:
    if new not in ALLOWED.get(current, set()):
        raise InvalidTransition(
            t("不能这样改变办件状态", "This status change is not allowed"),
            t(f"办件当前为“{label(current)}”，不能变为“{label(new)}”。",
              f"The case is '{label(current)}' and cannot become '{label(new)}'."))


def check_editable(current: str) -> None:
    if current not in EDITABLE:
        raise InvalidTransition(
            t("办件不能修改", "The case cannot be changed"),
            t(f"办件当前为“{label(current)}”，已交县级平台处理；只有退回补正的办件可以修改。",
              f"The case is '{label(current)}' and is with the county; only returned cases can be changed."))
