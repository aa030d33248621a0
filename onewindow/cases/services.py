"""Every write to a case: one function per action (DESIGN.md §2).

Each action locks the case row, checks the acting staff member's permission and the transition
table, asks the clock whether the new event breaks a legal rule, updates the row, appends the
hash-chained event with the clock's new due dates, and saves — all in one transaction
(:class:`.unit.CaseUnit`, through :mod:`onewindow.core.store`: the writes nothing reads back travel with the next
statement, so a transition costs a few round trips, not one per row). A caller that passes
``expected_version`` (the ``row_version`` it read) is refused with a conflict when the case
changed in between, so two clerks acting at once never lose an update.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet, Subquery

from onewindow.catalog.models import ServiceItem, Stage
from onewindow.catalog.rules import DeliveryMethod, SpecialProcedure
from onewindow.catalog.selectors import version_parts
from onewindow.core import store
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.core.sequences import next_value
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.documents.services import certificate_revoke_in_case, certificates_revoke_of_case
from onewindow.lifecycle.center_settings import forget_yellow_shares, yellow_share
from onewindow.notifications.rules import is_mainland_mobile, normalize_phone
from onewindow.notifications.services import notify
from onewindow.organization.models import Department, Staff, Window
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import can, require, roles_of
from onewindow.organization.rules import Role
from onewindow.workdays.clock import PUBLICITY
from onewindow.workdays.selectors import NEWEST_CHANGE

from . import guards, publicity, scope, states
from . import materials as material_checks
from .events import EventKind
from .history import events_of, redact_applicant
from .lengths import APPLICANT_MAX_LENGTHS
from .models import Case, CaseNumberSequence, CaseTask, CreditRecord
from .receiving import Authorization, agent_may, check_authorization, files_as_agent, receiving_point
from .referral_rules import PAPER_WORKDAYS, ReferralState, direction
from .referral_rules import PENDING as PENDING_REFERRAL
from .rules import (
    Applicant,
    MaterialCheck,
    check_applicant,
    check_materials,
    handler_label,
    with_obtained_materials,
)
from .selectors import handler_candidates
from .states import Status, TransitionRefused
from .timing import (
    calendar_of,
    clock_of,
    limits_for,
    materialize,
    plan_event,
    share_decimal,
)
from .unit import CaseUnit, tasks_query

# A live action may be stamped a little ahead of the server clock (a workstation's clock), no more.
_FUTURE_TOLERANCE = timedelta(minutes=5)

_QUERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone


def _query_code() -> str:
    return "".join(secrets.choice(_QUERY_ALPHABET) for _ in range(8))


def _next_number(case_region, year: int) -> str:
    """region prefix - year - six-digit sequence, unique per region and year."""
    last = next_value(CaseNumberSequence, {"region_id": case_region.pk, "year": year})
    return f"{case_region.prefix}-{year}-{last:06d}"


def _raise_first(problems) -> None:
    if problems:
        first = problems[0]
        raise DomainError(first.code, first.message, field=first.field)


def _check_moment(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise DomainError("case.at_naive", "时间必须带时区", field="at")
    if at > current_time() + _FUTURE_TOLERANCE:
        raise DomainError("case.at_in_future", "操作时间不能晚于当前时间", field="at")
    return at


def _applicant_label(case: Case, imported_by: Staff | None) -> str:
    """申请人 X; 申请人 X（由 Y 导入） for a step an import recorded: Y vouches for it, not X's login."""
    label = f"申请人 {case.applicant_name}"
    if imported_by is not None:
        require(imported_by, Perm.CASE_IMPORT, region=case.region)
        label += f"（由 {imported_by.name} 导入）"
    return label


_ACCEPTING = frozenset({states.Action.ACCEPT, states.Action.ACCEPT_WITH_DEFERRED_MATERIALS,
                        states.Action.ACCEPT_ON_COMMITMENT, states.Action.CONCLUDE_INSTANT})


def _act(*, case_id: int, actor: Staff | None, perm: Perm | None, action: states.Action, at: datetime | None,
         expected_version: int | None, events: Callable[[Case], list[tuple[str, dict[str, Any]]]],
         mutate: Callable[[Case], None] | None = None, applicant: Any = None,
         imported_by: Staff | None = None) -> Case:
    """The common shape of every transition after submission.

    ``perm`` is checked against the case's department; ``None`` means ``events`` checks the
    permission itself (a stage of a joint case belongs to another department). With no staff
    ``actor``, ``applicant`` is the applicant's own login, which must be the case's;
    ``imported_by``: the staff member whose import records the applicant's step.
    """
    at = _check_moment(at or current_time())
    day = local_date(at)
    with CaseUnit.atomic():
        unit = CaseUnit.load(case_id, expected_version, actor=actor, perm=perm, day=day)
        case = unit.case
        label = None
        if actor is None:
            if applicant is None or case.applicant_account_id is None or case.applicant_account_id != applicant.pk:
                raise PermissionDenied("只有申请人本人可以办理此操作", code="forbidden.case.applicant")
            label = _applicant_label(case, imported_by)
        elif files_as_agent(actor):
            if not agent_may(actor, case, perm):
                raise PermissionDenied("村代办员只能办理本人代办的办件",
                                       code=f"forbidden.{(perm or Perm.CASE_SUBMIT).value}")
        elif perm is not None:
            require(actor, perm, region=case.region, department=case.department, item=case.item, on=day,
                    granted=getattr(case, "actor_granted", None))
        try:
            case.status = states.next_status(action, Status(case.status))
        except TransitionRefused as exc:
            raise DomainError(f"case.transition_refused.{action.value}", str(exc), field="action") from exc
        guards.refuse_unless(guards.referral_refusal(case, action))
        guards.refuse_unless(guards.external_refusal(case, action))  # what apps above add (fees)
        planned = events(case)
        if action in _ACCEPTING and actor is not None and case.handler_id is None and planned:
            # 全程承办人: whoever accepts the application answers for it until someone is named instead.
            case.handler = actor
            planned[0] = (planned[0][0], {**planned[0][1], "handler": handler_label(actor)})
        if mutate is not None:
            mutate(case)
        for kind, payload in planned:
            unit.append(kind=kind, at=at, actor=actor, payload=payload, actor_label=label)
        return unit.commit()


# -- intake --------------------------------------------------------------------------------------


def _active_item(code: str) -> QuerySet[ServiceItem]:
    # The newest calendar change of any region comes with the item (for the clock: see calendar_of).
    return (ServiceItem.objects.select_related("region", "department", "current_version")
            .annotate(newest_change_number=Subquery(NEWEST_CHANGE.values("number")[:1]),
                      newest_change_token=Subquery(NEWEST_CHANGE.values("token")[:1]))
            .filter(implementation_code=code, is_active=True).order_by("pk")[:1])


def _window(item_code: str, number: str) -> QuerySet[Window]:
    """The window of that number in the region of the item (implementation codes are unique)."""
    return Window.objects.filter(Q(region__items__implementation_code=item_code), Q(number=number)).order_by("pk")[:1]


