"""Template tags for supervision data on pages (the case page, the supervision navigation)."""

from __future__ import annotations

from django import template

from onewindow.cases.models import Case

from ..selectors import can_set_settings, warnings_for_case

register = template.Library()


@register.simple_tag
def case_warnings(case: Case) -> list:
    """``{% case_warnings case as warnings %}``: the case's warning history, oldest first."""
    return warnings_for_case(case)


@register.simple_tag
def may_set_supervision(user: object) -> bool:
    """``{% may_set_supervision request.user as allowed %}``: whether the settings page is theirs."""
    return can_set_settings(user)
