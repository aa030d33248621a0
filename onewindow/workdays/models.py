"""Working-day calendars: the national arrangement, regional overrides, and their version history.

The national calendar holds the State Council's published holidays and make-up working days
(调休), one published year at a time. A region's calendar holds only the days where it differs
from the calendar above it (an extra holiday, an extra working day); its effective calendar is
the national one overridden by each ancestor region's days, the nearest region winning.

Every change appends a :class:`CalendarChange` with a global, increasing ``number``. The version
of an effective calendar is the largest change number in its chain; cases store it next to the
due dates computed on it, so a later change shows which due dates must be re-timed.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    MAKEUP_WORKDAY = "makeup_workday", _("调休上班")


class Calendar(models.Model):
    """The national calendar (no region) or one region's overrides."""

    region = models.OneToOneField("organization.Region", models.PROTECT, null=True, blank=True,
                                  related_name="calendar", verbose_name=_("区划"),
                                  help_text=_("留空表示全国日历"))
    name = models.CharField(_("名称"), max_length=64)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        constraints = [
            # At most one national calendar (the region-less row); the one-to-one covers regions.
            models.UniqueConstraint(Coalesce("region", Value(0)), name="calendar_one_national"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.region_id is None


class PublishedYear(models.Model):
    """One year's national arrangement (国务院办公厅关于某年部分节假日安排的通知), as entered."""

    calendar = models.ForeignKey(Calendar, models.PROTECT, related_name="published_years",
                                 verbose_name=_("日历"))
    year = models.PositiveSmallIntegerField(_("年度"))
    notice = models.CharField(_("通知标题"), max_length=255)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("发布人"),
                                     help_text=_("留空表示系统（数据迁移或命令行）"))
    published_by_label = models.CharField(_("发布人说明"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("已发布年度")
        verbose_name_plural = _("已发布年度")
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["calendar", "year"], name="published_year_unique")]

    def __str__(self) -> str:
        return f"{self.year} · {self.notice}"


class CalendarDay(models.Model):
    """A holiday or a make-up working day of one calendar."""

    calendar = models.ForeignKey(Calendar, models.CASCADE, related_name="days", verbose_name=_("日历"))
    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=64, help_text=_("例如：春节、春节调休"))
    # The national days belong to the publication that brought them (a 2019 notice may hold
    # 2018-12-30), so replacing a year removes exactly its own days. Regional days have none.
    published_year = models.ForeignKey(PublishedYear, models.CASCADE, null=True, blank=True,
                                       related_name="days", verbose_name=_("所属年度安排"))

    class Meta:
        verbose_name = _("日历日")
        verbose_name_plural = _("日历日")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["calendar", "day"], name="calendar_day_unique")]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.name}（{self.get_kind_display()}）"


class CalendarChange(models.Model):
    """One change of one calendar: the days it added and removed, who made it, and its number.

    ``number`` is global and increasing across every calendar: the version of an effective
    calendar is the largest number in its chain. ``region_code`` repeats the calendar's region
    ('' for the national one) so that the version of a chain is one indexed query on this table.
    """

    class Kind(models.TextChoices):
        SEED = "seed", _("初始数据")
        PUBLISH_YEAR = "publish_year", _("发布年度安排")
        OVERRIDE_ADD = "override_add", _("设置地方日")
        OVERRIDE_REMOVE = "override_remove", _("撤销地方日")

    number = models.PositiveBigIntegerField(_("版本号"), unique=True)
    # A number taken by a transaction that rolled back is handed out again; the token tells the
    # two apart, so an in-process snapshot cache never mistakes one for the other.
    token = models.UUIDField(_("标识"), default=uuid.uuid4, editable=False)
    calendar = models.ForeignKey(Calendar, models.PROTECT, related_name="changes", verbose_name=_("日历"))
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, help_text=_("空表示全国日历"))
    kind = models.CharField(_("变更类型"), max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    added = models.JSONField(_("新增的日"), default=list, blank=True,
                             help_text=_("[{\"day\": \"2027-02-06\", \"kind\": \"holiday\", \"name\": \"春节\"}, …]"))
    removed = models.JSONField(_("删除的日"), default=list, blank=True)
    actor = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("操作人"))
    actor_label = models.CharField(_("操作人说明"), max_length=64, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("日历变更")
        verbose_name_plural = _("日历变更")
        ordering = ["-number"]
        indexes = [models.Index(fields=["region_code", "number"], name="calendar_change_chain")]

    def __str__(self) -> str:
        return f"#{self.number} {self.calendar} · {self.get_kind_display()}"
