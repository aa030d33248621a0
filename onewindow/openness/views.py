"""Pages of on-request disclosure: the citizen's online filing and status page (public), the staff's
list, registration (post, in person), request page with its actions, reply PDF and annual tables.

Thin: read the form, call a service or a selector, render.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.core.timesource import local_date
from onewindow.documents.numbering import file_stem
from onewindow.organization.models import Staff
from onewindow.organization.staff_views import staff_view
from onewindow.portal.ratelimit import RateLimited, check, client_address, parse_rate, too_many_requests

from . import fee_document, selectors
from .actions import perform
from .models import DisclosureRequest
from .reply_document import pdf_of
from .rules import (
    ACTION_LABELS,
    ANSWER_LABELS,
    APPLICANT_KIND_LABELS,
    CHANNEL_LABELS,
    DELIVERY_LABELS,
    GROUND_LABELS,
    RECEIPT_RULES,
    STATE_LABELS,
    Action,
    Channel,
)
from .services import Applicant, request_file

PAGE_SIZE = 50
STATUS_RATE = "10/m"  # like the case progress lookup: a query code is guessed only by trying
STATUS_SCOPE = "openness.status"
_FILED_KEY = "openness_filed"


_staff_view = staff_view("openness/error.html", key="message", not_staff="仅限工作人员")


def _applicant_from(post: Any) -> Applicant:
    return Applicant(kind=post.get("applicant_kind", ""), name=post.get("applicant_name", ""),
                     id_number=post.get("applicant_id_number", ""), phone=post.get("applicant_phone", ""),
                     address=post.get("applicant_address", ""))


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _form_context(values: dict[str, str], error: DomainError | None = None) -> dict[str, Any]:
    return {"values": values, "error": error, "departments": selectors.departments_for_filing(),
            "kinds": APPLICANT_KIND_LABELS.items(), "deliveries": DELIVERY_LABELS.items()}


_FORM_FIELDS = ("department", "applicant_kind", "applicant_name", "applicant_id_number", "applicant_phone",
                "applicant_address", "description", "purpose", "delivery", "channel", "received_on")


def _filed(request: HttpRequest, *, actor: Staff | None, channel: str) -> DisclosureRequest:
    post = request.POST
    received = (post.get("received_on") or "").strip()
    try:
        received_on = date.fromisoformat(received) if received else None
    except ValueError:
        raise DomainError("disclosure.received_on_invalid", "签收日期格式应为 YYYY-MM-DD", field="received_on") from None
    department_id = _int(post.get("department"))
    if department_id is None:
        raise DomainError("disclosure.department_required", "请选择受理机关", field="department")
    return request_file(department_id=department_id, channel=channel, applicant=_applicant_from(post),
                        description=post.get("description", ""), purpose=post.get("purpose", ""),
                        delivery=post.get("delivery", ""), received_on=received_on, actor=actor)


# -- public: filing online and following a request ---------------------------------------------------------


def public_index(request: HttpRequest) -> HttpResponse:
    """政务公开: what the public side offers."""
    return render(request, "openness/public_index.html", {})


def public_file(request: HttpRequest) -> HttpResponse:
    """网上提交政府信息公开申请: no account needed; the answer is the number and a query code."""
    values = {name: request.POST.get(name, "") for name in _FORM_FIELDS} if request.method == "POST" else {}
    if request.method == "POST":
        try:
            req = _filed(request, actor=None, channel=Channel.ONLINE)
        except DomainError as exc:
            return render(request, "openness/public_file.html", _form_context(values, exc), status=exc.status)
        request.session[_FILED_KEY] = {"number": req.number, "code": req.query_code}
        return redirect("openness:public_filed")
    return render(request, "openness/public_file.html", _form_context(values))


def public_filed(request: HttpRequest) -> HttpResponse:
    """The confirmation: the request's number and query code, shown once after filing."""
    filed = request.session.get(_FILED_KEY)
    if not filed:
        return redirect("openness:public_file")
    req = DisclosureRequest.objects.select_related("department").filter(number=filed["number"]).first()
    return render(request, "openness/public_filed.html", {"filed": filed, "request_row": req,
                                                          "receipt_rule": RECEIPT_RULES[Channel.ONLINE]})


