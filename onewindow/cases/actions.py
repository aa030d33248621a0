"""The named case actions of the API and the importer, mapped onto the services (DESIGN.md §5).

One table says, for each action name, which inputs it takes — a schema written out here, the
API v1 contract — and how they map onto its service call, so the REST endpoint
``POST /cases/{number}/actions/{action}``, the web forms and the history importer accept exactly
the same inputs and give the same errors. The schemas are written, not read from the services'
signatures: renaming a service argument cannot change the API, and arguments only the code may
pass (``applicant``, for the applicant's own online steps) are not inputs at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, StrictBool, StrictInt, StrictStr
from pydantic import ValidationError as PydanticValidationError

from onewindow.core.bounds import DB_INT_MAX, int_bounds, int_field
from onewindow.core.errors import DomainError
from onewindow.organization.models import Staff

from . import meeting_services as meetings
from . import referral_services as referrals
from . import services as s
from .models import Case, CaseTask


def _whole_number(value: Any) -> Any:
    """An integer as a JSON number or as the ASCII digits a form posts; never true/false or 2.5."""
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isascii() and text.lstrip("-").isdigit():
            return int(text)
    elif isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError("not an integer")


Whole = Annotated[int, BeforeValidator(_whole_number)]
Text = StrictStr
TextList = list[StrictStr]


def _stage_order() -> Any:
    return int_field(CaseTask, "stage_order", description="环节序号")


class ActionIn(Schema):
    """What every action's body may carry: its own inputs, and the version the caller read."""

    model_config = ConfigDict(extra="forbid")

    # A JSON number only, as API v1 has always required (the pages pass it apart from the inputs).
    expected_version: Annotated[StrictInt, int_bounds(Case, "row_version")] | None = Field(
        None, description="调用方读到的 row_version；已被他人更新则 409 case.changed")


class AcceptIn(ActionIn):
    """受理 (accept)."""

    note: Text = ""


class RequestSupplementIn(ActionIn):
    """一次性告知补正 (request_supplement)."""

    materials: TextList = Field(description="需补正的材料名称")
    note: Text = ""


class SupplementIn(ActionIn):
    """补正 at a window (supplement)."""

    materials: TextList = Field(description="补交的材料名称")
    at_window: StrictBool = Field(True, description="申请人到窗口补交（计一次到现场）")


class RefuseIn(ActionIn):
    """不予受理 (refuse)."""

    reason: Text
    legal_basis: Text
    where_to_apply: Text = ""


class ConcludeInstantIn(ActionIn):
    """即办件办结 (conclude_instant)."""

    result: Text = ""


class CompleteStageIn(ActionIn):
    """完成环节 (complete_stage)."""

    stage_order: Whole = _stage_order()
    opinion: Text
    agree: StrictBool = Field(True, description="是否同意；不同意的，在审核意见中说明理由（联办件会办部门的意见报牵头部门）")


class ChaseStageIn(ActionIn):
    """催办会办环节 (chase_stage): the lead of a joint case chases a co-handling department."""

    stage_order: Whole = _stage_order()
    note: Text = ""


class ClaimIn(ActionIn):
    """签收环节任务 (claim)."""

    stage_order: Whole = _stage_order()


class ReleaseIn(ActionIn):
    """退回环节任务 (release)."""

    stage_order: Whole = _stage_order()


class ReassignIn(ActionIn):
    """改派环节任务 (reassign)."""

    stage_order: Whole = _stage_order()
    assignee_id: Whole = Field(ge=1, le=DB_INT_MAX, description="接手的工作人员 ID")


class StartSpecialProcedureIn(ActionIn):
    """启动特别程序 (start_special_procedure)."""

    procedure: Text
    reason: Text
    announced_workdays: Whole = Field(ge=-DB_INT_MAX - 1, le=DB_INT_MAX, description="告知的所需工作日")


class EndSpecialProcedureIn(ActionIn):
    """结束特别程序 (end_special_procedure)."""

    result: Text


