"""Reads of electronic supervision: settings, warnings, orders, efficiency warnings, indicators.

Every list a staff member sees is region-scoped with :func:`region_q`: supervisors and center
administrators see their regions and the ones below; a chief representative sees the orders and
warnings of their own department; everyone sees their own record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from onewindow.cases.events import EventKind
from onewindow.cases.models import Case, CaseEvent, CaseTask
from onewindow.cases.selectors import case_view
from onewindow.core import store
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.lifecycle import registry
from onewindow.lifecycle.registry import Described
from onewindow.organization.models import Department, Posting, Region, Staff, Window
from onewindow.organization.permissions import Action, can, reach_key, reaches, region_q, roles_of, staff_of
from onewindow.organization.rules import InvalidRegionCode, Role, parent_code, region_prefix

from . import indicators as ind
from . import rollup
from . import rules as r
from .models import (
    CaseFact,
    EfficiencyWarning,
    FactRollup,
    SupervisionOrder,
    SupervisionSettings,
    Warning,
    WarningEvent,
)

SUPERVISION_ROLES = frozenset({Role.SUPERVISOR, Role.CENTER_ADMIN})
_LIVE = [str(s) for s in r.LIVE_STATES]


# -- settings ------------------------------------------------------------------------------------------


def _config(row: SupervisionSettings) -> r.SupervisionConfig:
    known = [c for c in (row.enabled_rules or []) if c in r.RULES]
    return r.make_config(enabled=known, yellow_share=row.yellow_share,
                         min_cases_for_ranking=row.min_cases_for_ranking,
                         order_reply_workdays=row.order_reply_workdays)


def all_configs() -> dict[str, r.SupervisionConfig]:
    """Every center's own settings by region code (one query; centers are few)."""
    return {row.region.code: _config(row) for row in SupervisionSettings.objects.select_related("region")}


def config_for_region(region: Region) -> r.SupervisionConfig:
    """The settings that apply in ``region``: its own, its nearest ancestor's, or the defaults."""
    codes = [a.code for a in region.ancestors()] + [region.code]
    rows = SupervisionSettings.objects.filter(region__code__in=codes).select_related("region")
    return r.config_for(region.code, {row.region.code: _config(row) for row in rows})


def yellow_share_for(region_code: str) -> Fraction | None:
    """The yellow share set by the nearest center on the region's chain (DESIGN.md §4 rule 9: the
    90 % is configurable per center), or None where no center set one. One query: the chain comes
    from the region code itself."""
    chain: list[str] = []
    code: str | None = region_code
    while code:
        chain.append(code)
        try:
            code = parent_code(code)
        except InvalidRegionCode:
            break
    shares = dict(SupervisionSettings.objects.filter(region__code__in=chain).values_list("region__code", "yellow_share"))
    for code in chain:  # nearest first
        if shares.get(code) is not None:
            return Fraction(str(shares[code]))
    return None


@dataclass(frozen=True)
class SettingsPage:
    """One center's settings as its administrator sees them."""

    region: Region
    centers: list[Region]  # every center the staff member may set
    own: SupervisionSettings | None  # the center's own row, if it set one
    config: r.SupervisionConfig  # what applies there
    inherited_from: Region | None  # the ancestor center whose row applies, when it has none


def can_set_settings(user: object) -> bool:
    """True when the login is a center administrator's (whose center the settings page shows)."""
    staff = staff_of(user)
    return staff is not None and Role.CENTER_ADMIN in roles_of(staff)


