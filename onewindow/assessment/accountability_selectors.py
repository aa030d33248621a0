"""Reads of accountability records (问责): who sees which, and the chain's registration."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import Q, QuerySet

from onewindow.core.errors import NotFound
from onewindow.lifecycle.deadlines import Kind
from onewindow.lifecycle.registry import ChainReport, DeadlineRules, Described, SubjectType, register_subject
from onewindow.lifecycle.selectors import verify_events
from onewindow.organization.models import Region, Staff
from onewindow.organization.permissions import reaches
from onewindow.organization.rules import Role

from .models import Accountability, AccountabilityEvent

ACCOUNTABILITY_SUBJECT = "accountability"
# Who reads a region's accountability records: its supervisors and center administrators. The
# person concerned reads their own (their staff page), and nobody else's.
READER_ROLES = (Role.SUPERVISOR, Role.CENTER_ADMIN)


def readable_regions(staff: Staff) -> list[Region]:
    """The regions whose records ``staff`` reads as supervisor or center administrator."""
    readers = [r for r in reaches(staff) if r.role in READER_ROLES]
    if not readers:
        return []
    return [region for region in Region.objects.order_by("code")
            if any(r.covers(region.code, None) for r in readers)]


def _reader_filter(staff: Staff) -> Q:
    return Q(staff=staff) | Q(region__in=[r.pk for r in readable_regions(staff)])


def records_for(staff: Staff) -> QuerySet[Accountability]:
    """Every record ``staff`` may read (their region's as supervisor or administrator, their own), newest first."""
    return (Accountability.objects.filter(_reader_filter(staff))
            .select_related("region", "staff", "department", "proposed_by", "approver", "efficiency_warning",
                            "complaint").order_by("-proposed_at", "-id"))


def mine(staff: Staff) -> QuerySet[Accountability]:
    """The records about ``staff`` themselves (what their staff page shows)."""
    return records_for(staff).filter(staff=staff)


def record_for(staff: Staff, pk: int) -> Accountability:
    """One record ``staff`` may read; 404 (the same for one that exists elsewhere) otherwise."""
    record = records_for(staff).filter(pk=pk).first()
    if record is None:
        raise NotFound("问责记录不存在", code="accountability_not_found", field="record")
    return record


def may_read_region(staff: Staff) -> bool:
    """Whether ``staff`` reads some region's records (not only their own)."""
    return any(r.role in READER_ROLES for r in reaches(staff))


def _describe(ids: Sequence[int]) -> dict[int, Described]:
    return {a.pk: Described(title=f"问责记录 {a.number}") for a in Accountability.objects.filter(id__in=list(ids))}


def _verify(label: str | None) -> Iterator[ChainReport]:
    for record in Accountability.objects.order_by("id").iterator(chunk_size=500):
        if label is not None and record.number != label:
            continue
        events = AccountabilityEvent.objects.filter(record=record).order_by("seq")
        yield ChainReport(ACCOUNTABILITY_SUBJECT, record.number, verify_events(events, record.number))


def register() -> None:
    # The statement deadline raises no warning: once it passes, the approver may decide.
    register_subject(SubjectType(key=ACCOUNTABILITY_SUBJECT, noun="问责记录", describe=_describe, verify=_verify,
                                 deadline_rules={Kind.REPLY: DeadlineRules()}))
