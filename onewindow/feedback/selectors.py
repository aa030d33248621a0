"""Reads of the citizen's voice, and the facts the assessment reads: substantiated complaints per
clerk and bad ratings rectified or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q, QuerySet

from onewindow.cases.models import Case
from onewindow.cases.selectors import case_for
from onewindow.core.errors import NotFound
from onewindow.organization.models import Region, Staff

from . import rules as r
from .models import BulkNotice, ClerkFlag, Rating, RatingFollowUp, Rectification, WorkOrder
from .permissions import visible_q


def rectification_outcome_for_case(case: Case) -> Rectification | None:
    """The rectification of the case's bad rating, if any (the applicant's progress page shows it)."""
    return Rectification.objects.filter(rating__case=case).first()


def rating_for_case(case: Case) -> Rating | None:
    return Rating.objects.filter(case=case).first()


def follow_up_of(rating: Rating | None) -> RatingFollowUp | None:
    """The one follow-up (追评) of a rating, if the applicant added it."""
    return RatingFollowUp.objects.filter(rating=rating).first() if rating is not None else None


def notices_for(staff: Staff | None) -> QuerySet[BulkNotice]:
    """Bulk notices a staff member may see (their regions; department postings: their departments')."""
    return BulkNotice.objects.filter(visible_q(staff)).select_related("department", "item", "drafted_by",
                                                                       "approved_by", "region")


def orders_for(staff: Staff | None) -> QuerySet[WorkOrder]:
    """Work orders a staff member may see (their regions; department postings: their departments')."""
    return WorkOrder.objects.filter(visible_q(staff)).select_related("department", "owner", "handler", "region")


def rectifications_for(staff: Staff | None) -> QuerySet[Rectification]:
    return Rectification.objects.filter(visible_q(staff)).select_related("department", "rating", "region")


# -- facts for the assessment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClerkComplaints:
    """Substantiated complaints against one staff member in one year (two → flagged)."""

    staff_id: int
    staff_name: str
    substantiated: int
    order_numbers: list[str]
    flagged: bool


def substantiated_complaints_per_clerk(*, region: Region, year: int) -> list[ClerkComplaints]:
    """Per staff member of ``region`` and below: the complaints against them answered as
    substantiated (投诉属实) in work orders received in ``year``, most first."""
    rows: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    qs = (WorkOrder.objects.filter(kind=r.OrderKind.COMPLAINT, substantiated=True, about_staff__isnull=False,
                                   received_at__year=year, region__code__startswith=region.prefix)
          .order_by("received_at").values_list("about_staff_id", "about_staff__name", "number"))
    for staff_id, name, number in qs:
        rows.setdefault(staff_id, []).append(number)
        names[staff_id] = name
    flagged = set(ClerkFlag.objects.filter(year=year, staff_id__in=list(rows)).values_list("staff_id", flat=True))
    out = [ClerkComplaints(sid, names[sid], len(numbers), numbers, sid in flagged) for sid, numbers in rows.items()]
    return sorted(out, key=lambda c: (-c.substantiated, c.staff_name))


@dataclass(frozen=True)
class BadRatingFacts:
    """Bad ratings of one department in a period and what became of them."""

    department_id: int
    department_name: str
    bad_ratings: int
    rectified: int  # closed with the outcome 已整改
    cannot_rectify: int  # closed, with the reason it cannot be rectified
    invalid: int  # confirmed invalid (malicious) by a second person
    open: int  # still being verified, rectified or visited
    overdue_open: int  # open past the current step's due date


def bad_ratings_rectified_per_department(*, region: Region, first: date, last: date,
                                         today: date) -> list[BadRatingFacts]:
    """Per department of ``region`` and below: the bad ratings given from ``first`` to ``last``
    (local days) and how their rectifications stand (assessment: 差评整改率)."""
    qs = Rectification.objects.filter(region__code__startswith=region.prefix, rating__rated_at__date__gte=first,
                                      rating__rated_at__date__lte=last)
    open_states = [r.RectState.VERIFYING, r.RectState.INVALID_PENDING, r.RectState.RECTIFYING, r.RectState.VISITING]
    overdue = (Q(state=r.RectState.VERIFYING, verify_due__lt=today)
               | Q(state__in=[r.RectState.RECTIFYING, r.RectState.INVALID_PENDING], rectify_due__lt=today)
               | Q(state=r.RectState.VISITING, visit_due__lt=today))
    grouped = qs.values("department_id", "department__name").annotate(
        n=Count("id"),
        rectified=Count("id", filter=Q(state=r.RectState.CLOSED, outcome=r.Outcome.RECTIFIED)),
        cannot=Count("id", filter=Q(state=r.RectState.CLOSED, outcome=r.Outcome.CANNOT_RECTIFY)),
        invalid=Count("id", filter=Q(state=r.RectState.INVALID)),
        open=Count("id", filter=Q(state__in=open_states)),
        overdue=Count("id", filter=overdue)).order_by("department__name")
    return [BadRatingFacts(g["department_id"], g["department__name"], g["n"], g["rectified"], g["cannot"],
                           g["invalid"], g["open"], g["overdue"]) for g in grouped]


@dataclass(frozen=True)
class RatingSummary:
    """Public rating results of one department or item: the rate only from the minimum sample."""

    key: int
    name: str
    total: int
    good: int
    bad: int
    rate: Fraction | None

    @property
    def rate_display(self) -> str:
        return "样本不足" if self.rate is None else f"{float(self.rate) * 100:.1f}%"


def rating_results(*, by: str, region: Region | None = None, first: date | None = None, last: date | None = None,
                   min_sample: int = 10) -> list[RatingSummary]:
    """Satisfaction per department (``by="department"``) or item (``by="item"``): citizens' own
    ratings only (a default rating is no citizen's words)."""
    field = "department" if by == "department" else "item"
    qs = Rating.objects.exclude(channel=r.Channel.DEFAULT).filter(**{f"{field}__isnull": False})
    if region is not None:
        qs = qs.filter(region__code__startswith=region.prefix)
    if first is not None:
        qs = qs.filter(rated_at__date__gte=first)
    if last is not None:
        qs = qs.filter(rated_at__date__lte=last)
    name_field = "department__name" if field == "department" else "item__current_version__name"
    grouped = qs.values(f"{field}_id", name_field).annotate(
        total=Count("id"), good=Count("id", filter=Q(level__in=[int(v) for v in r.GOOD_LEVELS])),
        bad=Count("id", filter=Q(level__in=[int(v) for v in r.BAD_LEVELS]))).order_by(name_field)
    return [RatingSummary(g[f"{field}_id"], g[name_field] or "", g["total"], g["good"], g["bad"],
                          r.satisfaction_rate(g["good"], g["total"], min_sample)) for g in grouped]


def published_answers(limit: int = 100) -> list[dict[str, object]]:
    """Closed orders the citizen agreed to publish and a reviewer approved, with personal data
    masked (phone and ID numbers, the caller's name): never the caller's name or phone as such."""
    out: list[dict[str, object]] = []
    for o in WorkOrder.objects.filter(published=True).select_related("department").order_by("-closed_at")[:limit]:
        names = (o.caller_name,)
        out.append({"number": o.number, "kind_label": o.kind_label, "topic": r.redact(o.topic, names),
                    "content": r.redact(o.content, names), "answer": r.redact(o.answer, names),
                    "department": o.department.name if o.department_id else "", "closed_at": o.closed_at})
    return out


@dataclass(frozen=True)
class HotIssue:
    """One group of work orders in a period and the period before it (for the monthly meeting)."""

    key: str
    label: str
    count: int
    previous: int

    @property
    def trend(self) -> str:
        if self.count > self.previous:
            return f"↑ {self.count - self.previous}"
        if self.count < self.previous:
            return f"↓ {self.previous - self.count}"
        return "—"


def hot_issues(*, staff: Staff, first: date, last: date, by: str) -> list[HotIssue]:
    """Work orders received from ``first`` to ``last`` grouped by ``topic``, ``item``, ``department``
    or ``kind``, most first, each with the count of the same-length period just before."""
    fields = {"topic": ("topic", "topic"), "item": ("item_id", "item__current_version__name"),
              "department": ("department_id", "department__name"), "kind": ("kind", "kind")}
    key_field, label_field = fields.get(by, fields["department"])
    span = last - first
    before_first, before_last = first - span - timedelta(days=1), first - timedelta(days=1)

    def counts(a: date, b: date) -> dict[Any, tuple[str, int]]:
        rows = (orders_for(staff).filter(received_at__date__gte=a, received_at__date__lte=b)
                .values(key_field, label_field).annotate(n=Count("id")).order_by())
        return {row[key_field]: (row[label_field], row["n"]) for row in rows}

    now, before = counts(first, last), counts(before_first, before_last)
    out = []
    for key, (label, n) in now.items():
        if by == "kind":
            label = r.ORDER_KIND_LABELS.get(r.OrderKind(key), key)
        out.append(HotIssue(str(key), str(label or "（未分派）"), n, before.get(key, ("", 0))[1]))
    return sorted(out, key=lambda h: (-h.count, h.label))


def pad_case(staff: Staff, number: str) -> Case | None:
    """The case the rating pad asks about (the hall's window page names the visitor's case): one
    the staff member may see, concluded and not rated yet (一事一评). Otherwise None: the pad then
    rates the counter visit itself (一次一评), as for a case just received."""
    if not number.strip():
        return None
    try:
        case = case_for(staff, number)
    except NotFound:
        return None
    if case.status not in r.RATABLE_CASE_STATUSES or Rating.objects.filter(case=case).exists():
        return None
    return case