def case_submit(*, actor: Staff | None, item_code: str, applicant: Applicant, materials: list[MaterialCheck],
                channel: str = Case.Channel.WINDOW, window_number: str | None = None, is_urgent: bool = False,
                at: datetime | None = None, item_version: int | None = None,
                applicant_account: Any = None, imported_by: Staff | None = None,
                bundle_application: Any = None, authorization: Authorization | None = None) -> Case:
    """收件: record an application of the item's current version (or of version ``item_version``,
    for a historical case); the acceptance clock starts on the day of receipt.

    At a window the actor is the clerk (or proxy agent); online the actor is None and
    ``applicant_account`` is the applicant's own login (``imported_by``: the staff member whose
    import records it, named in the event). ``bundle_application``: the 一件事 application this
    case is a child of (``bundle_services.bundle_apply``), named in the ``submitted`` event.

    A staff member of a receiving point (a township center for a county item, 上报件; the county
    for a township item, 下放) receives the application there: the case has the deciding region's
    number and waits at the receiving point for its referral (:mod:`.referral_services`). A proxy
    agent (村代办) files with the villager's ``authorization`` and owes the paper materials at the
    township center within three working days.
    """
    at = _check_moment(at or current_time())
    if actor is None and (applicant_account is None or channel != Case.Channel.ONLINE):
        raise PermissionDenied("网上申请须由申请人本人登录提交", code="forbidden.case.submit")
    # The item with the newest calendar change (for the clock), and the window, in one round trip.
    reads = [("cases.submitted_item", _active_item, [str(item_code)])]
    if window_number:
        reads.append(("cases.window", _window, [str(item_code), str(window_number)]))
    found, *windows = store.fetch_together(*reads)
    item = found[0] if found else None
    if item is None or item.current_version is None:
        raise NotFound(f"事项 {item_code} 不存在或未发布", code="item.not_found", field="item_code")
    newest = (int(item.newest_change_number or 0), str(item.newest_change_token or ""))
    _raise_first(check_applicant(applicant, max_lengths=APPLICANT_MAX_LENGTHS))
    version = item.current_version
    if item_version is not None and item_version != version.version:
        version = item.versions.filter(version=item_version, is_draft=False).first()
        if version is None:
            raise NotFound(f"事项 {item_code} 没有第 {item_version} 版", code="item.version_not_found",
                           field="item_version")
    parts = version_parts(version.pk)
    names = parts.materials
    materials = with_obtained_materials(materials, parts.material_terms)  # never the applicant's to bring
    obtained = [t.name for t in parts.material_terms if not t.from_applicant]
    _raise_first(check_materials(materials, [n for n, r in names if r], [n for n, _ in names], obtained))
    if channel not in Case.Channel.values:
        raise DomainError("case.channel_invalid", "申请渠道无效", field="channel")
    day = local_date(at)
    point = receiving_point(actor, item, day) if actor is not None else None
    window = None
    if window_number:
        window = windows[0][0] if windows[0] else None
        if point is not None:  # the receiving point's own window
            window = Window.objects.filter(region=point.region, number=str(window_number)).first()
        if window is None:
            raise NotFound(f"窗口 {window_number} 不存在", code="window.not_found", field="window_number")
    if actor is not None and point is None:
        require(actor, Perm.CASE_SUBMIT, region=item.region, department=item.department, item=item, on=day)
    agent = files_as_agent(actor) and channel == Case.Channel.PROXY
    if agent:
        authorization = check_authorization(authorization)
    with CaseUnit.atomic():
        case = Case(
            number=_next_number(item.region, local_date(at).year), query_code=_query_code(),
            region=item.region, department=item.department, item=item, item_version=version, window=window,
            channel=channel, applicant_kind=applicant.kind, applicant_name=applicant.name.strip(),
            applicant_id_type=applicant.id_type, applicant_id_number=applicant.id_number.strip().upper(),
            applicant_phone=applicant.phone, legal_representative=applicant.legal_representative,
            agent_name=applicant.agent_name, agent_id_number=applicant.agent_id_number.strip().upper(),
            status=states.next_status(states.Action.SUBMIT, None), is_urgent=is_urgent, submitted_at=at,
            visits=1 if channel in (Case.Channel.WINDOW, Case.Channel.PROXY) else 0,
            applicant_account=applicant_account, bundle_application=bundle_application,
        )
        unit = CaseUnit.start(case, newest_calendar_change=newest)
        routed: dict[str, Any] = {}
        if point is not None:
            case.received_region = point.region
            case.referral_state = ReferralState.HELD
            case.forward_due = calendar_of(case).add_workdays(day, point.forward_workdays)
            routed["received_at"] = {"region": point.region.code, "name": point.region.name,
                                     "direction": direction(point.region.level, item.region.level),
                                     "forward_due": case.forward_due.isoformat()}
        if agent and authorization is not None:
            case.filed_by = actor
            case.paper_due = calendar_of(case).add_workdays(day, PAPER_WORKDAYS)
            routed["agent"] = {"authorization": authorization.as_payload(), "village": actor.region.name,
                               "paper_due": case.paper_due.isoformat()}
        payload: dict[str, Any] = {
            "channel": channel, "window": window_number, "applicant": redact_applicant({**asdict(applicant), "id_number": case.applicant_id_number,
                                            "agent_id_number": case.agent_id_number}),
            "materials": [asdict(m) for m in materials],
        }
        if bundle_application is not None:
            payload["bundle"] = bundle_application.number
        payload.update(routed)
        unit.append(kind=EventKind.SUBMITTED, at=at, actor=actor,
                    actor_label=None if actor else _applicant_label(case, imported_by), payload=payload)
        unit.commit()
        store.increment(ServiceItem, item.pk, "use_count")
    return case


def case_request_supplement(*, case_id: int, actor: Staff, materials: list[str], note: str = "",
                            at: datetime | None = None, expected_version: int | None = None) -> Case:
    """一次性告知: list every missing material in one notice (行政许可法 第三十二条)."""
    names = [m.strip() for m in materials if m.strip()]
    if not names:
        raise DomainError("supplement.materials_required", "补正告知须列明需补正的材料", field="materials")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        material_checks.check_supplement_request(c, names)
        return [(EventKind.SUPPLEMENT_REQUESTED, {"materials": names, "note": note})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_REQUEST_SUPPLEMENT,
                action=states.Action.REQUEST_SUPPLEMENT, at=at, expected_version=expected_version, events=plan)


def case_supplement(*, case_id: int, actor: Staff | None, materials: list[str], at: datetime | None = None,
                    expected_version: int | None = None, at_window: bool = True, applicant: Any = None,
                    imported_by: Staff | None = None) -> Case:
    """补正: the applicant brings what the notice listed (at a window, a visit; online with
    ``actor=None`` and the applicant's own login); a new acceptance window starts."""
    if actor is None:
        at_window = False

    def visit(c: Case) -> None:
        if at_window:
            c.visits += 1

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_SUBMIT, action=states.Action.SUPPLEMENT, at=at,
                expected_version=expected_version, mutate=visit, applicant=applicant, imported_by=imported_by,
                events=lambda c: [(EventKind.SUPPLEMENTED, {"materials": materials, "at_window": at_window})])


def case_accept(*, case_id: int, actor: Staff, at: datetime | None = None, note: str = "",
                expected_version: int | None = None) -> Case:
    """受理: the handling clocks start on the acceptance date."""
    at = at or current_time()

    def accepted(c: Case) -> None:
        c.accepted_on = local_date(at)
        _open_ready_tasks(c, completed=set(), at=at)

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_ACCEPT, action=states.Action.ACCEPT, at=at,
                expected_version=expected_version, mutate=accepted,
                events=lambda c: [(EventKind.ACCEPTED, {"note": note, **_accepted_materials(c)})])


# 容缺受理: the owed materials are due within this many working days of acceptance, at most.
DEFERRED_MAX_WORKDAYS = 20


def case_accept_with_deferred_materials(*, case_id: int, actor: Staff, materials: list[str], workdays: int,
                                        note: str = "", at: datetime | None = None,
                                        expected_version: int | None = None) -> Case:
    """容缺受理: accept while the named deferrable materials (the catalog marks them) are owed; the
    acceptance notice lists them and the date they are due by (``workdays`` working days after
    acceptance), a deadline the sweep watches. The case proceeds; the grant decision (or the
    certificate, per item) waits for them (:func:`guards.deferred_refusal`)."""
    at = at or current_time()
    names = [m.strip() for m in materials if m.strip()]
    if not names:
        raise DomainError("deferred.materials_required", "容缺受理须列明尚欠的材料", field="materials")
    if not isinstance(workdays, int) or isinstance(workdays, bool) or not 1 <= workdays <= DEFERRED_MAX_WORKDAYS:
        raise DomainError("deferred.workdays_invalid", f"补交期限须为 1 到 {DEFERRED_MAX_WORKDAYS} 个工作日",
                          field="workdays")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        deferrable = {t.name for t in material_checks.terms_of(c) if t.deferrable}
        for name in names:
            if name not in deferrable:
                raise DomainError("deferred.not_deferrable", f"“{name}”不是本事项可容缺的材料，不能容缺受理",
                                  field="materials")
        guards.refuse_unless(guards.acceptance_refusal(c))  # a missing non-deferrable one: 一次性告知
        owed = material_checks.outstanding_of(c).deferred
        for name in names:
            if name not in owed:
                raise DomainError("deferred.not_owed", f"“{name}”已经收取，无需容缺", field="materials")
        unlisted = [n for n in owed if n not in names]
        if unlisted:
            raise DomainError("deferred.unlisted", f"尚欠的容缺材料须全部列明：{'、'.join(unlisted)}", field="materials")
        day = local_date(at)
        due = calendar_of(c).add_workdays(day, workdays)
        c.accepted_on = day
        c.deferred_owed = list(names)
        c.deferred_due = due
        _open_ready_tasks(c, completed=set(), at=at)
        return [(EventKind.ACCEPTED, {"note": note, "deferred_materials": list(names), "deferred_due": due.isoformat(),
                                      "deferred_workdays": workdays})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_ACCEPT,
                action=states.Action.ACCEPT_WITH_DEFERRED_MATERIALS, at=at, expected_version=expected_version,
                events=plan)


