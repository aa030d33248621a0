"""What each step of a case's history says, once for every page: the staff case page and the
applicant's own pages read the same events through :func:`event_details`, each audience told what
it needs (staff: opinions, internal notes, the inbox moves; the applicant: what the notices say,
in their words), every free text masked alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from onewindow.catalog.rules import DELIVERY_METHOD_LABELS, outcome_words
from onewindow.workdays.clock import PAUSE_LABELS

from .disclosure import masked_text
from .events import EventKind
from .models import CaseEvent
from .rules import CONCLUSION_CODES


class Audience(StrEnum):
    STAFF = "staff"
    APPLICANT = "applicant"


# The due dates as the applicant's pages and notices name them.
DUE_LABELS = {
    "acceptance_due": "受理期限", "supplement_request_due": "补正告知期限", "promised_due": "承诺办结期限",
    "statutory_due": "法定办结期限", "certificate_due": "制证送达期限",
}


@dataclass
class _Parts:
    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, label: str, value: Any) -> None:
        if value in (None, "", []):
            return
        # Free text (a note, a reason) may quote a phone or ID number: masked like the payloads.
        text = "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
        self.items.append((label, masked_text(text)))


def event_details(event: CaseEvent, item_type: str = "licensing", *,
                  audience: Audience = Audience.STAFF) -> list[tuple[str, str]]:
    """The parts of ``event`` its reader is told, as (label, text) pairs in reading order; the
    decision in the words of the item's type (``item_type``)."""
    if audience == Audience.APPLICANT:
        return _for_applicant(event, item_type)
    return _for_staff(event, item_type)


def _for_staff(event: CaseEvent, item_type: str) -> list[tuple[str, str]]:
    """Staff read every part of a payload: opinions, reasons, materials, methods, the result."""
    p = event.payload or {}
    words = outcome_words(item_type)
    out = _Parts()
    add = out.add

    add(_("Stage"), p.get("stage_name"))
    add(_("Opinion"), p.get("opinion"))
    add("全程承办人", p.get("handler"))
    add("原承办人", p.get("previous"))
    if event.kind in (EventKind.REVIEW_MEETING_SCHEDULED, EventKind.REVIEW_MEETING_HELD):
        _meeting_parts(add, p)
    add("证照", p.get("certificate"))
    if event.kind in (EventKind.REFERRED, EventKind.REFERRAL_RETURNED):
        add("收件点", p.get("from") if event.kind == EventKind.REFERRED else p.get("to"))
        add("接收期限", p.get("pickup_due"))
    if event.kind == EventKind.DECIDED:
        add(_("Outcome"), _(words.grant) if p.get("outcome") == "grant" else _(words.deny))
    add(_("Reasons"), p.get("reasons"))
    add(_("Reason"), p.get("reason"))
    add(_("Legal basis"), p.get("legal_basis"))
    add(_("Where to apply"), p.get("where_to_apply"))
    if p.get("procedure"):
        add(_("Procedure"), PAUSE_LABELS.get(p["procedure"], p["procedure"]))
    add("公示编号", p.get("publication"))
    add("公示期截止", p.get("comment_ends"))
    add(_("Working days announced"), p.get("announced_workdays"))
    add(_("Working days"), p.get("workdays"))
    if event.kind in (EventKind.SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENTED, EventKind.DEFERRED_MATERIALS_RECEIVED):
        add(_("Materials"), p.get("materials"))
    if event.kind == EventKind.DEFERRED_MATERIALS_RECEIVED:
        add("仍欠材料", p.get("remaining") or "无")
    if event.kind == EventKind.ACCEPTED and p.get("deferred_materials"):
        add("容缺材料", p.get("deferred_materials"))
        add("补交期限", p.get("deferred_due"))
    if p.get("method"):
        add(_("Delivery"), DELIVERY_METHOD_LABELS.get(p["method"], p["method"]))
    add(_("Tracking number"), p.get("tracking_number"))
    if event.kind == EventKind.TASK_REASSIGNED:
        add(_("To"), p.get("to"))
    if event.kind in (EventKind.EXTENSION_GRANTED, EventKind.EXTENSION_DECLINED) and p.get("approver"):
        add("批准人" if event.kind == EventKind.EXTENSION_GRANTED else "审批人",
            " ".join(x for x in (p.get("approver_title"), p.get("approver")) if x))
    if event.kind == EventKind.EXTENSION_REQUESTED and p.get("joint"):
        add("报请批准", f"{p.get('government', '本级人民政府')}负责人")
    # A conclusion's result is either what the clerk wrote (an instant case) or a code the
    # timeline already shows as its own step (granted, denied, delivered).
    result = p.get("result")
    add(_("Result"), None if event.kind == EventKind.CONCLUDED and result in CONCLUSION_CODES else result)
    add(_("Note"), p.get("note"))
    add(_("Rights"), p.get("rights"))
    return out.items


