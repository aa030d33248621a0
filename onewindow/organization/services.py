"""Writes of the organization: regions, departments, windows, staff, postings, AB posts, grants.

Every function is keyword-only and runs in one transaction. ``actor`` is the staff member doing
it; ``None`` means the system itself (the CLI, the demo loader), which needs no permission.
With an actor, each write checks ``Action.ORGANIZATION_EDIT`` on the region it touches: only a
center administrator posted there (or above) maintains the organization.

The ``*_ensure`` functions are idempotent: they create the row, or bring an existing one to the
given values, so loading the same master data twice changes nothing.

The ``check_*`` helpers hold the rules that more than one caller needs (the services and the
admin forms): each raises :class:`DomainError` with an English code and a Chinese message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from onewindow.catalog.models import ServiceItem
from onewindow.core.errors import DomainError, NotFound
from onewindow.core.uploads import check_file

from .models import Authorization, BackupPost, Department, Posting, Region, Staff, Window
from .permissions import Action, Reach, reaches, require
from .rules import InvalidRegionCode, Power, Role, parent_code, region_level

# Who may hold a power (充分授权): deciding belongs to the chief representative (首席代表) or a
# reviewer the department delegates to; accepting belongs to window clerks (窗口工作人员).
POWER_HOLDER_ROLES: dict[Power, frozenset[Role]] = {
    Power.DECIDE: frozenset({Role.CHIEF_REPRESENTATIVE, Role.REVIEWER}),
    Power.ACCEPT: frozenset({Role.CLERK}),
}


def _authorize(actor: Staff | None, region: Region, department: Department | None = None) -> None:
    """The system (actor None) may do anything; a person needs organization.edit there."""
    if actor is not None:
        require(actor, Action.ORGANIZATION_EDIT, region=region, department=department)


# --- lookups ---------------------------------------------------------------------------------


def get_region(code: str, *, field: str = "region_code") -> Region:
    """The region with this code, or a NotFound naming ``field``."""
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise NotFound(f"区划 {code} 不存在（{field}）", code="region.not_found", field=field) from None


def get_department(region: Region, code: str, *, field: str = "department_code") -> Department:
    """The department ``code`` of ``region``, or a NotFound naming ``field``."""
    try:
        return Department.objects.get(region=region, code=code)
    except Department.DoesNotExist:
        raise NotFound(f"{region.name}没有编码为 {code} 的部门（{field}）", code="department.not_found",
                       field=field) from None


def get_window(region: Region, number: str, *, field: str = "window_number") -> Window:
    """Window ``number`` of ``region``, or a NotFound naming ``field``."""
    try:
        return Window.objects.get(region=region, number=number)
    except Window.DoesNotExist:
        raise NotFound(f"{region.name}没有 {number} 号窗口（{field}）", code="window.not_found",
                       field=field) from None


# --- regions ---------------------------------------------------------------------------------


def check_region_code(code: str) -> Region | None:
    """Validate a region code and return its parent (None for a province).

    The parent must already exist: the tree is built from the top down.
    """
    try:
        region_level(code)
    except InvalidRegionCode:
        raise DomainError("region.invalid_code", f"区划代码须为12位数字：{code!r}（区划代码）",
                          field="code") from None
    parent = parent_code(code)
    if parent is None:
        return None
    try:
        return Region.objects.get(code=parent)
    except Region.DoesNotExist:
        raise DomainError("region.parent_missing", f"上级区划 {parent} 不存在，请先创建上级区划（区划代码）",
                          field="code") from None


@transaction.atomic
def region_ensure(*, code: str, name: str, actor: Staff | None = None, has_center: bool = False,
                  is_demo: bool = False) -> Region:
    """Create the region ``code`` (parent and level read from the code) or update its name and flags."""
    name = (name or "").strip()
    if not name:
        raise DomainError("region.name_required", "请填写区划名称（名称）", field="name")
    parent = check_region_code(code)
    existing = Region.objects.select_for_update().filter(code=code).first()
    # A new region is checked by its code alone: a county administrator may add townships below.
    _authorize(actor, existing or Region(code=code, name=name))
    if existing is None:
        return Region.objects.create(code=code, name=name, level=int(region_level(code)), parent=parent,
                                     has_center=has_center, is_demo=is_demo)
    changed = {f: v for f, v in {"name": name, "has_center": has_center, "is_demo": is_demo}.items()
               if getattr(existing, f) != v}
    if changed:
        for f, v in changed.items():
            setattr(existing, f, v)
        existing.save(update_fields=list(changed))
    return existing


# --- departments -----------------------------------------------------------------------------


@transaction.atomic
def department_ensure(*, region_code: str, code: str, name: str, actor: Staff | None = None,
                      short_name: str = "", credit_code: str = "", order: int = 0,
                      is_stationed: bool = True) -> Department:
    """Create department ``code`` of a region, or bring it to the given values."""
    code = (code or "").strip()
    name = (name or "").strip()
    if not code:
        raise DomainError("department.code_required", "请填写部门编码（部门编码）", field="code")
    if not name:
        raise DomainError("department.name_required", "请填写部门名称（名称）", field="name")
    if credit_code and len(credit_code) != 18:
        raise DomainError("department.invalid_credit_code", "统一社会信用代码须为18位（统一社会信用代码）",
                          field="credit_code")
    region = get_region(region_code)
    _authorize(actor, region)
    values = {"name": name, "short_name": short_name, "credit_code": credit_code, "order": order,
              "is_stationed": is_stationed}
    department = Department.objects.select_for_update().filter(region=region, code=code).first()
    if department is None:
        return Department.objects.create(region=region, code=code, **values)
    changed = [f for f, v in values.items() if getattr(department, f) != v]
    if changed:
        for f in changed:
            setattr(department, f, values[f])
        department.save(update_fields=changed)
    return department


# --- windows ---------------------------------------------------------------------------------


def check_window(*, kind: str, departments: list[Department], schedule: str) -> None:
    """A window's kind fits its departments and schedule."""
    if kind not in Window.Kind.values:
        raise DomainError("window.invalid_kind", f"窗口类型无效：{kind!r}（类型）", field="kind")
    if not departments:
        raise DomainError("window.departments_required", "窗口至少要有一个部门（部门）", field="department_codes")
    # A periodic window (定期窗口) exists for seasonal or weekly business: it must say when it opens.
    if kind == Window.Kind.PERIODIC and not schedule.strip():
        raise DomainError("window.schedule_required", "定期窗口须填写开放时间，例如“每周二全天”（开放时间）",
                          field="schedule")


