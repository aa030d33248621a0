"""Staff pages of cases: intake, the case page with its action forms, the inbox, the ledger and
the intake register.

Thin, like every view here: read the request, call a selector or a service, render. A refusal
(``DomainError``) is shown next to the field it names with everything typed kept — never a 500,
never a lost update (every action form posts the ``row_version`` it showed). A case the user may
not see is a 404 whether or not it exists, so numbers reveal nothing.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.cases import selectors as case_selectors
from onewindow.cases.actions import ACTIONS, perform
from onewindow.cases.disclosure import masked_text
from onewindow.cases.dues import ENDED_TEXT, TIMELINESS_TEXT, shown_dues
from onewindow.cases.levels import live_level
from onewindow.cases.materials import how_obtained, terms_of
from onewindow.cases.models import Case, CaseEvent, CaseTask
from onewindow.cases.receiving import files_as_agent
from onewindow.cases.rules import ID_TYPE_LABELS, MaterialState, visit_overrun
from onewindow.cases.states import STATUS_LABELS, TERMINAL, Status
from onewindow.cases.timeline import event_details
from onewindow.catalog.rules import DELIVERY_METHOD_LABELS
from onewindow.catalog.selectors import version_parts
from onewindow.core import filecrypt
from onewindow.core.errors import DomainError, NotFound
from onewindow.core.identity import mask_id, mask_name, mask_phone
from onewindow.core.paging import list_page
from onewindow.core.timesource import local_date
from onewindow.core.uploads import check_file, max_upload_bytes, stored_file_response
from onewindow.online import selectors as online_selectors
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import can, roles_of, staff_of
from onewindow.organization.rules import Role

from . import excel, forms, selectors, services
from .case_actions import Withheld, action_forms, action_label, form_key
from .models import IdView

log = logging.getLogger("onewindow.workbench")


# --- shared ------------------------------------------------------------------------------------------


def _not_staff(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/not_staff.html", status=403)


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "workbench/forbidden.html", {"reason": reason}, status=403)


def _case_or_404(staff: Staff, number: str) -> Case:
    try:
        return case_selectors.case_for(staff, number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _applicant_shown(case: Case) -> str:
    """A person's name masked in lists (张**); a company's name is public anyway."""
    return mask_name(case.applicant_name) if case.applicant_kind == Case.ApplicantKind.PERSON else case.applicant_name


# --- intake ------------------------------------------------------------------------------------------


def _visit_warning(item: Any) -> str:
    """An item promising no visit (fully online): taking it in at the window passes the promise."""
    return visit_overrun(visits=0, max_visits=item.current_version.max_visits) if item is not None else ""


def _intake_context(staff: Staff, form: forms.IntakeForm, item: Any, *, q: str = "") -> dict[str, Any]:
    windows = selectors.intake_windows(staff)
    return {
        "form": form, "item": item, "q": q, "windows": windows, "visit_warning": _visit_warning(item),
        "results": selectors.intake_items(staff, q) if q else None,
        "id_types": forms.id_type_choices(), "states": forms.material_state_labels(),
        "max_upload_mb": _mb(), "kinds": Case.ApplicantKind.choices, "files_as_agent": files_as_agent(staff),
    }


def _mb() -> int:
    return max(1, max_upload_bytes() // (1024 * 1024))


def _channel(staff: Staff) -> str:
    """A proxy agent files on a villager's behalf (代办); everyone else at a window."""
    roles = roles_of(staff)
    return Case.Channel.PROXY if Role.PROXY_AGENT in roles and Role.CLERK not in roles else Case.Channel.WINDOW


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """收件: find the item, tick its checklist (with scans), enter the applicant, submit."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    if not selectors.may_take_in(staff):
        return _forbidden(request, _("Only window clerks and proxy agents take in applications."))
    if request.method == "GET":
        item = selectors.intake_item(staff, request.GET.get("item", ""))
        form = forms.blank_intake(item)
        context = _intake_context(staff, form, item, q=request.GET.get("q", "").strip())
        if len(context["windows"]) == 1:  # the usual case: one clerk, one window
            form.values["window_number"] = context["windows"][0].number
        return render(request, "workbench/intake.html", context)

    item = selectors.intake_item(staff, request.POST.get("item_code", ""))
    form = forms.read_intake(request.POST, request.FILES, item)
    windows = selectors.intake_windows(staff)
    if windows and form.values.get("window_number") not in {w.number for w in windows}:
        form.add_error("window_number", _("Choose the receiving window."))
    # Every file is checked before the case exists: a refused scan leaves nothing behind.
    scans = forms.read_scans(form, request.FILES)
    authorization = forms.read_authorization(form, request.POST, request.FILES, scans) if files_as_agent(
        staff) else None
    if not form.has_errors and item is not None:
        try:
            case = services.intake_submit(
                actor=staff, item_code=item.implementation_code, applicant=forms.applicant_of(form),
                materials=forms.checklist_of(form), window_number=form.values.get("window_number") or None,
                is_urgent=bool(form.values.get("is_urgent")), scans=scans, channel=_channel(staff),
                authorization=authorization)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("Case %(number)s received.") % {"number": case.number})
            return redirect("workbench:case", number=case.number)
    return render(request, "workbench/intake.html", _intake_context(staff, form, item), status=400)


@login_required
@require_GET
def intake_items(request: HttpRequest) -> HttpResponse:
    """The live search results of the intake page (htmx): items this clerk may take in."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    if not selectors.may_take_in(staff):
        return _forbidden(request, _("Only window clerks and proxy agents take in applications."))
    q = request.GET.get("q", "").strip()
    return render(request, "workbench/_item_results.html",
                  {"q": q, "results": selectors.intake_items(staff, q) if q else None})


