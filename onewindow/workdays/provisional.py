"""Provisional dates as the applicant reads them. Pure: no Django.

A due date in a year whose holiday arrangement is not yet published is counted on weekends alone
(DESIGN.md §4 rule 10) and may move once the State Council publishes the year: a notice or a
message that states such a date says so, right after the date.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

PROVISIONAL_NOTE = "（暂定，以公布的节假日安排为准）"


def is_provisional_day(day: date, published_years: Collection[int]) -> bool:
    """True when ``day`` falls in a year without a published holiday arrangement."""
    return day.year not in published_years


def cn_day(day: date) -> str:
    """``2027年1月4日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_due(day: date | None, published_years: Collection[int]) -> str:
    """A due date as notices and messages write it, marked provisional when its year's holidays are
    not published: ``2027年1月4日（暂定，以公布的节假日安排为准）``; empty for no date."""
    if day is None:
        return ""
    return cn_day(day) + (PROVISIONAL_NOTE if is_provisional_day(day, published_years) else "")
