"""Tables of major projects (重点项目): the project, its approval plan (one line per approval item,
each with its planned date, responsible department and, once it runs, its case), the monthly
self-checks, and the project's hash-chained history. Nothing is deleted."""

from __future__ import annotations

from django.db import models

from onewindow.lifecycle.models import ChainedEvent

from .rules import LEVEL_LABELS, STATE_LABELS, Level, ProjectState, UrgentState


class ProjectsSequence(models.Model):
    """The last project number issued per region and year."""

    region = models.ForeignKey("organization.Region", models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="projects_sequence_once")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.year}: {self.last}"


class Project(models.Model):
    """A major investment project of one county, its investor, level, assigned proxy (代办员) and plan."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name="区划")
    number = models.CharField("项目编号", max_length=40, unique=True)
    name = models.CharField("项目名称", max_length=200)
    investor = models.CharField("投资主体（企业）", max_length=100,
                                help_text="与办件的申请人名称一致，用于选择该企业的办件")
    investment = models.DecimalField("总投资（万元）", max_digits=14, decimal_places=2)
    level = models.CharField("项目级别", max_length=12, choices=[(v.value, label) for v, label in LEVEL_LABELS.items()],
                             default=Level.COUNTY)
    proxy = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name="全程代办员")
    starts_on = models.DateField("计划开工日期")
    due_on = models.DateField("审批完成时限")
    state = models.CharField("状态", max_length=12, default=ProjectState.PLANNING,
                             choices=[(s.value, label) for s, label in STATE_LABELS.items()])
    note = models.TextField("项目概况", blank=True)
    created_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间")
    done_on = models.DateField("完成日期", null=True, blank=True)
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "重点项目"
        verbose_name_plural = "重点项目"
        indexes = [models.Index(fields=["region", "state"], name="projects_project_state")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class PlanLine(models.Model):
    """One approval item of a project's plan: its planned date (a Deadline row), the responsible
    department, and — once the approval runs — its case (a joint or bundle case of the investor)."""

    project = models.ForeignKey(Project, models.PROTECT, related_name="lines")
    order = models.PositiveSmallIntegerField("序号")
    title = models.CharField("审批事项", max_length=200)
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name="责任单位")
    planned_on = models.DateField("计划办结日期")
    case = models.OneToOneField("cases.Case", models.PROTECT, null=True, blank=True, related_name="project_line",
                                verbose_name="审批办件")
    linked_at = models.DateTimeField("关联时间", null=True, blank=True)
    urgent = models.CharField("绿色通道", max_length=12, blank=True, default=UrgentState.NONE,
                              choices=[(UrgentState.NONE.value, "未申请"), (UrgentState.REQUESTED.value, "已申请急办"),
                                       (UrgentState.MARKED.value, "已标记急办")])
    done_on = models.DateField("办结日期", null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "order"], name="projects_line_order_once")]
        ordering = ["project", "order"]

    def __str__(self) -> str:
        return f"{self.project_id}#{self.order} {self.title}"


class SelfCheck(models.Model):
    """The monthly self-check (月度自查) of one project for one month, due by the fifth working day of
    the next month (a Deadline row); open until a responsible department files it."""

    project = models.ForeignKey(Project, models.PROTECT, related_name="self_checks")
    month = models.DateField("月份", help_text="该月第一天")
    due_on = models.DateField("填报期限")
    department = models.ForeignKey("organization.Department", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="填报单位")
    progress = models.TextField("进展情况", blank=True)
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步打算", blank=True)
    submitted_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField("填报时间", null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="projects_self_check_once")]
        ordering = ["project", "month"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m}"


class ProjectEvent(ChainedEvent):
    project = models.ForeignKey(Project, models.PROTECT, related_name="events")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "seq"], name="projects_project_event_seq")]