@login_required
@require_GET
def intake_checklist(request: HttpRequest) -> HttpResponse:
    """The chosen item's checklist (htmx), swapped into the intake form."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    if not selectors.may_take_in(staff):
        return _forbidden(request, _("Only window clerks and proxy agents take in applications."))
    item = selectors.intake_item(staff, request.GET.get("item", ""))
    return render(request, "workbench/_checklist.html",
                  {"item": item, "form": forms.blank_intake(item), "states": forms.material_state_labels(),
                   "visit_warning": _visit_warning(item),
                   "max_upload_mb": _mb(), "asked": request.GET.get("item", "")})


# --- the case page -----------------------------------------------------------------------------------


@dataclass
class Due:
    name: str
    label: str
    day: date
    lines: list[str] = field(default_factory=list)
    ended: str = ""  # how and when the date ended; empty while it runs


def _due_label(name: str) -> str:
    return {"acceptance_due": _("Acceptance decision due"), "supplement_request_due": _("Supplement notice due"),
            "promised_due": _("Promised due"), "statutory_due": _("Statutory due"),
            "certificate_due": _("Certificate due")}[name]


def _dues(view: case_selectors.CaseView) -> list[Due]:
    """The due dates that still run, or for a closed case the dates as they ended, each with its
    explanation, for "why is this my deadline?"."""
    lang = "en" if (get_language() or "").startswith("en") else "zh"
    case = view.case
    closed_on = local_date(case.concluded_at) if case.concluded_at else None
    out = []
    for due in shown_dues(view.clock, instant=case.item_version.handling_type == "instant", closed_on=closed_on):
        lines = view.explanations.get(due.name, {}).get("text", {}).get(lang, [])
        ended = ""
        if not due.running:
            ended = _(ENDED_TEXT[due.ended_by]) % {"day": due.ended_on.isoformat() if due.ended_on else "—"}
            if due.timeliness is not None:
                ended += _("（%(timeliness)s）") % {"timeliness": _(TIMELINESS_TEXT[due.timeliness])}
        out.append(Due(name=due.name, label=_due_label(due.name), day=due.day, lines=list(lines), ended=ended))
    return out


def _warning_label(level: str) -> str:
    return {"normal": _("normal"), "yellow": _("yellow warning"), "red": _("red warning: overdue"),
            "statutory_breach": _("statutory limit breached")}.get(level, level)


@dataclass
class TimelineRow:
    seq: int
    kind: str
    label: str
    at: Any
    actor: str
    details: list[tuple[str, str]]




def _timeline(events: list[CaseEvent], item_type: str) -> list[TimelineRow]:
    return [TimelineRow(seq=e.seq, kind=e.kind, label=case_selectors.event_label(e.kind), at=e.at,
                        actor=e.actor_label or (e.actor.name if e.actor else _("system")),
                        details=event_details(e, item_type))
            for e in events]


def _material_rows(case: Case, history: list[CaseEvent]) -> tuple[list[dict[str, Any]], list[Any]]:
    scans = selectors.scans_of(case)
    labels = forms.material_state_labels()
    # A material the department obtains itself is never missing, whatever an older checklist said.
    obtained = {t.name: how_obtained(t.provision) for t in terms_of(case) if not t.from_applicant}
    rows = []
    for m in case_selectors.materials_of(case, history):
        state = m.get("state", "")
        rows.append({**m, "state_label": obtained.get(m["name"]) or labels.get(state, state),
                     "received": m["name"] in obtained or state == MaterialState.RECEIVED,
                     "scans": [s for s in scans if s.material == m["name"]]})
    listed = {r["name"] for r in rows}
    return rows, [s for s in scans if s.material not in listed]


def _online_form(case: Case) -> list[tuple[str, str]]:
    """The online form's own fields (contact, delivery, address, note) as labelled lines."""
    if case.channel != Case.Channel.ONLINE:
        return []
    labels = {"contact_phone": _("Contact phone"), "delivery_method": _("Delivery"), "address": _("Address"),
              "note": _("Note")}
    data = online_selectors.online_form_of(case)
    if data.get("delivery_method"):
        data["delivery_method"] = DELIVERY_METHOD_LABELS.get(data["delivery_method"], data["delivery_method"])
    # The contact phone typed online is masked like the applicant's own (the full one: the reveal).
    return [(labels[k], masked_text(str(data[k])) if k == "contact_phone" else str(data[k]))
            for k in labels if data.get(k)]


