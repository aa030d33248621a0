"""Region scoping for the Django admin: staff see and change only rows their postings reach.

The base class of every app's master-data screens. It lives here, not in ``core``, because it
is built on this app's permissions: ``core`` imports no domain app.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .permissions import Action, can, region_q, roles_of, staff_of
from .rules import Role


class RegionScopedAdmin(admin.ModelAdmin):
    """Filter by ``region_field`` to the regions a center administrator is posted to (and below).

    Superusers see everything. Anyone else needs a center-administrator posting: the admin is for
    master data, which only they maintain.
    """

    region_field = "region"

    def _staff(self, request: HttpRequest):
        return staff_of(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(region_q(self._staff(request), field=self.region_field, roles=[Role.CENTER_ADMIN]))

    def _is_center_admin(self, request: HttpRequest) -> bool:
        staff = self._staff(request)
        return staff is not None and Role.CENTER_ADMIN in roles_of(staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or (request.user.is_staff and self._is_center_admin(request))

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        if not self.has_module_permission(request):
            return False
        if obj is None:
            return True
        region = self.region_of(obj)
        return region is not None and can(self._staff(request), Action.ORGANIZATION_EDIT, region=region)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def region_of(self, obj):
        """The region an object belongs to, following ``region_field``."""
        target = obj
        for part in self.region_field.split("__"):
            target = getattr(target, part, None)
            if target is None:
                return None
        return target
