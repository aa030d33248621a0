"""Admin screens for the organization's master data: regions, departments, windows, staff.

Every screen is scoped by :class:`RegionScopedAdmin` to the regions of the center administrator
using it. Writes go through :mod:`onewindow.organization.services`, so the admin obeys the same
rules as the CLI and the API: each form first runs its service inside a transaction that is
rolled back (a dry run) and shows any :class:`DomainError` on the field it names; saving then
runs the service for real.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import ServiceItem
from onewindow.core.errors import DomainError

from . import services
from .models import Authorization, BackupPost, Department, Posting, Region, Staff, Window
from .permissions import reaches, staff_of
from .rules import Role, region_prefix
from .scoped_admin import RegionScopedAdmin


def _actor(request: HttpRequest | None) -> Staff | None:
    """The staff member acting; a superuser acts as the system (they may have no posting at all)."""
    if request is None or request.user.is_superuser:
        return None
    return staff_of(request.user)


class _DryRun(Exception):  # a control-flow signal, not an error
    pass


class _HookedFormMetaclass(type(forms.ModelForm), ABCMeta):
    """A model form metaclass that also honours ``abstractmethod``: a form that leaves a hook
    undefined cannot be instantiated, instead of failing only when the hook is called."""


class ServiceForm(forms.ModelForm, metaclass=_HookedFormMetaclass):
    """A model form whose save is a service call; ``clean`` rehearses it and reports its refusals."""

    request: HttpRequest | None = None  # set per request by the admin (see ``_bind``)
    # DomainError.field → form field; unknown fields become errors of the whole form.
    field_map: ClassVar[dict[str, str]] = {}

    @abstractmethod
    def run_service(self, actor: Staff | None) -> Any:
        """Call the service that makes this form's change, as ``actor``; return the saved row."""

    def needs_service(self) -> bool:
        if self.cleaned_data.get("DELETE"):
            return False
        return self.instance.pk is None or self.has_changed()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors or not self.needs_service():
            return cleaned
        try:
            with transaction.atomic():
                self.run_service(_actor(self.request))
                raise _DryRun
        except _DryRun:
            pass
        except DomainError as exc:
            field = self.field_map.get(exc.field or "", exc.field)
            if field in self.fields:
                self.add_error(field, ValidationError(exc.message, code=exc.code))
            else:
                raise ValidationError(exc.message, code=exc.code) from None
        return cleaned


def _bind(form_class: type[ServiceForm], request: HttpRequest) -> type[ServiceForm]:
    return type(form_class.__name__, (form_class,), {"request": request})


def _code_or_none(obj: Department | Window | None, attr: str = "code") -> str | None:
    return getattr(obj, attr) if obj is not None else None


class ServiceAdmin(RegionScopedAdmin):
    """Saves through ``form.run_service``; limits foreign-key choices to the user's regions."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        return _bind(super().get_form(request, obj, change, **kwargs), request)

    def save_model(self, request: HttpRequest, obj: Any, form: ServiceForm, change: bool) -> None:
        saved = form.run_service(_actor(request))
        # The admin goes on with ``obj`` (messages, log entry, redirect): give it the saved row's key.
        obj.pk = saved.pk
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form: ServiceForm, formsets: list, change: bool) -> None:
        # Many-to-many fields were set by the service; only inline formsets remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            obj.delete()

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs: Any):
        kwargs["queryset"] = scoped_choices(db_field.related_model, request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs: Any):
        kwargs["queryset"] = scoped_choices(db_field.related_model, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _admin_regions_q(request: HttpRequest, field: str) -> Q:
    """Rows whose region (``field``: a path to the region code) a center-admin posting reaches."""
    staff = staff_of(request.user)
    q = Q(pk__in=[])
    if staff is None:
        return q
    for r in reaches(staff):
        if r.role == Role.CENTER_ADMIN:
            q |= Q(**{f"{field}__startswith": region_prefix(r.region_code)})
    return q


def scoped_choices(model: type, request: HttpRequest) -> QuerySet:
    """The rows of ``model`` a form may offer: all for a superuser, else those of the user's regions."""
    qs = model._default_manager.all()
    if model is ServiceItem:
        qs = qs.select_related("current_version")
    if request.user.is_superuser:
        return qs
    if model is Region:
        return qs.filter(_admin_regions_q(request, "code"))
    if model in (Department, Window, Staff, ServiceItem):
        return qs.filter(_admin_regions_q(request, "region__code"))
    return qs


