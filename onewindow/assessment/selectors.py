"""Reads of the assessment app."""

from __future__ import annotations

from datetime import date

from onewindow.core.errors import NotFound
from onewindow.organization.models import Region

from .models import Scheme
from .rules import PERIOD_LABELS, SUBJECT_LABELS, PeriodKind, SubjectKind


def scheme_in_force(*, region: Region, period_kind: PeriodKind, subject_kind: SubjectKind, on: date) -> Scheme:
    """The version in force on ``on`` (the latest effective on or before it); 404 if none."""
    scheme = (Scheme.objects.filter(region=region, period_kind=period_kind, subject_kind=subject_kind,
                                    effective_from__lte=on)
              .order_by("-effective_from").prefetch_related("items", "bands").first())
    if scheme is None:
        raise NotFound(f"{region.name}{on}没有生效的{PERIOD_LABELS[period_kind]}{SUBJECT_LABELS[subject_kind]}考核方案",
                       code="scheme_not_found", field="period")
    return scheme
