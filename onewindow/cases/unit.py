"""The unit of work of one case action: load the case for update, append its events, commit.

:meth:`CaseUnit.load` locks the row and reads, in the same round trip, the case's history, its
tasks and the newest calendar change; what it read is held for the action (:mod:`.scope`), so the
rules, the clock and the notices read the same lists instead of asking the database again.
:meth:`CaseUnit.append` asks the clock, materializes its due dates and chains the event;
:meth:`CaseUnit.commit` writes the row's changed columns, the new events, the deadline rows that
moved, the notices and messages the events call for and, for a child of a bundle application,
what its parent records of the change — all through :mod:`onewindow.core.store`,
inside the action's one transaction (:func:`CaseUnit.atomic`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime
from functools import partial
from operator import attrgetter
from typing import Any

from django.db import IntegrityError, connection
from django.db.models import OuterRef, QuerySet, Subquery

from onewindow.catalog.selectors import version_parts
from onewindow.core import store
from onewindow.core.errors import Conflict, DomainError, NotFound
from onewindow.lifecycle.deadlines import changes as deadline_changes
from onewindow.lifecycle.services import deadlines_write
from onewindow.organization.models import Staff
from onewindow.organization.permissions import ACTION_POWER, grant_exists
from onewindow.organization.permissions import Action as Perm
from onewindow.workdays.selectors import NEWEST_CHANGE

from . import bundle_sync, deadlines, outputs, scope
from .deadlines import specs_of
from .history import chain_event
from .models import Case, CaseEvent, CaseTask
from .timing import materialize, plan_event


def tasks_query(case_pk: int) -> QuerySet[CaseTask]:
    """A case's tasks in stage order (no ordering by the model's default: it would join the case)."""
    return CaseTask.objects.filter(case_id=case_pk).select_related("department", "assignee").order_by("stage_order")


def _locked(pk: int) -> QuerySet[Case]:
    # The newest calendar change of any region comes with the row (for the clock: see calendar_of).
    return (Case.objects.select_for_update(of=("self",)).select_related("region", "department", "item")
            .annotate(newest_change_number=Subquery(NEWEST_CHANGE.values("number")[:1]),
                      newest_change_token=Subquery(NEWEST_CHANGE.values("token")[:1])).filter(pk=pk))


def _locked_granted(actor: Staff, perm: Perm, day: date, *params: Any) -> QuerySet[Case]:
    """:func:`_locked`, and whether ``actor`` holds the power ``perm`` needs for the case's
    department and item on ``day``; ``params`` are the query's own (the grant's, then the case id)."""
    granted = grant_exists(actor, perm, day, department=OuterRef("department_id"), item=OuterRef("item_id"))
    return _locked(params[-1]).annotate(actor_granted=granted)


def _history(case_pk: int) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case_id=case_pk).order_by("seq")


_by_seq = attrgetter("seq")
_by_stage = attrgetter("stage_order")


class CaseUnit:
    """One action on one case, from the lock (or the new row) to the commit."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.new_events: list[CaseEvent] = []

    @staticmethod
    def atomic() -> AbstractContextManager[None]:
        """The action's one transaction (batched on the store's fast path)."""
        return store.atomic()

    @classmethod
    def load(cls, case_id: int, expected_version: int | None, *, actor: Staff | None = None,
             perm: Perm | None = None, day: date | None = None) -> CaseUnit:
        """The case, locked, holding its history, tasks and calendar for the action.

        With ``actor``, ``perm`` and ``day``, ``case.actor_granted`` says whether the actor holds
        the power ``perm`` needs (for ``require(..., granted=…)``), read with the row. A caller
        that passes ``expected_version`` (the ``row_version`` it read) is refused with a conflict
        when the case changed in between.
        """
        # The row lock first (with the newest calendar change and the grant), then, as of the lock,
        # its history and its tasks (one statement where the store can: sorted here): one round trip.
        lock: tuple[str, Callable[..., Any], list[Any]] = ("cases.locked", _locked, [int(case_id)])
        if actor is not None and perm is not None and day is not None and perm in ACTION_POWER:
            # Exists() selects the constant 1 as a parameter, then come the grant's (staff, day
            # twice, power) and the case id.
            lock = ("cases.locked_granted", partial(_locked_granted, actor, perm, day), [
                1, actor.pk, *[connection.ops.adapt_datefield_value(day)] * 2, str(ACTION_POWER[perm]), int(case_id)])
        found, events, tasks = store.fetch_together(lock, ("cases.history", _history, [int(case_id)]),
                                                    ("cases.tasks", tasks_query, [int(case_id)]),
                                                    one_statement_from=1)
        if not found:
            raise NotFound("办件不存在", code="case.not_found", field="case")
        events.sort(key=_by_seq)  # seq and stage order are unique in a case: the queries' own order
        tasks.sort(key=_by_stage)
        case = found[0]
        case.item_version = version_parts(case.item_version_id).version  # immutable: kept in process
        if expected_version is not None and case.row_version != expected_version:
            raise Conflict("case.changed", "办件已被他人更新，请刷新后重试")
        for row in (*events, *tasks):
            row._state.fields_cache["case"] = case  # as ``case.events`` would: no query for row.case
        newest = (int(case.newest_change_number or 0), str(case.newest_change_token or ""))
        scope.hold(case, events, tasks, newest_calendar_change=newest)
        return cls(case)

    @classmethod
    def start(cls, case: Case, *, newest_calendar_change: tuple[int, str] | None) -> CaseUnit:
        """A new case (not stored yet): no history, no tasks."""
        scope.hold(case, [], newest_calendar_change=newest_calendar_change)
        return cls(case)

    def append(self, *, kind: str, at: datetime, actor: Staff | None, payload: dict[str, Any],
               actor_label: str | None = None) -> CaseEvent:
        """Ask the clock whether the event breaks a legal rule, materialize its due dates, chain
        the event; :meth:`commit` stores both."""
        violations, state = plan_event(self.case, kind, at, payload)
        if violations:
            v = violations[0]
            raise DomainError(v.code, v.message)
        materialize(self.case, state)
        event = chain_event(self.case, kind=kind, at=at, actor=actor, payload=payload, actor_label=actor_label)
        self.new_events.append(event)
        return event

    def commit(self) -> Case:
        """Store the row and its new events and deadlines, then issue the notices and
        notifications they call for.

        Documents are numbered in this transaction (the number belongs to the event) and rendered
        by the render job; notifications are queued here and sent by the delivery job. Both jobs
        are woken by what waits for them at the scheduler's next tick, so nothing runs after the
        commit.
        """
        case = self.case
        if case._state.adding:
            try:
                store.add(case, need_id=True)
            except IntegrityError as exc:  # the number sequence is locked, so this is a real bug
                raise Conflict("case.number_taken", "办件编号冲突，请重试") from exc
        elif (changed := scope.changed_fields(case)) is None:
            case.save()
        else:
            # Under the row lock, writing only what changed is the same as writing the whole row.
            store.change(case, changed)
        for event in self.new_events:
            store.add(event)
        self.write_deadlines()
        for event in self.new_events:
            outputs.after_event(case, event)
        if case.bundle_application_id is not None:  # 一件事: the parent follows its child
            bundle_sync.after_child_events(case, self.new_events)
        self.new_events = []
        self.close()
        return case

    def write_deadlines(self) -> None:
        """The case's deadline rows (the lifecycle kernel's table the sweep scans) that this
        action changed, in its transaction; nothing when no deadline moved."""
        held = scope.held(self.case)
        before = held.deadlines if held is not None else {}
        tasks = held.tasks if held is not None else list(tasks_query(self.case.pk))
        deadlines_write(subject_type=deadlines.SUBJECT, subject_id=self.case.pk, region_id=self.case.region_id,
                        specs=deadline_changes(before, specs_of(self.case, tasks)))

    def close(self) -> None:
        """The action is over: the case reads from the database again from now on."""
        scope.release(self.case)
