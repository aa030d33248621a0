"""``/api/v1/organization``: who am I, and the departments, windows and staff I may see.

Every list is filtered by :func:`~onewindow.organization.permissions.region_q`: a clerk of one
county sees that county only; supervisors and center administrators see their region and below.
"""

# No ``from __future__ import annotations``: django-ninja reads these annotations at runtime, and
# ``@paginate`` re-evaluates them outside this module's namespace.
from datetime import date

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from onewindow.api.auth import request_staff, staff_auth
from onewindow.api.pagination import BoundedLimitOffset
from onewindow.core.timesource import local_date

from . import selectors
from .models import Authorization, Department, Posting, Region, Staff, Window
from .permissions import roles_of
from .rules import POWER_LABELS, ROLE_LABELS, Power, Role

router = Router(tags=["organization"], auth=staff_auth)


class RegionOut(Schema):
    code: str = Field(description="区划代码（12位）")
    name: str = Field(description="区划名称")


class DepartmentRef(Schema):
    id: int = Field(description="部门ID")
    code: str = Field(description="部门编码（区划内唯一）")
    name: str = Field(description="部门名称")


class WindowRef(Schema):
    id: int = Field(description="窗口ID")
    number: str = Field(description="窗口号")
    name: str = Field(description="窗口名称")


class StaffRef(Schema):
    name: str = Field(description="姓名")
    employee_number: str = Field(description="工号")


class PostingOut(Schema):
    role: str = Field(description="角色代码：clerk, reviewer, chief_representative, center_admin, supervisor, proxy_agent")
    role_label: str = Field(description="角色名称")
    region: RegionOut = Field(description="岗位所在区划")
    department: DepartmentRef | None = Field(None, description="岗位限定的部门；为空表示该区划全部部门")
    window: WindowRef | None = Field(None, description="岗位所在窗口")

    @staticmethod
    def resolve_role_label(obj: Posting) -> str:
        return ROLE_LABELS[Role(obj.role)]


class AuthorizationOut(Schema):
    power: str = Field(description="权限代码：accept（受理）或 decide（审批决定）")
    power_label: str = Field(description="权限名称")
    department: DepartmentRef = Field(description="授权部门")
    item_code: str | None = Field(None, description="授权事项的实施编码；为空表示该部门全部事项")
    item_name: str | None = Field(None, description="授权事项名称")
    valid_from: date = Field(description="生效日期")
    valid_until: date | None = Field(None, description="失效日期；为空表示长期有效")
    document_number: str = Field(description="授权书编号")
    in_force: bool = Field(description="今天是否有效")


class MeOut(Schema):
    username: str = Field(description="登录名")
    name: str = Field(description="姓名")
    employee_number: str = Field(description="工号")
    region: RegionOut = Field(description="所属区划")
    department: DepartmentRef | None = Field(None, description="所属部门")
    is_present: bool = Field(description="是否在岗")
    roles: list[str] = Field(description="全部岗位的角色代码（去重）")
    postings: list[PostingOut] = Field(description="岗位")
    authorizations: list[AuthorizationOut] = Field(description="事项授权")
    backs_up: list[StaffRef] = Field(description="本人担任其B岗的A岗人员（AB岗）")
    backed_up_by: list[StaffRef] = Field(description="本人的B岗人员（AB岗）")


class DepartmentOut(Schema):
    id: int = Field(description="部门ID")
    code: str = Field(description="部门编码")
    name: str = Field(description="部门名称")
    short_name: str = Field(description="简称")
    region: RegionOut = Field(description="所属区划")
    is_stationed: bool = Field(description="是否进驻中心")