@transaction.atomic
def window_ensure(*, region_code: str, number: str, name: str, department_codes: Iterable[str],
                  actor: Staff | None = None, kind: str = Window.Kind.DEDICATED, schedule: str = "",
                  is_active: bool = True) -> Window:
    """Create window ``number`` of a region, or bring it (and its set of departments) to the given values."""
    number = (number or "").strip()
    name = (name or "").strip()
    if not number:
        raise DomainError("window.number_required", "请填写窗口号（窗口号）", field="number")
    if not name:
        raise DomainError("window.name_required", "请填写窗口名称（名称）", field="name")
    region = get_region(region_code)
    _authorize(actor, region)
    departments = [get_department(region, c, field="department_codes") for c in dict.fromkeys(department_codes)]
    check_window(kind=str(kind), departments=departments, schedule=schedule)
    values = {"name": name, "kind": str(kind), "schedule": schedule, "is_active": is_active}
    window = Window.objects.select_for_update().filter(region=region, number=number).first()
    if window is None:
        window = Window.objects.create(region=region, number=number, **values)
    else:
        changed = [f for f, v in values.items() if getattr(window, f) != v]
        if changed:
            for f in changed:
                setattr(window, f, values[f])
            window.save(update_fields=changed)
    if {d.id for d in window.departments.all()} != {d.id for d in departments}:
        window.departments.set(departments)
    return window


# --- staff -----------------------------------------------------------------------------------


@transaction.atomic
def staff_create(*, username: str, password: str | None, name: str, employee_number: str, region_code: str,
                 department_code: str | None = None, actor: Staff | None = None,
                 is_django_staff: bool = False, password_hash: str | None = None) -> Staff:
    """Create a login (accounts.User, password hashed with the configured hasher, Argon2) and its Staff.

    Give ``password`` in clear (it is checked by the password validators), or ``password_hash``
    already made by ``make_password`` — the demo loader hashes its one shared password once.
    """
    User = get_user_model()
    username = (username or "").strip()
    name = (name or "").strip()
    employee_number = (employee_number or "").strip()
    if not username:
        raise DomainError("staff.username_required", "请填写登录名（登录名）", field="username")
    if not name:
        raise DomainError("staff.name_required", "请填写姓名（姓名）", field="name")
    if not employee_number:
        raise DomainError("staff.employee_number_required", "请填写工号（工号）", field="employee_number")
    region = get_region(region_code)
    department = get_department(region, department_code) if department_code else None
    _authorize(actor, region, department)
    if User.objects.filter(username=username).exists():
        raise DomainError("staff.username_taken", f"登录名 {username} 已被使用（登录名）", field="username")
    if Staff.objects.filter(employee_number=employee_number).exists():
        raise DomainError("staff.employee_number_taken", f"工号 {employee_number} 已被使用（工号）",
                          field="employee_number")
    user = User(username=username, full_name=name, is_staff=is_django_staff)
    if password_hash is not None:
        user.password = password_hash
    elif password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError("staff.weak_password", f"密码不符合要求：{'；'.join(exc.messages)}（密码）",
                              field="password") from None
        user.password = make_password(password)
    else:
        raise DomainError("staff.password_required", "请设置初始密码（密码）", field="password")
    user.save()
    return Staff.objects.create(user=user, name=name, employee_number=employee_number, region=region,
                                department=department)


