"""The authorization matrix: every demo role × every URL pattern and API operation × scope, in one table.

One :class:`Row` per URL pattern (by its name, ``namespace:name``) and per OpenAPI operation (by
``METHOD /path``); the admin's hundred-odd model URLs are rows per *kind* (``admin:*_change`` …),
probed on the department table. ``tests/permissions/test_matrix.py`` fails when the URL resolver
or the OpenAPI document has something this table lacks, and exercises every cell on the demo
(云溪县 and 青禾县) — see :mod:`tests.permissions.helpers` for the targets and the outcomes.

**Scopes.** A path with a placeholder naming a record (``{case}``, ``{scan}``, ``{document}``,
``{upload}``, ``{warning}``, ``{order}``, ``{message}``, ``{department}``, and the newer apps'
records of the target case's department listed in ``RECORDS``: a feedback work order, rectification
or bulk notice, a work plan, task, problem, inspection or campaign, a publication, an assessment (its scheme, a report) and
a line to object to, a request for government information and its reply, a bill, an appointment, a
campaign report's file, an inspection photo, a power list version) is tried three times:
on a record of the role's *own* department (for the applicant: their own case), of *another
department* of the same county (for the applicant: somebody else's case), and of the *other
county* — in both directions (云溪县's login on 青禾县's record and 青禾县's on 云溪县's). Its
expectation is then a triple ``(own, other department, other county)``. A path without such a
placeholder is tried once per role and county, with one outcome.

**Outcomes.** ``OK`` means the request passed authorization: a page, a redirect elsewhere than a
login page, or an input refusal (400/405/409/422) of a request the matrix does not fill in — the
action itself is tested by its app. ``DENIED`` 403, ``HIDDEN`` 404 (what another county's record
always answers, so numbers reveal nothing), ``LOGIN`` a redirect to a login page,
``UNAUTHENTICATED`` the API's 401.

**Variants.** A second row with the same key and a ``variant`` probes the same pattern on another
record: a draft's payment code, another center's address, a campaign not yet published, and "no such
…" — a number nobody has, which must answer "not found" (never a 5xx) to whoever may ask.

**Adding an app.** Add one row per URL pattern and API operation of the app below (the test names
the missing ones), with the outcome for each role; use a record placeholder (and add its target
in helpers._placeholders, or helpers._app_records for a newer app's record) when the path names a record
of a department or county.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.permissions.helpers import DENIED, HIDDEN, LOGIN, OK, ROLES, UNAUTHENTICATED

Outcome = str
Cell = Outcome | tuple[Outcome, Outcome, Outcome]  # one outcome, or (own, other department, other county)

STAFF = ("clerk", "reviewer", "chief", "admin", "supervisor", "agent")
SCOPED = (OK, HIDDEN, HIDDEN)  # only what the role's postings reach
COUNTY = (OK, OK, HIDDEN)  # the whole county (center administrators, supervisors)
NOWHERE = (HIDDEN, HIDDEN, HIDDEN)

# The placeholders that name a record of a department or a county: a path with one is scoped.
RECORDS = ("case", "scan", "document", "upload", "warning", "order", "message", "department",
           "work_order", "work_order_number", "rectification", "rectification_number", "notice", "plan", "task", "problem", "inspection", "campaign",
           "publication", "assessment", "scheme", "report", "disclosure_number", "reply_number", "objection_assessment", "bill",
           "appointment", "campaign_report", "photo", "power_version", "exchange_record", "appraisal_campaign",
           "accountability", "project")


@dataclass(frozen=True)
class Row:
    """One URL pattern or API operation: how to call it and what each role gets."""

    key: str  # "namespace:name", "admin:*_kind", or "METHOD /api/v1/path" as in the OpenAPI document
    method: str
    path: str  # with {placeholders} (see helpers._placeholders)
    expect: dict[str, Cell]
    data: dict[str, Any] = field(default_factory=dict)
    api: bool = False  # staff log in with a bearer token, not the session
    variant: str = ""  # a second row of the same key: another record (a draft's, another center's, none)

    @property
    def scoped(self) -> bool:
        return any("{" + name + "}" in self.path for name in RECORDS)


def who(default: Cell, **roles: Cell) -> dict[str, Cell]:
    """Every role's cell: ``default``, except the roles named."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    return {role: roles.get(role, default) for role in ROLES}


def staff(cell: Cell = OK, *, applicant: Cell = DENIED, anonymous: Cell = LOGIN, **roles: Cell) -> dict[str, Cell]:
    """A staff page: ``cell`` for the staff roles (unless named), a logged-in applicant is told it is
    not for them (403), an anonymous visitor is sent to the staff login."""
    return who(cell, applicant=applicant, anonymous=anonymous, **roles)


def only(cell: Cell, *roles: str, others: Cell = DENIED) -> dict[str, Cell]:
    """A staff page for ``roles`` only (``cell``), 403 for the other staff and the applicant."""
    return staff(others, **dict.fromkeys(roles, cell))


def api_staff(cell: Cell = OK, **roles: Cell) -> dict[str, Cell]:
    """A staff API operation: a token of a staff login, an applicant's session is 403, nobody 401."""
    return who(cell, applicant=DENIED, anonymous=UNAUTHENTICATED, **roles)


PUBLIC = who(OK)
APPLICANT_ONLY = who(DENIED, applicant=OK, anonymous=LOGIN)
# A record of an applicant's case online: theirs only (another's is "not found"); staff are told
# the page is for applicants.
APPLICANT_RECORD = who(DENIED, applicant=SCOPED, anonymous=LOGIN)
# Supervision records: whoever must answer for them (the clerk of the case, the department's chief
# representative), the county's administrators and supervisors; nobody else learns they exist.
WARNING = staff(NOWHERE, clerk=SCOPED, chief=SCOPED, admin=COUNTY, supervisor=COUNTY)
ORDER = staff(NOWHERE, chief=SCOPED, admin=COUNTY, supervisor=COUNTY)
SEEN_NOT_MINE = (DENIED, DENIED, HIDDEN)  # seen in the whole county, but not theirs to act on
# A case of the workbench, by the roles' postings. The demo's ``clerk`` sits at the general window
# 01 (综合窗口), which receives for every department: their postings reach the whole county.
CASE_PAGE = staff(SCOPED, clerk=COUNTY, admin=COUNTY, supervisor=COUNTY)
ADMIN_SITE = who(LOGIN, admin=OK)
# The citizen's voice (feedback/permissions.py): department postings see their departments' work
# orders and rectifications, the general window's clerk and the center the whole county; a proxy
# agent none (no view permission); a login without a staff record is refused (403).
FEEDBACK = staff(SCOPED, clerk=COUNTY, admin=COUNTY, supervisor=COUNTY, agent=NOWHERE)
# Work tasks, problems, inspections and campaigns (worktasks/selectors.py): every staff member of
# the county sees all of them (a task's plan and a problem are the county's, whatever department
# answers for them); a proxy agent none.
WORKTASKS = staff(COUNTY, agent=NOWHERE)
PUBLICATION = staff(SCOPED, clerk=COUNTY, admin=COUNTY, supervisor=COUNTY, agent=NOWHERE)
# Assessments (assessment/selectors.py): the county's center administrators, supervisors and chief
# representatives; anyone else, a login without a staff record included, is told "not found".
ASSESSMENT = staff(NOWHERE, chief=COUNTY, admin=COUNTY, supervisor=COUNTY, applicant=NOWHERE)
API_FEEDBACK = api_staff(SCOPED, clerk=COUNTY, admin=COUNTY, supervisor=COUNTY, agent=NOWHERE)
# Accountability records (assessment/accountability_selectors.py): the county's supervisors and center
# administrators, and the person concerned (none of the matrix's logins: helpers._accountability).
ACCOUNTABILITY = staff(NOWHERE, admin=COUNTY, supervisor=COUNTY, applicant=NOWHERE)
DISCLOSURE = staff(SCOPED, clerk=COUNTY, admin=COUNTY, supervisor=COUNTY, agent=NOWHERE)
DISCLOSURE_EXTEND = staff(SEEN_NOT_MINE, reviewer=(DENIED, HIDDEN, HIDDEN), chief=SCOPED, agent=NOWHERE)
# Bills (fees/views.py::_visible_bills): the postings' regions and departments. The reviewer and the
# chief representative of 市场监管局 work for a department that charges no fee: their "own department"
# target is a bill of the county's 不动产登记 (helpers._bill), which is not theirs either.
BILL = staff(NOWHERE, clerk=COUNTY, admin=COUNTY, supervisor=COUNTY, applicant=NOWHERE)
# Major projects (projects/permissions.py): every staff member of the county reads them, a proxy
# agent none; the assigned proxy (the demo's ``clerk``, both counties) and the chief representatives
# of the responsible departments (工商局's ``chief`` is one) act; administrators and supervisors read.
PROJECTS = staff(COUNTY, agent=NOWHERE)
PROJECT_ACT = staff(SEEN_NOT_MINE, clerk=COUNTY, chief=COUNTY, agent=NOWHERE)
WORKTASKS_OFFICE = staff(SEEN_NOT_MINE, admin=COUNTY, supervisor=COUNTY, agent=NOWHERE)  # plan.manage  # the Django admin: its own login page for everyone without is_staff