def case_receive_deferred_materials(*, case_id: int, actor: Staff, materials: list[str], at: datetime | None = None,
                                    expected_version: int | None = None) -> Case:
    """补交容缺材料: record what arrived of the owed materials; once none is owed the deadline closes
    and the decision (or certificate) may go ahead."""
    names = [m.strip() for m in materials if m.strip()]
    if not names:
        raise DomainError("deferred.materials_required", "请列明补交的材料", field="materials")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        for name in names:
            if name not in c.deferred_owed:
                raise DomainError("deferred.not_owed", f"“{name}”不在尚欠的容缺材料之列", field="materials")
        remaining = [n for n in c.deferred_owed if n not in names]
        c.deferred_owed = remaining
        late = c.deferred_due is not None and local_date(at or current_time()) > c.deferred_due
        return [(EventKind.DEFERRED_MATERIALS_RECEIVED, {"materials": names, "remaining": remaining, "late": late})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_SUBMIT, action=states.Action.RECEIVE_DEFERRED_MATERIALS,
                at=at, expected_version=expected_version, events=plan)


def case_accept_on_commitment(*, case_id: int, actor: Staff, materials: list[str], conditions: list[str],
                              note: str = "", at: datetime | None = None,
                              expected_version: int | None = None) -> Case:
    """告知承诺制: accept an item the catalog marks commitment-eligible on the applicant's written
    commitment instead of the named missing materials (all of them, and only missing ones). The
    acceptance notice (numbered) states the commitment and its ``conditions``; the department must
    verify it by the item's verification period (working days after acceptance), a deadline the
    sweep watches until :func:`case_record_verification`."""
    at = at or current_time()
    names = [m.strip() for m in materials if m.strip()]
    # One condition a line: the staff form posts them as one text.
    terms = [line.strip() for c in conditions for line in c.splitlines() if line.strip()]
    if not terms:
        raise DomainError("commitment.conditions_required", "告知承诺须列明申请人承诺符合的条件", field="conditions")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        version = c.item_version
        if not version.commitment_eligible:
            raise DomainError("commitment.not_eligible", "本事项未列入告知承诺制事项目录，不能以承诺代替材料受理",
                              field="action")
        missing = list(material_checks.outstanding_of(c).missing)
        for name in names:
            if name not in missing:
                raise DomainError("commitment.not_missing", f"“{name}”不是尚缺的必要材料，无需以承诺代替",
                                  field="materials")
        unlisted = [n for n in missing if n not in names]
        if unlisted:
            raise DomainError("commitment.unlisted", f"尚缺的必要材料须全部以承诺代替或补正：{'、'.join(unlisted)}",
                              field="materials")
        day = local_date(at)
        due = calendar_of(c).add_workdays(day, version.verification_workdays)
        c.accepted_on = day
        c.commitment_conditions = terms
        c.verification_due = due
        c.verification_result = "pending"
        _open_ready_tasks(c, completed=set(), at=at)
        return [(EventKind.ACCEPTED, {"note": note, "commitment": True, "commitment_materials": names,
                                      "commitment_conditions": terms, "verification_due": due.isoformat(),
                                      "verification_workdays": version.verification_workdays})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_ACCEPT, action=states.Action.ACCEPT_ON_COMMITMENT,
                at=at, expected_version=expected_version, events=plan)


def case_record_verification(*, case_id: int, actor: Staff, truthful: bool, findings: str,
                             at: datetime | None = None, expected_version: int | None = None) -> Case:
    """承诺核查: record whether the commitment proved true, with the findings; this closes the
    verification deadline. A false commitment leaves the decision to be revoked."""
    if not isinstance(truthful, bool):
        raise DomainError("verification.truthful_invalid", "核查结果须为 true 或 false", field="truthful")
    findings = (findings or "").strip()
    if not findings:
        raise DomainError("verification.findings_required", "请写明核查情况", field="findings")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        if c.verification_result != "pending":
            code, msg = (("verification.not_commitment", "本办件不是告知承诺受理的办件，无需核查")
                         if not c.verification_result else ("verification.already_recorded", "核查结果已经登记"))
            raise DomainError(code, msg, field="action")
        late = c.verification_due is not None and local_date(at or current_time()) > c.verification_due
        c.verification_result = "true" if truthful else "false"
        return [(EventKind.COMMITMENT_VERIFIED, {"truthful": truthful, "findings": findings, "late": late})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_DECIDE, action=states.Action.RECORD_VERIFICATION,
                at=at, expected_version=expected_version, events=plan)


def case_revoke(*, case_id: int, actor: Staff, reason: str, at: datetime | None = None,
                expected_version: int | None = None) -> Case:
    """撤销准予决定 on a false commitment (告知承诺制): only after ``record_verification`` found it
    false. The decision is revoked (``outcome = "revoked"``, the case concluded), every valid
    certificate of the case is revoked with the reason (``/verify/`` shows it), a numbered 撤销决定书
    goes to the applicant and a credit record entry (虚假承诺) is written, all in one transaction."""
    at = at or current_time()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("revoke.reason_required", "撤销决定须说明理由", field="reason")
    if len(reason) > 500:
        raise DomainError("revoke.reason_too_long", "撤销理由不能超过500字", field="reason")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        if c.verification_result != "false":
            raise DomainError("revoke.commitment_not_false",
                              "只有经核查承诺不实的告知承诺件才能在此撤销准予决定", field="action")
        findings = next((e.payload.get("findings", "") for e in reversed(events_of(c))
                         if e.kind == EventKind.COMMITMENT_VERIFIED), "")
        certificates = certificates_revoke_of_case(case=c, reason=f"准予决定已撤销：{reason}", at=at)
        c.outcome = "revoked"
        c.verification_result = "revoked"
        c.concluded_at = c.concluded_at or at
        CreditRecord.objects.create(
            case=c, region_id=c.region_id, kind=CreditRecord.Kind.FALSE_COMMITMENT, applicant_name=c.applicant_name,
            applicant_id_number=c.applicant_id_number, reason=f"告知承诺不实：{findings}"[:500],
            event_seq=c.row_version + 1, recorded_at=at, recorded_by=actor)
        return [(EventKind.DECISION_REVOKED, {"reason": reason, "findings": findings, "certificates": certificates,
                                              "credit_recorded": True})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_DECIDE, action=states.Action.REVOKE, at=at,
                expected_version=expected_version, events=plan)


def case_revoke_certificate(*, case_id: int, actor: Staff, certificate_number: str, reason: str, legal_basis: str,
                            at: datetime | None = None, expected_version: int | None = None) -> Case:
    """撤销证照 (e.g. 行政许可法 第六十九条, or a certificate issued in error): the deciding
    authority revokes one certificate of the case with its reason and legal basis; ``/verify/``
    then shows it revoked, the applicant gets a numbered notice (证照撤销告知书), and the case's
    chain records it. The decision itself is not touched (a false commitment's is: :func:`case_revoke`)."""
    at = at or current_time()
    reason, legal_basis = (reason or "").strip(), (legal_basis or "").strip()
    for field, value, label in (("reason", reason, "撤销理由"), ("legal_basis", legal_basis, "法律依据")):
        if not value:
            raise DomainError(f"certificate.{field}_required", f"请填写{label}", field=field)
        if len(value) > 200:
            raise DomainError(f"certificate.{field}_too_long", f"{label}不能超过200字", field=field)

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        certificate = certificate_revoke_in_case(case=c, number=certificate_number, reason=reason, at=at)
        return [(EventKind.CERTIFICATE_REVOKED, {"certificate": certificate.number, "reason": reason,
                                                 "legal_basis": legal_basis})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_DECIDE, action=states.Action.REVOKE_CERTIFICATE, at=at,
                expected_version=expected_version, events=plan)


