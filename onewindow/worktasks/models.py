"""Tables of work tasks (a plan's tree of tasks, their units, milestones and reports) and of
problems (问题清单 → 责任清单 → 整改清单), each with its hash-chained history. Nothing is deleted."""

from __future__ import annotations

from django.db import models

from onewindow.lifecycle.models import ChainedEvent

from .rules import PROBLEM_STATE_LABELS, SOURCE_LABELS, TASK_STATE_LABELS, ProblemState, TaskState


class WorktasksSequence(models.Model):
    """The last number issued per region, year and kind (RW 任务, WT 问题)."""

    region = models.ForeignKey("organization.Region", models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=4)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year", "kind"], name="worktasks_sequence_once")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.year}/{self.kind}: {self.last}"


class Plan(models.Model):
    """A plan of work (the annual efficiency plan …) of one region."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name="区划")
    title = models.CharField("计划名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    created_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "工作计划"
        verbose_name_plural = "工作计划"

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    """One task of a plan: the six 定 (task, responsibility, standard, time, measures, persons)."""

    plan = models.ForeignKey(Plan, models.PROTECT, related_name="tasks")
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    number = models.CharField("编号", max_length=40, unique=True)
    code = models.CharField("序号", max_length=20, blank=True, help_text="计划中的序号，如 2.3")
    title = models.CharField("任务", max_length=300)
    lead = models.ForeignKey("organization.Department", models.PROTECT, related_name="+", verbose_name="牵头单位")
    deliverable = models.TextField("定任务（成果）", blank=True)
    standard = models.TextField("定标准", blank=True)
    measures = models.TextField("定措施", blank=True)
    starts_on = models.DateField("起始日")
    due_on = models.DateField("完成时限")
    due_workdays = models.PositiveSmallIntegerField("时限（工作日）", null=True, blank=True)
    yellow_from = models.DateField("黄牌起始日", null=True, blank=True)
    due_explanation = models.TextField("时限说明", blank=True)
    state = models.CharField("状态", max_length=12, default=TaskState.OPEN,
                             choices=[(s.value, label) for s, label in TASK_STATE_LABELS.items()])
    progress = models.PositiveSmallIntegerField("汇总进度（%）", default=0)
    summary = models.TextField("牵头单位汇总", blank=True)
    urged_count = models.PositiveSmallIntegerField("督办次数", default=0)
    closed_on = models.DateField("完成日", null=True, blank=True)
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "工作任务"
        verbose_name_plural = "工作任务"
        indexes = [models.Index(fields=["plan", "state"], name="worktasks_task_plan_state")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class TaskUnit(models.Model):
    """A responsible unit of a task (定责任) and its named owner (定人员)."""

    task = models.ForeignKey(Task, models.PROTECT, related_name="units")
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name="责任单位")
    owner = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="责任人")
    owner_name = models.CharField("责任人姓名", max_length=64)
    progress = models.PositiveSmallIntegerField("本单位进度（%）", default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "department"], name="worktasks_unit_once")]

    def __str__(self) -> str:
        return f"{self.department_id} {self.owner_name}"


class Milestone(models.Model):
    task = models.ForeignKey(Task, models.PROTECT, related_name="milestones")
    title = models.CharField("节点", max_length=200)
    due_on = models.DateField("节点时限")
    done_on = models.DateField("完成日", null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.title} {self.due_on}"


class TaskReport(models.Model):
    """A unit's progress report (its words and, optionally, the name of a file it attached)."""

    task = models.ForeignKey(Task, models.PROTECT, related_name="reports")
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+")
    text = models.TextField("进展情况")
    progress = models.PositiveSmallIntegerField("进度（%）")
    attachment = models.FileField("附件", upload_to="worktasks/reports/%Y/", blank=True)
    actor = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+")
    at = models.DateTimeField("报送时间")

    def __str__(self) -> str:
        return f"{self.task_id} {self.department_id} {self.progress}%"


class TaskEvent(ChainedEvent):
    task = models.ForeignKey(Task, models.PROTECT, related_name="events")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "seq"], name="worktasks_task_event_seq")]


