"""Pages of 网上办事: registration and login by one-time code, applying online, my cases, the
public progress lookup, the published results and the public statistics.

Thin, like every view here: read the request, call a selector or a service, render. A refusal
(``DomainError``) is shown next to the field it names, with everything typed kept — never a 500.
Files are checked by content before any service runs; a refused file leaves nothing behind. A case
or file that is not the reader's is a 404 whether or not it exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.cases import guards
from onewindow.cases.bundle_selectors import bundle_of_case, my_bundles
from onewindow.cases.rules import ID_TYPE_LABELS
from onewindow.cases.selectors import materials_of
from onewindow.cases.services import case_withdraw
from onewindow.core import filecrypt
from onewindow.core.errors import DomainError, NotFound
from onewindow.core.identity import mask_id, mask_phone
from onewindow.core.pagecache import public_page
from onewindow.core.timesource import local_date
from onewindow.core.uploads import check_file, max_upload_bytes, stored_file_response
from onewindow.documents.views import serve_document
from onewindow.fees.selectors import applicant_bills
from onewindow.portal.ratelimit import rate_limited

from . import selectors, services
from .lengths import REGISTRATION_MAX_LENGTHS
from .models import ApplicantProfile, OneTimeCode
from .rules import PERSON_ID_TYPES, AccountKind, Registration, check_registration
from .throttle import progress_limited
from .uploads import read_checked

# --- shared ------------------------------------------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    """Where to go after logging in: a path of this site, never another host."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


def applicant_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in with an applicant account: anonymous visitors are sent to log in (and back);
    a staff login without one is told to register as an applicant."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "online:login")
        profile = selectors.profile_of(request.user)
        if profile is None:
            return render(request, "online/not_applicant.html", status=403)
        request.applicant_profile = profile
        return view(request, *args, **kwargs)

    return wrapper


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "online/error.html", {"error": error}, status=error.status)


def _with_retry_after(response: HttpResponse, error: DomainError | None) -> HttpResponse:
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _id_type_choices() -> list[tuple[str, str]]:
    return [(t.value, ID_TYPE_LABELS[t]) for t in PERSON_ID_TYPES]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """网上办事: what can be done here, and the applicant's latest cases and drafts."""
    profile = selectors.profile_of(request.user)
    context: dict[str, Any] = {"profile": profile}
    if profile is not None:
        context["cases"] = list(selectors.my_cases(request.user)[:5])
        context["drafts"] = list(selectors.my_drafts(request.user)[:5])
    return render(request, "online/home.html", context)


# --- registration and login -------------------------------------------------------------------------

REGISTER_FIELDS = ("phone", "code", "kind", "real_name", "id_type", "id_number", "company_name",
                   "company_credit_code", "legal_representative")


def _code_sent(phone: str) -> str:
    return _("A verification code was sent to %(phone)s. It is valid for 5 minutes.") % {
        "phone": mask_phone(phone)}


@rate_limited("online.account")
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """注册: phone and its code, real name and ID; an agent also the company. "Send code" and
    "register" post the same form, so nothing typed is lost between the two."""
    values = {"kind": AccountKind.PERSON.value, "id_type": "resident_id"}
    errors: dict[str, str] = {}
    info, status, failure = "", 200, None
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip() for name in REGISTER_FIELDS}
        if request.POST.get("action") == "send_code":
            try:
                services.otp_request(phone=values["phone"], purpose=OneTimeCode.Purpose.REGISTER)
                info = _code_sent(services.clean_phone(values["phone"]))
            except DomainError as exc:
                errors[exc.field or "phone"], status, failure = exc.message, exc.status, exc
        else:
            registration = Registration(**{k: values[k] for k in REGISTER_FIELDS if k != "code"})
            errors = {p.field: p.message for p in reversed(check_registration(registration, max_lengths=REGISTRATION_MAX_LENGTHS))}
            try:
                services.clean_phone(values["phone"])
            except DomainError as exc:
                errors["phone"] = exc.message
            if not errors:
                try:
                    user = services.applicant_register(**values)
                except DomainError as exc:
                    errors[exc.field or "code"], failure = exc.message, exc
                else:
                    login(request, user, backend=services.LOGIN_BACKEND)
                    messages.success(request, _("Your account is ready. You are logged in."))
                    return redirect(_next_url(request) or "online:home")
            status = failure.status if failure is not None else 400
    response = render(request, "online/register.html", {
        "values": values, "errors": errors, "info": info, "next": _next_url(request),
        "kinds": ApplicantProfile.Kind.choices, "id_types": _id_type_choices(),
    }, status=status)
    return _with_retry_after(response, failure)