def case_mark_urgent(*, case_id: int, actor: Staff, reason: str, at: datetime | None = None,
                     expected_version: int | None = None) -> Case:
    """绿色通道: the chief representative marks an open case urgent with a reason; it then comes
    first in every inbox and, when the item has a shorter urgent limit, is promised within it."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("urgent.reason_required", "标记急办件须说明理由", field="reason")
    if len(reason) > 200:
        raise DomainError("urgent.reason_too_long", "急办理由不能超过200字", field="reason")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        if c.is_urgent and c.urgent_reason:
            raise DomainError("urgent.already", "本办件已标记为急办件", field="action")
        c.is_urgent = True  # before the event: its clock already runs on the urgent limit
        c.urgent_reason = reason
        return [(EventKind.MARKED_URGENT, {"reason": reason, "urgent_limit": c.item_version.urgent_limit})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_GRANT_EXTENSION, action=states.Action.MARK_URGENT,
                at=at, expected_version=expected_version, events=plan)


# 异议: the handler answers in writing with reasons within this many working days (the center's
# convention; seed 001: 承办人应明确答复，并说明理由).
OBJECTION_REPLY_WORKDAYS = 5
# What an objection may be raised against: a refusal, a supplement notice, a decision.
OBJECTABLE = {EventKind.REFUSED: "不予受理", EventKind.SUPPLEMENT_REQUESTED: "补正告知", EventKind.DECIDED: "决定"}


def case_record_objection(*, case_id: int, actor: Staff, against_seq: int, content: str,
                          at: datetime | None = None, expected_version: int | None = None) -> Case:
    """异议登记: the applicant objects to a refusal, a supplement notice or a decision (the event
    ``against_seq``); the answer is due within :data:`OBJECTION_REPLY_WORKDAYS` working days, a
    deadline the sweep watches."""
    at = at or current_time()
    content = (content or "").strip()
    if not content:
        raise DomainError("objection.content_required", "请写明异议的内容和理由", field="content")
    if len(content) > 2000:
        raise DomainError("objection.content_too_long", "异议内容不能超过2000字", field="content")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        target = next((e for e in events_of(c) if e.seq == against_seq), None)
        if target is None or target.kind not in OBJECTABLE:
            raise DomainError("objection.target_invalid", "只能对不予受理、补正告知或决定提出异议", field="against_seq")
        due = calendar_of(c).add_workdays(local_date(at), OBJECTION_REPLY_WORKDAYS)
        no = len(c.objections or []) + 1
        entry = {"no": no, "against_seq": against_seq, "against_kind": str(target.kind), "content": content,
                 "due": due.isoformat(), "answered": False}
        c.objections = [*(c.objections or []), entry]
        return [(EventKind.OBJECTION_RECORDED, {**{k: v for k, v in entry.items() if k != "answered"},
                                                "against_label": OBJECTABLE[target.kind]})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_SUBMIT, action=states.Action.RECORD_OBJECTION, at=at,
                expected_version=expected_version, events=plan)


def case_answer_objection(*, case_id: int, actor: Staff, objection_no: int, answer: str, reasons: str,
                          at: datetime | None = None, expected_version: int | None = None) -> Case:
    """异议答复: the handler (decide power) answers an objection in writing with reasons; a numbered
    异议答复书 goes to the applicant and the objection's deadline closes."""
    at = at or current_time()
    answer, reasons = (answer or "").strip(), (reasons or "").strip()
    if not answer:
        raise DomainError("objection.answer_required", "请写明答复意见", field="answer")
    if not reasons:
        raise DomainError("objection.reasons_required", "答复须说明理由", field="reasons")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        entries = [dict(o) for o in c.objections or []]
        entry = next((o for o in entries if o["no"] == objection_no), None)
        if entry is None:
            raise DomainError("objection.not_found", f"没有第{objection_no}件异议", field="objection_no")
        if entry.get("answered"):
            raise DomainError("objection.already_answered", f"第{objection_no}件异议已经答复", field="objection_no")
        entry["answered"] = True
        c.objections = entries
        late = local_date(at) > date.fromisoformat(entry["due"])
        return [(EventKind.OBJECTION_ANSWERED, {"objection_no": objection_no, "against_seq": entry["against_seq"],
                                                "objection": entry["content"], "answer": answer, "reasons": reasons,
                                                "late": late})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_DECIDE, action=states.Action.ANSWER_OBJECTION, at=at,
                expected_version=expected_version, events=plan)


def _accepted_materials(case: Case) -> dict[str, Any]:
    guards.refuse_unless(guards.acceptance_refusal(case))  # 行政许可法 第三十二条
    return material_checks.acceptance_record(case)


def case_conclude_instant(*, case_id: int, actor: Staff, at: datetime | None = None, result: str = "",
                          expected_version: int | None = None) -> Case:
    """即办件: accepted and concluded on the spot."""
    at = at or current_time()

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        version = c.item_version
        guards.refuse_unless(guards.instant_refusal(c) or guards.acceptance_refusal(c, instant=True))
        c.accepted_on = local_date(at)
        c.concluded_at = at
        c.outcome = "grant"
        # Decided, issued and handed over in the same visit: the history says so, step by step.
        events: list[tuple[str, dict[str, Any]]] = [(EventKind.ACCEPTED, {"instant": True}),
                                                     (EventKind.DECIDED, {"outcome": "grant", "instant": True})]
        if version.result_type != "none":
            events.append((EventKind.CERTIFICATE_ISSUED, {"result_name": version.result_name or version.name,
                                                  "instant": True}))
        events += [(EventKind.DELIVERED, {"method": DeliveryMethod.WINDOW.value, "instant": True}),
                   (EventKind.CONCLUDED, {"result": result})]
        return events

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_ACCEPT, action=states.Action.CONCLUDE_INSTANT, at=at,
                expected_version=expected_version, events=plan)


def case_refuse(*, case_id: int, actor: Staff, reason: str, legal_basis: str, where_to_apply: str = "",
                at: datetime | None = None, expected_version: int | None = None) -> Case:
    """不予受理: a written notice with the reason, its legal basis and where to apply instead."""
    if not reason.strip():
        raise DomainError("refusal.reason_required", "不予受理须说明理由", field="reason")
    if not legal_basis.strip():
        raise DomainError("refusal.basis_required", "不予受理须写明法律依据", field="legal_basis")

    def closed(c: Case) -> None:
        c.concluded_at = at or current_time()

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_REFUSE, action=states.Action.REFUSE, at=at,
                expected_version=expected_version, mutate=closed,
                events=lambda c: [(EventKind.REFUSED, {"reason": reason, "legal_basis": legal_basis,
                                               "where_to_apply": where_to_apply})])


# -- handling ------------------------------------------------------------------------------------


def _stages(case: Case) -> tuple[Stage, ...]:
    return version_parts(case.item_version_id).stages


def _completed_stages(case: Case) -> set[int]:
    return {e.payload["stage"] for e in events_of(case) if e.kind == EventKind.STAGE_COMPLETED}


def _handled_by_events(stage: Stage) -> bool:
    """Acceptance and decision stages are completed by those actions, not by a stage opinion."""
    return stage.role in (Role.CLERK, Role.CHIEF_REPRESENTATIVE)


def _review_stages(case: Case) -> list[Stage]:
    return [s for s in _stages(case) if not _handled_by_events(s)]


def _first_open_stage(case: Case, *, completed: set[int]) -> int | None:
    for stage in _review_stages(case):
        if stage.order not in completed:
            return stage.order
    return None


def _stage_ready(case: Case, stage: Stage, completed: set[int]) -> bool:
    """A stage may run once every earlier step is done; a parallel group's members run together."""
    for other in _review_stages(case):
        if other.order >= stage.order or other.order in completed:
            continue
        if stage.parallel_group is not None and other.parallel_group == stage.parallel_group:
            continue
        return False
    return True


def _stage_department(case: Case, stage: Stage) -> Department:
    """The department a stage belongs to: named by code in the case's region (joint items name
    co-handling departments), else the case's own department."""
    if stage.department_code and stage.department_code != case.department.code:
        # Compiled once: every acceptance of a joint item asks (the ORM would build the query anew).
        found = store.fetch("cases.stage_department", _department_by_code, str(stage.department_code),
                            int(case.region_id))
        if found:
            return found[0]
    return case.department


def _department_by_code(code: str, region_id: int) -> QuerySet[Department]:
    # The parameters in the order of the SQL (the ORM sorts a filter's keywords).
    return Department.objects.filter(code=code, region_id=region_id).order_by("pk")[:1]


def _tasks(case: Case) -> list[CaseTask]:
    """The case's tasks as its transition found them, plus those it opened."""
    held = scope.held(case)
    if held is not None and held.tasks is not None:
        return held.tasks
    tasks = list(tasks_query(case.pk))
    if held is not None:
        held.tasks = tasks
    return tasks


