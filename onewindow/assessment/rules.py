"""Pure rules of assessment schemes: the kinds, the four grades and the check that grade bands
cover the score range [0, cap] exactly once (no overlap, no gap)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from onewindow.core.errors import DomainError


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


PERIOD_LABELS = {PeriodKind.MONTH: "月度", PeriodKind.QUARTER: "季度", PeriodKind.YEAR: "年度"}


class SubjectKind(StrEnum):
    WINDOW = "window"
    STAFF = "staff"
    DEPARTMENT = "department"
    TOWNSHIP = "township"


SUBJECT_LABELS = {SubjectKind.WINDOW: "窗口", SubjectKind.STAFF: "工作人员", SubjectKind.DEPARTMENT: "部门",
                  SubjectKind.TOWNSHIP: "乡镇（街道）便民服务中心"}


class Grade(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    PASS = "pass"
    FAIL = "fail"


GRADE_LABELS = {Grade.EXCELLENT: "优秀", Grade.GOOD: "良好", Grade.PASS: "合格", Grade.FAIL: "不合格"}


@dataclass(frozen=True)
class Band:
    """Scores ``low <= s < high`` earn ``grade``; the top band also includes its ``high`` (the cap)."""

    grade: Grade
    low: Decimal
    high: Decimal


def check_bands(bands: list[Band], cap: Decimal) -> None:
    """Refuse bands that are empty, inverted, repeat a grade, overlap, leave a gap or do not span
    exactly [0, cap]; each refusal names its rule in ``code`` and the field ``bands``."""
    if not bands:
        raise DomainError("bands_missing", "至少需要一个等次分数段", field="bands")
    if len({b.grade for b in bands}) != len(bands):
        raise DomainError("bands_grade_repeated", "同一等次只能有一个分数段", field="bands")
    for b in bands:
        if b.low >= b.high:
            raise DomainError("bands_inverted", f"“{GRADE_LABELS[b.grade]}”分数段下限须小于上限", field="bands")
    ordered = sorted(bands, key=lambda b: b.low)
    for prev, cur in zip(ordered, ordered[1:], strict=False):
        if cur.low < prev.high:
            raise DomainError("bands_overlap", f"“{GRADE_LABELS[prev.grade]}”与“{GRADE_LABELS[cur.grade]}”"
                              f"分数段重叠（{cur.low} < {prev.high}）", field="bands")
        if cur.low > prev.high:
            raise DomainError("bands_gap", f"“{GRADE_LABELS[prev.grade]}”与“{GRADE_LABELS[cur.grade]}”"
                              f"分数段之间有空档（{prev.high}–{cur.low}）", field="bands")
    if ordered[0].low != 0 or ordered[-1].high != cap:
        raise DomainError("bands_range", f"等次分数段须恰好覆盖 0 至封顶分 {cap}", field="bands")


def grade_for(score: Decimal, bands: list[Band]) -> Grade:
    """The grade of ``score`` under bands that passed :func:`check_bands`."""
    ordered = sorted(bands, key=lambda b: b.low)
    for b in ordered:
        if b.low <= score < b.high:
            return b.grade
    return ordered[-1].grade if score >= ordered[-1].high else ordered[0].grade


def clamp(score: Decimal, cap: Decimal) -> Decimal:
    """A score never exceeds the cap nor falls below zero."""
    return max(Decimal(0), min(cap, score))


def parse_period(text: str) -> tuple[PeriodKind, date, date]:
    """``2026-11`` (a month), ``2026-Q4`` (a quarter) or ``2026`` (a year): its kind and days."""
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return PeriodKind.MONTH, date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    elif m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, q = int(m[1]), int(m[2])
        last_month = q * 3
        return (PeriodKind.QUARTER, date(year, last_month - 2, 1),
                date(year, last_month, calendar.monthrange(year, last_month)[1]))
    elif re.fullmatch(r"\d{4}", text):
        return PeriodKind.YEAR, date(int(text), 1, 1), date(int(text), 12, 31)
    raise DomainError("period_invalid", f"考核期“{text}”格式不正确（如 2026-11、2026-Q4、2026）", field="period")


def ranks_with_ties(totals: list[Decimal]) -> list[int]:
    """Competition ranking (1, 2, 2, 4) of ``totals`` in the given order: equal scores share a rank."""
    ordered = sorted(totals, reverse=True)
    first_at = {}
    for i, t in enumerate(ordered, start=1):
        first_at.setdefault(t, i)
    return [first_at[t] for t in totals]


def last_closed_period(kind: PeriodKind, today: date) -> str:
    """The latest period of ``kind`` that ended before ``today`` (the one the period-end job scores):
    on 1 December 2026, ``2026-11``, ``2026-Q3`` and ``2025``."""
    if kind == PeriodKind.MONTH:
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        return f"{year}-{month:02d}"
    if kind == PeriodKind.QUARTER:
        quarter = (today.month - 1) // 3  # the current quarter's number minus one
        return f"{today.year}-Q{quarter}" if quarter else f"{today.year - 1}-Q4"
    return str(today.year - 1)


class AwardKind(StrEnum):
    ROTATING_FLAG = "rotating_flag"  # 流动红旗: the period's best window(s); it moves each period
    MODEL_WINDOW = "model_window"  # 红旗窗口
    MODEL_STAFF = "model_staff"  # 服务标兵
    ADVANCED_UNIT = "advanced_unit"  # 先进单位 (seed 002: the best departments)
    BOTTOM = "bottom"  # 末位通报: the lowest-ranked, named in the published assessment


AWARD_LABELS = {AwardKind.ROTATING_FLAG: "流动红旗", AwardKind.MODEL_WINDOW: "红旗窗口",
                AwardKind.MODEL_STAFF: "服务标兵", AwardKind.ADVANCED_UNIT: "先进单位",
                AwardKind.BOTTOM: "末位通报"}
# Which subjects each award is for; the bottom list is for every kind.
AWARD_SUBJECTS = {AwardKind.ROTATING_FLAG: frozenset({SubjectKind.WINDOW}),
                  AwardKind.MODEL_WINDOW: frozenset({SubjectKind.WINDOW}),
                  AwardKind.MODEL_STAFF: frozenset({SubjectKind.STAFF}),
                  AwardKind.ADVANCED_UNIT: frozenset({SubjectKind.DEPARTMENT, SubjectKind.TOWNSHIP}),
                  AwardKind.BOTTOM: frozenset(SubjectKind)}
AWARD_PLACES_MAX = 100


@dataclass(frozen=True)
class AwardRule:
    """An award for the best ``places`` (the bottom list: the worst ``places``). ``threshold``: an
    award needs a total of at least it; the bottom list names only totals below it."""

    kind: AwardKind
    places: int
    threshold: Decimal | None = None


@dataclass(frozen=True)
class Standing:
    """One subject's total; ``small``: below a minimum sample, so not compared for awards."""

    subject_id: int
    total: Decimal
    small: bool = False


