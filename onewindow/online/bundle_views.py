"""Pages of 网上办事 for one-thing bundles (一件事): the applicant's one form (the situations that
decide the items, a file for each material of the one set), the application's progress (every
child's state, the combined supplement notice and its one supplement, the one delivery), and the
notice itself. An application that is not the reader's is a 404 whether or not it exists.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.cases import bundle_selectors
from onewindow.cases.models import BundleApplication
from onewindow.core.errors import DomainError, NotFound
from onewindow.core.identity import mask_id, mask_phone
from onewindow.core.uploads import CheckedFile, check_file, max_upload_bytes

from . import services
from .models import ApplicantProfile
from .views import applicant_required


def _mb() -> int:
    return max(1, max_upload_bytes() // (1024 * 1024))


def _guide(code: str, situations: list[str]) -> bundle_selectors.BundleGuide:
    try:
        return bundle_selectors.bundle_guide(code, situations)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _apply_page(request: HttpRequest, guide: bundle_selectors.BundleGuide, *, token: str, phone: str,
                errors: dict[str, str] | None = None, status: int = 200) -> HttpResponse:
    errors = errors or {}
    profile: ApplicantProfile = request.applicant_profile
    rows = [{"index": i, "name": m.name, "required": m.required, "instructions": m.instructions,
             "items": guide.item_names(m), "field": f"material[{i}]", "error": errors.get(f"material[{i}]", "")}
            for i, m in enumerate(guide.materials)]
    known = {r["field"] for r in rows} | {"contact_phone"}
    return render(request, "online/bundle_apply.html", {
        "guide": guide, "bundle": guide.bundle, "rows": rows, "token": token, "phone": phone, "errors": errors,
        "general_errors": [m for f, m in errors.items() if f not in known], "profile": profile,
        "masked_id": mask_id(profile.id_number), "masked_phone": mask_phone(profile.phone), "max_upload_mb": _mb(),
    }, status=status)


@applicant_required
@require_http_methods(["GET", "POST"])
def bundle_apply(request: HttpRequest, code: str) -> HttpResponse:
    """网上申请一件事: choose the situations (the page shows the items and the one material set
    they need), then one file per material and one submit."""
    source = request.POST if request.method == "POST" else request.GET
    situations = source.getlist("situations")
    guide = _guide(code, situations)
    if request.method == "GET":
        # The registered phone is not written into the page (a GET shows no full phone): an empty
        # field means that number, shown masked beside it.
        return _apply_page(request, guide, token=str(uuid.uuid4()), phone="")
    token = request.POST.get("token", "")
    phone = request.POST.get("contact_phone", "").strip()
    errors: dict[str, str] = {}
    files: list[CheckedFile] = []
    # Every file is checked before anything is written: a refused file leaves nothing behind.
    for i, material in enumerate(guide.materials):
        upload = request.FILES.get(f"material[{i}]")
        if upload is None:
            continue
        try:
            files.append(check_file(upload, material=material.name, field=f"material[{i}]"))
        except DomainError as exc:
            errors[exc.field or f"material[{i}]"] = exc.message
    if not errors:
        try:
            app = services.bundle_submit(account=request.user, bundle_code=guide.bundle.code, situations=situations,
                                         files=files, contact_phone=phone, token=token)
        except DomainError as exc:
            errors[exc.field or ""] = exc.message
        else:
            messages.success(request, f"您的一件事申请已收到。申请编号 {app.number}，查询码 {app.query_code}。")
            return redirect("online:bundle", number=app.number)
    return _apply_page(request, guide, token=token, phone=phone, errors=errors, status=400)


def _mine(request: HttpRequest, number: str) -> BundleApplication:
    try:
        return bundle_selectors.my_bundle(request.user, number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _bundle_page(request: HttpRequest, app: BundleApplication, *, errors: dict[str, str] | None = None,
                 status: int = 200) -> HttpResponse:
    errors = errors or {}
    view = bundle_selectors.bundle_view(app)
    rows = [{"index": i, "name": name, "field": f"supplement[{i}]", "error": errors.get(f"supplement[{i}]", "")}
            for i, name in enumerate(view.supplement_materials())]
    known = {r["field"] for r in rows}
    context: dict[str, Any] = {"app": app, "view": view, "supplement_rows": rows, "max_upload_mb": _mb(),
                               "general_errors": [m for f, m in errors.items() if f not in known]}
    return render(request, "online/bundle.html", context, status=status)


@applicant_required
@require_GET
def bundle(request: HttpRequest, number: str) -> HttpResponse:
    """The application's progress: each item's case and state, the notices, what is asked now."""
    return _bundle_page(request, _mine(request, number))


@applicant_required
@require_POST
def bundle_supplement(request: HttpRequest, number: str) -> HttpResponse:
    """补正 online: a file for each material the combined notice lists, once for every item."""
    app = _mine(request, number)
    listed = bundle_selectors.bundle_view(app).supplement_materials()
    errors: dict[str, str] = {}
    files: list[CheckedFile] = []
    for i, name in enumerate(listed):
        upload = request.FILES.get(f"supplement[{i}]")
        if upload is None:
            errors[f"supplement[{i}]"] = f"请上传补正材料“{name}”"
            continue
        try:
            files.append(check_file(upload, material=name, field=f"supplement[{i}]"))
        except DomainError as exc:
            errors[exc.field or f"supplement[{i}]"] = exc.message
    if not errors:
        try:
            services.bundle_supplement_online(account=request.user, number=app.number, files=files)
        except DomainError as exc:
            errors[exc.field or ""] = exc.message
        else:
            messages.success(request, "补正材料已提交，各事项重新计算受理期限。")
            return redirect("online:bundle", number=app.number)
    return _bundle_page(request, app, errors=errors, status=400)


@applicant_required
@require_GET
def bundle_notice(request: HttpRequest, number: str, no: int) -> HttpResponse:
    """一件事补正告知书, printable."""
    app = _mine(request, number)
    try:
        notice = bundle_selectors.notice_of(app, no)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "online/bundle_notice.html", {"app": app, "notice": notice})
