"""What staff do with a warning: the responsible explain it (情况说明), a supervisor closes it out (销号)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action, require

from .models import (
    Warning,
    WarningEvent,
)
from .rules import State
from .selectors import is_responsible
from .sweep import resolve_warnings

# -- warnings: acknowledge, close out -----------------------------------------------------------------------


def _load_warning(warning_id: int) -> Warning:
    warning = (Warning.objects.select_for_update(of=("self",)).select_related("region", "department")
               .filter(pk=warning_id).first())
    if warning is None:
        raise NotFound("预警不存在", code="warning.not_found", field="warning")
    return warning


def warning_acknowledge(*, warning_id: int, note: str, actor: Staff, at: datetime | None = None) -> Warning:
    """情况说明: the responsible staff member explains the warning. It stays live: a condition
    resolves when its cause goes away, a fact when a supervisor closes it out."""
    at = at or current_time()
    note = note.strip()
    if not note:
        raise DomainError("warning.note_required", "请填写情况说明", field="note")
    with transaction.atomic():
        warning = _load_warning(warning_id)
        if not is_responsible(actor, warning, on=local_date(at)):
            raise PermissionDenied("只有预警的责任人员可以作出情况说明", code="forbidden.warning.acknowledge")
        if warning.state == State.RESOLVED:
            raise DomainError("warning.resolved", "预警已解除，无需说明", field="warning")
        if warning.state == State.ACKNOWLEDGED and warning.acknowledgement == note \
                and warning.acknowledged_by_id == actor.id:
            return warning  # the same explanation again: nothing changes
        warning.state = State.ACKNOWLEDGED
        warning.acknowledged_by = actor
        warning.acknowledged_at = at
        warning.acknowledgement = note
        warning.save(update_fields=["state", "acknowledged_by", "acknowledged_at", "acknowledgement"])
        WarningEvent.objects.create(warning=warning, kind=WarningEvent.Kind.ACKNOWLEDGED, at=at, actor=actor,
                                    note=note)
        return warning


def warning_close_out(*, warning_id: int, note: str, actor: Staff, at: datetime | None = None) -> Warning:
    """销号: a supervisor closes a warning, typically a fact that was explained and dealt with."""
    at = at or current_time()
    note = note.strip()
    if not note:
        raise DomainError("warning.note_required", "请填写销号意见", field="note")
    with transaction.atomic():
        warning = _load_warning(warning_id)
        require(actor, Action.SUPERVISION_ORDER, region=warning.region, on=local_date(at))
        if warning.state == State.RESOLVED:
            return warning
        resolve_warnings([warning.id], reason=f"销号：{note}", at=at, actor=actor, kind=WarningEvent.Kind.CLOSED_OUT)
        warning.refresh_from_db()
        return warning
