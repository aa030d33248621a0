"""Assessment schemes as data: base, cap, items and grade bands, versioned by effective date."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from onewindow.lifecycle.models import ChainedEvent
from onewindow.organization.models import Department, Region, Staff

from .accountability_rules import MEASURE_LABELS, AccState
from .accountability_rules import STATE_LABELS as ACC_STATE_LABELS
from .monitoring_rules import MONITOR_CATEGORY_LABELS, MONITOR_KIND_LABELS, OBSERVATION_KIND_LABELS
from .rules import (
    AWARD_LABELS,
    GRADE_LABELS,
    PERIOD_LABELS,
    SUBJECT_LABELS,
    AwardKind,
    AwardRule,
    Band,
    Grade,
)


class Scheme(models.Model):
    """考核方案: how one kind of subject is scored for one kind of period in a region, from
    ``effective_from`` until a later version of the same (region, period, subject) takes over."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="assessment_schemes", verbose_name="区划")
    name = models.CharField("方案名称", max_length=128)
    period_kind = models.CharField("考核周期", max_length=16, choices=[(k.value, v) for k, v in PERIOD_LABELS.items()])
    subject_kind = models.CharField("考核对象", max_length=16,
                                    choices=[(k.value, v) for k, v in SUBJECT_LABELS.items()])
    effective_from = models.DateField("生效日期")
    base = models.DecimalField("基础分", max_digits=6, decimal_places=2)
    cap = models.DecimalField("封顶分", max_digits=6, decimal_places=2)
    created_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="制定人")
    created_at = models.DateTimeField("制定时间", auto_now_add=True)

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["region", "period_kind", "subject_kind", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["region", "period_kind", "subject_kind", "effective_from"],
                                               name="assessment_scheme_one_version_per_day")]

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from}起）"

    def bands_list(self) -> list[Band]:
        return [Band(Grade(b.grade), b.low, b.high) for b in self.bands.all()]

    def award_rules(self) -> list[AwardRule]:
        return [AwardRule(AwardKind(a.kind), a.places, a.threshold) for a in self.awards.all()]


class SchemeItem(models.Model):
    """考核项目: points per occurrence (negative deducts, positive adds). An automatic item names a
    fact source (``facts.py``); a manual one (inspection findings, commendations) has none."""

    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="items", verbose_name="方案")
    code = models.SlugField("代码", max_length=32)
    label = models.CharField("项目", max_length=128)
    source = models.CharField("事实来源", max_length=64, blank=True, help_text="留空表示人工录入")
    points = models.DecimalField("每次分值", max_digits=6, decimal_places=2)
    minimum_sample = models.PositiveIntegerField("最小样本", default=0,
                                                 help_text="样本不足时本项不计分（比率类项目）")
    shared_by_chief = models.BooleanField("首席代表连带", default=False,
                                          help_text="窗口被扣分时，所属部门首席代表同扣")

    class Meta:
        verbose_name = "考核项目"
        verbose_name_plural = "考核项目"
        ordering = ["scheme", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="assessment_item_code_unique")]

    def __str__(self) -> str:
        return f"{self.label}（{self.points:+}）"

    @property
    def is_bonus(self) -> bool:
        return self.points > Decimal(0)

    @property
    def is_manual(self) -> bool:
        return not self.source