# --- regions ---------------------------------------------------------------------------------


class RegionForm(ServiceForm):
    class Meta:
        model = Region
        fields = ["code", "name", "has_center", "is_demo"]

    def run_service(self, actor: Staff | None) -> Region:
        data = self.cleaned_data
        return services.region_ensure(code=self.instance.code if self.instance.pk else data["code"],
                                      name=data["name"], has_center=data["has_center"],
                                      is_demo=data["is_demo"], actor=actor)


@admin.register(Region)
class RegionAdmin(ServiceAdmin):
    form = RegionForm
    list_display = ("code", "name", "level", "parent", "has_center", "is_demo")
    list_filter = ("level", "has_center", "is_demo")
    search_fields = ("code", "name")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = admin.ModelAdmin.get_queryset(self, request).select_related("parent")
        if request.user.is_superuser:
            return qs
        return qs.filter(_admin_regions_q(request, "code"))

    def get_readonly_fields(self, request: HttpRequest, obj: Region | None = None):
        # The code is the region's identity (parent and level are read from it).
        return ("code", "level", "parent") if obj is not None else ()

    def region_of(self, obj: Region) -> Region:
        return obj


# --- departments -----------------------------------------------------------------------------


class DepartmentForm(ServiceForm):
    field_map: ClassVar[dict[str, str]] = {"region_code": "region"}

    class Meta:
        model = Department
        fields = ["region", "code", "name", "short_name", "credit_code", "order", "is_stationed"]

    def run_service(self, actor: Staff | None) -> Department:
        data = self.cleaned_data
        region = self.instance.region if self.instance.pk else data["region"]
        code = self.instance.code if self.instance.pk else data["code"]
        return services.department_ensure(region_code=region.code, code=code, name=data["name"],
                                          short_name=data["short_name"], credit_code=data["credit_code"],
                                          order=data["order"], is_stationed=data["is_stationed"], actor=actor)


@admin.register(Department)
class DepartmentAdmin(ServiceAdmin):
    form = DepartmentForm
    list_display = ("name", "code", "short_name", "region", "order", "is_stationed")
    list_filter = ("is_stationed", "region")
    search_fields = ("name", "code", "short_name")
    list_select_related = ("region",)

    def get_readonly_fields(self, request: HttpRequest, obj: Department | None = None):
        return ("region", "code") if obj is not None else ()


# --- windows ---------------------------------------------------------------------------------


class WindowForm(ServiceForm):
    field_map: ClassVar[dict[str, str]] = {"region_code": "region", "department_codes": "departments"}

    class Meta:
        model = Window
        fields = ["region", "number", "name", "kind", "departments", "schedule", "is_active"]

    def run_service(self, actor: Staff | None) -> Window:
        data = self.cleaned_data
        region = self.instance.region if self.instance.pk else data["region"]
        number = self.instance.number if self.instance.pk else data["number"]
        codes = [d.code for d in data["departments"] if d.region_id == region.id]
        if len(codes) != len(data["departments"]):
            raise DomainError("window.department_outside_region", f"所选部门须属于{region.name}（部门）",
                              field="department_codes")
        return services.window_ensure(region_code=region.code, number=number, name=data["name"],
                                      kind=data["kind"], department_codes=codes, schedule=data["schedule"],
                                      is_active=data["is_active"], actor=actor)


@admin.register(Window)
class WindowAdmin(ServiceAdmin):
    form = WindowForm
    list_display = ("number", "name", "kind", "region", "schedule", "is_active")
    list_filter = ("kind", "is_active", "region")
    search_fields = ("number", "name")
    filter_horizontal = ("departments",)
    list_select_related = ("region",)

    def get_readonly_fields(self, request: HttpRequest, obj: Window | None = None):
        return ("region", "number") if obj is not None else ()


