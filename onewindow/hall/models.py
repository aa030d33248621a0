"""The hall: window groups and their queues, tickets and their calls, duty rosters, attendance,
absences, appointments and booking bans.

Everything a device shows is a row here: a restarted server loses no ticket and no call.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .rules import Priority, TicketState


class WindowGroup(models.Model):
    """窗口组: the windows that serve the same kind of business (综合受理区, 不动产登记区 …)."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name="区划")
    code = models.CharField("编码", max_length=16)
    name = models.CharField("名称", max_length=64)
    windows = models.ManyToManyField("organization.Window", related_name="hall_groups", blank=True,
                                     verbose_name="窗口")
    wait_warn_minutes = models.PositiveSmallIntegerField("等候预警（分钟）", default=30)
    appointments_per_window_slot = models.PositiveSmallIntegerField("每窗口每半小时可预约数", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "窗口组"
        ordering = ["region_id", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="hall_group_code_unique")]

    def __str__(self) -> str:
        return self.name


class Queue(models.Model):
    """A line of tickets: one window group, one business (its items or its theme); its letter
    prefixes the ticket numbers (A001)."""

    group = models.ForeignKey(WindowGroup, models.PROTECT, related_name="queues", verbose_name="窗口组")
    letter = models.CharField("号码字母", max_length=2)
    name = models.CharField("名称", max_length=64)
    theme = models.CharField("主题", max_length=64, blank=True)
    items = models.ManyToManyField("catalog.ServiceItem", related_name="hall_queues", blank=True,
                                   verbose_name="事项")
    is_open = models.BooleanField("开放取号", default=True)
    skip_after_calls = models.PositiveSmallIntegerField("叫号几次未到可过号", default=3)
    default_service_minutes = models.PositiveSmallIntegerField("默认办理时长（分钟）", default=10)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "队列"
        ordering = ["group_id", "order", "letter"]
        constraints = [models.UniqueConstraint(fields=["group", "letter"], name="hall_queue_letter_unique")]

    def __str__(self) -> str:
        return f"{self.letter} {self.name}"


class WindowQueue(models.Model):
    """Which queues a window calls, in which order: a general window serves several queues by
    rank; a backup (AB) window serves a queue only when its own queues are empty (a higher rank)."""

    window = models.ForeignKey("organization.Window", models.CASCADE, related_name="hall_queues",
                               verbose_name="窗口")
    queue = models.ForeignKey(Queue, models.CASCADE, related_name="window_rules", verbose_name="队列")
    rank = models.PositiveSmallIntegerField("顺序", default=1, help_text="数字小者先叫；备岗队列填更大的数")

    class Meta:
        verbose_name = verbose_name_plural = "窗口叫号规则"
        constraints = [models.UniqueConstraint(fields=["window", "queue"], name="hall_window_queue_unique")]

    def __str__(self) -> str:
        return f"{self.window_id} → {self.queue_id} ({self.rank})"


class TicketCounter(models.Model):
    """The last number issued per queue per day (see core.sequences)."""

    queue = models.ForeignKey(Queue, models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["queue", "day"], name="hall_counter_unique")]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.day}: {self.last}"


