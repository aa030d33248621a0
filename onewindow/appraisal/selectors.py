"""Reads of the appraisal app: what a staff member may see, a campaign's results per subject, the
public pages' rows, the training roster's flags and the work diary's missing days."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet

from onewindow.assessment.models import Award
from onewindow.assessment.selectors import VIEWER_ROLES
from onewindow.core.errors import NotFound
from onewindow.core.timesource import local_date
from onewindow.organization.models import Posting, Region, Staff
from onewindow.organization.permissions import reaches, region_q
from onewindow.organization.rules import Role, region_prefix
from onewindow.workdays.arithmetic import CalendarRangeError
from onewindow.workdays.selectors import snapshot_for

from .models import Campaign, Commitment, DiaryEntry, Exposure, Qualification, Response, Training
from .rules import (
    EXPOSURE_PUBLIC_DAYS,
    RESPONDENT_LABELS,
    ExposureState,
    RespondentKind,
    ReviewOutcome,
    TrainingKind,
    is_unsatisfied,
    percent,
)


def admin_regions(staff: Staff | None) -> list[Region]:
    """The regions where ``staff`` is a center administrator (where they set things up)."""
    if staff is None:
        return []
    codes = {r.region_code for r in reaches(staff) if r.role == Role.CENTER_ADMIN}
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def viewer_regions(staff: Staff | None) -> list[Region]:
    """The regions whose campaigns, awards, exposures, commitments and roster ``staff`` reads: as a
    center administrator, supervisor or chief representative (those who read the assessments)."""
    if staff is None:
        return []
    q = Q(pk__in=[])
    for r in reaches(staff):
        if r.role in VIEWER_ROLES:
            q |= Q(code__startswith=region_prefix(r.region_code)) if r.subtree else Q(code=r.region_code)
    return list(Region.objects.filter(q, has_center=True).order_by("code"))


def campaigns_for(staff: Staff | None) -> QuerySet[Campaign]:
    return Campaign.objects.filter(region_q(staff, roles=VIEWER_ROLES)).select_related("region").order_by("-id")


def campaign_for(staff: Staff | None, campaign_id: int) -> Campaign:
    """One visible campaign; 404 for one the caller may not see, so ids reveal nothing."""
    campaign = campaigns_for(staff).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("评议活动不存在", code="campaign_not_found", field="id")
    return campaign


@dataclass
class SubjectResult:
    """A subject's results in one campaign."""

    subject_id: int
    name: str
    responses: int = 0
    unsatisfied: int = 0
    ratio_sum: Decimal = Decimal(0)
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def score(self) -> Decimal:
        """The mean share of full marks, as a percentage (得分率)."""
        if not self.responses:
            return Decimal(0)
        return percent((self.ratio_sum / self.responses).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def campaign_results(campaign: Campaign) -> list[SubjectResult]:
    """Per subject: questionnaires, mean 得分率, 不满意 votes, questionnaires by respondent kind;
    best first (ties by name)."""
    found: dict[int, SubjectResult] = {}
    for subject_id, name, ratio, kind in (Response.objects.filter(campaign=campaign)
                                          .values_list("subject_id", "subject_name", "ratio", "kind")):
        row = found.setdefault(subject_id, SubjectResult(subject_id, name))
        row.responses += 1
        row.ratio_sum += ratio
        row.unsatisfied += int(is_unsatisfied(ratio))
        label = RESPONDENT_LABELS[RespondentKind(kind)]
        row.by_kind[label] = row.by_kind.get(label, 0) + 1
    return sorted(found.values(), key=lambda r: (-r.score, r.name))


def open_campaign(token: str) -> Campaign | None:
    """The open campaign behind a public link, if any."""
    if not token:
        return None
    return Campaign.objects.filter(open_token=token).exclude(open_token="").select_related("region").first()


# -- awards ---------------------------------------------------------------------------------------------------


def awards_for(staff: Staff | None) -> QuerySet[Award]:
    """The published awards of the regions ``staff`` reads, newest first, with their reviews."""
    return (Award.objects.filter(region_q(staff, field="assessment__region", roles=VIEWER_ROLES))
            .select_related("assessment__region").prefetch_related("reviews__reviewed_by")
            .order_by("-assessment__last_day", "kind", "rank", "id"))


def withdrawn_award_ids(award_ids: list[int]) -> set[int]:
    """Which of these awards were withdrawn on review."""
    from .models import AwardReview

    return set(AwardReview.objects.filter(award_id__in=award_ids, outcome=ReviewOutcome.WITHDRAWN)
               .values_list("award_id", flat=True))


# -- exposures ------------------------------------------------------------------------------------------------


def exposures_for(staff: Staff | None) -> QuerySet[Exposure]:
    """The exposures of the regions ``staff`` reads, and any naming ``staff`` (their right to reply)."""
    mine = Q(staff=staff) if staff is not None else Q(pk__in=[])
    return (Exposure.objects.filter(region_q(staff, roles=VIEWER_ROLES) | mine)
            .select_related("region", "staff", "window", "department").order_by("-id"))


def public_exposures(region: Region | None, *, today: date | None = None) -> list[Exposure]:
    """The lapses on the public board: published, not withdrawn, within a year of publication."""
    today = today or local_date()
    qs = Exposure.objects.filter(state=ExposureState.PUBLISHED,
                                 published_at__date__gte=today - timedelta(days=EXPOSURE_PUBLIC_DAYS))
    if region is not None:
        qs = qs.filter(region=region)
    return list(qs.select_related("region", "staff", "window", "department").order_by("-published_at", "-id"))


def public_regions() -> list[Region]:
    return list(Region.objects.filter(has_center=True).order_by("code"))


# -- commitments ----------------------------------------------------------------------------------------------


def commitments_for(staff: Staff | None) -> QuerySet[Commitment]:
    return (Commitment.objects.filter(region_q(staff, roles=VIEWER_ROLES))
            .select_related("region", "window", "department").prefetch_related("checks").order_by("region", "number"))


def public_commitments(region: Region | None, *, today: date | None = None) -> list[Commitment]:
    """The commitments in force: published, not stopped; each with its checks."""
    today = today or local_date()
    qs = Commitment.objects.filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today), published_on__lte=today)
    if region is not None:
        qs = qs.filter(region=region)
    return list(qs.select_related("window", "department").prefetch_related("checks").order_by("number"))