def _open_ready_tasks(case: Case, *, completed: set[int], at: datetime) -> None:
    """Put every stage that is now ready into its department's inbox, once; set the current stage."""
    calendar = calendar_of(case)
    tasks = _tasks(case)
    existing = {t.stage_order for t in tasks}
    today = local_date(at)
    opened = []
    for stage in _review_stages(case):
        if stage.order in completed or stage.order in existing or not _stage_ready(case, stage, completed):
            continue
        due = calendar.add_workdays(today, stage.budget_workdays) if stage.budget_workdays else today
        opened.append(CaseTask(case=case, stage_order=stage.order, stage_name=stage.name,
                               department=_stage_department(case, stage), role=stage.role,
                               budget_workdays=stage.budget_workdays, opened_at=at, due_on=due))
    for task in opened:  # after the departments' reads, so the inserts wait together
        store.add(task)
        tasks.append(task)
    case.current_stage = _first_open_stage(case, completed=completed)


def _task(case: Case, stage_order: int) -> CaseTask:
    task = next((t for t in _tasks(case) if t.stage_order == stage_order), None)
    if task is None:
        raise DomainError("task.unknown", f"环节 {stage_order} 尚未开始或不需单独审核", field="stage_order")
    return task


def _acting_for(actor: Staff, assignee: Staff | None) -> bool:
    """The actor holds the task (or nobody does), or is the AB-post backup of its absent holder (AB岗)."""
    return assignee is None or assignee.id == actor.id or guards.acting_for(actor, assignee)


def _require_stage_role(actor: Staff, case: Case, task: CaseTask, at: datetime) -> None:
    require(actor, Perm.CASE_REVIEW, region=case.region, department=task.department, on=local_date(at))
    if not guards.has_stage_role(actor, task):
        raise DomainError("stage.wrong_role", f"环节“{task.stage_name}”须由相应岗位人员办理", field="stage_order")


def case_complete_stage(*, case_id: int, actor: Staff, stage_order: int, opinion: str, agree: bool = True,
                        at: datetime | None = None, expected_version: int | None = None) -> Case:
    """审核: record an opinion on one stage. A stage needing substantive verification (Art. 34)
    is completed only by the second signature of a different staff member.

    ``agree=False`` is an opinion against granting, its reasons in ``opinion``: on a co-handling
    department's stage of a joint case it goes to the lead, who may then only deny (联办件)."""
    if not opinion.strip():
        raise DomainError("stage.opinion_required", "请填写审核意见" if agree else "不同意的，须在审核意见中说明理由",
                          field="opinion")
    moment = at or current_time()

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        stage = next((s for s in _stages(c) if s.order == stage_order), None)
        if stage is None or _handled_by_events(stage):
            raise DomainError("stage.unknown", f"环节 {stage_order} 不存在或不需单独审核", field="stage_order")
        completed = _completed_stages(c)
        if stage.order in completed:
            raise DomainError("stage.already_completed", f"环节“{stage.name}”已办结", field="stage_order")
        if not _stage_ready(c, stage, completed):
            raise DomainError("stage.not_ready", f"前序环节未办结，不能办理“{stage.name}”", field="stage_order")
        task = _task(c, stage.order)
        _require_stage_role(actor, c, task, moment)
        signers: set[int] = set()
        if stage.requires_two_signatures:
            signers = {e.actor_id for e in events_of(c)
                       if e.kind == EventKind.STAGE_SIGNED and e.payload.get("stage") == stage.order}
            if actor.id in signers:
                raise DomainError("stage.same_signer", "实质审查须由两名不同的工作人员核查（行政许可法第三十四条）",
                                  field="stage_order")
        # The second signature of a verification stage comes from a colleague by design (Art. 34).
        if not signers and not _acting_for(actor, task.assignee):
            raise DomainError("task.claimed_by_other", f"该环节已由{task.assignee}认领，请联系其本人或首席代表改派",
                              field="stage_order")
        base: dict[str, Any] = {"stage": stage.order, "stage_name": stage.name, "opinion": opinion}
        if guards.co_handler_stage(c, task):  # the lead reads who said it, side by side
            base["department"] = task.department.name if task.department else ""
        if not agree:
            base["agree"] = False
        if stage.requires_two_signatures and not signers:
            return [(EventKind.STAGE_SIGNED, base)]
        completed.add(stage.order)
        task.state, task.done_at, task.assignee = CaseTask.State.DONE, moment, task.assignee or actor
        store.change(task, ["state", "done_at", "assignee"])
        _open_ready_tasks(c, completed=completed, at=moment)
        return [(EventKind.STAGE_COMPLETED, base)]

    return _act(case_id=case_id, actor=actor, perm=None, action=states.Action.COMPLETE_STAGE, at=moment,
                expected_version=expected_version, events=plan)


def case_chase_stage(*, case_id: int, actor: Staff, stage_order: int, note: str = "", at: datetime | None = None,
                     expected_version: int | None = None) -> Case:
    """催办: the lead department of a joint case chases a co-handling department's open stage.

    Recorded on the case (the chase, its note and the stage's due date), and texted to whoever
    holds the stage, or to the department's reviewers while nobody has claimed it. Once a day per
    stage: a chase is a reminder, not a stream of messages."""
    note = (note or "").strip()
    if len(note) > 200:
        raise DomainError("chase.note_too_long", "催办说明不能超过200字", field="note")
    moment = at or current_time()

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        task = next((t for t in _tasks(c) if t.stage_order == stage_order), None)
        guards.refuse_unless(guards.chase_refusal(c, task, events_of(c), local_date(moment)))
        assert task is not None
        department = task.department.name if task.department else ""
        _text_chase(c, task, note, moment)
        return [(EventKind.STAGE_CHASED, {"stage": task.stage_order, "stage_name": task.stage_name,
                                          "department": department, "note": note,
                                          "due_on": task.due_on.isoformat() if task.due_on else None})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_DECIDE, action=states.Action.CHASE_STAGE, at=moment,
                expected_version=expected_version, events=plan)


def _text_chase(case: Case, task: CaseTask, note: str, at: datetime) -> None:
    """The SMS of a chase to the stage's holder, else to its department's reviewers (those with a mobile)."""
    if task.assignee_id:
        people = Staff.objects.filter(pk=task.assignee_id)
    else:
        people = Staff.objects.filter(postings__role=Role.REVIEWER, postings__department_id=task.department_id)
    due = f"，环节期限{task.due_on:%Y年%m月%d日}" if task.due_on else ""
    body = (f"【催办】联办件{case.number}（{case.item_version.name}）的“{task.stage_name}”尚未办结{due}，"
            f"请抓紧办理。{note}").strip()
    for staff_id, phone in people.distinct().values_list("id", "user__phone"):
        mobile = normalize_phone(phone or "")
        if is_mainland_mobile(mobile):
            notify(region=case.region, channel="sms", recipient=mobile, subject=f"催办{case.number}", body=body,
                   kind="case.stage_chased", topic=case.number,
                   dedupe_key=f"{case.number}:chase:{task.stage_order}:{local_date(at)}:{staff_id}", at=at)


def case_claim_task(*, case_id: int, actor: Staff, stage_order: int, at: datetime | None = None,
                    expected_version: int | None = None) -> Case:
    """认领: take an open stage from the department's inbox, so colleagues see it is in hand."""
    moment = at or current_time()

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        task = _task(c, stage_order)
        _require_stage_role(actor, c, task, moment)
        if task.state != CaseTask.State.OPEN:
            raise DomainError("task.done", f"环节“{task.stage_name}”已办结", field="stage_order")
        if task.assignee_id == actor.id:
            return []
        if task.assignee is not None and not _acting_for(actor, task.assignee):
            raise DomainError("task.claimed_by_other", f"该环节已由{task.assignee}认领", field="stage_order")
        previous = task.assignee
        CaseTask.objects.filter(pk=task.pk).update(assignee=actor, claimed_at=moment)
        task.assignee, task.claimed_at = actor, moment  # the stage's deadline names its holder
        return [(EventKind.TASK_CLAIMED, {"stage": task.stage_order, "stage_name": task.stage_name,
                                  "from": previous.name if previous else None})]

    return _act(case_id=case_id, actor=actor, perm=None, action=states.Action.CLAIM_TASK, at=moment,
                expected_version=expected_version, events=plan)


