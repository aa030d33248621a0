"""Formatting for the documents' Chinese text, independent of the active UI language.

Legal documents are Chinese only and must render the same bytes whatever the request's locale,
so they do not use Django's localized date filters.
"""

from __future__ import annotations

from datetime import date

from django import template

from onewindow.workdays.provisional import PROVISIONAL_NOTE

register = template.Library()


@register.filter
def cn_date(value: str | date | None) -> str:
    """``2026-10-09`` → ``2026年10月9日``; empty for no date."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.year}年{day.month}月{day.day}日"


@register.filter
def cn_due(value: str | date | None, provisional_dates: list[str] | None) -> str:
    """A due date as ``cn_date`` writes it, marked ``（暂定，以公布的节假日安排为准）`` when the notice's
    content lists it among its ``provisional_dates`` (its year's holidays were not published)."""
    text = cn_date(value)
    if text and str(value)[:10] in (provisional_dates or []):
        text += PROVISIONAL_NOTE
    return text


@register.filter
def short_signature(value: str, length: int = 16) -> str:
    """The first and last characters of a long signature, for print."""
    value = value or ""
    return value if len(value) <= 2 * length else f"{value[:length]}…{value[-length:]}"
