"""Performance indicators of electronic supervision (效能指标). Pure: no Django, no I/O.

A concluded case is first reduced to a :class:`CaseFact` by :func:`fact_of` (on time? early?
instant? visits, working days taken, promise compression) — the sweep does that once, when it
sees the case conclude, and stores it (``supervision.CaseFact``). The selector
(:func:`onewindow.supervision.selectors.indicator_inputs`) then fetches, for one unit (a region and
its subtree, a department, a window, a staff member) and one period, the distinct facts with how
many cases share each, and :func:`compute` turns them into numbers; :func:`compute_rows` does the
same straight from plain case rows. Every indicator carries its Chinese definition, shown
beside it wherever it is shown, so a number is never read without knowing what it counts.

Readings shared by all indicators:

- a case *counts* in the period when it was **concluded** (办结) in it — granted and delivered,
  denied, or an instant case done on the spot; refused (不予受理) and withdrawn cases are not
  concluded cases;
- its *finishing day* is the day the handling clock was answered: the decision, or the
  conclusion of a case that ends without one (an instant case). This is the clock's own reading
  (``ClockState.finished_on``: 行政许可法 第四十二条 times the decision), so the time a
  certificate waits for collection does not count against the department;
- working days are counted on the case region's calendar, ``workdays_between(accepted, finished)``
  = working days in (accepted, finished]: a case finished on its acceptance day took 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from onewindow.workdays.arithmetic import CalendarSnapshot


@dataclass(frozen=True)
class CaseRow:
    """One concluded case as the indicators read it."""

    region_code: str
    accepted_on: date | None
    finished_on: date  # decision day, else conclusion day
    promised_due: date | None
    statutory_limit: int  # working days, 45 for a joint case
    promised_limit: int  # working days, 0 for an instant case
    is_instant: bool
    visits: int


@dataclass(frozen=True)
class OrderRow:
    """One supervision order issued in the period to the unit."""

    reply_due: date
    replied_on_time: bool | None  # None: not replied yet
    replied: bool


@dataclass(frozen=True)
class CaseFact:
    """One concluded case reduced to what the indicators count (the same for many cases)."""

    on_time: bool | None  # None: no promised due date to measure against
    early: bool | None
    is_instant: bool
    visits: int
    workdays: int | None  # None: never accepted (nothing to time)
    compression: float | None  # (statutory − promised) ÷ statutory; None without a statutory limit


def fact_of(row: CaseRow, calendar: CalendarSnapshot) -> CaseFact:
    """The definitions of DEFINITIONS applied to one case (see the module docstring)."""
    due = row.promised_due
    return CaseFact(
        on_time=None if due is None else row.finished_on <= due,
        early=None if due is None else row.finished_on < due,
        is_instant=row.is_instant,
        visits=row.visits,
        workdays=None if row.accepted_on is None else calendar.workdays_between(row.accepted_on, row.finished_on),
        compression=None if row.statutory_limit <= 0 else (row.statutory_limit - row.promised_limit) / row.statutory_limit,
    )


@dataclass(frozen=True)
class IndicatorInputs:
    """Everything one unit's indicator set is computed from."""

    accepted: int  # cases accepted in the period (by acceptance date)
    concluded: Sequence[tuple[CaseFact, int]]  # distinct facts of the period's concluded cases, with counts
    yellow: int  # warnings fired in the period
    red: int
    severe: int
    orders: Sequence[OrderRow]
    efficiency_warnings: int
    today: date  # for "overdue, not replied" orders


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    definition: str
    value: float | int | None  # None: nothing to measure (no cases)
    unit: str  # "%", "件", "个工作日", "次"
    numerator: float | int | None = None
    denominator: int | None = None
    higher_is_better: bool = True

    @property
    def display(self) -> str:
        if self.value is None:
            return "—"
        if self.unit == "%":
            return f"{self.value * 100:.1f}%"
        if isinstance(self.value, float):
            return f"{self.value:.2f}"
        return str(self.value)


@dataclass(frozen=True)
class IndicatorSet:
    indicators: tuple[Indicator, ...]
    cases: int  # concluded cases: what rankings require a minimum of

    def __getitem__(self, code: str) -> Indicator:
        for i in self.indicators:
            if i.code == code:
                return i
        raise KeyError(code)

    def as_dict(self) -> dict[str, dict[str, object]]:
        return {i.code: {"name": i.name, "definition": i.definition, "value": i.value, "unit": i.unit,
                         "numerator": i.numerator, "denominator": i.denominator, "display": i.display}
                for i in self.indicators}


