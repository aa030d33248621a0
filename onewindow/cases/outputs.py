"""What a new case event sends out: the numbered notice it calls for, and the applicant's message.

Called by the case services inside the transition's transaction, right after the row is saved:
documents are numbered now (the number belongs to the event) and rendered by a background job
(or on first download); messages are queued now and sent by the delivery job. A rolled back
transition therefore leaves neither a notice number nor a message behind.
"""

from __future__ import annotations

import re

from onewindow.catalog.rules import SPECIAL_PROCEDURE_LABELS

from .models import Case, CaseEvent

# 行政许可法 第三十二条、第四十二条、第四十五条 etc.: each of these events is told in writing.
# Only a mainland mobile number can take an SMS; a landline on the form is simply not texted.
_MOBILE = re.compile(r"1[3-9]\d{9}")

NOTICE_KIND: dict[str, str] = {
    # 收件回执: the walk-in applicant's dated receipt with the case number and query code (an
    # online applicant has both on screen and by SMS).
    "submitted": "intake_receipt",
    "accepted": "acceptance_notice",
    "deemed_accepted": "acceptance_notice",  # 视为受理: the applicant still gets the dated receipt
    "supplement_requested": "supplement_notice",
    "refused": "refusal_notice",
    "special_procedure_started": "special_procedure_notice",
    "special_procedure_ended": "special_procedure_notice",
    "extension_granted": "extension_notice",
    "decided": "decision_notice",
}


def _message(case: Case, event: CaseEvent) -> str | None:
    """The text the applicant gets for an event, or None when the event is not told."""
    item = case.item_version.name
    p = event.payload
    if event.kind == "accepted" and not p.get("instant"):
        return (f"您申请的“{item}”已受理（办件编号{case.number}，查询码{case.query_code}），"
                f"承诺办结日期{_d(case.promised_due)}。")
    if event.kind == "deemed_accepted":
        return f"您申请的“{item}”（{case.number}）依法视为受理，承诺办结日期{_d(case.promised_due)}。"
    if event.kind == "supplement_requested":
        return f"您申请的“{item}”（{case.number}）需补正材料：{'、'.join(p.get('materials', []))}。请一次性补齐。"
    if event.kind == "refused":
        return f"您申请的“{item}”（{case.number}）不予受理：{p.get('reason', '')}。详见不予受理告知书。"
    if event.kind == "special_procedure_started":
        label = SPECIAL_PROCEDURE_LABELS.get(p.get("procedure"), p.get("procedure"))
        return (f"您申请的“{item}”（{case.number}）进入{label}程序，预计需{p.get('announced_workdays')}个工作日，"
                f"所需时间不计入办理期限。")
    if event.kind == "special_procedure_ended":
        return f"您申请的“{item}”（{case.number}）特别程序已结束，恢复计时，承诺办结日期{_d(case.promised_due)}。"
    if event.kind == "extension_granted":
        return (f"您申请的“{item}”（{case.number}）经批准延长{p.get('workdays')}个工作日，"
                f"理由：{p.get('reason', '')}；新的承诺办结日期{_d(case.promised_due)}。")
    if event.kind == "decided":
        verdict = "准予许可" if p.get("outcome") == "grant" else "不予许可"
        return f"您申请的“{item}”（{case.number}）已作出{verdict}决定，详见决定书。"
    if event.kind == "certificate_issued":
        return f"您申请的“{item}”（{case.number}）证照已制发，可凭查询码领取或查验。"
    return None


def _d(value: object) -> str:
    return "" if value is None else f"{value.year}年{value.month}月{value.day}日"  # type: ignore[attr-defined]


def after_event(case: Case, event: CaseEvent) -> None:
    """Issue the event's notice (or certificate) and queue the applicant's message."""
    from onewindow.documents.services import certificate_issue, document_issue
    from onewindow.notifications.services import notify

    if event.kind == "certificate_issued":
        certificate_issue(case=case, event=event, new_event=True)
    elif (kind := NOTICE_KIND.get(event.kind)) is not None and not event.payload.get("instant") \
            and not (event.kind == "submitted" and case.channel == Case.Channel.ONLINE):
        document_issue(case=case, event=event, kind=kind, new_event=True)
    # An instant case is done in front of the applicant: nothing to text them about.
    text = None if event.payload.get("instant") else _message(case, event)
    if text and _MOBILE.fullmatch(case.applicant_phone or ""):
        notify(region=case.region, channel="sms", recipient=case.applicant_phone, subject=f"办件{case.number}",
               body=text, kind=f"case.{event.kind}", topic=case.number,
               dedupe_key=f"{case.number}:{event.seq}:sms", at=event.at, unread=True)