@rate_limited("online.account")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """登录 with the phone number and a one-time code (no password)."""
    values = {"phone": "", "code": ""}
    errors: dict[str, str] = {}
    info, status, failure = "", 200, None
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip() for name in ("phone", "code")}
        try:
            if request.POST.get("action") == "send_code":
                services.otp_request(phone=values["phone"], purpose=OneTimeCode.Purpose.LOGIN)
                info = _code_sent(services.clean_phone(values["phone"]))
            else:
                user = services.applicant_login(phone=values["phone"], code=values["code"])
                login(request, user, backend=services.LOGIN_BACKEND)
                return redirect(_next_url(request) or "online:home")
        except DomainError as exc:
            errors[exc.field or "code"], status, failure = exc.message, exc.status, exc
    response = render(request, "online/login.html", {"values": values, "errors": errors, "info": info,
                                                     "next": _next_url(request)}, status=status)
    return _with_retry_after(response, failure)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("online:home")


@require_POST
@applicant_required
def import_consent(request: HttpRequest) -> HttpResponse:
    """The applicant allows or withdraws the import of their cases from elsewhere into the account."""
    consent = request.POST.get("consent") == "yes"
    services.applicant_import_consent_set(account=request.user, consent=consent)
    messages.success(request, "已同意政务服务中心将您在其他平台办理的办件导入本账户" if consent
                     else "已撤回导入办件的同意，今后的导入不能再关联本账户")
    return redirect("online:home")


# --- applying ----------------------------------------------------------------------------------------

FORM_FIELDS = ("contact_phone", "delivery_method", "address", "note")


@dataclass
class MaterialRow:
    """One material of the item as the apply form shows it, with the files the draft holds."""

    index: int
    name: str
    required: bool
    instructions: str
    uploads: list[Any] = field(default_factory=list)
    error: str = ""

    @property
    def field(self) -> str:
        return f"material[{self.index}]"


def _material_rows(found: selectors.OnlineItem, draft: Any, errors: dict[str, str]) -> list[MaterialRow]:
    held = selectors.draft_uploads(draft)
    return [MaterialRow(index=i, name=m.name, required=m.required, instructions=m.instructions,
                        uploads=held.get(m.name, []), error=errors.get(f"material[{i}]", ""))
            for i, m in enumerate(found.materials)]