def settings_page(staff: Staff, region_code: str | None = None) -> SettingsPage:
    """The settings of ``region_code`` (default: the first center the staff member may set)."""
    centers = [c for c in Region.objects.filter(has_center=True).select_related("parent").order_by("code")
               if can(staff, Action.SUPERVISION_SETTINGS, region=c)]
    if not centers:
        raise PermissionDenied("只有中心管理员可以修改电子监察设置", code="forbidden.supervision.settings")
    region = next((c for c in centers if c.code == region_code), None) if region_code else centers[0]
    if region is None:
        raise NotFound(f"您不能设置区划 {region_code} 的电子监察", code="region.not_found", field="region")
    rows = {row.region_id: row for row in SupervisionSettings.objects.filter(
        region__in=[region, *region.ancestors()]).select_related("region", "updated_by")}
    own = rows.get(region.pk)
    inherited = None if own else next((a for a in reversed(region.ancestors()) if a.pk in rows), None)
    return SettingsPage(region, centers, own, config_for_region(region), inherited)


def settings_changed_since(moment: datetime | None) -> bool:
    """True when a center saved its supervision settings after ``moment`` (or ever, for None)."""
    rows = SupervisionSettings.objects.all()
    if moment is not None:
        rows = rows.filter(updated_at__gt=moment)
    return rows.exists()


# -- who sees what -------------------------------------------------------------------------------------


def can_supervise(staff: Staff | None) -> bool:
    """Supervisors and center administrators (电子监察 is their page)."""
    return staff is not None and bool(roles_of(staff) & SUPERVISION_ROLES)


def require_supervise(staff: Staff | None) -> Staff:
    if not can_supervise(staff):
        raise PermissionDenied("只有电子监察员和中心管理员可以查看电子监察", code="forbidden.supervision.view")
    assert staff is not None
    return staff


def supervised_regions(staff: Staff) -> list[Region]:
    """The regions a supervisor's (or center administrator's) postings reach, tree order (every
    supervision page's filter: compiled once per reach, ``store.fetch_keyed``)."""
    def build() -> QuerySet[Region]:
        q = Q(pk__in=[])
        for reach in reaches(staff):
            if reach.role in SUPERVISION_ROLES:
                q |= Q(code__startswith=region_prefix(reach.region_code)) if reach.subtree else Q(code=reach.region_code)
        return Region.objects.filter(q).order_by("code")

    return store.fetch_keyed(reach_key("supervision.regions", staff), build)


def supervised_departments(staff: Staff, region_code: str | None = None) -> list[Department]:
    def build() -> QuerySet[Department]:
        qs = Department.objects.filter(region_q(staff, roles=SUPERVISION_ROLES)).select_related("region")
        if region_code:
            qs = qs.filter(region__code__startswith=region_prefix(region_code))
        return qs.order_by("region__code", "order", "code")

    return store.fetch_keyed(reach_key("supervision.departments", staff, region_code or ""), build)


def supervised_windows(staff: Staff) -> list[Window]:
    return list(Window.objects.filter(region_q(staff, roles=SUPERVISION_ROLES)).select_related("region")
                .order_by("region__code", "number"))


def supervised_staff(staff: Staff, *, limit: int = 1000) -> list[Staff]:
    """Staff members of the supervised regions (for the efficiency-warning form and indicators)."""
    return list(Staff.objects.filter(region_q(staff, roles=SUPERVISION_ROLES)).select_related("department")
                .order_by("region__code", "name")[:limit])


def answers_orders(staff: Staff | None) -> bool:
    """Chief representatives reply to their departments' supervision orders."""
    return staff is not None and Role.CHIEF_REPRESENTATIVE in roles_of(staff)


def can_issue_orders(staff: Staff | None) -> bool:
    """Supervisors issue orders and efficiency warnings; center administrators only watch."""
    return staff is not None and Role.SUPERVISOR in roles_of(staff)


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=SHANGHAI)


def _day_end(d: date) -> datetime:
    return datetime.combine(d, time.max, tzinfo=SHANGHAI)