def _render_case(request: HttpRequest, staff: Staff, case: Case, *, status: int = 200, failed: str | None = None,
                 error: DomainError | None = None, full_ids: dict[str, str] | None = None,
                 upload_error: str = "") -> HttpResponse:
    view = case_selectors.case_view(case)
    withheld: list[Withheld] = []
    action_list = action_forms(case, staff, view, failed=failed, posted=request.POST if failed else None,
                               error=(error.field, error.message, error.code) if error is not None else None,
                               withheld=withheld)
    failed_form = next((f for f in action_list if f.key == failed), None)
    materials, other_scans = _material_rows(case, view.history)
    documents = list(case.documents.order_by("event_seq", "id"))
    version = case.item_version
    context = {
        "case": case, "version": version, "view": view, "clock": view.clock, "dues": _dues(view),
        "closed": Status(case.status) in TERMINAL,
        "level": (level := str(live_level(case, local_date()))), "warning_label": _warning_label(level),
        "status_label": _(STATUS_LABELS[Status(case.status)]), "tasks": view.tasks,
        "co_handlers": case_selectors.co_handler_rows(view),
        "signatures": selectors.first_signatures(case, view.history),
        "materials": materials, "other_scans": other_scans,
        # What the applicant uploaded and filled in online (one history, whatever the channel).
        "online_uploads": online_selectors.case_uploads(case) if case.channel == Case.Channel.ONLINE else [],
        "online_form": _online_form(case),
        "documents": documents,
        # 收件回执: offered first while the case waits for its acceptance decision.
        "receipt": next((d for d in documents if d.kind == "intake_receipt"), None)
        if Status(case.status) in (Status.SUBMITTED, Status.AWAITING_SUPPLEMENT) else None,
        "timeline": _timeline(view.events, version.item_type),
        "forms": action_list, "failed": failed, "withheld": withheld,
        "page_error": (failed_form.shown_error if failed_form is not None else error.message) if error else "",
        "failed_form_shown": failed_form is not None,
        "id_type_label": ID_TYPE_LABELS.get(case.applicant_id_type, case.applicant_id_type),
        "masked_id": mask_id(case.applicant_id_number),
        "masked_agent_id": mask_id(case.agent_id_number) if case.agent_id_number else "",
        # A full ID number only right after its view was logged (case_full_id), never on a GET.
        "full_id": (full_ids or {}).get(IdView.Field.APPLICANT), "full_agent_id": (full_ids or {}).get(IdView.Field.AGENT),
        "full_phone": (full_ids or {}).get(IdView.Field.PHONE), "masked_phone": mask_phone(case.applicant_phone or ""),
        # The reveal buttons only for those who may (clerk, reviewer, chief); the reasons they choose from.
        "may_reveal": services.may_see_full_values(staff, case), "reveal_reasons": IdView.Reason.choices,
        "can_upload": can(staff, Perm.CASE_SUBMIT, region=case.region, department=case.department,
                          item=case.item) and Status(case.status) not in (Status.CONCLUDED, Status.REFUSED,
                                                                           Status.WITHDRAWN),
        "upload_error": upload_error, "max_upload_mb": _mb(),
        "material_names": [name for name, _required in version_parts(version.pk).materials],
    }
    return render(request, "workbench/case.html", context, status=status)


