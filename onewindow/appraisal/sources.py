"""The appraisal app's fact sources for the assessment (registered in its registry, so a scheme
item may name them): 民主评议 不满意 votes, service commitments found not kept, and rostered working
days without a work-diary entry. Each occurrence carries its evidence (the campaign, the check,
the day) as the assessment's own sources do; reads only."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from onewindow.assessment.facts import Evidence, FactSource, Occurrence, Period, register
from onewindow.assessment.rules import SubjectKind
from onewindow.organization.models import Region

from .models import CommitmentCheck, Response
from .rules import RESPONDENT_LABELS, CampaignState, RespondentKind, is_unsatisfied, percent
from .selectors import missing_diary_days


def _responses(period: Period, region: Region, kind: SubjectKind) -> list[Response]:
    """The questionnaires of the region's closed campaigns of ``kind`` whose closing day lies in the
    period: a campaign's results count once, in the period it closes in, when they are final."""
    return list(Response.objects.filter(campaign__region=region, campaign__subject_kind=kind,
                                        campaign__state=CampaignState.CLOSED,
                                        campaign__closes_on__range=(period.first, period.last))
                .select_related("campaign").order_by("campaign_id", "subject_id", "id"))


def _appraisal_unsatisfied(kind: SubjectKind) -> Callable[[Period, Region], list[Occurrence]]:
    def function(period: Period, region: Region) -> list[Occurrence]:
        found: dict[int, list[Evidence]] = {}
        for r in _responses(period, region, kind):
            if is_unsatisfied(r.ratio):
                label = (f"{r.campaign.number} {r.campaign.title}：{RESPONDENT_LABELS[RespondentKind(r.kind)]}问卷"
                         f" 得分率 {percent(r.ratio)}%（不满意）")
                found.setdefault(r.subject_id, []).append(
                    Evidence(label, reverse("appraisal:campaign", args=[r.campaign_id])))
        return [Occurrence(sid, len(ev), tuple(ev)) for sid, ev in sorted(found.items())]

    return function


def _appraisal_sample(kind: SubjectKind) -> Callable[[Period, Region], dict[int, int]]:
    def sample(period: Period, region: Region) -> dict[int, int]:
        counts: dict[int, int] = {}
        for r in _responses(period, region, kind):
            counts[r.subject_id] = counts.get(r.subject_id, 0) + 1
        return counts

    return sample


def _checks(period: Period, region: Region, kind: SubjectKind) -> list[CommitmentCheck]:
    owner = "commitment__window__isnull" if kind == SubjectKind.WINDOW else "commitment__department__isnull"
    return list(CommitmentCheck.objects.filter(commitment__region=region, checked_on__range=(period.first, period.last),
                                               **{owner: False})
                .select_related("commitment").order_by("checked_on", "id"))


def _commitments_not_kept(kind: SubjectKind) -> Callable[[Period, Region], list[Occurrence]]:
    def function(period: Period, region: Region) -> list[Occurrence]:
        found: dict[int, list[Evidence]] = {}
        url = reverse("appraisal:commitments")
        for check in _checks(period, region, kind):
            if check.kept:
                continue
            c = check.commitment
            owner = c.window_id if kind == SubjectKind.WINDOW else c.department_id
            if owner is None:
                continue
            found.setdefault(owner, []).append(
                Evidence(f"{check.checked_on:%Y-%m-%d} 承诺{c.number}“{c.content[:40]}”未兑现：{check.evidence[:40]}",
                         f"{url}?number={c.number}"))
        return [Occurrence(sid, len(ev), tuple(ev)) for sid, ev in sorted(found.items())]

    return function


def _commitments_sample(kind: SubjectKind) -> Callable[[Period, Region], dict[int, int]]:
    def sample(period: Period, region: Region) -> dict[int, int]:
        counts: dict[int, int] = {}
        for check in _checks(period, region, kind):
            owner = check.commitment.window_id if kind == SubjectKind.WINDOW else check.commitment.department_id
            if owner is not None:
                counts[owner] = counts.get(owner, 0) + 1
        return counts

    return sample


def _diary_missing(kind: SubjectKind) -> Callable[[Period, Region], list[Occurrence]]:
    def function(period: Period, region: Region) -> list[Occurrence]:
        found: dict[int, list[Evidence]] = {}
        for m in missing_diary_days(region, period.first, period.last):
            if kind == SubjectKind.STAFF:
                found.setdefault(m.staff_id, []).append(
                    Evidence(f"{m.day:%Y-%m-%d} 窗口{m.window_number} 值班，未填写工作日记"))
            else:
                found.setdefault(m.window_id, []).append(Evidence(f"{m.day:%Y-%m-%d} {m.staff_name} 未填写工作日记"))
        return [Occurrence(sid, len(ev), tuple(ev)) for sid, ev in sorted(found.items())]

    return function


def register_all() -> None:
    """Register the sources (called once from the app's ``ready``)."""
    for kind in (SubjectKind.WINDOW, SubjectKind.DEPARTMENT):
        register(FactSource(f"{kind.value}_appraisal_unsatisfied", "民主评议不满意票（每票）", kind,
                            _appraisal_unsatisfied(kind), sample=_appraisal_sample(kind), sample_label="评议问卷数"))
        register(FactSource(f"{kind.value}_commitments_not_kept", "服务承诺未兑现（每次检查）", kind,
                            _commitments_not_kept(kind), sample=_commitments_sample(kind), sample_label="承诺检查次数"))
    register(FactSource("staff_diary_missing", "工作日记缺记（每个工作日）", SubjectKind.STAFF,
                        _diary_missing(SubjectKind.STAFF)))
    register(FactSource("window_diary_missing", "窗口人员工作日记缺记（每人每日）", SubjectKind.WINDOW,
                        _diary_missing(SubjectKind.WINDOW)))
