"""Replaying a historical case from its event list (``POST /api/v1/cases/import``, the demo load).

Legacy migration and exchange with upper-level platforms bring cases that happened elsewhere.
They are replayed through the same services as live actions, each at its own recorded time and
by its own recorded actor, so every legal rule is checked again: a history that breaks one is
reported — every violation against its event — and nothing of it is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from onewindow.catalog.models import ServiceItem
from onewindow.core.crypto import blind_index
from onewindow.core.errors import DomainError, NotFound
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import require

from . import services as s
from .actions import perform
from .models import Case
from .receiving import Authorization
from .rules import Applicant, MaterialCheck


@dataclass(frozen=True)
class ImportProblem:
    """One rule a historical event broke: ``index`` is its place in the list (-1: the case itself)."""

    index: int
    code: str
    message: str
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "code": self.code, "message": self.message, "field": self.field}


class ImportRejected(DomainError):
    """The history breaks rules; ``problems`` lists each against its event. Nothing was saved."""

    status = 422

    def __init__(self, problems: list[ImportProblem]) -> None:
        first = problems[0]
        super().__init__("case.import_rejected",
                         f"历史办件有 {len(problems)} 处不符合规则，未导入（第一处：{first.message}）",
                         field=first.field)
        self.problems = problems


@dataclass
class _Replay:
    problems: list[ImportProblem] = field(default_factory=list)

    def fail(self, index: int, exc: DomainError) -> None:
        self.problems.append(ImportProblem(index, exc.code, exc.message, exc.field))


class _Rollback(Exception):
    pass


def _moment(value: Any, where: str) -> datetime:
    moment = parse_datetime(value) if isinstance(value, str) else value if isinstance(value, datetime) else None
    if moment is None or moment.tzinfo is None:
        raise DomainError("invalid_input", "时间须为带时区的 ISO 8601 时间，例如 2026-09-28T10:00:00+08:00",
                          field=where)
    return moment


def _staff(who: Any, where: str, cache: dict[str, Staff]) -> Staff:
    key = str(who or "").strip()
    if key in cache:
        return cache[key]
    staff = (Staff.objects.filter(Q(user__username=key) | Q(employee_number=key)).select_related("region")
             .first() if key else None)
    if staff is None:
        raise NotFound(f"操作人“{key}”不存在", code="staff.not_found", field=where)
    cache[key] = staff
    return staff


def case_import(*, actor: Staff, record: Mapping[str, Any]) -> Case:
    """Replay one historical case; return it, or raise :class:`ImportRejected` with every problem.

    ``record``: ``item_code``, optional ``item_version``, ``applicant`` (the fields of
    :class:`~onewindow.cases.rules.Applicant`), ``materials`` (``[{name, state, note}]``),
    ``channel``, ``window_number``, ``is_urgent``, ``submitted_at``, ``submitted_by`` (user name
    or employee number) — or ``applicant_account`` (the applicant's login, for an online case) —
    and ``events``: ``[{action, at, actor, …inputs}]`` where ``action`` is a name of
    :data:`onewindow.cases.actions.ACTIONS` or ``deemed_accepted``, and ``actor`` is staff, or
    ``applicant`` for a supplement or withdrawal the applicant made online. The importing staff
    member must hold the center administrator's import power in the item's region.

    An import may name an applicant account only if the applicant consented to it from that
    account (``ApplicantProfile.import_consent_at``): otherwise an administrator could put any
    case into anyone's account, and act in it as that applicant. The applicant's imported steps
    are labelled "申请人 X（由 Y 导入）", so the history says who vouches for them.
    """
    cache: dict[str, Staff] = {}
    replay = _Replay()
    events = record.get("events") or []
    if not isinstance(events, list):
        raise DomainError("invalid_input", "events 须为事件列表", field="events")
    case: Case | None = None
    try:
        with transaction.atomic():
            try:
                case = _submit(actor, record, cache)
            except DomainError as exc:
                replay.fail(-1, exc)
                raise _Rollback() from None
            for index, event in enumerate(events):
                try:
                    _apply(case, index, event, cache, importer=actor)
                except DomainError as exc:
                    replay.fail(index, exc)
            if replay.problems:
                raise _Rollback()
    except _Rollback:
        raise ImportRejected(replay.problems) from None
    assert case is not None
    return Case.objects.get(pk=case.pk)


def _submit(actor: Staff, record: Mapping[str, Any], cache: dict[str, Staff]) -> Case:
    code = str(record.get("item_code") or "")
    item = ServiceItem.objects.select_related("region").filter(implementation_code=code).first()
    if item is None:
        raise NotFound(f"事项 {code} 不存在", code="item.not_found", field="item_code")
    require(actor, Perm.CASE_IMPORT, region=item.region)
    applicant = record.get("applicant")
    if not isinstance(applicant, Mapping):
        raise DomainError("invalid_input", "须提供申请人", field="applicant")
    try:
        person = Applicant(**{k: str(v) for k, v in applicant.items()})
        materials = [MaterialCheck(**{k: str(v) for k, v in m.items()}) for m in record.get("materials") or []]
    except TypeError as exc:
        raise DomainError("invalid_input", f"申请人或材料的字段有误：{exc}", field="applicant") from None
    account = _account(record.get("applicant_account"))
    submitter = None if account is not None else _staff(record.get("submitted_by"), "submitted_by", cache)
    return s.case_submit(actor=submitter, applicant_account=account, item_code=code, applicant=person,
                         imported_by=actor if account is not None else None,
                         materials=materials,
                         channel=Case.Channel.ONLINE if account is not None
                         else str(record.get("channel") or Case.Channel.WINDOW),
                         window_number=record.get("window_number") or None,
                         is_urgent=bool(record.get("is_urgent", False)),
                         at=_moment(record.get("submitted_at"), "submitted_at"),
                         item_version=record.get("item_version"), authorization=_authorization(record))


def _authorization(record: dict[str, Any]) -> Authorization | None:
    """村代办: the villager's authorization of the agent, ``{"kind", "reference"}``, if recorded."""
    value = record.get("authorization")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise DomainError("invalid_input", "authorization 应为包含 kind 和 reference 的对象", field="authorization")
    return Authorization(str(value.get("kind", "")), str(value.get("reference", "")))


def _apply(case: Case, index: int, event: Any, cache: dict[str, Staff], *, importer: Staff) -> None:
    if not isinstance(event, Mapping):
        raise DomainError("invalid_input", f"第 {index + 1} 个事件须为对象", field=f"events[{index}]")
    params = dict(event)
    action = str(params.pop("action", ""))
    at = _moment(params.pop("at", None), f"events[{index}].at")
    if action == "deemed_accepted":
        if s.case_deem_accepted(case_id=case.pk, at=at) is None:
            raise DomainError("clock.deemed_acceptance_premature", "此时尚不能视为受理（受理期限未届满或已受理）",
                              field=f"events[{index}]")
        return
    who = params.pop("actor", None)
    if who == APPLICANT:
        _apply_as_applicant(case, index, action, params, at, importer=importer)
        return
    actor = _staff(who, f"events[{index}].actor", cache)
    perform(action, case_id=case.pk, actor=actor, params=params, at=at)


# The actor name of an event the applicant did online, with their own login.
APPLICANT = "applicant"
_APPLICANT_ACTIONS = {"supplement": s.case_supplement, "withdraw": s.case_withdraw}


def _account(username: Any) -> Any:
    """The applicant's login named by an import — its login name or the applicant's phone (found
    by its blind index: phones are encrypted) — if its applicant consented to imports."""
    if not username:
        return None
    named = Q(username=str(username)) | Q(applicant_profile__phone_bidx=blind_index("phone", str(username)))
    user = (get_user_model().objects.select_related("applicant_profile")
            .filter(named, applicant_profile__import_consent_at__isnull=False).first())
    if user is None:
        # One answer for a missing account and one without consent: an import tells nobody
        # which phone numbers have an account.
        raise DomainError("account.import_not_allowed",
                          f"申请人账户“{username}”不存在或申请人未同意导入历史办件，不能关联该账户",
                          field="applicant_account")
    return user


def _apply_as_applicant(case: Case, index: int, action: str, params: dict[str, Any], at: datetime, *,
                        importer: Staff) -> None:
    service = _APPLICANT_ACTIONS.get(action)
    if service is None:
        raise DomainError("case.action_not_for_applicant", f"申请人不能在网上办理“{action}”",
                          field=f"events[{index}].action")
    fresh = Case.objects.select_related("applicant_account").get(pk=case.pk)
    if fresh.applicant_account is None:
        raise DomainError("case.not_online", "该办件不是申请人在网上提交的", field=f"events[{index}].actor")
    materials = params.get("materials", [])
    kwargs: dict[str, Any] = {"materials": materials} if action == "supplement" else {
        "reason": str(params.get("reason", ""))}
    service(case_id=case.pk, actor=None, applicant=fresh.applicant_account, at=at, imported_by=importer, **kwargs)
