"""What is lawful now on a case, for whom, and if not, why: the one answer the services, the staff
case page, the applicant's page and the API share (issue 11 item 5).

The transition table (:mod:`.states`) says which moves the status allows and which permission each
needs; the guards here add the rules that depend on the case itself — the materials (Art. 32), one
extension (Art. 42), the stages before a decision, who holds a stage (AB posts, the second
signature of Art. 34). Each rule is written once: a service raises the guard's refusal
(:func:`refuse_unless`), a page shows the form when the guard allows it and the guard's reason
when not (:func:`verdicts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any

from onewindow.core.errors import DomainError
from onewindow.core.timesource import local_date
from onewindow.lifecycle.registry import guard_refusal
from onewindow.organization.models import BackupPost, Staff
from onewindow.organization.permissions import ACTION_POWER, can, powers_held, roles_of
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.rules import Role
from onewindow.workdays.clock import PUBLICITY

from . import materials
from .events import EventKind
from .meeting_rules import meeting_refusal, open_meeting
from .models import Case, CaseEvent, CaseTask
from .receiving import agent_may, files_as_agent
from .referral_rules import AT_RECEIVING_POINT
from .referral_rules import PENDING as PENDING_REFERRAL
from .states import TRANSITIONS, Action, Status


@dataclass(frozen=True)
class Refusal:
    """Why an action is not lawful now: an English code and the reason in Chinese."""

    code: str
    reason: str
    field: str = "action"


@dataclass(frozen=True)
class Verdict:
    """One action a staff member could take on a case now, or the reason they cannot.

    ``key`` names the form on the case page (``accept``, ``claim-3``, ``decide-grant`` …),
    ``action`` the API action it posts to, ``stage`` the stage of a stage action.
    """

    key: str
    action: str
    move: Action
    refusal: Refusal | None = None
    stage: int | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


# -- the rules, once -----------------------------------------------------------------------------


def extension_refusal(events: Iterable[CaseEvent]) -> Refusal | None:
    """行政许可法 第四十二条: one extension per case."""
    if any(e.kind == EventKind.EXTENSION_GRANTED for e in events):
        return Refusal("clock.extension_twice", "每个办件只能延期一次（行政许可法 第四十二条）", "workdays")
    return None


def extension_pending_refusal(case: Case) -> Refusal | None:
    if case.extension_requested_days:
        return Refusal("extension.already_requested", "已有待审批的延期申请", "workdays")
    return None


def extension_missing_refusal(case: Case) -> Refusal | None:
    if not case.extension_requested_days:
        return Refusal("extension.not_requested", "没有待审批的延期申请")
    return None


def is_joint(case: Case) -> bool:
    """A joint case (联办件): its item version is handled jointly by several departments."""
    return bool(case.item_version.is_joint)


def joint_extension_refusal(case: Case) -> Refusal | None:
    """行政许可法 第四十二条第二款: a joint case's extension is approved by the head of the local
    government, not by a department (its chief representative asks through ``request_joint_extension``)."""
    if is_joint(case):
        return Refusal("extension.joint_needs_government_head",
                       "联办件的延期须报本级人民政府负责人批准（行政许可法 第四十二条第二款），"
                       "请使用“报请本级人民政府负责人批准延期”", "action")
    return None


def not_joint_refusal(case: Case) -> Refusal | None:
    """A non-joint case's extension stays with the department head (Art. 42 ¶1)."""
    if not is_joint(case):
        return Refusal("extension.not_joint", "本件不是联办件，延期由本部门负责人（首席代表）批准（行政许可法 第四十二条第一款）",
                       "action")
    return None


def deferred_refusal(case: Case, step: str) -> Refusal | None:
    """容缺受理: the owed materials hold the grant decision back (the item's default) or only the
    certificate (``deferred_blocks = "certificate"``); ``step`` is ``decision`` or ``certificate``."""
    if not case.deferred_owed:
        return None
    blocks = case.item_version.deferred_blocks or "decision"
    if step == "decision" and blocks != "decision":
        return None
    what = "作出准予决定" if step == "decision" else "制发证照"
    return Refusal("deferred.materials_owed",
                   f"容缺材料尚未补齐：{'、'.join(case.deferred_owed)}，补齐前不能{what}", "materials")


