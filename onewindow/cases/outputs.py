"""What a new case event sends out: the numbered notice it calls for, and the applicant's message.

Called by the case services inside the transition's transaction, right after the row is saved:
documents are numbered now (the number belongs to the event) and rendered by a background job
(or on first download); messages are queued now and sent by the delivery job. A rolled back
transition therefore leaves neither a notice number nor a message behind.
"""

from __future__ import annotations

import re
from datetime import date

from onewindow.catalog.rules import SPECIAL_PROCEDURE_LABELS, outcome_words
from onewindow.core.public import public_url
from onewindow.documents.services import certificate_issue, document_issue
from onewindow.notifications.services import notify
from onewindow.workdays.clock import PUBLICITY
from onewindow.workdays.provisional import cn_day, cn_due

from .events import EventKind
from .models import Case, CaseEvent
from .timing import calendar_of

# 行政许可法 第三十二条、第四十二条、第四十五条 etc.: each of these events is told in writing.
# Only a mainland mobile number can take an SMS; a landline on the form is simply not texted.
_MOBILE = re.compile(r"1[3-9]\d{9}")

NOTICE_KIND: dict[str, str] = {
    # 收件回执: the walk-in applicant's dated receipt with the case number and query code (an
    # online applicant has both on screen and by SMS).
    EventKind.SUBMITTED: "intake_receipt",
    EventKind.ACCEPTED: "acceptance_notice",
    EventKind.DEEMED_ACCEPTED: "acceptance_notice",  # 视为受理: the applicant still gets the dated receipt
    EventKind.SUPPLEMENT_REQUESTED: "supplement_notice",
    EventKind.REFUSED: "refusal_notice",
    EventKind.SPECIAL_PROCEDURE_STARTED: "special_procedure_notice",
    EventKind.SPECIAL_PROCEDURE_ENDED: "special_procedure_notice",
    EventKind.EXTENSION_GRANTED: "extension_notice",
    EventKind.DECIDED: "decision_notice",
    EventKind.DECISION_REVOKED: "revocation_notice",
    EventKind.OBJECTION_ANSWERED: "objection_reply",
    EventKind.REVIEW_MEETING_HELD: "review_meeting_notice",
    EventKind.CERTIFICATE_REVOKED: "certificate_revocation_notice",  # 证照撤销告知书  # 联审意见告知书: one written one-time notice  # 异议答复书  # 撤销决定书 (告知承诺不实)
}


def _message(case: Case, event: CaseEvent, *, certificate: str = "") -> str | None:
    """The text the applicant gets for an event, or None when the event is not told; links go to
    the public site (``PUBLIC_BASE_URL``), ``certificate`` is the number of the one just issued."""
    item = case.item_version.name
    p = event.payload
    if event.kind == EventKind.ACCEPTED and not p.get("instant"):
        return (f"您申请的“{item}”已受理（办件编号{case.number}，查询码{case.query_code}），"
                f"承诺办结日期{_d(case, case.promised_due)}。进度查询：{public_url('online:progress')}")
    if event.kind == EventKind.DEEMED_ACCEPTED:
        return f"您申请的“{item}”（{case.number}）依法视为受理，承诺办结日期{_d(case, case.promised_due)}。"
    if event.kind == EventKind.SUPPLEMENT_REQUESTED:
        return f"您申请的“{item}”（{case.number}）需补正材料：{'、'.join(p.get('materials', []))}。请一次性补齐。"
    if event.kind == EventKind.REFUSED:
        return f"您申请的“{item}”（{case.number}）不予受理：{_clause(p.get('reason', ''))}。详见不予受理告知书。"
    if event.kind == EventKind.SPECIAL_PROCEDURE_STARTED and p.get("procedure") == PUBLICITY:
        return (f"您申请的“{item}”（{case.number}）依规定进行决定前公示（公示编号{p.get('publication')}，"
                f"至{p.get('comment_ends')}止），公示期不计入办理期限。")
    if event.kind == EventKind.SPECIAL_PROCEDURE_ENDED and p.get("procedure") == PUBLICITY:
        return f"您申请的“{item}”（{case.number}）公示期满，恢复计时，承诺办结日期{_d(case, case.promised_due)}。"
    if event.kind == EventKind.SPECIAL_PROCEDURE_STARTED:
        label = SPECIAL_PROCEDURE_LABELS.get(p.get("procedure"), p.get("procedure"))
        return (f"您申请的“{item}”（{case.number}）进入{label}程序，预计需{p.get('announced_workdays')}个工作日，"
                f"所需时间不计入办理期限。")
    if event.kind == EventKind.SPECIAL_PROCEDURE_ENDED:
        return f"您申请的“{item}”（{case.number}）特别程序已结束，恢复计时，承诺办结日期{_d(case, case.promised_due)}。"
    if event.kind == EventKind.EXTENSION_GRANTED:
        return (f"您申请的“{item}”（{case.number}）经批准延长{p.get('workdays')}个工作日，"
                f"理由：{_clause(p.get('reason', ''))}；新的承诺办结日期{_d(case, case.promised_due)}。")
    if event.kind == EventKind.DECIDED:
        words = outcome_words(case.item_version.item_type)
        verdict = words.grant_decision if p.get("outcome") == "grant" else words.deny_decision
        document = words.grant_document if p.get("outcome") == "grant" else words.deny_document
        return f"您申请的“{item}”（{case.number}）已作出{verdict}决定，详见{document}。"
    if event.kind == EventKind.CERTIFICATE_REVOKED:
        return f"您申请的“{item}”（{case.number}）证照{p.get('certificate', '')}已被撤销，详见证照撤销告知书。"
    if event.kind == EventKind.REVIEW_MEETING_HELD:
        return (f"您申请的“{item}”（{case.number}）{p.get('kind_label', '联审会')}结论：{p.get('outcome_label', '')}，"
                f"详见联审意见告知书。")
    if event.kind == EventKind.OBJECTION_ANSWERED:
        return f"您对“{item}”（{case.number}）提出的异议已书面答复，详见异议答复书。"
    if event.kind == EventKind.DECISION_REVOKED:
        return f"您申请的“{item}”（{case.number}）因承诺不实，准予决定已被撤销，详见撤销决定书。"
    if event.kind == EventKind.CALENDAR_RETIMED:
        return _retimed_message(case, event)
    if event.kind == EventKind.CERTIFICATE_ISSUED:
        text = f"您申请的“{item}”（{case.number}）证照已制发，可凭查询码领取或查验。"
        return text + (f"核验：{public_url('documents:verify_number', certificate)}" if certificate else "")
    return None


