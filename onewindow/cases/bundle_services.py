"""Every write of a one-thing bundle application (一件事一次办): apply, the acceptance review of
its children, the one supplement, the one delivery.

The parent never copies the case engine: each child is a case of its own, received by
:func:`onewindow.cases.services.case_submit` and moved by the case services, with its own clock,
department and certificate; the parent follows through :mod:`.bundle_sync`. Each function runs in
one transaction: a refusal of any child leaves nothing of the whole action behind. An action on
several children locks them all first, then acts on each (whose own transition locks the parent
after it), so locks are always taken children first, parent last.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.core.sequences import next_value
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Staff, Window

from . import bundle_rules as rules
from . import bundle_selectors as selectors
from . import services as case_services
from .bundle_rules import BUNDLE_TABLE, BundleAction, BundleStatus
from .bundle_sync import EventKindBundle, parent_event
from .events import EventKind
from .lengths import APPLICANT_MAX_LENGTHS
from .models import BundleApplication, BundleNumberSequence, Case, CaseEvent
from .rules import Applicant, MaterialCheck, check_applicant
from .states import Status

_QUERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # as a case's: no 0/O, 1/I


class BundleInputError(DomainError):
    """The application does not fit the bundle (situations, the material set): 422, field named."""

    status = 422


def _raise_first(problems: list[Any], error: type[DomainError] = BundleInputError) -> None:
    if problems:
        first = problems[0]
        raise error(first.code, first.message, field=first.field)


def _number(app_region: Any, year: int) -> str:
    """region prefix - year - Y and a five-digit sequence: told apart from a case number at a glance."""
    last = next_value(BundleNumberSequence, {"region_id": app_region.pk, "year": year})
    return f"{app_region.prefix}-{year}-Y{last:05d}"


def bundle_apply(*, actor: Staff | None, bundle_code: str, applicant: Applicant, situations: list[str],
                 materials: list[MaterialCheck], channel: str = Case.Channel.WINDOW, window_number: str | None = None,
                 at: datetime | None = None, applicant_account: Any = None,
                 form_token: uuid.UUID | None = None) -> BundleApplication:
    """申请一件事: one form, one material set, the situations chosen; one parent application and one
    child case per item that applies, each received by the case engine (its own clock, department,
    certificate). At a window the actor is the clerk (or proxy agent); online the actor is None and
    ``applicant_account`` the applicant's login (``form_token``: the same form twice makes one).

    Refusals name the field: 404 ``bundle.not_found``; 422 ``bundle.situation_unknown``,
    ``bundle.no_items``, ``bundle.material_required`` (a required material the checklist does not
    list) and the checklist's own problems; then whatever a child's submission refuses (the
    applicant's ID, the window, the permission for each item).
    """
    at = at or current_time()
    if actor is None and (applicant_account is None or channel != Case.Channel.ONLINE):
        raise PermissionDenied("网上申请须由申请人本人登录提交", code="forbidden.case.submit")
    if channel not in Case.Channel.values or channel == Case.Channel.IMPORT:
        raise DomainError("case.channel_invalid", "申请渠道无效", field="channel")
    if form_token is not None and applicant_account is not None:
        done = BundleApplication.objects.filter(form_token=form_token, applicant_account=applicant_account).first()
        if done is not None:
            return done
    bundle = selectors.bundle_by_code(bundle_code)
    entries = selectors.bundle_entries(bundle)
    chosen, problems = rules.choose(entries, [str(s) for s in situations])
    _raise_first(problems)
    merged = rules.merge_materials(chosen)
    checklists, problems = rules.split_checklist(chosen, merged, materials)
    _raise_first(problems)
    _raise_first(check_applicant(applicant, max_lengths=APPLICANT_MAX_LENGTHS), DomainError)
    window = None
    if window_number:
        window = Window.objects.filter(region=bundle.region, number=str(window_number)).first()
        if window is None:
            raise NotFound(f"窗口 {window_number} 不存在", code="window.not_found", field="window_number")
    with transaction.atomic():
        app = BundleApplication(
            number=_number(bundle.region, local_date(at).year),
            query_code="".join(secrets.choice(_QUERY_ALPHABET) for _ in range(8)),
            bundle=bundle, region=bundle.region, lead_department=bundle.lead_department, window=window,
            channel=channel, applicant_kind=applicant.kind, applicant_name=applicant.name.strip(),
            applicant_account=applicant_account, form_token=form_token,
            situations=[s.strip() for s in situations], materials=[asdict(m) for m in materials],
            status=BUNDLE_TABLE.next_state(BundleAction.APPLY, None), submitted_at=at)
        app.save(force_insert=True)
        children = [case_services.case_submit(
            actor=actor, item_code=entry.code, applicant=applicant, materials=checklists[entry.code], channel=channel,
            window_number=window_number, at=at, applicant_account=applicant_account, bundle_application=app)
            for entry in chosen]
        app.child_statuses = {c.number: c.status for c in children}
        parent_event(app, EventKindBundle.APPLIED, at=at, actor=actor,
                     actor_label="" if actor else f"申请人 {app.applicant_name}", payload={
            "bundle": bundle.code, "name": bundle.name, "channel": channel, "window": window_number,
            "situations": app.situations, "materials": app.materials,
            "children": [{"case": c.number, "item_code": c.item.implementation_code, "item": c.item_version.name,
                          "department": c.department.name} for c in children]})
        app.save()
    return app


@dataclass(frozen=True)
class ChildDecision:
    """The acceptance decision on one child in the bundle's review: ``accept``, or
    ``request_supplement`` with the missing ``materials``."""

    case_number: str
    action: str
    materials: tuple[str, ...] = ()
    note: str = ""


REVIEW_ACTIONS = ("accept", "request_supplement")


def _child(app: BundleApplication, number: str, where: str) -> Case:
    found = app.children.filter(number=str(number).strip()).first()
    if found is None:
        raise DomainError("bundle.case_unknown", f"办件“{number}”不属于一件事申请{app.number}", field=where)
    return found


def _named(exc: DomainError, case: Case, where: str) -> DomainError:
    """A child's refusal, said of that child (which of the items refused, and why)."""
    named = type(exc).__new__(type(exc))
    DomainError.__init__(named, exc.code, f"{case.number}（{case.item_version.name}）：{exc.message}",
                         field=f"{where}.{exc.field}" if exc.field else where)
    return named


def _lock_children(app: BundleApplication) -> None:
    """Lock every child, in id order, before any child action: each child action then locks the
    parent after its child, so the parent is always locked after the children it follows — never
    a circle with a single child's action waiting on the parent."""
    list(Case.objects.select_for_update().filter(bundle_application=app).order_by("pk").values_list("pk", flat=True))


def _application(application_id: int) -> BundleApplication:
    app = BundleApplication.objects.select_related("bundle", "region", "lead_department").filter(
        pk=application_id).first()
    if app is None:
        raise NotFound("一件事申请不存在", code="bundle_application.not_found", field="number")
    return app


def bundle_review(*, application_id: int, actor: Staff, decisions: list[ChildDecision],
                  at: datetime | None = None) -> BundleApplication:
    """受理审查 at the lead window: the acceptance decision on several children at once, each by
    its own case service (and permission). The supplements asked here come out as one combined
    notice once no child awaits its acceptance decision any more (``bundle_sync``)."""
    at = at or current_time()
    app = _application(application_id)
    if not decisions:
        raise DomainError("bundle.decisions_required", "请至少对一个子办件作出受理或补正决定", field="decisions")
    with transaction.atomic():
        _lock_children(app)
        for i, d in enumerate(decisions):
            where = f"decisions[{i}]"
            if d.action not in REVIEW_ACTIONS:
                raise DomainError("bundle.review_action_invalid", "受理审查的决定须为受理（accept）或一次性告知补正"
                                  "（request_supplement）", field=f"{where}.action")
            child = _child(app, d.case_number, f"{where}.case")
            try:
                if d.action == "accept":
                    case_services.case_accept(case_id=child.pk, actor=actor, at=at, note=d.note)
                else:
                    case_services.case_request_supplement(case_id=child.pk, actor=actor, materials=list(d.materials),
                                                          note=d.note, at=at)
            except DomainError as exc:
                raise _named(exc, child, where) from exc
    return _application(application_id)


def _requested(case: Case) -> list[str]:
    event = CaseEvent.objects.filter(case=case, kind=EventKind.SUPPLEMENT_REQUESTED).order_by("-seq").first()
    return list(event.payload.get("materials", [])) if event is not None else []


def bundle_supplement(*, application_id: int, actor: Staff | None, materials: list[str], at_window: bool = True,
                      applicant: Any = None, at: datetime | None = None) -> BundleApplication:
    """补正 for the bundle: the applicant hands in what the combined notice lists, each material
    once; every waiting child records its own supplement (a new acceptance window starts for each).
    Everything the notice lists is required, and nothing it does not list is taken. Online the
    actor is None and ``applicant`` the applicant's login (the children's own check)."""
    at = at or current_time()
    app = _application(application_id)
    if not BUNDLE_TABLE.allows(BundleAction.SUPPLEMENTED, BundleStatus(app.status)):
        raise DomainError("bundle.transition_refused.supplement", BUNDLE_TABLE.refusal(
            BundleAction.SUPPLEMENTED, BundleStatus(app.status)), field="action")
    given = [m.strip() for m in materials if m.strip()]
    waiting = list(app.children.filter(status=Status.AWAITING_SUPPLEMENT).select_related("item_version")
                   .order_by("pk"))
    listed = {c.pk: _requested(c) for c in waiting}
    asked = {rules.material_key(n) for names in listed.values() for n in names}
    for name in given:
        if rules.material_key(name) not in asked:
            raise DomainError("supplement.material_unlisted", f"“{name}”不在补正告知书所列的材料中", field="materials")
    lacking = [n for c in waiting for n in rules.supplement_for(listed[c.pk], given)[1]]
    if lacking:
        raise DomainError("bundle.supplement_incomplete",
                          f"补正告知书所列材料须一次补齐，尚缺：{'、'.join(dict.fromkeys(lacking))}", field="materials")
    with transaction.atomic():
        _lock_children(app)
        for child in waiting:
            try:
                case_services.case_supplement(case_id=child.pk, actor=actor, materials=listed[child.pk], at=at,
                                              at_window=at_window, applicant=applicant)
            except DomainError as exc:
                raise _named(exc, child, "materials") from exc
    return _application(application_id)


def bundle_deliver(*, application_id: int, actor: Staff, method: str, tracking_number: str = "", note: str = "",
                   at: datetime | None = None) -> BundleApplication:
    """统一送达: every child's result at once, once all are ready; each child records the delivery
    (with the application's number) and concludes, and with the last one the application."""
    at = at or current_time()
    app = _application(application_id)
    if not BUNDLE_TABLE.allows(BundleAction.DELIVER, BundleStatus(app.status)):
        raise DomainError("bundle.transition_refused.deliver",
                          "一件事申请的各项办理结果尚未全部制发，不能统一送达（"
                          + BUNDLE_TABLE.refusal(BundleAction.DELIVER, BundleStatus(app.status)) + "）",
                          field="action")
    ready = list(app.children.filter(status=Status.CERTIFICATE_ISSUED).select_related("item_version").order_by("pk"))
    with transaction.atomic():
        _lock_children(app)
        for child in ready:
            try:
                case_services.case_deliver(case_id=child.pk, actor=actor, method=method,
                                           tracking_number=tracking_number, note=note or "一件事统一送达", at=at,
                                           bundle=app.number)
            except DomainError as exc:
                raise _named(exc, child, "action") from exc
    return _application(application_id)