# What waits until the deciding department has picked a referral up: the acts of acceptance
# (行政许可法 第三十二条) are the deciding department's, never the receiving point's.
_AFTER_PICKUP = frozenset({Action.ACCEPT, Action.ACCEPT_WITH_DEFERRED_MATERIALS, Action.ACCEPT_ON_COMMITMENT,
                           Action.CONCLUDE_INSTANT, Action.REFUSE, Action.REQUEST_SUPPLEMENT})


def meeting_guard(case: Case, events: Iterable[CaseEvent], *, scheduling: bool,
                  today: date | None = None) -> Refusal | None:
    """联审会: a joint case's; one at a time; its result once it has been held (on ``today``)."""
    found = meeting_refusal(joint=is_joint(case), events=events, scheduling=scheduling, today=today or local_date())
    return Refusal(found[0], found[1]) if found is not None else None


def referral_refusal(case: Case, action: Action) -> Refusal | None:
    """上报件: the deciding department acts on the application only once it picked it up."""
    if action in _AFTER_PICKUP and case.referral_state in PENDING_REFERRAL:
        return Refusal("referral.pending", "本办件尚在收件点或上报途中，须由受理部门接收上报件后办理")
    return None


def refer_refusal(case: Case) -> Refusal | None:
    """The receiving point refers what it holds, and an agent's filing once its paper arrived."""
    if case.referral_state not in AT_RECEIVING_POINT:
        return Refusal("referral.not_held", "本办件不在收件点，无需上报")
    if case.filed_by_id is not None and case.paper_received_on is None:
        return Refusal("referral.paper_missing", "代办员的纸质材料尚未送达收件点，不能上报")
    return None


def bundle_delivery_refusal(case: Case, bundle: str = "") -> Refusal | None:
    """一件事: one delivery of all results — a child's result is handed over with its siblings',
    by the application's delivery (``bundle`` names the application), never alone."""
    if case.bundle_application_id is None:
        if bundle:
            return Refusal("delivery.not_in_bundle", f"本办件不属于一件事申请{bundle}")
        return None
    if not bundle:
        return Refusal("delivery.bundle_only", "本办件属于一件事申请，办理结果须在一件事申请页面统一送达")
    if case.bundle_application.number != bundle:
        return Refusal("delivery.not_in_bundle", f"本办件不属于一件事申请{bundle}")
    return None


def decision_refusal(tasks: Sequence[CaseTask], case: Case) -> Refusal | None:
    """A decision waits for every review stage (the stages of the item's process)."""
    if any(t.state == CaseTask.State.OPEN for t in tasks) or case.current_stage is not None:
        return Refusal("decision.stages_open", "尚有审核环节未办结，不能作出决定")
    return None


def publicity_ran(events: Iterable[CaseEvent]) -> tuple[bool, bool]:
    """(started, ended) of the case's publicity before the decision (决定前公示)."""
    kinds = [e.kind for e in events if (e.payload or {}).get("procedure") == PUBLICITY]
    return EventKind.SPECIAL_PROCEDURE_STARTED in kinds, EventKind.SPECIAL_PROCEDURE_ENDED in kinds


def publicity_refusal(case: Case, events: Iterable[CaseEvent]) -> Refusal | None:
    """A grant waits for the item's publicity: published, its comment period over and every
    objection answered (the pause ends only then)."""
    if not case.item.publicity_days:
        return None
    started, ended = publicity_ran(events)
    basis = case.item.publicity_basis or "本事项的规定"
    unit = "日" if case.item.publicity_calendar_days else "个工作日"
    if not started:
        return Refusal("decision.publicity_required",
                       f"本事项须在决定前公示{case.item.publicity_days}{unit}（{basis}），请先启动公示", "action")
    if not ended:
        return Refusal("decision.publicity_running", "公示期未满或尚有异议未答复，公示结束后方可作出决定", "action")
    return None


