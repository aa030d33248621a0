"""Appending to, and verifying, a case's hash-chained history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from onewindow.core import crypto
from onewindow.lifecycle import keys
from onewindow.lifecycle.chain import GENESIS, ChainBreak, verify_chain
from onewindow.lifecycle.services import sign
from onewindow.organization.models import Staff

from . import scope
from .models import Case, CaseEvent

# The case-row columns that must always agree with the history: every event records them as they
# stand right after it (its hashed ``projection``), and the row must equal the last event's; a
# direct edit of one of them without an event is a record mismatch (办记不符), named by the column.
# Every column of the row is here except: ``id``; ``row_version`` and ``last_event_hash``, which
# are checked against the chain itself; ``yellow_from`` and ``yellow_share``, the supervision
# setting's yellow line, re-timed without an event when a center changes its share
# (``case_refresh_yellow``: the settings change is the act on record, and the line decides no
# legal consequence); ``calendar_version``, the bookkeeping of which calendar the dates were
# computed on (the dates themselves are covered, and a re-timing that moves one appends an event).
PROJECTED_FIELDS = (
    "status", "accepted_on", "concluded_at", "visits", "current_stage", "item_version_id", "applicant_name",
    "applicant_id_number", "outcome", "promised_due", "statutory_due", "issuance_due",
    # Added with the keyed chain (issue 13): where the case belongs, whose it is, how it is timed.
    "number", "query_code", "region_id", "department_id", "item_id", "window_id", "channel", "applicant_kind",
    "applicant_id_type", "applicant_phone", "legal_representative", "agent_name", "agent_id_number",
    "applicant_account_id", "is_urgent", "submitted_at", "extension_requested_days", "acceptance_due", "is_paused",
    "clock_provisional",
    *("received_region_id", "referral_state", "forward_due", "pickup_due", "filed_by_id", "paper_due",
      "paper_received_on", "handler_id"),
)
# Columns projected since the referrals (issue 16): an event sealed before them does not hold
# them, and the row must then still have them empty (a case that predates them never had one).
LATER_FIELDS = {"received_region_id": None, "referral_state": "", "forward_due": None, "pickup_due": None,
                "filed_by_id": None, "paper_due": None, "paper_received_on": None, "handler_id": None}


# Personal data never goes into the events in clear (it is encrypted at rest in the row): the
# projection holds its keyed blind index, which a changed value still changes.
PERSONAL_FIELDS = {"applicant_id_number": "id_number", "applicant_phone": "phone", "agent_id_number": "id_number"}


def personal_digest(name: str, value: Any) -> str:
    """What the projection records of a personal column: ``""`` when empty, else its blind index."""
    return f"bidx:{crypto.blind_index(PERSONAL_FIELDS[name], value)}" if value else ""


# The applicant as the ``submitted`` event records it (:class:`rules.Applicant`'s fields): its
# personal fields by the row column whose digest they become.
APPLICANT_PERSONAL = {"id_number": "applicant_id_number", "phone": "applicant_phone",
                      "agent_id_number": "agent_id_number"}


def redact_applicant(applicant: dict[str, Any]) -> dict[str, Any]:
    """The applicant for an event payload: ID numbers and phone as their blind-index digests (the
    values themselves live encrypted in the row), everything else as given. A digest already in
    place stays, so redacting twice changes nothing."""
    out = dict(applicant)
    for key, column in APPLICANT_PERSONAL.items():
        value = out.get(key)
        if value and not str(value).startswith("bidx:"):
            out[key] = personal_digest(column, value)
    return out


def digest_lookup(case: Case) -> dict[str, str]:
    """The digests of the case row's personal values → the values, to show a payload's digest as
    the number it stands for (masked, by :func:`cases.disclosure.masked_payload`)."""
    return {personal_digest(name, value): value for name in PERSONAL_FIELDS if (value := getattr(case, name))}


def _projected(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        # In UTC, as the database hands it back: a moment written as +08:00 must compare equal.
        return value.astimezone(UTC).isoformat()
    return str(value)


def projection_of(case: Case) -> dict[str, Any]:
    """The row's key fields as JSON-ready strings."""
    return {name: personal_digest(name, getattr(case, name)) if name in PERSONAL_FIELDS
            else _projected(getattr(case, name)) for name in PROJECTED_FIELDS}


