"""The demo world the authorization matrix runs on, and how a response becomes an outcome.

:func:`build_matrix_world` loads both demo counties with their case load, runs one supervision
sweep, has each county's supervisor issue orders, and adds what the demo lacks for a full probe:
an applicant account in each county owning one case (with an uploaded file), and a staff scan
on each target case (both stored sealed, as the window and the online service store them). The
files stored meanwhile — those and the demo's (board photos, campaign reports, inspection photos) —
are kept as stored and put in each test's MEDIA_ROOT. It then picks, for every role of
:mod:`tests.permissions.matrix` and each county, the *target* records the placeholders of a path
are filled from:

- ``own[county][role]``: a case of the role's own department (a township case for the proxy
  agent, the applicant's own case for the applicant);
- ``other_dept[role]``: a case of another department of the same county (云溪县), or not theirs;
- the other county's ``own`` target stands for "other county", in both directions.

The newer apps' records (a feedback work order, a rectification of a bad rating …) are picked the
same way, from the department of the target case (:func:`_app_records`): a record of that
department, created with the app's own service where the demo has none (青禾县's demo has no
feedback), and only where even that is impossible (no case of the department to rate) one of its
county — which changes no outcome, since the roles bound to one department (the reviewer and the
chief representative of 市场监管局) have a record of their department in both counties. Bills are the
exception: only the counties' 不动产登记 charges fees, so every target's bill is one of its county's
(matrix.py states what each role gets on it). The county-level records — an appointment of the
county's hall, a campaign report's file, an inspection photo, the power list — are the demo's own
in both counties; a request's reply (for its PDF) and an objection's line are those of the target's
department. Public things a path names by code or number (a payment code, a power, a village, a
published campaign …) are real ones of 云溪县 (:func:`_public_records`).
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponse
from django.test import TestCase

from onewindow.accounts.services import api_token_issue
from onewindow.appraisal import services as appraisal_services
from onewindow.appraisal.models import Campaign as AppraisalCampaign
from onewindow.assessment import accountability_services
from onewindow.assessment import demo as assessment_demo
from onewindow.assessment import services as assessment_services
from onewindow.assessment.models import Accountability, Assessment, LineItem, Report
from onewindow.assessment.rules import PeriodKind, SubjectKind
from onewindow.assessment.subjects import departments_of
from onewindow.cases.models import Case, CaseTask
from onewindow.core import filecrypt
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.demo.cases import fictional_mobile, fictional_person
from onewindow.demo.loader import load_demo
from onewindow.documents.models import Certificate, Document
from onewindow.exchange.models import ExchangeRecord
from onewindow.feedback import rules as feedback_rules
from onewindow.feedback import services as feedback_services
from onewindow.feedback.models import BulkNotice, Rating, Rectification, WorkOrder
from onewindow.fees.models import Bill, Reconciliation
from onewindow.hall.models import Appointment, RosterEntry
from onewindow.notifications.models import OutboxMessage
from onewindow.online.models import ApplicantProfile, OnlineUpload
from onewindow.openness import publication_services
from onewindow.openness import services as openness_services
from onewindow.openness.models import (
    DisclosureRequest,
    Distribution,
    Power,
    PowerListVersion,
    Publication,
    Topic,
)
from onewindow.organization.models import Department, Region, Staff, Window
from onewindow.projects import services as projects_services
from onewindow.projects.models import Project
from onewindow.supervision import orders
from onewindow.supervision.models import EfficiencyWarning, SupervisionOrder, Warning
from onewindow.supervision.sweep import sweep
from onewindow.workbench.models import CaseScan
from onewindow.worktasks import services as worktasks_services
from onewindow.worktasks.models import Campaign, CampaignReport, FindingPhoto, Inspection, Plan, Problem, Task

# The two demo counties: the main one, and the small second one (青禾县).
MAIN, SECOND = "990121", "990123"
COUNTIES = (MAIN, SECOND)
TOWN = "990121100000"

# Outcomes a cell can expect (see classify()).
OK = "ok"  # past authorization: 2xx, a redirect elsewhere than a login page, or an input refusal
DENIED = "403"
HIDDEN = "404"  # "not found", whether or not it exists: a number of another county reveals nothing
LOGIN = "login"  # a redirect to a login page (staff, online or admin)
UNAUTHENTICATED = "401"  # the API without credentials
OUTCOMES = (OK, DENIED, HIDDEN, LOGIN, UNAUTHENTICATED)

# Each role's demo login in each county (None: not logged in; the applicants are made here).
LOGINS: dict[str, dict[str, str | None]] = {
    "clerk": {MAIN: "clerk", SECOND: "qh.clerk"},
    "reviewer": {MAIN: "reviewer", SECOND: "qh.reviewer"},
    "chief": {MAIN: "chief", SECOND: "qh.chief"},
    "admin": {MAIN: "admin", SECOND: "qh.admin"},
    "supervisor": {MAIN: "supervisor", SECOND: "qh.supervisor"},
    "agent": {MAIN: "agent", SECOND: "qh.agent"},
    "applicant": {MAIN: "applicant-13900000001", SECOND: "applicant-13900000002"},
    "anonymous": {MAIN: None, SECOND: None},
}
ROLES = tuple(LOGINS)

# The department of each role's own target case in 云溪县, and of the other department's.
_OWN_DEPT = {"clerk": "MZJ", "reviewer": "GSJ", "chief": "GSJ", "admin": "GSJ", "supervisor": "GSJ"}
_OTHER_DEPT = {"clerk": "GTJ", "reviewer": "GTJ", "chief": "GTJ", "admin": "GTJ", "supervisor": "GTJ",
               "agent": "GSJ", "applicant": "MZJ", "anonymous": "MZJ"}
_SECOND_DEPT = {"clerk": "MZJ", "reviewer": "GSJ", "chief": "GSJ", "admin": "GSJ", "supervisor": "GSJ"}


@dataclass
class MatrixWorld:
    """Who acts (``users``) and on what (``own``, ``other_dept``), once per module."""

    users: dict[tuple[str, str], Any]  # (role, county) → user, None for anonymous
    tokens: dict[tuple[str, str], str]  # (role, county) → an API bearer token, for the staff roles
    own: dict[str, dict[str, dict[str, str] | None]]  # county → role → placeholders (None: no such target)
    other_dept: dict[str, dict[str, str]]  # role → placeholders, in 云溪县
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (path under MEDIA_ROOT, content as stored)

    def keep_files(self, media_root: Path | str) -> None:
        """Remember every file stored under ``media_root`` while the world was built (the demo's
        photos and reports, the scans and uploads made here), as stored: sealed where private."""
        root = Path(media_root)
        self.files = [(path.relative_to(root).as_posix(), path.read_bytes())
                      for path in sorted(root.rglob("*")) if path.is_file()]

    def write_files(self, media_root: Path | str) -> None:
        """Put the stored files back where the views read them (each test has its own MEDIA_ROOT)."""
        for relative, content in self.files:
            path = Path(media_root) / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)


def build_matrix_world(today: date | None = None) -> MatrixWorld:
    """Load the demo and pick every target (see the module docstring)."""
    # What the demo leaves for after its commits (the board photos' files) happens now: the world
    # is built in a transaction that never commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        load_demo(with_cases=True, today=today)
    sweep(now=current_time())
    User = get_user_model()
    users: dict[tuple[str, str], Any] = {}
    for role, by_county in LOGINS.items():
        for county, username in by_county.items():
            if username is None:
                users[role, county] = None
            elif role == "applicant":
                users[role, county] = _applicant(username)
            else:
                users[role, county] = User.objects.get(username=username)
    records: dict[int, dict[str, str]] = {}  # department id → the newer apps' records (_app_records)
    own: dict[str, dict[str, dict[str, str] | None]] = {MAIN: {}, SECOND: {}}
    other_dept: dict[str, dict[str, str]] = {}
    mine = {county: _single_department_case(_county_cases(county).filter(department__code="MZJ"))
            for county in COUNTIES}
    for county in COUNTIES:
        applicant = users["applicant", county]
        Case.objects.filter(pk=mine[county].pk).update(applicant_account=applicant)
        mine[county].applicant_account = applicant
    for role in ROLES:
        if role in _OWN_DEPT:
            main_case = _single_department_case(_county_cases(MAIN).filter(department__code=_OWN_DEPT[role]))
        elif role == "agent":
            main_case = _single_department_case(Case.objects.filter(region__code=TOWN))
        else:
            main_case = mine[MAIN]
        own[MAIN][role] = _placeholders(main_case, users["applicant", MAIN], records)
        if role in _SECOND_DEPT:
            second_case = _single_department_case(_county_cases(SECOND).filter(department__code=_SECOND_DEPT[role]))
            own[SECOND][role] = _placeholders(second_case, users["applicant", SECOND], records)
        elif role == "agent":
            own[SECOND][role] = None  # 青禾县's township has no case: its agent is tried as "other county" only
        else:
            own[SECOND][role] = _placeholders(mine[SECOND], users["applicant", SECOND], records)
        other = _single_department_case(_county_cases(MAIN).filter(department__code=_OTHER_DEPT[role])
                                        .exclude(pk=mine[MAIN].pk))
        other_dept[role] = _placeholders(other, users["applicant", MAIN], records)
    tokens = {(role, county): api_token_issue(username=username).token
              for role, by_county in LOGINS.items() for county, username in by_county.items()
              if role not in ("applicant", "anonymous") and username is not None}
    return MatrixWorld(users=users, tokens=tokens, own=own, other_dept=other_dept)


def _applicant(username: str) -> Any:
    phone = username.rsplit("-", 1)[1]
    user = get_user_model().objects.create_user(username=username, password=None)
    ApplicantProfile.objects.create(user=user, phone=phone, phone_verified_at=current_time(),
                                  created_at=current_time(), real_name="演示申请人")
    return user


def _stranger() -> Any:
    """An applicant account that owns the uploads of cases that are nobody's in the demo."""
    stranger = get_user_model().objects.filter(username="applicant-13900000003").first()
    return stranger or _applicant("applicant-13900000003")


