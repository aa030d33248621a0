"""What each notice says, built from the case and the event it documents.

The result is frozen into ``Document.content`` at issue time and is all the PDF shows, so the
PDF can be reproduced years later without asking the case what it looks like now. Values are
JSON-ready: dates as ISO strings, names as text. Due dates come from the event's projection (the
case row right after the event), which is exactly what the applicant is told.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.timezone import localtime

from onewindow.cases.events import EventKind
from onewindow.cases.history import events_of
from onewindow.cases.models import Case, CaseEvent
from onewindow.cases.rules import ID_TYPE_LABELS, MaterialState
from onewindow.cases.timing import calendar_of
from onewindow.catalog.rules import RESULT_TYPE_LABELS, SPECIAL_PROCEDURE_LABELS, outcome_words
from onewindow.core.identity import mask_id
from onewindow.core.public import public_base_url, public_url
from onewindow.core.timesource import local_date
from onewindow.workdays.provisional import is_provisional_day

TITLES = {
    "intake_receipt": "收件回执",
    "acceptance_notice": "受理通知书",
    "supplement_notice": "补正告知书",
    "refusal_notice": "不予受理告知书",
    "special_procedure_notice": "特别程序告知书",
    "extension_notice": "延期告知书",
    "decision_notice": "行政许可决定书",
    "revocation_notice": "撤销决定书",
    "objection_reply": "异议答复书",
    "review_meeting_notice": "联审意见告知书",
    "certificate_revocation_notice": "证照撤销告知书",
    "certificate": "证照",
}

def footer() -> str:
    """The footer every notice prints, with the public site's address (``PUBLIC_BASE_URL``)."""
    return f"本文书由一窗通办系统生成，文书编号可在政务服务网（{public_base_url()}）查询核验。"

# 行政复议法 第二十条 (60 days), 行政诉讼法 第四十六条 (6 months).
RIGHTS_TEXT = "如不服本决定，可以自收到本文书之日起六十日内依法申请行政复议，或者六个月内依法向人民法院提起行政诉讼。"

# 行政许可法 第三十二条: one notice of everything to supplement; the acceptance period runs anew.
SUPPLEMENT_RULE = ("请一次性补正上述全部材料。自本机关收到全部补正材料之日起，重新计算受理期限（五个工作日）；"
                   "逾期未告知补正的，自收到申请材料之日起即为受理。")

# 行政许可法 第四十五条: the time of a hearing, tender, inspection, expert review … is not counted.
SPECIAL_PROCEDURE_RULE = "依照《中华人民共和国行政许可法》第四十五条，特别程序所需时间不计算在办理期限内。"

# 行政许可法 第四十二条: one extension of at most ten working days, with the reason told.
EXTENSION_RULE = "依照《中华人民共和国行政许可法》第四十二条，经本机关负责人批准，延长办理期限，并将延长期限的理由告知申请人。"

# 行政许可法 第三十二条: acceptance, a one-time supplement notice or a refusal within five working
# days of receipt; without one, the application is accepted from the day of receipt.
RECEIPT_RULE = ("本回执仅证明已收到上列申请材料，不代表已受理。本机关将在受理决定期限内作出受理、一次性告知补正或者不予受理的决定；"
                "逾期未告知补正的，自收到申请材料之日起即为受理。")

DEEMED_RULE = "本机关未在法定期限内作出受理决定，依照《中华人民共和国行政许可法》第三十二条，自收到申请材料之日起即为受理。"


def center_name(region) -> str:
    """The issuing center: the region's name and the center's name, e.g. 云溪县政务服务中心."""
    return f"{region.name}{settings.ONEWINDOW.get('CENTER_NAME', '政务服务中心')}"