@login_required
@require_GET
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    """One case: header, clock with explanations, stages, materials, documents, timeline, and the
    action forms this user may use now."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    return _render_case(request, staff, _case_or_404(staff, number))


@login_required
@require_POST
def case_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Run one action from its form; POST-redirect-GET on success, the page again on a refusal."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    case = _case_or_404(staff, number)
    if action not in ACTIONS:
        raise Http404("unknown action")
    key = form_key(action, request.POST)
    try:
        perform(action, case_id=case.id, actor=staff, params=forms.action_params(action, request.POST),
                expected_version=forms.expected_version(request.POST))
    except DomainError as exc:
        # Show the case as it is now (after a conflict: what the other clerk did), with the input kept.
        return _render_case(request, staff, _case_or_404(staff, number), status=exc.status, failed=key, error=exc)
    messages.success(request, _("Saved: %(action)s.") % {"action": action_label(action)})
    if request.POST.get("next") == "inbox":
        return redirect("workbench:inbox")
    return redirect("workbench:case", number=case.number)


@login_required
@require_POST
def case_full_id(request: HttpRequest, number: str) -> HttpResponse:
    """Show a full ID number or phone after logging who asks and why (DESIGN.md §6); only the
    roles that handle cases may (403 for the others)."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    case = _case_or_404(staff, number)
    which = request.POST.get("field", IdView.Field.APPLICANT)
    try:
        services.id_view_record(case=case, actor=staff, field=which, reason=request.POST.get("reason", ""),
                                remote_addr=request.META.get("REMOTE_ADDR"))
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    value = {IdView.Field.AGENT: case.agent_id_number, IdView.Field.PHONE: case.applicant_phone}.get(
        which, case.applicant_id_number)
    if request.htmx:
        response = render(request, "workbench/_full_id.html", {"value": value, "which": which})
    else:
        response = _render_case(request, staff, case, full_ids={which: value})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def case_scan_add(request: HttpRequest, number: str) -> HttpResponse:
    """Add a scan to a case (a material brought later)."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    case = _case_or_404(staff, number)
    material = request.POST.get("material", "").strip()
    upload = request.FILES.get("file")
    if material not in case.item_version.materials.values_list("name", flat=True):
        return _render_case(request, staff, case, status=400,
                            upload_error=_("Choose the material this scan belongs to."))
    if upload is None:
        return _render_case(request, staff, case, status=400, upload_error=_("Choose the file to upload."))
    try:
        services.scans_add(case_id=case.id, actor=staff, scans=[check_file(upload, material=material, field="file")])
    except DomainError as exc:
        return _render_case(request, staff, case, status=exc.status, upload_error=exc.message)
    messages.success(request, _("Scan stored."))
    return redirect("workbench:case", number=case.number)


@login_required
@require_GET
def case_scan(request: HttpRequest, number: str, scan_id: int) -> HttpResponse:
    """A stored scan, to staff who may see its case; a changed file on disk is never handed out."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    try:
        scan = selectors.scan_for(staff, number, scan_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        data = filecrypt.read(scan.file_path)
        if hashlib.sha256(data).hexdigest() != scan.sha256:
            log.error("stored scan %s of case %s does not match its hash", scan.pk, number)
            raise filecrypt.StoredFileRefused(scan.file_path)
    except OSError:
        raise Http404("扫描件文件不存在或已丢失") from None
    except filecrypt.StoredFileRefused as exc:
        return filecrypt.refused_response(exc)
    return stored_file_response(data, content_type=scan.content_type,
                                name=f"{scan.material}.{scan.file_path.rsplit('.', 1)[-1]}")


# --- inbox -------------------------------------------------------------------------------------------


@dataclass
class InboxRow:
    case: Case
    applicant: str
    applicant_id: str
    due: date | None
    warning: str
    task: CaseTask | None = None
    claimable: bool = False


@dataclass
class InboxSection:
    key: str
    title: str
    due_label: str
    rows: list[InboxRow]


def _row(case: Case, due: date | None, today: date, task: CaseTask | None = None, claimable: bool = False) -> InboxRow:
    warning = str(live_level(case, today))  # the case's one level, as its page shows it
    return InboxRow(case=case, applicant=_applicant_shown(case), applicant_id=mask_id(case.applicant_id_number),
                    due=due, warning=warning, task=task, claimable=claimable)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """What waits for me, section by section, oldest due first; with a search by case number."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    if not roles_of(staff) & selectors.INBOX_ROLES:
        return _forbidden(request, _("The inbox is for clerks, reviewers, chief representatives and proxy agents."))
    number = request.GET.get("number", "").strip()
    search_error = ""
    if number:
        try:
            found = case_selectors.case_for(staff, number)
        except NotFound as exc:
            search_error = exc.message
        else:
            return redirect("workbench:case", number=found.number)
    box = case_selectors.inbox(staff)
    today = local_date()
    tasks = [_row(t.case, t.due_on, today, task=t,
                  claimable=t.assignee_id != staff.id and (t.assignee is None or selectors.is_backup_of(staff, t.assignee)))
             for t in box.tasks]
    sections = [
        InboxSection("to_accept", _("To accept"), _("Acceptance due"),
                     [_row(c, c.acceptance_due, today) for c in box.to_accept]),
        # 行政许可法 第三十二条: a required material is missing, so the one-time notice is due, not acceptance.
        InboxSection("to_notify", "缺少必要材料，待一次性告知补正", _("Acceptance due"),
                     [_row(c, c.acceptance_due, today) for c in box.to_notify]),
        InboxSection("awaiting_supplement", "待申请人补正", _("Acceptance due"),
                     [_row(c, c.acceptance_due, today) for c in box.awaiting_supplement]),
        InboxSection("to_refer", "代收件：待初审上报（或已退回）", "上报期限",
                     [_row(c, c.forward_due, today) for c in box.to_refer]),
        InboxSection("referrals", "上报件：待接收", "接收期限",
                     [_row(c, c.pickup_due, today) for c in box.referrals]),
        InboxSection("awaiting_acceptance", "已收件，待有受理权限的人员受理", _("Acceptance due"),
                     [_row(c, c.acceptance_due, today) for c in box.awaiting_acceptance]),
        InboxSection("tasks", _("Review stages"), _("Stage due"), tasks),
        InboxSection("to_decide", _("To decide"), _("Promised due"),
                     [_row(c, c.promised_due, today) for c in box.to_decide]),
        InboxSection("extension_requests", _("Extension requests"), _("Statutory due"),
                     [_row(c, c.statutory_due, today) for c in box.extension_requests]),
        InboxSection("to_issue", _("To issue"), _("Certificate due"),
                     [_row(c, c.issuance_due, today) for c in box.to_issue]),
        InboxSection("to_deliver", _("To deliver"), _("Certificate due"),
                     [_row(c, c.issuance_due, today) for c in box.to_deliver]),
        InboxSection("bundle_to_deliver", "一件事：结果已制发，在一件事申请页面统一送达", _("Certificate due"),
                     [_row(c, c.issuance_due, today) for c in box.bundle_to_deliver]),
    ]
    return render(request, "workbench/inbox.html", {
        "sections": sections, "total": box.total, "number": number, "search_error": search_error, "today": today,
        "me": staff,
    }, status=404 if search_error else 200)


# --- ledger and register -----------------------------------------------------------------------------


def _parse_day(raw: str | None, default: date) -> date:
    """A ``YYYY-MM-DD`` query value, ``default`` when empty; ValueError when malformed."""
    return date.fromisoformat(raw.strip()) if raw and raw.strip() else default


def _filters(request: HttpRequest, staff: Staff) -> tuple[dict[str, Any], dict[str, str]]:
    """The window and department filters, each checked against what the user may see."""
    windows = selectors.ledger_windows(staff)
    departments = selectors.ledger_departments(staff)
    chosen: dict[str, Any] = {"window": None, "department": None, "windows": windows, "departments": departments,
                              "window_raw": request.GET.get("window", ""),
                              "department_raw": request.GET.get("department", "")}
    errors: dict[str, str] = {}
    for name, options in (("window", windows), ("department", departments)):
        raw = chosen[f"{name}_raw"].strip()
        if not raw:
            continue
        match = next((o for o in options if str(o.id) == raw), None)
        if match is None:
            errors[name] = _("Choose one from the list.")
        else:
            chosen[name] = match
    return chosen, errors


def _query_url(request: HttpRequest, **values: str | None) -> str:
    """This page's address with ``values`` set in its query (``None`` removes one)."""
    query = request.GET.copy()
    for key, value in values.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return f"{request.path}?{query.urlencode()}"


def _export_url(request: HttpRequest) -> str:
    """The export shows exactly what the page shows, every page of it."""
    return _query_url(request, page=None, format="xlsx")


# The ledger's page: a screenful or two; the summary above it counts the whole day.
LEDGER_PAGE_SIZE = 50


def _ledger_staff(request: HttpRequest) -> tuple[Staff | None, HttpResponse | None]:
    staff = staff_of(request.user)
    if staff is None:
        return None, _not_staff(request)
    if not roles_of(staff) & selectors.LEDGER_ROLES:
        return None, _forbidden(request, _("The ledger and the register are for clerks, reviewers, "
                                           "chief representatives and center administrators."))
    return staff, None


@login_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    """台帐: every case handled on a day, optionally at one window or for one department."""
    staff, refused = _ledger_staff(request)
    if refused is not None:
        return refused
    assert staff is not None
    filters, errors = _filters(request, staff)
    today = local_date()
    day = today
    try:
        day = _parse_day(request.GET.get("day"), today)
    except ValueError:
        errors["day"] = _("Enter the day as YYYY-MM-DD.")
    of_day = case_selectors.LedgerDay({}) if errors else case_selectors.ledger_day(
        staff, day, window_id=filters["window"].id if filters["window"] else None,
        department_id=filters["department"].id if filters["department"] else None)
    if not errors and request.GET.get("format") == "xlsx":
        lines = case_selectors.ledger_lines(of_day, list(of_day.done))
        data = excel.workbook(f"台帐 {day.isoformat()}", excel.LEDGER_COLUMNS, lines)
        return excel.xlsx_response(data, f"台帐-{day.isoformat()}.xlsx")
    # A busy county's day runs to hundreds of cases: the summary counts them all, the page reads
    # the rows of its own lines only (the export above has every line).
    page = list_page(Paginator(list(of_day.done), LEDGER_PAGE_SIZE).get_page(request.GET.get("page")),
                     lambda number: _query_url(request, page=str(number)))
    return render(request, "workbench/ledger.html", {
        **filters, "day": request.GET.get("day", day.isoformat()), "errors": errors,
        "lines": case_selectors.ledger_lines(of_day, page.page.object_list), "list": page,
        "total": len(of_day.done), "summary": of_day.summary(), "export_url": _export_url(request),
    }, status=400 if errors else 200)


# The register answers for a period; a year is plenty, and keeps one export to a sane size.
REGISTER_MAX_DAYS = 366


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """受理登记册: every case received in a period."""
    staff, refused = _ledger_staff(request)
    if refused is not None:
        return refused
    assert staff is not None
    filters, errors = _filters(request, staff)
    today = local_date()
    first, last = today.replace(day=1), today
    try:
        first = _parse_day(request.GET.get("from"), first)
    except ValueError:
        errors["from"] = _("Enter the day as YYYY-MM-DD.")
    try:
        last = _parse_day(request.GET.get("to"), last)
    except ValueError:
        errors["to"] = _("Enter the day as YYYY-MM-DD.")
    if not errors and first > last:
        errors["to"] = _("The last day is before the first.")
    if not errors and last - first > timedelta(days=REGISTER_MAX_DAYS):
        errors["to"] = _("Choose at most %(days)s days.") % {"days": REGISTER_MAX_DAYS}
    lines = [] if errors else case_selectors.intake_register(
        staff, first, last, window_id=filters["window"].id if filters["window"] else None,
        department_id=filters["department"].id if filters["department"] else None)
    if not errors and request.GET.get("format") == "xlsx":
        title = f"受理登记册 {first.isoformat()}至{last.isoformat()}"
        return excel.xlsx_response(excel.workbook(title, excel.REGISTER_COLUMNS, lines),
                                   f"受理登记册-{first.isoformat()}-{last.isoformat()}.xlsx")
    return render(request, "workbench/register.html", {
        **filters, "first": request.GET.get("from", first.isoformat()), "last": request.GET.get("to", last.isoformat()),
        "lines": lines, "errors": errors, "export_url": _export_url(request),
    }, status=400 if errors else 200)


_DUE_LABELS = {"acceptance_due": "受理决定期限", "promised_due": "承诺期限", "statutory_due": "法定期限",
               "issuance_due": "制证期限", "yellow_from": "黄牌预警起始日"}


@login_required
@require_GET
def retimed(request: HttpRequest) -> HttpResponse:
    """期限重算: the open cases whose due dates a calendar change moved, with the old and new dates."""
    staff = staff_of(request.user)
    if staff is None:
        return render(request, "workbench/not_staff.html", status=403)
    raw = (request.GET.get("change") or "").strip()
    change = int(raw) if raw.isdigit() else None
    rows = [(r, [(_DUE_LABELS.get(name, name), d.get("old"), d.get("new")) for name, d in r.moved.items()])
            for r in case_selectors.retimed_cases(staff, change=change)]
    return render(request, "workbench/retimed.html", {"rows": rows, "change": change})
