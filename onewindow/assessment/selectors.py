"""Reads of the assessment app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from onewindow.core.errors import NotFound
from onewindow.organization.models import Posting, Region, Staff
from onewindow.organization.permissions import region_q
from onewindow.organization.rules import Role

from .models import Assessment, Correction, LineItem, Report, Scheme, Score
from .rules import (
    AWARD_LABELS,
    PERIOD_LABELS,
    SUBJECT_LABELS,
    AwardKind,
    PeriodKind,
    Standing,
    SubjectKind,
    decide_awards,
    parse_period,
    ranks_with_ties,
)
from .subjects import subjects_in_departments


def scheme_in_force(*, region: Region, period_kind: PeriodKind, subject_kind: SubjectKind, on: date) -> Scheme:
    """The version in force on ``on`` (the latest effective on or before it); 404 if none."""
    scheme = (Scheme.objects.filter(region=region, period_kind=period_kind, subject_kind=subject_kind,
                                    effective_from__lte=on)
              .order_by("-effective_from").prefetch_related("items", "bands").first())
    if scheme is None:
        raise NotFound(f"{region.name}{on}没有生效的{PERIOD_LABELS[period_kind]}{SUBJECT_LABELS[subject_kind]}考核方案",
                       code="scheme_not_found", field="period")
    return scheme


VIEWER_ROLES = (Role.CENTER_ADMIN, Role.SUPERVISOR, Role.CHIEF_REPRESENTATIVE)


def assessments_for(staff: Staff | None) -> QuerySet[Assessment]:
    """The assessments of the regions where ``staff`` administers, supervises or heads a department."""
    return Assessment.objects.filter(region_q(staff, roles=VIEWER_ROLES)).select_related("region", "scheme")


def assessment_for(staff: Staff | None, assessment_id: int) -> Assessment:
    """One visible assessment; 404 (not 403) for one the caller may not see, so ids reveal nothing."""
    assessment = assessments_for(staff).filter(pk=assessment_id).first()
    if assessment is None:
        raise NotFound("考核不存在", code="assessment_not_found", field="id")
    return assessment


@dataclass(frozen=True)
class RankedScore:
    score: Score
    rank: int
    lines: list[LineItem]
    corrections: tuple[Correction, ...] = ()

    @property
    def below_sample(self) -> bool:
        """A small subject: some rate item skipped for want of a sample (marked in the ranking)."""
        return any(line.below_sample for line in self.lines)

    @property
    def correction(self) -> Correction | None:
        """The latest correction of this score (its total and grade are the current ones)."""
        return self.corrections[-1] if self.corrections else None

    @property
    def total(self) -> Decimal:
        """The current total: as published, or as last corrected."""
        return self.correction.total if self.correction else self.score.total

    @property
    def grade(self) -> str:
        return self.correction.grade if self.correction else self.score.grade


def ranked_scores(assessment: Assessment, *, corrected: bool = False) -> list[RankedScore]:
    """Every score of ``assessment``, best first, equal totals sharing a rank, with their lines and
    corrections. ``corrected``: ranked by the totals as corrected since publication (the reports);
    otherwise as scored and published (the published ranking and its awards never move)."""
    scores = list(assessment.scores.prefetch_related("lines__item", "lines__objections", "lines__corrections")
                  .order_by("-total", "subject_name"))
    found: dict[int, list[Correction]] = {}
    for c in assessment.corrections.order_by("number"):
        found.setdefault(c.score_id, []).append(c)
    ranked = [(s, tuple(found.get(s.pk, ()))) for s in scores]
    if corrected:
        ranked.sort(key=lambda p: (-(p[1][-1].total if p[1] else p[0].total), p[0].subject_name))
        totals = [c[-1].total if c else s.total for s, c in ranked]
    else:
        totals = [s.total for s, _ in ranked]
    ranks = ranks_with_ties(totals)
    return [RankedScore(s, rank, list(s.lines.all()), c) for (s, c), rank in zip(ranked, ranks, strict=True)]


def decided_awards(assessment: Assessment) -> list[tuple[AwardKind, RankedScore]]:
    """The awards the scheme's rules give the ranking as scored (what publication records; on a
    draft, what it would give now): small subjects are not compared (``rules.decide_awards``)."""
    ranked = ranked_scores(assessment)
    by_subject = {r.score.subject_id: r for r in ranked}
    standings = [Standing(r.score.subject_id, r.score.total, r.below_sample) for r in ranked]
    return [(kind, by_subject[sid]) for kind, sid in decide_awards(standings, assessment.scheme.award_rules())]


@dataclass(frozen=True)
class AwardRow:
    kind: str
    label: str
    subject_id: int
    subject_name: str
    rank: int
    total: Decimal


def awards_of(assessment: Assessment) -> list[AwardRow]:
    """The published awards as recorded; a draft's as its ranking would give them now (拟)."""
    if assessment.state == Assessment.State.PUBLISHED:
        return [AwardRow(a.kind, AWARD_LABELS[AwardKind(a.kind)], a.subject_id, a.subject_name, a.rank, a.total)
                for a in assessment.awards.order_by("id")]
    return [AwardRow(kind.value, AWARD_LABELS[kind], r.score.subject_id, r.score.subject_name, r.rank, r.score.total)
            for kind, r in decided_awards(assessment)]


