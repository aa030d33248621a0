"""Pure rules of the service guide (办事指南): the process as a flow chart, a bundle's limits,
conditions as a list. No Django."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from onewindow.catalog.rules import LimitUnit


class StageLike(Protocol):
    order: int
    parallel_group: int | None
    budget_workdays: int


S = TypeVar("S", bound=StageLike)


@dataclass(frozen=True)
class FlowStep(Generic[S]):
    """One step of the flow chart: a single stage, or a parallel group (并联审批) whose stages
    run side by side and take as long as the longest of them."""

    stages: tuple[S, ...]
    parallel_group: int | None = None

    @property
    def parallel(self) -> bool:
        return self.parallel_group is not None and len(self.stages) > 1

    @property
    def budget_workdays(self) -> int:
        return max((s.budget_workdays for s in self.stages), default=0)


def flow_steps(stages: Iterable[S]) -> list[FlowStep[S]]:
    """Stages in order, those sharing a ``parallel_group`` merged into one step placed where
    the first of them stands. The sum of the steps' budgets is the critical path
    (:func:`onewindow.catalog.rules.critical_path_workdays`)."""
    steps: list[FlowStep[S]] = []
    groups: dict[int, int] = {}  # group → index in steps
    for stage in sorted(stages, key=lambda s: s.order):
        group = stage.parallel_group
        if group is None:
            steps.append(FlowStep((stage,)))
        elif group in groups:
            at = groups[group]
            steps[at] = FlowStep(steps[at].stages + (stage,), group)
        else:
            groups[group] = len(steps)
            steps.append(FlowStep((stage,), group))
    return steps


@dataclass(frozen=True)
class BundleLimits:
    """A bundle's promised limits in working days: their sum (if handled one after another)
    and the longest (if handled in parallel, as a bundle is meant to be). Items counting natural
    days are not added to working days; they are counted apart."""

    total_workdays: int
    longest_workdays: int
    natural_day_items: int
    instant_items: int


def bundle_limits(limits: Sequence[tuple[int, str]]) -> BundleLimits:
    """``limits``: (promised limit, unit) of each item of the bundle."""
    workdays = [value for value, unit in limits if unit == LimitUnit.WORKDAY.value]
    return BundleLimits(
        total_workdays=sum(workdays),
        longest_workdays=max(workdays, default=0),
        natural_day_items=sum(1 for _, unit in limits if unit != LimitUnit.WORKDAY.value),
        instant_items=sum(1 for value, unit in limits if value == 0 and unit == LimitUnit.WORKDAY.value),
    )


_CLAUSES = re.compile(r"[；;\n]+")


def clauses(text: str) -> list[str]:
    """Conditions written as one paragraph of clauses separated by semicolons, as a list."""
    return [c.strip(" 。.") for c in _CLAUSES.split(text or "") if c.strip(" 。.")]