# --- postings --------------------------------------------------------------------------------


def check_posting(*, staff: Staff, role: str, region: Region, department: Department | None,
                  window: Window | None, exclude_id: int | None = None) -> None:
    """A posting names a known role, a window and department of its own region, and is new."""
    if role not in {r.value for r in Role}:
        raise DomainError("posting.invalid_role", f"角色无效：{role!r}（角色）", field="role")
    if department is not None and department.region_id != region.id:
        raise DomainError("posting.department_outside_region", f"{department.name}不属于{region.name}（部门）",
                          field="department_code")
    if window is not None:
        if window.region_id != region.id:
            raise DomainError("posting.window_outside_region", f"{window}不属于{region.name}（窗口）",
                              field="window_number")
        if department is not None and not window.departments.filter(pk=department.pk).exists():
            raise DomainError("posting.department_not_at_window", f"{window}不办理{department.name}的事项（部门）",
                              field="department_code")
    duplicates = Posting.objects.filter(staff=staff, role=role, region=region, department=department,
                                        window=window)
    if exclude_id is not None:
        duplicates = duplicates.exclude(pk=exclude_id)
    if duplicates.exists():
        raise DomainError("posting.duplicate", f"{staff.name}已有相同的岗位（角色）", field="role")


@transaction.atomic
def posting_add(*, staff: Staff, role: str, region_code: str, department_code: str | None = None,
                window_number: str | None = None, actor: Staff | None = None) -> Posting:
    """Post ``staff`` to a role in a region, optionally for one department or at one window."""
    region = get_region(region_code)
    department = get_department(region, department_code) if department_code else None
    window = get_window(region, window_number) if window_number else None
    _authorize(actor, region, department)
    check_posting(staff=staff, role=str(role), region=region, department=department, window=window)
    posting = Posting.objects.create(staff=staff, role=str(role), region=region, department=department,
                                     window=window)
    staff.__dict__.pop("_reaches", None)  # the permission cache of this instance is stale now
    return posting


# --- AB posts --------------------------------------------------------------------------------


def check_backup_post(*, primary: Staff, backup: Staff) -> None:
    """AB岗 pairs two different people of the same center."""
    if primary.pk == backup.pk:
        raise DomainError("backup_post.self", "A岗和B岗不能是同一人（B岗）", field="backup")
    if primary.region_id != backup.region_id:
        raise DomainError("backup_post.cross_region",
                          f"B岗须与A岗同属一个区划：{primary.name}在{primary.region.name}，"
                          f"{backup.name}在{backup.region.name}（B岗）", field="backup")


@transaction.atomic
def backup_post_set(*, primary: Staff, backup: Staff, actor: Staff | None = None) -> BackupPost:
    """Make ``backup`` the B post of ``primary`` (acting while A is absent). Idempotent."""
    check_backup_post(primary=primary, backup=backup)
    _authorize(actor, primary.region)
    post, _created = BackupPost.objects.get_or_create(primary=primary, backup=backup)
    return post


# --- authorizations --------------------------------------------------------------------------


def _holder_reach(staff: Staff, power: Power, department: Department) -> Reach | None:
    # Fresh postings, not the instance cache: a posting may have been added in this transaction.
    staff.__dict__.pop("_reaches", None)
    roles = POWER_HOLDER_ROLES[power]
    return next((r for r in reaches(staff)
                 if r.role in roles and r.covers(department.region.code, department.id)), None)


def check_authorization(*, staff: Staff, power: str, department: Department, item: object | None,
                        valid_from: date | None, valid_until: date | None) -> None:
    """A grant fits its holder's postings, its department and its dates."""
    if power not in {p.value for p in Power}:
        raise DomainError("authorization.invalid_power", f"权限无效：{power!r}（权限）", field="power")
    if valid_from is None:
        raise DomainError("authorization.valid_from_required", "请填写生效日期（生效日期）", field="valid_from")
    if valid_until is not None and valid_until < valid_from:
        raise DomainError("authorization.invalid_period", "失效日期不能早于生效日期（失效日期）",
                          field="valid_until")
    if item is not None and item.department_id != department.id:
        raise DomainError("authorization.item_outside_department", f"事项“{item}”不属于{department.name}（事项）",
                          field="item_code")
    # A power is only worth granting to someone whose posting lets them use it there:
    # deciding to a chief representative or reviewer, accepting to a window clerk.
    if _holder_reach(staff, Power(power), department) is None:
        if power == Power.DECIDE:
            raise DomainError("authorization.decider_not_posted",
                              f"{staff.name}在{department.region.name}没有首席代表或审核岗位，"
                              f"不能被授予{department.name}的审批决定权（被授权人）", field="staff")
        raise DomainError("authorization.clerk_not_posted",
                          f"{staff.name}在{department.region.name}没有可办理{department.name}事项的窗口岗位，"
                          f"不能被授予受理权（被授权人）", field="staff")