def _county_cases(county: str):
    return Case.objects.filter(region__code=f"{county}000000").order_by("number")


def _single_department_case(cases) -> Case:
    """The first case of ``cases`` handled by its own department only (no stage elsewhere)."""
    for case in cases.select_related("region", "department"):
        if not CaseTask.objects.filter(case=case).exclude(department=case.department).exists():
            return case
    raise AssertionError("the demo has no such case")


def _placeholders(case: Case, applicant: Any, records: dict[int, dict[str, str]]) -> dict[str, str]:
    """Everything a path can name about ``case``: the case, a scan and an upload of it (stored sealed,
    as the window and the online service store them), one of its documents, a warning, an order and
    an outbox message of its department or county, the newer apps' records of its department
    (:func:`_app_records`), and public things (:func:`_public_records`)."""
    today = local_date()
    scan_content = f"scan of {case.number}".encode()
    scan = CaseScan.objects.create(case=case, material="申请书",
                                   file_path=f"uploads/{case.number}/matrix-{uuid.uuid4().hex[:8]}.pdf",
                                   original_name="matrix.pdf", sha256=hashlib.sha256(scan_content).hexdigest(),
                                   content_type="application/pdf", size=len(scan_content))
    filecrypt.write_new(scan.file_path, scan_content)
    owner = case.applicant_account or _stranger()
    upload_content = f"upload of {case.number}".encode()
    upload = OnlineUpload.objects.create(
        account=owner, case=case, material="申请书", path=f"online/{case.number}/matrix-{uuid.uuid4().hex[:8]}.pdf",
        original_name="matrix.pdf", sha256=hashlib.sha256(upload_content).hexdigest(),
        content_type="application/pdf", size=len(upload_content), uploaded_at=current_time())
    filecrypt.write_new(upload.path, upload_content)
    document = Document.objects.filter(case=case).order_by("pk").first()
    if document is None:
        raise AssertionError(f"case {case.number} has no document")
    # A case's warning (the other record types' warnings have their own pages and rules).
    clerk = LOGINS["clerk"][case.region.code[:6]]
    warning = (Warning.objects.filter(department=case.department, case__isnull=False,
                                      window__postings__staff__user__username=clerk).order_by("pk").first()
               or Warning.objects.filter(department=case.department, case__isnull=False).order_by("pk").first()
               or Warning.objects.filter(region=case.region, case__isnull=False).order_by("pk").first())
    if warning is None:
        raise AssertionError(f"the sweep raised no warning in {case.region}")
    order = SupervisionOrder.objects.filter(department=case.department).first() or _order(case.department)
    message = OutboxMessage.objects.filter(region=case.region).order_by("pk").first()
    if message is None:
        raise AssertionError(f"the outbox of {case.region} is empty")
    certificate = Certificate.objects.filter(case__region__code__startswith=case.region.code[:6]).first()
    exchange = (ExchangeRecord.objects.filter(case__department=case.department).order_by("pk").first()
                or ExchangeRecord.objects.filter(region=case.region).order_by("pk").first())
    if exchange is None:
        raise AssertionError(f"the demo of {case.region} has no exchange record")
    item = case.item_version.item
    return {
        "case": case.number, "scan": str(scan.pk), "upload": str(upload.pk), "document": document.number,
        "warning": str(warning.pk), "order": str(order.pk), "message": str(message.pk),
        "certificate": certificate.number if certificate else "990123-2026-Z999999",
        "item": item.implementation_code, "version": str(case.item_version.version), "year": str(today.year),
        "department": str(case.department.pk), "exchange_record": str(exchange.pk),
        **_app_records(case.department, records),
        **_public_records(records),
    }