class WindowOut(Schema):
    id: int = Field(description="窗口ID")
    number: str = Field(description="窗口号")
    name: str = Field(description="窗口名称")
    kind: str = Field(description="窗口类型代码：dedicated（专门窗口）、general（综合窗口）、periodic（定期窗口）")
    kind_label: str = Field(description="窗口类型名称")
    region: RegionOut = Field(description="所属区划")
    departments: list[DepartmentRef] = Field(description="窗口办理的部门")
    schedule: str = Field(description="开放时间（定期窗口）")
    is_active: bool = Field(description="是否启用")

    @staticmethod
    def resolve_kind_label(obj: Window) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_departments(obj: Window) -> list[Department]:
        return list(obj.departments.all())


class StaffOut(Schema):
    id: int = Field(description="工作人员ID")
    name: str = Field(description="姓名")
    employee_number: str = Field(description="工号")
    region: RegionOut = Field(description="所属区划")
    department: DepartmentRef | None = Field(None, description="所属部门")
    is_present: bool = Field(description="是否在岗")
    postings: list[PostingOut] = Field(description="岗位")

    @staticmethod
    def resolve_postings(obj: Staff) -> list[Posting]:
        return list(obj.postings.all())


class RegionFilter(Schema):
    region: str | None = Field(None, description="只看该区划及其下级（12位区划代码），仍限于本人可见范围")


def _region(region: Region) -> RegionOut:
    return RegionOut(code=region.code, name=region.name)


def _department(department: Department | None) -> DepartmentRef | None:
    if department is None:
        return None
    return DepartmentRef(id=department.id, code=department.code, name=department.name)


def _authorization(a: Authorization, today: date) -> AuthorizationOut:
    version = a.item.current_version if a.item is not None else None
    return AuthorizationOut(
        power=a.power, power_label=POWER_LABELS[Power(a.power)], department=_department(a.department),
        item_code=a.item.implementation_code if a.item is not None else None,
        item_name=version.name if version is not None else None,
        valid_from=a.valid_from, valid_until=a.valid_until, document_number=a.document_number,
        in_force=a.valid_from <= today and (a.valid_until is None or a.valid_until >= today),
    )


def _staff_ref(s: Staff) -> StaffRef:
    return StaffRef(name=s.name, employee_number=s.employee_number)


@router.get("/me", response=MeOut, summary="当前工作人员：岗位、角色、授权与AB岗")
def me(request: HttpRequest) -> MeOut:
    """Who the caller is: their staff record, postings, roles, authorizations and AB posts."""
    staff = request_staff(request)
    profile = selectors.staff_profile(staff.user)
    today = local_date()
    return MeOut(
        username=staff.user.username, name=staff.name, employee_number=staff.employee_number,
        region=_region(staff.region), department=_department(staff.department), is_present=staff.is_present,
        roles=sorted(r.value for r in roles_of(staff)),
        postings=[PostingOut.from_orm(p) for p in profile.postings],
        authorizations=[_authorization(a, today) for a in profile.authorizations],
        backs_up=[_staff_ref(b.primary) for b in profile.backing],
        backed_up_by=[_staff_ref(b.backup) for b in profile.backups],
    )


@router.get("/departments", response=list[DepartmentOut], summary="本人可见区划内的部门")
@paginate(BoundedLimitOffset)
def departments(request: HttpRequest, filters: Query[RegionFilter]) -> QuerySet[Department]:
    """Departments of the regions the caller's postings reach."""
    return selectors.visible_departments(request_staff(request), region_code=filters.region)


@router.get("/windows", response=list[WindowOut], summary="本人可见区划内的窗口")
@paginate(BoundedLimitOffset)
def windows(request: HttpRequest, filters: Query[RegionFilter]) -> QuerySet[Window]:
    """Windows of the regions the caller reaches, with the departments each serves."""
    return selectors.visible_windows(request_staff(request), region_code=filters.region)


@router.get("/staff", response=list[StaffOut], summary="本人可见区划内的工作人员")
@paginate(BoundedLimitOffset)
def staff_list(request: HttpRequest, filters: Query[RegionFilter]) -> QuerySet[Staff]:
    """Staff whose home region or postings lie in the regions the caller reaches."""
    return selectors.visible_staff(request_staff(request), region_code=filters.region)