# The definitions, shown beside the numbers (and in the API).
DEFINITIONS: dict[str, tuple[str, str, str]] = {
    # code: (name, definition, unit)
    "accepted": ("受理件数", "统计期内受理（含视为受理）的办件数，按受理日期统计。", "件"),
    "concluded": ("办结件数", "统计期内办结的办件数（准予并送达、不予许可、即办件当场办结），按办结时间统计；"
                  "不予受理和撤回的办件不计。", "件"),
    "on_time_rate": ("按时办结率", "办结件中在承诺期限当日或之前作出决定（即办件当场办结）的件数 ÷ 有承诺期限的办结件数。", "%"),
    "early_rate": ("提前办结率", "办结件中在承诺期限之前（早于期限日）作出决定的件数 ÷ 有承诺期限的办结件数。", "%"),
    "instant_share": ("即办件比例", "办结件中即办件的件数 ÷ 办结件数。", "%"),
    "promise_compression": ("承诺时限压缩率", "办结件逐件计算（法定时限 − 承诺时限）÷ 法定时限后取平均；"
                            "即办件承诺时限按 0 计，联办件法定时限按 45 个工作日计。", "%"),
    "avg_workdays": ("平均办理用时", "办结件自受理之日至作出决定之日（无决定的为办结之日）的工作日数的平均值；"
                     "工作日按办件所在区划的工作日历计算，受理当日不计。", "个工作日"),
    "p90_workdays": ("办理用时90分位", "上述办理用时的第 90 百分位数（最近秩法：至少 90% 的办结件用时不超过该值）。", "个工作日"),
    "visits_per_case": ("件均到现场次数", "办结件申请人到现场次数之和 ÷ 办结件数。", "次"),
    "one_visit_share": ("最多跑一次比例", "办结件中到现场次数不超过 1 次的件数 ÷ 办结件数。", "%"),
    "yellow_warnings": ("黄牌预警数", "统计期内对本单位发出的黄牌预警条数（按预警时间）。", "件"),
    "red_warnings": ("红牌预警数", "统计期内对本单位发出的红牌预警条数，含超过法定期限的严重预警。", "件"),
    "severe_warnings": ("严重超时预警数", "统计期内超过法定期限的红牌预警条数。", "件"),
    "orders_on_time_rate": ("督办按时回复率", "统计期内下达给本单位的督办单中，在回复期限内首次回复的件数 ÷ "
                            "已回复或已逾期未回复的件数（尚未到期且未回复的不计）。", "%"),
    "efficiency_warnings": ("效能告诫次数", "统计期内对本单位（或其工作人员）作出的效能告诫次数。", "件"),
}

_LOWER_IS_BETTER = frozenset({"avg_workdays", "p90_workdays", "visits_per_case", "yellow_warnings", "red_warnings",
                              "severe_warnings", "efficiency_warnings"})


def _ind(code: str, value: float | int | None, numerator: float | int | None = None,
         denominator: int | None = None) -> Indicator:
    name, definition, unit = DEFINITIONS[code]
    return Indicator(code=code, name=name, definition=definition, value=value, unit=unit, numerator=numerator,
                     denominator=denominator, higher_is_better=code not in _LOWER_IS_BETTER)