def _order(department: Department) -> SupervisionOrder:
    supervisor = Staff.objects.get(user__username=LOGINS["supervisor"][department.region.code[:6]])
    return orders.order_issue(department_id=department.pk, subject="矩阵测试督办", requirement="请说明情况",
                              actor=supervisor)


# --- the newer apps' records ----------------------------------------------------------------------


def _county_staff(department: Department, role: str) -> Staff:
    return Staff.objects.get(user__username=LOGINS[role][department.region.code[:6]])


def _app_records(department: Department, records: dict[int, dict[str, str]]) -> dict[str, str]:
    """The newer apps' records of ``department`` (once per department): see the module docstring."""
    if department.pk not in records:
        records[department.pk] = {
            **_numbered("work_order", _work_order(department)),
            **_numbered("rectification", _rectification(department)),
            "notice": str(_notice(department).pk),
            "plan": str(_plan(department).pk),
            "task": str(_task(department).pk),
            "problem": str(_problem(department).pk),
            "inspection": str(_inspection(department).pk),
            "campaign": str(_campaign(department).pk),
            "publication": str(_publication(department).pk),
            "disclosure_number": _disclosure_request(department).number,
            "reply_number": _replied_request(department).number,
            "assessment": str(_assessment(department).pk),
            **_objection_target(department),
            "bill": str(_bill(department).pk),
            **_appointment(department),
            "campaign_report": str(_campaign_report(department).pk),
            "photo": str(_photo(department).pk),
            "power_version": str(_power_version(department).pk),
            "scheme": str(_assessment(department).scheme_id),
            "report": str(_report(department).pk),
            "appraisal_campaign": str(_appraisal_campaign(department).pk),
            "accountability": str(_accountability(department).pk),
            "project": str(_project(department).pk),
        }
    return records[department.pk]


