"""Public API of 网上办事 (DESIGN.md §5): ``GET /api/v1/public/progress?number=…&code=…``.

No login: the case number and its query code are the key. A wrong code and an unknown number
answer the same 404 ``progress.not_found`` ("办件编号或查询码不正确"). Rate limited per client
address (429 with ``Retry-After``), together with the progress page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from onewindow.api.schemas import ErrorOut

from . import selectors
from .throttle import progress_limited

router = Router(tags=["公众查询"])


class StepOut(Schema):
    label: str = Field(description="环节")
    state: str = Field(description="done 已完成；current 当前环节；pending 未开始")
    on: str | None = Field(description="完成日期 YYYY-MM-DD")


class DueOut(Schema):
    name: str = Field(description="acceptance_due、supplement_request_due、promised_due、statutory_due、certificate_due")
    label: str = Field(description="期限名称")
    due: str = Field(description="期限日 YYYY-MM-DD（当日 23:59:59 截止）")
    deadline: str = Field(description="截止时刻（北京时间）")
    explanation: list[str] = Field(description="期限的计算说明")
    provisional: bool = Field(description="涉及尚未公布节假日安排的年份，期限为暂定")


class ProgressEventOut(Schema):
    seq: int
    kind: str
    label: str = Field(description="事件名称")
    at: str
    details: list[list[str]] = Field(description="[名称, 内容] 列表")


class SpecialProcedureOut(Schema):
    procedure: str
    label: str = Field(description="特别程序种类")
    reason: str
    started_on: str
    announced_workdays: int | None = Field(description="告知的所需工作日")
    expected_end: str | None
    ended_on: str | None
    result: str


class ExtensionOut(Schema):
    workdays: int
    reason: str
    granted_on: str


class ProgressOut(Schema):
    number: str = Field(description="办件编号")
    item_name: str = Field(description="事项名称")
    department: str = Field(description="办理部门")
    status: str
    status_label: str = Field(description="办件状态")
    applicant: str = Field(description="申请人（自然人姓名已脱敏）")
    applicant_kind: str
    channel: str = Field(description="online 网上；window 窗口；proxy 代办；import 导入")
    handler: str = Field(description="全程承办人（姓名和工号；受理后确定）")
    received_at: str = Field(description="上报件：收件点及上报状态；在决定机关收件的为空")
    submitted_at: str
    accepted_on: str | None
    concluded_at: str | None
    steps: list[StepOut]
    dues: list[DueOut]
    timeline: list[ProgressEventOut]
    special_procedures: list[SpecialProcedureOut]
    extension: ExtensionOut | None
    paused: bool = Field(description="特别程序期间暂停计时")
    remaining_workdays: int | None = Field(description="距承诺期限剩余工作日")
    provisional: bool


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def progress_json(p: selectors.Progress) -> dict[str, Any]:
    return {
        "number": p.number, "item_name": p.item_name, "department": p.department, "status": p.status,
        "status_label": p.status_label, "applicant": p.applicant, "applicant_kind": p.applicant_kind,
        "channel": p.channel, "handler": p.handler, "received_at": p.received_at,
        "submitted_at": p.submitted_at.isoformat(), "accepted_on": _iso(p.accepted_on),
        "concluded_at": _iso(p.concluded_at),
        "steps": [{"label": s.label, "state": s.state, "on": _iso(s.on)} for s in p.steps],
        "dues": [{"name": d.name, "label": d.label, "due": d.day.isoformat(), "deadline": d.deadline.isoformat(),
                  "explanation": d.lines, "provisional": d.provisional} for d in p.dues],
        "timeline": [{"seq": e.seq, "kind": e.kind, "label": e.label, "at": e.at.isoformat(),
                      "details": [list(pair) for pair in e.details]} for e in p.timeline],
        "special_procedures": [{"procedure": s.procedure, "label": s.label, "reason": s.reason,
                                "started_on": s.started_on.isoformat(), "announced_workdays": s.announced_workdays,
                                "expected_end": _iso(s.expected_end), "ended_on": _iso(s.ended_on),
                                "result": s.result} for s in p.special_procedures],
        "extension": None if p.extension is None else {"workdays": p.extension.workdays, "reason": p.extension.reason,
                                                       "granted_on": p.extension.granted_on.isoformat()},
        "paused": p.paused, "remaining_workdays": p.remaining_workdays, "provisional": p.provisional,
    }


@router.get("/progress", response={200: ProgressOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut}, auth=None,
            summary="Progress of a case for its applicant, without login")
def progress(request: HttpRequest, number: str = "", code: str = "") -> Any:
    """The public timeline of the case ``number`` if ``code`` is its query code: the stages done
    and the current one, the due dates with their explanation in Chinese, special procedures and
    the extension. The applicant's name is masked.

    Errors: 400 ``progress.input_required``; 404 ``progress.not_found`` for an unknown number and
    a wrong code alike; 429 ``rate_limited`` with ``Retry-After``.
    """
    limited = progress_limited(request)
    if limited is not None:
        return limited
    return progress_json(selectors.progress_lookup(number, code))