class StartPublicityIn(ActionIn):
    """启动决定前公示 (start_publicity): the item says how long and on what basis; nothing to fill in."""


class RequestExtensionIn(ActionIn):
    """申请延期 (request_extension)."""

    workdays: Whole = int_field(Case, "extension_requested_days", description="延期工作日数")
    reason: Text


class GrantExtensionIn(ActionIn):
    """批准延期 (grant_extension)."""

    workdays: Whole = int_field(Case, "extension_requested_days", description="延期工作日数")
    reason: Text


class DeclineExtensionIn(ActionIn):
    """不批准延期 (decline_extension)."""

    reason: Text


class RequestJointExtensionIn(ActionIn):
    """报请本级人民政府负责人批准联办件延期 (request_joint_extension)."""

    workdays: Whole = int_field(Case, "extension_requested_days", description="延期工作日数（联办件至多15个）")
    reason: Text


class ApproveJointExtensionIn(ActionIn):
    """本级人民政府负责人批准联办件延期 (approve_joint_extension)."""

    workdays: Whole = int_field(Case, "extension_requested_days", description="延期工作日数（联办件至多15个）")
    reason: Text


class DeclineJointExtensionIn(ActionIn):
    """本级人民政府负责人不同意联办件延期 (decline_joint_extension)."""

    reason: Text


class AcceptWithDeferredMaterialsIn(ActionIn):
    """容缺受理 (accept_with_deferred_materials)."""

    materials: TextList = Field(description="尚欠的可容缺材料（须为事项目录标注可容缺的材料，全部列明）")
    workdays: Whole = Field(ge=-DB_INT_MAX - 1, le=DB_INT_MAX, description="补交期限：受理后的工作日数（1–20）")
    note: Text = ""


class ReceiveDeferredMaterialsIn(ActionIn):
    """登记补交容缺材料 (receive_deferred_materials)."""

    materials: TextList


class AcceptOnCommitmentIn(ActionIn):
    """告知承诺受理 (accept_on_commitment)."""

    materials: TextList = Field([], description="以承诺代替的尚缺材料（须全部列明）")
    conditions: TextList = Field(description="申请人承诺符合的条件")
    note: Text = ""


class RecordVerificationIn(ActionIn):
    """登记承诺核查结果 (record_verification)."""

    truthful: StrictBool = Field(description="承诺是否属实")
    findings: Text = Field(description="核查情况")


class RecordObjectionIn(ActionIn):
    """登记异议 (record_objection)."""

    against_seq: Whole = Field(ge=-DB_INT_MAX - 1, le=DB_INT_MAX, description="所异议的事件序号（不予受理、补正告知或决定）")
    content: Text = Field(description="异议内容和理由")


class AnswerObjectionIn(ActionIn):
    """答复异议 (answer_objection)."""

    objection_no: Whole = Field(ge=-DB_INT_MAX - 1, le=DB_INT_MAX, description="异议序号")
    answer: Text = Field(description="答复意见")
    reasons: Text = Field(description="理由")


class MarkUrgentIn(ActionIn):
    """绿色通道：标记急办件 (mark_urgent)."""

    reason: Text = Field(description="急办理由")


class RevokeIn(ActionIn):
    """撤销准予决定 (revoke): after a false commitment."""

    reason: Text = Field(description="撤销理由")


class ReferIn(ActionIn):
    """上报 / 下放 (refer): the receiving point sends the application to the deciding department."""

    opinion: Text = Field(description="初审意见")


class AcceptReferralIn(ActionIn):
    """接收上报件 (accept_referral)."""

    note: Text = ""


class ReturnReferralIn(ActionIn):
    """退回上报件 (return_referral): back to the receiving point with reasons."""

    reasons: Text = Field(description="退回理由")


class ReceivePaperIn(ActionIn):
    """登记代办员纸质材料送达 (receive_paper)."""

    note: Text = ""