def _numbered(name: str, record: Any) -> dict[str, str]:
    """A record by its id (the pages) and by its number (the API)."""
    return {name: str(record.pk), f"{name}_number": record.number}


def _work_order(department: Department) -> WorkOrder:
    """An order dispatched to ``department`` and waiting for its answer, with a caller's phone (the
    reveal has something to reveal); received and dispatched by the county's center if none is."""
    found = (WorkOrder.objects.filter(department=department, state__in=feedback_rules.ORDER_AWAITING_ANSWER)
             .exclude(caller_phone="").order_by("pk").first())
    if found is not None:
        return found
    admin = _county_staff(department, "admin")
    order = feedback_services.order_receive(
        region=department.region, kind="complaint", content="矩阵测试：窗口办理时间过长", caller_name="测试",
        caller_phone="13800002222", actor=admin)
    return feedback_services.order_dispatch(order_id=order.pk, department_id=department.pk, actor=admin)


def _notice(department: Department) -> BulkNotice:
    """A bulk notice of ``department``: the demo's, or one drafted by the county's center."""
    found = BulkNotice.objects.filter(department=department).order_by("pk").first()
    return found or feedback_services.notice_draft(
        department_id=department.pk, group="order_callers", year=local_date().year, body="【政务服务】矩阵测试通知",
        actor=_county_staff(department, "admin"))


def _rectification(department: Department) -> Rectification:
    """A rectification of ``department``: the demo's, or one opened by a bad rating of one of its
    concluded cases nobody has rated; failing that (no such case), one of its county's, the same way."""
    county = department.region.code[:6]
    for scope in (Q(department=department), Q(region__code__startswith=county)):
        found = Rectification.objects.filter(scope).order_by("pk").first()
        if found is not None:
            return found
        rated = Rating.objects.filter(case__isnull=False).values("case_id")
        case = (Case.objects.filter(scope, status__in=feedback_rules.RATABLE_CASE_STATUSES)
                .exclude(pk__in=rated).order_by("number").first())
        if case is not None:
            return feedback_services.rating_submit(
                level="very_dissatisfied", reasons=["slow"], comment="矩阵测试", channel="progress",
                case_number=case.number, query_code=case.query_code).rectification
    raise AssertionError(f"no case to rate in the county of {department}")


