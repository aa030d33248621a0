"""The full-ID view log in the admin: read-only, for the center administrators of the case's region."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from onewindow.organization.scoped_admin import RegionScopedAdmin

from .models import IdView


@admin.register(IdView)
class IdViewAdmin(RegionScopedAdmin):
    """An audit log is never edited: view only (DESIGN.md §6)."""

    region_field = "case__region"
    list_display = ("viewed_at", "staff", "case", "field", "remote_addr")
    list_filter = ("field",)
    search_fields = ("case__number", "staff__name", "staff__employee_number")
    date_hierarchy = "viewed_at"
    list_select_related = ("staff", "case")

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
