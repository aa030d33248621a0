"""Tables of the appraisal app: appraisal campaigns and their questionnaires, award reviews, the
exposure board, service commitments and their checks, training and qualification records and the
window staff's work diary. Campaigns, exposures and commitments keep hash-chained histories."""

from __future__ import annotations

from django.db import models

from onewindow.lifecycle.models import ChainedEvent

from .rules import (
    CAMPAIGN_STATE_LABELS,
    CHANNEL_LABELS,
    EXPOSURE_STATE_LABELS,
    RESPONDENT_LABELS,
    REVIEW_LABELS,
    TRAINING_LABELS,
    CampaignState,
    ExposureState,
)

SUBJECT_CHOICES = [("window", "窗口"), ("department", "部门")]


class AppraisalSequence(models.Model):
    """The last number issued per region, year and kind (MY 评议, BG 曝光, CN 承诺)."""

    region = models.ForeignKey("organization.Region", models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=4)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year", "kind"], name="appraisal_sequence_once")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.year}/{self.kind}: {self.last}"


class Campaign(models.Model):
    """A democratic appraisal (民主评议) of a region's windows or departments."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name="区划")
    number = models.CharField("编号", max_length=40, unique=True)
    title = models.CharField("名称", max_length=200)
    subject_kind = models.CharField("评议对象", max_length=16, choices=SUBJECT_CHOICES)
    opens_on = models.DateField("开始日")
    closes_on = models.DateField("截止日", help_text="结果计入截止日所在考核期")
    state = models.CharField("状态", max_length=8, default=CampaignState.DRAFT,
                             choices=[(s.value, label) for s, label in CAMPAIGN_STATE_LABELS.items()])
    # The open link's secret part; empty: answers by one-time code and paper only.
    open_token = models.CharField("公开链接令牌", max_length=32, blank=True, db_index=True)
    created_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name="建立人")
    created_at = models.DateTimeField("建立时间")
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "民主评议"
        verbose_name_plural = "民主评议"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Question(models.Model):
    """One question of a campaign's questionnaire, scored 1 … ``scale``."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField("序号")
    text = models.CharField("题目", max_length=200)
    scale = models.PositiveSmallIntegerField("满分")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "order"], name="appraisal_question_order")]
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"


class Respondent(models.Model):
    """A respondent given a one-time code (only the code's SHA-256 is kept)."""

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="respondents")
    kind = models.CharField("类别", max_length=16, choices=[(k.value, v) for k, v in RESPONDENT_LABELS.items()])
    code_sha256 = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField("发放时间")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.pk} {self.kind}"


class Response(models.Model):
    """One questionnaire answered for one subject."""

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="responses")
    respondent = models.OneToOneField(Respondent, models.PROTECT, null=True, blank=True, related_name="response")
    kind = models.CharField("类别", max_length=16, choices=[(k.value, v) for k, v in RESPONDENT_LABELS.items()])
    channel = models.CharField("方式", max_length=8, choices=[(k.value, v) for k, v in CHANNEL_LABELS.items()])
    subject_id = models.PositiveBigIntegerField("对象编号")
    subject_name = models.CharField("对象", max_length=128)
    ratio = models.DecimalField("得分率", max_digits=5, decimal_places=4)
    comment = models.TextField("意见建议", blank=True)
    # A paper questionnaire: its scan's reference (the archive number on the sheet) and who entered it.
    scan_ref = models.CharField("扫描件编号", max_length=64, blank=True)
    entered_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="录入人")
    submitted_at = models.DateTimeField("提交时间")

    class Meta:
        indexes = [models.Index(fields=["campaign", "subject_id"], name="appraisal_response_subject")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.subject_name} {self.ratio}"


class Answer(models.Model):
    response = models.ForeignKey(Response, models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField("得分")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="appraisal_answer_once")]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}: {self.value}"


class CampaignEvent(ChainedEvent):
    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="events")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "seq"], name="appraisal_campaign_event_seq")]


class AwardReview(models.Model):
    """A review (复查) of a published award (流动红旗, 红旗窗口 …): kept, or withdrawn with a reason
    and a numbered notice. A withdrawn award is reviewed no more."""

    award = models.ForeignKey("assessment.Award", models.PROTECT, related_name="reviews", verbose_name="评优")
    outcome = models.CharField("结论", max_length=16, choices=[(k.value, v) for k, v in REVIEW_LABELS.items()])
    reason = models.TextField("理由")
    notice_number = models.CharField("通报文号", max_length=64, blank=True)
    reviewed_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name="复查人")
    reviewed_at = models.DateTimeField("复查时间")

    class Meta:
        verbose_name = "评优复查"
        verbose_name_plural = "评优复查"
        constraints = [models.UniqueConstraint(fields=["award"], condition=models.Q(outcome="withdrawn"),
                                               name="appraisal_award_withdrawn_once")]

    def __str__(self) -> str:
        return f"{self.award_id} {self.outcome}"


