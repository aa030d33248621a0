"""Public pages: rating by the signed link (SMS or the window's pad), rating a concluded case with
its number and query code (and, later, seeing what became of a bad rating), the public rating
results and the published answers (no personal data)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onewindow.cases.models import Case
from onewindow.core.errors import DomainError
from onewindow.organization.models import Region

from . import rules as r
from . import selectors as sel
from . import services as svc
from .clock import limits_for
from .throttle import rating_limited

_LEVELS = [(r.LEVEL_CODES[lv], label) for lv, label in r.LEVEL_LABELS.items()]
_REASONS = list(r.BAD_REASONS.items())


def _form_context(**extra: Any) -> dict[str, Any]:
    return {"levels": _LEVELS, "reasons": _REASONS, **extra}


def rate_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the conclusion SMS or of the pad: one rating, then it is spent."""
    if request.method == "POST":
        limited = rating_limited(request)
        if limited is not None:
            return limited
    try:
        link = svc.rating_link_open(token)
    except DomainError as exc:
        return render(request, "feedback/public_rate.html", _form_context(error=exc.message), status=exc.status)
    if request.method == "POST":
        try:
            rating = svc.rating_submit(level=request.POST.get("level", ""), reasons=request.POST.getlist("reasons"),
                                       comment=request.POST.get("comment", ""), channel=link.channel, token=token)
        except DomainError as exc:
            return render(request, "feedback/public_rate.html",
                          _form_context(error=exc.message, token=token, link=link), status=exc.status)
        return render(request, "feedback/public_thanks.html", {"rating": rating})
    return render(request, "feedback/public_rate.html", _form_context(token=token, link=link))


def rate_case(request: HttpRequest) -> HttpResponse:
    """Rate a concluded case by its number and query code (the progress page's channel); once
    rated, the page shows the rating and, for a bad one, how its rectification stands."""
    source = request.POST if request.method == "POST" else request.GET
    number, code = (source.get("number") or "").strip(), (source.get("code") or "").strip().upper()
    context: dict[str, Any] = _form_context(number=number, code=code)
    case = Case.objects.filter(number=number, query_code=code).first() if number and code else None
    if number and code and case is None:
        context["error"] = "办件编号或查询码不正确"
        return render(request, "feedback/public_case.html", context, status=404)
    status = 200
    if case is not None and request.method == "POST":
        limited = rating_limited(request)
        if limited is not None:
            return limited
        try:
            if request.POST.get("follow_up"):
                svc.rating_follow_up(comment=request.POST.get("comment", ""), level=request.POST.get("level") or None,
                                     channel=r.Channel.PROGRESS, case_number=number, query_code=code)
            else:
                svc.rating_submit(level=request.POST.get("level", ""), reasons=request.POST.getlist("reasons"),
                                  comment=request.POST.get("comment", ""), channel=r.Channel.PROGRESS,
                                  case_number=number, query_code=code)
        except DomainError as exc:
            context["error"], status = exc.message, exc.status
    if case is not None:
        rating = sel.rating_for_case(case)
        follow_up = sel.follow_up_of(rating)
        context.update(case=case, rating=rating, rectification=sel.rectification_outcome_for_case(case),
                       ratable=case.status in r.RATABLE_CASE_STATUSES, follow_up=follow_up,
                       may_follow_up=rating is not None and follow_up is None and rating.channel != r.Channel.DEFAULT)
    return render(request, "feedback/public_case.html", context, status=status)


def results(request: HttpRequest) -> HttpResponse:
    """好差评结果公示: satisfaction per department and per item, from the minimum sample only."""
    region = Region.objects.filter(code=request.GET.get("region", "")).first()
    if region is None:
        region = Region.objects.filter(has_center=True).order_by("level", "code").first()
    min_sample = limits_for(region).public_min_sample if region else r.Limits().public_min_sample
    return render(request, "feedback/public_results.html", {
        "region": region, "min_sample": min_sample,
        "departments": sel.rating_results(by="department", region=region, min_sample=min_sample),
        "items": sel.rating_results(by="item", region=region, min_sample=min_sample)})


def answers(request: HttpRequest) -> HttpResponse:
    """Published answers (问答公开): reviewed first, shown without the caller's name or phone."""
    return render(request, "feedback/public_answers.html", {"orders": sel.published_answers()})
