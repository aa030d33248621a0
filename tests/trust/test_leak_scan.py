"""Issue 13, "a leak scan": no answer of the demo carries a full ID number or mobile number.

The demo is loaded with its case load once for the module (in a transaction rolled back at the
end). Then, as each demo role — clerk, reviewer, chief, admin, supervisor, agent, an online
applicant, anonymous — every GET the site answers is fetched:

- every URL pattern of the resolver (public pages, the online portal, the staff pages), path
  parameters filled from demo records (cases, documents, certificates, scans, warnings, orders,
  items, messages), pages with a search also with a case's phone and ID number as the query, and
  the ledger's spreadsheet export;
- every GET operation of the OpenAPI document, with a staff role's bearer token.

A response fails the scan if its text (HTML, JSON, CSV, or the XML inside an .xlsx) holds an
18-character resident ID number with a valid check character or a mainland mobile number. The full
values are shown only after an explicit, recorded POST (``/staff/cases/<n>/full-id/``), which a
scan of GETs never makes. Patterns the scan cannot fill are listed and must stay few.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from onewindow.accounts.services import api_token_issue
from onewindow.cases.models import Case
from onewindow.core.identity import is_valid_id_number
from onewindow.core.timesource import now as current_time
from onewindow.demo.loader import load_demo
from onewindow.documents.models import Certificate, Document
from onewindow.notifications.models import OutboxMessage
from onewindow.online.models import ApplicantProfile, OnlineUpload
from onewindow.workbench.models import CaseScan

STAFF_ROLES = ("clerk", "reviewer", "chief", "admin", "supervisor", "agent")
ROLES = (*STAFF_ROLES, "applicant", "anonymous")
APPLICANT_PHONE = "13700001234"
APPLICANT_ID = "11010519491231002X"

_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# Not after a decimal point: a spreadsheet's date-time is a serial number (46361.13897294192).
_PHONE = re.compile(r"(?<![0-9A-Za-z.])1[3-9]\d{9}(?![0-9A-Za-z])")
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Writes, downloads of binary files, and pages outside the scan.
_SKIPPED = re.compile(r"^(admin/|i18n/|staff/logout/|online/logout/|api/v1/docs)")


def leaks_in(text: str) -> list[str]:
    """The full ID numbers (valid check character) and mobile numbers in ``text``."""
    found = [m.group(0) for m in _ID.finditer(text) if is_valid_id_number(m.group(0))]
    return found + [m.group(0) for m in _PHONE.finditer(text)]


def _text_of(response) -> str | None:
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if kind.startswith(_XLSX):
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return "\n".join(book.read(n).decode("utf-8", "replace") for n in book.namelist() if n.endswith(".xml"))
    if kind.startswith(_TEXT_TYPES):
        return body.decode("utf-8", "replace")
    return None


@dataclass
class Demo:
    samples: dict[str, list[str]]
    applicant: object
    tokens: dict[str, str] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)


def _samples() -> dict[str, list[str]]:
    """Values for each path parameter name, from the demo's records (a few of each)."""
    cases = list(Case.objects.filter(region__is_demo=True).order_by("id"))
    # Cases with an agent and a phone first, then one of each status.
    picked = [c for c in cases if c.agent_id_number][:2] + [c for c in cases if c.applicant_phone][:2]
    seen = {c.status for c in picked}
    for c in cases:
        if c.status not in seen:
            picked.append(c)
            seen.add(c.status)
    documents = list(Document.objects.filter(case__in=picked).order_by("id")[:4])
    return {
        "number": [c.number for c in picked],
        "document_number": [d.number for d in documents],
        "certificate": [c.number for c in Certificate.objects.order_by("id")[:3]],
        "scan_id": [str(s.pk) for s in CaseScan.objects.order_by("id")[:2]],
        "message_id": [str(m.pk) for m in OutboxMessage.objects.order_by("id")[:2]],
        "pk": [str(u.pk) for u in OnlineUpload.objects.order_by("id")[:2]],
        "year": [str(date.today().year)],
        "index": ["0"],
    }


def _supervise() -> None:
    """Warnings from a sweep of the demo, and a supervision order on the first red one (with its
    case), so their pages are scanned too."""
    from onewindow.organization.models import Staff
    from onewindow.supervision.models import Warning
    from onewindow.supervision.orders import order_issue
    from onewindow.supervision.sweep import sweep

    sweep()
    warning = Warning.objects.filter(case__isnull=False).order_by("id").first()
    supervisor = Staff.objects.get(user__username="supervisor")
    if warning is not None:
        order_issue(department_id=warning.case.department_id, subject="超期未办结", requirement="请说明原因并整改",
                    actor=supervisor, warning_id=warning.pk, case_id=warning.case_id)