def schemes_for(staff: Staff | None) -> QuerySet[Scheme]:
    """The schemes of the regions where ``staff`` administers, supervises or heads a department
    (those assessed read the rules they are assessed by)."""
    return Scheme.objects.filter(region_q(staff, roles=VIEWER_ROLES)).select_related("region", "created_by")


def scheme_for(staff: Staff | None, scheme_id: int) -> Scheme:
    """One visible scheme with its items and bands; 404 for one the caller may not see."""
    scheme = schemes_for(staff).prefetch_related("items", "bands").filter(pk=scheme_id).first()
    if scheme is None:
        raise NotFound("考核方案不存在", code="scheme_not_found", field="id")
    return scheme


def administered_regions(staff: Staff | None) -> list[Region]:
    """The regions where ``staff`` is a center administrator (where they may define schemes)."""
    if staff is None:
        return []
    return list(Region.objects.filter(postings__staff=staff, postings__role=Role.CENTER_ADMIN).distinct()
                .order_by("code"))


@dataclass(frozen=True)
class SchemeVersions:
    """One (region, period kind, subject kind) line of schemes: every version, the one in force."""

    region: Region
    period_kind: str
    subject_kind: str
    versions: list[Scheme]
    in_force: Scheme | None

    @property
    def label(self) -> str:
        return f"{PERIOD_LABELS[PeriodKind(self.period_kind)]}{SUBJECT_LABELS[SubjectKind(self.subject_kind)]}考核"


def scheme_lines(staff: Staff | None, today: date) -> list[SchemeVersions]:
    """The visible schemes grouped by what they assess, newest version first, each line naming
    the version in force ``today`` (the latest effective on or before it)."""
    groups: dict[tuple[int, str, str], list[Scheme]] = {}
    for s in schemes_for(staff).order_by("region__code", "period_kind", "subject_kind", "-effective_from"):
        groups.setdefault((s.region_id, s.period_kind, s.subject_kind), []).append(s)
    return [SchemeVersions(v[0].region, k[1], k[2], v, next((s for s in v if s.effective_from <= today), None))
            for k, v in groups.items()]


def headed_departments(staff: Staff | None, region: Region) -> set[int]:
    """The departments of ``region`` whose chief representative (首席代表) ``staff`` is."""
    if staff is None:
        return set()
    return set(Posting.objects.filter(staff=staff, role=Role.CHIEF_REPRESENTATIVE, region=region,
                                      department__isnull=False).values_list("department_id", flat=True))


def own_subjects(staff: Staff | None, assessment: Assessment) -> set[int]:
    """The subjects of ``assessment`` a chief representative answers for (empty for anyone else)."""
    return subjects_in_departments(SubjectKind(assessment.subject_kind), assessment.region,
                                   headed_departments(staff, assessment.region))


@dataclass(frozen=True)
class DepartmentDraft:
    """A draft a department head should read: their subjects' scores, while objections are open."""

    assessment: Assessment
    scores: list[RankedScore]


def department_drafts(staff: Staff | None, today: date) -> list[DepartmentDraft]:
    """The drafts still open to objection (today on or before the deadline) that score a subject of
    a department ``staff`` heads, with those subjects' ranked scores."""
    found = []
    drafts = (assessments_for(staff).filter(state=Assessment.State.DRAFT, objection_due__gte=today)
              .filter(region_q(staff, roles=(Role.CHIEF_REPRESENTATIVE,))).order_by("-last_day", "subject_kind"))
    for assessment in drafts[:20]:
        mine = own_subjects(staff, assessment)
        if mine:
            found.append(DepartmentDraft(assessment, [r for r in ranked_scores(assessment)
                                                      if r.score.subject_id in mine]))
    return found


def reports_for(staff: Staff | None) -> QuerySet[Report]:
    """The reports of the regions whose assessments ``staff`` may read."""
    return Report.objects.filter(region_q(staff, roles=VIEWER_ROLES)).select_related("region", "issued_by")


