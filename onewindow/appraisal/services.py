"""Every write of the appraisal app: one function per action, one transaction, permission first,
an event appended to the record's chain where the record has one."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from onewindow.assessment.models import Assessment, AssessmentEvent, Award
from onewindow.assessment.rules import AWARD_LABELS, SubjectKind
from onewindow.assessment.subjects import subjects_of
from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.core.sequences import next_value
from onewindow.core.timesource import local_date, now
from onewindow.documents.models import DocumentNumberSequence
from onewindow.documents.numbering import issuer_short_name
from onewindow.lifecycle.models import ChainedEvent
from onewindow.lifecycle.services import event_append
from onewindow.lifecycle.transitions import Refused
from onewindow.organization.models import Department, Posting, Region, Staff, Window
from onewindow.organization.permissions import Action, require
from onewindow.workdays.arithmetic import CalendarRangeError
from onewindow.workdays.selectors import snapshot_for

from .models import (
    Answer,
    AppraisalSequence,
    AwardReview,
    Campaign,
    CampaignEvent,
    Commitment,
    CommitmentCheck,
    CommitmentEvent,
    DiaryEntry,
    Exposure,
    ExposureEvent,
    Qualification,
    Question,
    Respondent,
    Response,
    Training,
)
from .rules import (
    CAMPAIGN_TABLE,
    CODES_MAX,
    DIARY_GRACE_WORKDAYS,
    EXPOSURE_TABLE,
    QUESTIONS_MAX,
    RESPONDENT_LABELS,
    SCALE_MAX,
    SCALE_MIN,
    TEXT_MAX,
    CampaignAction,
    CampaignState,
    Channel,
    ExposureAction,
    ExposureState,
    RespondentKind,
    ReviewOutcome,
    TrainingKind,
    response_ratio,
)

# The mark of an award's withdrawal notice, in the documents' numbering (云溪评〔2026〕000001号).
NOTICE_MARK = "评"


def _number(region: Region, year: int, kind: str) -> str:
    last = next_value(AppraisalSequence, {"region_id": region.pk, "year": year, "kind": kind})
    return f"{region.prefix}-{kind}{year}-{last:05d}"


def _text(value: str | None, field: str, what: str, *, limit: int = TEXT_MAX, required: bool = True) -> str:
    """A trimmed text; 400 naming ``field`` when missing (if required) or too long."""
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"{field}_missing", f"请填写{what}", field=field)
    if len(text) > limit:
        raise DomainError(f"{field}_too_long", f"{what}不能超过 {limit} 字", field=field)
    return text


def _move(table: Any, action: Any, state: Any) -> Any:
    try:
        return table.next_state(action, state)
    except Refused as exc:
        raise Conflict(exc.code, exc.message, field="state") from None


def _chain(event: ChainedEvent, label: str, previous: ChainedEvent | None) -> None:
    event_append(event, subject_label=label, previous=previous)


def _region_of(region_id: int) -> Region:
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound("区划不存在", code="region_not_found", field="region")
    return region


# -- appraisal campaigns (民主评议) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    scale: int


def _campaign_event(campaign: Campaign, kind: str, by: Staff | None, note: str = "",
                    payload: dict[str, Any] | None = None) -> None:
    previous = campaign.events.order_by("-seq").first()
    _chain(CampaignEvent(campaign=campaign, kind=kind, at=now(), actor=by,
                         actor_label=by.name if by is not None else "评议人", note=note, payload=payload or {}),
           campaign.number, previous)


def _locked_campaign(campaign_id: int) -> Campaign:
    campaign = Campaign.objects.select_for_update().select_related("region").filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("评议活动不存在", code="campaign_not_found", field="campaign")
    return campaign


@transaction.atomic
def campaign_create(*, by: Staff, region_id: int, title: str, subject_kind: str, opens_on: date | None,
                    closes_on: date | None, questions: Sequence[QuestionSpec], open_link: bool = False) -> Campaign:
    """A center administrator sets up a campaign: its subjects (the region's windows or departments),
    dates and questionnaire; ``open_link`` gives it a public link anyone may answer through."""
    region = _region_of(region_id)
    require(by, Action.ASSESSMENT_RUN, region=region)
    title = _text(title, "title", "评议名称", limit=200)
    if subject_kind not in (SubjectKind.WINDOW, SubjectKind.DEPARTMENT):
        raise DomainError("subject_kind_invalid", "评议对象须为窗口或部门", field="subject_kind")
    if opens_on is None or closes_on is None:
        raise DomainError("dates_missing", "请填写评议的开始日和截止日", field="closes_on")
    if closes_on < opens_on:
        raise DomainError("dates_inverted", "截止日不能早于开始日", field="closes_on")
    if not questions or len(questions) > QUESTIONS_MAX:
        raise DomainError("questions_invalid", f"问卷须有 1 至 {QUESTIONS_MAX} 道题", field="questions")
    for n, q in enumerate(questions, 1):
        if not q.text.strip() or len(q.text.strip()) > 200:
            raise DomainError("question_text_invalid", f"第 {n} 题的题目须为 1 至 200 字", field="questions")
        if not SCALE_MIN <= q.scale <= SCALE_MAX:
            raise DomainError("question_scale_invalid", f"第 {n} 题的满分须为 {SCALE_MIN} 至 {SCALE_MAX}",
                              field="questions")
    _move(CAMPAIGN_TABLE, CampaignAction.CREATE, None)
    moment = now()
    campaign = Campaign.objects.create(
        region=region, number=_number(region, opens_on.year, "MY"), title=title, subject_kind=subject_kind,
        opens_on=opens_on, closes_on=closes_on, open_token=secrets.token_urlsafe(16) if open_link else "",
        created_by=by, created_at=moment)
    Question.objects.bulk_create(Question(campaign=campaign, order=n, text=q.text.strip(), scale=q.scale)
                                 for n, q in enumerate(questions, 1))
    _campaign_event(campaign, "created", by, title, {"questions": len(questions), "open_link": open_link})
    return campaign


@transaction.atomic
def campaign_open(*, by: Staff, campaign_id: int) -> Campaign:
    """Start taking answers."""
    campaign = _locked_campaign(campaign_id)
    require(by, Action.ASSESSMENT_RUN, region=campaign.region)
    campaign.state = _move(CAMPAIGN_TABLE, CampaignAction.OPEN, CampaignState(campaign.state))
    campaign.save(update_fields=["state"])
    _campaign_event(campaign, "opened", by)
    return campaign


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


@transaction.atomic
def campaign_issue_codes(*, by: Staff, campaign_id: int, kind: str, count: int) -> list[str]:
    """Issue ``count`` one-time codes for respondents of ``kind``; the codes are returned once (for
    printing and handing out) and only their hashes kept."""
    campaign = _locked_campaign(campaign_id)
    require(by, Action.ASSESSMENT_RUN, region=campaign.region)
    _move(CAMPAIGN_TABLE, CampaignAction.ISSUE_CODES, CampaignState(campaign.state))
    if kind not in RespondentKind.__members__.values():
        raise DomainError("respondent_kind_invalid", "评议人类别须为群众、企业或第三方评估", field="kind")
    if not 0 < count <= CODES_MAX:
        raise DomainError("codes_count_invalid", f"一次发放 1 至 {CODES_MAX} 个评议码", field="count")
    moment = now()
    # 10 characters of an alphabet without look-alikes (0/O, 1/I): easy to type from paper.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    codes = ["".join(secrets.choice(alphabet) for _ in range(10)) for _ in range(count)]
    Respondent.objects.bulk_create(Respondent(campaign=campaign, kind=kind, code_sha256=code_hash(c),
                                              issued_at=moment) for c in codes)
    _campaign_event(campaign, "codes_issued", by, f"发放{RESPONDENT_LABELS[RespondentKind(kind)]}评议码 {count} 个",
                    {"kind": kind, "count": count})
    return codes


def _subject_name(campaign: Campaign, subject_id: int | None) -> str:
    names = dict(subjects_of(SubjectKind(campaign.subject_kind), campaign.region))
    if subject_id is None or subject_id not in names:
        raise DomainError("subject_invalid", "请选择本次评议的对象", field="subject")
    return names[subject_id]


def _answers(campaign: Campaign, values: Mapping[int, int | None]) -> list[tuple[Question, int]]:
    """Each question's value, 1 … its scale; 400 naming the question otherwise."""
    found = []
    for q in campaign.questions.all():
        value = values.get(q.pk)
        if value is None or not 1 <= value <= q.scale:
            raise DomainError("answer_invalid", f"第 {q.order} 题请在 1 至 {q.scale} 分之间评分", field=f"q{q.pk}")
        found.append((q, value))
    return found


def _respond(campaign: Campaign, *, kind: str, channel: Channel, subject_id: int | None,
             values: Mapping[int, int | None], comment: str, respondent: Respondent | None = None,
             entered_by: Staff | None = None, scan_ref: str = "") -> Response:
    _move(CAMPAIGN_TABLE, CampaignAction.ANSWER, CampaignState(campaign.state))
    if kind not in RespondentKind.__members__.values():
        raise DomainError("respondent_kind_invalid", "评议人类别须为群众、企业或第三方评估", field="kind")
    name = _subject_name(campaign, subject_id)
    answers = _answers(campaign, values)
    comment = _text(comment, "comment", "意见建议", limit=1000, required=False)
    ratio = response_ratio([(v, q.scale) for q, v in answers])
    response = Response.objects.create(campaign=campaign, respondent=respondent, kind=kind, channel=channel,
                                       subject_id=subject_id, subject_name=name, ratio=ratio, comment=comment,
                                       scan_ref=scan_ref, entered_by=entered_by, submitted_at=now())
    Answer.objects.bulk_create(Answer(response=response, question=q, value=v) for q, v in answers)
    # The chain records that a questionnaire came in (channel, subject, ratio), never who answered.
    _campaign_event(campaign, "answered", entered_by, "", {"response": response.pk, "channel": channel.value,
                                                            "subject": name, "ratio": str(ratio)})
    return response


@transaction.atomic
def campaign_answer_code(*, code: str, subject_id: int | None, values: Mapping[int, int | None],
                         comment: str = "") -> Response:
    """A respondent answers online with their one-time code (used once)."""
    respondent = (Respondent.objects.select_for_update().filter(code_sha256=code_hash(code or "")).first()
                  if (code or "").strip() else None)
    if respondent is None:
        raise DomainError("code_invalid", "评议码无效，请核对后重新输入", field="code")
    if respondent.used_at is not None:
        raise Conflict("code_used", "该评议码已使用，每个评议码只能评议一次", field="code")
    campaign = _locked_campaign(respondent.campaign_id)
    response = _respond(campaign, kind=respondent.kind, channel=Channel.CODE, subject_id=subject_id, values=values,
                        comment=comment, respondent=respondent)
    respondent.used_at = response.submitted_at
    respondent.save(update_fields=["used_at"])
    return response


@transaction.atomic
def campaign_answer_open(*, token: str, kind: str, subject_id: int | None, values: Mapping[int, int | None],
                         comment: str = "") -> Response:
    """Anyone answers through a campaign's open link (the public page is rate-limited)."""
    campaign = Campaign.objects.filter(open_token=token).exclude(open_token="").first() if token else None
    if campaign is None:
        raise NotFound("评议链接无效", code="campaign_not_found", field="token")
    campaign = _locked_campaign(campaign.pk)
    if kind == RespondentKind.THIRD_PARTY:
        # Third-party evaluators are commissioned: they answer with the codes handed to them.
        raise DomainError("respondent_kind_invalid", "第三方评估请使用发放的评议码评议", field="kind")
    return _respond(campaign, kind=kind, channel=Channel.OPEN, subject_id=subject_id, values=values, comment=comment)


@transaction.atomic
def campaign_enter_paper(*, by: Staff, campaign_id: int, kind: str, subject_id: int | None,
                         values: Mapping[int, int | None], scan_ref: str, comment: str = "") -> Response:
    """Staff of the center enter a scanned paper questionnaire, naming its scan."""
    campaign = _locked_campaign(campaign_id)
    require(by, Action.ASSESSMENT_RUN, region=campaign.region)
    scan_ref = _text(scan_ref, "scan_ref", "扫描件编号", limit=64)
    if Response.objects.filter(campaign=campaign, scan_ref=scan_ref).exists():
        raise Conflict("scan_already_entered", f"扫描件{scan_ref}已录入", field="scan_ref")
    return _respond(campaign, kind=kind, channel=Channel.PAPER, subject_id=subject_id, values=values,
                    comment=comment, entered_by=by, scan_ref=scan_ref)


@transaction.atomic
def campaign_close(*, by: Staff, campaign_id: int) -> Campaign:
    """Stop taking answers: the results are final and count in the period of the closing day."""
    campaign = _locked_campaign(campaign_id)
    require(by, Action.ASSESSMENT_RUN, region=campaign.region)
    campaign.state = _move(CAMPAIGN_TABLE, CampaignAction.CLOSE, CampaignState(campaign.state))
    campaign.closed_at = now()
    campaign.save(update_fields=["state", "closed_at"])
    _campaign_event(campaign, "closed", by, "", {"responses": campaign.responses.count()})
    return campaign


# -- awards: review and withdrawal (评选、命名、复查) --------------------------------------------------------------


@transaction.atomic
def award_review(*, by: Staff, award_id: int, withdraw: bool, reason: str) -> AwardReview:
    """The center reviews a published award: kept, or withdrawn with a reason and a numbered notice
    (云溪评〔2026〕000001号); the review is appended to the assessment's chain."""
    award = Award.objects.select_related("assessment__region").filter(pk=award_id).first()
    if award is None:
        raise NotFound("评优不存在", code="award_not_found", field="award")
    assessment = award.assessment
    region = assessment.region
    require(by, Action.ASSESSMENT_RUN, region=region)
    # The assessment's chain is appended to under its lock, as its own services do.
    Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    reason = _text(reason, "reason", "复查理由", limit=1000)
    if award.reviews.filter(outcome=ReviewOutcome.WITHDRAWN).exists():
        raise Conflict("award_withdrawn", "该评优已撤销，不能再复查", field="award")
    moment = now()
    notice = ""
    if withdraw:
        year = local_date(moment).year
        short = issuer_short_name(region.name, region.level)
        seq = next_value(DocumentNumberSequence, {"scope": f"doc:{short}{NOTICE_MARK}", "year": year})
        notice = f"{short}{NOTICE_MARK}〔{year}〕{seq:06d}号"
    review = AwardReview.objects.create(award=award, outcome=ReviewOutcome.WITHDRAWN if withdraw else ReviewOutcome.KEPT,
                                        reason=reason, notice_number=notice, reviewed_by=by, reviewed_at=moment)
    previous = assessment.events.order_by("-seq").first()
    label = AWARD_LABELS.get(award.kind, award.kind)
    _chain(AssessmentEvent(assessment=assessment, kind="award_withdrawn" if withdraw else "award_kept", at=moment,
                           actor=by, actor_label=by.name, note=reason,
                           payload={"award": award.pk, "kind": award.kind, "subject": award.subject_name,
                                    "notice": notice, "label": label}),
           assessment.label, previous)
    return review


# -- the exposure board (曝光台) ---------------------------------------------------------------------------------


def _exposure_event(exposure: Exposure, kind: str, by: Staff | None, note: str = "",
                    payload: dict[str, Any] | None = None) -> None:
    previous = exposure.events.order_by("-seq").first()
    _chain(ExposureEvent(exposure=exposure, kind=kind, at=now(), actor=by, note=note, payload=payload or {}),
           exposure.number, previous)


def _locked_exposure(exposure_id: int) -> Exposure:
    exposure = Exposure.objects.select_for_update().select_related("region").filter(pk=exposure_id).first()
    if exposure is None:
        raise NotFound("曝光记录不存在", code="exposure_not_found", field="exposure")
    return exposure


@transaction.atomic
def exposure_record(*, by: Staff, region_id: int, title: str, facts: str, basis: str, occurred_on: date | None,
                    staff_id: int | None = None, window_id: int | None = None,
                    department_id: int | None = None) -> Exposure:
    """Record a lapse for the exposure board, naming whom it concerns and the clause of the scheme
    that says such a lapse is exposed (``basis``); published separately."""
    region = _region_of(region_id)
    require(by, Action.ASSESSMENT_RUN, region=region)
    title = _text(title, "title", "标题", limit=200)
    facts = _text(facts, "facts", "问题事实")
    basis = _text(basis, "basis", "曝光依据（考核方案或制度中规定曝光的条款）", limit=200)
    if occurred_on is None or occurred_on > local_date():
        raise DomainError("occurred_on_invalid", "请填写发生日（不能晚于今天）", field="occurred_on")
    staff = Staff.objects.filter(pk=staff_id, postings__region=region).first() if staff_id else None
    window = Window.objects.filter(pk=window_id, region=region).first() if window_id else None
    department = Department.objects.filter(pk=department_id, region=region).first() if department_id else None
    if (staff_id and staff is None) or (window_id and window is None) or (department_id and department is None):
        raise DomainError("exposure_target_invalid", "当事人、窗口或部门不属于本中心", field="staff")
    if staff is None and window is None and department is None:
        raise DomainError("exposure_target_missing", "请指明曝光涉及的人员、窗口或部门", field="staff")
    _move(EXPOSURE_TABLE, ExposureAction.RECORD, None)
    exposure = Exposure.objects.create(
        region=region, number=_number(region, occurred_on.year, "BG"), staff=staff, window=window,
        department=department or (staff.department if staff is not None else None), title=title, facts=facts,
        basis=basis, occurred_on=occurred_on, recorded_by=by, recorded_at=now())
    _exposure_event(exposure, "recorded", by, title, {"basis": basis, "staff": staff.name if staff else ""})
    return exposure


@transaction.atomic
def exposure_publish(*, by: Staff, exposure_id: int) -> Exposure:
    """Put a recorded lapse on the public board."""
    exposure = _locked_exposure(exposure_id)
    require(by, Action.ASSESSMENT_RUN, region=exposure.region)
    exposure.state = _move(EXPOSURE_TABLE, ExposureAction.PUBLISH, ExposureState(exposure.state))
    exposure.published_at = now()
    exposure.save(update_fields=["state", "published_at"])
    _exposure_event(exposure, "published", by)
    return exposure


@transaction.atomic
def exposure_reply(*, by: Staff, exposure_id: int, text: str) -> Exposure:
    """The person named answers (their right to reply): once, shown with the lapse."""
    exposure = _locked_exposure(exposure_id)
    if exposure.staff_id is None or exposure.staff_id != by.pk:
        raise PermissionDenied("只有被曝光的当事人本人可以答复", code="exposure_reply_not_named")
    _move(EXPOSURE_TABLE, ExposureAction.REPLY, ExposureState(exposure.state))
    if exposure.replied_at is not None:
        raise Conflict("exposure_replied", "您已答复过，答复不能修改", field="reply")
    exposure.reply = _text(text, "reply", "答复", limit=2000)
    exposure.replied_at = now()
    exposure.save(update_fields=["reply", "replied_at"])
    _exposure_event(exposure, "replied", by, exposure.reply)
    return exposure


@transaction.atomic
def exposure_withdraw(*, by: Staff, exposure_id: int, reason: str) -> Exposure:
    """Take a lapse off the board (found wrong, or its time passed), with a reason."""
    exposure = _locked_exposure(exposure_id)
    require(by, Action.ASSESSMENT_RUN, region=exposure.region)
    exposure.state = _move(EXPOSURE_TABLE, ExposureAction.WITHDRAW, ExposureState(exposure.state))
    exposure.withdrawn_reason = _text(reason, "reason", "撤下理由", limit=1000)
    exposure.save(update_fields=["state", "withdrawn_reason"])
    _exposure_event(exposure, "withdrawn", by, exposure.withdrawn_reason)
    return exposure


# -- public service commitments (服务承诺) -------------------------------------------------------------------


def _commitment_event(commitment: Commitment, kind: str, by: Staff, note: str = "",
                      payload: dict[str, Any] | None = None) -> None:
    previous = commitment.events.order_by("-seq").first()
    _chain(CommitmentEvent(commitment=commitment, kind=kind, at=now(), actor=by, note=note, payload=payload or {}),
           commitment.number, previous)


@transaction.atomic
def commitment_publish(*, by: Staff, region_id: int, content: str, published_on: date | None,
                       window_id: int | None = None, department_id: int | None = None,
                       standard: str = "") -> Commitment:
    """Publish one commitment of a window or a department (exactly one of them)."""
    region = _region_of(region_id)
    require(by, Action.ASSESSMENT_RUN, region=region)
    content = _text(content, "content", "承诺内容", limit=300)
    standard = _text(standard, "standard", "检查标准", limit=300, required=False)
    if published_on is None:
        raise DomainError("published_on_missing", "请填写公布日", field="published_on")
    if bool(window_id) == bool(department_id):
        raise DomainError("commitment_owner_invalid", "承诺须属于一个窗口或一个部门（二选一）", field="window")
    window = Window.objects.filter(pk=window_id, region=region).first() if window_id else None
    department = Department.objects.filter(pk=department_id, region=region).first() if department_id else None
    if window is None and department is None:
        raise DomainError("commitment_owner_invalid", "窗口或部门不属于本中心", field="window")
    commitment = Commitment.objects.create(region=region, number=_number(region, published_on.year, "CN"),
                                           window=window, department=department, content=content,
                                           standard=standard, published_on=published_on, recorded_by=by)
    _commitment_event(commitment, "published", by, content)
    return commitment


@transaction.atomic
def commitment_check(*, by: Staff, commitment_id: int, checked_on: date | None, kept: bool,
                     evidence: str) -> CommitmentCheck:
    """Record one check of a commitment: kept or not, with its evidence (one per day)."""
    commitment = Commitment.objects.select_for_update().select_related("region").filter(pk=commitment_id).first()
    if commitment is None:
        raise NotFound("服务承诺不存在", code="commitment_not_found", field="commitment")
    require(by, Action.ASSESSMENT_RUN, region=commitment.region)
    if checked_on is None or checked_on > local_date() or checked_on < commitment.published_on:
        raise DomainError("checked_on_invalid", "检查日须在承诺公布之后、不晚于今天", field="checked_on")
    if commitment.withdrawn_on is not None and checked_on >= commitment.withdrawn_on:
        raise DomainError("commitment_withdrawn", "该承诺已停止，不再检查", field="commitment")
    evidence = _text(evidence, "evidence", "检查依据", limit=1000)
    if commitment.checks.filter(checked_on=checked_on).exists():
        raise Conflict("check_exists", f"{checked_on}已有该承诺的检查记录", field="checked_on")
    check = CommitmentCheck.objects.create(commitment=commitment, checked_on=checked_on, kept=kept,
                                           evidence=evidence, checked_by=by, recorded_at=now())
    _commitment_event(commitment, "checked", by, evidence, {"on": checked_on.isoformat(), "kept": kept})
    return check


@transaction.atomic
def commitment_withdraw(*, by: Staff, commitment_id: int, on: date | None, reason: str) -> Commitment:
    """Stop a commitment from ``on`` (it leaves the public page), with a reason."""
    commitment = Commitment.objects.select_for_update().select_related("region").filter(pk=commitment_id).first()
    if commitment is None:
        raise NotFound("服务承诺不存在", code="commitment_not_found", field="commitment")
    require(by, Action.ASSESSMENT_RUN, region=commitment.region)
    if commitment.withdrawn_on is not None:
        raise Conflict("commitment_withdrawn", "该承诺已停止", field="commitment")
    if on is None or on < commitment.published_on:
        raise DomainError("withdrawn_on_invalid", "停止日不能早于公布日", field="on")
    reason = _text(reason, "reason", "停止理由", limit=1000)
    commitment.withdrawn_on = on
    commitment.save(update_fields=["withdrawn_on"])
    _commitment_event(commitment, "withdrawn", by, reason, {"on": on.isoformat()})
    return commitment


# -- staff development (岗前培训、资格、工作日记) -----------------------------------------------------------------


def _staff_in(region: Region, staff_id: int | None) -> Staff:
    staff = Staff.objects.filter(pk=staff_id, postings__region=region).first() if staff_id else None
    if staff is None:
        raise DomainError("staff_invalid", "请选择本中心的工作人员", field="staff")
    return staff


@transaction.atomic
def training_record(*, by: Staff, region_id: int, staff_id: int | None, kind: str, title: str,
                    completed_on: date | None, hours: str) -> Training:
    """Record a training a staff member of the center completed."""
    region = _region_of(region_id)
    require(by, Action.ASSESSMENT_RUN, region=region)
    staff = _staff_in(region, staff_id)
    if kind not in TrainingKind.__members__.values():
        raise DomainError("training_kind_invalid", "培训种类无效", field="kind")
    title = _text(title, "title", "培训名称", limit=200)
    if completed_on is None or completed_on > local_date():
        raise DomainError("completed_on_invalid", "请填写结业日（不能晚于今天）", field="completed_on")
    try:
        amount = Decimal(hours)
    except (InvalidOperation, TypeError):
        amount = Decimal(-1)
    if not amount.is_finite() or not Decimal(0) < amount <= Decimal(1000) or amount != amount.quantize(Decimal("0.1")):
        raise DomainError("hours_invalid", "学时须为 0.1 至 1000 之间、最多一位小数的数", field="hours")
    return Training.objects.create(staff=staff, kind=kind, title=title, completed_on=completed_on, hours=amount,
                                   recorded_by=by, recorded_at=now())


@transaction.atomic
def qualification_record(*, by: Staff, region_id: int, staff_id: int | None, name: str, certificate_number: str,
                         obtained_on: date | None, valid_until: date | None = None) -> Qualification:
    """Record a qualification (certificate) a staff member of the center holds."""
    region = _region_of(region_id)
    require(by, Action.ASSESSMENT_RUN, region=region)
    staff = _staff_in(region, staff_id)
    name = _text(name, "name", "资格名称", limit=200)
    number = _text(certificate_number, "certificate_number", "证书编号", limit=64)
    if obtained_on is None or obtained_on > local_date():
        raise DomainError("obtained_on_invalid", "请填写取得日（不能晚于今天）", field="obtained_on")
    if valid_until is not None and valid_until < obtained_on:
        raise DomainError("valid_until_invalid", "有效期不能早于取得日", field="valid_until")
    return Qualification.objects.create(staff=staff, name=name, certificate_number=number, obtained_on=obtained_on,
                                        valid_until=valid_until, recorded_by=by, recorded_at=now())


def diary_region(staff: Staff) -> Region | None:
    """The region of the window where ``staff`` works (who keeps a work diary): their posting at
    a window, else a window they are rostered at; None for anyone else."""
    from onewindow.hall.models import RosterEntry

    posting = Posting.objects.filter(staff=staff, window__isnull=False).select_related("region").first()
    if posting is not None:
        return posting.region
    entry = RosterEntry.objects.filter(staff=staff).select_related("window__region").order_by("-day").first()
    return entry.window.region if entry is not None else None


@transaction.atomic
def diary_write(*, by: Staff, day: date | None, content: str, at: datetime | None = None) -> DiaryEntry:
    """A window staff member writes the diary entry of a working day: today, or up to
    :data:`DIARY_GRACE_WORKDAYS` working days late; one entry per day."""
    region = diary_region(by)
    if region is None:
        raise PermissionDenied("工作日记由窗口工作人员填写", code="diary_not_window_staff")
    today = local_date(at)
    if day is None or day > today:
        raise DomainError("diary_day_invalid", "请填写日期（不能晚于今天）", field="day")
    calendar = snapshot_for(region.code)
    try:
        workday = calendar.is_workday(day)
        late = calendar.workdays_between(day, today) if day < today else 0
    except CalendarRangeError:
        raise DomainError("diary_day_invalid", "日期超出工作日历的范围", field="day") from None
    if not workday:
        raise DomainError("diary_not_workday", f"{day}不是工作日，无需填写工作日记", field="day")
    if late > DIARY_GRACE_WORKDAYS:
        raise DomainError("diary_too_late", f"工作日记最迟在当日后 {DIARY_GRACE_WORKDAYS} 个工作日内补记", field="day")
    content = _text(content, "content", "工作日记内容")
    if DiaryEntry.objects.filter(staff=by, day=day).exists():
        raise Conflict("diary_exists", f"{day}的工作日记已填写", field="day")
    return DiaryEntry.objects.create(staff=by, day=day, content=content, written_at=at or now())
