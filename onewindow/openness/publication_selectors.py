"""Reads of publicity: the schedule (due, late, in comment period) for staff, public listings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet

from onewindow.core.errors import NotFound
from onewindow.core.timesource import local_date
from onewindow.organization.models import Staff
from onewindow.organization.permissions import region_q

from .catalogue_rules import SUBJECTS, Category, Elements, missing_elements
from .models import Publication
from .publication_rules import State

PUBLISHED = (State.PUBLISHED, State.FINALIZED)


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


def filter_schedule(qs: QuerySet[Publication], *, state: str = "", category: str = "", department: int | None = None,
                    late: bool = False, q: str = "", today: date | None = None) -> QuerySet[Publication]:
    """The staff schedule narrowed by state, category, department, lateness and a search."""
    if state in {s.value for s in State}:
        qs = qs.filter(state=state)
    if category in {c.value for c in Category}:
        qs = qs.filter(category=category)
    if department:
        qs = qs.filter(department_id=department)
    if late:
        qs = qs.filter(_late_q(today or local_date()))
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(doc_number__icontains=q)
                       | Q(index_number__icontains=q))
    return qs


def _late_q(today: date) -> Q:
    """Published after the due date, or still unpublished past it (:func:`is_late` as a query)."""
    return (Q(published_on__isnull=False, published_on__gt=F("due_on"))
            | Q(state__in=[State.DRAFT, State.IN_REVIEW], due_on__lt=today))


def schedule_summary(qs: QuerySet[Publication], today: date | None = None) -> dict[str, int]:
    """Counts by state, and the late ones."""
    counts = dict(qs.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    out = {s.value: counts.get(s.value, 0) for s in State}
    out["late"] = qs.filter(_late_q(today or local_date())).count()
    return out


def public_publications(*, kind: str = "", category: str = "", subject: str = "", department: str = "",
                        year: int | None = None, q: str = "", village: str = "",
                        current_only: bool = True) -> QuerySet[Publication]:
    """What is or was published — the proactive disclosure catalogue — newest first. A version
    whose change (revision) has since been published is left out unless ``current_only`` is off."""
    qs = (Publication.objects.filter(state__in=PUBLISHED)
          .select_related("department", "village", "revises"))
    if current_only:
        qs = qs.exclude(revised_by__state__in=PUBLISHED)
    if kind:
        qs = qs.filter(kind=kind)
    if category in {c.value for c in Category}:
        qs = qs.filter(category=category)
    if subject in SUBJECTS:
        qs = qs.filter(subject=subject)
    if department:
        qs = qs.filter(department__code=department)
    if year:
        qs = qs.filter(published_on__year=year)
    if village:
        qs = qs.filter(village__code=village)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(doc_number__icontains=q) | Q(index_number__icontains=q))
    return qs.order_by("-published_on", "-id")


def public_publication(number: str) -> Publication:
    pub = public_publications(current_only=False).filter(number=number).first()
    if pub is None:
        raise NotFound("公示不存在", code="publication.not_found", field="number")
    return pub


def current_version(pub: Publication) -> Publication | None:
    """The published revision that replaced this version, if any (the newest of the chain)."""
    newer = None
    seen = pub
    while True:
        nxt = Publication.objects.filter(revises=seen, state__in=PUBLISHED).first()
        if nxt is None:
            return newer
        newer = seen = nxt


def missing(pub: Publication) -> list[str]:
    """What the publication lacks for a complete disclosure of its kind (``catalogue_rules``)."""
    return missing_elements(Elements(Category(pub.category), pub.subject, pub.made_on, pub.doc_number,
                                     pub.village_id is not None, pub.body))


# -- the audit of disclosure quality (公开质量): late, overdue, incomplete, withdrawn ---------------------

PROBLEM_LABELS = {"late": "逾期发布", "overdue": "逾期未发布", "incomplete": "要素不全", "withdrawn": "已撤回"}


@dataclass(frozen=True)
class QualityRow:
    """One publication with what is wrong with it."""

    pub: Publication
    problems: tuple[str, ...]
    missing: tuple[str, ...]
    days_late: int  # calendar days past the due date (published late, or still unpublished)

    @property
    def labels(self) -> list[str]:
        return [PROBLEM_LABELS[p] for p in self.problems]


@dataclass(frozen=True)
class QualitySummary:
    total: int  # publications due in the scope (not drafts that are not yet due)
    counts: dict[str, int]
    published: int
    on_time: int
    by_department: list[tuple[str, dict[str, int]]]

    @property
    def on_time_rate(self) -> str:
        return f"{self.on_time * 100 / self.published:.1f}%" if self.published else "—"


def problems_of(pub: Publication, today: date) -> QualityRow:
    """What the audit finds with one publication (pure over its row)."""
    found: list[str] = []
    days = 0
    if pub.published_on is not None and pub.published_on > pub.due_on:
        found.append("late")
        days = (pub.published_on - pub.due_on).days
    elif pub.state in (State.DRAFT, State.IN_REVIEW) and today > pub.due_on:
        found.append("overdue")
        days = (today - pub.due_on).days
    gaps: list[str] = []
    if pub.state in PUBLISHED:
        gaps = missing(pub)
        if gaps:
            found.append("incomplete")
    if pub.state == State.WITHDRAWN:
        found.append("withdrawn")
    return QualityRow(pub, tuple(found), tuple(gaps), days)


def quality(qs: QuerySet[Publication], *, problem: str = "", department: int | None = None, category: str = "",
            year: int | None = None, today: date | None = None) -> tuple[QualitySummary, list[QualityRow]]:
    """The audit of the publications in ``qs``: a summary of the scope (after the department,
    category and year filters), then the rows with a problem (of the kind asked, if any), the worst
    first."""
    today = today or local_date()
    if department:
        qs = qs.filter(department_id=department)
    if category in {c.value for c in Category}:
        qs = qs.filter(category=category)
    if year:
        qs = qs.filter(due_on__year=year)
    rows = [problems_of(p, today) for p in qs.select_related("department", "village", "author", "reviewer")
            .order_by("due_on", "id")]
    counts = {k: sum(1 for r in rows if k in r.problems) for k in PROBLEM_LABELS}
    published = [r for r in rows if r.pub.published_on is not None]
    per_dept: dict[str, dict[str, int]] = {}
    for r in rows:
        bucket = per_dept.setdefault(r.pub.department.name, dict.fromkeys(PROBLEM_LABELS, 0) | {"total": 0})
        bucket["total"] += 1
        for k in r.problems:
            bucket[k] += 1
    summary = QualitySummary(
        total=len(rows), counts=counts, published=len(published),
        on_time=sum(1 for r in published if "late" not in r.problems),
        by_department=sorted(per_dept.items(), key=lambda kv: (-sum(v for k, v in kv[1].items() if k != "total"),
                                                               kv[0])))
    flagged = [r for r in rows if r.problems and (not problem or problem in r.problems)]
    flagged.sort(key=lambda r: (-r.days_late, r.pub.due_on, r.pub.pk))
    return summary, flagged