def report_for(staff: Staff | None, report_id: int) -> Report:
    """One visible report; 404 for one the caller may not see."""
    report = reports_for(staff).filter(pk=report_id).first()
    if report is None:
        raise NotFound("考核报告不存在", code="report_not_found", field="id")
    return report


def viewer_regions(staff: Staff | None) -> list[Region]:
    """The regions whose assessments ``staff`` may read (where annual reports may be issued)."""
    if staff is None:
        return []
    return list(Region.objects.filter(postings__staff=staff, postings__role__in=list(VIEWER_ROLES)).distinct()
                .order_by("code"))


# -- the public summary ----------------------------------------------------------------------------------


def public_regions() -> list[Region]:
    """The regions with a published monthly assessment (their summaries are public)."""
    ids = (Assessment.objects.filter(state=Assessment.State.PUBLISHED, scheme__period_kind=PeriodKind.MONTH)
           .values_list("region_id", flat=True).distinct())
    return list(Region.objects.filter(pk__in=list(ids)).order_by("code"))


def public_periods(region: Region) -> list[str]:
    """The months of ``region`` with a published assessment, newest first: a summary is public only
    once the center has published that month."""
    return list(Assessment.objects.filter(region=region, state=Assessment.State.PUBLISHED,
                                          scheme__period_kind=PeriodKind.MONTH)
                .order_by("-last_day").values_list("period", flat=True).distinct())


@dataclass(frozen=True)
class PublicDepartment:
    """One department in the public summary: on-time rate and satisfaction, each with its rank
    (None: too few cases or ratings to be ranked). No person is named."""

    name: str
    on_time: str
    concluded: int
    on_time_rank: int | None
    satisfaction: str
    ratings: int
    satisfaction_rank: int | None


def public_summary(region: Region, period: str) -> tuple[list[PublicDepartment], list[AwardRow], str]:
    """The public summary of one published month: every department of ``region`` ranked by its
    on-time rate (supervision's indicator, with its minimum of cases) and by its citizens'
    satisfaction (the public minimum sample), and the window and department awards published that
    month — never a staff member's. Also the on-time rate's definition, shown beside it."""
    from onewindow.feedback.clock import limits_for
    from onewindow.feedback.selectors import rating_results
    from onewindow.organization.models import Department
    from onewindow.supervision.selectors import department_ranking_sets

    _, first, last = parse_period(period)
    departments = list(Department.objects.filter(region=region).order_by("order", "code"))
    ranking, sets = department_ranking_sets(region, departments, first, last)
    on_time = {u.key: u for u in ranking.ranked + ranking.unranked}
    ratings = {r.key: r for r in rating_results(by="department", region=region, first=first, last=last,
                                                min_sample=limits_for(region).public_min_sample)}
    rated = sorted((r for r in ratings.values() if r.rate is not None), key=lambda r: -r.rate)
    satisfaction_ranks = dict(zip([r.key for r in rated], ranks_with_ties([Decimal(r.rate.numerator) /
                                                                          Decimal(r.rate.denominator)
                                                                          for r in rated]), strict=True))
    rows = []
    for department, indicators in sets:
        unit = on_time.get(department.id)
        rating = ratings.get(department.id)
        rows.append(PublicDepartment(
            name=department.name, on_time=unit.display if unit and unit.value is not None else "—",
            concluded=indicators.cases, on_time_rank=unit.rank if unit else None,
            satisfaction=rating.rate_display if rating else "—", ratings=rating.total if rating else 0,
            satisfaction_rank=satisfaction_ranks.get(department.id)))
    rows.sort(key=lambda r: (r.on_time_rank is None, r.on_time_rank or 0, r.satisfaction_rank is None,
                             r.satisfaction_rank or 0, r.name))
    awards: list[AwardRow] = []
    for assessment in Assessment.objects.filter(region=region, period=period, state=Assessment.State.PUBLISHED,
                                                subject_kind__in=[SubjectKind.WINDOW, SubjectKind.DEPARTMENT,
                                                                  SubjectKind.TOWNSHIP]).order_by("subject_kind"):
        # An award withdrawn on review (the appraisal app's 评优复查, by the ORM relation only) is no
        # longer shown to the public; the staff pages and reports keep it as published.
        withdrawn = set(assessment.awards.filter(reviews__outcome="withdrawn").values_list("kind", "subject_id"))
        awards += [a for a in awards_of(assessment)
                   if a.kind != AwardKind.BOTTOM and (a.kind, a.subject_id) not in withdrawn]
    return rows, awards, ranking.definition