# -- warnings -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WarningFilter:
    """The filters of the dashboard and the API; ``state`` "live" means open or acknowledged."""

    region_code: str | None = None
    department_id: int | None = None
    level: str | None = None
    state: str | None = None
    since: date | None = None  # fired on or after (local day)
    until: date | None = None  # fired on or before
    rule: str | None = None

    def check(self) -> WarningFilter:
        if self.level not in (None, "", *r.Level.__members__.values()):
            raise DomainError("invalid_input", "预警级别须为 yellow 或 red", field="level")
        if self.state not in (None, "", "live", *r.State.__members__.values()):
            raise DomainError("invalid_input", "状态须为 live、open、acknowledged 或 resolved", field="state")
        if self.rule not in (None, "", *r.RULES):
            raise DomainError("invalid_input", "未知的监察规则", field="rule")
        if self.since and self.until and self.since > self.until:
            raise DomainError("invalid_input", "开始日期不能晚于结束日期", field="from")
        return self


def warnings_for(staff: Staff | None, f: WarningFilter | None = None) -> QuerySet[Warning]:
    """The warnings a supervisor may see, filtered; newest first."""
    staff = require_supervise(staff)
    f = (f or WarningFilter()).check()
    qs = Warning.objects.filter(region_q(staff, roles=SUPERVISION_ROLES)).select_related(
        "region", "case", "department", "window", "staff")
    if f.region_code:
        qs = qs.filter(region__code__startswith=region_prefix(f.region_code))
    if f.department_id:
        qs = qs.filter(department_id=f.department_id)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.state == "live":
        qs = qs.filter(state__in=_LIVE)
    elif f.state:
        qs = qs.filter(state=f.state)
    if f.rule:
        qs = qs.filter(rule=f.rule)
    if f.since:
        qs = qs.filter(fired_at__gte=_day_start(f.since))
    if f.until:
        qs = qs.filter(fired_at__lte=_day_end(f.until))
    return qs.order_by("-fired_at", "-id")


def warning_for(staff: Staff | None, warning_id: int) -> Warning:
    """One warning, if the staff member may see it (supervisors, or the people responsible)."""
    warning = (Warning.objects.select_related("region", "case", "department", "window", "staff", "order",
                                              "acknowledged_by", "resolved_by")
               .prefetch_related(Prefetch("events", queryset=WarningEvent.objects.select_related("actor")))
               .filter(pk=warning_id).first())
    if warning is None or staff is None:
        raise NotFound("预警不存在或您无权查看", code="warning.not_found", field="warning")
    if can(staff, Action.SUPERVISION_VIEW, region=warning.region):
        return warning
    if is_responsible(staff, warning):
        return warning
    raise NotFound("预警不存在或您无权查看", code="warning.not_found", field="warning")


def is_responsible(staff: Staff, warning: Warning, *, on: date | None = None) -> bool:
    """The staff who answer for a warning (and may explain it): its staff member, the chief
    representative of its department, whoever holds a stage of its case, the clerks of its window,
    and for a center-wide warning the center administrators."""
    if warning.staff_id == staff.id:
        return True
    if warning.department_id and can(staff, Action.SUPERVISION_REPLY, region=warning.region,
                                     department=warning.department, on=on):
        return True
    if warning.case_id and CaseTask.objects.filter(case_id=warning.case_id, assignee=staff).exists():
        return True
    if warning.window_id and Posting.objects.filter(staff=staff, window_id=warning.window_id).exists():
        return True
    return warning.target_kind == r.Target.CENTER and can(staff, Action.CALENDAR_PUBLISH, region=warning.region, on=on)


def warnings_for_case(case: Case) -> list[Warning]:
    """The warning history of one case, oldest first, each with its events (for the case page;
    the page itself decides who sees the case)."""
    return list(Warning.objects.filter(case=case).select_related("acknowledged_by", "resolved_by")
                .prefetch_related(Prefetch("events", queryset=WarningEvent.objects.select_related("actor")))
                .order_by("fired_at", "id"))


@dataclass
class DepartmentCounts:
    department_id: int | None
    name: str
    region: str
    yellow: int = 0
    red: int = 0
    severe: int = 0

    @property
    def total(self) -> int:
        return self.yellow + self.red


