"""The public summary of the assessment (考核结果公示): for a region and a published month, the
departments ranked by their on-time rate and their citizens' satisfaction, and the window and
department awards — no personal data (no staff member is named)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from onewindow.portal.ratelimit import rate_limited

from . import selectors as sel
from .reports import period_label


@rate_limited("assessment.public")
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    regions = sel.public_regions()
    region = next((r for r in regions if r.code == request.GET.get("region", "")), regions[0] if regions else None)
    periods = sel.public_periods(region) if region else []
    period = request.GET.get("period", "")
    if period not in periods:
        period = periods[0] if periods else ""
    context: dict[str, object] = {"regions": regions, "region": region, "periods": periods, "period": period}
    if region is not None and period:
        rows, awards, definition = sel.public_summary(region, period)
        context.update(rows=rows, awards=awards, definition=definition, period_label=period_label(period))
    return render(request, "assessment/public_summary.html", context)