def case_release_task(*, case_id: int, actor: Staff, stage_order: int, at: datetime | None = None,
                      expected_version: int | None = None) -> Case:
    """退回待办: give a claimed stage back to the department's inbox."""
    moment = at or current_time()

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        task = _task(c, stage_order)
        if task.assignee is None:
            return []
        is_chief = can(actor, Perm.CASE_REASSIGN, region=c.region, department=task.department, on=local_date(moment))
        if task.assignee_id != actor.id and not is_chief:
            raise PermissionDenied("只有认领人或首席代表可以退回该环节", code="forbidden.task_release")
        CaseTask.objects.filter(pk=task.pk).update(assignee=None, claimed_at=None)
        released = [(EventKind.TASK_RELEASED, {"stage": task.stage_order, "stage_name": task.stage_name,
                                       "from": task.assignee.name})]
        task.assignee, task.claimed_at = None, None
        return released

    return _act(case_id=case_id, actor=actor, perm=None, action=states.Action.RELEASE_TASK, at=moment,
                expected_version=expected_version, events=plan)


def case_reassign_task(*, case_id: int, actor: Staff, stage_order: int, assignee_id: int,
                       at: datetime | None = None, expected_version: int | None = None) -> Case:
    """改派: the chief representative gives a stage to another reviewer of the department."""
    moment = at or current_time()

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        task = _task(c, stage_order)
        require(actor, Perm.CASE_REASSIGN, region=c.region, department=task.department, on=local_date(moment))
        if task.state != CaseTask.State.OPEN:
            raise DomainError("task.done", f"环节“{task.stage_name}”已办结", field="stage_order")
        # Staff of another county answer like a missing id: the error must not name them.
        target = (Staff.objects.filter(Q(region=c.region) | Q(postings__region=c.region), pk=assignee_id)
                  .distinct().first())
        if target is None:
            raise NotFound("工作人员不存在", code="staff.not_found", field="assignee")
        if not can(target, Perm.CASE_REVIEW, region=c.region, department=task.department, on=local_date(moment)) \
                or (task.role not in roles_of(target) and Role.CHIEF_REPRESENTATIVE not in roles_of(target)):
            raise DomainError("task.assignee_ineligible", f"{target}不是{task.department}的审核人员，不能承办该环节",
                              field="assignee")
        CaseTask.objects.filter(pk=task.pk).update(assignee=target, claimed_at=moment)
        reassigned = [(EventKind.TASK_REASSIGNED, {"stage": task.stage_order, "stage_name": task.stage_name,
                                           "from": task.assignee.name if task.assignee else None, "to": target.name,
                                           "to_id": target.id})]
        task.assignee, task.claimed_at = target, moment
        return reassigned

    return _act(case_id=case_id, actor=actor, perm=None, action=states.Action.REASSIGN_TASK, at=moment,
                expected_version=expected_version, events=plan)


def case_assign_handler(*, case_id: int, actor: Staff, handler_id: int, reason: str, at: datetime | None = None,
                        expected_version: int | None = None) -> Case:
    """全程承办人: the chief representative names who answers for the case from here to its
    delivery (seed 001: 确定该事项的全程承办人，并作为办理责任人), with a reason; each change is an
    event, and the applicant sees who it is."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("handler.reason_required", "变更全程承办人须说明理由", field="reason")
    if len(reason) > 200:
        raise DomainError("handler.reason_too_long", "理由不能超过200字", field="reason")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        chosen = next((p for p in handler_candidates(c) if p.pk == handler_id), None)
        if chosen is None:
            raise DomainError("handler.not_candidate", "全程承办人须为本部门的窗口或审核人员", field="handler_id")
        if chosen.pk == c.handler_id:
            raise DomainError("handler.unchanged", f"{chosen.name}已是本件的全程承办人", field="handler_id")
        previous = handler_label(c.handler) if c.handler_id else ""
        c.handler = chosen
        return [(EventKind.HANDLER_ASSIGNED, {"handler": handler_label(chosen), "previous": previous,
                                              "reason": reason})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_REASSIGN, action=states.Action.ASSIGN_HANDLER, at=at,
                expected_version=expected_version, events=plan)


def case_start_special_procedure(*, case_id: int, actor: Staff, procedure: str, reason: str,
                                 announced_workdays: int, at: datetime | None = None,
                                 expected_version: int | None = None) -> Case:
    """特别程序 (Art. 45): the clocks pause; the applicant is told the time needed in writing."""
    if procedure not in SpecialProcedure.__members__.values():
        raise DomainError("special_procedure.kind_invalid", "特别程序种类无效", field="procedure")
    if not isinstance(announced_workdays, int) or isinstance(announced_workdays, bool) or announced_workdays < 1:
        raise DomainError("special_procedure.days_invalid", "须告知所需工作日数（正整数）", field="announced_workdays")
    if not reason.strip():
        raise DomainError("special_procedure.reason_required", "请说明启动特别程序的理由或依据", field="reason")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        guards.refuse_unless(guards.special_procedure_refusal(c, procedure))
        return [(EventKind.SPECIAL_PROCEDURE_STARTED, {"procedure": procedure, "reason": reason,
                                               "announced_workdays": announced_workdays})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_SPECIAL_PROCEDURE,
                action=states.Action.START_SPECIAL_PROCEDURE, at=at, expected_version=expected_version, events=plan)


def case_end_special_procedure(*, case_id: int, actor: Staff, result: str, at: datetime | None = None,
                               expected_version: int | None = None) -> Case:
    """The special procedure ends; the clocks continue from the end date."""
    if not result.strip():
        raise DomainError("special_procedure.result_required", "请填写特别程序的结果", field="result")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        started = next((e for e in reversed(events_of(c)) if e.kind == EventKind.SPECIAL_PROCEDURE_STARTED), None)
        if started is not None and started.payload.get("procedure") == PUBLICITY:
            raise DomainError("publicity.ends_with_publication",
                              "决定前公示在公示期满且异议均已答复、公示结束时自动结束，不能手动结束", field="action")
        return [(EventKind.SPECIAL_PROCEDURE_ENDED, {"procedure": started.payload["procedure"] if started else None,
                                             "result": result})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_SPECIAL_PROCEDURE,
                action=states.Action.END_SPECIAL_PROCEDURE, at=at, expected_version=expected_version, events=plan)


def case_start_publicity(*, case_id: int, actor: Staff, at: datetime | None = None,
                         expected_version: int | None = None) -> Case:
    """决定前公示: publish the proposed decision for comment (an openness publication, the
    applicant's name masked, no ID or phone) and pause the clock until it ends — its comment period
    over and every objection answered (:func:`case_end_publicity`, called when the publication is
    finalized). Only for an item that asks for it, once per case."""
    at = at or current_time()

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        guards.refuse_unless(guards.publicity_start_refusal(c, events_of(c)))
        notice = publicity.publish(c, actor, at)
        days = c.item.publicity_days
        return [(EventKind.SPECIAL_PROCEDURE_STARTED, {
            "procedure": PUBLICITY, "reason": c.item.publicity_basis or "决定前公示",
            "announced_workdays": None if c.item.publicity_calendar_days else days,
            "days": days, "calendar_days": c.item.publicity_calendar_days,
            "publication": notice.number, "comment_ends": notice.comment_ends.isoformat()})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_SPECIAL_PROCEDURE,
                action=states.Action.START_SPECIAL_PROCEDURE, at=at, expected_version=expected_version, events=plan)


def case_end_publicity(*, case_id: int, actor: Staff | None, publication: str, at: datetime | None = None) -> Case:
    """The publicity ended (its publication finalized: period over, objections answered): the pause
    ends and the clock resumes. Called by the openness app in the finalizing transaction — by the
    staff member who finalizes, or by the system (``actor`` None) when the period ran out with no
    objection waiting for its answer."""
    at = at or current_time()
    with CaseUnit.atomic():
        unit = CaseUnit.load(case_id, None)
        case = unit.case
        started, ended = guards.publicity_ran(events_of(case))
        if case.status != Status.SPECIAL_PROCEDURE or not started or ended:
            raise DomainError("publicity.not_running", "本件没有进行中的决定前公示", field="action")
        payload = {"procedure": PUBLICITY, "publication": publication, "result": "公示期满，异议均已答复"}
        violations, _state = plan_event(case, EventKind.SPECIAL_PROCEDURE_ENDED, at, payload)
        if violations:
            raise DomainError(f"clock.{violations[0].code}", violations[0].message, field="action")
        case.status = states.next_status(states.Action.END_SPECIAL_PROCEDURE, Status(case.status))
        unit.append(kind=EventKind.SPECIAL_PROCEDURE_ENDED, at=at, actor=actor, payload=payload)
        return unit.commit()


def _check_extension_days(case: Case, workdays: int) -> None:
    if not isinstance(workdays, int) or isinstance(workdays, bool) or workdays < 1:
        raise DomainError("extension.days_invalid", "延期工作日数须为正整数", field="workdays")
    cap = limits_for(case.item_version).max_extension
    if workdays > cap:
        raise DomainError("clock.extension_beyond_cap",
                          f"延期不得超过 {cap} 个工作日（行政许可法 第四十二条），申请延期 {workdays} 个工作日",
                          field="workdays")
    guards.refuse_unless(guards.extension_refusal(events_of(case)))


def case_request_extension(*, case_id: int, actor: Staff, workdays: int, reason: str, at: datetime | None = None,
                           expected_version: int | None = None) -> Case:
    """申请延期: the reviewer asks the chief representative for more working days, with reasons."""
    if not reason.strip():
        raise DomainError("extension.reason_required", "申请延期须说明理由", field="reason")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        guards.refuse_unless(guards.joint_extension_refusal(c))
        _check_extension_days(c, workdays)
        guards.refuse_unless(guards.extension_pending_refusal(c))
        c.extension_requested_days = workdays
        return [(EventKind.EXTENSION_REQUESTED, {"workdays": workdays, "reason": reason})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_REQUEST_EXTENSION,
                action=states.Action.REQUEST_EXTENSION, at=at, expected_version=expected_version, events=plan)


def case_grant_extension(*, case_id: int, actor: Staff, workdays: int, reason: str, at: datetime | None = None,
                         expected_version: int | None = None) -> Case:
    """延期 (Art. 42): once, by the chief representative, within the cap, before the statutory due
    date; the applicant is told the reasons in writing (the extension notice)."""
    if not reason.strip():
        raise DomainError("extension.reason_required", "延期须说明理由并告知申请人", field="reason")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        guards.refuse_unless(guards.joint_extension_refusal(c))  # 第四十二条第二款: not a department's
        _check_extension_days(c, workdays)
        requested = c.extension_requested_days
        c.extension_requested_days = None
        return [(EventKind.EXTENSION_GRANTED, {"workdays": workdays, "reason": reason, "requested_workdays": requested,
                                       "approver_role": Role.CHIEF_REPRESENTATIVE.value,
                                       "approver": actor.name, "approver_title": f"{c.department.name}首席代表"})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_GRANT_EXTENSION,
                action=states.Action.GRANT_EXTENSION, at=at, expected_version=expected_version, events=plan)


def case_decline_extension(*, case_id: int, actor: Staff, reason: str, at: datetime | None = None,
                           expected_version: int | None = None) -> Case:
    """The chief representative turns a pending extension request down."""
    if not reason.strip():
        raise DomainError("extension.reason_required", "请说明不同意延期的理由", field="reason")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        guards.refuse_unless(guards.extension_missing_refusal(c))
        requested, c.extension_requested_days = c.extension_requested_days, None
        return [(EventKind.EXTENSION_DECLINED, {"requested_workdays": requested, "reason": reason})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_GRANT_EXTENSION,
                action=states.Action.DECLINE_EXTENSION, at=at, expected_version=expected_version, events=plan)


def government_of(case: Case) -> str:
    """The local government whose head approves a joint case's extension: the case's region's."""
    return f"{case.region.name}人民政府"


def case_request_joint_extension(*, case_id: int, actor: Staff, workdays: int, reason: str,
                                 at: datetime | None = None, expected_version: int | None = None) -> Case:
    """报请延期 of a joint case (联办件): the lead department asks the head of the local government
    (本级人民政府负责人) for at most 15 more working days, with reasons (行政许可法 第四十二条第二款)."""
    if not reason.strip():
        raise DomainError("extension.reason_required", "申请延期须说明理由", field="reason")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        guards.refuse_unless(guards.not_joint_refusal(c))
        _check_extension_days(c, workdays)
        guards.refuse_unless(guards.extension_pending_refusal(c))
        c.extension_requested_days = workdays
        return [(EventKind.EXTENSION_REQUESTED, {"workdays": workdays, "reason": reason, "joint": True,
                                                 "approver_role": Role.GOVERNMENT_HEAD.value,
                                                 "government": government_of(c)})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_REQUEST_EXTENSION,
                action=states.Action.REQUEST_JOINT_EXTENSION, at=at, expected_version=expected_version, events=plan)


def case_approve_joint_extension(*, case_id: int, actor: Staff, workdays: int, reason: str,
                                 at: datetime | None = None, expected_version: int | None = None) -> Case:
    """批准联办件延期: the head of the local government grants the pending request (once, at most
    15 working days, before the statutory due date); the extension notice names the approver."""
    if not reason.strip():
        raise DomainError("extension.reason_required", "延期须说明理由并告知申请人", field="reason")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        guards.refuse_unless(guards.not_joint_refusal(c))
        guards.refuse_unless(guards.extension_refusal(events_of(c)) or guards.extension_missing_refusal(c))
        _check_extension_days(c, workdays)
        requested, c.extension_requested_days = c.extension_requested_days, None
        return [(EventKind.EXTENSION_GRANTED, {"workdays": workdays, "reason": reason, "requested_workdays": requested,
                                               "joint": True, "approver_role": Role.GOVERNMENT_HEAD.value,
                                               "approver": actor.name,
                                               "approver_title": f"{government_of(c)}负责人"})]

    # The permission is the government head's (本级人民政府负责人), posted to the case's region.
    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_APPROVE_JOINT_EXTENSION,
                action=states.Action.APPROVE_JOINT_EXTENSION, at=at,
                expected_version=expected_version, events=plan)