class AssignHandlerIn(ActionIn):
    """确定全程承办人 (assign_handler)."""

    handler_id: Whole = Field(ge=1, le=DB_INT_MAX, description="全程承办人的工作人员 ID")
    reason: Text = Field(description="理由")


class ScheduleReviewMeetingIn(ActionIn):
    """召开联审会 (schedule_review_meeting)."""

    kind: Text = Field(description="joint_review 联审会；examination 审查会；evaluation 评估论证会")
    on: Text = Field(description="会议日期 YYYY-MM-DD")
    place: Text = Field(description="会议地点")
    note: Text = ""


class RecordReviewMeetingIn(ActionIn):
    """登记联审会结论 (record_review_meeting)."""

    outcome: Text = Field(description="passed 通过；supplement 需补充完善材料；not_passed 不予通过")
    opinion: Text = Field(description="联审意见")
    materials: TextList = Field([], description="需补充完善的材料（须一次性全部列明）")


class RevokeCertificateIn(ActionIn):
    """撤销证照 (revoke_certificate)."""

    certificate_number: Text = Field(description="证照编号")
    reason: Text = Field(description="撤销理由")
    legal_basis: Text = Field(description="法律依据")


class DecideIn(ActionIn):
    """决定 (decide)."""

    grant: StrictBool
    reasons: Text = ""


class IssueCertificateIn(ActionIn):
    """制证 (issue_certificate)."""


class DeliverIn(ActionIn):
    """送达 (deliver)."""

    method: Text
    tracking_number: Text = ""
    note: Text = ""


class WithdrawIn(ActionIn):
    """撤回 at a window, on the applicant's behalf (withdraw)."""

    reason: Text = ""


@dataclass(frozen=True)
class Context:
    """What an action takes from the caller's situation, never from the body."""

    case_id: int
    actor: Staff
    at: datetime | None
    expected_version: int | None

    def kwargs(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "actor": self.actor, "at": self.at, "expected_version": self.expected_version}


@dataclass(frozen=True)
class Action:
    """One named action: the inputs it accepts and how they become its service call."""

    schema: type[ActionIn]
    run: Callable[[Context, Any], Case]