class Exposure(models.Model):
    """A named lapse on the exposure board (曝光台), published where the scheme says so (``basis``),
    with the person's reply shown beside it."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name="区划")
    number = models.CharField("编号", max_length=40, unique=True)
    staff = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="当事人")
    window = models.ForeignKey("organization.Window", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="窗口")
    department = models.ForeignKey("organization.Department", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="部门")
    title = models.CharField("标题", max_length=200)
    facts = models.TextField("问题事实")
    basis = models.CharField("曝光依据", max_length=200, help_text="考核方案或制度中规定曝光的条款")
    occurred_on = models.DateField("发生日")
    state = models.CharField("状态", max_length=12, default=ExposureState.DRAFT,
                             choices=[(s.value, label) for s, label in EXPOSURE_STATE_LABELS.items()])
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    reply = models.TextField("当事人答复", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    withdrawn_reason = models.TextField("撤下理由", blank=True)
    recorded_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name="登记人")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "曝光台"
        verbose_name_plural = "曝光台"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ExposureEvent(ChainedEvent):
    exposure = models.ForeignKey(Exposure, models.PROTECT, related_name="events")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["exposure", "seq"], name="appraisal_exposure_event_seq")]


class Commitment(models.Model):
    """A published service commitment (服务承诺) of one window or one department."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name="区划")
    number = models.CharField("编号", max_length=40, unique=True)
    window = models.ForeignKey("organization.Window", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="窗口")
    department = models.ForeignKey("organization.Department", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="部门")
    content = models.CharField("承诺内容", max_length=300)
    standard = models.CharField("检查标准", max_length=300, blank=True)
    published_on = models.DateField("公布日")
    withdrawn_on = models.DateField("停止日", null=True, blank=True)
    recorded_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name="登记人")

    class Meta:
        verbose_name = "服务承诺"
        verbose_name_plural = "服务承诺"

    def __str__(self) -> str:
        return f"{self.number} {self.content}"


class CommitmentCheck(models.Model):
    """One check that a commitment is kept: kept or not, with the evidence."""

    commitment = models.ForeignKey(Commitment, models.PROTECT, related_name="checks")
    checked_on = models.DateField("检查日")
    kept = models.BooleanField("兑现")
    evidence = models.TextField("检查依据")
    checked_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name="检查人")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commitment", "checked_on"], name="appraisal_check_once")]
        indexes = [models.Index(fields=["checked_on"], name="appraisal_check_day")]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.checked_on} {'兑现' if self.kept else '未兑现'}"


class CommitmentEvent(ChainedEvent):
    commitment = models.ForeignKey(Commitment, models.PROTECT, related_name="events")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commitment", "seq"], name="appraisal_commitment_event_seq")]


class Training(models.Model):
    """One training a staff member completed (岗前培训 before taking a post, 在岗轮训 …)."""

    staff = models.ForeignKey("organization.Staff", models.PROTECT, related_name="trainings", verbose_name="人员")
    kind = models.CharField("种类", max_length=16, choices=[(k.value, v) for k, v in TRAINING_LABELS.items()])
    title = models.CharField("培训名称", max_length=200)
    completed_on = models.DateField("结业日")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name="登记人")
    recorded_at = models.DateTimeField("登记时间")

    def __str__(self) -> str:
        return f"{self.staff_id} {self.title}"


class Qualification(models.Model):
    """A qualification a staff member holds (证书), with its validity."""

    staff = models.ForeignKey("organization.Staff", models.PROTECT, related_name="qualifications",
                              verbose_name="人员")
    name = models.CharField("资格名称", max_length=200)
    certificate_number = models.CharField("证书编号", max_length=64)
    obtained_on = models.DateField("取得日")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    recorded_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name="登记人")
    recorded_at = models.DateTimeField("登记时间")

    def __str__(self) -> str:
        return f"{self.staff_id} {self.name}"


class DiaryEntry(models.Model):
    """The window staff member's work diary (工作日记): one entry per working day."""

    staff = models.ForeignKey("organization.Staff", models.PROTECT, related_name="diary", verbose_name="人员")
    day = models.DateField("日期")
    content = models.TextField("内容")
    written_at = models.DateTimeField("填写时间")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "day"], name="appraisal_diary_once")]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.day}"
