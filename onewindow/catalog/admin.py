"""Catalog screens of the admin, scoped to the administrator's regions.

Versions are read-only here: a change to an item must publish a new version (a case keeps the
version it was accepted under), which only ``services.item_draft_version`` (then the legal review) and the catalog
import (``manage.py import_catalog``) do.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onewindow.organization.models import Department, Region
from onewindow.organization.permissions import Action, can, reaches, region_q
from onewindow.organization.rules import Role, is_within, region_prefix
from onewindow.organization.scoped_admin import RegionScopedAdmin

from .models import (
    Bundle,
    BundleItem,
    CatalogChange,
    FeeItem,
    Material,
    ReceivingPoint,
    ServiceItem,
    ServiceItemVersion,
    Stage,
)

READ_ONLY_NOTE = _("事项版本只读：修改事项内容请发布新版本（目录导入 manage.py import_catalog，或事项维护功能），"
                   "已受理的办件保留其受理时的版本。")


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


class VersionInline(_ReadOnlyInline):
    model = ServiceItemVersion
    fk_name = "item"
    fields = ["version", "name", "handling_type", "statutory_limit", "promised_limit", "created_at",
              "created_by", "change_note"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = _("事项版本（只读）")


class ReceivingPointForm(forms.ModelForm):
    class Meta:
        model = ReceivingPoint
        fields = ["region", "forward_workdays"]

    def clean(self) -> dict[str, Any]:
        """A receiving point is another center of the same county tree: a township for a county
        item (上报), the county for a township item (下放)."""
        data = super().clean()
        region, item = data.get("region"), self.instance.item if self.instance.item_id else None
        item = item or getattr(self, "parent_item", None)
        if region is not None and item is not None:
            if region.pk == item.region_id:
                raise ValidationError({"region": _("收件点不能是事项本身所在的区划")})
            if not region.has_center:
                raise ValidationError({"region": _("收件点须设有政务服务中心")})
            if not (is_within(region.code, item.region.code) or is_within(item.region.code, region.code)):
                raise ValidationError({"region": _("收件点须为事项所在区划的上级或下级区划")})
        if data.get("forward_workdays") is not None and not 1 <= data["forward_workdays"] <= 10:
            raise ValidationError({"forward_workdays": _("初审上报时限须为 1 到 10 个工作日")})
        return data


class ReceivingPointInline(admin.TabularInline):
    model = ReceivingPoint
    form = ReceivingPointForm
    extra = 0
    verbose_name_plural = _("代收件点（上报件 / 下放）")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.parent_item = obj
        return formset

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "region":
            kwargs["queryset"] = Region.objects.filter(has_center=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ServiceItemForm(forms.ModelForm):
    """在用 cannot bring back an item the list cancelled, merged or delegated: that is a new item,
    drafted and legally reviewed (review_services), never a tick box."""

    class Meta:
        model = ServiceItem
        fields = ["is_active", "results_public", "publicity_days", "publicity_calendar_days", "publicity_basis"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        days = data.get("publicity_days")
        if days is not None and not 1 <= days <= 60:
            self.add_error("publicity_days", _("决定前公示期应为1至60天"))
        if days and not (data.get("publicity_basis") or "").strip():
            self.add_error("publicity_basis", _("设置决定前公示期须写明公示依据"))
        return data

    def clean_is_active(self) -> bool:
        active = bool(self.cleaned_data.get("is_active"))
        item = self.instance
        if active and item.pk and not item.is_active:
            change = CatalogChange.objects.filter(item=item).first()
            if change is not None:
                raise ValidationError(_("该事项已于%(day)s%(kind)s（%(basis)s），不能直接恢复在用；如需重新设立，"
                                        "请起草新版本并经法制审核") % {
                    "day": change.effective_on.isoformat(), "kind": change.get_kind_display(), "basis": change.basis})
            if item.current_version is None:
                raise ValidationError(_("该事项尚未发布（草稿待法制审核），不能设为在用"))
        return active


@admin.register(ServiceItem)
class ServiceItemAdmin(RegionScopedAdmin):
    form = ServiceItemForm
    list_display = ["implementation_code", "name", "department", "region", "current_version_number", "is_active",
                    "results_public"]
    list_display_links = ["implementation_code", "name"]
    list_filter = ["is_active", "results_public", "current_version__item_type", "current_version__handling_type"]
    search_fields = ["implementation_code", "basic_code", "current_version__name",
                     "current_version__pinyin_initials"]
    list_select_related = ["current_version", "department", "region"]
    ordering = ["region__code", "department__order", "implementation_code"]
    readonly_fields = ["implementation_code", "basic_code", "region", "department", "current_version",
                       "window_numbers", "use_count"]
    fieldsets = [(None, {"fields": readonly_fields + ["is_active", "results_public"], "description": READ_ONLY_NOTE}),
                 (_("决定前公示"), {"fields": ["publicity_days", "publicity_calendar_days", "publicity_basis"]})]
    inlines = [VersionInline, ReceivingPointInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # items come from the catalog import, which validates them

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cases refer to items; withdraw one by clearing "在用" instead

    @admin.display(description=_("事项名称"), ordering="current_version__name")
    def name(self, obj: ServiceItem) -> str:
        return obj.current_version.name if obj.current_version else "—"

    @admin.display(description=_("当前版本"))
    def current_version_number(self, obj: ServiceItem) -> str:
        return f"v{obj.current_version.version}" if obj.current_version else "—"

    @admin.display(description=_("办理窗口"))
    def window_numbers(self, obj: ServiceItem) -> str:
        return "、".join(w.number for w in obj.windows.order_by("number")) or "—"


class MaterialInline(_ReadOnlyInline):
    model = Material
    fields = ["order", "name", "required", "form", "copies", "source", "provision", "deferrable"]
    readonly_fields = fields


class FeeInline(_ReadOnlyInline):
    model = FeeItem
    fields = ["order", "name", "basis", "standard", "amount_fen", "waivable"]
    readonly_fields = fields


class StageInline(_ReadOnlyInline):
    model = Stage
    fields = ["order", "name", "department_code", "role", "budget_workdays", "parallel_group",
              "requires_two_signatures"]
    readonly_fields = fields


@admin.register(ServiceItemVersion)
class ServiceItemVersionAdmin(RegionScopedAdmin):
    """A version with its materials, fees and stages, to read; never to change."""

    region_field = "item__region"
    list_display = ["item", "version", "name", "created_at", "created_by", "change_note"]
    list_select_related = ["item__current_version", "created_by"]
    search_fields = ["name", "item__implementation_code", "pinyin_initials"]
    inlines = [MaterialInline, FeeInline, StageInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in ServiceItemVersion._meta.fields]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[Any, dict[str, Any]]]:
        return [(None, {"fields": self.get_readonly_fields(request, obj), "description": READ_ONLY_NOTE})]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False  # reached from the item's page, not listed on the index

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if request.user.is_superuser:
            return True
        if not (request.user.is_staff and self._is_center_admin(request)):
            return False
        return obj is None or can(self._staff(request), Action.CATALOG_VIEW, region=obj.item.region)


class BundleItemFormSet(BaseInlineFormSet):
    """Every item of a bundle lies in the bundle's region (or below it)."""

    def clean(self) -> None:
        super().clean()
        region = getattr(self.instance, "region", None)
        if region is None:
            return
        for form in self.forms:
            item = form.cleaned_data.get("item") if hasattr(form, "cleaned_data") else None
            if item is not None and not form.cleaned_data.get("DELETE") and not is_within(item.region.code,
                                                                                           region.code):
                raise ValidationError(_("事项“%(item)s”不在一件事的区划内") % {"item": item})