class Problem(models.Model):
    """A problem of the 问题清单, its responsibility (责任清单) and its rectification (整改清单)."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name="区划")
    number = models.CharField("编号", max_length=40, unique=True)
    campaign = models.CharField("专项行动", max_length=200, blank=True)
    # The campaign record the problem belongs to (its public notice lists it); ``campaign`` keeps
    # the name as typed for problems recorded before campaigns were records.
    campaign_ref = models.ForeignKey("worktasks.Campaign", models.PROTECT, null=True, blank=True,
                                     related_name="problems", verbose_name="专项行动")
    title = models.CharField("问题", max_length=300)
    source = models.CharField("来源", max_length=20, choices=[(s.value, label) for s, label in SOURCE_LABELS.items()])
    evidence = models.TextField("证据")
    window = models.ForeignKey("organization.Window", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="窗口")
    finding = models.ForeignKey("worktasks.Finding", models.PROTECT, null=True, blank=True, related_name="problems")
    department = models.ForeignKey("organization.Department", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="责任单位")
    responsible = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name="责任人")
    measures = models.TextField("整改措施", blank=True)
    due_on = models.DateField("整改时限", null=True, blank=True)
    yellow_from = models.DateField(null=True, blank=True)
    due_explanation = models.TextField(blank=True)
    state = models.CharField("状态", max_length=12, default=ProblemState.RECORDED,
                             choices=[(s.value, label) for s, label in PROBLEM_STATE_LABELS.items()])
    verified_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name="销号核验人")
    closed_on = models.DateField("销号日", null=True, blank=True)
    recheck_on = models.DateField("回头看日期", null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    recorded_at = models.DateTimeField("登记时间")
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题"
        indexes = [models.Index(fields=["region", "state"], name="worktasks_problem_state")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ProblemEvent(ChainedEvent):
    problem = models.ForeignKey(Problem, models.PROTECT, related_name="events")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["problem", "seq"], name="worktasks_problem_event_seq")]


class Inspection(models.Model):
    """An inspection (明察) or a mystery visit (暗访) of a region's windows."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+")
    kind = models.CharField("方式", max_length=12,
                            choices=[("inspection", "明察"), ("mystery", "暗访"), ("experience", "体验")])
    campaign = models.ForeignKey("worktasks.Campaign", models.PROTECT, null=True, blank=True, related_name="visits",
                                 verbose_name="专项行动")
    # An experience visit (体验): the service the staff member applied for as a citizen would.
    applied_for = models.CharField("体验办理的事项", max_length=200, blank=True)
    title = models.CharField("名称", max_length=200)
    planned_on = models.DateField("日期")
    windows = models.ManyToManyField("organization.Window", related_name="+", blank=True)
    criteria = models.JSONField("检查项", default=list)
    inspector = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+")
    # A mystery visit as the citizen lived it: waiting minutes, the answers given, visits needed.
    wait_minutes = models.PositiveIntegerField(null=True, blank=True)
    answers = models.TextField(blank=True)
    visits_needed = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    """One checklist item found wanting at one window."""

    inspection = models.ForeignKey(Inspection, models.PROTECT, related_name="findings")
    window = models.ForeignKey("organization.Window", models.PROTECT, null=True, blank=True, related_name="+")
    criterion = models.CharField("检查项", max_length=40)
    note = models.TextField("情况")
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.criterion}: {self.note[:40]}"


class FindingPhoto(models.Model):
    """A photo the inspector took of a finding (checked like every upload: JPEG or PNG by content,
    size and pixel limits); shown on the problem the finding became."""

    finding = models.ForeignKey(Finding, models.PROTECT, related_name="photos")
    file = models.FileField(upload_to="worktasks/photos/%Y/")
    content_type = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.finding_id} {self.original_name}"


class Campaign(models.Model):
    """A rectification campaign (专项行动, seed 003): its phases, the written reports each unit owes,
    its experience visits and problems, and the day its public notice goes up."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name="区划")
    number = models.CharField("编号", max_length=40, unique=True)
    title = models.CharField("专项行动名称", max_length=200)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    # Nothing of the campaign is public before this day; None: not to be published.
    publish_from = models.DateField("公示日期", null=True, blank=True)
    created_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("创建时间")
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "专项行动"
        verbose_name_plural = "专项行动"

    def __str__(self) -> str:
        return self.title


class CampaignPhase(models.Model):
    """A phase of a campaign (大学习、大排查、大体验 …) with its dates; phases may overlap."""

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="phases")
    order = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("阶段", max_length=100)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "order"], name="worktasks_phase_order_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.starts_on}–{self.ends_on}"


class CampaignReport(models.Model):
    """A written report (书面报送) one unit owes the campaign by a deadline (a Deadline row, subject
    ``campaign_report``), and what it handed in."""

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="reports")
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name="报送单位")
    title = models.CharField("报送材料", max_length=200)
    due_on = models.DateField("报送时限")
    yellow_from = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField("报送说明", blank=True)
    attachment = models.FileField("附件", upload_to="worktasks/campaign_reports/%Y/", blank=True)
    attachment_type = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "department", "title"],
                                               name="worktasks_campaign_report_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.department_id} {self.title}"

    @property
    def late(self) -> bool:
        """Handed in after its day (a report still owed is late once its day has passed: see
        :func:`onewindow.worktasks.selectors.report_is_late`)."""
        from onewindow.core.timesource import local_date

        return self.submitted_at is not None and local_date(self.submitted_at) > self.due_on


class CampaignEvent(ChainedEvent):
    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="events")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "seq"], name="worktasks_campaign_event_seq")]
