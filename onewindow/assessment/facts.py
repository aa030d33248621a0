"""The registry of fact sources an assessment scheme item may name.

A fact source turns a period of a region into occurrences per subject, each with the evidence a
reader can follow (the absence day, the case, the warning …). Apps' facts enter through their own
selectors; this module only names them so a scheme stored as data can refer to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from onewindow.core.errors import DomainError
from onewindow.organization.models import Region

from .rules import SubjectKind


class Evidence(NamedTuple):
    """One fact behind a line item: what it is, and where it can be seen (empty when no page).

    A named tuple, not a frozen dataclass: a province's month draws a hundred thousand of them, and
    a frozen dataclass costs four times as much to make (bench/assessment.py)."""

    label: str
    url: str = ""


@dataclass(frozen=True)
class Occurrence:
    """``count`` occurrences of a fact for one subject, with the evidence for each. ``weight``,
    when given, is what the item's points multiply instead of the count (a chief representative's
    share is measured in the points deducted from the windows, not in occurrences)."""

    subject_id: int
    count: int
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    weight: Decimal | None = None


@dataclass(frozen=True)
class Period:
    """The days an assessment covers, both ends included."""

    first: date
    last: date


FactFunction = Callable[[Period, Region], list[Occurrence]]
# Subject id → the number of cases (or ratings) a rate-based item is measured against.
SampleFunction = Callable[[Period, Region], dict[int, int]]


@dataclass(frozen=True)
class FactSource:
    """A named fact for one kind of subject; ``sample`` (when given) is what an item's minimum
    sample is measured against (the subject's concluded cases, its ratings …)."""

    name: str
    label: str
    subject_kind: SubjectKind
    function: FactFunction
    sample: SampleFunction | None = None
    sample_label: str = ""
    # The occurrences and the sample from one read, when the source can (the late cases and the
    # cases concluded are one scan of the month's cases): what scoring calls for an item with a
    # minimum sample, instead of ``function`` and ``sample`` apart.
    together: Callable[[Period, Region], tuple[list[Occurrence], dict[int, int]]] | None = None


_SOURCES: dict[str, FactSource] = {}


def register(source: FactSource) -> None:
    """Add (or replace, for tests) a fact source under its name."""
    _SOURCES[source.name] = source


def get(name: str) -> FactSource:
    """The fact source called ``name``; a 400 naming the field ``source`` if there is none."""
    try:
        return _SOURCES[name]
    except KeyError:
        raise DomainError("fact_source_unknown", f"未知的事实来源“{name}”", field="source") from None


def names() -> list[str]:
    """Every registered fact source's name, sorted."""
    return sorted(_SOURCES)


def all_sources() -> list[FactSource]:
    """Every registered fact source, by name (the scheme page lists them)."""
    return [_SOURCES[n] for n in names()]


def _unauthorised_absence(period: Period, region: Region) -> list[Occurrence]:
    """Half days of unauthorised absence per staff member (the local rule deducts per half day)."""
    from onewindow.hall.selectors import unauthorised_absences

    per_staff: dict[int, list] = {}
    for fact in unauthorised_absences(region, period.first, period.last):
        per_staff.setdefault(fact.staff_id, []).append(fact)
    return [Occurrence(staff_id, sum(f.half_days for f in facts),
                       tuple(Evidence(f"{f.day:%Y-%m-%d} 窗口{f.window_number} 擅自离岗 {f.half_days} 个半天")
                             for f in facts))
            for staff_id, facts in sorted(per_staff.items())]


def _window_unauthorised_absence(period: Period, region: Region) -> list[Occurrence]:
    """Half days of unauthorised absence of anyone rostered at a window, counted to the window."""
    from onewindow.hall.selectors import unauthorised_absences
    from onewindow.organization.models import Window

    window_ids = dict(Window.objects.filter(region=region).values_list("number", "id"))
    per_window: dict[int, list] = {}
    for fact in unauthorised_absences(region, period.first, period.last):
        per_window.setdefault(window_ids[fact.window_number], []).append(fact)
    return [Occurrence(window_id, sum(f.half_days for f in facts),
                       tuple(Evidence(f"{f.day:%Y-%m-%d} {f.staff_name} 擅自离岗 {f.half_days} 个半天")
                             for f in facts))
            for window_id, facts in sorted(per_window.items())]


register(FactSource("window_unauthorised_absence", "窗口人员擅自离岗（每半天）", SubjectKind.WINDOW,
                    _window_unauthorised_absence))
register(FactSource("unauthorised_absence", "擅自离岗（每半天）", SubjectKind.STAFF, _unauthorised_absence))