def _county_region(department: Department) -> Any:
    region = department.region
    return region if region.code.endswith("000000") else region.parent


def _plan(department: Department) -> Plan:
    """The work plan of the department's county (plans, inspections and campaigns are the county's)."""
    county = _county_region(department)
    found = Plan.objects.filter(region=county).order_by("pk").first()
    return found or worktasks_services.plan_create(actor=_county_staff(department, "admin"), region_id=county.pk,
                                                   title="矩阵测试工作计划", year=local_date().year)


def _task(department: Department) -> Task:
    """A task ``department`` leads, in its county's plan: the demo's, or a new one."""
    plan = _plan(department)
    if department.region_id != plan.region_id:  # a township's office: any task of the county
        return Task.objects.filter(plan=plan).order_by("pk").first() or _task(Department.objects.filter(
            region=plan.region).order_by("pk").first())
    found = Task.objects.filter(plan=plan, lead=department).order_by("pk").first()
    return found or worktasks_services.task_create(
        actor=_county_staff(department, "admin"), plan_id=plan.pk, title="矩阵测试任务", lead_id=department.pk,
        units=[worktasks_services.UnitInput(department_id=department.pk, owner_name="负责人")],
        starts_on=local_date(), due_workdays=20)


def _problem(department: Department) -> Problem:
    """A problem assigned to ``department`` and not yet planned (so that an action's permission, not the
    problem's state, decides): the demo's, or one recorded and assigned."""
    found = Problem.objects.filter(department=department, state="assigned").order_by("pk").first()
    if found is not None:
        return found
    if department.region_id != _county_region(department).pk:  # a township's office: one of the county
        return _problem(Department.objects.filter(region=_county_region(department)).order_by("pk").first())
    admin = _county_staff(department, "admin")
    problem = worktasks_services.problem_record(actor=admin, region_id=_county_region(department).pk,
                                                title="矩阵测试问题", source="inspection", evidence="检查记录")
    responsible = (Staff.objects.filter(postings__department=department).order_by("pk").first()
                   or _county_staff(department, "chief"))
    return worktasks_services.problem_act(actor=admin, problem_id=problem.pk, action="assign",
                                          department_id=department.pk, responsible_id=responsible.pk, due_workdays=10)


def _inspection(department: Department) -> Inspection:
    county = _county_region(department)
    found = Inspection.objects.filter(region=county).order_by("pk").first()
    if found is not None:
        return found
    windows = Window.objects.filter(region=county).order_by("number")[:2]
    return worktasks_services.inspection_create(
        actor=_county_staff(department, "admin"), region_id=county.pk, kind="inspection", title="矩阵测试检查",
        planned_on=local_date(), window_ids=[w.pk for w in windows])


def _project(department: Department) -> Project:
    """The county's first major project; 青禾县 has none in the demo: one of the same shape (its
    ``clerk`` the proxy, the department of its ``chief`` responsible for a line)."""
    county = _county_region(department)
    found = Project.objects.filter(region=county).order_by("pk").first()
    if found is not None:
        return found
    today = local_date()
    chief = _county_staff(department, "chief")
    return projects_services.project_create(
        actor=_county_staff(department, "admin"), region_id=county.pk, name="矩阵测试重点项目",
        investor="矩阵测试投资有限公司", investment="1000", level="county",
        proxy_id=_county_staff(department, "clerk").pk, starts_on=today, due_on=today + timedelta(days=90),
        lines=[projects_services.LineInput("用地预审", chief.department_id, today + timedelta(days=30))])


def _campaign(department: Department) -> Campaign:
    county = _county_region(department)
    found = Campaign.objects.filter(region=county).order_by("pk").first()
    if found is not None:
        return found
    today = local_date()
    return worktasks_services.campaign_create(
        actor=_county_staff(department, "admin"), region_id=county.pk, title="矩阵测试专项行动", starts_on=today,
        ends_on=today + timedelta(days=60), phases=[worktasks_services.PhaseInput("排查", today,
                                                                                today + timedelta(days=30))])