def live_counts(qs: QuerySet[Warning]) -> list[DepartmentCounts]:
    """Live warnings by colour per department (center-wide warnings in a row of their own)."""
    rows: dict[tuple[int | None, int | None], DepartmentCounts] = {}
    grouped = (qs.filter(state__in=_LIVE).order_by().values("department_id", "department__name", "region_id",
                                                             "region__name", "level", "severe").annotate(n=Count("id")))
    for g in grouped:
        # a department's row; warnings of no department (a center's calendar) get one row per region
        key = (g["department_id"], None if g["department_id"] else g["region_id"])
        entry = rows.setdefault(key, DepartmentCounts(g["department_id"], g["department__name"] or "（中心）",
                                                      g["region__name"]))
        if g["level"] == r.Level.YELLOW:
            entry.yellow += g["n"]
        else:
            entry.red += g["n"]
            if g["severe"]:
                entry.severe += g["n"]
    return sorted(rows.values(), key=lambda c: (-c.red, -c.yellow, c.name))


# Which due date of the clock a deadline rule is about, for the explanation beside it.
_DUE_OF_RULE = {r.Code.PROMISED_NEAR: "promised_due", r.Code.PROMISED_OVERDUE: "promised_due",
                r.Code.STATUTORY_OVERDUE: "statutory_due", r.Code.ISSUANCE_OVERDUE: "certificate_due",
                r.Code.DEEMED_ACCEPTANCE: "acceptance_due"}


@dataclass(frozen=True)
class WarningRow:
    warning: Warning
    explanation: list[str] = field(default_factory=list)  # the due date explaining itself
    subject: Described | None = None  # the record it is about: its own title and link


