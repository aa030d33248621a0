"""The public pages: answering a campaign (with a one-time code, or through its open link; both
rate-limited), the exposure board with the persons' replies, and the service commitments in force."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from onewindow.assessment.rules import SubjectKind
from onewindow.assessment.subjects import subjects_of
from onewindow.core.errors import DomainError
from onewindow.portal.ratelimit import rate_limited

from . import forms, services
from . import selectors as sel
from .models import Campaign, Respondent
from .rules import RESPONDENT_LABELS, CampaignState


def _form(request: HttpRequest, campaign: Campaign | None, *, code: str = "", token: str = "",
          error: DomainError | None = None, done: bool = False, status: int = 200) -> HttpResponse:
    context: dict[str, Any] = {"campaign": campaign, "code": code, "token": token, "error": error, "done": done,
                               "posted": request.POST if error else {}, "kinds": RESPONDENT_LABELS.items()}
    if campaign is not None:
        context.update(questions=list(campaign.questions.all()), open=campaign.state == CampaignState.OPEN,
                       subjects=subjects_of(SubjectKind(campaign.subject_kind), campaign.region))
    return render(request, "appraisal/answer.html", context, status=error.status if error else status)


def _campaign_of_code(code: str) -> Campaign | None:
    respondent = (Respondent.objects.filter(code_sha256=services.code_hash(code)).select_related("campaign__region")
                  .first() if code.strip() else None)
    return respondent.campaign if respondent is not None else None


@rate_limited("appraisal.answer")
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest) -> HttpResponse:
    """Answer with a one-time code: type the code, then the questionnaire."""
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()[:32]
    campaign = _campaign_of_code(code) if code else None
    if code and campaign is None:
        return _form(request, None, code=code, error=DomainError("code_invalid", "评议码无效，请核对后重新输入",
                                                                 field="code"))
    if request.method == "POST" and campaign is not None:
        try:
            services.campaign_answer_code(
                code=code, subject_id=forms.optional_int(request.POST, "subject"),
                values=forms.answers(request.POST, list(campaign.questions.values_list("id", flat=True))),
                comment=request.POST.get("comment", ""))
        except DomainError as exc:
            return _form(request, campaign, code=code, error=exc)
        return _form(request, campaign, done=True)
    return _form(request, campaign, code=code)


@rate_limited("appraisal.answer")
@require_http_methods(["GET", "POST"])
def open_answer(request: HttpRequest, token: str) -> HttpResponse:
    """Answer through a campaign's open link."""
    campaign = sel.open_campaign(token)
    if campaign is None:
        return render(request, "appraisal/answer.html", {"missing": True}, status=404)
    if request.method == "POST":
        try:
            services.campaign_answer_open(
                token=token, kind=request.POST.get("kind", ""), subject_id=forms.optional_int(request.POST, "subject"),
                values=forms.answers(request.POST, list(campaign.questions.values_list("id", flat=True))),
                comment=request.POST.get("comment", ""))
        except DomainError as exc:
            return _form(request, campaign, token=token, error=exc)
        return _form(request, campaign, token=token, done=True)
    return _form(request, campaign, token=token)


def _region(request: HttpRequest) -> tuple[list[Any], Any]:
    regions = sel.public_regions()
    code = request.GET.get("region", "")
    return regions, next((r for r in regions if r.code == code), None)


@rate_limited("appraisal.public")
@require_GET
def exposures(request: HttpRequest) -> HttpResponse:
    regions, region = _region(request)
    return render(request, "appraisal/public_exposures.html",
                  {"regions": regions, "region": region, "rows": sel.public_exposures(region)})


@rate_limited("appraisal.public")
@require_GET
def commitments(request: HttpRequest) -> HttpResponse:
    regions, region = _region(request)
    return render(request, "appraisal/public_commitments.html",
                  {"regions": regions, "region": region, "rows": sel.public_commitments(region)})
