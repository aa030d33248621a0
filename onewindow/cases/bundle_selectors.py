"""Reads of one-thing bundles (一件事): a bundle's items, situations and one material set as an
application needs them; who may see which application; one application with its children,
history and combined supplement notices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from onewindow.catalog.models import Bundle, BundleItem, Material
from onewindow.catalog.rules import MaterialProvision
from onewindow.core.errors import NotFound
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action, can, region_q

from . import bundle_rules as rules
from .bundle_rules import BUNDLE_STATUS_LABELS, BundleStatus, Entry, EntryMaterial, MergedMaterial
from .bundle_sync import BUNDLE_EVENT_LABELS, EventKindBundle
from .events import EventKind
from .models import BundleApplication, BundleApplicationEvent, Case, CaseEvent, CaseTask
from .selectors import can_view_case
from .states import STATUS_LABELS, Status

# -- a bundle and its one material set ----------------------------------------------------------------


def bundle_by_code(code: str) -> Bundle:
    """The bundle of this code, with its region and lead department; 404 ``bundle.not_found``."""
    bundle = Bundle.objects.select_related("region", "lead_department").filter(code=str(code).strip()).first()
    if bundle is None:
        raise NotFound(f"未找到编码为“{code}”的一件事", code="bundle.not_found", field="code")
    return bundle


def bundle_entries(bundle: Bundle) -> list[Entry]:
    """The bundle's published items in order, each with its situation and its current version's
    materials (a withdrawn or unpublished item is not offered)."""
    materials = Prefetch("item__current_version__materials", queryset=Material.objects.order_by("order"))
    rows = (BundleItem.objects.filter(bundle=bundle, item__is_active=True, item__current_version__isnull=False)
            .select_related("item__current_version", "item__department").prefetch_related(materials)
            .order_by("order"))
    return [Entry(code=row.item.implementation_code, name=row.item.current_version.name,
                  department=row.item.department.name, situation=row.situation.strip(),
                  materials=tuple(EntryMaterial(m.name, m.required, m.provision == MaterialProvision.APPLICANT,
                                                m.instructions)
                                  for m in row.item.current_version.materials.all()))
            for row in rows]


@dataclass
class BundleGuide:
    """What an application form shows: every item with its situation, the situations to choose
    from, the items that apply under the chosen ones, and their one material set."""

    bundle: Bundle
    entries: list[Entry]
    situations: list[str]
    chosen_situations: list[str]
    chosen: list[Entry]
    materials: list[MergedMaterial]
    problems: list[Any] = field(default_factory=list)

    @property
    def departments(self) -> list[str]:
        out = [self.bundle.lead_department.name]
        for e in self.chosen:
            if e.department not in out:
                out.append(e.department)
        return out

    def item_names(self, material: MergedMaterial) -> list[str]:
        names = {e.code: e.name for e in self.chosen}
        return [names[c] for c in material.item_codes if c in names]


def bundle_guide(code: str, situations: list[str] | None = None) -> BundleGuide:
    """The form of the bundle ``code`` under the chosen ``situations`` (unknown ones are left out
    and reported in ``problems``, so a page can say so)."""
    bundle = bundle_by_code(code)
    entries = bundle_entries(bundle)
    known = rules.situations_of(entries)
    wanted = [s.strip() for s in situations or [] if s.strip()]
    chosen_situations = [s for s in known if s in wanted]
    chosen, _problems = rules.choose(entries, chosen_situations)
    problems = [s for s in wanted if s not in known]
    return BundleGuide(bundle=bundle, entries=entries, situations=known, chosen_situations=chosen_situations,
                       chosen=chosen, materials=rules.merge_materials(chosen), problems=problems)


# -- who may see an application ----------------------------------------------------------------------


def can_view_bundle(staff: Staff | None, app: BundleApplication) -> bool:
    """Staff who may see the lead department's cases in the region, or any of the children."""
    if staff is None:
        return False
    if can(staff, Action.CASE_VIEW, region=app.region, department=app.lead_department):
        return True
    return any(can_view_case(staff, c) for c in app.children.select_related("region", "department"))