def _subjects_of(warnings: Sequence[Warning]) -> dict[tuple[str, int], Described]:
    """The records the warnings are about, described by their own record types (one query per type)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for w in warnings:
        if (key := _subject_key(w)) is not None:
            wanted[key[0]].add(key[1])
    found: dict[tuple[str, int], Described] = {}
    for subject_type, ids in wanted.items():
        for pk, described in registry.describe(subject_type, sorted(ids)).items():
            found[(subject_type, pk)] = registry.link(subject_type, pk, described)
    return found


def _subject_key(w: Warning) -> tuple[str, int] | None:
    if w.subject_type and w.subject_id is not None:
        return (w.subject_type, w.subject_id)
    return ("case", w.case_id) if w.case_id else None  # warnings fired before the kernel named subjects


def with_explanations(warnings: Iterable[Warning], *, lang: str = "zh") -> list[WarningRow]:
    """Each warning with the record it is about and the explanation of the due date it is about
    (one clock per case)."""
    rows: list[WarningRow] = []
    views: dict[int, dict[str, Any]] = {}
    warnings = list(warnings)
    subjects = _subjects_of(warnings)
    for w in warnings:
        lines: list[str] = []
        name = _DUE_OF_RULE.get(w.rule)
        if w.case_id and name:
            if w.case_id not in views:
                try:
                    views[w.case_id] = case_view(w.case).explanations
                except Exception:  # a calendar gap must not take the dashboard down
                    views[w.case_id] = {}
            explanation = views[w.case_id].get(name)
            if explanation:
                lines = list(explanation["text"].get(lang) or explanation["text"]["zh"])
        key = _subject_key(w)
        rows.append(WarningRow(w, lines, subjects.get(key) if key is not None else None))
    return rows


@dataclass(frozen=True)
class TrendBucket:
    label: str
    first: date
    yellow: int
    red: int


def trend(qs: QuerySet[Warning], first: date, last: date) -> list[TrendBucket]:
    """Warnings fired per day (per month when the period is longer than two months)."""
    fired = qs.filter(fired_at__gte=_day_start(first), fired_at__lte=_day_end(last)).order_by().values_list(
        "fired_at", "level")
    monthly = (last - first).days > 62
    counts: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for moment, level in fired:
        d = local_date(moment)
        key = d.replace(day=1) if monthly else d
        counts[key][0 if level == r.Level.YELLOW else 1] += 1
    buckets: list[TrendBucket] = []
    d = first.replace(day=1) if monthly else first
    while d <= last:
        y, red = counts.get(d, [0, 0])
        buckets.append(TrendBucket(d.strftime("%Y-%m") if monthly else d.strftime("%m-%d"), d, y, red))
        d = (d.replace(day=28) + timedelta(days=4)).replace(day=1) if monthly else d + timedelta(days=1)
    return buckets


# -- orders ------------------------------------------------------------------------------------------


def _order_scope(staff: Staff) -> Q:
    return (region_q(staff, roles=SUPERVISION_ROLES)
            | region_q(staff, roles={Role.CHIEF_REPRESENTATIVE}, department_field="department"))


# What the API's list and the export show beyond a list page's columns; one order's page, more.
ORDER_ROW_RELATED = ("region", "issued_by")
ORDER_DETAIL_RELATED = (*ORDER_ROW_RELATED, "replied_by", "closed_by", "warning")


def orders_for(staff: Staff | None, *, region_code: str | None = None, department_id: int | None = None,
               state: str | None = None, since: date | None = None, until: date | None = None) -> QuerySet[SupervisionOrder]:
    """Supervision orders of the staff member's reach: supervisors' regions, chiefs' departments."""
    if staff is None:
        return SupervisionOrder.objects.none()
    if state not in (None, "", "open", *r.OrderState.__members__.values()):
        raise DomainError("invalid_input", "督办单状态无效", field="state")
    # What a list shows (department, case number): PostgreSQL plans this query again on every
    # call (the region prefix is a parameter), and with the five other relations its planning
    # alone took 15 ms of a supervisor's dashboard. The detail and the exports add theirs.
    qs = SupervisionOrder.objects.filter(_order_scope(staff)).select_related("department", "case")
    if region_code:
        qs = qs.filter(region__code__startswith=region_prefix(region_code))
    if department_id:
        qs = qs.filter(department_id=department_id)
    if state == "open":
        qs = qs.exclude(state=r.OrderState.CLOSED)
    elif state:
        qs = qs.filter(state=state)
    if since:
        qs = qs.filter(issued_at__gte=_day_start(since))
    if until:
        qs = qs.filter(issued_at__lte=_day_end(until))
    return qs.order_by("-issued_at", "-id")


def order_for(staff: Staff | None, order_id: int) -> SupervisionOrder:
    order = (orders_for(staff).select_related(*ORDER_DETAIL_RELATED).prefetch_related("events__actor")
             .filter(pk=order_id).first())
    if order is None:
        raise NotFound("督办单不存在或您无权查看", code="order.not_found", field="order")
    return order


@dataclass(frozen=True)
class OrderAbilities:
    reply: bool
    return_: bool
    close: bool


def order_abilities(staff: Staff, order: SupervisionOrder) -> OrderAbilities:
    """Which of the order's next steps the staff member may take now (for showing forms)."""
    supervisor = can(staff, Action.SUPERVISION_ORDER, region=order.region, department=order.department)
    chief = can(staff, Action.SUPERVISION_REPLY, region=order.region, department=order.department)
    return OrderAbilities(
        reply=chief and r.next_order_state(r.OrderAction.REPLY, order.state) is not None,
        return_=supervisor and r.next_order_state(r.OrderAction.RETURN, order.state) is not None,
        close=supervisor and r.next_order_state(r.OrderAction.CLOSE, order.state) is not None,
    )


# -- efficiency warnings and one's own record --------------------------------------------------------------