class BundleForm(forms.ModelForm):
    class Meta:
        model = Bundle
        fields = ["code", "name", "region", "life_event", "description", "lead_department"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        region, lead = data.get("region"), data.get("lead_department")
        if region is not None and lead is not None and lead.region_id != region.pk:
            self.add_error("lead_department", _("牵头部门应属于一件事所在的区划"))
        return data


class BundleItemInline(admin.TabularInline):
    """A bundle's items, editable by whoever may change the bundle."""

    model = BundleItem
    formset = BundleItemFormSet
    extra = 1
    fields = ["order", "item", "situation"]
    autocomplete_fields = ["item"]

    def _parent_may_change(self, request: HttpRequest, obj: Any) -> bool:
        return self.admin_site.get_model_admin(Bundle).has_change_permission(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_may_change(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_may_change(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_may_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_may_change(request, obj)


@admin.register(Bundle)
class BundleAdmin(RegionScopedAdmin):
    form = BundleForm
    list_display = ["code", "name", "life_event", "lead_department", "region"]
    search_fields = ["code", "name", "life_event"]
    list_select_related = ["lead_department", "region"]
    inlines = [BundleItemInline]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Offer only the regions and departments the administrator maintains."""
        if not request.user.is_superuser:
            staff = self._staff(request)
            if db_field.name == "lead_department":
                kwargs["queryset"] = Department.objects.filter(region_q(staff, roles=[Role.CENTER_ADMIN]))
            elif db_field.name == "region":
                kwargs["queryset"] = Region.objects.filter(_own_regions_q(staff))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _own_regions_q(staff: Any) -> Q:
    """Regions where ``staff`` is a center administrator, and the regions below them."""
    q = Q(pk__in=[])
    for reach in reaches(staff) if staff is not None else []:
        if reach.role == Role.CENTER_ADMIN:
            q |= Q(code__startswith=region_prefix(reach.region_code)) if reach.subtree else Q(code=reach.region_code)
    return q