def _apply_page(request: HttpRequest, found: selectors.OnlineItem, *, values: dict[str, str], token: str,
                errors: dict[str, str] | None = None, status: int = 200) -> HttpResponse:
    errors = errors or {}
    draft = selectors.open_draft(request.user, found.item)
    rows = _material_rows(found, draft, errors)
    profile: ApplicantProfile = request.applicant_profile
    known = {r.field for r in rows} | set(FORM_FIELDS)
    return render(request, "online/apply.html", {
        "found": found, "item": found.item, "version": found.version, "rows": rows, "values": values,
        "token": token, "draft": draft, "errors": errors, "profile": profile,
        "general_errors": [m for f, m in errors.items() if f not in known],
        "masked_id": mask_id(profile.id_number), "id_type_label": ID_TYPE_LABELS.get(profile.id_type, profile.id_type),
        "missing_required": [r.name for r in rows if r.required and not r.uploads],
        "max_upload_mb": max(1, max_upload_bytes() // (1024 * 1024)),
        "delivery_choices": found.delivery_choices,
    }, status=status)


def _material_part(request: HttpRequest, found: selectors.OnlineItem, index: int, *, error: str = "") -> HttpResponse:
    """The apply form's part for one material (htmx swaps it in), with the reminder of what is still
    missing updated beside it. Answered 200 even for a refused file, so that htmx shows the message."""
    rows = _material_rows(found, selectors.open_draft(request.user, found.item),
                          {f"material[{index}]": error} if error else {})
    return render(request, "online/_material.html", {
        "r": rows[index], "item": found.item, "oob": True,
        "missing_required": [r.name for r in rows if r.required and not r.uploads],
    })


def _form_values(request: HttpRequest) -> dict[str, str]:
    return {name: request.POST.get(name, "").strip() for name in FORM_FIELDS}


@applicant_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """网上申请 of one item: the materials with an upload each, "save draft" and "submit"."""
    try:
        found = selectors.online_item(code)
    except DomainError as exc:
        return _error_page(request, exc)
    if not found.available:
        return render(request, "online/not_online.html", {"found": found, "version": found.version})
    profile: ApplicantProfile = request.applicant_profile
    if request.method == "GET":
        draft = selectors.open_draft(request.user, found.item)
        values = {"contact_phone": profile.phone, "delivery_method": "", "address": "", "note": ""}
        if draft is not None:
            values.update({k: str(v) for k, v in draft.data.items() if k in FORM_FIELDS})
        values["delivery_method"] = values["delivery_method"] or found.default_delivery
        return _apply_page(request, found, values=values, token=str(draft.token if draft else uuid.uuid4()))

    values = _form_values(request)
    token = request.POST.get("token", "")
    errors: dict[str, str] = {}
    files = []
    # Every file is checked before anything is written: a refused file keeps the draft as it was.
    for i, material in enumerate(found.materials):
        upload = request.FILES.get(f"material[{i}]")
        if upload is None:
            continue
        try:
            files.append(check_file(upload, material=material.name, field=f"material[{i}]"))
        except DomainError as exc:
            errors[exc.field or f"material[{i}]"] = exc.message
    if errors:
        return _apply_page(request, found, values=values, token=token, errors=errors, status=400)
    try:
        if request.POST.get("action") == "submit":
            case = services.draft_submit(account=request.user, item_code=found.item.implementation_code,
                                         token=token, data=values, files=files)
            messages.success(request, _("Your application was received. Case number %(number)s, query code "
                                        "%(code)s.") % {"number": case.number, "code": case.query_code})
            return redirect("online:case", number=case.number)
        services.draft_save(account=request.user, item_code=found.item.implementation_code, token=token,
                            data=values, files=files)
    except DomainError as exc:
        if files:  # chosen without JavaScript: keep them, so that correcting the form needs no new choice
            with suppress(DomainError):  # the refusal shown below says why the files could not be kept either
                services.draft_attach(account=request.user, item_code=found.item.implementation_code,
                                      token=token, files=files)
        return _apply_page(request, found, values=values, token=token, errors={exc.field or "": exc.message},
                           status=exc.status)
    messages.success(request, _("Draft saved. You can continue later from My cases."))
    return redirect("online:apply", code=found.item.implementation_code)


@applicant_required
@require_POST
def apply_material(request: HttpRequest, code: str, index: int) -> HttpResponse:
    """One material's file, uploaded as soon as it is chosen (htmx) and kept in the draft; the
    answer is that material's part of the form, showing the file attached (or why it was refused)."""
    try:
        found = selectors.online_item(code)
    except DomainError as exc:
        return _error_page(request, exc)
    if not found.available or not 0 <= index < len(found.materials):
        raise Http404("材料不存在")
    name, field_name = found.materials[index].name, f"material[{index}]"
    token = request.POST.get("token", "")
    try:
        chosen = request.FILES.get(field_name)
        if chosen is None:
            raise DomainError("upload.missing", f"请为材料“{name}”选择文件", field=field_name)
        checked = check_file(chosen, material=name, field=field_name)
        services.draft_attach(account=request.user, item_code=found.item.implementation_code, token=token,
                              files=[checked])
    except DomainError as exc:
        if not request.htmx:
            return _apply_page(request, found, values=_form_values(request), token=token,
                               errors={exc.field or field_name: exc.message}, status=exc.status)
        return _material_part(request, found, index, error=exc.message)
    if not request.htmx:
        return redirect("online:apply", code=found.item.implementation_code)
    return _material_part(request, found, index)


@applicant_required
@require_POST
def upload_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a file from a draft: with htmx, answered with the material's part of the form."""
    held = selectors.upload_for(request.user, pk)
    try:
        draft = services.draft_upload_remove(account=request.user, upload_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.htmx and held is not None:
        found = selectors.online_item(draft.item.implementation_code)
        index = found.material_index(held.material)
        if index is not None:
            return _material_part(request, found, index)
    messages.success(request, _("File removed."))
    return redirect("online:apply", code=draft.item.implementation_code)


@require_GET
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """An uploaded file, to the applicant who uploaded it or to staff who may view its case; a
    file changed on disk is never handed out."""
    found = selectors.upload_for(request.user, pk)
    if found is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "online:login")
        raise Http404("文件不存在")
    try:
        data = read_checked(found.path, found.sha256)
    except filecrypt.StoredFileRefused as exc:
        return filecrypt.refused_response(exc)
    if data is None:
        raise Http404("文件不存在或已丢失")
    return stored_file_response(data, content_type=found.content_type,
                                name=f"{found.material}.{found.path.rsplit('.', 1)[-1]}")


# --- my cases ------------------------------------------------------------------------------------------


@applicant_required
@require_GET
def cases(request: HttpRequest) -> HttpResponse:
    """我的办件: the applicant's cases and open drafts."""
    return render(request, "online/cases.html", {
        "cases": list(selectors.my_cases(request.user)), "drafts": list(selectors.my_drafts(request.user)),
        "bundles": my_bundles(request.user),
    })


def _case_or_404(request: HttpRequest, number: str):
    try:
        return selectors.my_case(request.user, number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _case_page(request: HttpRequest, case: Any, *, errors: dict[str, str] | None = None,
               status: int = 200, reason: str = "") -> HttpResponse:
    errors = errors or {}
    # What the applicant may do now is the case's guards' answer (the same the services ask).
    lawful = guards.applicant_keys(case, request.user)
    # 一件事: a child's supplement is asked in the application's one notice and answered there.
    parent = bundle_of_case(case)
    awaiting = "supplement" in lawful and parent is None
    listed = selectors.requested_materials(case) if awaiting else []
    rows = [{"index": i, "name": name, "field": f"supplement[{i}]", "error": errors.get(f"supplement[{i}]", "")}
            for i, name in enumerate(listed)]
    known = {r["field"] for r in rows} | {"reason", "confirm"}
    return render(request, "online/case.html", {
        "case": case, "bundle_parent": parent, "progress": selectors.progress_of(case),
        "notices": list(selectors.case_notices(case)),
        "uploads": selectors.case_uploads(case), "materials": materials_of(case), "awaiting": awaiting,
        "bills": applicant_bills(case.id),
        "supplement_rows": rows, "supplement_note": selectors.supplement_note(case) if awaiting else "",
        "can_withdraw": "withdraw" in lawful, "errors": errors, "reason": reason,
        "supplement_errors": {f: m for f, m in errors.items() if f.startswith("supplement[")},
        "general_errors": [m for f, m in errors.items() if f not in known],
        "max_upload_mb": max(1, max_upload_bytes() // (1024 * 1024)),
    }, status=status)


@applicant_required
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One of my cases: status, stages, due dates explained, notices, the supplement form."""
    return _case_page(request, _case_or_404(request, number))


@applicant_required
@require_POST
def supplement(request: HttpRequest, number: str) -> HttpResponse:
    """补正 online: a file for each material the supplement notice lists."""
    case = _case_or_404(request, number)
    errors: dict[str, str] = {}
    files = []
    for i, name in enumerate(selectors.requested_materials(case)):
        upload_file = request.FILES.get(f"supplement[{i}]")
        if upload_file is None:
            continue
        try:
            files.append(check_file(upload_file, material=name, field=f"supplement[{i}]"))
        except DomainError as exc:
            errors[exc.field or f"supplement[{i}]"] = exc.message
    if not errors:
        try:
            services.case_supplement_online(account=request.user, case_id=case.id, files=files,
                                            expected_version=_int(request.POST.get("row_version")))
        except DomainError as exc:
            errors[exc.field or ""] = exc.message
            case.refresh_from_db()
            return _case_page(request, case, errors=errors, status=exc.status)
        messages.success(request, _("Your supplement was received. The center decides on acceptance within "
                                    "5 working days."))
        return redirect("online:case", number=case.number)
    return _case_page(request, case, errors=errors, status=400)


@applicant_required
@require_POST
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    """撤回 before the decision, after ticking a confirmation (it cannot be undone)."""
    case = _case_or_404(request, number)
    reason = request.POST.get("reason", "").strip()[:200]
    if not request.POST.get("confirm"):
        return _case_page(request, case, errors={"confirm": _("Please tick the box to confirm the withdrawal.")},
                          status=400, reason=reason)
    try:
        case_withdraw(case_id=case.id, actor=None, applicant=request.user, reason=reason,
                      expected_version=_int(request.POST.get("row_version")))
    except DomainError as exc:
        case.refresh_from_db()
        return _case_page(request, case, errors={exc.field or "": exc.message}, status=exc.status, reason=reason)
    messages.success(request, _("Your application was withdrawn."))
    return redirect("online:case", number=case.number)


@applicant_required
@require_GET
def document(request: HttpRequest, number: str, document_number: str) -> HttpResponse:
    """A notice (or decision, certificate) of my case, as a PDF."""
    try:
        found = selectors.my_document(request.user, number, document_number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return serve_document(request, found)


# --- public progress -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    """查询办件进度 with the case number and query code, without logging in.

    The lookup is a POST, so the query code never ends up in a URL, a browser history or an
    access log. A wrong code and an unknown number get the same answer.
    """
    values = {"number": "", "code": ""}
    context: dict[str, Any] = {"values": values}
    status = 200
    if request.method == "POST":
        limited = progress_limited(request)
        if limited is not None:
            return limited
        values.update({name: request.POST.get(name, "").strip() for name in ("number", "code")})
        try:
            context["progress"] = selectors.progress_lookup(values["number"], values["code"])
        except DomainError as exc:
            context["error"], status = exc, exc.status
    return render(request, "online/progress.html", context, status=status)


# --- published results and statistics -------------------------------------------------------------------

RESULTS_PER_PAGE = 25


@rate_limited("online.results")
@require_GET
@public_page
def results(request: HttpRequest) -> HttpResponse:
    """办件公示: accepted and concluded cases, names and IDs masked, by department, item, period."""
    q = {name: request.GET.get(name, "").strip() for name in ("dept", "item", "from", "to")}
    context: dict[str, Any] = {"q": q, "departments": selectors.result_departments()}
    try:
        first, last = selectors.parse_period(q["from"], q["to"])
    except DomainError as exc:
        return render(request, "online/results.html", {**context, "error": exc}, status=exc.status)
    found = selectors.published_results(department_id=_int(q["dept"]), item=q["item"], first=first, last=last)
    page = Paginator(found, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={quote(v)}" for k, v in q.items() if v)
    return render(request, "online/results.html", {
        **context, "page": page, "rows": [selectors.result_row(c) for c in page.object_list], "query": query,
    })


@rate_limited("online.results")
@require_GET
@public_page
def statistics(request: HttpRequest) -> HttpResponse:
    """Public statistics per department for a period (default: this year so far)."""
    today = local_date()
    q = {name: request.GET.get(name, "").strip() for name in ("from", "to")}
    try:
        first, last = selectors.parse_period(q["from"], q["to"])
    except DomainError as exc:
        return render(request, "online/statistics.html", {"q": q, "error": exc}, status=exc.status)
    first = first or date(today.year, 1, 1)
    last = last or today
    if first > last:
        first = date(last.year, 1, 1)
    return render(request, "online/statistics.html", {
        "q": {"from": first.isoformat(), "to": last.isoformat()}, "first": first, "last": last,
        "rows": selectors.department_statistics(first=first, last=last),
        "definitions": selectors.statistics_definitions(),
    })
