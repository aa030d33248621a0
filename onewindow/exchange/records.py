"""What the upper-level platform receives for each fact of a case: the national exchange fields.

LEGAL-RULES §4 "Case exchange records": acceptance (number, item code and version, application
time, acceptance time, acceptance document number, promised completion time, applicant,
department, clerk, materials), process steps (stage, action, start, end, opinion, staff), special
procedures (kind, reason or basis, start, end, result), result (completion time, result,
certificate name and number, delivery, satisfaction, e-certificates). Field names are the
platform's pinyin-free English keys; times are ISO 8601 with the offset, dates ISO.

The applicant's ID number comes from the case row (decrypted): event payloads carry only its
blind-index digest (cases.history.redact_applicant).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from onewindow.cases.events import EventKind, event_label
from onewindow.cases.models import Case, CaseEvent, CaseTask
from onewindow.catalog.rules import DELIVERY_METHOD_LABELS
from onewindow.documents.models import Certificate, Document
from onewindow.workdays.clock import PAUSE_LABELS

from .models import Kind

ACCEPTANCE_EVENTS = frozenset({EventKind.ACCEPTED, EventKind.DEEMED_ACCEPTED, EventKind.REFUSED})
STEP_EVENTS = frozenset({
    EventKind.SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENTED, EventKind.STAGE_COMPLETED, EventKind.EXTENSION_GRANTED,
    EventKind.DECIDED, EventKind.CERTIFICATE_ISSUED, EventKind.DELIVERED, EventKind.DECISION_REVOKED,
    EventKind.DEFERRED_MATERIALS_RECEIVED, EventKind.COMMITMENT_VERIFIED, EventKind.OBJECTION_ANSWERED})
SPECIAL_EVENTS = frozenset({EventKind.SPECIAL_PROCEDURE_STARTED, EventKind.SPECIAL_PROCEDURE_ENDED})
RESULT_EVENTS = frozenset({EventKind.CONCLUDED, EventKind.WITHDRAWN})
EXCHANGED_EVENTS = ACCEPTANCE_EVENTS | STEP_EVENTS | SPECIAL_EVENTS | RESULT_EVENTS


def kind_of(event_kind: str) -> Kind | None:
    """The record an event becomes, or None for events the platform does not take (claims, retimes …)."""
    if event_kind in ACCEPTANCE_EVENTS:
        return Kind.ACCEPTANCE
    if event_kind in STEP_EVENTS:
        return Kind.STEP
    if event_kind in SPECIAL_EVENTS:
        return Kind.SPECIAL_PROCEDURE
    if event_kind in RESULT_EVENTS:
        return Kind.RESULT
    return None


def _t(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass
class CaseFacts:
    """What records of one case share, read once per collection batch."""

    case: Case
    events: Sequence[CaseEvent]
    documents: dict[int, list[Document]]  # by event seq
    certificates: list[Certificate]
    tasks: dict[int, CaseTask]  # by stage order
    satisfaction: int | None


def _head(facts: CaseFacts, event: CaseEvent, record_kind: Kind) -> dict[str, Any]:
    case = facts.case
    return {
        "record_type": record_kind.value, "case_number": case.number, "seq": event.seq,
        "region_code": case.region.code, "item_code": case.item.implementation_code,
        "item_name": case.item_version.name, "item_version": case.item_version.version,
    }


def _staff(event: CaseEvent) -> str:
    return event.actor.name if event.actor_id and event.actor else event.actor_label


def _documents(facts: CaseFacts, event: CaseEvent) -> list[dict[str, str]]:
    return [{"kind": d.get_kind_display(), "number": d.number} for d in facts.documents.get(event.seq, [])]


def acceptance(facts: CaseFacts, event: CaseEvent) -> dict[str, Any]:
    case = facts.case
    submitted = next((e for e in facts.events if e.kind == EventKind.SUBMITTED), None)
    materials = (submitted.payload.get("materials", []) if submitted else [])
    return _head(facts, event, Kind.ACCEPTANCE) | {
        "accepted": event.kind != EventKind.REFUSED, "acceptance_kind": event_label(event.kind),
        "applied_at": _t(case.submitted_at), "accepted_at": _t(event.at),
        "acceptance_document_numbers": _documents(facts, event),
        "promised_due": _t(case.promised_due), "statutory_due": _t(case.statutory_due),
        "refusal_reason": event.payload.get("reason", "") if event.kind == EventKind.REFUSED else "",
        "applicant": {"kind": case.applicant_kind, "name": case.applicant_name, "id_type": case.applicant_id_type,
                      "id_number": case.applicant_id_number, "legal_representative": case.legal_representative,
                      "agent_name": case.agent_name},
        "department": case.department.name, "department_code": case.department.code,
        "channel": case.get_channel_display(), "clerk": _staff(event),
        "materials": [{"name": m.get("name", ""), "provided": bool(m.get("provided", True)),
                       "form": m.get("form", "")} for m in materials if isinstance(m, dict)],
    }


def step(facts: CaseFacts, event: CaseEvent) -> dict[str, Any]:
    p = event.payload
    previous = max((e.at for e in facts.events if e.seq < event.seq), default=event.at)
    task = facts.tasks.get(p["stage"]) if event.kind == EventKind.STAGE_COMPLETED and "stage" in p else None
    opinion = p.get("opinion") or p.get("reason") or p.get("reasons") or p.get("answer") or p.get("findings") or ""
    if event.kind == EventKind.DELIVERED:
        opinion = DELIVERY_METHOD_LABELS.get(p.get("method"), p.get("method", ""))
    elif event.kind in (EventKind.SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENTED,
                        EventKind.DEFERRED_MATERIALS_RECEIVED):
        opinion = "、".join(p.get("materials", []))
    return _head(facts, event, Kind.STEP) | {
        "stage": p.get("stage_name") or event_label(event.kind), "action": event_label(event.kind),
        "started_at": _t(task.opened_at if task else previous), "ended_at": _t(event.at),
        "opinion": opinion if isinstance(opinion, str) else "；".join(map(str, opinion)),
        "staff": _staff(event), "documents": _documents(facts, event),
    }


def special_procedure(facts: CaseFacts, event: CaseEvent) -> dict[str, Any]:
    p = event.payload
    started = event if event.kind == EventKind.SPECIAL_PROCEDURE_STARTED else next(
        (e for e in reversed(facts.events) if e.kind == EventKind.SPECIAL_PROCEDURE_STARTED and e.seq < event.seq),
        None)
    procedure = p.get("procedure") or (started.payload.get("procedure") if started else "")
    return _head(facts, event, Kind.SPECIAL_PROCEDURE) | {
        "procedure": PAUSE_LABELS.get(procedure, procedure or ""),  # 决定前公示 too
        "reason": (started.payload.get("reason", "") if started else ""),
        "started_at": _t(started.at if started else None),
        "ended_at": _t(event.at) if event.kind == EventKind.SPECIAL_PROCEDURE_ENDED else None,
        "result": p.get("result", "") if event.kind == EventKind.SPECIAL_PROCEDURE_ENDED else "",
        "announced_workdays": (started.payload.get("announced_workdays") if started else None),
        "staff": _staff(event), "documents": _documents(facts, event),
    }


def result(facts: CaseFacts, event: CaseEvent) -> dict[str, Any]:
    case = facts.case
    delivered = next((e for e in reversed(facts.events) if e.kind == EventKind.DELIVERED and e.seq < event.seq), None)
    outcome = "withdrawn" if event.kind == EventKind.WITHDRAWN else (case.outcome or event.payload.get("result", ""))
    return _head(facts, event, Kind.RESULT) | {
        "concluded_at": _t(event.at), "result": outcome, "result_name": case.item_version.result_name,
        "certificates": [{"name": case.item_version.result_name, "number": c.number, "status": c.status}
                         for c in facts.certificates],
        "delivery": (DELIVERY_METHOD_LABELS.get(delivered.payload.get("method"), delivered.payload.get("method", ""))
                     if delivered else ""),
        "tracking_number": delivered.payload.get("tracking_number", "") if delivered else "",
        "satisfaction": facts.satisfaction,
    }


BUILDERS = {Kind.ACCEPTANCE: acceptance, Kind.STEP: step, Kind.SPECIAL_PROCEDURE: special_procedure,
            Kind.RESULT: result}


def satisfaction(case: Case, *, level: int, level_label: str, rated_at: datetime, channel: str) -> dict[str, Any]:
    """The applicant's rating of a concluded case (好差评), as its own record."""
    return {"record_type": Kind.SATISFACTION.value, "case_number": case.number, "seq": None,
            "region_code": case.region.code, "item_code": case.item.implementation_code,
            "item_name": case.item_version.name, "item_version": case.item_version.version,
            "level": level, "level_label": level_label, "rated_at": _t(rated_at), "channel": channel}
