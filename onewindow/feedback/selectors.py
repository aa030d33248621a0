"""Reads of the citizen's voice, and the facts the assessment reads: substantiated complaints per
clerk and bad ratings rectified or not."""

from __future__ import annotations

from django.db.models import QuerySet

from onewindow.cases.models import Case
from onewindow.organization.models import Staff

from .models import Rating, Rectification, WorkOrder
from .permissions import visible_q


def rectification_outcome_for_case(case: Case) -> Rectification | None:
    """The rectification of the case's bad rating, if any (the applicant's progress page shows it)."""
    return Rectification.objects.filter(rating__case=case).first()


def rating_for_case(case: Case) -> Rating | None:
    return Rating.objects.filter(case=case).first()


def orders_for(staff: Staff | None) -> QuerySet[WorkOrder]:
    """Work orders a staff member may see (their regions; department postings: their departments')."""
    return WorkOrder.objects.filter(visible_q(staff)).select_related("department", "owner", "handler", "region")


def rectifications_for(staff: Staff | None) -> QuerySet[Rectification]:
    return Rectification.objects.filter(visible_q(staff)).select_related("department", "rating", "region")