def publicity_start_refusal(case: Case, events: Iterable[CaseEvent]) -> Refusal | None:
    """Only an item that asks for it, once per case."""
    if not case.item.publicity_days:
        return Refusal("publicity.not_required", "本事项无须决定前公示", "action")
    if publicity_ran(events)[0]:
        return Refusal("publicity.already_started", "本件已进行过决定前公示", "action")
    return None


def co_handler_stage(case: Case, task: CaseTask) -> bool:
    """A stage of a joint case held by another department than the lead's (会办环节)."""
    return is_joint(case) and task.department_id is not None and task.department_id != case.department_id


def chase_refusal(case: Case, task: CaseTask | None, events: Iterable[CaseEvent], day: date) -> Refusal | None:
    """催办: only a co-handling department's open stage of a joint case, at most once a day each."""
    if not is_joint(case):
        return Refusal("chase.not_joint", "只有联办件可以催办会办部门", "action")
    if task is None or not co_handler_stage(case, task):
        return Refusal("chase.not_co_handler", "只能催办会办部门的环节", "stage_order")
    if task.state != CaseTask.State.OPEN:
        return Refusal("chase.stage_done", f"“{task.stage_name}”已办结，无需催办", "stage_order")
    if any(e.kind == EventKind.STAGE_CHASED and e.payload.get("stage") == task.stage_order
           and local_date(e.at) == day for e in events):
        return Refusal("chase.already_today", f"今天已催办过“{task.stage_name}”", "stage_order")
    return None


def disagreements(case: Case, events: Iterable[CaseEvent]) -> list[CaseEvent]:
    """The co-handling departments' opinions against granting (会办意见为不同意), latest per stage."""
    if not is_joint(case):
        return []
    latest: dict[int, CaseEvent] = {}
    for e in events:
        if e.kind == EventKind.STAGE_COMPLETED and "stage" in e.payload:
            latest[e.payload["stage"]] = e
    return [e for _, e in sorted(latest.items()) if e.payload.get("agree") is False]


def co_handler_refusal(case: Case, events: Iterable[CaseEvent]) -> Refusal | None:
    """A joint case is granted only when no co-handling department is against it; the lead may
    still deny, with the co-handler's reasons."""
    against = disagreements(case, events)
    if not against:
        return None
    named = "；".join(f"{e.payload.get('department') or e.payload.get('stage_name')}：{e.payload.get('opinion', '')}"
                     for e in against)
    return Refusal("decision.co_handler_disagrees", f"会办部门意见为不同意（{named}），不能作出准予决定", "grant")


def special_procedure_refusal(case: Case, procedure: str | None = None) -> Refusal | None:
    """Only the special procedures the item's guide names (Art. 45)."""
    allowed = case.item_version.special_procedures or []
    if not allowed or (procedure is not None and procedure not in allowed):
        return Refusal("special_procedure.not_allowed", "本事项不适用该特别程序", "procedure")
    return None


def instant_refusal(case: Case) -> Refusal | None:
    if case.item_version.handling_type != "instant":
        return Refusal("case.not_instant", "只有即办件可以当场办结")
    return None


def acceptance_refusal(case: Case, events: Iterable[CaseEvent] | None = None, *, instant: bool = False) -> Refusal | None:
    """行政许可法 第三十二条: accept only with every required material (or one the item lets defer);
    an instant case owes nothing at all."""
    owed = materials.outstanding_of(case, events)
    if owed.missing:
        what = "不能当场办结" if instant else "不能受理"
        return Refusal(materials.MATERIALS_MISSING, f"{materials.missing_message(owed.missing)}，{what}", "materials")
    if instant and owed.deferred:
        return Refusal(materials.MATERIALS_OWED, f"尚欠容缺材料：{'、'.join(owed.deferred)}，补齐后方可当场办结",
                       "materials")
    return None


def has_stage_role(staff: Staff, task: CaseTask) -> bool:
    """A stage is worked by the role its process names, or by a chief representative."""
    roles = roles_of(staff)
    return task.role in roles or Role.CHIEF_REPRESENTATIVE in roles


def may_review(staff: Staff, case: Case, task: CaseTask) -> bool:
    """May review this stage: the review permission in its department, and the stage's role."""
    return (can(staff, Perm.CASE_REVIEW, region=case.region, department=task.department)
            and has_stage_role(staff, task))


