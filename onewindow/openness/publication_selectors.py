"""Reads of publicity: the schedule (due, late, in comment period) for staff, public listings."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from onewindow.core.errors import NotFound
from onewindow.core.timesource import local_date
from onewindow.organization.models import Staff
from onewindow.organization.permissions import region_q

from .models import Publication
from .publication_rules import State


def schedule_for(staff: Staff | None) -> QuerySet[Publication]:
    return (Publication.objects.filter(region_q(staff, department_field="department"))
            .select_related("department", "reviewer")
            .annotate(open_objections=Count("objections", filter=Q(objections__answered_at__isnull=True))))


def is_late(pub: Publication, today: date | None = None) -> bool:
    """Published after its due date, or still unpublished past it."""
    today = today or local_date()
    if pub.published_on is not None:
        return pub.published_on > pub.due_on
    return pub.state in (State.DRAFT, State.IN_REVIEW) and today > pub.due_on


def public_publications(*, kind: str = "") -> QuerySet[Publication]:
    qs = Publication.objects.filter(state__in=[State.PUBLISHED, State.FINALIZED]).select_related("department")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-published_on", "-id")


def public_publication(number: str) -> Publication:
    pub = public_publications().filter(number=number).first()
    if pub is None:
        raise NotFound("公示不存在", code="publication.not_found", field="number")
    return pub
