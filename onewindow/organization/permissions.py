"""The one place that answers "may this staff member do this here?".

Every service calls :func:`require` before it writes; every selector that lists region-bound
rows filters them with :func:`region_q`. A decision has three parts:

1. the **role**: the action's table row names the roles that may perform it;
2. the **place**: a posting of such a role reaches the target's region — its own region, or its
   whole subtree for the roles in ``SUBTREE_ROLES`` — and, if the posting is for one department
   (or one window's departments), the target's department;
3. the **authorization** (授权), for actions that accept or decide an item: a valid grant of that
   power over the item or over all of its department's items.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Exists, Q, QuerySet

from onewindow.core import store
from onewindow.core.errors import PermissionDenied
from onewindow.core.timesource import local_date

from .models import Authorization, Posting, Window
from .rules import SUBTREE_ROLES, Power, Role, is_within, region_prefix

if TYPE_CHECKING:
    from onewindow.catalog.models import ServiceItem

    from .models import Authorization, Department, Region, Staff


class Action(StrEnum):
    CASE_VIEW = "case.view"
    CASE_SUBMIT = "case.submit"
    CASE_ACCEPT = "case.accept"
    CASE_REFUSE = "case.refuse"
    CASE_REQUEST_SUPPLEMENT = "case.request_supplement"
    CASE_REVIEW = "case.review"
    CASE_SPECIAL_PROCEDURE = "case.special_procedure"
    CASE_REQUEST_EXTENSION = "case.request_extension"
    CASE_GRANT_EXTENSION = "case.grant_extension"
    CASE_APPROVE_JOINT_EXTENSION = "case.approve_joint_extension"
    CASE_DECIDE = "case.decide"
    CASE_ISSUE_CERTIFICATE = "case.issue_certificate"
    CASE_DELIVER = "case.deliver"
    CASE_REASSIGN = "case.reassign"
    CASE_IMPORT = "case.import"
    CATALOG_VIEW = "catalog.view"
    CATALOG_EDIT = "catalog.edit"
    # 法制办审核 of a drafted item version: a center administrator other than its drafter.
    CATALOG_LEGAL_REVIEW = "catalog.legal_review"
    ORGANIZATION_EDIT = "organization.edit"
    CALENDAR_PUBLISH = "calendar.publish"
    SUPERVISION_VIEW = "supervision.view"
    SUPERVISION_ORDER = "supervision.order"
    SUPERVISION_REPLY = "supervision.reply"
    SUPERVISION_SETTINGS = "supervision.settings"
    ASSESSMENT_RUN = "assessment.run"
    # A full ID number or phone of an applicant or agent, on request and recorded (workbench.IdView).
    PERSONAL_DATA_VIEW = "personal_data.view"


_ALL_ROLES = frozenset(Role)
_HANDLERS = frozenset({Role.CLERK, Role.REVIEWER, Role.CHIEF_REPRESENTATIVE})

ACTION_ROLES: dict[Action, frozenset[Role]] = {
    Action.CASE_VIEW: _ALL_ROLES,
    Action.CASE_SUBMIT: frozenset({Role.CLERK, Role.PROXY_AGENT}),
    Action.CASE_ACCEPT: frozenset({Role.CLERK}),
    Action.CASE_REFUSE: frozenset({Role.CLERK}),
    Action.CASE_REQUEST_SUPPLEMENT: frozenset({Role.CLERK}),
    Action.CASE_REVIEW: frozenset({Role.REVIEWER, Role.CHIEF_REPRESENTATIVE}),
    Action.CASE_SPECIAL_PROCEDURE: frozenset({Role.REVIEWER, Role.CHIEF_REPRESENTATIVE}),
    Action.CASE_REQUEST_EXTENSION: frozenset({Role.REVIEWER, Role.CHIEF_REPRESENTATIVE}),
    Action.CASE_GRANT_EXTENSION: frozenset({Role.CHIEF_REPRESENTATIVE}),
    # 行政许可法 第四十二条第二款: a joint case's extension is the local government head's to approve.
    Action.CASE_APPROVE_JOINT_EXTENSION: frozenset({Role.GOVERNMENT_HEAD}),
    Action.CASE_DECIDE: frozenset({Role.CHIEF_REPRESENTATIVE, Role.REVIEWER}),
    Action.CASE_ISSUE_CERTIFICATE: _HANDLERS,
    Action.CASE_DELIVER: frozenset({Role.CLERK, Role.PROXY_AGENT}),
    Action.CASE_REASSIGN: frozenset({Role.CHIEF_REPRESENTATIVE}),
    # Replaying historical cases (legacy migration, exchange with upper-level platforms).
    Action.CASE_IMPORT: frozenset({Role.CENTER_ADMIN}),
    Action.CATALOG_VIEW: _ALL_ROLES,
    Action.CATALOG_EDIT: frozenset({Role.CENTER_ADMIN}),
    Action.CATALOG_LEGAL_REVIEW: frozenset({Role.CENTER_ADMIN}),
    Action.ORGANIZATION_EDIT: frozenset({Role.CENTER_ADMIN}),
    Action.CALENDAR_PUBLISH: frozenset({Role.CENTER_ADMIN}),
    Action.SUPERVISION_VIEW: frozenset({Role.SUPERVISOR, Role.CENTER_ADMIN}),
    Action.SUPERVISION_ORDER: frozenset({Role.SUPERVISOR}),
    Action.SUPERVISION_REPLY: frozenset({Role.CHIEF_REPRESENTATIVE}),
    Action.SUPERVISION_SETTINGS: frozenset({Role.CENTER_ADMIN}),
    Action.ASSESSMENT_RUN: frozenset({Role.CENTER_ADMIN}),
    # Those who handle the case need the full numbers (to check the ID card, to call back);
    # administrators, supervisors and proxy agents see them masked.
    Action.PERSONAL_DATA_VIEW: _HANDLERS,
}

# Accepting and deciding an item are delegated powers (充分授权): the role is not enough.
ACTION_POWER: dict[Action, Power] = {
    Action.CASE_ACCEPT: Power.ACCEPT,
    Action.CASE_REFUSE: Power.ACCEPT,
    Action.CASE_DECIDE: Power.DECIDE,
}

ACTION_LABELS: dict[Action, str] = {
    Action.CASE_VIEW: "查看办件",
    Action.CASE_SUBMIT: "收件",
    Action.CASE_ACCEPT: "受理",
    Action.CASE_REFUSE: "不予受理",
    Action.CASE_REQUEST_SUPPLEMENT: "一次性告知补正",
    Action.CASE_REVIEW: "审核",
    Action.CASE_SPECIAL_PROCEDURE: "特别程序",
    Action.CASE_REQUEST_EXTENSION: "申请延期",
    Action.CASE_GRANT_EXTENSION: "批准延期",
    Action.CASE_APPROVE_JOINT_EXTENSION: "批准联办件延期",
    Action.CASE_DECIDE: "审批决定",
    Action.CASE_ISSUE_CERTIFICATE: "制证",
    Action.CASE_DELIVER: "送达",
    Action.CASE_REASSIGN: "改派",
    Action.CASE_IMPORT: "导入历史办件",
    Action.CATALOG_VIEW: "查看事项",
    Action.CATALOG_EDIT: "维护事项",
    Action.CATALOG_LEGAL_REVIEW: "事项法制审核",
    Action.ORGANIZATION_EDIT: "维护组织机构",
    Action.CALENDAR_PUBLISH: "发布工作日历",
    Action.SUPERVISION_VIEW: "查看电子监察",
    Action.SUPERVISION_ORDER: "下达督办",
    Action.SUPERVISION_REPLY: "回复督办",
    Action.SUPERVISION_SETTINGS: "电子监察设置",
    Action.ASSESSMENT_RUN: "绩效考核",
    Action.PERSONAL_DATA_VIEW: "查看完整个人信息",
}


@dataclass(frozen=True)
class Reach:
    """Where one posting reaches: a region (and maybe its subtree), maybe only some departments."""

    role: Role
    region_code: str
    subtree: bool
    department_ids: frozenset[int] | None  # None: every department of the region

    def covers(self, region_code: str, department_id: int | None) -> bool:
        if self.subtree:
            if not is_within(region_code, self.region_code):
                return False
        elif region_code != self.region_code:
            return False
        if self.department_ids is None or department_id is None:
            return True
        return department_id in self.department_ids


_by_role = attrgetter("role", "pk")


def _postings_of(staff_pk: int) -> QuerySet[Posting]:
    return Posting.objects.filter(staff_id=staff_pk).select_related("region", "department", "window").order_by("role", "pk")


def _window_departments_of(staff_pk: int) -> QuerySet[Any]:
    # The departments of the windows the member is posted at (a window posting reaches them).
    return Window.departments.through.objects.filter(window__postings__staff_id=staff_pk).order_by("pk")


def read_postings(staff: Staff, *more: store.Query) -> tuple[list[Posting], list[list[Any]]]:
    """The staff member's postings (with region, department and window, by role) and the rows of
    ``more`` queries (in no promised order: the caller sorts them); the postings' reaches are
    remembered (:func:`reaches`).

    Every staff request asks for the reaches: on the store's fast path the statements are compiled
    once, not built by the ORM again per request, and on PostgreSQL they are one statement."""
    postings, pairs, *rest = store.fetch_together(("organization.postings", _postings_of, [staff.pk]),
                                                  ("organization.window_departments", _window_departments_of,
                                                   [staff.pk]), *more, one_statement_from=0)
    postings.sort(key=_by_role)
    windows: dict[int, set[int]] = {}
    for pair in pairs:
        windows.setdefault(pair.window_id, set()).add(pair.department_id)
    result: list[Reach] = []
    for posting in postings:
        role = Role(posting.role)
        if posting.department_id is not None:
            departments: frozenset[int] | None = frozenset({posting.department_id})
        elif posting.window is not None and posting.window.kind != "general":
            departments = frozenset(windows.get(posting.window_id, ()))
        else:
            departments = None
        result.append(Reach(role, posting.region.code, role in SUBTREE_ROLES, departments))
    staff._reaches = result
    return postings, rest


def reaches(staff: Staff) -> list[Reach]:
    """Every posting of the staff member as a :class:`Reach`, cached on the instance."""
    cached = getattr(staff, "_reaches", None)
    if cached is not None:
        return cached
    read_postings(staff)
    return staff._reaches


def reach_key(name: str, staff: Staff, *more: Hashable) -> tuple[Hashable, ...]:
    """The key of a keyed read of the staff member's reach (``store.fetch_keyed``): the read's
    name, the member's id and every posting's reach (role, region, departments) — all that
    :func:`region_q` and :func:`grant_exists` take from them — and whatever else it reads."""
    return (name, staff.pk, tuple(reaches(staff)), *more)


def roles_of(staff: Staff) -> set[Role]:
    return {r.role for r in reaches(staff)}


def grant_exists(staff: Staff, action: Action, on: date, *, department: Any, item: Any) -> Exists:
    """Whether ``staff`` holds the power ``action`` needs (it must need one: see
    :data:`ACTION_POWER`) on ``on``, for ``department`` and ``item`` — usually ``OuterRef`` columns of
    the row the caller reads, so the answer comes with that row and costs no query of its own.
    Hand it to :func:`can` or :func:`require` as ``granted``."""
    day = connection.ops.adapt_datefield_value(on)
    # Positional Qs keep the parameters in this order (keyword filters are sorted by name).
    return Exists(_grants(staff.pk, str(ACTION_POWER[action]), day).filter(
        Q(department_id=department), Q(item__isnull=True) | Q(item_id=item)))


def _valid_grants(staff_id: int, day: object) -> QuerySet[Authorization]:
    """The staff member's authorizations in force on ``day``. Its parameters, in this order: the
    staff id, the day twice (compiled plans bind them positionally: see ``cases.unit``)."""
    return Authorization.objects.filter(Q(staff_id=staff_id), Q(valid_from__lte=day),
                                        Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def _grants(staff_id: int, power: str, day: object) -> QuerySet[Authorization]:
    return _valid_grants(staff_id, day).filter(Q(power=power))


def powers_held(staff: Staff, *, department_id: int, item_id: int | None, on: date) -> frozenset[str]:
    """Every power ``staff`` holds on ``on`` for ``department_id`` (and ``item_id``, or for every
    item), in one read: what :func:`can` would ask one power at a time."""
    grants = _valid_grants(staff.pk, on).filter(Q(department_id=department_id))
    grants = grants.filter(Q(item__isnull=True) | Q(item_id=item_id)) if item_id is not None else grants
    return frozenset(grants.values_list("power", flat=True))


def _has_power(staff: Staff, power: Power, department_id: int | None, item: ServiceItem | None, on: date) -> bool:
    grants = _grants(staff.pk, power, on)
    if department_id is not None:
        grants = grants.filter(department_id=department_id)
    if item is not None:
        grants = grants.filter(Q(item__isnull=True) | Q(item=item))
    return grants.exists()


def can(staff: Staff | None, action: Action, *, region: Region, department: Department | None = None,
        item: ServiceItem | None = None, on: date | None = None, granted: bool | None = None) -> bool:
    """True if ``staff`` may perform ``action`` on something in ``region`` (and ``department``).

    Pass ``item`` for item-bound actions; its department is used when ``department`` is omitted.
    ``granted`` is :func:`grant_exists` for the same staff, action, day, department and item, when
    the caller read it already.
    """
    if staff is None:
        return False
    if item is not None and department is None:
        department = item.department
    department_id = department.id if department is not None else None
    allowed = ACTION_ROLES[action]
    if not any(r.role in allowed and r.covers(region.code, department_id) for r in reaches(staff)):
        return False
    power = ACTION_POWER.get(action)
    if power is None:
        return True
    if granted is not None:
        return granted
    return _has_power(staff, power, department_id, item, on or local_date())


def require(staff: Staff | None, action: Action, *, region: Region, department: Department | None = None,
            item: ServiceItem | None = None, on: date | None = None, granted: bool | None = None) -> None:
    """Raise :class:`PermissionDenied` (Chinese message, English code) unless :func:`can` says yes."""
    if not can(staff, action, region=region, department=department, item=item, on=on, granted=granted):
        raise PermissionDenied(f"您没有在{region.name}执行“{ACTION_LABELS[action]}”的权限",
                               code=f"forbidden.{action.value}")


def region_q(staff: Staff | None, *, field: str = "region", roles: Iterable[Role] | None = None,
             department_field: str | None = None) -> Q:
    """A filter for rows whose region (and department) some posting of ``staff`` reaches.

    ``field`` names the region foreign key on the filtered model. With ``roles``, only postings of
    those roles count. Matches nothing for a missing staff member.
    """
    nothing = Q(pk__in=[])
    if staff is None:
        return nothing
    wanted = set(roles) if roles is not None else None
    q = nothing
    for r in reaches(staff):
        if wanted is not None and r.role not in wanted:
            continue
        place = (Q(**{f"{field}__code__startswith": region_prefix(r.region_code)}) if r.subtree
                 else Q(**{f"{field}__code": r.region_code}))
        if department_field is not None and r.department_ids is not None:
            place &= Q(**{f"{department_field}__in": sorted(r.department_ids)})
        q |= place
    return q


def staff_of(user: object) -> Staff | None:
    """The staff record of a logged-in user, or None (anonymous users, applicants)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff
    except Exception:  # RelatedObjectDoesNotExist: a user who is not staff
        return None