def check_awards(rules: list[AwardRule], subject_kind: SubjectKind, cap: Decimal) -> None:
    """Refuse award rules a scheme of ``subject_kind`` cannot have (field ``awards``)."""
    if len({r.kind for r in rules}) != len(rules):
        raise DomainError("award_repeated", "同一种评优只能设一条规则", field="awards")
    for r in rules:
        label = AWARD_LABELS[r.kind]
        if subject_kind not in AWARD_SUBJECTS[r.kind]:
            raise DomainError("award_subject_invalid", f"“{label}”不适用于{SUBJECT_LABELS[subject_kind]}考核",
                              field="awards")
        if not 1 <= r.places <= AWARD_PLACES_MAX:
            raise DomainError("award_places_invalid", f"“{label}”的名额须为 1 至 {AWARD_PLACES_MAX}", field="awards")
        if r.threshold is not None and not 0 <= r.threshold <= cap:
            raise DomainError("award_threshold_invalid", f"“{label}”的分数线须在 0 至封顶分 {cap} 之间",
                              field="awards")


def decide_awards(standings: list[Standing], rules: list[AwardRule]) -> list[tuple[AwardKind, int]]:
    """(award, subject id) for each award a subject earns, in the rules' order, subjects best first.

    Only subjects with a full sample are compared (a small subject's rate items did not count, so
    its total says less). An award goes to the eligible subjects ranked within its places — all of
    those tied at the last place, so a tie never leaves one of two equal subjects out — with at
    least the threshold. The bottom list names, from the lowest, the eligible subjects ranked
    within its places counted from the bottom (ties likewise), below its threshold if it has one,
    and never a subject that earned an award."""
    eligible = sorted((s for s in standings if not s.small), key=lambda s: (-s.total, s.subject_id))
    top_ranks = ranks_with_ties([s.total for s in eligible])
    bottom_ranks = ranks_with_ties([-s.total for s in eligible])
    decided: list[tuple[AwardKind, int]] = []
    awarded: set[int] = set()
    for rule in rules:
        if rule.kind == AwardKind.BOTTOM:
            continue
        for s, rank in zip(eligible, top_ranks, strict=True):
            if rank <= rule.places and (rule.threshold is None or s.total >= rule.threshold):
                decided.append((rule.kind, s.subject_id))
                awarded.add(s.subject_id)
    for rule in rules:
        if rule.kind != AwardKind.BOTTOM:
            continue
        for s, rank in sorted(zip(eligible, bottom_ranks, strict=True), key=lambda p: (p[1], p[0].subject_id)):
            if rank <= rule.places and (rule.threshold is None or s.total < rule.threshold) \
                    and s.subject_id not in awarded:
                decided.append((rule.kind, s.subject_id))
    return decided