ACTIONS: dict[str, Action] = {
    "accept": Action(AcceptIn, lambda c, i: s.case_accept(**c.kwargs(), note=i.note)),
    "request_supplement": Action(RequestSupplementIn, lambda c, i: s.case_request_supplement(
        **c.kwargs(), materials=i.materials, note=i.note)),
    "supplement": Action(SupplementIn, lambda c, i: s.case_supplement(
        **c.kwargs(), materials=i.materials, at_window=i.at_window)),
    "refuse": Action(RefuseIn, lambda c, i: s.case_refuse(
        **c.kwargs(), reason=i.reason, legal_basis=i.legal_basis, where_to_apply=i.where_to_apply)),
    "conclude_instant": Action(ConcludeInstantIn, lambda c, i: s.case_conclude_instant(**c.kwargs(), result=i.result)),
    "complete_stage": Action(CompleteStageIn, lambda c, i: s.case_complete_stage(
        **c.kwargs(), stage_order=i.stage_order, opinion=i.opinion, agree=i.agree)),
    "chase_stage": Action(ChaseStageIn, lambda c, i: s.case_chase_stage(
        **c.kwargs(), stage_order=i.stage_order, note=i.note)),
    "claim": Action(ClaimIn, lambda c, i: s.case_claim_task(**c.kwargs(), stage_order=i.stage_order)),
    "release": Action(ReleaseIn, lambda c, i: s.case_release_task(**c.kwargs(), stage_order=i.stage_order)),
    "reassign": Action(ReassignIn, lambda c, i: s.case_reassign_task(
        **c.kwargs(), stage_order=i.stage_order, assignee_id=i.assignee_id)),
    "start_special_procedure": Action(StartSpecialProcedureIn, lambda c, i: s.case_start_special_procedure(
        **c.kwargs(), procedure=i.procedure, reason=i.reason, announced_workdays=i.announced_workdays)),
    "end_special_procedure": Action(EndSpecialProcedureIn, lambda c, i: s.case_end_special_procedure(
        **c.kwargs(), result=i.result)),
    "start_publicity": Action(StartPublicityIn, lambda c, i: s.case_start_publicity(**c.kwargs())),
    "request_extension": Action(RequestExtensionIn, lambda c, i: s.case_request_extension(
        **c.kwargs(), workdays=i.workdays, reason=i.reason)),
    "grant_extension": Action(GrantExtensionIn, lambda c, i: s.case_grant_extension(
        **c.kwargs(), workdays=i.workdays, reason=i.reason)),
    "decline_extension": Action(DeclineExtensionIn, lambda c, i: s.case_decline_extension(
        **c.kwargs(), reason=i.reason)),
    "request_joint_extension": Action(RequestJointExtensionIn, lambda c, i: s.case_request_joint_extension(
        **c.kwargs(), workdays=i.workdays, reason=i.reason)),
    "approve_joint_extension": Action(ApproveJointExtensionIn, lambda c, i: s.case_approve_joint_extension(
        **c.kwargs(), workdays=i.workdays, reason=i.reason)),
    "decline_joint_extension": Action(DeclineJointExtensionIn, lambda c, i: s.case_decline_joint_extension(
        **c.kwargs(), reason=i.reason)),
    "accept_with_deferred_materials": Action(AcceptWithDeferredMaterialsIn,
                                             lambda c, i: s.case_accept_with_deferred_materials(
                                                 **c.kwargs(), materials=i.materials, workdays=i.workdays,
                                                 note=i.note)),
    "receive_deferred_materials": Action(ReceiveDeferredMaterialsIn, lambda c, i: s.case_receive_deferred_materials(
        **c.kwargs(), materials=i.materials)),
    "accept_on_commitment": Action(AcceptOnCommitmentIn, lambda c, i: s.case_accept_on_commitment(
        **c.kwargs(), materials=i.materials, conditions=i.conditions, note=i.note)),
    "record_verification": Action(RecordVerificationIn, lambda c, i: s.case_record_verification(
        **c.kwargs(), truthful=i.truthful, findings=i.findings)),
    "record_objection": Action(RecordObjectionIn, lambda c, i: s.case_record_objection(
        **c.kwargs(), against_seq=i.against_seq, content=i.content)),
    "answer_objection": Action(AnswerObjectionIn, lambda c, i: s.case_answer_objection(
        **c.kwargs(), objection_no=i.objection_no, answer=i.answer, reasons=i.reasons)),
    "mark_urgent": Action(MarkUrgentIn, lambda c, i: s.case_mark_urgent(**c.kwargs(), reason=i.reason)),
    "revoke": Action(RevokeIn, lambda c, i: s.case_revoke(**c.kwargs(), reason=i.reason)),
    "refer": Action(ReferIn, lambda c, i: referrals.case_refer(**c.kwargs(), opinion=i.opinion)),
    "accept_referral": Action(AcceptReferralIn, lambda c, i: referrals.case_accept_referral(**c.kwargs(), note=i.note)),
    "return_referral": Action(ReturnReferralIn, lambda c, i: referrals.case_return_referral(
        **c.kwargs(), reasons=i.reasons)),
    "receive_paper": Action(ReceivePaperIn, lambda c, i: referrals.case_receive_paper(**c.kwargs(), note=i.note)),
    "assign_handler": Action(AssignHandlerIn, lambda c, i: s.case_assign_handler(
        **c.kwargs(), handler_id=i.handler_id, reason=i.reason)),
    "schedule_review_meeting": Action(ScheduleReviewMeetingIn, lambda c, i: meetings.case_schedule_review_meeting(
        **c.kwargs(), kind=i.kind, on=i.on, place=i.place, note=i.note)),
    "record_review_meeting": Action(RecordReviewMeetingIn, lambda c, i: meetings.case_record_review_meeting(
        **c.kwargs(), outcome=i.outcome, opinion=i.opinion, materials=i.materials)),
    "revoke_certificate": Action(RevokeCertificateIn, lambda c, i: s.case_revoke_certificate(
        **c.kwargs(), certificate_number=i.certificate_number, reason=i.reason, legal_basis=i.legal_basis)),
    "decide": Action(DecideIn, lambda c, i: s.case_decide(**c.kwargs(), grant=i.grant, reasons=i.reasons)),
    "issue_certificate": Action(IssueCertificateIn, lambda c, i: s.case_issue_certificate(**c.kwargs())),
    "deliver": Action(DeliverIn, lambda c, i: s.case_deliver(
        **c.kwargs(), method=i.method, tracking_number=i.tracking_number, note=i.note)),
    "withdraw": Action(WithdrawIn, lambda c, i: s.case_withdraw(**c.kwargs(), reason=i.reason)),
}