def _limited(request: HttpRequest) -> HttpResponse | None:
    verdict = check(STATUS_SCOPE, client_address(request), parse_rate(STATUS_RATE))
    return None if verdict.allowed else too_many_requests(request, RateLimited(verdict.retry_after))


def public_status(request: HttpRequest) -> HttpResponse:
    """查询申请进度 with the number and query code (a POST: the code stays out of URLs and logs)."""
    values = {"number": "", "code": ""}
    context: dict[str, Any] = {"values": values}
    status = 200
    if request.method == "POST":
        limited = _limited(request)
        if limited is not None:
            return limited
        values.update({name: request.POST.get(name, "").strip() for name in ("number", "code")})
        try:
            req = selectors.request_for_applicant(values["number"], values["code"])
            context.update(_public_view(req))
        except DomainError as exc:
            context["error"], status = exc, exc.status
    return render(request, "openness/public_status.html", context, status=status)


def _public_view(req: DisclosureRequest) -> dict[str, Any]:
    view = selectors.request_view(req)
    return {"req": req, "view": view, "applicant": selectors.masked_applicant(req),
            "state_label": STATE_LABELS[req.state], "channel_label": CHANNEL_LABELS[req.channel],
            "answer_label": ANSWER_LABELS.get(req.answer, "") if req.answer else ""}


@require_POST
def public_reply_pdf(request: HttpRequest) -> HttpResponse:
    """The reply document, for the applicant (number and query code in the form)."""
    limited = _limited(request)
    if limited is not None:
        return limited
    try:
        req = selectors.request_for_applicant(request.POST.get("number", ""), request.POST.get("code", ""))
    except DomainError as exc:
        return render(request, "openness/error.html", {"message": exc.message}, status=exc.status)
    return _pdf(req)


@require_POST
def public_fee_pdf(request: HttpRequest) -> HttpResponse:
    """The fee notice, for the applicant (number and query code in the form)."""
    limited = _limited(request)
    if limited is not None:
        return limited
    try:
        req = selectors.request_for_applicant(request.POST.get("number", ""), request.POST.get("code", ""))
        return _fee_pdf(req)
    except DomainError as exc:
        return render(request, "openness/error.html", {"message": exc.message}, status=exc.status)


