"""Read-only admin screens of the calendars.

Every change of a calendar must append a numbered :class:`CalendarChange` and re-time open cases,
which only the services do: the calendars are edited on the staff pages (/staff/calendar/) or
with ``manage.py import_holidays``, never here.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from onewindow.organization.permissions import roles_of, staff_of
from onewindow.organization.rules import Role

from .models import Calendar, CalendarChange, CalendarDay, PublishedYear


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        if request.user.is_superuser:
            return True
        staff = staff_of(request.user)
        return bool(request.user.is_staff and staff is not None and Role.CENTER_ADMIN in roles_of(staff))

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Calendar)
class CalendarAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "created_at"]
    search_fields = ["name", "region__code", "region__name"]


@admin.register(PublishedYear)
class PublishedYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "notice", "published_at", "published_by", "published_by_label"]
    list_filter = ["year"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "kind", "name", "calendar", "published_year"]
    list_filter = ["kind", "calendar"]
    date_hierarchy = "day"
    search_fields = ["name"]


@admin.register(CalendarChange)
class CalendarChangeAdmin(ReadOnlyAdmin):
    list_display = ["number", "calendar", "kind", "year", "actor", "actor_label", "created_at"]
    list_filter = ["kind"]
    search_fields = ["region_code", "note"]