def acting_for(staff: Staff, holder: Staff | None) -> bool:
    """``staff`` stands in for ``holder`` right now (AB岗: the A post is absent)."""
    if holder is None or holder.is_present:
        return False
    return BackupPost.objects.filter(primary=holder, backup=staff).exists()


def first_signatures(events: Iterable[CaseEvent]) -> dict[int, CaseEvent]:
    """Stage order → the first signature of a two-signature stage not yet completed (Art. 34)."""
    history = list(events)
    completed = {e.payload.get("stage") for e in history if e.kind == EventKind.STAGE_COMPLETED}
    signed: dict[int, CaseEvent] = {}
    for e in history:
        stage = e.payload.get("stage")
        if e.kind == EventKind.STAGE_SIGNED and stage not in completed and stage not in signed:
            signed[stage] = e
    return signed


def reassign_candidates(case: Case, task: CaseTask) -> list[Staff]:
    """Staff who could take a stage: posted to its department with its role (or as chief
    representative) and allowed to review there."""
    roles = {task.role, Role.CHIEF_REPRESENTATIVE.value}
    people = (Staff.objects.filter(postings__role__in=roles, postings__department=task.department)
              .distinct().order_by("name"))
    return [p for p in people if can(p, Perm.CASE_REVIEW, region=case.region, department=task.department)]


def external_refusal(case: Case, action: Action) -> Refusal | None:
    """The extension point for apps above cases: the guards they registered for ``action`` with
    :func:`onewindow.lifecycle.registry.register_guard` (subject type ``"case"``). The fees app
    registers one: an unpaid bill blocks what the item says (the certificate, by default). Asked
    by every transition (``services._act``) and by the case page's verdicts."""
    found = guard_refusal("case", action.value, case)
    return Refusal(found[0], found[1]) if found is not None else None


def refuse_unless(refusal: Refusal | None) -> None:
    """Raise the guard's refusal as the service's error (the page showed the same reason)."""
    if refusal is not None:
        raise DomainError(refusal.code, refusal.reason, field=refusal.field)


# -- what a page offers --------------------------------------------------------------------------


def _allows(case: Case, move: Action) -> bool:
    return Status(case.status) in TRANSITIONS[move].sources


# While :func:`verdicts` runs: staff id → the powers they hold for its case today, read once for
# the dozen actions the case page weighs (one read instead of one per powered action).
_POWERS: ContextVar[dict[int, frozenset[str]] | None] = ContextVar("case_guard_powers", default=None)


def _may(staff: Staff, case: Case, perm: Perm) -> bool:
    if files_as_agent(staff):  # 村代办: on their own filings, for the villager; nothing else
        return agent_may(staff, case, perm)
    memo, power = _POWERS.get(), ACTION_POWER.get(perm)
    if memo is None or power is None:
        return can(staff, perm, region=case.region, department=case.department, item=case.item)
    # The postings first (``granted=True`` leaves only them to decide), then the held powers.
    if not can(staff, perm, region=case.region, department=case.department, item=case.item, granted=True):
        return False
    held = memo.get(staff.pk)
    if held is None:
        held = memo[staff.pk] = powers_held(staff, department_id=case.department_id, item_id=case.item_id,
                                            on=local_date())
    return power in held


def _at_receiving_point(staff: Staff, case: Case, region: Any) -> bool:
    """Staff of the receiving point (a clerk there; never a proxy agent) act for it."""
    roles = roles_of(staff)
    return (region is not None and Role.CLERK in roles
            and can(staff, Perm.CASE_SUBMIT, region=region))


def _referral_verdicts(case: Case, staff: Staff) -> list[Verdict]:
    """上报件 and 村代办: refer from the receiving point, pick up or return at the deciding
    department, record the agent's paper materials at the township center."""
    out: list[Verdict] = []
    if _allows(case, Action.REFER) and case.referral_state in AT_RECEIVING_POINT and _at_receiving_point(
            staff, case, case.received_region):
        out.append(Verdict("refer", "refer", Action.REFER, refer_refusal(case)))
    if case.referral_state == "in_transit" and _may(staff, case, Perm.CASE_ACCEPT):
        out.append(Verdict("accept_referral", "accept_referral", Action.ACCEPT_REFERRAL))
        out.append(Verdict("return_referral", "return_referral", Action.RETURN_REFERRAL))
    if (_allows(case, Action.RECEIVE_PAPER) and case.filed_by_id is not None and case.paper_received_on is None
            and _at_receiving_point(staff, case, case.received_region or case.region)):
        out.append(Verdict("receive_paper", "receive_paper", Action.RECEIVE_PAPER))
    return out