def case_decline_joint_extension(*, case_id: int, actor: Staff, reason: str, at: datetime | None = None,
                                 expected_version: int | None = None) -> Case:
    """The head of the local government turns a joint case's extension request down."""
    if not reason.strip():
        raise DomainError("extension.reason_required", "请说明不同意延期的理由", field="reason")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        guards.refuse_unless(guards.not_joint_refusal(c) or guards.extension_missing_refusal(c))
        requested, c.extension_requested_days = c.extension_requested_days, None
        return [(EventKind.EXTENSION_DECLINED, {"requested_workdays": requested, "reason": reason, "joint": True,
                                                "approver_role": Role.GOVERNMENT_HEAD.value, "approver": actor.name})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_APPROVE_JOINT_EXTENSION,
                action=states.Action.DECLINE_JOINT_EXTENSION, at=at,
                expected_version=expected_version, events=plan)


# 行政许可法 第四十条 / 复议法 / 诉讼法: what a denial must tell the applicant.
DENIAL_RIGHTS = "如不服本决定，可自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。"


def case_decide(*, case_id: int, actor: Staff, grant: bool, reasons: str = "", at: datetime | None = None,
                expected_version: int | None = None) -> Case:
    """准予 / 不予许可. A denial states its reasons and the applicant's rights (60 days for
    administrative reconsideration, 6 months for a lawsuit)."""
    at = at or current_time()
    if not grant and not reasons.strip():
        raise DomainError("decision.reasons_required", "不予许可决定须说明理由", field="reasons")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        guards.refuse_unless(guards.decision_refusal(_tasks(c), c))
        if grant:  # a denial needs no public notice (it is the proposed grant that is published)
            guards.refuse_unless(guards.publicity_refusal(c, events_of(c)))
        if grant:  # 容缺: a denial (e.g. the owed material never came) needs no material
            guards.refuse_unless(guards.deferred_refusal(c, "decision"))
            guards.refuse_unless(guards.co_handler_refusal(c, events_of(c)))
        payload: dict[str, Any] = {"outcome": "grant" if grant else "deny", "reasons": reasons}
        c.outcome = payload["outcome"]
        c.extension_requested_days = None
        if not grant:
            payload["rights"] = DENIAL_RIGHTS
            c.concluded_at = at
            return [(EventKind.DECIDED, payload), (EventKind.CONCLUDED, {"result": "denied"})]
        if c.item_version.result_type == "none":
            c.concluded_at = at
            return [(EventKind.DECIDED, payload), (EventKind.CONCLUDED, {"result": "granted"})]
        return [(EventKind.DECIDED, payload)]

    action = states.Action.DECIDE_GRANT if grant else states.Action.DECIDE_DENY
    try:
        return _act(case_id=case_id, actor=actor, perm=Perm.CASE_DECIDE, action=action, at=at,
                    expected_version=expected_version, events=plan)
    except DomainError as exc:
        # The status says "paused"; when the pause is the publicity, say so (and name the rule).
        if exc.code.startswith("case.transition_refused.") and guards.publicity_ran(
                events_of(Case.objects.get(pk=case_id))) == (True, False):
            raise DomainError("decision.publicity_running",
                              "决定前公示期间（公示期未满或尚有异议未答复）不能作出决定", field="action") from None
        raise


