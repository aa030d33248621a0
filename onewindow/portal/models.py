"""What the public portal keeps: synonyms that widen search, and the searches that found nothing."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Synonym(models.Model):
    """People's word for something the catalog calls otherwise: 饭店 → 餐馆、餐厅.

    A query containing ``term`` is also tried with the term replaced by each of ``words``. Kept
    by the center administrators of ``region`` (the search log shows what to add); stored in
    matching form (full-width folded, lower case, no spaces or punctuation).
    """

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="search_synonyms",
                               verbose_name=_("区划"))
    term = models.CharField(_("词条"), max_length=50, help_text=_("群众的说法，例如：饭店"))
    words = models.JSONField(_("同义词"), default=list,
                             help_text=_("目录中的说法，例如：餐馆、餐厅"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("搜索同义词")
        verbose_name_plural = _("搜索同义词")
        ordering = ["region__code", "term"]
        constraints = [models.UniqueConstraint(fields=["region", "term"], name="synonym_term_unique_in_region")]

    def __str__(self) -> str:
        return f"{self.term} → {'、'.join(self.words)}"


class SearchLog(models.Model):
    """A query that found nothing: one row per normalized query and region, counted on repeat,
    so the most frequent failures — the synonyms worth adding — come first."""

    query = models.CharField(_("搜索内容"), max_length=200, help_text=_("最近一次的原文（长数字已隐去）"))
    normalized = models.CharField(_("规范化内容"), max_length=200)
    region = models.ForeignKey("organization.Region", models.CASCADE, null=True, blank=True,
                               related_name="+", verbose_name=_("区划"),
                               help_text=_("搜索限定的区划；为空表示未限定"))
    count = models.PositiveIntegerField(_("次数"), default=1)
    first_seen = models.DateTimeField(_("首次出现"))
    last_seen = models.DateTimeField(_("最近出现"), db_index=True)

    class Meta:
        verbose_name = _("无结果搜索")
        verbose_name_plural = _("无结果搜索")
        ordering = ["-count", "-last_seen"]
        constraints = [
            # Two partial indexes: NULLs are distinct in a plain unique index (PostgreSQL < 15),
            # and the upsert relies on one row per (query, region-or-none).
            models.UniqueConstraint(fields=["normalized", "region"], condition=Q(region__isnull=False),
                                    name="search_log_unique_in_region"),
            models.UniqueConstraint(fields=["normalized"], condition=Q(region__isnull=True),
                                    name="search_log_unique_without_region"),
        ]
        indexes = [models.Index(fields=["-count"], name="search_log_count")]

    def __str__(self) -> str:
        return f"{self.query} ×{self.count}"