def _stage_verdicts(case: Case, staff: Staff, events: Sequence[CaseEvent], tasks: Sequence[CaseTask]) -> list[Verdict]:
    found: list[Verdict] = []
    signatures = first_signatures(events)
    for task in tasks:
        if task.state != CaseTask.State.OPEN:
            continue
        n = task.stage_order
        reviews = may_review(staff, case, task)
        mine = task.assignee_id == staff.id
        acting = acting_for(staff, task.assignee)
        chief_here = can(staff, Perm.CASE_REASSIGN, region=case.region, department=task.department)
        holder = f"该环节已由{task.assignee}认领，请联系其本人或首席代表改派" if task.assignee else ""
        if _allows(case, Action.CLAIM_TASK) and reviews and not mine:
            free = task.assignee is None or acting
            found.append(Verdict(f"claim-{n}", "claim", Action.CLAIM_TASK, stage=n,
                                 refusal=None if free else Refusal("task.claimed_by_other", holder, "stage_order")))
        first = signatures.get(n)
        if _allows(case, Action.COMPLETE_STAGE) and reviews:
            refusal = None
            if first is not None and first.actor_id == staff.id:
                refusal = Refusal("stage.same_signer", "实质审查须由两名不同的工作人员核查（行政许可法第三十四条）",
                                  "stage_order")
            elif not (task.assignee is None or mine or acting or first is not None):
                refusal = Refusal("task.claimed_by_other", holder, "stage_order")
            found.append(Verdict(f"complete_stage-{n}", "complete_stage", Action.COMPLETE_STAGE, refusal, n))
        if _allows(case, Action.CHASE_STAGE) and co_handler_stage(case, task) and _may(staff, case, Perm.CASE_DECIDE):
            found.append(Verdict(f"chase_stage-{n}", "chase_stage", Action.CHASE_STAGE,
                                 chase_refusal(case, task, events, local_date()), n))
        if _allows(case, Action.RELEASE_TASK) and task.assignee is not None and (mine or chief_here):
            found.append(Verdict(f"release-{n}", "release", Action.RELEASE_TASK, stage=n))
        if _allows(case, Action.REASSIGN_TASK) and chief_here:
            people = [p for p in reassign_candidates(case, task) if p.id != task.assignee_id]
            found.append(Verdict(f"reassign-{n}", "reassign", Action.REASSIGN_TASK, stage=n, refusal=None if people
                                 else Refusal("task.no_candidates", "没有可改派的审核人员", "assignee")))
    return found


def verdicts(case: Case, staff: Staff, *, events: Sequence[CaseEvent], tasks: Sequence[CaseTask]) -> list[Verdict]:
    """Every action the status allows and the staff member's role and authorization reach, each
    allowed or with the reason it is not (in the order the case page shows them)."""
    token = _POWERS.set({})
    try:
        return _verdicts(case, staff, events=events, tasks=tasks)
    finally:
        _POWERS.reset(token)


