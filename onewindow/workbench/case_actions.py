"""Which action forms the case page shows to whom, and what is in each.

A form appears only when the case's guards (:mod:`onewindow.cases.guards`: the transition table, the
permission table and the rules of the case itself — materials, one extension, who holds a stage)
allow the action for this staff member now; the service asks the same guards when the form is
posted, so the page never offers what would be refused, and it says why an action is missing.

Each form is described as data (:class:`ActionForm`), so one template renders all of them with
the same labels, error marking (``aria-invalid`` / ``aria-describedby``) and ``expected_version``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from onewindow.cases import guards
from onewindow.cases import materials as case_materials
from onewindow.cases.events import EventKind
from onewindow.cases.meeting_rules import MEETING_KINDS, OUTCOMES
from onewindow.cases.models import Case, CaseTask
from onewindow.cases.rules import visit_overrun
from onewindow.cases.selectors import CaseView, handler_candidates
from onewindow.cases.services import DENIAL_RIGHTS
from onewindow.cases.states import TRANSITIONS
from onewindow.catalog.rules import (
    DELIVERY_METHOD_LABELS,
    SPECIAL_PROCEDURE_LABELS,
    DeliveryMethod,
    outcome_words,
)
from onewindow.organization.models import Staff

# The service's name for a field when the form's input is called differently.
_FIELD_ALIASES = {"assignee": "assignee_id"}


@dataclass
class Field:
    """One input of an action form; ``name`` is the service's input name."""

    name: str
    label: str
    kind: str = "text"  # text, textarea, number, select, radio, checkboxes, checkbox
    required: bool = False
    value: Any = ""  # a list for checkboxes, "true"/"" for a checkbox
    choices: list[tuple[str, str]] = field(default_factory=list)
    help: str = ""
    error: str = ""