# --- staff and their postings, AB posts and authorizations ------------------------------------


class StaffInlineForm(ServiceForm):
    """A row of an inline under a staff member: a change is a removal followed by a fresh add."""

    def staff(self) -> Staff:
        return Staff.objects.select_related("region").get(pk=self.instance.staff_id)

    @abstractmethod
    def remove(self, actor: Staff | None) -> None:
        """Undo the row as it was stored (the first half of a change)."""

    @abstractmethod
    def add(self, actor: Staff | None) -> Any:
        """Add the row as the form now says; return it."""

    def run_service(self, actor: Staff | None) -> Any:
        if self.instance.pk is not None:
            self.remove(actor)
        return self.add(actor)


class PostingForm(StaffInlineForm):
    field_map: ClassVar[dict[str, str]] = {"region_code": "region", "department_code": "department",
                                           "window_number": "window"}

    class Meta:
        model = Posting
        fields = ["role", "region", "department", "window"]

    def remove(self, actor: Staff | None) -> None:
        services.posting_remove(posting=Posting.objects.get(pk=self.instance.pk), actor=actor)

    def add(self, actor: Staff | None) -> Posting:
        data = self.cleaned_data
        region: Region = data["region"]
        department, window = data.get("department"), data.get("window")
        if department is not None and department.region_id != region.id:
            raise DomainError("posting.department_outside_region", f"{department.name}不属于{region.name}（部门）",
                              field="department_code")
        if window is not None and window.region_id != region.id:
            raise DomainError("posting.window_outside_region", f"{window}不属于{region.name}（窗口）",
                              field="window_number")
        return services.posting_add(staff=self.staff(), role=data["role"], region_code=region.code,
                                    department_code=_code_or_none(department),
                                    window_number=_code_or_none(window, "number"), actor=actor)


class BackupPostForm(StaffInlineForm):
    def staff(self) -> Staff:
        return Staff.objects.select_related("region").get(pk=self.instance.primary_id)

    class Meta:
        model = BackupPost
        fields = ["backup"]

    def remove(self, actor: Staff | None) -> None:
        services.backup_post_remove(post=BackupPost.objects.get(pk=self.instance.pk), actor=actor)

    def add(self, actor: Staff | None) -> BackupPost:
        return services.backup_post_set(primary=self.staff(), backup=self.cleaned_data["backup"], actor=actor)


class AuthorizationForm(StaffInlineForm):
    field_map: ClassVar[dict[str, str]] = {"department_code": "department", "item_code": "item",
                                           "staff": "power"}

    class Meta:
        model = Authorization
        fields = ["power", "department", "item", "valid_from", "valid_until", "document_number"]

    def remove(self, actor: Staff | None) -> None:
        services.authorization_revoke(authorization=Authorization.objects.get(pk=self.instance.pk), actor=actor)

    def add(self, actor: Staff | None) -> Authorization:
        data = self.cleaned_data
        item = data.get("item")
        return services.authorization_grant(
            staff=self.staff(), power=data["power"], department_code=data["department"].code,
            item_code=item.implementation_code if item is not None else None, valid_from=data["valid_from"],
            valid_until=data.get("valid_until"), document_number=data.get("document_number", ""), actor=actor)