def _verdicts(case: Case, staff: Staff, *, events: Sequence[CaseEvent], tasks: Sequence[CaseTask]) -> list[Verdict]:
    out: list[Verdict] = []

    def offer(key: str, action: str, move: Action, perm: Perm, refusal: Refusal | None = None) -> None:
        if _allows(case, move) and _may(staff, case, perm):
            out.append(Verdict(key, action, move, refusal))

    roles = roles_of(staff)
    instant = case.item_version.handling_type == "instant"
    out += _referral_verdicts(case, staff)
    if case.referral_state in PENDING_REFERRAL:
        # With the receiving point or on the way: nothing of acceptance is anyone's yet.
        offer("withdraw", "withdraw", Action.WITHDRAW, Perm.CASE_SUBMIT)
        return out
    if _allows(case, Action.ACCEPT) and not _may(staff, case, Perm.CASE_ACCEPT) and roles & {Role.CLERK,
                                                                                          Role.PROXY_AGENT}:
        out.append(Verdict("accept", "accept", Action.ACCEPT,
                           Refusal("forbidden.case.accept", "您没有本事项的受理授权，请由有受理权限的窗口工作人员受理")))
    offer("accept", "accept", Action.ACCEPT, Perm.CASE_ACCEPT, acceptance_refusal(case, events))
    owed = materials.outstanding_of(case, events)
    if owed.deferred and not owed.missing:
        offer("accept_with_deferred_materials", "accept_with_deferred_materials",
              Action.ACCEPT_WITH_DEFERRED_MATERIALS, Perm.CASE_ACCEPT)
    if case.item_version.commitment_eligible:
        offer("accept_on_commitment", "accept_on_commitment", Action.ACCEPT_ON_COMMITMENT, Perm.CASE_ACCEPT)
    if instant:
        offer("conclude_instant", "conclude_instant", Action.CONCLUDE_INSTANT, Perm.CASE_ACCEPT,
              acceptance_refusal(case, events, instant=True))
    offer("request_supplement", "request_supplement", Action.REQUEST_SUPPLEMENT, Perm.CASE_REQUEST_SUPPLEMENT)
    offer("supplement", "supplement", Action.SUPPLEMENT, Perm.CASE_SUBMIT)
    offer("refuse", "refuse", Action.REFUSE, Perm.CASE_REFUSE)
    out += _stage_verdicts(case, staff, events, tasks)
    if case.item_version.special_procedures:
        offer("start_special_procedure", "start_special_procedure", Action.START_SPECIAL_PROCEDURE,
              Perm.CASE_SPECIAL_PROCEDURE)
    running_publicity = publicity_ran(events) == (True, False)
    if not running_publicity:  # the publicity ends with its publication (openness), not by hand
        offer("end_special_procedure", "end_special_procedure", Action.END_SPECIAL_PROCEDURE,
              Perm.CASE_SPECIAL_PROCEDURE)
    if case.item.publicity_days and not publicity_ran(events)[0]:
        offer("start_publicity", "start_publicity", Action.START_SPECIAL_PROCEDURE, Perm.CASE_SPECIAL_PROCEDURE)
    extended = extension_refusal(events)
    if is_joint(case):
        out += _joint_extension_verdicts(case, staff, extended)
    else:
        can_grant = _may(staff, case, Perm.CASE_GRANT_EXTENSION)
        if not can_grant:  # a chief representative grants directly instead of asking
            offer("request_extension", "request_extension", Action.REQUEST_EXTENSION, Perm.CASE_REQUEST_EXTENSION,
                  extended or extension_pending_refusal(case))
        offer("grant_extension", "grant_extension", Action.GRANT_EXTENSION, Perm.CASE_GRANT_EXTENSION, extended)
        if case.extension_requested_days:
            offer("decline_extension", "decline_extension", Action.DECLINE_EXTENSION, Perm.CASE_GRANT_EXTENSION)
    decided = decision_refusal(tasks, case)
    offer("decide-grant", "decide", Action.DECIDE_GRANT, Perm.CASE_DECIDE,
          decided or deferred_refusal(case, "decision") or co_handler_refusal(case, events)
          or publicity_refusal(case, events))
    offer("decide-deny", "decide", Action.DECIDE_DENY, Perm.CASE_DECIDE, decided)
    offer("issue_certificate", "issue_certificate", Action.ISSUE_CERTIFICATE, Perm.CASE_ISSUE_CERTIFICATE,
          deferred_refusal(case, "certificate")
          or (external_refusal(case, Action.ISSUE_CERTIFICATE) if _allows(case, Action.ISSUE_CERTIFICATE) else None))
    if case.deferred_owed:
        offer("receive_deferred_materials", "receive_deferred_materials", Action.RECEIVE_DEFERRED_MATERIALS,
              Perm.CASE_SUBMIT)
    if any(e.kind in (EventKind.REFUSED, EventKind.SUPPLEMENT_REQUESTED, EventKind.DECIDED) for e in events):
        offer("record_objection", "record_objection", Action.RECORD_OBJECTION, Perm.CASE_SUBMIT)
    if any(not o.get("answered") for o in case.objections or ()):
        offer("answer_objection", "answer_objection", Action.ANSWER_OBJECTION, Perm.CASE_DECIDE)
    offer("assign_handler", "assign_handler", Action.ASSIGN_HANDLER, Perm.CASE_REASSIGN)
    if is_joint(case):
        offer("schedule_review_meeting", "schedule_review_meeting", Action.SCHEDULE_REVIEW_MEETING, Perm.CASE_REVIEW,
              meeting_guard(case, events, scheduling=True))
        if open_meeting(events) is not None:
            offer("record_review_meeting", "record_review_meeting", Action.RECORD_REVIEW_MEETING, Perm.CASE_REVIEW,
                  meeting_guard(case, events, scheduling=False))
    if not case.urgent_reason:
        offer("mark_urgent", "mark_urgent", Action.MARK_URGENT, Perm.CASE_GRANT_EXTENSION)
    if _allows(case, Action.REVOKE_CERTIFICATE) and case.outcome == "grant":
        offer("revoke_certificate", "revoke_certificate", Action.REVOKE_CERTIFICATE, Perm.CASE_DECIDE)
    if case.verification_result == "false":
        offer("revoke", "revoke", Action.REVOKE, Perm.CASE_DECIDE)
    if case.verification_result == "pending":
        offer("record_verification", "record_verification", Action.RECORD_VERIFICATION, Perm.CASE_DECIDE)
    offer("deliver", "deliver", Action.DELIVER, Perm.CASE_DELIVER,
          (bundle_delivery_refusal(case) or external_refusal(case, Action.DELIVER))
          if _allows(case, Action.DELIVER) else None)
    offer("withdraw", "withdraw", Action.WITHDRAW, Perm.CASE_SUBMIT)
    return out