def _supervision_samples() -> dict[str, list[str]]:
    from onewindow.supervision.models import SupervisionOrder, Warning

    return {"warning_id": [str(w.pk) for w in Warning.objects.order_by("id")[:3]],
            "order_id": [str(o.pk) for o in SupervisionOrder.objects.order_by("id")[:2]]}


def _catalog_samples() -> dict[str, list[str]]:
    from onewindow.catalog.models import Bundle, ServiceItem

    items = list(ServiceItem.objects.exclude(current_version=None).select_related("current_version")
                 .order_by("id")[:2])
    from onewindow.cases.models import BundleApplication

    return {"code": [i.implementation_code for i in items],
            "version": [str(i.current_version.version) for i in items][:1],
            "bundle": [b.code for b in Bundle.objects.order_by("id")[:1]],
            "bundle_number": [a.number for a in BundleApplication.objects.order_by("id")[:2]], "no": ["1"]}


def _app_samples() -> dict[str, list[str]]:
    """The other record types' keys, named apart from the case's (the routes map to them below)."""
    from onewindow.appraisal.models import Campaign as AppraisalCampaign
    from onewindow.assessment.models import Accountability, Assessment, Report, Scheme
    from onewindow.catalog.models import ServiceItemVersion
    from onewindow.exchange.models import ExchangeRecord
    from onewindow.feedback.models import BulkNotice, Rectification, WorkOrder
    from onewindow.fees.models import Bill, Reconciliation
    from onewindow.openness.models import (
        DisclosureRequest,
        Distribution,
        EnforcementOfficer,
        Fund,
        MajorPenalty,
        Power,
        PowerListVersion,
        Publication,
    )
    from onewindow.organization.models import Staff
    from onewindow.projects.models import Project
    from onewindow.worktasks.models import (
        Campaign,
        CampaignReport,
        FindingPhoto,
        Inspection,
        Plan,
        Problem,
        Task,
    )

    def first(qs, field: str, n: int = 2) -> list[str]:
        return [str(v) for v in qs.order_by("id").values_list(field, flat=True)[:n]]

    villages = Distribution.objects.order_by("id").values_list("village__code", flat=True)[:1]
    return {
        "order_pk": first(WorkOrder.objects, "pk"), "order_number": first(WorkOrder.objects, "number"),
        "rectification_pk": first(Rectification.objects, "pk"), "notice_pk": first(BulkNotice.objects, "pk"),
        "bill_id": first(Bill.objects, "pk"), "payment_code": first(Bill.objects, "payment_code"),
        "day": [d.isoformat() for d in Reconciliation.objects.order_by("id").values_list("day", flat=True)[:1]],
        "request_number": first(DisclosureRequest.objects, "number"),
        "publication_pk": first(Publication.objects, "pk"), "publication_number": first(Publication.objects, "number"),
        "power_code": first(Power.objects, "code"), "version_id": first(PowerListVersion.objects, "pk", 1),
        "entry_id": first(Distribution.objects, "pk"), "village": [str(v) for v in villages],
        "fund_code": first(Fund.objects, "code", 1), "officer_pk": first(EnforcementOfficer.objects, "pk", 1), "penalty_pk": first(MajorPenalty.objects, "pk", 1),
        "region_code": ["990121000000"], "window_number": ["01"],
        "employee_number": first(Staff.objects.filter(region__code="990121000000"), "employee_number"),
        "plan_pk": first(Plan.objects, "pk", 1), "task_pk": first(Task.objects, "pk"),
        "problem_pk": first(Problem.objects, "pk"), "inspection_pk": first(Inspection.objects, "pk", 1),
        "campaign_pk": first(Campaign.objects, "pk", 1),
        "campaign_report_pk": first(CampaignReport.objects.exclude(attachment=""), "pk", 1),
        "photo_pk": first(FindingPhoto.objects, "pk", 1),
        "assessment_pk": first(Assessment.objects, "pk"),
        "record_id": first(ExchangeRecord.objects.filter(kind="acceptance"), "pk"),  # the applicant's ID inside
        "scheme_pk": first(Scheme.objects, "pk"),
        "report_pk": first(Report.objects, "pk"),
        "appraisal_campaign_pk": first(AppraisalCampaign.objects, "pk"),
        "appraisal_token": first(AppraisalCampaign.objects.exclude(open_token=""), "open_token", 1),
        "draft_pk": first(ServiceItemVersion.objects.filter(is_draft=True), "pk", 1),
        "accountability_pk": first(Accountability.objects, "pk"),
        "project_pk": first(Project.objects, "pk"),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Demo]:
    keys = tmp_path_factory.mktemp("keys")
    with django_db_blocker.unblock(), override_settings(ONEWINDOW_KEY_DIR=keys), transaction.atomic():
        load_demo(with_cases=True)
        user = get_user_model().objects.create_user(username="leak-scan-applicant", password=None,
                                                    full_name="王小明", phone=APPLICANT_PHONE)
        ApplicantProfile.objects.create(user=user, phone=APPLICANT_PHONE, phone_verified_at=current_time(),
                                        real_name="王小明", id_type="resident_id", id_number=APPLICANT_ID,
                                        created_at=current_time())
        # The applicant's own cases: three demo cases moved to the account, as if submitted online.
        mine = list(Case.objects.filter(region__is_demo=True).order_by("id").values_list("id", flat=True)[:3])
        Case.objects.filter(id__in=mine).update(applicant_account=user)
        # And a bundle application of theirs (一件事), with its children.
        from onewindow.cases.models import BundleApplication

        bundle = BundleApplication.objects.filter(region__is_demo=True).order_by("-id").first()
        if bundle is not None:
            BundleApplication.objects.filter(pk=bundle.pk).update(applicant_account=user)
            bundle.children.update(applicant_account=user)
        _supervise()
        samples = _samples() | _supervision_samples() | _catalog_samples() | _app_samples()
        secrets = [c.applicant_phone for c in Case.objects.filter(id__in=mine) if c.applicant_phone]
        tokens = {role: api_token_issue(username=role).token for role in STAFF_ROLES}
        yield Demo(samples=samples, applicant=user, tokens=tokens, secrets=secrets)
        transaction.set_rollback(True)