_RELATED = ("bundle", "region", "lead_department", "window")


def bundle_for(staff: Staff | None, number: str) -> BundleApplication:
    """The application with this number if the staff member may see it; the same 404 otherwise."""
    app = BundleApplication.objects.select_related(*_RELATED).filter(number=str(number).strip()).first()
    if app is None or not can_view_bundle(staff, app):
        raise NotFound("一件事申请不存在或您无权查看", code="bundle_application.not_found", field="number")
    return app


def visible_bundles(staff: Staff | None) -> QuerySet[BundleApplication]:
    """The applications of the regions and lead departments the staff member's postings reach, and
    those with a child in a department they reach, newest first."""
    if staff is None:
        return BundleApplication.objects.none()
    children = Case.objects.filter(region_q(staff, department_field="department")).values("bundle_application_id")
    return (BundleApplication.objects.filter(region_q(staff, department_field="lead_department")
                                             | Q(pk__in=children))
            .select_related(*_RELATED).order_by("-submitted_at", "-pk"))


def my_bundle(account: Any, number: str) -> BundleApplication:
    """The applicant's own application (404 for anybody else's, as for a case)."""
    app = (BundleApplication.objects.select_related(*_RELATED)
           .filter(number=str(number).strip(), applicant_account=account).first()
           if getattr(account, "is_authenticated", False) else None)
    if app is None:
        raise NotFound("一件事申请不存在或不是您的申请", code="bundle_application.not_found", field="number")
    return app


def my_bundles(account: Any) -> list[BundleApplication]:
    return list(BundleApplication.objects.filter(applicant_account=account).select_related(*_RELATED)
                .order_by("-submitted_at", "-pk"))


# -- one application ----------------------------------------------------------------------------------


@dataclass
class ChildRow:
    case: Case
    number: str
    item_code: str
    item_name: str
    department: str
    status: str
    status_label: str
    accepted_on: date | None
    promised_due: date | None
    concluded_at: datetime | None
    open_stages: list[str]
    outcome: str
    awaiting_materials: list[str] = field(default_factory=list)


@dataclass
class Notice:
    """A combined supplement notice (一件事补正告知书), as its event froze it."""

    no: int
    number: str
    issued_at: datetime
    lines: list[dict[str, Any]]
    materials: list[dict[str, Any]]
    answered: bool = False


@dataclass
class BundleEventRow:
    seq: int
    kind: str
    label: str
    at: datetime
    actor: str
    payload: dict[str, Any]
    hash: str


@dataclass
class BundleView:
    app: BundleApplication
    children: list[ChildRow]
    timeline: list[BundleEventRow]
    notices: list[Notice]

    @property
    def status_label(self) -> str:
        return BUNDLE_STATUS_LABELS[BundleStatus(self.app.status)]

    @property
    def open_notice(self) -> Notice | None:
        """The combined notice the applicant still has to answer, if any."""
        if self.app.status != BundleStatus.AWAITING_SUPPLEMENT or not self.notices:
            return None
        return self.notices[-1]

    @property
    def awaiting(self) -> list[ChildRow]:
        return [c for c in self.children if c.status == Status.AWAITING_SUPPLEMENT]

    @property
    def to_review(self) -> list[ChildRow]:
        return [c for c in self.children if c.status == Status.SUBMITTED]

    @property
    def to_deliver(self) -> list[ChildRow]:
        return [c for c in self.children if c.status == Status.CERTIFICATE_ISSUED]

    @property
    def concluded(self) -> int:
        return sum(1 for c in self.children if c.case.concluded_at is not None)

    def supplement_materials(self) -> list[str]:
        """What the open notice asks, each material once (the supplement form's fields)."""
        notice = self.open_notice
        return [m["name"] for m in notice.materials] if notice is not None else []


