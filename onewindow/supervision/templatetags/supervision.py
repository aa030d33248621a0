"""Template tags for pages of other apps that show supervision data (the case page)."""

from __future__ import annotations

from django import template

from onewindow.cases.models import Case

from ..selectors import warnings_for_case

register = template.Library()


@register.simple_tag
def case_warnings(case: Case) -> list:
    """``{% case_warnings case as warnings %}``: the case's warning history, oldest first."""
    return warnings_for_case(case)
