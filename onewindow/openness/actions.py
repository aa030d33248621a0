"""The staff actions on a request by name, with their inputs: one table for the API and the pages.

``perform(name, …, params)`` validates the inputs against the action's schema (an unknown action
or input, or a bad value, is a 400 naming the field) and calls the service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ninja import Field, Schema
from pydantic import ValidationError

from onewindow.core.errors import DomainError
from onewindow.organization.models import Staff

from . import services
from .models import DisclosureRequest
from .rules import Action


class _In(Schema):
    expected_version: int | None = Field(None, description="读取时的 row_version；已被他人更新时 409 disclosure.changed")

    model_config = {"extra": "forbid"}


class RequestClarificationIn(_In):
    points: list[str] = Field(..., description="需要补正的全部事项（一次告知）")
    note: str = ""


class ReceiveClarificationIn(_In):
    received_on: date | None = Field(None, description="收到补正后申请之日（信函：签收日），默认今天")
    note: str = ""


class DeemWithdrawnIn(_In):
    note: str = ""


class StartConsultationIn(_In):
    third_party: str = Field(..., description="被征求意见的第三方")
    note: str = ""


class EndConsultationIn(_In):
    opinion: str = Field(..., description="agree 同意公开；object 不同意公开；none 逾期未提出意见")
    answered_on: date | None = Field(None, description="第三方答复之日，默认今天")
    note: str = ""


class ExtendIn(_In):
    workdays: int = Field(..., description="延长的工作日（不超过 20）")
    reason: str


class ReplyIn(_In):
    answer: str = Field(..., description="already_public、disclosed、partially_disclosed、withheld、not_exist、"
                                         "not_this_agency、repeat、special_registration")
    reasons: str = ""
    grounds: list[str] = Field(default_factory=list, description="不予公开的法定理由（部分公开、不予公开时必填）")
    agency: str = Field("", description="负责公开该信息的机关（非本机关时必填）")
    how_to_obtain: str = ""


class DisclosureWithdrawIn(_In):
    note: str = ""


class FeeNoticeIn(_In):
    method: str = Field(..., description="per_request 按件计收（本月累计超过 10 件）；per_page 按量计收（超过 30 页）")
    pieces: int = Field(1, description="按“一事一申请”拆分后本申请计为几件")
    pages: int | None = Field(None, description="按量计收时的页数")
    how_to_pay: str = Field("", description="缴费方式（写入收费通知书）")
    note: str = ""


class FeePaidIn(_In):
    paid_on: date | None = Field(None, description="缴费日期，默认今天；不得晚于缴费期限")
    receipt_number: str = Field("", description="缴款票据号")
    note: str = ""


class FeeWaiveIn(_In):
    reason: str = Field(..., description="减免理由（负责人决定）")


@dataclass(frozen=True)
class ActionSpec:
    schema: type[_In]
    run: Callable[..., DisclosureRequest]


ACTIONS: dict[str, ActionSpec] = {
    Action.REQUEST_CLARIFICATION: ActionSpec(RequestClarificationIn, services.request_clarification),
    Action.RECEIVE_CLARIFICATION: ActionSpec(ReceiveClarificationIn, services.receive_clarification),
    Action.DEEM_WITHDRAWN: ActionSpec(DeemWithdrawnIn, services.deem_withdrawn),
    Action.START_CONSULTATION: ActionSpec(StartConsultationIn, services.start_consultation),
    Action.END_CONSULTATION: ActionSpec(EndConsultationIn, services.end_consultation),
    Action.EXTEND: ActionSpec(ExtendIn, services.extend),
    Action.REPLY: ActionSpec(ReplyIn, services.reply),
    Action.WITHDRAW: ActionSpec(DisclosureWithdrawIn, services.withdraw),
    Action.FEE_NOTICE: ActionSpec(FeeNoticeIn, services.fee_notice),
    Action.FEE_PAID: ActionSpec(FeePaidIn, services.fee_paid),
    Action.FEE_WAIVE: ActionSpec(FeeWaiveIn, services.fee_waive),
}


def parse(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """The validated inputs of action ``name``, or a 400 naming the action or the field."""
    spec = ACTIONS.get(name)
    if spec is None:
        raise DomainError("disclosure.action_unknown", f"未知的操作“{name}”（可用：{'、'.join(ACTIONS)}）",
                          field="action")
    try:
        return spec.schema.model_validate(params).model_dump()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise DomainError("disclosure.input_invalid", f"输入有误：{where}（{first.get('msg', '')}）",
                          field=where) from None


def perform(name: str, *, request_id: int, actor: Staff, params: dict[str, Any]) -> DisclosureRequest:
    """Run one action on a request with its inputs."""
    inputs = parse(name, params)
    return ACTIONS[name].run(request_id=request_id, actor=actor, **inputs)