def event_label(kind: str) -> str:
    return BUNDLE_EVENT_LABELS.get(kind, kind)


def children_of(app: BundleApplication) -> list[Case]:
    return list(app.children.select_related("region", "department", "item", "item_version", "window").order_by("pk"))


def _requested(cases: list[Case]) -> dict[int, list[str]]:
    waiting = [c.pk for c in cases if c.status == Status.AWAITING_SUPPLEMENT]
    found: dict[int, list[str]] = {}
    for event in CaseEvent.objects.filter(case_id__in=waiting, kind=EventKind.SUPPLEMENT_REQUESTED).order_by("seq"):
        found[event.case_id] = list(event.payload.get("materials", []))
    return found


def child_rows(app: BundleApplication) -> list[ChildRow]:
    cases = children_of(app)
    requested = _requested(cases)
    stages: dict[int, list[str]] = {}
    for task in CaseTask.objects.filter(case__in=cases, state=CaseTask.State.OPEN).order_by("stage_order"):
        stages.setdefault(task.case_id, []).append(task.stage_name)
    return [ChildRow(case=c, number=c.number, item_code=c.item.implementation_code, item_name=c.item_version.name,
                     department=c.department.name, status=c.status, status_label=STATUS_LABELS[Status(c.status)],
                     accepted_on=c.accepted_on, promised_due=c.promised_due, concluded_at=c.concluded_at,
                     open_stages=stages.get(c.pk, []), outcome=c.outcome,
                     awaiting_materials=requested.get(c.pk, []))
            for c in cases]


def _events(app: BundleApplication) -> list[BundleApplicationEvent]:
    return list(BundleApplicationEvent.objects.filter(application=app).order_by("seq"))


def notices_of(app: BundleApplication, events: list[BundleApplicationEvent] | None = None) -> list[Notice]:
    """Every combined supplement notice of the application, in order; each but the open one answered."""
    found = [Notice(no=int(e.payload.get("no", 0)), number=str(e.payload.get("notice", "")), issued_at=e.at,
                    lines=list(e.payload.get("lines", [])), materials=list(e.payload.get("materials", [])))
             for e in (events if events is not None else _events(app)) if e.kind == EventKindBundle.SUPPLEMENT_NOTIFIED]
    for n in found[:-1]:
        n.answered = True
    if found and app.status != BundleStatus.AWAITING_SUPPLEMENT:
        found[-1].answered = True
    return found


def notice_of(app: BundleApplication, no: int) -> Notice:
    """The ``no``-th combined notice; 404 ``bundle_notice.not_found``."""
    found = next((n for n in notices_of(app) if n.no == no), None)
    if found is None:
        raise NotFound("补正告知书不存在", code="bundle_notice.not_found", field="no")
    return found


def bundle_view(app: BundleApplication) -> BundleView:
    """The application with its children, its history and its combined notices."""
    events = _events(app)
    return BundleView(
        app=app, children=child_rows(app), notices=notices_of(app, events),
        timeline=[BundleEventRow(seq=e.seq, kind=e.kind, label=event_label(e.kind), at=e.at,
                                 actor=e.actor_label, payload=e.payload, hash=e.hash) for e in events])


def bundle_of_case(case: Case) -> dict[str, Any] | None:
    """A child case's parent and siblings, as the case API and pages show them; None for a case
    that is no bundle's child."""
    if case.bundle_application_id is None:
        return None
    app = BundleApplication.objects.select_related("bundle").get(pk=case.bundle_application_id)
    return {
        "number": app.number, "bundle_code": app.bundle.code, "bundle_name": app.bundle.name,
        "status": app.status, "status_label": BUNDLE_STATUS_LABELS[BundleStatus(app.status)],
        "children": [{"number": c.number, "item_code": c.item.implementation_code, "item_name": c.item_version.name,
                      "department": c.department.name, "status": c.status,
                      "status_label": STATUS_LABELS[Status(c.status)]} for c in children_of(app)],
    }