def _paths() -> Iterator[tuple[str, list[str]]]:
    """Every URL pattern as (route, parameter names), the admin site left out."""

    def walk(patterns, prefix: str) -> Iterator[tuple[str, list[str]]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                yield route, re.findall(r"<(?:\w+:)?(\w+)>", route)

    yield from walk(get_resolver().url_patterns, "")


# Parameters named alike in different routes but meaning different things.
_ROUTE_PARAMS = {
    "verify/<str:number>": {"number": "certificate"}, "bundles/<str:code>/": {"code": "bundle"},
    "staff/feedback/orders/<int:pk>/": {"pk": "order_pk"},
    "staff/feedback/orders/<int:pk>/phone/": {"pk": "order_pk"},  # POST only: a GET is 405
    "staff/feedback/rectifications/<int:pk>/": {"pk": "rectification_pk"},
    "staff/feedback/notices/<int:pk>/": {"pk": "notice_pk"},
    "open311/v2/requests/<str:request_id>.json": {"request_id": "order_number"},
    "pay/<str:code>/": {"code": "payment_code"}, "pay/<str:code>/notice.pdf": {"code": "payment_code"},
    "pay/local/<str:code>/": {"code": "payment_code"},
    "openness/powers/<str:code>/": {"code": "power_code"},
    "staff/openness/powers/<str:code>/calculator/": {"code": "power_code"},
    "openness/funds/village/<str:code>/": {"code": "village"},
    "openness/publications/<str:number>/": {"number": "publication_number"},
    "staff/openness/publications/<int:pk>/": {"pk": "publication_pk"},
    "staff/openness/requests/<str:number>/": {"number": "request_number"},
    "staff/openness/requests/<str:number>/reply.pdf": {"number": "request_number"},
    "staff/openness/requests/<str:number>/fee.pdf": {"number": "request_number"},
    "staff/openness/funds/<str:code>/": {"code": "fund_code"},
    "staff/openness/enforcement/officers/<int:pk>/revoke/": {"pk": "officer_pk"},  # POST only: a GET is 405
    "staff/openness/enforcement/penalties/<int:pk>/file/": {"pk": "penalty_pk"},  # POST only
    "staff/openness/catalog-reviews/<int:pk>/review/": {"pk": "draft_pk"},  # POST only: a GET is 405
    "staff/openness/catalog-reviews/<int:pk>/publish/": {"pk": "draft_pk"},  # POST only
    "/api/v1/disclosure-requests/{number}": {"number": "request_number"},
    "/api/v1/feedback/{number}": {"number": "order_number"},
    "/api/v1/powers/{code}": {"code": "power_code"},
    "staff/worktasks/plans/<int:pk>/": {"pk": "plan_pk"}, "staff/worktasks/plans/<int:pk>/export.xlsx": {"pk": "plan_pk"},
    "staff/worktasks/plans/<int:pk>/import/": {"pk": "plan_pk"}, "staff/worktasks/tasks/<int:pk>/": {"pk": "task_pk"},
    "staff/worktasks/problems/<int:pk>/": {"pk": "problem_pk"},
    "staff/worktasks/inspections/<int:pk>/checklist/": {"pk": "inspection_pk"},
    "staff/worktasks/plans/<int:pk>/tasks/new/": {"pk": "plan_pk"},
    "staff/worktasks/campaigns/<int:pk>/": {"pk": "campaign_pk"}, "notices/campaigns/<int:pk>/": {"pk": "campaign_pk"},
    "staff/worktasks/campaign-reports/<int:pk>/file/": {"pk": "campaign_report_pk"},
    "staff/worktasks/photos/<int:pk>/": {"pk": "photo_pk"},
    "staff/assessment/<int:pk>/": {"pk": "assessment_pk"},
    # 一件事: a bundle's code, an application's number.
    "online/bundles/<str:code>/apply/": {"code": "bundle"},
    **{route: {"number": "bundle_number"} for route in (
        "online/bundle-applications/<str:number>/", "online/bundle-applications/<str:number>/supplement/",
        "online/bundle-applications/<str:number>/notices/<int:no>/", "staff/bundles/<str:number>/",
        "staff/bundles/<str:number>/review/", "staff/bundles/<str:number>/supplement/",
        "staff/bundles/<str:number>/deliver/", "staff/bundles/<str:number>/notices/<int:no>/",
        "/api/v1/bundles/applications/{number}")},
    "staff/assessment/schemes/<int:pk>/": {"pk": "scheme_pk"},
    "staff/assessment/reports/<int:pk>/": {"pk": "report_pk"},
    "staff/assessment/reports/<int:pk>/pdf/": {"pk": "report_pk"},
    "staff/assessment/reports/<int:pk>/xlsx/": {"pk": "report_pk"},
    "staff/assessment/accountability/<int:pk>/": {"pk": "accountability_pk"},
    "staff/assessment/accountability/<int:pk>/<slug:action>/": {"pk": "accountability_pk"},  # POST only
    "/api/v1/assessments/{assessment_id}": {"assessment_id": "assessment_pk"},
    "staff/appraisal/campaigns/<int:pk>/": {"pk": "appraisal_campaign_pk"},
    "appraisal/open/<str:token>/": {"token": "appraisal_token"},
    "staff/projects/<int:pk>/": {"pk": "project_pk"},
    "/api/v1/projects/{project_id}": {"project_id": "project_pk"},
}


def _fill(route: str, names: list[str], samples: dict[str, list[str]], key: str | None = None) -> list[str] | None:
    """Concrete paths for a route, one per sample (None if a parameter has no sample)."""
    aliases = _ROUTE_PARAMS.get(key or route, {})
    values = []
    for name in names:
        options = samples.get(aliases.get(name, name))
        if not options:
            return None
        values.append(options)
    count = max((len(v) for v in values), default=1)
    paths = []
    for i in range(count):
        path = route
        for name, options in zip(names, values, strict=True):
            path = re.sub(rf"<(?:\w+:)?{name}>", options[i % len(options)], path, count=1)
        paths.append("/" + path)
    return paths


def _client(role: str, demo: Demo) -> Client:
    client = Client()
    if role == "applicant":
        client.force_login(demo.applicant)
    elif role != "anonymous":
        client.force_login(get_user_model().objects.get(username=role))
    return client


def _searches(demo: Demo) -> list[str]:
    """Pages with a search box, asked for a demo case's phone and ID number."""
    case = next(c for c in Case.objects.filter(region__is_demo=True).order_by("id") if c.applicant_phone)
    out = []
    for value in (case.applicant_phone, case.applicant_id_number):
        out += [f"/staff/outbox/?q={value}", f"/search/?q={value}", f"/staff/ledger/?q={value}",
                f"/staff/register/?q={value}"]
    case = Case.objects.get(number=demo.samples["number"][0])
    out += [f"/online/progress/?number={case.number}&code={case.query_code}",
            f"/staff/ledger/?format=xlsx&day={date.today().isoformat()}", "/staff/supervision/export.xlsx",
            "/staff/register/?format=xlsx"]
    return out


@dataclass
class Scan:
    fetched: int = 0
    leaks: list[str] = field(default_factory=list)
    unfilled: set[str] = field(default_factory=set)

    def check(self, client: Client, path: str, role: str, **headers: str) -> None:
        response = client.get(path, **headers)
        assert response.status_code < 500, f"{role} GET {path}: {response.status_code}"
        self.fetched += 1
        text = _text_of(response)
        # What the request itself typed may come back (a search box keeps its query): an echo
        # discloses nothing the asker did not have. Anything else is a leak.
        for typed in parse_qs(urlsplit(path).query).values():
            for value in typed:
                text = text.replace(value, "") if text and len(value) >= 11 else text
        if text and (found := leaks_in(text)):
            self.leaks.append(f"{role} GET {path} [{response.status_code}]: {sorted(set(found))[:3]}")


@pytest.fixture
def scan_settings(settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "PUBLIC_RATE_LIMIT": "100000/m", "PROGRESS_RATE_LIMIT": "100000/m"}
    cache.clear()


@pytest.mark.parametrize("role", ROLES)
def test_no_page_or_api_answer_carries_a_full_id_or_phone(demo, db, scan_settings, role):
    scan = Scan()
    client = _client(role, demo)
    for route, names in _paths():
        if _SKIPPED.match(route) or route.startswith("api/"):
            continue
        paths = _fill(route, names, demo.samples)
        if paths is None:
            scan.unfilled.add(route)
            continue
        for path in paths:
            scan.check(client, path, role)
    for path in _searches(demo):
        scan.check(client, path, role)

    # The API: every GET operation of the OpenAPI document, with the role's token if staff.
    headers = {"HTTP_AUTHORIZATION": f"Bearer {demo.tokens[role]}"} if role in demo.tokens else {}
    api = Client()
    schema = api.get("/api/v1/openapi.json").json()
    case = Case.objects.get(number=demo.samples["number"][0])
    query = {"number": case.number, "code": case.query_code, "region": case.region.code, "start": date.today().isoformat(),
             "days": "5", "kind": "working"}
    for route, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        names = re.findall(r"{(\w+)}", route)
        paths = _fill(re.sub(r"{(\w+)}", r"<\1>", route.removeprefix("/")), names, demo.samples, key=route)
        if paths is None:
            scan.unfilled.add(route)
            continue
        required = [p["name"] for p in operations["get"].get("parameters", [])
                    if p.get("in") == "query" and p.get("required")]
        suffix = "&".join(f"{n}={query[n]}" for n in required if n in query)
        for path in paths:
            scan.check(api, f"{path}?{suffix}" if suffix else path, role, **headers)

    assert scan.fetched > 60
    assert not scan.leaks, "\n".join(scan.leaks)
    # Every route with parameters is filled but these: POST-only actions (``<action>``), binary
    # downloads, scans and online uploads (the demo has none), and the single-use rating links
    # (their token exists only in the SMS).
    unfillable = {route for route in scan.unfilled if re.search(r"<\w+:action>|{action}", route)}
    assert scan.unfilled - unfillable <= {
        "staff/cases/<str:number>/scans/<int:scan_id>/", "online/uploads/<int:pk>/", "online/uploads/<int:pk>/remove/",
        "items/<str:code>/v<int:version>/files/<int:order>/<str:kind>/", "online/apply/<str:code>/materials/<int:index>/",
        "rate/<str:token>/", "openness/topics/<int:pk>/second/"}, scan.unfilled  # seconding: POST only


def test_the_scan_finds_what_it_looks_for():
    assert leaks_in("身份证 11010519491231002X，电话 13800000000") == ["11010519491231002X", "13800000000"]
    assert leaks_in("110***********002X 138****0000 9901212026000001 11010519491231002Y") == []
    assert leaks_in("<v>46361.13897294192</v>") == []  # a spreadsheet date-time, not a phone