class GradeBand(models.Model):
    """等次分数段: ``low <= score < high`` (the top band includes the cap)."""

    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="bands", verbose_name="方案")
    grade = models.CharField("等次", max_length=16, choices=[(k.value, v) for k, v in GRADE_LABELS.items()])
    low = models.DecimalField("下限", max_digits=6, decimal_places=2)
    high = models.DecimalField("上限", max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = "等次分数段"
        verbose_name_plural = "等次分数段"
        ordering = ["scheme", "-low"]

    def __str__(self) -> str:
        return f"{GRADE_LABELS[Grade(self.grade)]} {self.low}–{self.high}"


class SchemeAward(models.Model):
    """评优规则: the best ``places`` subjects earn the award (流动红旗、红旗窗口、服务标兵、先进单位), or the
    worst ``places`` are named on the bottom list (末位通报); ``threshold`` is the award's minimum
    total, or the total the bottom list stays below. Decided when the assessment is published."""

    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="awards", verbose_name="方案")
    kind = models.CharField("评优", max_length=16, choices=[(k.value, v) for k, v in AWARD_LABELS.items()])
    places = models.PositiveSmallIntegerField("名额")
    threshold = models.DecimalField("分数线", max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "评优规则"
        verbose_name_plural = "评优规则"
        ordering = ["scheme", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "kind"], name="assessment_scheme_award_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.places} 名"


class Assessment(models.Model):
    """One period's assessment of one kind of subject in a region, scored with the scheme in force
    on the period's last day. A draft until published; published ones never change."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    region = models.ForeignKey(Region, models.PROTECT, related_name="assessments", verbose_name="区划")
    scheme = models.ForeignKey(Scheme, models.PROTECT, related_name="assessments", verbose_name="方案")
    subject_kind = models.CharField("考核对象", max_length=16,
                                    choices=[(k.value, v) for k, v in SUBJECT_LABELS.items()])
    period = models.CharField("考核期", max_length=7, help_text="2026-11、2026-Q4 或 2026")
    first_day = models.DateField("起始日")
    last_day = models.DateField("截止日")
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.DRAFT)
    # None: scored by the period-end job (``jobs.py``), not by a person.
    scored_by = models.ForeignKey(Staff, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name="计分人")
    scored_at = models.DateTimeField("计分时间", auto_now_add=True)
    objection_due = models.DateField("异议截止日", help_text="部门可在此日（含）前对明细提出异议")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "考核"
        verbose_name_plural = "考核"
        ordering = ["-last_day", "subject_kind"]
        constraints = [models.UniqueConstraint(fields=["region", "subject_kind", "period"],
                                               name="assessment_one_per_period")]

    def __str__(self) -> str:
        return f"{self.region.name}{self.period}{SUBJECT_LABELS[self.subject_kind]}考核"

    @property
    def label(self) -> str:
        """What the history chain names the assessment by (never its row id)."""
        return f"{self.region.code}-{self.period}-{self.subject_kind}"


class Score(models.Model):
    """One subject's score in an assessment: base plus its line items, clamped to [0, cap]."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="scores", verbose_name="考核")
    subject_id = models.PositiveBigIntegerField("对象编号")
    subject_name = models.CharField("对象", max_length=128)
    base = models.DecimalField("基础分", max_digits=6, decimal_places=2)
    total = models.DecimalField("得分", max_digits=6, decimal_places=2)
    grade = models.CharField("等次", max_length=16, choices=[(k.value, v) for k, v in GRADE_LABELS.items()])

    class Meta:
        verbose_name = "考核得分"
        verbose_name_plural = "考核得分"
        ordering = ["assessment", "-total", "subject_name"]
        constraints = [models.UniqueConstraint(fields=["assessment", "subject_id"], name="assessment_score_unique")]

    def __str__(self) -> str:
        return f"{self.subject_name} {self.total}"


class LineItem(models.Model):
    """One item's contribution to a score: ``count`` × ``points`` = ``amount``, with its evidence."""

    score = models.ForeignKey(Score, models.CASCADE, related_name="lines", verbose_name="得分")
    item = models.ForeignKey(SchemeItem, models.PROTECT, related_name="+", verbose_name="考核项目")
    count = models.PositiveIntegerField("次数")
    points = models.DecimalField("每次分值", max_digits=6, decimal_places=2)
    amount = models.DecimalField("小计", max_digits=7, decimal_places=2)
    evidence = models.JSONField("依据", default=list, help_text="[{label, url}]")
    struck = models.BooleanField("已因异议撤销", default=False)
    # 最小样本: the subject's sample (concluded cases, ratings …) when the item sets a minimum;
    # below it the line is kept, marked 样本不足, and counts 0.
    sample = models.PositiveIntegerField("样本数", null=True, blank=True)
    below_sample = models.BooleanField("样本不足", default=False)

    class Meta:
        verbose_name = "考核明细"
        verbose_name_plural = "考核明细"
        ordering = ["score", "item_id"]

    def __str__(self) -> str:
        return f"{self.item.label} ×{self.count} = {self.amount}"


class Objection(models.Model):
    """异议: a department head's objection to one line item, decided by the center administrator.
    An accepted objection strikes the line (its amount becomes 0) and the score is recomputed."""

    class State(models.TextChoices):
        PENDING = "pending", "待处理"
        ACCEPTED = "accepted", "已采纳"
        REJECTED = "rejected", "未采纳"

    line = models.ForeignKey(LineItem, models.PROTECT, related_name="objections", verbose_name="明细")
    department = models.ForeignKey(Department, models.PROTECT, related_name="+", verbose_name="提出部门")
    reason = models.TextField("异议理由")
    raised_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="提出人")
    raised_at = models.DateTimeField("提出时间")
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.PENDING)
    decision_reason = models.TextField("处理理由", blank=True)
    decided_by = models.ForeignKey(Staff, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="处理人")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "考核异议"
        verbose_name_plural = "考核异议"
        ordering = ["raised_at", "id"]

    def __str__(self) -> str:
        return f"异议#{self.pk} {self.get_state_display()}"