def efficiency_warnings_for(staff: Staff | None, *, region_code: str | None = None,
                            department_id: int | None = None, since: date | None = None,
                            until: date | None = None) -> QuerySet[EfficiencyWarning]:
    staff = require_supervise(staff)
    qs = EfficiencyWarning.objects.filter(region_q(staff, roles=SUPERVISION_ROLES)).select_related(
        "region", "staff", "department", "issued_by", "case")
    if region_code:
        qs = qs.filter(region__code__startswith=region_prefix(region_code))
    if department_id:
        qs = qs.filter(department_id=department_id)
    if since:
        qs = qs.filter(issued_at__gte=_day_start(since))
    if until:
        qs = qs.filter(issued_at__lte=_day_end(until))
    return qs.order_by("-issued_at", "-id")


@dataclass(frozen=True)
class StaffRecord:
    """What supervision holds about one staff member: their efficiency warnings, the warnings
    against them or their departments, and their departments' supervision orders."""

    efficiency_warnings: list[EfficiencyWarning]
    warnings: list[Warning]
    orders: list[SupervisionOrder]


def record_of(staff: Staff) -> StaffRecord:
    chief_q = region_q(staff, roles={Role.CHIEF_REPRESENTATIVE}, department_field="department")
    mine = Q(staff=staff)
    if staff.department_id:
        mine |= Q(department_id=staff.department_id, staff__isnull=True)
    warnings = Warning.objects.filter(Q(staff=staff) | (chief_q & Q(department__isnull=False))).filter(
        state__in=_LIVE).select_related("case", "department", "region")
    return StaffRecord(
        efficiency_warnings=list(EfficiencyWarning.objects.filter(mine).select_related("department", "issued_by")
                                 .order_by("-issued_at")),
        warnings=list(warnings.order_by("-fired_at")[:200]),
        orders=list(SupervisionOrder.objects.filter(chief_q).select_related("department", "issued_by")
                    .order_by("-issued_at")[:200]),
    )


# -- indicators ------------------------------------------------------------------------------------------

UNITS = ("region", "department", "window", "staff")
_UNIT_LABELS = {"region": "区划", "department": "部门", "window": "窗口", "staff": "工作人员"}


@dataclass(frozen=True)
class Unit:
    kind: str
    obj: Region | Department | Window | Staff

    @property
    def label(self) -> str:
        return str(self.obj)

    @property
    def region(self) -> Region:
        return self.obj if isinstance(self.obj, Region) else self.obj.region


def unit_for(staff: Staff | None, kind: str, unit_id: int | str) -> Unit:
    """The unit to measure, if the supervisor may see it (region by code or id)."""
    staff = require_supervise(staff)
    model = {"region": Region, "department": Department, "window": Window, "staff": Staff}.get(kind)
    if model is None:
        raise DomainError("invalid_input", "统计单位须为 region、department、window 或 staff", field="unit")
    text = str(unit_id).strip()
    if kind == "region" and len(text) == 12 and text.isdigit():
        obj = Region.objects.filter(code=text).first()  # a region may be named by its 12-digit code
    else:
        obj = model.objects.filter(pk=int(text)).first() if text.isdigit() else None
    if obj is None:
        raise NotFound(f"{_UNIT_LABELS[kind]}不存在", code="unit.not_found", field="id")
    unit = Unit(kind, obj)
    department = obj if isinstance(obj, Department) else None
    if not can(staff, Action.SUPERVISION_VIEW, region=unit.region, department=department):
        raise NotFound(f"{_UNIT_LABELS[kind]}不存在或您无权查看", code="unit.not_found", field="id")
    return unit


def _fact_scope(unit: Unit) -> Q:
    obj = unit.obj
    if unit.kind == "region":
        # the region and every region below it: an index range scan on the codes, then on the facts
        below = Region.objects.filter(code__startswith=region_prefix(obj.code)).values("id")
        return Q(region_id__in=below)
    if unit.kind == "department":
        return Q(department=obj)
    if unit.kind == "window":
        return Q(window=obj)
    # A staff member's cases: those they accepted, reviewed a stage of, or decided.
    acted = CaseEvent.objects.filter(actor=obj, kind__in=[EventKind.ACCEPTED, EventKind.STAGE_COMPLETED, EventKind.DECIDED]).values("case_id")
    return Q(case_id__in=acted)


