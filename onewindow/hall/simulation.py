"""Capacity simulation (SimPy): replay recorded days of tickets under another number of windows,
other opening hours or another share of appointments, and report the waits (mean, 90th
percentile), the windows' utilisation and the abandonment.

The replay is trace-driven: each recorded ticket arrives when it was issued and keeps the window
busy as long as it did (from its call to its end); a ticket that left without being called
leaves after the same patience. With the recorded staffing, the replay should give back the
recorded waits (``tests/hall/test_simulation.py`` holds it within 15 %).

Pure: no ORM here; :func:`recorded_days` in the selectors' terms turns rows into :class:`Visit`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import simpy

from .rules import percentile


@dataclass(frozen=True)
class Visit:
    """One recorded ticket, in minutes from the day's midnight (local time)."""

    arrival: float
    service: float  # minutes the window was busy with it (call → end); 0 when never called
    patience: float = math.inf  # minutes it waited before leaving uncalled
    recorded_wait: float | None = None  # issued → called, when it was called
    priority: int = 0


@dataclass(frozen=True)
class Day:
    """One queue's line on one day: its visits and the windows that called it."""

    day: date
    visits: list[Visit]
    windows: int


@dataclass(frozen=True)
class Scenario:
    """What to change: the number of windows of each line (None: as recorded), extra windows on some weekdays
    (0 = Monday), the opening (minutes from midnight: arrivals before it wait for it, after the
    close are turned away) and the share of visits that come by appointment (spread evenly over
    the opening hours and served first)."""

    windows: int | None = None
    extra_windows: int = 0
    extra_on_weekdays: frozenset[int] = frozenset(range(7))
    opens: float | None = None
    closes: float | None = None
    appointment_share: float = 0.0
    patience: float | None = None  # a patience for every visit (minutes); None: as recorded


@dataclass
class Result:
    days: int = 0
    visits: int = 0
    served: int = 0
    abandoned: int = 0
    turned_away: int = 0
    waits: list[float] = field(default_factory=list)
    busy_minutes: float = 0.0
    window_minutes: float = 0.0
    recorded_waits: list[float] = field(default_factory=list)

    @property
    def mean_wait(self) -> float:
        return round(sum(self.waits) / len(self.waits), 1) if self.waits else 0.0

    @property
    def p90_wait(self) -> float:
        return round(percentile(self.waits, 0.9), 1)

    @property
    def utilisation(self) -> float:
        return round(self.busy_minutes / self.window_minutes, 3) if self.window_minutes else 0.0

    @property
    def abandonment(self) -> float:
        return round(self.abandoned / self.visits, 3) if self.visits else 0.0

    @property
    def recorded_mean_wait(self) -> float:
        return round(sum(self.recorded_waits) / len(self.recorded_waits), 1) if self.recorded_waits else 0.0


def _with_appointments(visits: list[Visit], share: float, opens: float, closes: float) -> list[Visit]:
    """Every k-th visit (k = 1/share) comes by appointment: its arrivals spread evenly over the
    opening hours, with priority."""
    if share <= 0 or not visits:
        return visits
    step = max(1, round(1 / min(share, 1.0)))
    chosen = list(range(0, len(visits), step))
    span = max(closes - opens, 1.0)
    out = list(visits)
    for n, index in enumerate(chosen):
        out[index] = replace(visits[index], arrival=opens + span * (n + 0.5) / len(chosen), priority=1)
    return sorted(out, key=lambda v: v.arrival)


def simulate_day(day: Day, scenario: Scenario, result: Result) -> None:
    """Run one day and add its figures to ``result``."""
    windows = scenario.windows if scenario.windows is not None else day.windows
    if day.day.weekday() in scenario.extra_on_weekdays:
        windows += scenario.extra_windows
    windows = max(windows, 1)
    visits = sorted(day.visits, key=lambda v: v.arrival)
    if not visits:
        return
    opens = scenario.opens if scenario.opens is not None else min(v.arrival for v in visits)
    closes = scenario.closes if scenario.closes is not None else max(v.arrival for v in visits)
    visits = _with_appointments(visits, scenario.appointment_share, opens, closes)
    env = simpy.Environment()
    desks = simpy.PriorityResource(env, capacity=windows)
    result.days += 1
    result.recorded_waits.extend(v.recorded_wait for v in visits if v.recorded_wait is not None)
    # Recorded visits that left uncalled keep no service time: give them the day's mean, should
    # a larger hall now call them in time.
    served_times = [v.service for v in visits if v.service > 0]
    mean_service = sum(served_times) / len(served_times) if served_times else 10.0
    last_end = [closes]

    def visitor(v: Visit):
        arrival = max(v.arrival, opens)
        yield env.timeout(arrival - env.now)
        result.visits += 1
        patience = scenario.patience if scenario.patience is not None else v.patience
        with desks.request(priority=-v.priority) as request:
            outcome = yield request | env.timeout(patience)
            if request not in outcome:
                result.abandoned += 1
                return
            result.waits.append(env.now - arrival)
            service = v.service if v.service > 0 else mean_service
            yield env.timeout(service)
            result.busy_minutes += service
            result.served += 1
            last_end[0] = max(last_end[0], env.now)

    start = min(opens, visits[0].arrival)
    env.run(until=start)
    for v in visits:
        if v.arrival > closes and scenario.closes is not None:
            result.turned_away += 1
            continue
        env.process(visitor(v))
    env.run()
    result.window_minutes += windows * max(last_end[0] - opens, 1.0)


def simulate(days: Iterable[Day], scenario: Scenario) -> Result:
    result = Result()
    for day in days:
        simulate_day(day, scenario, result)
    return result


def _minutes(moment: datetime, tz) -> float:
    local = moment.astimezone(tz)
    return local.hour * 60 + local.minute + local.second / 60


def visits_from_rows(rows: Sequence[tuple], tz) -> list[Visit]:
    """Recorded rows (issued, called, served, finished, state, …) into visits."""
    visits = []
    for issued, called, _served, finished, _state, *_ in rows:
        arrival = _minutes(issued, tz)
        if called is not None:
            end = finished or called
            visits.append(Visit(arrival=arrival, service=max((end - called).total_seconds() / 60, 0.0),
                                recorded_wait=(called - issued).total_seconds() / 60))
        elif finished is not None:
            visits.append(Visit(arrival=arrival, service=0.0, patience=(finished - issued).total_seconds() / 60))
        else:
            visits.append(Visit(arrival=arrival, service=0.0))
    return visits