@transaction.atomic
def authorization_grant(*, staff: Staff, power: str, department_code: str, item_code: str | None = None,
                        valid_from: date, valid_until: date | None = None, document_number: str = "",
                        actor: Staff | None = None) -> Authorization:
    """Grant ``staff`` the power to accept or decide one item of a department (or all of them).

    The department is looked up in the staff member's region; an identical grant already in force
    is returned instead of a second one.
    """
    department = get_department(staff.region, department_code)
    item = None
    if item_code:
        item = ServiceItem.objects.filter(implementation_code=item_code).first()
        if item is None:
            raise NotFound(f"实施编码为 {item_code} 的事项不存在（事项）", code="item.not_found", field="item_code")
    _authorize(actor, department.region, department)
    check_authorization(staff=staff, power=str(power), department=department, item=item,
                        valid_from=valid_from, valid_until=valid_until)
    existing = Authorization.objects.filter(staff=staff, power=str(power), department=department, item=item,
                                            valid_from=valid_from, valid_until=valid_until).first()
    if existing is not None:
        return existing
    return Authorization.objects.create(staff=staff, power=str(power), department=department, item=item,
                                        valid_from=valid_from, valid_until=valid_until,
                                        document_number=document_number)


# --- changes and removals (the admin screens' writes) ----------------------------------------


@transaction.atomic
def staff_update(*, staff: Staff, name: str, department_code: str | None = None, is_present: bool = True,
                 actor: Staff | None = None) -> Staff:
    """Change a staff member's name, department (in their own region) and presence."""
    name = (name or "").strip()
    if not name:
        raise DomainError("staff.name_required", "请填写姓名（姓名）", field="name")
    department = get_department(staff.region, department_code) if department_code else None
    _authorize(actor, staff.region, department)
    staff.name, staff.department, staff.is_present = name, department, is_present
    staff.save(update_fields=["name", "department", "is_present"])
    if staff.user.full_name != name:
        staff.user.full_name = name
        staff.user.save(update_fields=["full_name"])
    return staff


def staff_photo_set(*, staff: Staff, photo: UploadedFile | None, actor: Staff | None = None) -> Staff:
    """Put (or, with None, take down) a staff member's photo on the hall's identity board: checked
    as every upload is (content, size, pixels) and an image (JPEG or PNG)."""
    _authorize(actor, staff.region, staff.department)
    checked = None
    if photo is not None:
        checked = check_file(photo, material="工作人员照片", field="photo")
        if not checked.content_type.startswith("image/"):
            raise DomainError("staff.photo_not_image", "照片须为 JPEG 或 PNG 图片（照片）", field="photo")
    storage = staff.photo.storage
    with transaction.atomic():
        old = staff.photo.name if staff.photo else ""
        if checked is not None:
            # Named by its content: writing it again is harmless, and it is written only once the
            # row is committed (the admin rehearses a change in a transaction it rolls back).
            name = f"staff/{staff.employee_number}-{checked.sha256[:16]}.{checked.extension}"
            data = checked.data
            transaction.on_commit(lambda: storage.exists(name) or storage.save(name, ContentFile(data)))
            staff.photo.name, staff.photo_type = name, checked.content_type
        else:
            staff.photo.name, staff.photo_type = "", ""
        staff.save(update_fields=["photo", "photo_type"])
        if old and old != staff.photo.name:
            transaction.on_commit(lambda: storage.delete(old))  # the replaced file, once the row says so
    return staff


@transaction.atomic
def posting_remove(*, posting: Posting, actor: Staff | None = None) -> None:
    """End a posting."""
    _authorize(actor, posting.region, posting.department)
    posting.delete()


@transaction.atomic
def backup_post_remove(*, post: BackupPost, actor: Staff | None = None) -> None:
    """Dissolve an AB pair."""
    _authorize(actor, post.primary.region)
    post.delete()


@transaction.atomic
def authorization_revoke(*, authorization: Authorization, actor: Staff | None = None) -> None:
    """Withdraw a grant."""
    _authorize(actor, authorization.department.region, authorization.department)
    authorization.delete()