# -- staff development ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterRow:
    """A window staff member with their training and qualifications, and what is missing."""

    staff: Staff
    window: str
    trainings: list[Training]
    qualifications: list[Qualification]
    flags: list[str]


def training_flags(staff: Staff, trainings: list[Training], qualifications: list[Qualification],
                   today: date) -> list[str]:
    """What a window staff member lacks: the pre-post training (岗前培训), a valid qualification."""
    flags = []
    if not any(t.kind == TrainingKind.PRE_POST for t in trainings):
        flags.append("未完成岗前培训")
    for q in qualifications:
        if q.valid_until is not None and q.valid_until < today:
            flags.append(f"资格“{q.name}”已于{q.valid_until}过期")
    return flags


def window_roster(region: Region, *, today: date | None = None) -> list[RosterRow]:
    """The region's window staff (posted at a window), each flagged for what training lacks."""
    today = today or local_date()
    postings = (Posting.objects.filter(region=region, window__isnull=False).select_related("staff", "window")
                .order_by("window__number", "staff__employee_number"))
    seen: dict[int, RosterRow] = {}
    for p in postings:
        if p.staff_id in seen:
            continue
        trainings = list(Training.objects.filter(staff=p.staff).order_by("-completed_on"))
        qualifications = list(Qualification.objects.filter(staff=p.staff).order_by("-obtained_on"))
        seen[p.staff_id] = RosterRow(p.staff, f"{p.window.number} {p.window.name}", trainings, qualifications,
                                     training_flags(p.staff, trainings, qualifications, today))
    return list(seen.values())


def own_training(staff: Staff, *, today: date | None = None) -> tuple[list[Training], list[Qualification], list[str]]:
    trainings = list(Training.objects.filter(staff=staff).order_by("-completed_on"))
    qualifications = list(Qualification.objects.filter(staff=staff).order_by("-obtained_on"))
    return trainings, qualifications, training_flags(staff, trainings, qualifications, today or local_date())


@dataclass(frozen=True)
class MissingDiary:
    staff_id: int
    staff_name: str
    window_id: int
    window_number: str
    day: date


def missing_diary_days(region: Region, first: date, last: date, *,
                       staff_ids: list[int] | None = None) -> list[MissingDiary]:
    """Every (staff, day) in [first, last] a staff member was rostered at one of ``region``'s windows
    on a working day, not on approved absence, without a diary entry (工作日记缺记)."""
    from onewindow.hall.models import Absence, RosterEntry

    calendar = snapshot_for(region.code)
    roster = RosterEntry.objects.filter(window__region=region, day__gte=first, day__lte=last)
    if staff_ids is not None:
        roster = roster.filter(staff_id__in=staff_ids)
    written = set(DiaryEntry.objects.filter(day__gte=first, day__lte=last).values_list("staff_id", "day"))
    excused: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for staff_id, a, b in Absence.objects.filter(state=Absence.State.APPROVED, first_day__lte=last,
                                                 last_day__gte=first).values_list("staff_id", "first_day", "last_day"):
        excused[staff_id].append((a, b))
    found: dict[tuple[int, date], MissingDiary] = {}
    for e in roster.select_related("staff", "window").order_by("day", "staff_id", "window__number"):
        key = (e.staff_id, e.day)
        if key in found or key in written or any(a <= e.day <= b for a, b in excused[e.staff_id]):
            continue
        try:
            if not calendar.is_workday(e.day):
                continue
        except CalendarRangeError:
            continue
        found[key] = MissingDiary(e.staff_id, e.staff.name, e.window_id, e.window.number, e.day)
    return list(found.values())


def diary_of(staff: Staff, first: date, last: date) -> list[DiaryEntry]:
    return list(DiaryEntry.objects.filter(staff=staff, day__gte=first, day__lte=last).order_by("-day"))


def exposures_naming(staff: Staff) -> list[Exposure]:
    """The lapses recorded against ``staff`` (not taken off): what they may answer (their own page)."""
    return list(Exposure.objects.filter(staff=staff).exclude(state=ExposureState.WITHDRAWN).order_by("-id"))