def _meeting_parts(add: Any, p: dict[str, Any]) -> None:
    """联审会: the meeting, its day, place and departments; its conclusion and what to supplement."""
    add("会议", p.get("kind_label"))
    add("日期", p.get("on"))
    add("地点", p.get("place"))
    add("参加部门", p.get("departments"))
    add("结论", p.get("outcome_label"))
    add("需补充完善的材料", p.get("materials"))


def _for_applicant(event: CaseEvent, item_type: str) -> list[tuple[str, str]]:
    """The applicant is told what the notices say, in Chinese."""
    p = event.payload or {}
    out = _Parts()
    add = out.add

    kind = event.kind
    if kind == EventKind.SUBMITTED:
        add("申请渠道", {"online": "网上申请", "window": "窗口申请", "proxy": "代办", "import": "导入"}.get(
            p.get("channel"), p.get("channel")))
    elif kind in (EventKind.SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENTED):
        add("补正材料", p.get("materials"))
        if kind == EventKind.SUPPLEMENT_REQUESTED:
            add("说明", p.get("note"))
    elif kind == EventKind.REFUSED:
        add("理由", p.get("reason"))
        add("依据", p.get("legal_basis"))
        add("可向以下机关申请", p.get("where_to_apply"))
    elif kind == EventKind.STAGE_COMPLETED:
        add("环节", p.get("stage_name"))
    elif kind in (EventKind.ACCEPTED, EventKind.HANDLER_ASSIGNED):
        add("全程承办人", p.get("handler"))
    elif kind in (EventKind.REVIEW_MEETING_SCHEDULED, EventKind.REVIEW_MEETING_HELD):
        _meeting_parts(add, p)
    elif kind == EventKind.CERTIFICATE_REVOKED:
        add("证照", p.get("certificate"))
        add("理由", p.get("reason"))
        add("依据", p.get("legal_basis"))
    elif kind == EventKind.REFERRED:
        add("收件点", p.get("from"))
        add("报送", p.get("to"))
    elif kind == EventKind.REFERRAL_RETURNED:
        add("退回理由", p.get("reasons"))
    elif kind in (EventKind.SPECIAL_PROCEDURE_STARTED, EventKind.SPECIAL_PROCEDURE_ENDED):
        add("特别程序", PAUSE_LABELS.get(p.get("procedure"), p.get("procedure")))
        add("公示编号", p.get("publication"))
        add("公示期截止", p.get("comment_ends"))
        add("理由或依据", p.get("reason"))
        add("所需工作日", p.get("announced_workdays"))
        add("结果", p.get("result"))
    elif kind == EventKind.EXTENSION_GRANTED:
        add("延长工作日", p.get("workdays"))
        add("理由", p.get("reason"))
        add("批准人", " ".join(x for x in (p.get("approver_title"), p.get("approver")) if x))
    elif kind == EventKind.EXTENSION_REQUESTED and p.get("joint"):
        add("延长工作日", p.get("workdays"))
        add("报请批准", f"{p.get('government', '本级人民政府')}负责人")
    elif kind == EventKind.DECIDED:
        words = outcome_words(item_type)
        add("决定", words.grant if p.get("outcome") == "grant" else words.deny)
        add("理由", p.get("reasons"))
        add("救济途径", p.get("rights"))
    elif kind == EventKind.DELIVERED:
        add("送达方式", DELIVERY_METHOD_LABELS.get(p.get("method"), p.get("method")))
        add("邮件单号", p.get("tracking_number"))
    elif kind == EventKind.WITHDRAWN:
        add("理由", p.get("reason"))
    elif kind == EventKind.CONCLUDED and p.get("result") not in CONCLUSION_CODES:
        add("办理结果", p.get("result"))
    elif kind == EventKind.CALENDAR_RETIMED:
        for name, moved in (p.get("moved") or {}).items():
            label = DUE_LABELS.get(name)
            if label:
                add(label, f"由 {moved.get('old') or '—'} 调整为 {moved.get('new') or '—'}")
    return out.items