# The body field every action shares; not one of an action's own inputs.
_SHARED = set(ActionIn.model_fields)


def action_inputs(action: str) -> dict[str, tuple[str, bool]]:
    """``{input: (JSON type, required)}`` of an action's own inputs, for documentation and forms."""
    schema = _lookup(action).schema
    properties = schema.model_json_schema()["properties"]
    return {name: (_json_type(properties[name]), f.is_required())
            for name, f in schema.model_fields.items() if name not in _SHARED}


def _json_type(prop: Mapping[str, Any]) -> str:
    if "type" in prop:
        return str(prop["type"])
    types = [p.get("type") for p in prop.get("anyOf", []) if p.get("type") != "null"]
    return str(types[0]) if types else "string"


def _lookup(action: str) -> Action:
    found = ACTIONS.get(action)
    if found is None:
        raise DomainError("case.action_unknown", f"未知的办件操作：{action}（可用：{'、'.join(ACTIONS)}）",
                          field="action")
    return found


_TYPE_MESSAGES = {"integer": "应为整数", "boolean": "应为 true 或 false", "string": "应为文本", "array": "应为文本列表"}


def _refusal(action: str, schema: type[ActionIn], exc: PydanticValidationError) -> DomainError:
    """The first problem of a body as the API's error: an unknown input first, then a missing one."""
    errors = sorted(exc.errors(), key=lambda e: (e["type"] != "extra_forbidden", e["type"] != "missing"))
    first = errors[0]
    name = str(first["loc"][0]) if first["loc"] else "body"
    if first["type"] == "extra_forbidden":
        return DomainError("invalid_input", f"操作“{action}”不接受输入：{name}", field=name)
    if first["type"] == "missing":
        return DomainError("invalid_input", f"操作“{action}”须提供“{name}”", field=name)
    bound = first.get("ctx", {})
    if first["type"] == "greater_than_equal":
        return DomainError("invalid_input", f"“{name}”不得小于 {bound.get('ge')}", field=name)
    if first["type"] == "less_than_equal":
        return DomainError("invalid_input", f"“{name}”不得大于 {bound.get('le')}", field=name)
    prop = schema.model_json_schema()["properties"].get(name, {})
    if first["type"] == "model_type":  # the body itself is not an object
        return DomainError("invalid_input", f"操作“{action}”的输入须为对象", field="body")
    return DomainError("invalid_input", f"“{name}”{_TYPE_MESSAGES.get(_json_type(prop), '有误')}", field=name)


def perform(action: str, *, case_id: int, actor: Staff, params: Mapping[str, Any], at: datetime | None = None,
            expected_version: int | None = None) -> Case:
    """Run the named action with ``params``; unknown, missing and mistyped inputs are refused.

    ``expected_version`` may come from the caller (a page) or from the body (the API).
    """
    found = _lookup(action)
    try:
        inputs = found.schema.model_validate(dict(params))
    except PydanticValidationError as exc:
        raise _refusal(action, found.schema, exc) from None
    version = expected_version if expected_version is not None else inputs.expected_version
    return found.run(Context(case_id=case_id, actor=actor, at=at, expected_version=version), inputs)