@dataclass
class ActionForm:
    """One form of the case page. ``key`` is unique on the page (``complete_stage-3``)."""

    key: str
    action: str  # the name in onewindow.cases.actions.ACTIONS
    title: str
    submit: str
    fields: list[Field] = field(default_factory=list)
    hidden: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str = ""
    danger: bool = False  # ends the case or says no: shown apart, with a warning style
    shown_error: str = ""  # after a refusal: the message as this form shows it

    def field_named(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def fill(self, post: QueryDict) -> None:
        """Show what was posted instead of the defaults."""
        for f in self.fields:
            if f.kind == "checkboxes":
                f.value = post.getlist(f.name)
            elif f.kind == "checkbox":
                f.value = "true" if post.getlist(f.name)[-1:] == ["true"] else ""
            else:
                f.value = post.get(f.name, "")

    def mark(self, field_name: str | None, message: str, code: str = "") -> str:
        """Put a service's message on the named field, or on the form when it names none of its
        fields; returns the message shown.

        The action table's own type checks (``invalid_input``) name the input in English
        (“workdays”应为整数); next to a labelled field a plain request reads better.
        """
        target = self.field_named(_FIELD_ALIASES.get(field_name or "", field_name or ""))
        if target is None:
            self.error = message
            return message
        if code == "invalid_input":
            message = _("Enter a whole number.") if target.kind == "number" else _("Fill in this field.")
        target.error = message
        return message


@dataclass
class Withheld:
    """An action the staff member would expect here that the page does not offer, and why."""

    key: str
    title: str
    reason: str


@dataclass(frozen=True)
class _Ctx:
    case: Case
    staff: Staff
    view: CaseView
    lawful: frozenset[str]  # the keys the guards allow now (cases/guards.py)


def _withheld(verdicts: list[guards.Verdict], tasks: list[CaseTask]) -> list[Withheld]:
    """The actions the guards refuse now, each with its reason: the page says why they are missing."""
    names = {t.stage_order: t.stage_name for t in tasks}
    out = []
    for v in verdicts:
        if v.refusal is None:
            continue
        what = TRANSITIONS[v.move].label
        if v.stage is not None:
            what += f"“{names.get(v.stage, v.stage)}”"
        out.append(Withheld(v.key, f"暂不能{what}", v.refusal.reason))
    return out


def _task_forms(ctx: _Ctx) -> list[ActionForm]:
    forms: list[ActionForm] = []
    signatures = guards.first_signatures(ctx.view.events)
    for task in ctx.view.tasks:
        if task.state != CaseTask.State.OPEN:
            continue
        n = task.stage_order
        hidden = {"stage_order": str(n)}
        name = task.stage_name
        if f"claim-{n}" in ctx.lawful:
            forms.append(ActionForm(key=f"claim-{n}", action="claim", hidden=hidden,
                                    title=_("Claim the stage “%(stage)s”") % {"stage": name}, submit=_("Claim")))
        first = signatures.get(n)
        # The second signature of a verification stage comes from a colleague, whoever holds it.
        if f"complete_stage-{n}" in ctx.lawful:
            notes = []
            if first is not None:
                notes.append(_("First signature by %(name)s; a second, different reviewer completes this stage.")
                             % {"name": first.actor_label})
            elif _requires_two(ctx, task):
                notes.append(_("This stage needs the signatures of two different reviewers."))
            fields = [Field("opinion", _("Opinion"), "textarea", required=True)]
            if guards.co_handler_stage(ctx.case, task):  # 会办意见: the lead may grant only if all agree
                fields.insert(0, Field("agree", "会办意见", "radio", required=True, value="true",
                                       choices=[("true", "同意"), ("false", "不同意（在审核意见中说明理由）")]))
            forms.append(ActionForm(
                key=f"complete_stage-{n}", action="complete_stage", hidden=hidden, notes=notes,
                title=_("Complete the stage “%(stage)s”") % {"stage": name},
                submit=_("Sign") if first is None and _requires_two(ctx, task) else _("Complete the stage"),
                fields=fields))
        if f"chase_stage-{n}" in ctx.lawful:
            department = task.department.name if task.department else ""
            forms.append(ActionForm(
                key=f"chase_stage-{n}", action="chase_stage", hidden=hidden,
                title=f"催办“{name}”（{department}）", submit="催办",
                notes=["短信提醒该环节的办理人（未认领的，提醒该部门的审核人员）；每个环节每天催办一次。"],
                fields=[Field("note", "催办说明", "textarea")]))
        if f"release-{n}" in ctx.lawful:
            forms.append(ActionForm(key=f"release-{n}", action="release", hidden=hidden,
                                    title=_("Give “%(stage)s” back to the department's inbox") % {"stage": name},
                                    submit=_("Release")))
        if f"reassign-{n}" in ctx.lawful:
            people = [p for p in guards.reassign_candidates(ctx.case, task) if p.id != task.assignee_id]
            forms.append(ActionForm(
                key=f"reassign-{n}", action="reassign", hidden=hidden,
                title=_("Reassign the stage “%(stage)s”") % {"stage": name}, submit=_("Reassign"),
                fields=[Field("assignee_id", _("Reviewer"), "select", required=True,
                              choices=[(str(p.id), p.name) for p in people])]))
    return forms


def _requires_two(ctx: _Ctx, task: CaseTask) -> bool:
    return any(s.order == task.stage_order and s.requires_two_signatures
               for s in ctx.case.item_version.stages.all())


def _acceptance_forms(ctx: _Ctx) -> list[ActionForm]:
    """受理 and 当场办结, offered only while the guards allow them (the materials: 行政许可法 第三十二条);
    when they do not, the page says why instead."""
    forms: list[ActionForm] = []
    if "accept" in ctx.lawful:
        owed = case_materials.outstanding_of(ctx.case, ctx.view.events)
        notes = [f"容缺受理：{'、'.join(owed.deferred)}可在受理后补交，受理通知书将列明"] if owed.deferred else []
        forms.append(ActionForm(key="accept", action="accept", title=_("Accept"), submit=_("Accept"),
                                notes=notes, fields=[Field("note", _("Note"), "textarea")]))
    if "accept_with_deferred_materials" in ctx.lawful:
        owed = case_materials.outstanding_of(ctx.case, ctx.view.events)
        forms.append(ActionForm(
            key="accept_with_deferred_materials", action="accept_with_deferred_materials", title="容缺受理",
            submit="容缺受理",
            notes=["受理通知书将列明尚欠的材料和补交期限；补齐前不能作出准予决定（或制证，按事项设置）。"],
            fields=[Field("materials", "尚欠的容缺材料", "checkboxes", required=True, value=list(owed.deferred),
                          choices=[(n, n) for n in owed.deferred]),
                    Field("workdays", "补交期限（受理后工作日数）", "number", required=True, value="5"),
                    Field("note", _("Note"), "textarea")]))
    if "accept_on_commitment" in ctx.lawful:
        owed = case_materials.outstanding_of(ctx.case, ctx.view.events)
        forms.append(ActionForm(
            key="accept_on_commitment", action="accept_on_commitment", title="告知承诺受理", submit="告知承诺受理",
            notes=[f"核查期限：受理后{ctx.case.item_version.verification_workdays}个工作日；承诺不实的，依法撤销决定并记入信用记录。"],
            fields=[Field("materials", "以承诺代替的材料", "checkboxes", value=list(owed.missing),
                          choices=[(n, n) for n in owed.missing]),
                    Field("conditions", "承诺符合的条件（每行一条）", "textarea", required=True),
                    Field("note", _("Note"), "textarea")]))
    if "conclude_instant" in ctx.lawful:
        forms.append(ActionForm(key="conclude_instant", action="conclude_instant", title=_("Conclude on the spot"),
                                submit=_("Conclude"), fields=[Field("result", _("Result"), "textarea")]))
    return forms


def _supplement_request_form(ctx: _Ctx) -> ActionForm:
    """一次告知: the first notice may list any material the applicant hands in; a later one may only
    repeat what an earlier notice listed (DESIGN.md §4 rule 4), so only those are offered."""
    case = ctx.case
    asking = [t.name for t in case_materials.terms_of(case) if t.from_applicant]
    listed = list(dict.fromkeys(name for e in ctx.view.events if e.kind == EventKind.SUPPLEMENT_REQUESTED
                                for name in e.payload.get("materials", [])))
    owed = list(case_materials.outstanding_of(case, ctx.view.events).owed)
    if not listed:
        return ActionForm(
            key="request_supplement", action="request_supplement", title=_("Request a supplement (one-time notice)"),
            submit=_("Issue the supplement notice"),
            notes=[_("List every missing material at once: only one notice may add materials.")],
            fields=[Field("materials", _("Materials to supplement"), "checkboxes", required=True,
                          choices=[(n, n) for n in asking], value=owed),
                    Field("note", _("Note to the applicant"), "textarea")])
    return ActionForm(
        key="request_supplement", action="request_supplement", title="再次告知补正（仅限此前已告知的材料）",
        submit=_("Issue the supplement notice"),
        notes=["补正材料已一次告知：再次告知只能要求补正此前告知书已列明的材料（行政许可法第三十二条）。"],
        fields=[Field("materials", _("Materials to supplement"), "checkboxes", required=True,
                      choices=[(n, n) for n in listed], value=[n for n in listed if n in owed]),
                Field("note", _("Note to the applicant"), "textarea")])


def _intake_forms(ctx: _Ctx) -> list[ActionForm]:
    forms: list[ActionForm] = _acceptance_forms(ctx)
    if "request_supplement" in ctx.lawful:
        forms.append(_supplement_request_form(ctx))
    if "supplement" in ctx.lawful:
        asked = next((e.payload.get("materials", []) for e in reversed(ctx.view.events)
                      if e.kind == EventKind.SUPPLEMENT_REQUESTED), [])
        # 最多跑一次: warn before the trip that passes the promise, not after.
        overrun = visit_overrun(visits=ctx.case.visits, max_visits=ctx.case.item_version.max_visits)
        forms.append(ActionForm(
            key="supplement", action="supplement", title=_("Record the supplement"), submit=_("Record"),
            notes=[f"申请人到窗口补正：{overrun}"] if overrun else [],
            fields=[Field("materials", _("Materials received"), "checkboxes", choices=[(n, n) for n in asked],
                          value=list(asked)),
                    Field("at_window", _("Brought to the window (counts as a visit)"), "checkbox", value="true")]))
    if "refuse" in ctx.lawful:
        forms.append(ActionForm(
            key="refuse", action="refuse", title=_("Refuse"), submit=_("Refuse and issue the notice"), danger=True,
            fields=[Field("reason", _("Reason"), "textarea", required=True),
                    Field("legal_basis", _("Legal basis"), required=True),
                    Field("where_to_apply", _("Where to apply instead"))]))
    return forms


def _handling_forms(ctx: _Ctx) -> list[ActionForm]:
    forms: list[ActionForm] = []
    case = ctx.case
    version = case.item_version
    if "start_special_procedure" in ctx.lawful:
        forms.append(ActionForm(
            key="start_special_procedure", action="start_special_procedure", title=_("Start a special procedure"),
            submit=_("Start"), notes=[_("The clocks stop until the procedure ends.")],
            fields=[Field("procedure", _("Procedure"), "select", required=True,
                          choices=[(p, SPECIAL_PROCEDURE_LABELS.get(p, p)) for p in version.special_procedures]),
                    Field("reason", _("Reason or basis"), "textarea", required=True),
                    Field("announced_workdays", _("Working days announced to the applicant"), "number",
                          required=True)]))
    if "start_publicity" in ctx.lawful:
        item = case.item
        unit = "自然日" if item.publicity_calendar_days else "工作日"
        forms.append(ActionForm(
            key="start_publicity", action="start_publicity", title="启动决定前公示", submit="发布公示",
            notes=[f"依据：{item.publicity_basis or '本事项的规定'}；公示期{item.publicity_days}个{unit}。",
                   "公示内容只列申请人姓名（部分遮盖）、事项和拟决定，不含身份证号码和电话；"
                   "公示期间计时暂停，公示期满且异议均已答复、公示结束后恢复计时，方可作出决定。"],
            fields=[]))
    if "end_special_procedure" in ctx.lawful:
        forms.append(ActionForm(key="end_special_procedure", action="end_special_procedure",
                                title=_("End the special procedure"), submit=_("End"),
                                fields=[Field("result", _("Result"), "textarea", required=True)]))
    if "request_extension" in ctx.lawful:
        forms.append(ActionForm(
            key="request_extension", action="request_extension", title=_("Request an extension"),
            submit=_("Request"),
            fields=[Field("workdays", _("Working days"), "number", required=True),
                    Field("reason", _("Reason"), "textarea", required=True)]))
    if "grant_extension" in ctx.lawful:
        notes = []
        if case.extension_requested_days:
            notes.append(_("Requested: %(days)s working days.") % {"days": case.extension_requested_days})
        forms.append(ActionForm(
            key="grant_extension", action="grant_extension", title=_("Grant an extension"), submit=_("准予延期"),
            notes=notes,
            fields=[Field("workdays", _("Working days"), "number", required=True,
                          value=str(case.extension_requested_days or "")),
                    Field("reason", _("Reason told to the applicant"), "textarea", required=True)]))
    if "decline_extension" in ctx.lawful:
        forms.append(ActionForm(key="decline_extension", action="decline_extension",
                                title=_("Decline the extension request"), submit=_("不同意延期"),
                                fields=[Field("reason", _("Reason"), "textarea", required=True)]))
    forms += _joint_extension_forms(ctx)
    if "decide-grant" in ctx.lawful:
        # Named by what they do, in the words of the item's type: 作出准予许可决定, 作出予以确认决定 …
        words = outcome_words(version.item_type)
        forms.append(ActionForm(key="decide-grant", action="decide", hidden={"grant": "true"},
                                title=_("Decide: grant"), submit=_(words.grant_action),
                                fields=[Field("reasons", _("Reasons"), "textarea")]))
        forms.append(ActionForm(key="decide-deny", action="decide", hidden={"grant": "false"}, danger=True,
                                title=_("Decide: deny"), submit=_(words.deny_action), notes=[DENIAL_RIGHTS],
                                fields=[Field("reasons", _("Reasons"), "textarea", required=True)]))
    return forms


def _joint_extension_forms(ctx: _Ctx) -> list[ActionForm]:
    """联办件的延期 (行政许可法 第四十二条第二款): asked by the lead department, approved or declined
    by the head of the local government."""
    forms: list[ActionForm] = []
    case = ctx.case
    if "request_joint_extension" in ctx.lawful:
        forms.append(ActionForm(
            key="request_joint_extension", action="request_joint_extension",
            title="报请本级人民政府负责人批准延期", submit="报请批准",
            notes=["联办件的延期须经本级人民政府负责人批准，至多延长十五个工作日（行政许可法 第四十二条第二款）。"],
            fields=[Field("workdays", "延期工作日数", "number", required=True),
                    Field("reason", "延期理由", "textarea", required=True)]))
    if "approve_joint_extension" in ctx.lawful:
        forms.append(ActionForm(
            key="approve_joint_extension", action="approve_joint_extension", title="批准联办件延期",
            submit="批准延期",
            notes=[f"申请延长 {case.extension_requested_days} 个工作日；延期告知书将载明批准人。"],
            fields=[Field("workdays", "延期工作日数", "number", required=True,
                          value=str(case.extension_requested_days or "")),
                    Field("reason", "告知申请人的延期理由", "textarea", required=True)]))
    if "decline_joint_extension" in ctx.lawful:
        forms.append(ActionForm(key="decline_joint_extension", action="decline_joint_extension",
                                title="不同意联办件延期", submit="不同意延期",
                                fields=[Field("reason", "理由", "textarea", required=True)]))
    return forms


def _closing_forms(ctx: _Ctx) -> list[ActionForm]:
    forms: list[ActionForm] = []
    if "record_verification" in ctx.lawful:
        forms.append(ActionForm(
            key="record_verification", action="record_verification", title="登记承诺核查结果", submit="登记核查结果",
            notes=[f"核查期限：{ctx.case.verification_due}"] if ctx.case.verification_due else [],
            fields=[Field("truthful", "承诺属实", "checkbox"),
                    Field("findings", "核查情况", "textarea", required=True)]))
    if "receive_deferred_materials" in ctx.lawful:
        owed = list(ctx.case.deferred_owed)
        forms.append(ActionForm(
            key="receive_deferred_materials", action="receive_deferred_materials", title="登记补交容缺材料",
            submit="登记补交", notes=[f"补交期限：{ctx.case.deferred_due}"] if ctx.case.deferred_due else [],
            fields=[Field("materials", "补交的材料", "checkboxes", required=True, value=owed,
                          choices=[(n, n) for n in owed])]))
    version = ctx.case.item_version
    if "issue_certificate" in ctx.lawful:
        forms.append(ActionForm(key="issue_certificate", action="issue_certificate",
                                title=_("Issue the certificate"), submit=_("Issue")))
    if "deliver" in ctx.lawful:
        methods = [m for m in DeliveryMethod if m != DeliveryMethod.AGENT
                   and (not version.delivery_methods or m.value in version.delivery_methods)]
        if ctx.case.filed_by_id is not None:  # 村代办: the agent hands the result to the villager
            methods = [DeliveryMethod.AGENT] if ctx.case.filed_by_id == ctx.staff.pk else [*methods,
                                                                                           DeliveryMethod.AGENT]
        forms.append(ActionForm(
            key="deliver", action="deliver", title=_("Deliver"), submit=_("Deliver and conclude"),
            fields=[Field("method", _("Delivery"), "radio", required=True,
                          choices=[(m.value, DELIVERY_METHOD_LABELS[m]) for m in methods],
                          value=methods[0].value if len(methods) == 1 else ""),
                    Field("tracking_number", _("Tracking number (post)")),
                    Field("note", _("Note"))]))
    if "withdraw" in ctx.lawful:
        forms.append(ActionForm(key="withdraw", action="withdraw", title=_("Withdraw at the applicant's request"),
                                submit=_("Withdraw"), danger=True,
                                fields=[Field("reason", _("Reason"), "textarea")]))
    return forms


def action_forms(case: Case, staff: Staff, view: CaseView, *, failed: str | None = None,
                 posted: QueryDict | None = None, error: tuple[str | None, str, str] | None = None,
                 withheld: list[Withheld] | None = None) -> list[ActionForm]:
    """The forms this staff member may use on this case now.

    ``failed`` is the key of a form that was posted and refused: it shows ``posted`` again with
    ``error`` (field, message, code) on the field it names; its ``shown_error`` is what the page says.
    ``withheld``, if given, receives the actions the page does not offer although the case's
    status and the staff member's role would allow them, each with the guard's reason (the
    materials, the power to accept, one extension, open stages, a stage held by a colleague).

    Which forms appear is the guards' answer (:func:`onewindow.cases.guards.verdicts`), the same
    the services check when a form is posted.
    """
    verdicts = guards.verdicts(case, staff, events=view.events, tasks=view.tasks)
    if withheld is not None:
        withheld.extend(_withheld(verdicts, view.tasks))
    ctx = _Ctx(case=case, staff=staff, view=view, lawful=frozenset(v.key for v in verdicts if v.allowed))
    forms = [*_referral_forms(ctx), *_intake_forms(ctx), *_task_forms(ctx), *_handling_forms(ctx),
             *_closing_forms(ctx), *_crossing_forms(ctx)]
    for form in forms:
        if form.key == failed:
            if posted is not None:
                form.fill(posted)
            if error is not None:
                form.shown_error = form.mark(*error)
    return forms


def _referral_forms(ctx: _Ctx) -> list[ActionForm]:
    """上报件 and 村代办: the agent's paper at the township center, the referral and its pickup."""
    forms: list[ActionForm] = []
    case = ctx.case
    if "receive_paper" in ctx.lawful:
        forms.append(ActionForm(
            key="receive_paper", action="receive_paper", title="登记代办员纸质材料送达", submit="登记送达",
            notes=[f"代办员：{case.filed_by}，送达期限：{case.paper_due}"],
            fields=[Field("note", "备注")]))
    if "refer" in ctx.lawful:
        forms.append(ActionForm(
            key="refer", action="refer", title=f"初审并上报{case.department}", submit="上报",
            notes=[f"上报期限：{case.forward_due}"] if case.forward_due else [],
            fields=[Field("opinion", "初审意见", "textarea", required=True)]))
    if "accept_referral" in ctx.lawful:
        forms.append(ActionForm(
            key="accept_referral", action="accept_referral", title="接收上报件", submit="接收",
            notes=[f"收件点：{case.received_region}，接收期限：{case.pickup_due}"], fields=[Field("note", "备注")]))
    if "return_referral" in ctx.lawful:
        forms.append(ActionForm(
            key="return_referral", action="return_referral", title="退回收件点", submit="退回", danger=True,
            fields=[Field("reasons", "退回理由", "textarea", required=True)]))
    return forms


_OBJECTABLE = {EventKind.REFUSED: "不予受理", EventKind.SUPPLEMENT_REQUESTED: "补正告知", EventKind.DECIDED: "决定"}


def _crossing_forms(ctx: _Ctx) -> list[ActionForm]:
    """绿色通道, 异议 and the revocation of a decision made on a false commitment."""
    forms: list[ActionForm] = []
    if "mark_urgent" in ctx.lawful:
        forms.append(ActionForm(key="mark_urgent", action="mark_urgent", title="标记急办件（绿色通道）",
                                submit="标记急办", fields=[Field("reason", "急办理由", "textarea", required=True)]))
    if "record_objection" in ctx.lawful:
        targets = [(str(e.seq), f"{_OBJECTABLE[e.kind]}（{e.at:%Y-%m-%d}）") for e in ctx.view.events
                   if e.kind in _OBJECTABLE]
        forms.append(ActionForm(
            key="record_objection", action="record_objection", title="登记异议", submit="登记异议",
            notes=["承办人须在5个工作日内书面答复并说明理由。"],
            fields=[Field("against_seq", "异议针对", "select", required=True, choices=targets,
                          value=targets[-1][0] if targets else ""),
                    Field("content", "异议内容和理由", "textarea", required=True)]))
    if "answer_objection" in ctx.lawful:
        for o in ctx.case.objections or ():
            if o.get("answered"):
                continue
            forms.append(ActionForm(
                key=f"answer_objection-{o['no']}", action="answer_objection", title=f"答复第{o['no']}件异议",
                submit="书面答复", hidden={"objection_no": str(o["no"])},
                notes=[f"异议：{o['content']}", f"答复期限：{o['due']}"],
                fields=[Field("answer", "答复意见", "textarea", required=True),
                        Field("reasons", "理由", "textarea", required=True)]))
    if "assign_handler" in ctx.lawful:
        people = [p for p in handler_candidates(ctx.case) if p.pk != ctx.case.handler_id]
        forms.append(ActionForm(
            key="assign_handler", action="assign_handler", title="确定全程承办人", submit="确定",
            notes=[f"现承办人：{ctx.case.handler.name}" if ctx.case.handler_id else "尚未确定全程承办人"],
            fields=[Field("handler_id", "全程承办人", "select", required=True,
                          choices=[(str(p.pk), f"{p.name}（{p.employee_number}）") for p in people]),
                    Field("reason", "理由", "textarea", required=True)]))
    if "schedule_review_meeting" in ctx.lawful:
        forms.append(ActionForm(
            key="schedule_review_meeting", action="schedule_review_meeting", title="召开联审会", submit="通知召开",
            notes=["由牵头部门召集全部会办部门参加。"],
            fields=[Field("kind", "会议类型", "select", required=True, value="joint_review",
                          choices=list(MEETING_KINDS.items())),
                    Field("on", "会议日期", "date", required=True), Field("place", "会议地点", required=True),
                    Field("note", "说明", "textarea")]))
    if "record_review_meeting" in ctx.lawful:
        forms.append(ActionForm(
            key="record_review_meeting", action="record_review_meeting", title="登记联审会结论", submit="登记并告知",
            notes=["结论以联审意见告知书一次性书面告知申请人。"],
            fields=[Field("outcome", "结论", "radio", required=True, choices=list(OUTCOMES.items())),
                    Field("opinion", "联审意见", "textarea", required=True),
                    Field("materials", "需补充完善的材料（每行一项）", "textarea")]))
    if "revoke_certificate" in ctx.lawful:
        forms.append(ActionForm(
            key="revoke_certificate", action="revoke_certificate", title="撤销证照", submit="撤销证照", danger=True,
            notes=["证照撤销后在证照核验页面显示为已撤销，并向申请人出具证照撤销告知书。"],
            fields=[Field("certificate_number", "证照编号", required=True),
                    Field("reason", "撤销理由", "textarea", required=True),
                    Field("legal_basis", "法律依据", required=True, value="《中华人民共和国行政许可法》第六十九条")]))
    if "revoke" in ctx.lawful:
        forms.append(ActionForm(
            key="revoke", action="revoke", title="撤销准予决定（承诺不实）", submit="撤销决定", danger=True,
            notes=["将同时注销本件证照、出具撤销决定书，并记入申请人信用记录。"],
            fields=[Field("reason", "撤销理由", "textarea", required=True)]))
    return forms


def action_label(action: str) -> str:
    """A short name of an action for the "saved" message."""
    return {
        "accept": _("accepted"), "request_supplement": _("supplement notice issued"),
        "supplement": _("supplement recorded"), "refuse": _("refused"), "conclude_instant": _("concluded"),
        "complete_stage": _("opinion recorded"), "claim": _("stage claimed"), "release": _("stage released"),
        "reassign": _("stage reassigned"), "start_special_procedure": _("special procedure started"),
        "end_special_procedure": _("special procedure ended"), "request_extension": _("extension requested"),
        "start_publicity": "已发布决定前公示，计时暂停",
        "grant_extension": _("extension granted"), "decline_extension": _("extension declined"),
        "request_joint_extension": "已报请本级人民政府负责人批准延期", "approve_joint_extension": "已批准联办件延期",
        "decline_joint_extension": "已不同意联办件延期",
        "accept_on_commitment": "已告知承诺受理", "record_verification": "已登记承诺核查结果",
        "revoke": "已撤销准予决定", "mark_urgent": "已标记急办件", "record_objection": "已登记异议",
        "chase_stage": "已催办会办部门", "refer": "已上报", "accept_referral": "已接收上报件",
        "return_referral": "已退回收件点", "receive_paper": "已登记纸质材料送达", "assign_handler": "已确定全程承办人",
        "revoke_certificate": "已撤销证照并告知申请人", "schedule_review_meeting": "已通知召开联审会", "record_review_meeting": "已登记联审会结论并告知申请人",
        "answer_objection": "已书面答复异议",
        "accept_with_deferred_materials": "已容缺受理", "receive_deferred_materials": "已登记补交容缺材料",
        "decide": _("decision recorded"), "issue_certificate": _("certificate issued"),
        "deliver": _("delivered"), "withdraw": _("withdrawn"),
    }.get(action, action)


def form_key(action: str, post: Mapping[str, str]) -> str:
    """The key of the form a POST came from (stage forms and the two decisions share an action)."""
    if post.get("stage_order"):
        return f"{action}-{post.get('stage_order')}"
    if action == "decide":
        return "decide-grant" if post.get("grant") == "true" else "decide-deny"
    return action