def _appraisal_campaign(department: Department) -> AppraisalCampaign:
    """A 民主评议 of the department's county: the demo's, or one set up by its center."""
    county = _county_region(department)
    found = AppraisalCampaign.objects.filter(region=county).order_by("pk").first()
    if found is not None:
        return found
    today = local_date()
    return appraisal_services.campaign_create(
        by=_county_staff(department, "admin"), region_id=county.pk, title="矩阵测试民主评议", subject_kind="window",
        opens_on=today, closes_on=today + timedelta(days=30), questions=[appraisal_services.QuestionSpec("服务态度", 5)])


def _disclosure_request(department: Department) -> DisclosureRequest:
    """A request for government information to ``department``: the demo's, or one filed online."""
    found = DisclosureRequest.objects.filter(department=department).order_by("pk").first()
    if found is not None:
        return found
    rng = random.Random(department.pk)
    who = fictional_person(rng, today=local_date())
    return openness_services.request_file(
        department_id=department.pk, channel="online", description="矩阵测试：申请公开本部门年度工作报告",
        delivery="electronic", applicant=openness_services.Applicant("person", who.name, who.id_number,
                                                                     fictional_mobile(rng)))


def _publication(department: Department) -> Publication:
    """A publication of ``department``: the demo's, or one scheduled by a reviewer of the department;
    failing that (nobody reviews for it), one of its county's."""
    found = Publication.objects.filter(department=department).order_by("pk").first()
    if found is not None:
        return found
    author = (Staff.objects.filter(postings__department=department,
                                   postings__role__in=["reviewer", "chief_representative"]).order_by("pk").first())
    if author is not None:
        return publication_services.publication_schedule(
            department_id=department.pk, title="矩阵测试公示", kind="ad_hoc", body="矩阵测试公示内容", comment_days=5,
            comment_unit="workdays", due_on=local_date() + timedelta(days=10), actor=author)
    county = _county_region(department)
    found = Publication.objects.filter(region=county).order_by("pk").first()
    return found or _publication(Department.objects.filter(region=county, code="GSJ").get())


def _assessment(department: Department) -> Assessment:
    """An assessment of the department's county: the demo's, or last month's windows scored under the
    demo's scheme, defined for the county by its center administrator."""
    county = _county_region(department)
    found = Assessment.objects.filter(region=county).order_by("pk").first()
    if found is not None:
        return found
    admin = _county_staff(department, "admin")
    today = local_date()
    assessment_services.scheme_define(
        by=admin, region=county, name="窗口月度考核（矩阵测试）", period_kind=PeriodKind.MONTH,
        subject_kind=SubjectKind.WINDOW, effective_from=date(today.year - 1, 1, 1), base=assessment_demo.D(100),
        cap=assessment_demo.D(110), items=assessment_demo.ITEMS, bands=assessment_demo.BANDS)
    last_month = today.replace(day=1) - timedelta(days=1)
    return assessment_services.assessment_score(by=admin, region=county, subject_kind=SubjectKind.WINDOW,
                                                period=f"{last_month.year}-{last_month.month:02d}")


def _accountability(department: Department) -> Accountability:
    """An accountability record of the department's county about someone who is none of the matrix's
    logins: the demo's first, or one proposed here by the county's supervisor on an efficiency warning."""
    county = _county_region(department)
    found = Accountability.objects.filter(region=county).order_by("pk").first()
    if found is not None:
        return found
    logins = {name for per_county in LOGINS.values() for name in per_county.values() if name}
    person = (Staff.objects.filter(postings__region=county).exclude(user__username__in=logins)
              .order_by("employee_number").first())
    if person is None:
        raise AssertionError(f"no staff member in {county} outside the matrix's logins")
    supervisor = _county_staff(department, "supervisor")
    warning = EfficiencyWarning.objects.create(number=f"MATRIX-GJ-{county.code}", region=county, staff=person,
                                               reason="矩阵测试", basis="矩阵测试", issued_by=supervisor,
                                               issued_at=current_time())
    return accountability_services.accountability_propose(by=supervisor, region=county, staff_id=person.pk,
                                                          measure="talk", facts="矩阵测试", basis="矩阵测试",
                                                          efficiency_warning_id=warning.pk)


