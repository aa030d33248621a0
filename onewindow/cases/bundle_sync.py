"""The bundle application follows its children: called by every child case's transition, inside it.

:func:`after_child_events` is the one place where a child's change reaches its parent
(:meth:`onewindow.cases.unit.CaseUnit.commit` calls it after the child's row and events are
stored, in the same transaction): it records the child's new status on the parent's chain, issues
the combined supplement notice once the acceptance review is over, records the one delivery, and
moves the parent to the state its children call for (``bundle_rules.target_status``). No signal,
no second engine: the child's own service did the work; this only keeps the parent's projection
and history. Locks are always taken children first, then the parent (the bundle services lock
every child they act on before any child action), so a child action and a bundle action never
wait on each other in a circle.

This module imports neither the case services nor the unit (which import it).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from onewindow.core.public import public_url
from onewindow.lifecycle.services import event_append
from onewindow.notifications.services import notify
from onewindow.organization.models import Staff

from . import bundle_rules as rules
from . import scope
from .bundle_rules import BUNDLE_TABLE, BundleAction, BundleStatus, ChildState, SupplementLine
from .events import EventKind
from .history import events_of
from .models import BundleApplication, BundleApplicationEvent, Case, CaseEvent
from .states import STATUS_LABELS, Status

SUBJECT = "bundle_application"

_MOBILE = re.compile(r"1[3-9]\d{9}")


class EventKindBundle:
    """The kinds of a bundle application's events."""

    APPLIED = "applied"
    CHILD_PROGRESS = "child_progress"
    SUPPLEMENT_NOTIFIED = "supplement_notified"
    SUPPLEMENTED = "supplemented"
    READY_FOR_DELIVERY = "ready_for_delivery"
    DELIVERED = "delivered"
    CONCLUDED = "concluded"


BUNDLE_EVENT_LABELS = {
    EventKindBundle.APPLIED: "申请", EventKindBundle.CHILD_PROGRESS: "子办件进展",
    EventKindBundle.SUPPLEMENT_NOTIFIED: "一次性告知补正", EventKindBundle.SUPPLEMENTED: "补正材料已齐",
    EventKindBundle.READY_FOR_DELIVERY: "办理结果待统一送达", EventKindBundle.DELIVERED: "统一送达",
    EventKindBundle.CONCLUDED: "办结",
}


def parent_event(app: BundleApplication, kind: str, *, at: datetime, actor: Staff | None,
                 payload: dict[str, Any], actor_label: str = "") -> BundleApplicationEvent:
    """Chain an event onto the application (locked by the caller, its row already updated): the
    payload records the status right after it."""
    previous = BundleApplicationEvent.objects.filter(application=app).order_by("-seq").first()
    event = BundleApplicationEvent(application=app, kind=kind, at=at, actor=actor,
                                   actor_label=actor_label or (actor.name if actor else "系统"),
                                   payload={**payload, "status": app.status})
    event_append(event, subject_label=app.number, previous=previous)
    app.row_version = event.seq
    return event


def move(app: BundleApplication, action: BundleAction) -> None:
    """The parent's next state by its table (a move the table refuses is a bug in the sync)."""
    app.status = BUNDLE_TABLE.next_state(action, BundleStatus(app.status))


def _last_supplement_request(events: list[CaseEvent]) -> CaseEvent | None:
    return next((e for e in reversed(events) if e.kind == EventKind.SUPPLEMENT_REQUESTED), None)


def _children(app: BundleApplication, case: Case) -> tuple[list[ChildState], dict[str, Case], dict[str, CaseEvent]]:
    """Every child as the parent needs it (``case`` as its transition left it, the others as
    stored), the rows by number, and each awaiting child's supplement request."""
    rows = {c.number: c for c in Case.objects.filter(bundle_application=app).exclude(pk=case.pk)
            .select_related("item_version", "department").order_by("pk")}
    rows[case.number] = case
    requests: dict[str, CaseEvent] = {}
    waiting = [c.pk for c in rows.values() if c.status == Status.AWAITING_SUPPLEMENT and c.pk != case.pk]
    for event in CaseEvent.objects.filter(case_id__in=waiting, kind=EventKind.SUPPLEMENT_REQUESTED).order_by(
            "case_id", "seq").select_related("case"):
        requests[event.case.number] = event  # the last one of each case wins
    if case.status == Status.AWAITING_SUPPLEMENT and (own := _last_supplement_request(events_of(case))) is not None:
        requests[case.number] = own
    states = [ChildState(number, c.status, requests[number].seq if number in requests else None)
              for number, c in sorted(rows.items(), key=lambda pair: pair[1].pk or 0)]
    return states, rows, requests


