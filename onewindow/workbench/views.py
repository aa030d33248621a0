"""Staff pages: who you are, and the organization you can see."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from onewindow.organization import selectors as org_selectors
from onewindow.organization.permissions import roles_of, staff_of
from onewindow.organization.rules import ROLE_LABELS, Role


@dataclass(frozen=True)
class Link:
    label: str
    url: str


# Pages other parts of the workbench add later; a link appears once its URL name exists, and only
# for the roles that use the page: (URL name, label, roles; None = every staff member).
_ROLE_PAGES: list[tuple[str, object, frozenset[Role] | None]] = [
    ("workbench:organization", _("Organization"), None),
    ("workdays:calculator", _("Working-day calendar"), None),
    ("workdays:publish", _("Publish the holiday calendar"), frozenset({Role.CENTER_ADMIN})),
    ("workbench:agent_day", "我的代办", frozenset({Role.PROXY_AGENT})),
    ("workbench:intake", _("Receive an application"), frozenset({Role.CLERK, Role.PROXY_AGENT})),
    ("workbench:bundle_intake", "一件事收件", frozenset({Role.CLERK, Role.PROXY_AGENT})),
    ("workbench:bundles", "一件事申请", None),
    ("workbench:inbox", _("My cases"), frozenset({Role.CLERK, Role.REVIEWER, Role.CHIEF_REPRESENTATIVE,
                                                  Role.PROXY_AGENT})),
    ("workbench:ledger", _("Daily ledger"), frozenset({Role.CLERK, Role.REVIEWER, Role.CHIEF_REPRESENTATIVE,
                                                       Role.CENTER_ADMIN})),
    ("workbench:register", _("Intake register"), frozenset({Role.CLERK, Role.REVIEWER, Role.CHIEF_REPRESENTATIVE,
                                                            Role.CENTER_ADMIN})),
    ("workbench:retimed", _("Re-timed cases"), None),
    ("workbench:supervision:record", _("My record"), None),
    ("workbench:supervision", _("Supervision"), frozenset({Role.SUPERVISOR, Role.CENTER_ADMIN})),
    ("workbench:outbox", _("Notification outbox"), frozenset({Role.CENTER_ADMIN, Role.SUPERVISOR})),
    ("workbench:exchange", "数据交换", frozenset({Role.CENTER_ADMIN, Role.SUPERVISOR})),
    ("workbench:id_views", "个人信息查看记录", frozenset({Role.SUPERVISOR, Role.CENTER_ADMIN})),
    ("fees:home", "收费与对账", frozenset({Role.CLERK, Role.CHIEF_REPRESENTATIVE, Role.CENTER_ADMIN})),
    ("assessment:list", "绩效考核", frozenset({Role.CENTER_ADMIN, Role.SUPERVISOR, Role.CHIEF_REPRESENTATIVE})),
    ("assessment:schemes", "考核方案", frozenset({Role.CENTER_ADMIN, Role.SUPERVISOR, Role.CHIEF_REPRESENTATIVE})),
    ("assessment:accountabilities", "问责记录", frozenset({Role.CENTER_ADMIN, Role.SUPERVISOR})),
    ("assessment:accountability_mine", "我的问责记录", None),
]


def _links(request: HttpRequest, roles: set[Role]) -> list[Link]:
    links: list[Link] = []
    for name, label, wanted in _ROLE_PAGES:
        if wanted is not None and not roles & wanted:
            continue
        try:
            links.append(Link(str(label), reverse(name)))
        except NoReverseMatch:
            continue
    # The admin is for master data, kept by center administrators (onewindow.organization.scoped_admin).
    if request.user.is_superuser or (request.user.is_staff and Role.CENTER_ADMIN in roles):
        links.append(Link(str(_("Administration")), reverse("admin:index")))
    return links


def _not_staff(request: HttpRequest) -> HttpResponse:
    """A login without a staff record (an applicant, or an account not yet posted)."""
    return render(request, "workbench/not_staff.html", status=403)


class LoginView(auth_views.LoginView):
    """Django's login, with the throttling rule shown on the page (django-axes enforces it)."""

    template_name = "workbench/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        context["lockout_minutes"] = int(settings.AXES_COOLOFF_TIME * 60)
        return context


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Who you are: your postings, windows, roles, authorizations and AB posts."""
    profile = org_selectors.staff_profile(request.user)
    if profile.staff is None:
        return _not_staff(request)
    roles = roles_of(profile.staff)
    windows = [p.window for p in profile.postings if p.window is not None]
    return render(request, "workbench/home.html", {
        "me": profile,
        "roles": [ROLE_LABELS[r] for r in Role if r in roles],
        "windows": list(dict.fromkeys(windows)),
        "links": _links(request, roles),
    })


@require_GET
@login_required
def organization(request: HttpRequest) -> HttpResponse:
    """Departments, windows and staff of the regions the user's postings reach, nothing else."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    return render(request, "workbench/organization.html", {
        "departments": org_selectors.visible_departments(staff),
        "windows": org_selectors.visible_windows(staff),
        "staff_members": org_selectors.visible_staff(staff),
    })