def _report(department: Department) -> Report:
    """A report of the department's county: the first issued, or the center's report of a published
    window month (the demo's October; else the month before last, scored and published here)."""
    county = _county_region(department)
    found = Report.objects.filter(region=county).order_by("pk").first()
    if found is not None:
        return found
    admin = _county_staff(department, "admin")
    published = Assessment.objects.filter(region=county, state=Assessment.State.PUBLISHED).order_by("pk").first()
    if published is None:
        _assessment(department)  # the scheme
        before_last = (local_date().replace(day=1) - timedelta(days=1)).replace(day=1) - timedelta(days=1)
        published = assessment_services.assessment_score(by=admin, region=county, subject_kind=SubjectKind.WINDOW,
                                                         period=f"{before_last.year}-{before_last.month:02d}")
        assessment_services.assessment_publish(by=admin, assessment_id=published.pk)
    return assessment_services.report_issue(by=admin, region=county, kind="period",
                                            subject_kind=SubjectKind(published.subject_kind), period=published.period)


# --- outcomes ----------------------------------------------------------------------------------


_ADMIN_OBJECT_VIEWS = ("/change/", "/delete/", "/history/")


def classify(response: HttpResponse) -> str:
    """The outcome of one response; a server error is never an outcome (the test fails on it)."""
    status = response.status_code
    if status >= 500:
        raise AssertionError(f"server error {status}")
    if status in (401, 403, 404):
        return str(status)
    if status in (301, 302, 303, 307, 308) and "login/" in response.get("Location", ""):
        return LOGIN
    path = response.request["PATH_INFO"]
    if status == 302 and response.get("Location") == "/admin/" and path.endswith(_ADMIN_OBJECT_VIEWS):
        return HIDDEN  # the admin's "does not exist, perhaps it was deleted" (test_isolation.py)
    return OK


# --- records of the fees, the hall, work tasks, open government (real: the demo's) ----------------


def _bill(department: Department) -> Bill:
    """An issued or paid bill of ``department``; failing that (a department that charges no fee:
    市场监管局, 民政局, the township's offices) one of its county's, which is a bill of another
    department for the roles bound to one (see matrix.py's fees rows)."""
    billed = Bill.objects.filter(state__in=["issued", "paid"]).order_by("pk")
    found = billed.filter(department=department).first() or billed.filter(region=_county_region(department)).first()
    if found is None:
        raise AssertionError(f"the demo has no bill in the county of {department}")
    return found


def _appointment(department: Department) -> dict[str, str]:
    """A booked appointment in the department's county's hall, with the booker's ID number (the
    cancel operation's proof)."""
    found = (Appointment.objects.filter(group__region=_county_region(department), state="booked")
             .order_by("day", "slot", "pk").first())
    if found is None:
        raise AssertionError(f"the demo has no appointment in the county of {department}")
    return {"appointment": str(found.pk), "appointment_id_number": found.id_number}


def _campaign_report(department: Department) -> CampaignReport:
    """A written report handed in with its file, in a campaign of the department's county."""
    found = (CampaignReport.objects.filter(campaign__region=_county_region(department)).exclude(attachment="")
             .order_by("pk").first())
    if found is None:
        raise AssertionError(f"the demo has no campaign report file in the county of {department}")
    return found


def _photo(department: Department) -> FindingPhoto:
    found = FindingPhoto.objects.filter(finding__inspection__region=_county_region(department)).order_by("pk").first()
    if found is None:
        raise AssertionError(f"the demo has no inspection photo in the county of {department}")
    return found


def _power_version(department: Department) -> PowerListVersion:
    found = PowerListVersion.objects.filter(region=_county_region(department)).order_by("pk").first()
    if found is None:
        raise AssertionError(f"the demo has no power list in the county of {department}")
    return found


def _replied_request(department: Department) -> DisclosureRequest:
    """A request of ``department`` with its reply: the demo's, or one filed online and answered
    (disclosed) by a reviewer or chief representative of the department; failing that (nobody of
    the department answers), one of its county's."""
    found = (DisclosureRequest.objects.filter(department=department, state="replied", reply__isnull=False)
             .order_by("pk").first())
    if found is not None:
        return found
    answerer = (Staff.objects.filter(postings__department=department,
                                     postings__role__in=["reviewer", "chief_representative"]).order_by("pk").first()
                or Staff.objects.filter(postings__region=department.region, postings__department__isnull=True,
                                        postings__role__in=["reviewer", "chief_representative"]).order_by("pk").first())
    if answerer is None:
        county = _county_region(department)
        return _replied_request(Department.objects.filter(region=county, code="GSJ").get())
    rng = random.Random(department.pk + 1)
    who = fictional_person(rng, today=local_date())
    filed = openness_services.request_file(
        department_id=department.pk, channel="online", description="矩阵测试：申请公开本部门办事指南",
        delivery="electronic", applicant=openness_services.Applicant("person", who.name, who.id_number,
                                                                     fictional_mobile(rng)))
    return openness_services.reply(request_id=filed.pk, answer="disclosed", how_to_obtain="见附件", actor=answerer)