def _iso(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _projected(case: Case, event: CaseEvent, name: str) -> str | None:
    """A due date as the event recorded it, else as the case row holds it."""
    projection = event.projection or {}
    if name in projection:
        return _iso(projection[name])
    return _iso(getattr(case, name))


def common(case: Case, event: CaseEvent, *, kind: str, number: str) -> dict[str, Any]:
    """The parts every notice has: who issues it, to whom, about what, when."""
    version = case.item_version
    return {
        "kind": kind,
        "title": TITLES[kind],
        "number": number,
        "case_number": case.number,
        "event_seq": event.seq,
        "issued_on": local_date(event.at).isoformat(),
        "applicant": {
            "kind": case.applicant_kind,
            "name": case.applicant_name,
            "id_type": ID_TYPE_LABELS.get(case.applicant_id_type, case.applicant_id_type),
            # Notices are stored files handed to several people: the full number stays in the case.
            "id_number": mask_id(case.applicant_id_number),
            "agent_name": case.agent_name,
        },
        "item": {"name": version.name, "code": case.item.implementation_code, "version": version.version},
        "issuer": {"department": case.department.name, "center": center_name(case.region),
                   "region_code": case.region.code},
        "footer": footer(),
    }


def _events(case: Case, *, upto: int, kinds: tuple[str, ...] | None = None) -> list[CaseEvent]:
    """The case's events up to seq ``upto``, of ``kinds`` if given, in order (the transition's
    own list when a transition issues the notice)."""
    return [e for e in events_of(case) if e.seq <= upto and (kinds is None or e.kind in kinds)]


def _received_materials(case: Case, upto_seq: int) -> list[str]:
    """Materials received by the event: the last intake checklist, plus every supplement since."""
    names: list[str] = []
    for ev in _events(case, upto=upto_seq, kinds=(EventKind.SUBMITTED, EventKind.SUPPLEMENTED)):
        if ev.kind == EventKind.SUBMITTED:
            names = [m["name"] for m in ev.payload.get("materials", [])
                     if m.get("state") == MaterialState.RECEIVED]
        else:
            names.extend(ev.payload.get("materials", []))
    return list(dict.fromkeys(names))


def _received_on(case: Case, before_seq: int) -> str | None:
    """The day the materials being judged were received (the last submission or supplement)."""
    ev = next(reversed(_events(case, upto=before_seq, kinds=(EventKind.SUBMITTED, EventKind.SUPPLEMENTED))), None)
    return local_date(ev.at).isoformat() if ev else None


def receipt(case: Case, event: CaseEvent) -> dict[str, Any]:
    """收件回执 (行政许可法 第三十二条: a dated written receipt): what was received, the query code
    to follow the case with, and by when the center must decide on acceptance."""
    checklist = event.payload.get("materials", [])
    return {
        "query_code": case.query_code,
        "received_on": local_date(event.at).isoformat(),
        "received_at": localtime(event.at).strftime("%H:%M"),
        "window": str(case.window) if case.window else "",
        "clerk": event.actor_label,
        "materials_received": [m["name"] for m in checklist if m.get("state") == MaterialState.RECEIVED],
        "materials_obtained": [m["name"] for m in checklist if m.get("state") == MaterialState.FETCHED],
        "acceptance_due": _projected(case, event, "acceptance_due"),
        # Computed on a year whose holidays are not yet published (DESIGN.md §4 rule 10).
        "acceptance_due_provisional": bool(case.clock_provisional),
        "progress_url": public_url("online:progress"),
        "rule": RECEIPT_RULE,
    }


def acceptance(case: Case, event: CaseEvent) -> dict[str, Any]:
    return {
        "query_code": case.query_code,
        "progress_url": public_url("online:progress"),
        "received_on": _received_on(case, event.seq),
        "accepted_on": _projected(case, event, "accepted_on") or local_date(event.at).isoformat(),
        "promised_due": _projected(case, event, "promised_due"),
        "statutory_due": _projected(case, event, "statutory_due"),
        "materials_received": _received_materials(case, event.seq),
        # 容缺受理: accepted while these are still owed; the notice must not call the file complete.
        "deferred_materials": list(event.payload.get("deferred_materials", [])),
        "deferred_due": event.payload.get("deferred_due"),  # the date they are owed by, when one was set
        # 告知承诺制: accepted on the applicant's commitment to these conditions, verified by that date.
        "commitment_conditions": list(event.payload.get("commitment_conditions", [])),
        "commitment_materials": list(event.payload.get("commitment_materials", [])),
        "verification_due": event.payload.get("verification_due"),
        "instant": bool(event.payload.get("instant")),
        "deemed": event.kind == EventKind.DEEMED_ACCEPTED,
        "deemed_rule": DEEMED_RULE if event.kind == EventKind.DEEMED_ACCEPTED else "",
    }


def supplement(case: Case, event: CaseEvent) -> dict[str, Any]:
    return {
        "received_on": _received_on(case, event.seq),
        "materials": list(event.payload.get("materials", [])),
        "note": event.payload.get("note", ""),
        "rule": SUPPLEMENT_RULE,
    }


def refusal(case: Case, event: CaseEvent) -> dict[str, Any]:
    return {
        "received_on": _received_on(case, event.seq),
        "reason": event.payload.get("reason", ""),
        "legal_basis": event.payload.get("legal_basis", ""),
        "where_to_apply": event.payload.get("where_to_apply", ""),
        "rights": RIGHTS_TEXT,
    }


def revocation(case: Case, event: CaseEvent) -> dict[str, Any]:
    """撤销决定书: a decision made on a commitment that proved false is revoked (告知承诺制)."""
    return {
        "reason": event.payload.get("reason", ""),
        "findings": event.payload.get("findings", ""),
        "commitment_conditions": list(case.commitment_conditions or []),
        "certificates": list(event.payload.get("certificates", [])),
        "credit_recorded": bool(event.payload.get("credit_recorded")),
        "rights": RIGHTS_TEXT,
    }


def objection_reply(case: Case, event: CaseEvent) -> dict[str, Any]:
    """异议答复书: the answer to the applicant's objection, with its reasons."""
    p = event.payload
    return {"objection_no": p.get("objection_no"), "objection": p.get("objection", ""), "answer": p.get("answer", ""),
            "reasons": p.get("reasons", ""), "rights": RIGHTS_TEXT}


def review_meeting(case: Case, event: CaseEvent) -> dict[str, Any]:
    """联审意见告知书: the joint review meeting's result in one notice — what it was, who sat,
    the outcome, the opinion and, when materials are to be supplemented, every one of them."""
    p = event.payload
    return {"meeting": p.get("kind_label", "联审会"), "held_on": p.get("on"), "departments": list(p.get("departments", [])),
            "outcome": p.get("outcome", ""), "outcome_label": p.get("outcome_label", ""), "opinion": p.get("opinion", ""),
            "materials": list(p.get("materials", [])), "rights": RIGHTS_TEXT}


def certificate_revocation(case: Case, event: CaseEvent) -> dict[str, Any]:
    """证照撤销告知书: which certificate, why, on what basis, and the applicant's remedies."""
    p = event.payload
    return {"certificate": p.get("certificate", ""), "reason": p.get("reason", ""),
            "legal_basis": p.get("legal_basis", ""), "rights": RIGHTS_TEXT}


def special_procedure(case: Case, event: CaseEvent) -> dict[str, Any]:
    """The start of a special procedure (what, why, how long), or its end (the result and the due
    dates the clock resumes towards)."""
    procedure = event.payload.get("procedure") or ""
    ended = event.kind == EventKind.SPECIAL_PROCEDURE_ENDED
    started = (next(reversed(_events(case, upto=event.seq - 1, kinds=(EventKind.SPECIAL_PROCEDURE_STARTED,))), None)
               if ended else event)
    start_payload = started.payload if started is not None else {}
    procedure = procedure or start_payload.get("procedure", "")
    return {
        "procedure": procedure,
        "procedure_label": SPECIAL_PROCEDURE_LABELS.get(procedure, procedure),
        "reason": start_payload.get("reason", ""),
        "announced_workdays": start_payload.get("announced_workdays"),
        "started_on": local_date(started.at).isoformat() if started is not None else None,
        "ended": ended,
        "ended_on": local_date(event.at).isoformat() if ended else None,
        "result": event.payload.get("result", "") if ended else "",
        "promised_due": _projected(case, event, "promised_due") if ended else None,
        "statutory_due": _projected(case, event, "statutory_due") if ended else None,
        "rule": SPECIAL_PROCEDURE_RULE,
    }


# 行政许可法 第四十二条第二款: a joint (联合办理) case, 45 working days, +15 with the government head's approval.
JOINT_EXTENSION_RULE = ("依照《中华人民共和国行政许可法》第四十二条第二款，联合办理的行政许可，经本级人民政府负责人批准，"
                        "延长办理期限，并将延长期限的理由告知申请人。")


def extension(case: Case, event: CaseEvent) -> dict[str, Any]:
    previous = next(iter(_events(case, upto=event.seq - 1)[-1:]), None)
    before = previous.projection if previous is not None else {}
    joint = bool(event.payload.get("joint"))
    return {
        "joint": joint,
        # Who approved (Art. 42): the department's head, or for a joint case the government head.
        "approver": event.payload.get("approver") or event.actor_label,
        "approver_title": event.payload.get("approver_title", ""),
        "workdays": event.payload.get("workdays"),
        "reason": event.payload.get("reason", ""),
        "previous_statutory_due": _iso(before.get("statutory_due")),
        "previous_promised_due": _iso(before.get("promised_due")),
        "statutory_due": _projected(case, event, "statutory_due"),
        "promised_due": _projected(case, event, "promised_due"),
        "rule": JOINT_EXTENSION_RULE if joint else EXTENSION_RULE,
    }


def decision(case: Case, event: CaseEvent) -> dict[str, Any]:
    granted = event.payload.get("outcome") == "grant"
    version = case.item_version
    words = outcome_words(version.item_type)
    return {
        # A marriage registration is 予以确认, a subsistence allowance 予以给付: only a licence is 准予行政许可.
        "title": words.grant_document if granted else words.deny_document,
        "decision": words.grant_decision if granted else words.deny_decision,
        "outcome_label": words.grant if granted else words.deny,
        "outcome": "grant" if granted else "deny",
        "accepted_on": _projected(case, event, "accepted_on"),
        "reasons": event.payload.get("reasons", ""),
        "legal_basis": version.legal_basis,
        "result_name": (version.result_name or RESULT_TYPE_LABELS.get(version.result_type, "")) if granted else "",
        "issuance_due": _projected(case, event, "issuance_due") if granted else None,
        "rights": "" if granted else (event.payload.get("rights") or RIGHTS_TEXT),
    }


BUILDERS: dict[str, Callable[[Case, CaseEvent], dict[str, Any]]] = {
    "intake_receipt": receipt,
    "acceptance_notice": acceptance,
    "supplement_notice": supplement,
    "refusal_notice": refusal,
    "revocation_notice": revocation,
    "objection_reply": objection_reply,
    "review_meeting_notice": review_meeting,
    "certificate_revocation_notice": certificate_revocation,
    "special_procedure_notice": special_procedure,
    "extension_notice": extension,
    "decision_notice": decision,
}


def build(kind: str, *, case: Case, event: CaseEvent, number: str) -> dict[str, Any]:
    """The full content of a notice of ``kind`` for ``event``, with the due dates it states that
    fall in a year whose holidays are not published yet (``provisional_dates``: the notice marks
    them 暂定)."""
    content = {**common(case, event, kind=kind, number=number), **BUILDERS[kind](case, event)}
    # The calendar the transition holds (read once, after the row lock), not a lookup of its own.
    published = calendar_of(case).published_years
    content["provisional_dates"] = sorted(
        value for key, value in content.items()
        if key.endswith("_due") and isinstance(value, str) and is_provisional_day(date.fromisoformat(value), published))
    return content


def certificate_payload(case: Case, *, number: str, issued_on: date, valid_until: date | None) -> dict[str, Any]:
    """What a certificate's signature covers. Changing a key here breaks nothing old: every
    certificate is verified against the payload stored with it."""
    version = case.item_version
    return {
        "certificate_name": version.result_name or f"{version.name}证",
        "certificate_type": RESULT_TYPE_LABELS.get(version.result_type, version.result_type),
        "number": number,
        "holder_kind": case.applicant_kind,
        "holder_name": case.applicant_name,
        "holder_id_type": ID_TYPE_LABELS.get(case.applicant_id_type, case.applicant_id_type),
        "holder_id_number": case.applicant_id_number,
        "item_name": version.name,
        "item_label": outcome_words(version.item_type).subject,
        "item_code": case.item.implementation_code,
        "issuing_department": case.department.name,
        "issuing_department_code": case.department.code,
        "center_name": center_name(case.region),
        "region_code": case.region.code,
        "issued_on": issued_on.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else None,
        "case_number": case.number,
    }