def _share(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


def weighted_nearest_rank(pairs: Sequence[tuple[int, int]], share: float) -> int | None:
    """:func:`~.rules.nearest_rank` over (value, count) pairs."""
    total = sum(n for _, n in pairs)
    if total == 0:
        return None
    k = max(1, math.ceil(share * total))
    seen = 0
    for value, n in sorted(pairs):
        seen += n
        if seen >= k:
            return value
    return None  # pragma: no cover - unreachable


def compute(inputs: IndicatorInputs) -> IndicatorSet:
    """The whole indicator set of one unit and period."""
    facts = inputs.concluded
    n = sum(c for _, c in facts)
    timed = sum(c for f, c in facts if f.on_time is not None)
    on_time = sum(c for f, c in facts if f.on_time)
    early = sum(c for f, c in facts if f.early)
    instant = sum(c for f, c in facts if f.is_instant)
    ratios = [(f.compression, c) for f, c in facts if f.compression is not None]
    ratio_n = sum(c for _, c in ratios)
    compression = sum(v * c for v, c in ratios) / ratio_n if ratio_n else None
    days = [(f.workdays, c) for f, c in facts if f.workdays is not None]
    days_n = sum(c for _, c in days)
    days_sum = sum(v * c for v, c in days)
    visits = sum(f.visits * c for f, c in facts)
    one_visit = sum(c for f, c in facts if f.visits <= 1)
    answered = [o for o in inputs.orders if o.replied or inputs.today > o.reply_due]
    orders_on_time = sum(1 for o in answered if o.replied_on_time)
    return IndicatorSet(cases=n, indicators=(
        _ind("accepted", inputs.accepted),
        _ind("concluded", n),
        _ind("on_time_rate", _share(on_time, timed), on_time, timed),
        _ind("early_rate", _share(early, timed), early, timed),
        _ind("instant_share", _share(instant, n), instant, n),
        _ind("promise_compression", compression, None, ratio_n),
        _ind("avg_workdays", days_sum / days_n if days_n else None, days_sum if days_n else None, days_n),
        _ind("p90_workdays", weighted_nearest_rank(days, 0.9), None, days_n),
        _ind("visits_per_case", visits / n if n else None, visits, n),
        _ind("one_visit_share", _share(one_visit, n), one_visit, n),
        _ind("yellow_warnings", inputs.yellow),
        _ind("red_warnings", inputs.red),
        _ind("severe_warnings", inputs.severe),
        _ind("orders_on_time_rate", _share(orders_on_time, len(answered)), orders_on_time, len(answered)),
        _ind("efficiency_warnings", inputs.efficiency_warnings),
    ))


def group(facts: Sequence[CaseFact]) -> list[tuple[CaseFact, int]]:
    """Distinct facts with their counts (what the selector's GROUP BY returns)."""
    counts: dict[CaseFact, int] = {}
    for f in facts:
        counts[f] = counts.get(f, 0) + 1
    return list(counts.items())


def compute_rows(rows: Sequence[CaseRow], calendars: Mapping[str, CalendarSnapshot], *, accepted: int, yellow: int = 0,
                 red: int = 0, severe: int = 0, orders: Sequence[OrderRow] = (), efficiency_warnings: int = 0,
                 today: date | None = None) -> IndicatorSet:
    """The indicator set straight from plain concluded-case rows."""
    facts = group([fact_of(r, calendars[r.region_code]) for r in rows])
    return compute(IndicatorInputs(accepted=accepted, concluded=facts, yellow=yellow, red=red, severe=severe,
                                   orders=orders, efficiency_warnings=efficiency_warnings,
                                   today=today or date.max))


# -- rankings ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedUnit:
    key: object
    label: str
    value: float | int | None
    cases: int
    rank: int | None  # None: not ranked (too few cases, or nothing to measure)
    display: str = ""


@dataclass(frozen=True)
class Ranking:
    indicator: str
    name: str
    definition: str
    min_cases: int
    ranked: list[RankedUnit] = field(default_factory=list)
    unranked: list[RankedUnit] = field(default_factory=list)


def rank(units: Sequence[tuple[object, str, IndicatorSet]], indicator: str, *, min_cases: int,
         key: Callable[[Indicator], float] | None = None) -> Ranking:
    """Rank units on one indicator; only units with at least ``min_cases`` concluded cases count.

    Ties share a rank and the next rank skips (1, 1, 3: standard competition ranking). Lower is
    better for durations, visits and warnings, higher for the rates.
    """
    name, definition, _ = DEFINITIONS[indicator]
    eligible: list[tuple[float, RankedUnit]] = []
    unranked: list[RankedUnit] = []
    for unit_key, label, indicators in units:
        ind = indicators[indicator]
        entry = RankedUnit(unit_key, label, ind.value, indicators.cases, None, ind.display)
        if indicators.cases < min_cases or ind.value is None:
            unranked.append(entry)
            continue
        score = key(ind) if key else float(ind.value)
        eligible.append((score if ind.higher_is_better else -score, entry))
    eligible.sort(key=lambda pair: (-pair[0], pair[1].label))
    ranked: list[RankedUnit] = []
    previous: float | None = None
    current = 0
    for position, (score, entry) in enumerate(eligible, start=1):
        if previous is None or score != previous:
            current = position
            previous = score
        ranked.append(RankedUnit(entry.key, entry.label, entry.value, entry.cases, current, entry.display))
    return Ranking(indicator=indicator, name=name, definition=definition, min_cases=min_cases, ranked=ranked,
                   unranked=sorted(unranked, key=lambda u: u.label))