ROWS: list[Row] = [
    # --- infrastructure ------------------------------------------------------------------------
    Row("healthz", "GET", "/healthz", PUBLIC),
    Row("set_language", "POST", "/i18n/setlang/", PUBLIC, data={"language": "zh-hans", "next": "/"}),
    Row("api:openapi-json", "GET", "/api/v1/openapi.json", PUBLIC),
    Row("api:openapi-view", "GET", "/api/v1/docs", PUBLIC),
    Row("api:api-root", "GET", "/api/v1/", who(HIDDEN)),
    # --- the public portal and certificate verification ------------------------------------------
    Row("portal:home", "GET", "/", PUBLIC),
    Row("portal:search", "GET", "/search/?q=登记", PUBLIC),
    Row("portal:item", "GET", "/items/{item}/", PUBLIC),
    Row("portal:item_version", "GET", "/items/{item}/v{version}/", PUBLIC),
    Row("portal:material_file", "GET", "/items/{item}/v{version}/files/1/blank/", who(HIDDEN)),
    Row("portal:bundle", "GET", "/bundles/990121-YJS-001/", PUBLIC),
    Row("documents:verify", "GET", "/verify/", PUBLIC),
    Row("documents:verify_number", "GET", "/verify/{certificate}", PUBLIC),
    # --- applicants online -------------------------------------------------------------------------
    Row("online:home", "GET", "/online/", PUBLIC),
    Row("online:register", "GET", "/online/register/", PUBLIC),
    Row("online:login", "GET", "/online/login/", PUBLIC),
    Row("online:logout", "POST", "/online/logout/", PUBLIC),
    Row("online:progress", "GET", "/online/progress/", PUBLIC),
    Row("online:results", "GET", "/online/results/", PUBLIC),
    Row("online:statistics", "GET", "/online/statistics/", PUBLIC),
    Row("online:import_consent", "POST", "/online/import-consent/", APPLICANT_ONLY, data={"consent": "no"}),
    Row("online:apply", "GET", "/online/apply/{item}/", APPLICANT_ONLY),
    Row("online:apply_material", "POST", "/online/apply/{item}/materials/0/", APPLICANT_ONLY),
    # 一件事: the one form is any applicant's; an application is its applicant's only (another
    # number is "not found", scoping tested in tests/crossing/test_bundle_pages.py).
    Row("online:bundle_apply", "GET", "/online/bundles/990121-YJS-001/apply/", APPLICANT_ONLY),
    Row("online:bundle", "GET", "/online/bundle-applications/nosuch/", who(DENIED, applicant=HIDDEN, anonymous=LOGIN)),
    Row("online:bundle_supplement", "POST", "/online/bundle-applications/nosuch/supplement/",
        who(DENIED, applicant=HIDDEN, anonymous=LOGIN)),
    Row("online:bundle_notice", "GET", "/online/bundle-applications/nosuch/notices/1/",
        who(DENIED, applicant=HIDDEN, anonymous=LOGIN)),
    Row("online:cases", "GET", "/online/cases/", APPLICANT_ONLY),
    Row("online:case", "GET", "/online/cases/{case}/", APPLICANT_RECORD),
    Row("online:supplement", "POST", "/online/cases/{case}/supplement/", APPLICANT_RECORD),
    Row("online:withdraw", "POST", "/online/cases/{case}/withdraw/", APPLICANT_RECORD),
    Row("online:document", "GET", "/online/cases/{case}/documents/{document}/", APPLICANT_RECORD),
    # An uploaded file: its applicant, or staff who may see its case.
    Row("online:upload", "GET", "/online/uploads/{upload}/",
        who(SCOPED, clerk=COUNTY, admin=COUNTY, supervisor=COUNTY, anonymous=LOGIN)),
    # Only a draft's file can be removed: one that became part of a case is "not found" to everyone.
    Row("online:upload_remove", "POST", "/online/uploads/{upload}/remove/", who(DENIED, applicant=NOWHERE,
                                                                                   anonymous=LOGIN)),
    # --- the staff workbench -------------------------------------------------------------------------
    Row("workbench:login", "GET", "/staff/login/", PUBLIC),
    Row("workbench:logout", "POST", "/staff/logout/", PUBLIC),
    Row("workbench:home", "GET", "/staff/", staff()),
    Row("workbench:organization", "GET", "/staff/organization/", staff()),
    Row("workbench:inbox", "GET", "/staff/inbox/", only(OK, "clerk", "reviewer", "chief", "agent")),
    Row("workbench:agent_day", "GET", "/staff/agent/", only(OK, "agent")),
    Row("workbench:intake", "GET", "/staff/intake/", only(OK, "clerk", "agent")),
    Row("workbench:intake_items", "GET", "/staff/intake/items/?q=登记", only(OK, "clerk", "agent")),
    Row("workbench:intake_checklist", "GET", "/staff/intake/checklist/?item={item}", only(OK, "clerk", "agent")),
    Row("workbench:ledger", "GET", "/staff/ledger/", only(OK, "clerk", "reviewer", "chief", "admin")),
    Row("workbench:register", "GET", "/staff/register/", only(OK, "clerk", "reviewer", "chief", "admin")),
    Row("workbench:retimed", "GET", "/staff/retimed/", staff()),
    Row("workbench:case", "GET", "/staff/cases/{case}/", CASE_PAGE),
    Row("workbench:case_act", "POST", "/staff/cases/{case}/act/claim/", CASE_PAGE),
    Row("workbench:case_full_id", "POST", "/staff/cases/{case}/full-id/", CASE_PAGE, data={"reason": "核对身份"}),
    Row("workbench:case_scan_add", "POST", "/staff/cases/{case}/scans/", CASE_PAGE),
    Row("workbench:case_scan", "GET", "/staff/cases/{case}/scans/{scan}/", CASE_PAGE),
    Row("documents:staff_pdf", "GET", "/staff/documents/{document}/pdf", {**CASE_PAGE, "applicant": HIDDEN}),
    # 一件事: the window's intake of a bundle; the applications a staff member may see; one
    # application (probed with a number nobody has: its scoping — the lead department's and the
    # children's departments' staff — is tested in tests/crossing/test_bundle_pages.py).
    Row("workbench:bundle_intake", "GET", "/staff/bundle-intake/", only(OK, "clerk", "agent")),
    Row("workbench:bundles", "GET", "/staff/bundles/", staff()),
    Row("workbench:bundle", "GET", "/staff/bundles/nosuch/", staff(HIDDEN)),
    Row("workbench:bundle_review", "POST", "/staff/bundles/nosuch/review/", staff(HIDDEN)),
    Row("workbench:bundle_supplement", "POST", "/staff/bundles/nosuch/supplement/", staff(HIDDEN)),
    Row("workbench:bundle_deliver", "POST", "/staff/bundles/nosuch/deliver/", staff(HIDDEN)),
    Row("workbench:bundle_notice", "GET", "/staff/bundles/nosuch/notices/1/", staff(HIDDEN)),
    Row("workbench:outbox", "GET", "/staff/outbox/", only(OK, "admin", "supervisor")),
    # Supervisors read the outbox but retry nothing; another region's message is 404 to everyone.
    Row("workbench:outbox_retry", "POST", "/staff/outbox/{message}/retry/",
        {**only((OK, OK, HIDDEN), "admin"), "supervisor": SEEN_NOT_MINE}),
    # The exchange with the upper-level platform: read like the outbox, requeued by administrators.
    Row("workbench:exchange", "GET", "/staff/exchange/", only(OK, "admin", "supervisor")),
    Row("workbench:exchange_record", "GET", "/staff/exchange/{exchange_record}/",
        only((OK, OK, HIDDEN), "admin", "supervisor")),
    Row("workbench:exchange_retry", "POST", "/staff/exchange/{exchange_record}/retry/",
        {**only((OK, OK, HIDDEN), "admin"), "supervisor": SEEN_NOT_MINE}),
    # --- the working-day calendar ----------------------------------------------------------------------
    # The calculator and the calendars are public knowledge: any login may read them.
    Row("workdays:calculator", "GET", "/staff/calendar/", staff(applicant=OK)),
    Row("workdays:year", "GET", "/staff/calendar/{year}/", staff(applicant=OK)),
    Row("workdays:publish", "POST", "/staff/calendar/publish/", only(OK, "admin")),
    # A day of another role's or region's calendar is refused with a message on the year page
    # (302, nothing written: tests/workdays), not with a 403.
    Row("workdays:override_add", "POST", "/staff/calendar/override/", staff(OK, applicant=OK),
        data={"region": "990121000000", "day": "2030-01-02", "kind": "holiday", "name": "矩阵"}),
    Row("workdays:override_remove", "POST", "/staff/calendar/override/remove/", staff(OK, applicant=OK),
        data={"region": "990121000000", "day": "2030-01-02"}),
    # --- electronic supervision ---------------------------------------------------------------------------
    Row("workbench:supervision", "GET", "/staff/supervision/", only(OK, "admin", "supervisor")),
    Row("workbench:supervision:dashboard_export", "GET", "/staff/supervision/export.xlsx",
        only(OK, "admin", "supervisor")),
    Row("workbench:supervision:warnings", "GET", "/staff/supervision/warnings/", only(OK, "admin", "supervisor")),
    Row("workbench:supervision:warning", "GET", "/staff/supervision/warnings/{warning}/", WARNING),
    Row("workbench:supervision:warning_acknowledge", "POST", "/staff/supervision/warnings/{warning}/acknowledge/",
        {**WARNING, "admin": SEEN_NOT_MINE, "supervisor": SEEN_NOT_MINE}, data={"note": "已知悉"}),
    Row("workbench:supervision:warning_close_out", "POST", "/staff/supervision/warnings/{warning}/close-out/",
        {**WARNING, "clerk": (DENIED, HIDDEN, HIDDEN), "chief": (DENIED, HIDDEN, HIDDEN), "admin": SEEN_NOT_MINE},
        data={"note": "已处理"}),
    Row("workbench:supervision:orders", "GET", "/staff/supervision/orders/", only(OK, "chief", "admin", "supervisor")),
    Row("workbench:supervision:order_issue", "POST", "/staff/supervision/orders/issue/", only(OK, "supervisor"),
        data={"department": "{department}", "subject": "矩阵督办", "requirement": "请说明"}),
    Row("workbench:supervision:order", "GET", "/staff/supervision/orders/{order}/", ORDER),
    Row("workbench:supervision:order_act", "POST", "/staff/supervision/orders/{order}/reply/",
        {**ORDER, "admin": SEEN_NOT_MINE, "supervisor": SEEN_NOT_MINE},
        data={"explanation": "说明", "measures": "措施"}),
    Row("workbench:supervision:efficiency", "GET", "/staff/supervision/efficiency-warnings/",
        only(OK, "admin", "supervisor")),
    # Refused as incomplete (302 with a message) before any role check: tests/supervision has the roles.
    Row("workbench:supervision:efficiency_issue", "POST", "/staff/supervision/efficiency-warnings/issue/",
        staff(OK)),
    Row("workbench:supervision:indicators", "GET", "/staff/supervision/indicators/", only(OK, "admin", "supervisor")),
    Row("workbench:supervision:record", "GET", "/staff/supervision/record/", staff()),
    Row("workbench:supervision:settings", "GET", "/staff/supervision/settings/", only(OK, "admin")),
    # --- the Django admin (master data), per kind of URL, probed on the department table ------------------
    Row("admin:index", "GET", "/admin/", ADMIN_SITE),
    Row("admin:login", "GET", "/admin/login/", PUBLIC),
    Row("admin:logout", "POST", "/admin/logout/", PUBLIC),
    Row("admin:password_change", "GET", "/admin/password_change/", ADMIN_SITE),
    Row("admin:password_change_done", "GET", "/admin/password_change/done/", ADMIN_SITE),
    Row("admin:jsi18n", "GET", "/admin/jsi18n/", ADMIN_SITE),
    Row("admin:autocomplete", "GET", "/admin/autocomplete/", who(LOGIN, admin=DENIED)),
    Row("admin:view_on_site", "GET", "/admin/r/1/1/", who(LOGIN, admin=HIDDEN)),
    Row("admin:app_list", "GET", "/admin/organization/", ADMIN_SITE),
    Row("admin:*_changelist", "GET", "/admin/organization/department/", ADMIN_SITE),
    Row("admin:*_add", "GET", "/admin/organization/department/add/", ADMIN_SITE),
    Row("admin:*_change", "GET", "/admin/organization/department/{department}/change/", who(LOGIN, admin=COUNTY)),
    Row("admin:*_delete", "GET", "/admin/organization/department/{department}/delete/",
        who(LOGIN, admin=COUNTY)),
    Row("admin:*_history", "GET", "/admin/organization/department/{department}/history/",
        who(LOGIN, admin=COUNTY)),
    # Django's redirect from <object id>/ to <object id>/change/, for any id: the change view decides.
    Row("admin:*/<object_id>/", "GET", "/admin/organization/department/{department}/", who(LOGIN, admin=OK)),
    Row("admin:*_password_change", "GET", "/admin/accounts/user/1/password/", who(LOGIN, admin=DENIED)),
    # --- the API: public operations ---------------------------------------------------------------------
    Row("GET /api/v1/items", "GET", "/api/v1/items", PUBLIC, api=True),
    Row("GET /api/v1/items/{code}", "GET", "/api/v1/items/{item}", PUBLIC, api=True),
    Row("GET /api/v1/calendar/deadline", "GET", "/api/v1/calendar/deadline", PUBLIC, api=True),
    Row("GET /api/v1/certificates/verify", "GET", "/api/v1/certificates/verify?number={certificate}", PUBLIC,
        api=True),
    Row("GET /api/v1/public/progress", "GET", "/api/v1/public/progress", PUBLIC, api=True),
    # --- the API: staff operations --------------------------------------------------------------------------
    Row("GET /api/v1/organization/me", "GET", "/api/v1/organization/me", api_staff(), api=True),
    Row("GET /api/v1/organization/departments", "GET", "/api/v1/organization/departments", api_staff(), api=True),
    Row("GET /api/v1/organization/windows", "GET", "/api/v1/organization/windows", api_staff(), api=True),
    Row("GET /api/v1/organization/staff", "GET", "/api/v1/organization/staff", api_staff(), api=True),
    Row("POST /api/v1/cases", "POST", "/api/v1/cases", api_staff(), api=True),
    Row("POST /api/v1/cases/import", "POST", "/api/v1/cases/import", api_staff(), api=True),
    Row("GET /api/v1/cases/{number}", "GET", "/api/v1/cases/{case}",
        api_staff(SCOPED, clerk=COUNTY, admin=COUNTY, supervisor=COUNTY), api=True),
    Row("POST /api/v1/cases/{number}/actions/{action}", "POST", "/api/v1/cases/{case}/actions/claim",
        api_staff(SCOPED, clerk=COUNTY, admin=COUNTY, supervisor=COUNTY), api=True),
    # 一件事 (tests/crossing/test_bundles_api.py has who may see which application).
    Row("POST /api/v1/bundles/{code}/applications", "POST", "/api/v1/bundles/990121-YJS-001/applications",
        api_staff(), api=True),  # an empty body is refused (422) before anything is taken in
    Row("GET /api/v1/bundles/applications/{number}", "GET", "/api/v1/bundles/applications/nosuch",
        api_staff(HIDDEN), api=True),
    Row("POST /api/v1/bundles/applications/{number}/deliver", "POST", "/api/v1/bundles/applications/nosuch/deliver",
        api_staff(HIDDEN), data={"method": "window"}, api=True),
    Row("GET /api/v1/supervision/warnings", "GET", "/api/v1/supervision/warnings",
        api_staff(DENIED, admin=OK, supervisor=OK), api=True),
    Row("GET /api/v1/supervision/indicators", "GET", "/api/v1/supervision/indicators", api_staff(), api=True),
    Row("GET /api/v1/supervision/orders", "GET", "/api/v1/supervision/orders", api_staff(), api=True),
    # --- new apps: feedback, openness, fees, hall, the ID view log ------------------------------------
    # Their records are scoped like a case's (helpers._app_records): real records of the demo, in both
    # counties. Public things (a power, a village, a payment code …) are real ones of 云溪县
    # (helpers._public_records). A row with a variant "no such …" probes a number nobody has: "not
    # found" for everyone who may ask, never a 5xx.
    Row("workbench:id_views", "GET", "/staff/id-views/", only(OK, "admin", "supervisor")),
    Row("workbench:feedback:inbox", "GET", "/staff/feedback/", staff()),
    Row("workbench:feedback:order_new", "GET", "/staff/feedback/orders/new/", staff()),
    Row("workbench:feedback:order", "GET", "/staff/feedback/orders/{work_order}/", FEEDBACK),
    # An action the order's state or the role does not allow is refused with a message on the order
    # page (302): tests/feedback has who may do which.
    Row("workbench:feedback:order_act", "POST", "/staff/feedback/orders/{work_order}/act/accept/", FEEDBACK),
    Row("workbench:feedback:rectifications", "GET", "/staff/feedback/rectifications/", staff()),
    Row("workbench:feedback:rectification", "GET", "/staff/feedback/rectifications/{rectification}/", FEEDBACK),
    # Verifying a bad rating is the responsible department's (reviewer, chief representative); the
    # others who see it are refused (403).
    Row("workbench:feedback:rectification_act", "POST", "/staff/feedback/rectifications/{rectification}/act/verify/",
        {**FEEDBACK, "clerk": SEEN_NOT_MINE, "admin": SEEN_NOT_MINE, "supervisor": SEEN_NOT_MINE},
        data={"note": "矩阵核实"}),
    Row("workbench:feedback:import", "GET", "/staff/feedback/import/", staff()),
    Row("workbench:feedback:pad", "GET", "/staff/feedback/pad/", staff()),
    Row("workbench:feedback:hot", "GET", "/staff/feedback/hot/", staff()),
    # The caller's full phone (a recorded reveal): department staff and the center call back;
    # supervisors read the order masked (403).
    Row("workbench:feedback:order_phone", "POST", "/staff/feedback/orders/{work_order}/phone/",
        {**FEEDBACK, "supervisor": SEEN_NOT_MINE}, data={"reason": "contact"}),
    # Bulk notices: every staff member sees the list (the draft form only where they may draft).
    Row("workbench:feedback:notices", "GET", "/staff/feedback/notices/", staff()),
    Row("workbench:feedback:notice", "GET", "/staff/feedback/notices/{notice}/", FEEDBACK),
    # Approving the text is a chief representative's or the center's (the second person), whatever its state.
    Row("workbench:feedback:notice_act", "POST", "/staff/feedback/notices/{notice}/act/approve/",
        {**FEEDBACK, "clerk": SEEN_NOT_MINE, "reviewer": (DENIED, HIDDEN, HIDDEN), "supervisor": SEEN_NOT_MINE}),
    # A rating link whose token does not verify is refused as input (400), for a number nobody has.
    Row("feedback_public:rate", "GET", "/rate/nosuchtoken/", PUBLIC),
    Row("feedback_public:rate_case", "GET", "/rate-case/", PUBLIC),
    Row("feedback_public:results", "GET", "/ratings/results/", PUBLIC),
    Row("feedback_public:answers", "GET", "/feedback/answers/", PUBLIC),
    Row("feedback_public:open311_services", "GET", "/open311/v2/services.json", PUBLIC),
    Row("feedback_public:open311_service", "GET", "/open311/v2/services/{open311_service}.json", PUBLIC),
    Row("feedback_public:open311_service", "GET", "/open311/v2/services/nosuch.json", who(HIDDEN),
        variant="no such service"),
    Row("feedback_public:open311_requests", "GET", "/open311/v2/requests.json", PUBLIC),
    Row("feedback_public:open311_request", "GET", "/open311/v2/requests/{open311_request}.json", PUBLIC),
    Row("feedback_public:open311_request", "GET", "/open311/v2/requests/nosuch.json", who(HIDDEN),
        variant="no such request"),
    Row("openness:public_index", "GET", "/openness/", PUBLIC),
    Row("openness:public_file", "GET", "/openness/requests/new/", PUBLIC),
    Row("openness:public_filed", "GET", "/openness/requests/filed/", PUBLIC),
    Row("openness:public_status", "GET", "/openness/requests/status/", PUBLIC),
    # The reply of a request, to whoever has its number and query code (the applicant); none given, none found.
    Row("openness:public_reply_pdf", "POST", "/openness/requests/reply.pdf", PUBLIC,
        data={"number": "{public_reply_number}", "code": "{public_reply_code}"}),
    Row("openness:public_reply_pdf", "POST", "/openness/requests/reply.pdf", who(HIDDEN), variant="no number given"),
    Row("openness:public_fee_pdf", "POST", "/openness/requests/fee.pdf", who(HIDDEN)),
    Row("openness:public_powers", "GET", "/openness/powers/", PUBLIC),
    Row("openness:public_power", "GET", "/openness/powers/{power_code}/", PUBLIC),
    Row("openness:public_power", "GET", "/openness/powers/nosuch/", who(HIDDEN), variant="no such power"),
    Row("openness:public_funds", "GET", "/openness/funds/", PUBLIC),
    Row("openness:village", "GET", "/openness/funds/village/{village}/", PUBLIC),
    Row("openness:village", "GET", "/openness/funds/village/nosuch/", who(HIDDEN), variant="no such village"),
    # Anyone may dispute a published entry (here rolled back); an entry nobody has is not found.
    Row("openness:public_dispute", "POST", "/openness/funds/entries/{fund_entry}/dispute/", PUBLIC,
        data={"reason": "矩阵测试：发放金额与公示标准不符"}),
    Row("openness:public_dispute", "POST", "/openness/funds/entries/999999/dispute/", who(HIDDEN),
        data={"reason": "矩阵测试：发放金额与公示标准不符"}, variant="no such entry"),
    Row("openness:public_publications", "GET", "/openness/publications/", PUBLIC),
    Row("openness:public_publication", "GET", "/openness/publications/{publication_number}/", PUBLIC),
    Row("openness:public_publication", "GET", "/openness/publications/nosuch/", who(HIDDEN),
        variant="no such publication"),
    Row("openness:public_topics", "GET", "/openness/topics/", PUBLIC),
    Row("openness:public_second", "POST", "/openness/topics/{topic}/second/", PUBLIC),
    Row("openness:public_second", "POST", "/openness/topics/999999/second/", who(HIDDEN), variant="no such topic"),
    Row("openness:public_catalogue", "GET", "/openness/catalogue/", PUBLIC),
    Row("openness:public_officers", "GET", "/openness/enforcement/officers/", PUBLIC),
    Row("openness:staff_topics", "GET", "/staff/openness/topics/", staff()),
    Row("openness:staff_schedule", "GET", "/staff/openness/publications/", staff()),
    # The audit of disclosure quality: supervision.view (supervisors, center administrators).
    Row("openness:staff_quality", "GET", "/staff/openness/quality/", only(OK, "admin", "supervisor")),
    # A department's publications (openness/publication_selectors.py): its postings, the general
    # window's clerk and the center; publishing is the named reviewer's (others: refused as input, 400).
    Row("openness:staff_publication", "GET", "/staff/openness/publications/{publication}/", PUBLICATION),
    Row("openness:staff_publication_act", "POST", "/staff/openness/publications/{publication}/act/publish/",
        PUBLICATION),
    Row("openness:staff_funds", "GET", "/staff/openness/funds/", staff()),
    # A fund's payment timeliness: the funds of the regions the postings reach (fund_selectors.fund_for).
    Row("openness:staff_fund", "GET", "/staff/openness/funds/nosuch/", staff(HIDDEN)),
    # Enforcement registers (openness/enforcement_selectors.py): every staff page lists what the postings
    # reach (a proxy agent: nothing); revoking a certificate is the center's, recording and filing the
    # department's — probed with a number nobody has, their scoping is in tests/openness/test_enforcement.py.
    Row("openness:staff_officers", "GET", "/staff/openness/enforcement/officers/", staff()),
    Row("openness:staff_officer_revoke", "POST", "/staff/openness/enforcement/officers/999999/revoke/",
        staff(HIDDEN)),
    Row("openness:staff_inspections", "GET", "/staff/openness/enforcement/inspections/", staff()),
    Row("openness:staff_penalties", "GET", "/staff/openness/enforcement/penalties/", staff()),
    Row("openness:staff_penalty_file", "POST", "/staff/openness/enforcement/penalties/999999/file/", staff(HIDDEN)),
    Row("openness:staff_powers", "GET", "/staff/openness/powers/", staff()),
    # A power list version of the staff member's own county (openness/power_selectors.versions_for: one not
    # yet in force is that county's business); a township's proxy agent reaches none.
    Row("openness:staff_powers_export", "GET", "/staff/openness/powers/export/{power_version}/",
        staff(COUNTY, agent=NOWHERE)),
    Row("openness:staff_powers_export", "GET", "/staff/openness/powers/export/999999/", staff(HIDDEN),
        variant="no such version"),
    # The discretion calculator works on the published standards of a power in force: any staff member.
    Row("openness:staff_calculator", "GET", "/staff/openness/powers/{power_code}/calculator/", staff()),
    Row("openness:staff_calculator", "GET", "/staff/openness/powers/nosuch/calculator/", staff(HIDDEN),
        variant="no such power"),
    Row("openness:staff_list", "GET", "/staff/openness/requests/", staff()),
    Row("openness:staff_new", "GET", "/staff/openness/requests/new/", staff()),
    # Requests for government information (openness/selectors.py): the department's postings, the
    # county's clerk and center; never a proxy agent (openness.selectors.REQUEST_ROLES: the requester's
    # identity is the agencies' business); an extension is the chief representative's (others who see it: 403).
    Row("openness:staff_request", "GET", "/staff/openness/requests/{disclosure_number}/", DISCLOSURE),
    Row("openness:staff_act", "POST", "/staff/openness/requests/{disclosure_number}/act/extend/", DISCLOSURE_EXTEND,
        data={"workdays": "5", "reason": "矩阵测试"}),
    Row("openness:staff_reply_pdf", "GET", "/staff/openness/requests/{reply_number}/reply.pdf", DISCLOSURE),
    Row("openness:staff_reply_pdf", "GET", "/staff/openness/requests/nosuch/reply.pdf", staff(HIDDEN),
        variant="no such request"),
    Row("openness:staff_fee_pdf", "GET", "/staff/openness/requests/nosuch/fee.pdf", staff(HIDDEN)),
    Row("openness:staff_report", "GET", "/staff/openness/report/", staff()),
    # Catalog governance (openness/streamlining_views.py): the streamlining report and the legal review
    # queue are the center's and the supervisors'; a draft's review and publication are probed with a
    # number nobody has (scoping and refusals: tests/openness/test_streamlining.py, tests/catalog/test_governance.py).
    Row("openness:staff_streamlining", "GET", "/staff/openness/streamlining/", only(OK, "admin", "supervisor")),
    # Recording a streamlining change is catalog.edit (center administrators): others 403; the matrix's
    # empty form is an input refusal (a redirect with the message) for the center.
    Row("openness:staff_streamlining_record", "POST", "/staff/openness/streamlining/record/", only(OK, "admin")),
    Row("openness:staff_streamlining_export", "GET", "/staff/openness/streamlining.xlsx",
        only(OK, "admin", "supervisor")),
    Row("openness:staff_catalog_reviews", "GET", "/staff/openness/catalog-reviews/", only(OK, "admin", "supervisor")),
    Row("openness:staff_catalog_review", "POST", "/staff/openness/catalog-reviews/999999/review/", staff(HIDDEN),
        data={"decision": "approve", "opinion": "矩阵测试"}),
    Row("openness:staff_catalog_publish", "POST", "/staff/openness/catalog-reviews/999999/publish/", staff(HIDDEN)),
    # Fees: a login without a staff record is "not found" (fees/views.py::_staff).
    Row("fees:home", "GET", "/staff/fees/", staff(applicant=HIDDEN)),
    Row("fees:cashier", "GET", "/staff/fees/cashier/", staff(applicant=HIDDEN)),
    Row("fees:case", "GET", "/staff/fees/cases/{case}/", staff(SCOPED, clerk=COUNTY, admin=COUNTY,
                                                                 supervisor=COUNTY, applicant=HIDDEN)),
    Row("fees:bill", "GET", "/staff/fees/bills/{bill}/", BILL),
    Row("fees:bill", "GET", "/staff/fees/bills/999999/", staff(HIDDEN, applicant=HIDDEN), variant="no such bill"),
    Row("fees:bill_pdf", "GET", "/staff/fees/bills/{bill}/notice.pdf", BILL),
    # An action the role may not take, or its form left empty, is refused on the bill page (400).
    Row("fees:bill_act", "POST", "/staff/fees/bills/{bill}/cancel/", BILL),
    Row("fees:reconciliations", "GET", "/staff/fees/reconciliations/", staff(applicant=HIDDEN)),
    # A day's reconciliation is the finance officer's (the center administrator's posting): the bank
    # statement lists the payments of every department (fees/selectors.reconciliation_for).
    Row("fees:reconciliation", "GET", "/staff/fees/reconciliations/{reconciliation_day}/",
        staff(HIDDEN, admin=OK, applicant=HIDDEN)),
    Row("fees:reconciliation", "GET", "/staff/fees/reconciliations/2000-01-01/", staff(HIDDEN, applicant=HIDDEN),
        variant="a day not reconciled"),
    Row("fees:ledger", "GET", "/staff/fees/ledger.xlsx", staff(applicant=HIDDEN)),
    # The payment page of an issued bill is anyone's who holds its code (the notice's QR code, the SMS);
    # a draft's code and a code nobody has are not found.
    Row("fees:pay", "GET", "/pay/{payment_code}/", PUBLIC),
    Row("fees:pay", "GET", "/pay/{draft_payment_code}/", who(HIDDEN), variant="a draft's code"),
    Row("fees:pay", "GET", "/pay/nosuch/", who(HIDDEN), variant="no such code"),
    Row("fees:pay_pdf", "GET", "/pay/{payment_code}/notice.pdf", PUBLIC),
    Row("fees:local_pay", "GET", "/pay/local/{payment_code}/", PUBLIC),
    # The hall: the kiosk and the screens of a center are public; the window needs a staff record.
    Row("hall:kiosk", "GET", "/hall/990121000000/kiosk/", PUBLIC),
    Row("hall:screen", "GET", "/hall/990121000000/screen/", PUBLIC),
    Row("hall:screen_board", "GET", "/hall/990121000000/screen/board/", PUBLIC),
    # The center's public notices: hours, leader on duty, reception days, the staff identity board.
    Row("hall:center", "GET", "/hall/990121000000/", PUBLIC),
    Row("hall:staff_board", "GET", "/hall/990121000000/staff-board/", PUBLIC),
    Row("hall:window_card", "GET", "/hall/990121000000/staff-board/01/", PUBLIC),
    # The photo of a staff member on today's board (hall/selectors.board_photo_staff): public; under
    # another center's address, or for a number nobody has, not found.
    Row("hall:staff_photo", "GET", "/hall/990121000000/staff-board/photo/{board_number}/", PUBLIC),
    Row("hall:staff_photo", "GET", "/hall/990123000000/staff-board/photo/{board_number}/", who(HIDDEN),
        variant="another center"),
    Row("hall:staff_photo", "GET", "/hall/990121000000/staff-board/photo/999999/", who(HIDDEN),
        variant="no such number"),
    # The center administrator publishes the hours and keeps the leaders' rota and reception days.
    Row("hall_staff:hours", "GET", "/staff/hall/hours/", only(OK, "admin")),
    Row("hall_staff:duty", "GET", "/staff/hall/duty/", only(OK, "admin")),
    Row("hall_staff:duty_act", "POST", "/staff/hall/duty/set/", only(OK, "admin")),
    Row("hall_staff:in_place", "GET", "/staff/hall/in-place/", only(OK, "admin", "supervisor")),
    Row("hall_staff:meetings", "GET", "/staff/hall/meetings/", only(OK, "admin")),
    # The window staff roster and its rotation (轮岗): the center administrator keeps them.
    Row("hall_staff:roster", "GET", "/staff/hall/roster/", only(OK, "admin")),
    Row("hall_staff:roster_cell", "POST", "/staff/hall/roster/cell/", only(OK, "admin")),
    Row("hall_staff:roster_rotate", "GET", "/staff/hall/roster/rotate/", only(OK, "admin")),
    # The hall dashboard and the capacity simulation: who supervises or administers the center.
    Row("hall_staff:dashboard", "GET", "/staff/hall/", only(OK, "admin", "supervisor")),
    Row("hall_staff:simulate", "GET", "/staff/hall/simulate/", only(OK, "admin", "supervisor")),
    Row("hall_staff:window", "GET", "/staff/hall/window/", staff(applicant=HIDDEN)),
    Row("hall_staff:window_act", "POST", "/staff/hall/window/call/", staff(applicant=HIDDEN)),
    # --- the API: the new apps' operations ----------------------------------------------------------------
    Row("GET /api/v1/cases", "GET", "/api/v1/cases", api_staff(), api=True),
    Row("GET /api/v1/cases/{number}/bills", "GET", "/api/v1/cases/{case}/bills",
        api_staff(SCOPED, clerk=COUNTY, admin=COUNTY, supervisor=COUNTY), api=True),
    # With a well-formed body (no lines), so the case is looked up before the bill is refused as input.
    # Only clerks and chief representatives issue bills (fees/permissions.py): the others are refused on a
    # case they can see, and told nothing of one they cannot.
    Row("POST /api/v1/cases/{number}/bills", "POST", "/api/v1/cases/{case}/bills",
        api_staff(SCOPED, clerk=COUNTY, reviewer=(DENIED, HIDDEN, HIDDEN), agent=(DENIED, HIDDEN, HIDDEN),
                  admin=SEEN_NOT_MINE, supervisor=SEEN_NOT_MINE),
        data={"lines": [], "confirm": False}, api=True),
    Row("GET /api/v1/reconciliations/{day}", "GET", "/api/v1/reconciliations/{reconciliation_day}",
        api_staff(HIDDEN, admin=OK), api=True),
    Row("GET /api/v1/reconciliations/{day}", "GET", "/api/v1/reconciliations/2000-01-01", api_staff(HIDDEN),
        api=True, variant="a day not reconciled"),
    Row("POST /api/v1/reconciliations", "POST", "/api/v1/reconciliations", api_staff(), api=True),
    # A provider's callback proves itself by its signature (an unsigned one is refused as input); an
    # unknown provider is not found.
    Row("POST /api/v1/payments/callback/{provider}", "POST", "/api/v1/payments/callback/local", PUBLIC, api=True),
    Row("POST /api/v1/payments/callback/{provider}", "POST", "/api/v1/payments/callback/nosuch", who(HIDDEN),
        api=True, variant="no such provider"),
    Row("GET /api/v1/appointments/slots", "GET", "/api/v1/appointments/slots", PUBLIC, api=True),
    Row("POST /api/v1/appointments", "POST", "/api/v1/appointments", PUBLIC, api=True),
    # Cancelling is the booker's (their ID number in the body), with or without a login; another ID
    # number is refused, an unknown booking is not found.
    Row("POST /api/v1/appointments/{appointment_id}/cancel", "POST", "/api/v1/appointments/{appointment}/cancel",
        PUBLIC, data={"id_number": "{appointment_id_number}"}, api=True),
    Row("POST /api/v1/appointments/{appointment_id}/cancel", "POST", "/api/v1/appointments/{appointment}/cancel",
        who(DENIED), data={"id_number": "110101198001010000"}, api=True, variant="another's ID number"),
    Row("POST /api/v1/appointments/{appointment_id}/cancel", "POST", "/api/v1/appointments/999999/cancel",
        who(HIDDEN), data={"id_number": "110101198001010000"}, api=True, variant="no such booking"),
    # Checking in is for the staff of the appointment's center (hall/appointment_services): not its day
    # (409, input); another center's is not found, as is one nobody has.
    Row("POST /api/v1/appointments/{appointment_id}/check-in", "POST", "/api/v1/appointments/{appointment}/check-in",
        api_staff(COUNTY, agent=NOWHERE), api=True),
    Row("POST /api/v1/appointments/{appointment_id}/check-in", "POST", "/api/v1/appointments/999999/check-in",
        api_staff(HIDDEN), api=True, variant="no such booking"),
    Row("GET /api/v1/queue/board", "GET", "/api/v1/queue/board", PUBLIC, api=True),
    Row("POST /api/v1/queue/tickets", "POST", "/api/v1/queue/tickets", api_staff(), api=True),
    # A window of the caller's own center (the township's for the proxy agent); not signed in there: 409.
    Row("POST /api/v1/queue/windows/{code}/call-next", "POST", "/api/v1/queue/windows/01/call-next", api_staff(),
        api=True),
    Row("POST /api/v1/queue/windows/{code}/call-next", "POST", "/api/v1/queue/windows/nosuch/call-next",
        api_staff(HIDDEN), api=True, variant="no such window"),
    Row("GET /api/v1/ratings", "GET", "/api/v1/ratings", api_staff(), api=True),
    Row("POST /api/v1/ratings", "POST", "/api/v1/ratings", PUBLIC, api=True),
    Row("POST /api/v1/ratings/follow-up", "POST", "/api/v1/ratings/follow-up", PUBLIC, api=True),
    Row("GET /api/v1/feedback/{number}", "GET", "/api/v1/feedback/{work_order_number}", API_FEEDBACK, api=True),
    Row("POST /api/v1/feedback", "POST", "/api/v1/feedback", api_staff(), api=True),
    Row("POST /api/v1/feedback/import", "POST", "/api/v1/feedback/import", api_staff(), api=True),
    # Signing for an order is the department's (feedback/permissions.py ORDER_HANDLE): the center and
    # the supervisors who see it are refused.
    Row("POST /api/v1/feedback/{number}/actions/{action}", "POST", "/api/v1/feedback/{work_order_number}/actions/claim",
        {**API_FEEDBACK, "admin": SEEN_NOT_MINE, "supervisor": SEEN_NOT_MINE}, api=True),
    Row("GET /api/v1/disclosure-requests/{number}", "GET", "/api/v1/disclosure-requests/{disclosure_number}",
        {**DISCLOSURE, "applicant": DENIED, "anonymous": UNAUTHENTICATED}, api=True),
    Row("POST /api/v1/disclosure-requests", "POST", "/api/v1/disclosure-requests", api_staff(), api=True),
    Row("POST /api/v1/disclosure-requests/{number}/actions/{action}", "POST",
        "/api/v1/disclosure-requests/{disclosure_number}/actions/extend",
        {**DISCLOSURE_EXTEND, "applicant": DENIED, "anonymous": UNAUTHENTICATED},
        data={"workdays": 5, "reason": "矩阵测试"}, api=True),
    Row("GET /api/v1/powers", "GET", "/api/v1/powers", PUBLIC, api=True),
    Row("GET /api/v1/powers/{code}", "GET", "/api/v1/powers/{power_code}", PUBLIC, api=True),
    Row("GET /api/v1/powers/{code}", "GET", "/api/v1/powers/nosuch", who(HIDDEN), api=True, variant="no such power"),
    Row("GET /api/v1/public/funds", "GET", "/api/v1/public/funds", PUBLIC, api=True),
    Row("POST /api/v1/public/funds/lookup", "POST", "/api/v1/public/funds/lookup", PUBLIC, api=True),
    Row("GET /api/v1/publications", "GET", "/api/v1/publications", PUBLIC, api=True),
    # Work tasks, problems and inspections (worktasks): staff pages; an unknown record is not found.
    Row("workbench:worktasks:home", "GET", "/staff/worktasks/", staff()),
    Row("workbench:worktasks:plan", "GET", "/staff/worktasks/plans/{plan}/", WORKTASKS),
    Row("workbench:worktasks:plan_export", "GET", "/staff/worktasks/plans/{plan}/export.xlsx", WORKTASKS),
    # Without a file: refused with a message on the plan page (302) once the plan is found.
    Row("workbench:worktasks:plan_import", "POST", "/staff/worktasks/plans/{plan}/import/", WORKTASKS),
    Row("workbench:worktasks:task", "GET", "/staff/worktasks/tasks/{task}/", WORKTASKS),
    # A report the role may not make is refused with a message on the task page (302).
    Row("workbench:worktasks:task_act", "POST", "/staff/worktasks/tasks/{task}/act/report/", WORKTASKS),
    Row("workbench:worktasks:problems", "GET", "/staff/worktasks/problems/", staff()),
    Row("workbench:worktasks:problem", "GET", "/staff/worktasks/problems/{problem}/", WORKTASKS),
    Row("workbench:worktasks:problem_act", "POST", "/staff/worktasks/problems/{problem}/act/assign/", WORKTASKS),
    Row("workbench:worktasks:checklist", "GET", "/staff/worktasks/inspections/{inspection}/checklist/", WORKTASKS),
    # Create pages: the office creates plans, campaigns and inspections; problems also the chiefs.
    Row("workbench:worktasks:plan_new", "POST", "/staff/worktasks/plans/new/", only(OK, "admin", "supervisor")),
    Row("workbench:worktasks:task_new", "GET", "/staff/worktasks/plans/{plan}/tasks/new/", WORKTASKS_OFFICE),
    Row("workbench:worktasks:problem_new", "POST", "/staff/worktasks/problems/new/",
        only(OK, "chief", "admin", "supervisor")),
    Row("workbench:worktasks:inspection_new", "POST", "/staff/worktasks/inspections/new/",
        only(OK, "admin", "supervisor")),
    Row("workbench:worktasks:campaigns", "GET", "/staff/worktasks/campaigns/", staff()),
    Row("workbench:worktasks:campaign_new", "POST", "/staff/worktasks/campaigns/new/", only(OK, "admin", "supervisor")),
    Row("workbench:worktasks:campaign", "GET", "/staff/worktasks/campaigns/{campaign}/", WORKTASKS),
    Row("workbench:worktasks:campaign_act", "POST", "/staff/worktasks/campaigns/{campaign}/act/submit/", WORKTASKS),
    # A campaign's report file and an inspection's photo: the county's staff, as their records
    # (stored sealed, served decrypted as an attachment).
    Row("workbench:worktasks:report_file", "GET", "/staff/worktasks/campaign-reports/{campaign_report}/file/",
        WORKTASKS),
    Row("workbench:worktasks:report_file", "GET", "/staff/worktasks/campaign-reports/999999/file/", staff(HIDDEN),
        variant="no such report"),
    Row("workbench:worktasks:photo", "GET", "/staff/worktasks/photos/{photo}/", WORKTASKS),
    Row("workbench:worktasks:photo", "GET", "/staff/worktasks/photos/999999/", staff(HIDDEN),
        variant="no such photo"),
    # The public notice of a campaign: anyone; one not yet published (青禾县's, scheduled) is not found.
    Row("worktasks_public:notices", "GET", "/notices/campaigns/", PUBLIC),
    Row("worktasks_public:notice", "GET", "/notices/campaigns/{published_campaign}/", PUBLIC),
    Row("worktasks_public:notice", "GET", "/notices/campaigns/{scheduled_campaign}/", who(HIDDEN),
        variant="not yet published"),
    Row("worktasks_public:notice", "GET", "/notices/campaigns/999999/", who(HIDDEN), variant="no such campaign"),
    # Major projects (重点项目): staff pages and the read-only API.
    Row("workbench:projects:list", "GET", "/staff/projects/", staff()),
    Row("workbench:projects:new", "GET", "/staff/projects/new/", only(OK, "admin")),
    Row("workbench:projects:quarter", "GET", "/staff/projects/quarter/", staff()),
    Row("workbench:projects:quarter_export", "GET", "/staff/projects/quarter/export.xlsx", staff()),
    Row("workbench:projects:detail", "GET", "/staff/projects/{project}/", PROJECTS),
    Row("workbench:projects:detail", "GET", "/staff/projects/999999/", staff(HIDDEN), variant="no such project"),
    Row("workbench:projects:act", "POST", "/staff/projects/{project}/act/link/", PROJECT_ACT),
    Row("GET /api/v1/projects", "GET", "/api/v1/projects", api_staff(), api=True),
    Row("GET /api/v1/projects/{project_id}", "GET", "/api/v1/projects/{project}",
        api_staff(COUNTY, agent=NOWHERE), api=True),
    Row("GET /api/v1/work-tasks", "GET", "/api/v1/work-tasks", api_staff(), api=True),
    Row("POST /api/v1/work-tasks", "POST", "/api/v1/work-tasks", api_staff(), api=True),
    # The report of the task's lead unit (the department placeholder), by whoever may report for it
    # (worktasks TASK_REPORT: the unit's postings, the center); the county's other staff see the task.
    Row("POST /api/v1/work-tasks/{task_id}/reports", "POST", "/api/v1/work-tasks/{task}/reports",
        api_staff(COUNTY, reviewer=(OK, DENIED, HIDDEN), chief=(OK, DENIED, HIDDEN), supervisor=SEEN_NOT_MINE,
                  agent=NOWHERE),
        data={"department": "{department}", "text": "矩阵测试进展", "progress": 10}, api=True),
    Row("GET /api/v1/problems", "GET", "/api/v1/problems", api_staff(), api=True),
    Row("POST /api/v1/problems", "POST", "/api/v1/problems", api_staff(), api=True),
    # Assigning is the office's and the chiefs' (PROBLEM_MANAGE); every staff member of the county sees it.
    Row("POST /api/v1/problems/{problem_id}/actions/{action}", "POST", "/api/v1/problems/{problem}/actions/assign",
        api_staff(SEEN_NOT_MINE, chief=COUNTY, admin=COUNTY, supervisor=COUNTY, agent=NOWHERE), api=True),
    Row("GET /api/v1/inspections", "GET", "/api/v1/inspections", api_staff(), api=True),
    Row("POST /api/v1/inspections", "POST", "/api/v1/inspections", api_staff(), api=True),
    # Assessment: staff pages and API; an unknown assessment is not found.
    Row("assessment:list", "GET", "/staff/assessment/", staff()),
    # Schemes: read by those assessed and those who assess; defined by the center administrator.
    Row("assessment:schemes", "GET", "/staff/assessment/schemes/", staff()),
    Row("assessment:scheme", "GET", "/staff/assessment/schemes/{scheme}/", ASSESSMENT),
    Row("assessment:scheme_new", "GET", "/staff/assessment/schemes/new/", only(OK, "admin")),
    # Reports: read and issued by whoever reads the region's assessments (an empty annual request is
    # refused with a message, 302).
    Row("assessment:reports", "GET", "/staff/assessment/reports/", staff()),
    Row("assessment:report_annual", "POST", "/staff/assessment/reports/annual/", staff()),
    Row("assessment:report", "GET", "/staff/assessment/reports/{report}/", ASSESSMENT),
    Row("assessment:report_pdf", "GET", "/staff/assessment/reports/{report}/pdf/", ASSESSMENT),
    Row("assessment:report_xlsx", "GET", "/staff/assessment/reports/{report}/xlsx/", ASSESSMENT),
    Row("assessment_public:summary", "GET", "/assessment/", PUBLIC),
    Row("assessment:detail", "GET", "/staff/assessment/{assessment}/", ASSESSMENT),
    # Publishing is the administrator's: a chief or a supervisor is refused with a message (302).
    Row("assessment:action", "POST", "/staff/assessment/{assessment}/publish/", ASSESSMENT),
    # 问责: the region's list (others are sent to their own records, 302), their own records, the
    # supervisors' proposal (an incomplete form is refused with a message, 302), one record and its actions.
    Row("assessment:accountabilities", "GET", "/staff/assessment/accountability/", staff()),
    Row("assessment:accountability_mine", "GET", "/staff/assessment/accountability/mine/", staff()),
    Row("assessment:accountability_propose", "POST", "/staff/assessment/accountability/new/", staff()),
    Row("assessment:accountability", "GET", "/staff/assessment/accountability/{accountability}/", ACCOUNTABILITY),
    # Deciding is the administrator's: a supervisor is refused with a message (302).
    Row("assessment:accountability_action", "POST", "/staff/assessment/accountability/{accountability}/decide/",
        ACCOUNTABILITY, data={"note": "矩阵测试"}),
    # 效能监测点与特邀监督员: the region's supervisors and administrators read the register and the year's
    # activity; registering is the administrator's (a supervisor is refused with a message, 302; the
    # matrix's empty form is refused alike). The public form needs no login (its number and code do).
    Row("assessment:monitors", "GET", "/staff/assessment/monitors/", only(OK, "admin", "supervisor")),
    Row("assessment:monitor_register", "POST", "/staff/assessment/monitors/new/", staff()),
    Row("assessment:monitor_report", "GET", "/staff/assessment/monitors/report/?year=2026",
        only(OK, "admin", "supervisor")),
    Row("assessment_public:observe", "GET", "/monitoring/", PUBLIC),
    Row("GET /api/v1/assessments", "GET", "/api/v1/assessments?period=2026-11&subject=window", api_staff(), api=True),
    Row("GET /api/v1/assessments/{assessment_id}", "GET", "/api/v1/assessments/{assessment}",
        api_staff(NOWHERE, chief=COUNTY, admin=COUNTY, supervisor=COUNTY), api=True),
    # An objection is a head's of the line's department (assessment/services.objection_raise): another
    # department's line is refused, and so are the center and the supervisors who see the assessment.
    Row("POST /api/v1/assessments/{assessment_id}/objections", "POST",
        "/api/v1/assessments/{objection_assessment}/objections",
        api_staff(NOWHERE, chief=(OK, DENIED, HIDDEN), admin=SEEN_NOT_MINE, supervisor=SEEN_NOT_MINE),
        data={"line_id": "{objection_line}", "reason": "矩阵测试：该项扣分依据不足"}, api=True),
    Row("POST /api/v1/assessments/{assessment_id}/objections", "POST", "/api/v1/assessments/999999/objections",
        api_staff(HIDDEN), data={"line_id": 1, "reason": "矩阵测试"}, api=True, variant="no such assessment"),
    # Appraisal (appraisal/selectors.py): campaigns, award reviews, the exposure board, commitments and
    # the training roster are read like the assessments (their lists show what the role reaches);
    # every write is the center administrator's, refused before any input is read (a bare POST of the
    # administrator is an input refusal, 400). A campaign of another county is not found.
    Row("appraisal:home", "GET", "/staff/appraisal/", staff()),
    Row("appraisal:campaigns", "GET", "/staff/appraisal/campaigns/", staff()),
    Row("appraisal:campaigns", "POST", "/staff/appraisal/campaigns/", only(OK, "admin"), variant="create"),
    Row("appraisal:campaign", "GET", "/staff/appraisal/campaigns/{appraisal_campaign}/", ASSESSMENT),
    Row("appraisal:campaign_action", "POST", "/staff/appraisal/campaigns/{appraisal_campaign}/close/",
        staff(NOWHERE, chief=SEEN_NOT_MINE, admin=COUNTY, supervisor=SEEN_NOT_MINE, applicant=NOWHERE)),
    Row("appraisal:awards", "GET", "/staff/appraisal/awards/", staff()),
    Row("appraisal:awards", "POST", "/staff/appraisal/awards/", only(OK, "admin"), variant="review"),
    Row("appraisal:exposures", "GET", "/staff/appraisal/exposures/", staff()),
    Row("appraisal:exposures", "POST", "/staff/appraisal/exposures/", only(OK, "admin"), variant="record"),
    Row("appraisal:commitments", "GET", "/staff/appraisal/commitments/", staff()),
    Row("appraisal:commitments", "POST", "/staff/appraisal/commitments/", only(OK, "admin"), variant="check"),
    Row("appraisal:training", "GET", "/staff/appraisal/training/", staff()),
    Row("appraisal:training", "POST", "/staff/appraisal/training/", only(OK, "admin"), variant="record"),
    # The work diary is the window staff's own: anyone else is told it is not theirs to write.
    Row("appraisal:diary", "GET", "/staff/appraisal/diary/", staff()),
    Row("appraisal:diary", "POST", "/staff/appraisal/diary/", only(OK, "clerk"), variant="write"),
    Row("appraisal_public:answer", "GET", "/appraisal/", PUBLIC),
    Row("appraisal_public:open", "GET", "/appraisal/open/{appraisal_token}/", PUBLIC),
    Row("appraisal_public:exposures", "GET", "/exposure/", PUBLIC),
    Row("appraisal_public:commitments", "GET", "/commitments/", PUBLIC),
    # Rectifications of bad ratings through the API (feedback).
    Row("GET /api/v1/rectifications/{number}", "GET", "/api/v1/rectifications/{rectification_number}", API_FEEDBACK,
        api=True),
    Row("POST /api/v1/rectifications/{number}/actions/{action}", "POST",
        "/api/v1/rectifications/{rectification_number}/actions/verify",
        {**API_FEEDBACK, "clerk": SEEN_NOT_MINE, "admin": SEEN_NOT_MINE, "supervisor": SEEN_NOT_MINE},
        data={"note": "矩阵核实"}, api=True),
]