class ScopedInline(admin.TabularInline):
    """Inline rows follow the permission of the staff member they hang under."""

    extra = 0

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _bind(formset.form, request)
        return formset

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs: Any):
        kwargs["queryset"] = scoped_choices(db_field.related_model, request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _parent_allows(self, request: HttpRequest, obj: Staff | None) -> bool:
        return self.admin_site.get_model_admin(Staff).has_change_permission(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_allows(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_allows(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_allows(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_allows(request, obj)


class PostingInline(ScopedInline):
    model = Posting
    form = PostingForm


class BackupPostInline(ScopedInline):
    model = BackupPost
    form = BackupPostForm
    fk_name = "primary"
    verbose_name = _("B岗（本人不在岗时代为处理）")
    verbose_name_plural = _("AB岗")


class AuthorizationInline(ScopedInline):
    model = Authorization
    form = AuthorizationForm


class StaffAddForm(ServiceForm):
    """Adding a staff member creates their login too."""

    username = forms.CharField(label=_("登录名"), max_length=150)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput(render_value=False))
    is_django_staff = forms.BooleanField(label=_("可登录管理后台"), required=False)
    field_map: ClassVar[dict[str, str]] = {"region_code": "region", "department_code": "department"}

    class Meta:
        model = Staff
        fields = ["username", "password", "name", "employee_number", "region", "department", "is_django_staff"]

    def run_service(self, actor: Staff | None) -> Staff:
        data = self.cleaned_data
        return services.staff_create(username=data["username"], password=data["password"], name=data["name"],
                                     employee_number=data["employee_number"], region_code=data["region"].code,
                                     department_code=_code_or_none(data.get("department")),
                                     is_django_staff=data["is_django_staff"], actor=actor)


class StaffChangeForm(ServiceForm):
    field_map: ClassVar[dict[str, str]] = {"department_code": "department", "photo": "new_photo"}
    new_photo = forms.FileField(label=_("公示栏照片"), required=False,
                                help_text=_("JPEG 或 PNG；显示在大厅的岗位效能监督公示栏"))
    remove_photo = forms.BooleanField(label=_("撤下照片"), required=False)

    class Meta:
        model = Staff
        fields = ["name", "department", "is_present"]

    def run_service(self, actor: Staff | None) -> Staff:
        data = self.cleaned_data
        staff = Staff.objects.select_related("region", "user").get(pk=self.instance.pk)
        staff = services.staff_update(staff=staff, name=data["name"],
                                      department_code=_code_or_none(data.get("department")),
                                      is_present=data["is_present"], actor=actor)
        if data.get("new_photo") is not None:
            data["new_photo"].seek(0)  # the rehearsal in ``clean`` read it already
            staff = services.staff_photo_set(staff=staff, photo=data["new_photo"], actor=actor)
        elif data.get("remove_photo") and staff.photo:
            staff = services.staff_photo_set(staff=staff, photo=None, actor=actor)
        return staff


@admin.register(Staff)
class StaffAdmin(ServiceAdmin):
    list_display = ("employee_number", "name", "region", "department", "is_present")
    list_filter = ("is_present", "region", "department")
    search_fields = ("employee_number", "name", "user__username")
    list_select_related = ("region", "department")
    inlines = [PostingInline, BackupPostInline, AuthorizationInline]

    def get_form(self, request: HttpRequest, obj: Staff | None = None, change: bool = False, **kwargs: Any):
        kwargs["form"] = StaffChangeForm if obj is not None else StaffAddForm
        kwargs["fields"] = None
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Staff | None = None):
        form = StaffChangeForm if obj is not None else StaffAddForm
        fields = list(form.base_fields)
        return (["employee_number", "region", "user", *fields] if obj is not None else fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Staff | None = None):
        return ("employee_number", "region", "user") if obj is not None else ()

    def get_inlines(self, request: HttpRequest, obj: Staff | None):
        # Postings and grants need a saved staff member: add them after the first save.
        return self.inlines if obj is not None else []

    def save_formset(self, request: HttpRequest, form: ServiceForm, formset: Any, change: bool) -> None:
        actor = _actor(request)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:
            if not hasattr(row, "cleaned_data"):
                continue
            if row.cleaned_data.get("DELETE"):
                if row.instance.pk is not None:
                    row.remove(actor)
                    formset.deleted_objects.append(row.instance)
                continue
            if not row.needs_service():
                continue
            was_new = row.instance.pk is None
            saved = row.run_service(actor)
            if was_new:
                formset.new_objects.append(saved)
            else:
                formset.changed_objects.append((saved, row.changed_data))