def case_issue_certificate(*, case_id: int, actor: Staff, at: datetime | None = None,
                           expected_version: int | None = None) -> Case:
    """制证: the signed certificate (or result document) of a grant, due 10 working days after it
    (行政许可法 第四十四条)."""
    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        guards.refuse_unless(guards.deferred_refusal(c, "certificate"))
        return [(EventKind.CERTIFICATE_ISSUED, {"result_name": c.item_version.result_name or c.item_version.name})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_ISSUE_CERTIFICATE,
                action=states.Action.ISSUE_CERTIFICATE, at=at, expected_version=expected_version, events=plan)


def case_deliver(*, case_id: int, actor: Staff, method: str, tracking_number: str = "", note: str = "",
                 at: datetime | None = None, expected_version: int | None = None, bundle: str = "") -> Case:
    """送达: window pickup, post with a tracking number, or an electronic certificate; the case
    concludes. A pickup is not a visit (最多跑一次 counts the trips to apply and to supplement:
    ``rules.visit_overrun``). A child of a 一件事 application is delivered only with all its
    siblings' results, by ``bundle_services.bundle_deliver`` (``bundle``: the application's number,
    recorded in the child's event)."""
    at = at or current_time()
    if method not in DeliveryMethod.__members__.values():
        raise DomainError("delivery.method_invalid", "送达方式须为窗口领取、邮寄送达、电子证照或代办员送达",
                          field="method")
    tracking_number = tracking_number.strip()
    if method == DeliveryMethod.POST and not tracking_number:
        raise DomainError("delivery.tracking_required", "邮寄送达须填写邮件单号", field="tracking_number")

    def delivered(c: Case) -> None:
        c.concluded_at = at

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        guards.refuse_unless(guards.bundle_delivery_refusal(c, bundle))
        if method == DeliveryMethod.AGENT and c.filed_by_id is None:
            raise DomainError("delivery.not_agent_case", "只有村代办员代办的办件可以由代办员送达", field="method")
        payload = {"method": method, "tracking_number": tracking_number, "note": note}
        if bundle:
            payload["bundle"] = bundle
        return [(EventKind.DELIVERED, payload), (EventKind.CONCLUDED, {"result": "delivered"})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_DELIVER, action=states.Action.DELIVER, at=at,
                expected_version=expected_version, mutate=delivered, events=plan)


def case_withdraw(*, case_id: int, actor: Staff | None, reason: str = "", at: datetime | None = None,
                  expected_version: int | None = None, applicant: Any = None,
                  imported_by: Staff | None = None) -> Case:
    """撤回: the applicant withdraws before the decision (a clerk on their behalf, or the
    applicant online with ``actor=None`` and their own login)."""

    def closed(c: Case) -> None:
        c.concluded_at = at or current_time()
        c.extension_requested_days = None
        CaseTask.objects.filter(case=c, state=CaseTask.State.OPEN).update(state=CaseTask.State.DONE,
                                                                          done_at=c.concluded_at)

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_SUBMIT, action=states.Action.WITHDRAW, at=at,
                expected_version=expected_version, mutate=closed, applicant=applicant, imported_by=imported_by,
                events=lambda c: [(EventKind.WITHDRAWN, {"reason": reason})])


def case_deem_accepted(*, case_id: int, at: datetime) -> Case | None:
    """视为受理 (Art. 32): the sweep records it when no decision came within 5 working days.

    Idempotent: a case that is no longer waiting for an acceptance decision is left alone.
    """
    with CaseUnit.atomic():
        unit = CaseUnit.load(case_id, None)
        case = unit.case
        if case.status != Status.SUBMITTED:
            return None
        violations, state = plan_event(case, EventKind.DEEMED_ACCEPTED, at, {})
        if violations:
            return None
        case.status = states.next_status(states.Action.DEEMED_ACCEPT, Status(case.status))
        case.accepted_on = state.accepted_on
        _open_ready_tasks(case, completed=set(), at=at)
        payload = {"received_on": str(state.received_on)}
        if case.referral_state in PENDING_REFERRAL:
            # The period ran out in transit: the deciding department has it now, deemed accepted.
            payload["referral"] = case.referral_state
            case.referral_state = ReferralState.ACCEPTED
        unit.append(kind=EventKind.DEEMED_ACCEPTED, at=at, actor=None, payload=payload)
        return unit.commit()


def cases_deem_overdue_acceptances(*, now: datetime | None = None) -> int:
    """Record deemed acceptance for every case whose acceptance window has passed.

    An index range scan on ``acceptance_due``: the cost grows with the cases that crossed the
    line, not with the open ones. Safe to run twice or on two workers (each case is locked).
    """
    now = now or current_time()
    due = (Case.objects.filter(status=Status.SUBMITTED, acceptance_due__lt=local_date(now))
           .values_list("id", flat=True).order_by("acceptance_due", "id"))
    return sum(1 for case_id in list(due) if case_deem_accepted(case_id=case_id, at=now) is not None)


# The due dates a calendar change can move, as stored on the row.
RETIMED_FIELDS = ("acceptance_due", "promised_due", "statutory_due", "issuance_due", "yellow_from")


def case_retime(*, case_id: int, calendar_version: int, change_number: int | None = None,
                at: datetime | None = None) -> Case | None:
    """Recompute an open case's due dates on its region's current calendar (DESIGN.md §4 rule 10).

    When a date moved, the row takes the new dates and a ``calendar_retimed`` event records the
    old and the new ones, so staff see what moved and why. Idempotent: a case already timed on
    this version, or whose dates did not move, is left alone (returns None).
    """
    at = at or current_time()
    with CaseUnit.atomic():
        unit = CaseUnit.load(case_id, None)
        case = unit.case
        if Status(case.status) in states.TERMINAL or case.calendar_version >= calendar_version:
            return None
        old = {name: getattr(case, name) for name in RETIMED_FIELDS}
        state = clock_of(case, at)
        materialize(case, state)
        new = {name: getattr(case, name) for name in RETIMED_FIELDS}
        if new == old:
            Case.objects.filter(pk=case.pk).update(calendar_version=state.calendar_version)
            return None
        moved = {name: {"old": str(old[name]) if old[name] else None, "new": str(new[name]) if new[name] else None}
                 for name in RETIMED_FIELDS if old[name] != new[name]}
        unit.append(kind=EventKind.CALENDAR_RETIMED, at=at, actor=None,
                    payload={"calendar_version": state.calendar_version, "change": change_number, "moved": moved})
        return unit.commit()


def case_refresh_yellow(*, case_id: int, at: datetime | None = None) -> Case | None:
    """Re-time an open case's yellow line (``yellow_from``) with its center's current yellow share.

    Not an action on the case: the share is a supervision setting, and neither the line nor the
    share is part of the case's legal record (the events' projection), so no event is appended;
    the change of the settings is the act on record. Returns the case when its line or share
    changed, else None (idempotent).
    """
    at = at or current_time()
    with CaseUnit.atomic():
        unit = CaseUnit.load(case_id, None)
        case = unit.case
        try:
            if Status(case.status) in states.TERMINAL:
                return None
            line = clock_of(case, at).yellow_from
            share = share_decimal(yellow_share(case.region.code))
            if case.yellow_from == line and case.yellow_share == share:
                return None
            Case.objects.filter(pk=case.pk).update(yellow_from=line, yellow_share=share)
            case.yellow_from, case.yellow_share = line, share
            unit.write_deadlines()
            return case
        finally:
            unit.close()


def cases_refresh_yellow_lines(*, now: datetime | None = None) -> int:
    """Re-time every open case timed with another yellow share than its center's current one
    (after a center changed or removed its setting); return how many moved.

    One query per region with open cases finds them (the share is stored with the line); the
    per-process shares are dropped first, so the current settings apply.
    """
    now = now or current_time()
    forget_yellow_shares()
    open_cases = Case.objects.filter(status__in=[str(s) for s in states.OPEN]).order_by()
    moved = 0
    for code in list(open_cases.values_list("region__code", flat=True).distinct()):
        share = share_decimal(yellow_share(code))
        stale = open_cases.filter(region__code=code).exclude(yellow_share=share).values_list("id", flat=True)
        moved += sum(1 for case_id in list(stale) if case_refresh_yellow(case_id=case_id, at=now) is not None)
    return moved
