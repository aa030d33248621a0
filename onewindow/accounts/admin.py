"""Accounts in the admin: for superusers only.

Center administrators create and post staff through the organization screens (region-scoped);
the raw login table would let them see every county's accounts and grant themselves
``is_superuser``, so it stays with the superusers. API tokens are issued with
``manage.py create_api_token``; here they can only be listed and revoked.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onewindow.core.identity import mask_phone

from . import services
from .models import ApiToken, User


class SuperuserOnlyMixin:
    """Visible and usable by superusers only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)


@admin.register(User)
class UserAdmin(SuperuserOnlyMixin, BaseUserAdmin):
    list_display = ("username", "full_name", "masked_phone", "is_staff", "is_active")
    search_fields = ("username", "full_name")  # phone is encrypted: no search on it

    @admin.display(description=_("手机号"))
    def masked_phone(self, user: User) -> str:
        """The list shows phones masked like every other page (the edit form has the full one)."""
        return mask_phone(user.phone) if user.phone else ""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "name", "prefix")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued by `manage.py create_api_token`, the only place the token is shown

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("吊销所选令牌"), permissions=["view"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            services.api_token_revoke(token_id=token.pk)
        self.message_user(request, _("已吊销 %(n)d 个令牌") % {"n": queryset.count()}, messages.SUCCESS)