def _joint_extension_verdicts(case: Case, staff: Staff, extended: Refusal | None) -> list[Verdict]:
    """A joint case: the lead department asks (reviewer or chief representative), the government
    head approves or declines; a chief representative is shown why granting is not theirs."""
    out: list[Verdict] = []
    if _allows(case, Action.GRANT_EXTENSION) and _may(staff, case, Perm.CASE_GRANT_EXTENSION):
        out.append(Verdict("grant_extension", "grant_extension", Action.GRANT_EXTENSION,
                           joint_extension_refusal(case)))
    if _allows(case, Action.REQUEST_JOINT_EXTENSION) and _may(staff, case, Perm.CASE_REQUEST_EXTENSION):
        out.append(Verdict("request_joint_extension", "request_joint_extension", Action.REQUEST_JOINT_EXTENSION,
                           extended or extension_pending_refusal(case)))
    if _allows(case, Action.APPROVE_JOINT_EXTENSION) and _may(staff, case, Perm.CASE_APPROVE_JOINT_EXTENSION):
        out.append(Verdict("approve_joint_extension", "approve_joint_extension", Action.APPROVE_JOINT_EXTENSION,
                           extended or extension_missing_refusal(case)))
        if case.extension_requested_days:
            out.append(Verdict("decline_joint_extension", "decline_joint_extension", Action.DECLINE_JOINT_EXTENSION))
    return out


def lawful_keys(case: Case, staff: Staff, *, events: Sequence[CaseEvent], tasks: Sequence[CaseTask]) -> set[str]:
    """The keys of the actions the staff member may take on the case now."""
    return {v.key for v in verdicts(case, staff, events=events, tasks=tasks) if v.allowed}


def applicant_keys(case: Case, account: Any) -> set[str]:
    """What the applicant may do on their own case online: supplement while a notice waits,
    withdraw until the decision (the status table's own sources)."""
    if account is None or case.applicant_account_id != getattr(account, "pk", None):
        return set()
    keys = set()
    if _allows(case, Action.SUPPLEMENT):
        keys.add("supplement")
    if _allows(case, Action.WITHDRAW):
        keys.add("withdraw")
    return keys
