"""Master data of supervision in the admin: each center's settings (its center administrators only).

Warnings, orders and efficiency warnings are not edited here: they change only through the
services (the sweep, the supervisors' and departments' actions), which keep their history.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from onewindow.lifecycle.center_settings import forget_yellow_shares
from onewindow.organization.scoped_admin import RegionScopedAdmin
from onewindow.tasks.services import job_run_soon

from .models import SupervisionSettings
from .rules import RULES
from .services import REFRESH_YELLOW_JOB


class SupervisionSettingsForm(forms.ModelForm):
    enabled_rules = forms.MultipleChoiceField(
        label="启用的监察规则", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(code, f"{rule.label}（{rule.description}）") for code, rule in RULES.items()])

    class Meta:
        model = SupervisionSettings
        fields = ["region", "enabled_rules", "yellow_share", "min_cases_for_ranking", "order_reply_workdays"]


@admin.register(SupervisionSettings)
class SupervisionSettingsAdmin(RegionScopedAdmin):
    form = SupervisionSettingsForm
    list_display = ("region", "yellow_share", "min_cases_for_ranking", "order_reply_workdays", "updated_at")
    search_fields = ("region__name", "region__code")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_yellow_shares()  # this process times the next transition with the new share at once

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_yellow_shares()
        job_run_soon(REFRESH_YELLOW_JOB)  # a removed row wakes no job
