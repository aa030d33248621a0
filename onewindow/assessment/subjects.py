"""Who is assessed: the subjects of each kind in a region, as (id, name) pairs, and the
departments a subject belongs to (whose heads may object to its line items)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from onewindow.lifecycle.deadlines import Kind
from onewindow.lifecycle.registry import ChainReport, DeadlineRules, Described, SubjectType, register_subject
from onewindow.lifecycle.selectors import verify_events
from onewindow.organization.models import Department, Region, Staff, Window

from .rules import SUBJECT_LABELS, SubjectKind

ASSESSMENT_SUBJECT = "assessment"


def subjects_of(kind: SubjectKind, region: Region) -> list[tuple[int, str]]:
    """Every subject of ``kind`` in ``region`` (active windows; staff posted there; departments;
    the township centers under it)."""
    if kind == SubjectKind.WINDOW:
        return [(wid, f"{number} {name}") for wid, number, name
                in Window.objects.filter(region=region, is_active=True).order_by("number")
                .values_list("id", "number", "name")]
    if kind == SubjectKind.STAFF:
        return list(Staff.objects.filter(postings__region=region).distinct().order_by("employee_number")
                    .values_list("id", "name"))
    if kind == SubjectKind.DEPARTMENT:
        return list(Department.objects.filter(region=region).order_by("id").values_list("id", "name"))
    return list(Region.objects.filter(parent=region, has_center=True).order_by("code").values_list("id", "name"))


def departments_of(kind: SubjectKind, subject_id: int) -> set[int]:
    """The departments a subject belongs to: a window's departments, a staff member's, a department
    itself; a township center belongs to none (only the center administrator speaks for it)."""
    if kind == SubjectKind.WINDOW:
        return set(Window.departments.through.objects.filter(window_id=subject_id)
                   .values_list("department_id", flat=True))
    if kind == SubjectKind.STAFF:
        department_id = Staff.objects.filter(pk=subject_id).values_list("department_id", flat=True).first()
        return {department_id} if department_id else set()
    if kind == SubjectKind.DEPARTMENT:
        return {subject_id}
    return set()


def _describe(ids: Sequence[int]) -> dict[int, Described]:
    from .models import Assessment

    return {a.pk: Described(title=f"{a.period} {SUBJECT_LABELS[a.subject_kind]}考核")
            for a in Assessment.objects.filter(id__in=list(ids))}


def _verify(label: str | None) -> Iterator[ChainReport]:
    from .models import Assessment, AssessmentEvent

    for a in Assessment.objects.select_related("region").order_by("id").iterator(chunk_size=500):
        if label is not None and a.label != label:
            continue
        events = AssessmentEvent.objects.filter(assessment=a).order_by("seq")
        yield ChainReport(ASSESSMENT_SUBJECT, a.label, verify_events(events, a.label))


def register() -> None:
    # The objection deadline raises no warning: after it, objections are simply refused.
    register_subject(SubjectType(key=ASSESSMENT_SUBJECT, noun="考核", describe=_describe, verify=_verify,
                                 deadline_rules={Kind.REPLY: DeadlineRules()}))


def subjects_in_departments(kind: SubjectKind, region: Region, department_ids: set[int]) -> set[int]:
    """The subjects of ``kind`` in ``region`` that belong to one of ``department_ids`` (what a chief
    representative answers for: the windows serving the department, its staff, the department)."""
    if not department_ids:
        return set()
    if kind == SubjectKind.WINDOW:
        return set(Window.departments.through.objects.filter(window__region=region, department_id__in=department_ids)
                   .values_list("window_id", flat=True))
    if kind == SubjectKind.STAFF:
        return set(Staff.objects.filter(department_id__in=department_ids).values_list("id", flat=True))
    if kind == SubjectKind.DEPARTMENT:
        return set(department_ids)
    return set()
