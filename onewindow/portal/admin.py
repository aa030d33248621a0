"""Admin screens of the portal: search synonyms (kept by center administrators) and the log of
searches that found nothing, most frequent first — the list of synonyms worth adding."""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from onewindow.organization.admin import ServiceAdmin, ServiceForm
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action, can, region_q
from onewindow.organization.rules import Role
from onewindow.organization.scoped_admin import RegionScopedAdmin

from . import services
from .models import SearchLog, Synonym
from .search import split_words


class SynonymForm(ServiceForm):
    """Words in one box (separated by commas, 、 or new lines); saved by ``synonym_save``."""

    field_map: ClassVar[dict[str, str]] = {"words": "words_text"}
    words_text = forms.CharField(label=_("同义词"), widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("目录中的说法，多个用逗号、顿号或换行分隔，例如：餐馆、餐厅"))

    class Meta:
        model = Synonym
        fields = ["region", "term"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["words_text"] = "、".join(self.instance.words)

    def clean_words_text(self) -> list[str]:
        return split_words(self.cleaned_data["words_text"])

    def has_changed(self) -> bool:
        return super().has_changed() or self.instance.pk is None

    def run_service(self, actor: Staff | None) -> Synonym:
        data = self.cleaned_data
        return services.synonym_save(synonym_id=self.instance.pk, region_code=data["region"].code,
                                     term=data["term"], words=data["words_text"], actor=actor)


@admin.register(Synonym)
class SynonymAdmin(ServiceAdmin):
    form = SynonymForm
    list_display = ["term", "words_display", "region", "updated_at"]
    list_filter = ["region"]
    search_fields = ["term"]
    list_select_related = ["region"]
    ordering = ["region__code", "term"]

    @admin.display(description=_("同义词"))
    def words_display(self, obj: Synonym) -> str:
        return "、".join(obj.words)


@admin.register(SearchLog)
class SearchLogAdmin(RegionScopedAdmin):
    """Read-only; a row may be deleted once its synonym is added. Rows without a region (the
    search was not limited to one) are shown to every center administrator."""

    list_display = ["query", "normalized", "region", "count", "first_seen", "last_seen", "add_synonym"]
    list_display_links = None
    search_fields = ["query", "normalized"]
    list_filter = ["region"]
    list_select_related = ["region"]
    ordering = ["-count", "-last_seen"]
    readonly_fields = ["query", "normalized", "region", "count", "first_seen", "last_seen"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        return qs.filter(region_q(self._staff(request), roles=[Role.CENTER_ADMIN]) | Q(region__isnull=True))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only searches write it

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.has_module_permission(request):
            return False
        if obj is None or obj.region is None or request.user.is_superuser:
            return True
        return can(self._staff(request), Action.CATALOG_EDIT, region=obj.region)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_view_permission(request, obj)

    @admin.display(description=_("处理"))
    def add_synonym(self, obj: SearchLog) -> str:
        params = {"term": obj.normalized}
        if obj.region_id:
            params["region"] = str(obj.region_id)
        return format_html('<a href="{}?{}">{}</a>', reverse("admin:portal_synonym_add"), urlencode(params),
                           _("添加同义词"))