_FACT_COLUMNS = rollup.BUCKET
Bucket = tuple[Any, ...]  # the values of _FACT_COLUMNS


def _or_ranges(column: str, ranges: Sequence[tuple[date, date]]) -> Q:
    q = Q(pk__in=[])
    for lo, hi in ranges:
        q |= Q(**{f"{column}__gte": lo, f"{column}__lte": hi})
    return q


def fact_counts(scope: Q, ranges: Sequence[tuple[date, date]]) -> tuple[int, dict[Bucket, int]]:
    """From the statistics rows themselves: the cases of ``scope`` accepted in the day ranges,
    and those concluded in them by bucket."""
    if not ranges:
        return 0, {}
    accepted = CaseFact.objects.filter(scope, _or_ranges("accepted_on", ranges)).count()
    grouped = (CaseFact.objects.filter(scope, _or_ranges("concluded_on", ranges)).order_by()
               .values(*_FACT_COLUMNS).annotate(n=Count("pk")).values_list(*_FACT_COLUMNS, "n"))
    return accepted, {tuple(row[:-1]): row[-1] for row in grouped}


def _next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _whole_months(first: date, last: date) -> tuple[date, date] | None:
    """The first days of the first and last whole month inside [first, last], if any."""
    lo = first if first.day == 1 else _next_month(first)
    end = (last + timedelta(days=1)).replace(day=1)  # the first day after the last whole month
    if lo >= end:
        return None
    return lo, (end - timedelta(days=1)).replace(day=1)


def region_fact_counts(region: Region, first: date, last: date) -> tuple[int, dict[Bucket, int]]:
    """:func:`fact_counts` of a region and its subtree over [first, last], its whole months read
    from the monthly roll-up (:class:`~.models.FactRollup`: the region's own rows count its whole
    subtree, so a province's year is 12 months × a few buckets, however many counties and cases
    it holds) and the days around them from the rows."""
    below = Region.objects.filter(code__startswith=region_prefix(region.code)).values("id")
    months = _whole_months(first, last)
    if months is None:
        return fact_counts(Q(region_id__in=below), [(first, last)])
    lo, hi = months
    edges = [(a, b) for a, b in ((first, lo - timedelta(days=1)), (_next_month(hi), last)) if a <= b]
    accepted, counts = fact_counts(Q(region_id__in=below), edges)
    rolled = FactRollup.objects.filter(region=region, month__gte=lo, month__lte=hi).order_by()
    accepted += rolled.filter(concluded=False).aggregate(n=Sum("n"))["n"] or 0
    for *bucket, n in (rolled.filter(concluded=True).values(*_FACT_COLUMNS).annotate(total=Sum("n"))
                       .values_list(*_FACT_COLUMNS, "total")):
        counts[tuple(bucket)] = counts.get(tuple(bucket), 0) + n
    return accepted, counts


def _in_order(counts: dict[Bucket, int]) -> list[tuple[ind.CaseFact, int]]:
    """The distinct facts with their counts, in one fixed order (the sums of ``compute`` are then
    the same to the last bit whichever way the counts were read)."""
    def key(bucket: Bucket) -> tuple[tuple[bool, Any], ...]:
        return tuple((v is not None, 0 if v is None else v) for v in bucket)
    return [(ind.CaseFact(*b), counts[b]) for b in sorted(counts, key=key) if counts[b] > 0]


def _warning_scope(unit: Unit) -> Q:
    obj = unit.obj
    if unit.kind == "region":
        return Q(region__code__startswith=region_prefix(obj.code))
    return Q(**{unit.kind: obj})