def after_child_events(case: Case, events: list[CaseEvent]) -> None:
    """Follow the child ``case``'s new ``events`` on its bundle application (see the module docstring)."""
    if not events or case.bundle_application_id is None:
        return
    if all(e.kind == EventKind.SUBMITTED for e in events):
        return  # a child being created: the application's ``applied`` event records them all
    kept = scope.held(case)
    if kept is not None and kept.row.get("status") == case.status:
        # A claim, a stage opinion, a re-timing, an objection: the child's status stands, and
        # nothing of the parent's depends on anything else (the review ends, a notice is answered,
        # a result is ready or handed over only with a change of status).
        return
    app = (BundleApplication.objects.select_for_update(of=("self",)).select_related("bundle", "region")
           .get(pk=case.bundle_application_id))
    version = app.row_version
    if app.status == BundleStatus.CONCLUDED:
        return  # an objection or a verification after the end changes nothing of the bundle
    last = events[-1]
    at, actor, label = last.at, last.actor, last.actor_label
    children, rows, requests = _children(app, case)
    bundled_delivery = last.kind in (EventKind.DELIVERED, EventKind.CONCLUDED) and any(
        e.kind == EventKind.DELIVERED and e.payload.get("bundle") == app.number for e in events)
    before = app.child_statuses.get(case.number)
    if before != case.status:
        app.child_statuses = {**app.child_statuses, case.number: case.status}
        if bundled_delivery:
            app.delivering = [*app.delivering, case.number]
        else:
            parent_event(app, EventKindBundle.CHILD_PROGRESS, at=at, actor=actor, actor_label=label, payload={
                "case": case.number, "item": case.item_version.name, "department": case.department.name,
                "from": before, "to": case.status, "to_label": STATUS_LABELS[Status(case.status)],
                "event": str(last.kind)})
    if app.delivering and not any(c.status == Status.CERTIFICATE_ISSUED for c in children):
        # The last result of the one delivery is handed over: one event for them all.
        delivery = next(e for e in events if e.kind == EventKind.DELIVERED)
        delivered, app.delivering = app.delivering, []
        parent_event(app, EventKindBundle.DELIVERED, at=at, actor=actor, actor_label=label, payload={
            "cases": delivered, "method": delivery.payload.get("method", ""),
            "tracking_number": delivery.payload.get("tracking_number", ""), "note": delivery.payload.get("note", "")})
    pending = rules.pending_supplements(children, app.noticed)
    if pending and not rules.review_open(children):
        _notify_supplement(app, [requests[c.number] for c in pending], rows, at=at, actor=actor, label=label)
    target = rules.target_status(children, app.noticed)
    action = rules.move_to(target)
    if target != app.status and action is not None and BUNDLE_TABLE.allows(action, BundleStatus(app.status)):
        move(app, action)
        if target == BundleStatus.CONCLUDED:
            app.concluded_at = at
            parent_event(app, EventKindBundle.CONCLUDED, at=at, actor=actor, actor_label=label, payload={
                "children": {c.number: c.status for c in children}})
        elif target == BundleStatus.AWAITING_DELIVERY:
            parent_event(app, EventKindBundle.READY_FOR_DELIVERY, at=at, actor=actor, actor_label=label, payload={
                "cases": [c.number for c in children if c.status == Status.CERTIFICATE_ISSUED]})
        else:
            parent_event(app, EventKindBundle.SUPPLEMENTED, at=at, actor=actor, actor_label=label, payload={
                "cases": [c.number for c in children if c.status == Status.SUBMITTED]})
    if app.row_version != version or app.child_statuses.get(case.number) != before:
        app.save()


def _notify_supplement(app: BundleApplication, requests: list[CaseEvent], rows: dict[str, Case], *, at: datetime,
                       actor: Staff | None, label: str) -> None:
    """一次性告知 for the bundle: one numbered notice listing what every child asks, each material
    once; one message to the applicant. The children's own notices were held back
    (``outputs.after_event``): this is the one the applicant gets."""
    lines = [SupplementLine(case_number=rows[e.case.number].number, item_name=rows[e.case.number].item_version.name,
                            department=rows[e.case.number].department.name,
                            materials=tuple(e.payload.get("materials", [])), note=str(e.payload.get("note", "")))
             for e in requests]
    app.notices += 1
    number = rules.notice_number(app.number, app.notices)
    app.noticed = {**app.noticed, **{e.case.number: e.seq for e in requests}}
    merged = rules.merge_supplements(lines)
    move(app, BundleAction.NOTIFY_SUPPLEMENT)
    parent_event(app, EventKindBundle.SUPPLEMENT_NOTIFIED, at=at, actor=actor, actor_label=label, payload={
        "notice": number, "no": app.notices,
        "lines": [{"case": x.case_number, "item": x.item_name, "department": x.department,
                   "materials": list(x.materials), "note": x.note} for x in lines],
        "materials": [{"name": m.name, "items": list(m.items)} for m in merged],
    })
    phone = next((c.applicant_phone for c in rows.values() if c.applicant_phone), "")
    if _MOBILE.fullmatch(phone or ""):
        notify(region=app.region, channel="sms", recipient=phone, subject=f"一件事{app.number}",
               body=(f"您申请的一件事“{app.bundle.name}”（{app.number}）需一次性补正材料："
                     f"{'、'.join(m.name for m in merged)}。详见一件事补正告知书{number}。"
                     f"进度查询：{public_url('online:progress')}"),
               kind="bundle.supplement_notified", topic=app.number, dedupe_key=f"{app.number}:{number}:sms", at=at)
