"""``{{ fen|yuan }}``: an amount in fen shown in yuan with two decimals (exact, no float)."""

from django import template

from onewindow.fees.money import yuan as _yuan

register = template.Library()


@register.filter
def yuan(fen: object) -> str:
    if fen is None or fen == "":
        return "—"
    return _yuan(int(fen))