def event_content(event: CaseEvent, case_number: str) -> dict[str, Any]:
    """What an event's hash covers: every column of the event — the case (by its number), the
    event, who did it (id and name as recorded), the case projection right after it, the key it is
    signed with — except its own id, the hashes themselves (the previous one is chained),
    ``recorded_at`` (the database's insert time, set after the hash is made; ``at`` is the act's)
    and ``region`` (a copy of the case's region for the ledger's index, sealed by the projection's
    ``region_id``; added after chains were signed, which it must not break)."""
    return {
        "case": case_number,
        "seq": event.seq,
        "kind": event.kind,
        # UTC, as the database hands it back, so the hash does not depend on the writer's zone.
        "at": event.at.astimezone(UTC).isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "payload": event.payload,
        "projection": event.projection,
        "key": event.key_id,
    }


def events_of(case: Case) -> list[CaseEvent]:
    """The case's events in order: the list its transition holds, else read from the database."""
    held = scope.held(case)
    return held.events if held is not None else list(case.events.order_by("seq"))


def chain_event(case: Case, *, kind: str, at: datetime, actor: Staff | None, payload: dict[str, Any],
                actor_label: str | None = None) -> CaseEvent:
    """Chain a new event onto ``case``, which the caller has locked and already updated; the
    caller then stores the event together with the row, in its transaction.

    The hash covers the case number and the projection, never the row's id, so the first event
    of a new case is chained before the row is inserted.
    """
    # The region is the case's, for the ledger's index; the hash does not cover it (event_content).
    event = CaseEvent(case=case, region_id=case.region_id, seq=case.row_version + 1, kind=kind, at=at,
                      actor=actor, actor_label=actor_label or (actor.name if actor else "系统"), payload=payload,
                      projection=projection_of(case), prev_hash=case.last_event_hash or GENESIS)
    sign(event, event_content, case.number)
    if (held := scope.held(case)) is not None:
        held.events.append(event)
    case.row_version = event.seq
    case.last_event_hash = event.hash
    return event


@dataclass(frozen=True)
class CaseVerification:
    number: str
    breaks: list[ChainBreak]

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify_case(case: Case) -> CaseVerification:
    """Recompute the chain of ``case`` and check that the row still equals its last event."""
    events = list(case.events.order_by("seq"))
    breaks = verify_chain(((ev.seq, ev.prev_hash, ev.hash, event_content(ev, case.number)) for ev in events),
                          keys.secret_of)
    if not events:
        return CaseVerification(case.number, [ChainBreak(0, "no_events", "办件没有任何事件记录")])
    # The event's region is outside the hash (the ledger's copy): it must be the case's region,
    # which the projection seals (checked below with the other columns).
    breaks.extend(ChainBreak(ev.seq, "event_region_mismatch", f"事件记录的区划与办件的区划不符（{ev.region_id}）")
                  for ev in events if ev.region_id != case.region_id)
    last = events[-1]
    if case.last_event_hash != last.hash or case.row_version != last.seq:
        breaks.append(ChainBreak(last.seq, "row_chain_mismatch", "办件记录的版本或哈希与事件链不符"))
    current = projection_of(case)
    for name in PROJECTED_FIELDS:
        if name not in last.projection and name in LATER_FIELDS:
            if current[name] != _projected(LATER_FIELDS[name]):
                breaks.append(ChainBreak(last.seq, "record_mismatch",
                                         f"办件记录的“{name}”为 {current[name]!r}，事件链记载为空（办记不符）"))
        elif name not in last.projection:
            breaks.append(ChainBreak(last.seq, "record_unsealed",
                                     f"办件记录的“{name}”不在最新事件的快照中，无法核对（历史未经密钥重签）"))
        elif current[name] != last.projection[name]:
            value = last.projection[name]
            if name in PERSONAL_FIELDS:  # no personal data in a report
                message = f"办件记录的“{name}”与事件链记载的不符（办记不符）"
            else:
                message = f"办件记录的“{name}”为 {current[name]!r}，事件链记载为 {value!r}（办记不符）"
            breaks.append(ChainBreak(last.seq, "record_mismatch", message))
    return CaseVerification(case.number, breaks)