class AssessmentEvent(ChainedEvent):
    """The history of one assessment — scored, objected, decided, published — hash-chained."""

    assessment = models.ForeignKey(Assessment, models.PROTECT, related_name="events", verbose_name="考核")

    class Meta:
        verbose_name = "考核记录"
        verbose_name_plural = "考核记录"
        ordering = ["assessment", "seq"]
        constraints = [models.UniqueConstraint(fields=["assessment", "seq"], name="assessment_event_seq")]

    def __str__(self) -> str:
        return f"{self.assessment_id}#{self.seq} {self.kind}"


class Award(models.Model):
    """An award (or a place on the bottom list) decided when the assessment was published; frozen with it."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="awards", verbose_name="考核")
    kind = models.CharField("评优", max_length=16, choices=[(k.value, v) for k, v in AWARD_LABELS.items()])
    subject_id = models.PositiveBigIntegerField("对象编号")
    subject_name = models.CharField("对象", max_length=128)
    rank = models.PositiveIntegerField("名次")
    total = models.DecimalField("得分", max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = "评优结果"
        verbose_name_plural = "评优结果"
        ordering = ["assessment", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "kind", "subject_id"],
                                               name="assessment_award_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject_name}"


class Correction(models.Model):
    """更正: a published assessment never changes; a correction found later is this linked record —
    a line struck, or a manual item's occurrences added — with its reason, the subject's total and
    grade before and after, and its own event in the assessment's chain."""

    assessment = models.ForeignKey(Assessment, models.PROTECT, related_name="corrections", verbose_name="考核")
    number = models.PositiveIntegerField("更正序号")
    score = models.ForeignKey(Score, models.PROTECT, related_name="corrections", verbose_name="得分")
    line = models.ForeignKey(LineItem, models.PROTECT, null=True, blank=True, related_name="corrections",
                             verbose_name="撤销的明细")
    item = models.ForeignKey(SchemeItem, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="补录项目")
    count = models.PositiveIntegerField("补录次数", default=0)
    evidence = models.JSONField("依据", default=list, blank=True)
    amount = models.DecimalField("分值变动", max_digits=7, decimal_places=2)
    previous_total = models.DecimalField("更正前得分", max_digits=6, decimal_places=2)
    previous_grade = models.CharField("更正前等次", max_length=16,
                                      choices=[(k.value, v) for k, v in GRADE_LABELS.items()])
    total = models.DecimalField("更正后得分", max_digits=6, decimal_places=2)
    grade = models.CharField("更正后等次", max_length=16, choices=[(k.value, v) for k, v in GRADE_LABELS.items()])
    reason = models.TextField("更正理由")
    corrected_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="更正人")
    corrected_at = models.DateTimeField("更正时间")

    class Meta:
        verbose_name = "考核更正"
        verbose_name_plural = "考核更正"
        ordering = ["assessment", "number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "number"], name="assessment_correction_number")]

    def __str__(self) -> str:
        return f"更正第{self.number}号：{self.score.subject_name}"


class Report(models.Model):
    """考核报告: a numbered report of a published assessment (月度) or of a year's published monthly
    assessments (年度), for the whole center or one subject. ``content`` is frozen at issue, charts
    included; the PDF, the page and the workbook are drawn from it alone. Asked again with the same
    figures, the same report is returned; once a correction or a newly published month changes
    them, a new number is issued (the earlier report stays as it was)."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="assessment_reports", verbose_name="区划")
    kind = models.CharField("报告种类", max_length=8, choices=[("period", "考核报告"), ("annual", "年度考核报告")])
    subject_kind = models.CharField("考核对象", max_length=16,
                                    choices=[(k.value, v) for k, v in SUBJECT_LABELS.items()])
    period = models.CharField("考核期", max_length=7)
    subject_id = models.PositiveBigIntegerField("对象编号", null=True, blank=True, help_text="留空为全中心报告")
    assessment = models.ForeignKey(Assessment, models.PROTECT, null=True, blank=True, related_name="reports",
                                   verbose_name="考核")
    scope = models.CharField("报告范围", max_length=64)
    number = models.CharField("报告编号", max_length=64, unique=True)
    content = models.JSONField("报告内容")
    content_sha256 = models.CharField("内容哈希", max_length=64)
    basis_sha256 = models.CharField("数据哈希", max_length=64)
    issued_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="出具人")
    issued_at = models.DateTimeField("出具时间")

    class Meta:
        verbose_name = "考核报告"
        verbose_name_plural = "考核报告"
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["region", "scope", "basis_sha256"],
                                               name="assessment_report_once_per_basis")]

    def __str__(self) -> str:
        return self.number

    @property
    def title(self) -> str:
        return str(self.content.get("title", self.number))


# -- accountability (问责, issue 20 item 4) ----------------------------------------------------------------


class Accountability(models.Model):
    """问责记录: what an efficiency warning or a substantiated complaint led to for one person — a
    measure (谈话提醒, 通报批评, 效能告诫, 调离窗口 …) proposed with its facts and basis, the person's
    statement (陈述), and the decision of an approver who is neither the proposer nor the person.
    Its history is an :class:`AccountabilityEvent` chain; a decided record counts in the assessment
    (``staff_accountability`` / ``department_accountability``)."""

    number = models.CharField("问责编号", max_length=40, unique=True)
    region = models.ForeignKey(Region, models.PROTECT, related_name="accountabilities", verbose_name="区划")
    staff = models.ForeignKey(Staff, models.PROTECT, related_name="accountabilities", verbose_name="被问责人")
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="所在部门")
    measure = models.CharField("问责方式", max_length=16, choices=[(k.value, v) for k, v in MEASURE_LABELS.items()])
    efficiency_warning = models.ForeignKey("supervision.EfficiencyWarning", models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name="效能告诫")
    complaint = models.ForeignKey("feedback.WorkOrder", models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name="属实投诉")
    facts = models.TextField("问责事实")
    basis = models.TextField("问责依据")
    state = models.CharField("状态", max_length=16, choices=[(k.value, v) for k, v in ACC_STATE_LABELS.items()],
                             default=AccState.PROPOSED.value)
    proposed_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="提出人")
    proposed_at = models.DateTimeField("提出时间")
    statement_due = models.DateField("陈述截止日")
    statement = models.TextField("本人陈述", blank=True)
    stated_at = models.DateTimeField("陈述时间", null=True, blank=True)
    approver = models.ForeignKey(Staff, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name="批准人")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True, db_index=True)
    decision_note = models.TextField("决定意见", blank=True)

    class Meta:
        verbose_name = "问责记录"
        verbose_name_plural = "问责记录"
        ordering = ["-proposed_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(efficiency_warning__isnull=False) | models.Q(complaint__isnull=False),
            name="accountability_has_basis")]

    def __str__(self) -> str:
        return f"{self.number} {self.staff.name}"


class AccountabilityEvent(ChainedEvent):
    """The history of one accountability record — proposed, stated, decided, withdrawn — hash-chained."""

    record = models.ForeignKey(Accountability, models.PROTECT, related_name="events", verbose_name="问责记录")

    class Meta:
        verbose_name = "问责记录事件"
        verbose_name_plural = "问责记录事件"
        ordering = ["record", "seq"]
        constraints = [models.UniqueConstraint(fields=["record", "seq"], name="accountability_event_seq")]

    def __str__(self) -> str:
        return f"{self.record_id}#{self.seq} {self.kind}"


# -- efficiency monitoring points and citizen supervisors (效能监测点、特邀监督员, issue 20 item 3) ----------


class Monitor(models.Model):
    """效能监测点 (an enterprise or a village the center registers to watch its service) or 特邀监督员
    (a citizen it invites): they file observations through the public form with their number and
    access code (only its hash is kept; the code is shown once, at registration)."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="monitors", verbose_name="区划")
    kind = models.CharField("类型", max_length=16, choices=[(k.value, v) for k, v in MONITOR_KIND_LABELS.items()])
    category = models.CharField("主体", max_length=16,
                                choices=[(k.value, v) for k, v in MONITOR_CATEGORY_LABELS.items()])
    number = models.CharField("编号", max_length=16, unique=True)
    name = models.CharField("名称", max_length=128)
    contact_name = models.CharField("联系人", max_length=64, blank=True)
    code_hash = models.CharField("访问码（摘要）", max_length=128)
    active = models.BooleanField("有效", default=True)
    registered_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="登记人")
    registered_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "效能监测点与特邀监督员"
        verbose_name_plural = "效能监测点与特邀监督员"
        ordering = ["region", "kind", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Observation(models.Model):
    """One observation (表扬、问题、建议) a monitor filed, and the feedback work order it became."""

    monitor = models.ForeignKey(Monitor, models.PROTECT, related_name="observations", verbose_name="监测点或监督员")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="区划")
    kind = models.CharField("类别", max_length=16,
                            choices=[(k.value, v) for k, v in OBSERVATION_KIND_LABELS.items()])
    content = models.TextField("内容")
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="涉及部门")
    window = models.ForeignKey("organization.Window", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="涉及窗口")
    filed_at = models.DateTimeField("提交时间", db_index=True)
    work_order = models.OneToOneField("feedback.WorkOrder", models.PROTECT, related_name="+", verbose_name="工单")

    class Meta:
        verbose_name = "监督意见"
        verbose_name_plural = "监督意见"
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.monitor.number} {self.get_kind_display()}"