def indicator_inputs(unit: Unit, first: date, last: date, *, today: date | None = None) -> ind.IndicatorInputs:
    """What the indicators of one unit and period are computed from: the statistics rows the
    sweep keeps (:class:`~.models.CaseFact`), grouped — for a region, its whole months from their
    monthly roll-up — plus warnings, orders and efficiency warnings: a few indexed queries
    however many cases the period holds."""
    start, end = _day_start(first), _day_end(last)
    if unit.kind == "region":  # the same counts, the whole months from the roll-up
        accepted, counts = region_fact_counts(unit.obj, first, last)
    else:
        accepted, counts = fact_counts(_fact_scope(unit), [(first, last)])
    concluded = _in_order(counts)
    levels = (Warning.objects.filter(_warning_scope(unit), fired_at__gte=start, fired_at__lte=end).order_by()
              .values("level", "severe").annotate(n=Count("id")))
    yellow = red = severe = 0
    for g in levels:
        if g["level"] == r.Level.YELLOW:
            yellow += g["n"]
        else:
            red += g["n"]
            severe += g["n"] if g["severe"] else 0
    orders: list[ind.OrderRow] = []
    if unit.kind in ("region", "department"):
        order_scope = _warning_scope(unit)
        orders = [ind.OrderRow(due, on_time, replied is not None) for due, on_time, replied in
                  SupervisionOrder.objects.filter(order_scope, issued_at__gte=start, issued_at__lte=end)
                  .values_list("reply_due", "replied_on_time", "first_replied_at")]
    efficiency = 0
    if unit.kind in ("region", "department", "staff"):
        efficiency = EfficiencyWarning.objects.filter(_warning_scope(unit), issued_at__gte=start,
                                                      issued_at__lte=end).count()
    return ind.IndicatorInputs(accepted=accepted, concluded=concluded, yellow=yellow, red=red, severe=severe,
                               orders=orders, efficiency_warnings=efficiency, today=today or local_date())


def indicator_set(unit: Unit, first: date, last: date) -> ind.IndicatorSet:
    return ind.compute(indicator_inputs(unit, first, last))


def indicators_for(staff: Staff | None, kind: str, unit_id: int | str, first: date, last: date) -> tuple[
        Unit, ind.IndicatorSet]:
    """The indicator set of one unit the supervisor may see."""
    _check_period(first, last)
    unit = unit_for(staff, kind, unit_id)
    return unit, indicator_set(unit, first, last)


def indicators_of_region(region: Region, first: date, last: date) -> tuple[Unit, ind.IndicatorSet]:
    """:func:`indicators_for` a region the caller found among the supervisor's own
    (:func:`supervised_regions`): no second lookup, no second permission check."""
    _check_period(first, last)
    unit = Unit("region", region)
    return unit, indicator_set(unit, first, last)


def _check_period(first: date, last: date) -> None:
    if first > last:
        raise DomainError("invalid_input", "开始日期不能晚于结束日期", field="from")


def department_ranking(staff: Staff | None, region: Region, first: date, last: date,
                       indicator: str = "on_time_rate") -> tuple[ind.Ranking, list[tuple[Department, ind.IndicatorSet]]]:
    """Every department of a region on one indicator; departments with fewer concluded cases than
    the center's minimum are listed but not ranked."""
    staff = require_supervise(staff)
    if indicator not in ind.DEFINITIONS:
        raise DomainError("invalid_input", "未知的指标", field="indicator")
    departments = [d for d in Department.objects.filter(region=region).order_by("order", "code")
                   if can(staff, Action.SUPERVISION_VIEW, region=region, department=d)]
    return department_ranking_sets(region, departments, first, last, indicator)


def department_ranking_sets(region: Region, departments: Iterable[Department], first: date, last: date,
                            indicator: str = "on_time_rate") -> tuple[ind.Ranking,
                                                                       list[tuple[Department, ind.IndicatorSet]]]:
    """The ranking itself, for departments already checked (the benchmark calls it directly)."""
    sets = [(d, indicator_set(Unit("department", d), first, last)) for d in departments]
    ranking = ind.rank([(d.id, d.name, s) for d, s in sets], indicator,
                       min_cases=config_for_region(region).min_cases_for_ranking)
    return ranking, sets