# The due dates the applicant was told (SMS, notices) and what each is called there; the yellow line
# is the center's own business. The acceptance date only counts while acceptance is awaited.
_TOLD_DATES = {"acceptance_due": "受理决定期限", "promised_due": "承诺办结日期", "statutory_due": "法定办结期限",
               "issuance_due": "制证期限"}


def _retimed_message(case: Case, event: CaseEvent) -> str | None:
    """A calendar change moved dates the applicant was told: tell them the new ones."""
    moved = event.payload.get("moved") or {}
    parts = []
    for name, label in _TOLD_DATES.items():
        change = moved.get(name)
        if not change or not change.get("new") or (name == "acceptance_due" and case.accepted_on is not None):
            continue
        old, new = (date.fromisoformat(change[k]) if change.get(k) else None for k in ("old", "new"))
        parts.append(f"{label}由{cn_day(old) if old else '—'}调整为{_d(case, new)}")
    if not parts:
        return None
    return (f"您申请的“{case.item_version.name}”（{case.number}）因节假日安排调整，"
            f"{'；'.join(parts)}。")


def _clause(text: str) -> str:
    """Text typed by staff, made to sit inside a sentence: its own closing full stop would double
    the message's (“……权限。。”)."""
    return text.strip().rstrip("。.；;，, ")


def _d(case: Case, value: date | None) -> str:
    """A due date as the applicant is told it: marked provisional when its year's holidays are not
    published yet (the date may still move)."""
    return cn_due(value, calendar_of(case).published_years)


def after_event(case: Case, event: CaseEvent) -> None:
    """Issue the event's notice (or certificate) and queue the applicant's message."""
    if event.kind == EventKind.SUPPLEMENT_REQUESTED and case.bundle_application_id is not None:
        # 一件事: the children's requests of one acceptance review reach the applicant as one
        # combined notice and one message (bundle_sync), not one per child.
        return
    certificate = ""
    if event.kind == EventKind.CERTIFICATE_ISSUED:
        certificate = certificate_issue(case=case, event=event, new_event=True).number
    elif (kind := NOTICE_KIND.get(event.kind)) is not None and not event.payload.get("instant") \
            and not (event.kind == EventKind.SUBMITTED and case.channel == Case.Channel.ONLINE):
        document_issue(case=case, event=event, kind=kind, new_event=True)
    # An instant case is done in front of the applicant: nothing to text them about.
    text = None if event.payload.get("instant") else _message(case, event, certificate=certificate)
    if text and _MOBILE.fullmatch(case.applicant_phone or ""):
        notify(region=case.region, channel="sms", recipient=case.applicant_phone, subject=f"办件{case.number}",
               body=text, kind=f"case.{event.kind}", topic=case.number,
               dedupe_key=f"{case.number}:{event.seq}:sms", at=event.at)