class Ticket(models.Model):
    """A visit's queue ticket (取号)."""

    class Source(models.TextChoices):
        KIOSK = "kiosk", "取号机"
        PHONE = "phone", "手机"
        GUIDE = "guide", "导办人员"
        APPOINTMENT = "appointment", "预约签到"
        API = "api", "接口"
        REPLAY = "replay", "历史记录"

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name="区划")
    queue = models.ForeignKey(Queue, models.PROTECT, related_name="tickets", verbose_name="队列")
    # The queue that numbered it: a transfer moves the ticket to another line, never its number.
    numbered_in = models.ForeignKey(Queue, models.PROTECT, related_name="+", verbose_name="取号队列")
    day = models.DateField("日期")
    number = models.PositiveIntegerField("序号")
    label = models.CharField("号码", max_length=8)
    state = models.CharField("状态", max_length=16, choices=TicketState.choices, default=TicketState.WAITING)
    priority = models.PositiveSmallIntegerField("优先级", choices=Priority.choices, default=Priority.NORMAL)
    priority_from = models.DateTimeField("优先起始时刻", null=True, blank=True,
                                         help_text="预约号在预约时段开始后才优先")
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.KIOSK)
    item = models.ForeignKey("catalog.ServiceItem", models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name="事项")
    phone = models.CharField("手机号", max_length=20, blank=True)
    issued_at = models.DateTimeField("取号时间")
    estimated_wait_minutes = models.PositiveIntegerField("预计等候（分钟）", default=0)
    window = models.ForeignKey("organization.Window", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="叫号窗口")
    for_window = models.ForeignKey("organization.Window", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="转给窗口")
    called_at = models.DateTimeField("首次叫号", null=True, blank=True)
    last_called_at = models.DateTimeField("最近叫号", null=True, blank=True)
    calls = models.PositiveSmallIntegerField("叫号次数", default=0)
    served_at = models.DateTimeField("开始办理", null=True, blank=True)
    finished_at = models.DateTimeField("结束", null=True, blank=True)
    served_by = models.ForeignKey("organization.Staff", models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="办理人")
    case = models.ForeignKey("cases.Case", models.SET_NULL, null=True, blank=True, related_name="hall_tickets",
                             verbose_name="办件")

    class Meta:
        verbose_name = verbose_name_plural = "排队号"
        ordering = ["day", "issued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["numbered_in", "day", "number"], name="hall_ticket_number_unique")]
        indexes = [
            # The call: the waiting tickets of a day's queues, in arrival order.
            models.Index(fields=["day", "queue", "issued_at"], name="hall_ticket_waiting",
                         condition=Q(state="waiting")),
            models.Index(fields=["region", "day", "state"], name="hall_ticket_day"),
        ]

    def __str__(self) -> str:
        return self.label


class CallRecord(models.Model):
    """Every call, recall, skip, transfer, start and finish, as it happened (the screen's feed)."""

    class Kind(models.TextChoices):
        CALL = "call", "叫号"
        RECALL = "recall", "重呼"
        RETURN = "return", "未到回队"
        SKIP = "skip", "过号"
        TRANSFER = "transfer", "转移"
        SERVE = "serve", "开始办理"
        FINISH = "finish", "办结"
        LINK = "link", "关联办件"

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="records")
    window = models.ForeignKey("organization.Window", models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey("organization.Staff", models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["at"], name="hall_call_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.ticket_id} @ {self.at:%H:%M:%S}"


class RosterEntry(models.Model):
    """A staff member on duty at a window on a day, on the A or the B post."""

    class Post(models.TextChoices):
        A = "A", "A岗"
        B = "B", "B岗"

    window = models.ForeignKey("organization.Window", models.CASCADE, related_name="hall_roster",
                               verbose_name="窗口")
    staff = models.ForeignKey("organization.Staff", models.CASCADE, related_name="hall_roster",
                              verbose_name="工作人员")
    day = models.DateField("日期")
    post = models.CharField("岗位", max_length=1, choices=Post.choices, default=Post.A)

    class Meta:
        verbose_name = verbose_name_plural = "值班安排"
        ordering = ["day", "window_id", "post"]
        constraints = [models.UniqueConstraint(fields=["window", "staff", "day"], name="hall_roster_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.window_id} {self.post} {self.staff_id}"


class Attendance(models.Model):
    """A sign-in at a window (and its sign-out)."""

    window = models.ForeignKey("organization.Window", models.PROTECT, related_name="+", verbose_name="窗口")
    staff = models.ForeignKey("organization.Staff", models.PROTECT, related_name="hall_attendance",
                              verbose_name="工作人员")
    day = models.DateField("日期")
    signed_in_at = models.DateTimeField("签到")
    signed_out_at = models.DateTimeField("签退", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考勤"
        ordering = ["-signed_in_at"]
        constraints = [models.UniqueConstraint(fields=["staff"], condition=Q(signed_out_at__isnull=True),
                                               name="hall_attendance_one_open")]

    def __str__(self) -> str:
        return f"{self.staff_id} @ {self.window_id} {self.signed_in_at:%Y-%m-%d %H:%M}"


class Absence(models.Model):
    """A requested absence from duty; approved ones excuse the roster days they cover."""

    class State(models.TextChoices):
        REQUESTED = "requested", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "不批准"

    staff = models.ForeignKey("organization.Staff", models.CASCADE, related_name="hall_absences",
                              verbose_name="工作人员")
    first_day = models.DateField("起")
    last_day = models.DateField("止")
    reason = models.CharField("事由", max_length=200)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.REQUESTED)
    decided_by = models.ForeignKey("organization.Staff", models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name="审批人")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "请假"
        ordering = ["-first_day"]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.first_day}–{self.last_day} {self.state}"


class Appointment(models.Model):
    """A real-name booking of a half-hour slot at a window group."""

    class State(models.TextChoices):
        BOOKED = "booked", "已预约"
        CANCELLED = "cancelled", "已取消"
        CHECKED_IN = "checked_in", "已签到"
        NO_SHOW = "no_show", "爽约"

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name="区划")
    group = models.ForeignKey(WindowGroup, models.PROTECT, related_name="appointments", verbose_name="窗口组")
    queue = models.ForeignKey(Queue, models.PROTECT, related_name="appointments", verbose_name="队列")
    day = models.DateField("日期")
    slot = models.TimeField("时段开始")
    name = models.CharField("姓名", max_length=64)
    id_number = models.CharField("身份证号", max_length=18)
    phone = models.CharField("手机号", max_length=20)
    code = models.CharField("预约码", max_length=12, unique=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.BOOKED)
    booked_at = models.DateTimeField("预约时间")
    ticket = models.OneToOneField(Ticket, models.SET_NULL, null=True, blank=True, related_name="appointment",
                                  verbose_name="排队号")

    class Meta:
        verbose_name = verbose_name_plural = "预约"
        ordering = ["day", "slot"]
        constraints = [
            # One booking per person per day (a cancelled one frees the day).
            models.UniqueConstraint(fields=["id_number", "day"], condition=Q(state__in=["booked", "checked_in"]),
                                    name="hall_one_booking_a_day"),
        ]
        indexes = [models.Index(fields=["group", "day", "slot", "state"], name="hall_appt_slot")]

    def __str__(self) -> str:
        return f"{self.code} {self.day} {self.slot:%H:%M}"


class BookingBan(models.Model):
    """No-shows lose booking rights until ``until`` (inclusive)."""

    id_number = models.CharField("身份证号", max_length=18, db_index=True)
    until = models.DateField("禁约至")
    reason = models.CharField("原因", max_length=200)
    created_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = verbose_name_plural = "预约限制"

    def __str__(self) -> str:
        return f"{self.id_number[:6]}… → {self.until}"


class OpeningHours(models.Model):
    """开放时间: a center's published hours for one weekday, a morning and an afternoon session.
    Whether a date is open at all comes from the working-day calendar (rules.sessions_of_day):
    holidays are closed, make-up working days open. A center without rows has published nothing and
    its hall is not restricted (the slots fall back to rules.OPENING)."""

    region = models.ForeignKey("organization.Region", models.CASCADE, related_name="hall_opening_hours",
                               verbose_name="区划")
    weekday = models.PositiveSmallIntegerField("星期", help_text="0 周一 … 6 周日")
    morning_start = models.TimeField("上午开始", null=True, blank=True)
    morning_end = models.TimeField("上午结束", null=True, blank=True)
    afternoon_start = models.TimeField("下午开始", null=True, blank=True)
    afternoon_end = models.TimeField("下午结束", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "开放时间"
        ordering = ["region_id", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["region", "weekday"], name="hall_opening_weekday_unique"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="hall_opening_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.weekday}"

    @property
    def sessions(self) -> tuple[tuple, ...]:
        """The session pairs that are filled in, morning first."""
        pairs = ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))
        return tuple((s, e) for s, e in pairs if s is not None and e is not None)


class LeaderDuty(models.Model):
    """领导轮流带班: a center leader leads the hall on a working day; on a holiday or weekend the
    same row is the holiday duty (节假日值班). The kind follows the calendar, not the form."""

    class Kind(models.TextChoices):
        LEAD = "lead", "带班"
        HOLIDAY = "holiday", "节假日值班"

    region = models.ForeignKey("organization.Region", models.CASCADE, related_name="+", verbose_name="区划")
    day = models.DateField("日期")
    leader = models.ForeignKey("organization.Staff", models.PROTECT, related_name="hall_lead_days",
                               verbose_name="带班领导")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices, default=Kind.LEAD)
    set_by = models.ForeignKey("organization.Staff", models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name="安排人")

    class Meta:
        verbose_name = verbose_name_plural = "领导带班"
        ordering = ["day", "leader_id"]
        constraints = [models.UniqueConstraint(fields=["region", "day", "leader"], name="hall_leader_duty_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.leader_id} {self.kind}"


class ReceptionDay(models.Model):
    """接待日: a center leader receives the public (complaints, hard cases) at a set time and place."""

    region = models.ForeignKey("organization.Region", models.CASCADE, related_name="+", verbose_name="区划")
    day = models.DateField("日期")
    start = models.TimeField("开始")
    end = models.TimeField("结束")
    leader = models.ForeignKey("organization.Staff", models.PROTECT, related_name="hall_reception_days",
                               verbose_name="接待领导")
    place = models.CharField("地点", max_length=64)
    topic = models.CharField("接待内容", max_length=120, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "领导接待日"
        ordering = ["day", "start"]

    def __str__(self) -> str:
        return f"{self.day} {self.start:%H:%M} {self.leader_id}"


class Meeting(models.Model):
    """The center's monthly meeting (中心月度例会): its minutes; each decision becomes a work task."""

    region = models.ForeignKey("organization.Region", models.CASCADE, related_name="+", verbose_name="区划")
    held_on = models.DateField("会议日期")
    title = models.CharField("会议名称", max_length=120)
    attendees = models.CharField("参会人员", max_length=400, blank=True)
    minutes = models.TextField("会议纪要")
    recorded_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = verbose_name_plural = "中心例会"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class MeetingDecision(models.Model):
    """One decision of a meeting and the work task that carries it out (worktasks)."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField("序号")
    text = models.CharField("决定事项", max_length=300)
    task = models.OneToOneField("worktasks.Task", models.PROTECT, related_name="meeting_decision",
                                verbose_name="工作任务")

    class Meta:
        verbose_name = verbose_name_plural = "例会决定事项"
        ordering = ["meeting_id", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="hall_decision_number_unique")]

    def __str__(self) -> str:
        return f"{self.meeting_id}.{self.number} {self.text}"