def _objection_target(department: Department) -> dict[str, str]:
    """A draft assessment of the department's county and a line of it whose subject belongs to the
    department (a department-head's objection is about their own department's line): the demo's
    department assessment in 云溪县, the windows' in 青禾县 (:func:`_assessment`)."""
    county = _county_region(department)
    drafts = Assessment.objects.filter(region=county, state="draft").order_by("pk")
    assessment = drafts.filter(subject_kind=SubjectKind.DEPARTMENT).first() or drafts.first()
    if assessment is None:
        _assessment(department)
        assessment = Assessment.objects.filter(region=county, state="draft").order_by("pk").first()
    if assessment is None:
        raise AssertionError(f"no draft assessment in the county of {department}")
    kind = SubjectKind(assessment.subject_kind)
    lines = LineItem.objects.filter(score__assessment=assessment).order_by("pk")
    line = next((x for x in lines.select_related("score") if department.pk in departments_of(kind, x.score.subject_id)),
                lines.first())
    if line is None:
        # Automatic items find nothing in a month whose generated case load (dated from today) had no
        # lapse; the center administrator enters one manual occurrence against the department's subject.
        scores = list(assessment.scores.order_by("pk"))
        score = next((x for x in scores if department.pk in departments_of(kind, x.subject_id)), scores[0])
        item = assessment.scheme.items.filter(source="").order_by("pk").first()
        if item is None:
            raise AssertionError(f"assessment {assessment.pk} has no line and its scheme no manual item")
        line = assessment_services.manual_enter(by=_county_staff(department, "admin"), assessment_id=assessment.pk,
                                                subject_id=score.subject_id, item_code=item.code, count=1,
                                                evidence="矩阵测试：督查记录")
    return {"objection_assessment": str(assessment.pk), "objection_line": str(line.pk)}


def _public_records(records: dict[Any, Any]) -> dict[str, str]:
    """Public things of 云溪县 a path names (by code, number or key, the same for every role), and
    the scheduled campaign notice of 青禾县 (not up yet)."""
    if "public" not in records:
        main = Region.objects.get(code=f"{MAIN}000000")
        today = local_date()
        issued = Bill.objects.filter(region=main, state="issued").order_by("pk").first()
        draft = Bill.objects.filter(region=main, state="draft").order_by("pk").first()
        on_board = next(e.staff for e in RosterEntry.objects.filter(window__region=main, day=today, post="A")
                        .exclude(staff__photo="").select_related("staff").order_by("window__number"))
        replied = DisclosureRequest.objects.filter(region=main, state="replied", reply__isnull=False).order_by("pk")[0]
        entry = Distribution.objects.select_related("village").order_by("pk")[0]
        records["public"] = {
            "payment_code": issued.payment_code, "draft_payment_code": draft.payment_code,
            "reconciliation_day": Reconciliation.objects.get(region=main).day.isoformat(),
            "published_campaign": str(Campaign.objects.filter(region=main, publish_from__lte=today).get().pk),
            "scheduled_campaign": str(Campaign.objects.filter(publish_from__gt=today).order_by("pk")[0].pk),
            "board_number": on_board.employee_number,
            "power_code": Power.objects.filter(list_version__region=main, standards__isnull=False)
            .order_by("code").values_list("code", flat=True)[0],
            "fund_entry": str(entry.pk), "village": entry.village.code,
            "publication_number": Publication.objects.filter(region=main, state="published").order_by("pk")[0].number,
            "topic": str(Topic.objects.filter(state="open").order_by("pk")[0].pk),
            "open311_service": feedback_rules.OrderKind.COMPLAINT.value,
            "open311_request": WorkOrder.objects.filter(region=main).order_by("pk")[0].number,
            "public_reply_number": replied.number, "public_reply_code": replied.query_code,
            "appraisal_token": AppraisalCampaign.objects.filter(region=main, state="open").exclude(open_token="")
            .order_by("pk")[0].open_token,
        }
    return records["public"]