def _fee_pdf(req: DisclosureRequest) -> HttpResponse:
    fee = getattr(req, "fee", None)
    if fee is None:
        raise NotFound("该申请没有收费通知书", code="disclosure.fee_not_found")
    response = HttpResponse(fee_document.pdf_of(fee), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{file_stem(fee.number)}.pdf"'
    return response


def _pdf(req: DisclosureRequest) -> HttpResponse:
    reply = getattr(req, "reply", None)
    if reply is None:
        raise NotFound("该申请尚未作出答复", code="disclosure.reply_not_found")
    response = HttpResponse(pdf_of(reply), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{file_stem(reply.number)}.pdf"'
    return response


# -- staff ------------------------------------------------------------------------------------------------


@_staff_view
def staff_list(request: HttpRequest, staff: Staff) -> HttpResponse:
    """依申请公开台账: summary first, then the filtered, paged list."""
    state, q = request.GET.get("state", ""), request.GET.get("q", "").strip()
    mine = selectors.requests_for(staff)
    page = Paginator(selectors.filtered(mine, state=state, q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "openness/staff_list.html", {
        "page": page, "summary": [(STATE_LABELS[s], s, n) for s, n in selectors.summary(mine).items()],
        "state": state, "q": q, "states": STATE_LABELS.items()})


@_staff_view
def staff_new(request: HttpRequest, staff: Staff) -> HttpResponse:
    """登记信函或当面申请 (the receipt date per Art. 31)."""
    values = {name: request.POST.get(name, "") for name in _FORM_FIELDS} if request.method == "POST" else {}
    context = _form_context(values) | {"channels": [(c.value, CHANNEL_LABELS[c]) for c in Channel],
                                       "rules": RECEIPT_RULES.items()}
    if request.method == "POST":
        try:
            req = _filed(request, actor=staff, channel=request.POST.get("channel", ""))
        except DomainError as exc:
            return render(request, "openness/staff_new.html", context | {"error": exc}, status=exc.status)
        messages.success(request, f"已登记申请 {req.number}")
        return redirect("openness:staff_request", number=req.number)
    return render(request, "openness/staff_new.html", context)


def _staff_context(staff: Staff, req: DisclosureRequest) -> dict[str, Any]:
    view = selectors.request_view(req)
    actions = selectors.lawful_actions(staff, req)
    return {"req": req, "view": view, "applicant": selectors.masked_applicant(req),
            "actions": [(a.value, ACTION_LABELS[a]) for a in actions], "answers": ANSWER_LABELS.items(),
            "grounds": GROUND_LABELS.items(), "today": local_date(),
            "state_label": STATE_LABELS[req.state], "channel_label": CHANNEL_LABELS[req.channel],
            "answer_label": ANSWER_LABELS.get(req.answer, "") if req.answer else ""}


@_staff_view
def staff_request(request: HttpRequest, staff: Staff, number: str) -> HttpResponse:
    req = selectors.request_for(staff, number)
    return render(request, "openness/staff_request.html", _staff_context(staff, req))


def _params(action: str, post: Any) -> dict[str, Any]:
    """The action's inputs from its form."""
    params: dict[str, Any] = {"expected_version": _int(post.get("expected_version"))}
    text = {k: post.get(k, "") for k in ("note", "third_party", "opinion", "reason", "answer", "reasons", "agency",
                                          "how_to_obtain", "method", "how_to_pay", "receipt_number") if k in post}
    params.update(text)
    if action == Action.REQUEST_CLARIFICATION:
        params["points"] = [line for line in post.get("points", "").splitlines() if line.strip()]
    if action == Action.REPLY:
        params["grounds"] = post.getlist("grounds")
    if action == Action.EXTEND:
        params["workdays"] = post.get("workdays", "")
    if action == Action.FEE_NOTICE:
        params["pieces"] = post.get("pieces") or 1
        if post.get("pages"):
            params["pages"] = post.get("pages")
    for name in ("received_on", "answered_on", "paid_on"):
        if post.get(name):
            params[name] = post.get(name)
    return params


@require_POST
@_staff_view
def staff_act(request: HttpRequest, staff: Staff, number: str, action: str) -> HttpResponse:
    req = selectors.request_for(staff, number)
    try:
        perform(action, request_id=req.pk, actor=staff, params=_params(action, request.POST))
    except DomainError as exc:
        if isinstance(exc, (PermissionDenied, NotFound)):
            raise
        context = _staff_context(staff, req) | {"error": exc, "failed_action": action}
        return render(request, "openness/staff_request.html", context, status=exc.status)
    label = ACTION_LABELS.get(Action(action)) if action in Action._value2member_map_ else action
    messages.success(request, f"已{label}")
    return redirect(reverse("openness:staff_request", args=[number]))


@_staff_view
def staff_reply_pdf(request: HttpRequest, staff: Staff, number: str) -> HttpResponse:
    return _pdf(selectors.request_for(staff, number))


@_staff_view
def staff_fee_pdf(request: HttpRequest, staff: Staff, number: str) -> HttpResponse:
    return _fee_pdf(selectors.request_for(staff, number))


@_staff_view
def staff_report(request: HttpRequest, staff: Staff) -> HttpResponse:
    """年度报告·收到和处理政府信息公开申请情况, from the requests themselves."""
    year = _int(request.GET.get("year")) or local_date().year
    if not 2008 <= year <= 2100:
        year = local_date().year
    report = selectors.annual_report(selectors.requests_for(staff), year)
    return render(request, "openness/staff_report.html", {"report": report, "kinds": APPLICANT_KIND_LABELS.items()})
