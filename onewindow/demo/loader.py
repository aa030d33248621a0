"""Install the demo counties (云溪县 and the small 青禾县, fictional) from ``data/organization.yaml`` and ``data/catalog.yaml``.

The organization goes through :mod:`onewindow.organization.services` and the catalog through the
catalog importer, so the demo obeys every rule real data obeys. Everything is idempotent: a second
run finds each row already as the files describe it and changes nothing. Grants that name an item
are made after the catalog is in, because they need the item. With ``with_cases`` the county then
gets its case load (:mod:`onewindow.demo.cases`), once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from onewindow.catalog.models import Bundle, ServiceItem
from onewindow.catalog.services import ImportReport, catalog_import_file
from onewindow.organization import services
from onewindow.organization.models import Department, Posting, Region, Staff, Window

from .cases import DemoCaseReport, load_demo_cases
from .errors import DemoDataError

DATA_DIR = Path(__file__).resolve().parent / "data"
ORGANIZATION_FORMAT = "onewindow-organization/1"

# The logins the README lists, in the order it lists them.
MAIN_LOGINS = ("clerk", "reviewer", "chief", "admin", "supervisor", "agent")
# The second demo county's (青禾县) logins for the same roles, same password.
SECOND_COUNTY_LOGINS = ("qh.clerk", "qh.reviewer", "qh.chief", "qh.admin", "qh.supervisor", "qh.agent")


@dataclass
class DemoReport:
    """What the demo county holds after loading (counted from the database, demo regions only)."""

    regions: int
    departments: int
    windows: int
    staff: int
    items: int
    instant: int
    joint: int
    bundles: int
    created_staff: list[str] = field(default_factory=list)
    skipped_staff: list[str] = field(default_factory=list)  # user names already taken by non-demo accounts
    catalog: ImportReport | None = None
    cases: DemoCaseReport | None = None  # the case load, when asked for
    extras: list[str] = field(default_factory=list)  # one summary line per app's demo (DEMO_EXTRAS)

    def summary(self) -> str:
        """One line in Chinese with every count."""
        return (f"区划{self.regions}个，部门{self.departments}个，窗口{self.windows}个，工作人员{self.staff}名，"
                f"事项{self.items}个（即办件{self.instant}个，联办件{self.joint}个），一件事{self.bundles}个")


def load_demo(*, data_dir: Path = DATA_DIR, with_cases: bool = False, today: date | None = None) -> DemoReport:
    """Load (or re-load, changing nothing) the demo organization, catalog and grants in one transaction.

    ``with_cases`` then gives the county its case load relative to ``today`` (default: today), in a
    transaction of its own; it runs only while the demo regions hold no case (see
    :func:`onewindow.demo.cases.load_demo_cases`). Off by default: it replays about a hundred
    histories, which the tests of the organization and the catalog do not need.
    """
    organization = _read_organization(data_dir / "organization.yaml")
    with transaction.atomic():
        created, skipped = _load_organization(organization)
        catalog_report = catalog_import_file(path=data_dir / "catalog.yaml", actor=None)
        _grant(organization, with_items=True, skipped=set(skipped))
    report = _count()
    report.created_staff, report.skipped_staff, report.catalog = created, skipped, catalog_report
    if with_cases:
        report.cases = load_demo_cases(today=today)
        report.extras = _load_extras(today=today)
    return report


# Apps whose demo records stand on the case load (ratings of concluded cases, bills, queue tickets…).
# Each may ship ``<app>/demo.py`` with ``load_demo(*, today: date | None) -> str`` (idempotent, its
# own transaction, returning one Chinese summary line); an app not installed is skipped.
DEMO_EXTRAS = (
    "onewindow.catalog.demo",  # streamlined items and drafts awaiting legal review (no case touches them)
    "onewindow.feedback.demo",
    "onewindow.fees.demo",
    "onewindow.openness.demo",
    "onewindow.openness.publicity_demo",  # a 低保 case waiting in its publicity period (决定前公示)
    "onewindow.hall.demo",
    "onewindow.worktasks.demo",
    "onewindow.projects.demo",
    "onewindow.demo.bundles",  # after the others: none of them touches its children
    "onewindow.demo.crossing",  # 上报件, 村代办, 容缺, 告知承诺
    "onewindow.exchange.demo",  # the records of every case fact above, for the upper-level platform
    "onewindow.assessment.demo",  # it scores the facts the others recorded
    "onewindow.appraisal.demo",  # after the assessment: it reviews October's published awards
)


def _load_extras(*, today: date | None) -> list[str]:
    """Run each installed app's demo loader, in the order above (later ones may score earlier ones)."""
    from importlib import import_module

    lines = []
    for module in DEMO_EXTRAS:
        try:
            loader = import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module.startswith(exc.name):
                raise
            continue
        lines.append(loader.load_demo(today=today))
    return lines


# --- reading -----------------------------------------------------------------------------------


def _read_organization(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != ORGANIZATION_FORMAT:
        raise DemoDataError(path.name, f"应为 {ORGANIZATION_FORMAT} 格式的映射")
    for key in ("password", "authorizations_valid_from", "regions", "departments", "windows", "staff"):
        if key not in data:
            raise DemoDataError(f"{path.name}: {key}", "缺少该字段")
    return data


def _valid_from(organization: dict[str, Any]) -> date:
    value = organization["authorizations_valid_from"]
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# --- the organization --------------------------------------------------------------------------


def _load_organization(organization: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Regions, departments, windows, staff with their postings, AB posts, department-wide grants.

    Returns the user names created now and those skipped because a non-demo account holds them.
    """
    for region in organization["regions"]:
        services.region_ensure(code=region["code"], name=region["name"],
                               has_center=bool(region.get("has_center", False)), is_demo=True)
    order_in_region: dict[str, int] = {}
    for dept in organization["departments"]:
        # Hall order: the order the file lists a region's departments in.
        order = order_in_region[dept["region"]] = order_in_region.get(dept["region"], 0) + 1
        services.department_ensure(region_code=dept["region"], code=dept["code"], name=dept["name"],
                                   short_name=dept.get("short_name", ""), credit_code=dept.get("credit_code", ""),
                                   order=order)
    for window in organization["windows"]:
        services.window_ensure(region_code=window["region"], number=window["number"], name=window["name"],
                               kind=window.get("kind", Window.Kind.DEDICATED), department_codes=window["departments"],
                               schedule=window.get("schedule", ""))
    created, skipped = _load_staff(organization)
    for pair in organization.get("backup_posts", []):
        if pair["primary"] in skipped or pair["backup"] in skipped:
            continue
        services.backup_post_set(primary=_staff(pair["primary"]), backup=_staff(pair["backup"]))
    _grant(organization, with_items=False, skipped=set(skipped))
    return created, skipped


def _load_staff(organization: dict[str, Any]) -> tuple[list[str], list[str]]:
    User = get_user_model()
    created: list[str] = []
    skipped: list[str] = []
    password_hash: str | None = None  # hashed once, lazily: Argon2 takes a tenth of a second
    for person in organization["staff"]:
        username = person["username"]
        staff = Staff.objects.filter(user__username=username).select_related("region").first()
        if staff is None:
            if User.objects.filter(username=username).exists():
                # Someone (e.g. `createsuperuser admin`) owns the name: never take over a real account.
                skipped.append(username)
                continue
            password_hash = password_hash or make_password(organization["password"])
            staff = services.staff_create(username=username, password=None, password_hash=password_hash,
                                          name=person["name"], employee_number=person["employee_number"],
                                          region_code=person["region"], department_code=person.get("department"),
                                          is_django_staff=bool(person.get("django_staff", False)))
            created.append(username)
        for posting in person.get("postings", []):
            _posting_ensure(staff, posting)
    return created, skipped


def _posting_ensure(staff: Staff, posting: dict[str, Any]) -> None:
    region_code = posting.get("region", staff.region.code)
    department_code, window_number = posting.get("department"), posting.get("window")
    exists = Posting.objects.filter(
        staff=staff, role=posting["role"], region__code=region_code,
        department=Department.objects.filter(region__code=region_code, code=department_code).first()
        if department_code else None,
        window=Window.objects.filter(region__code=region_code, number=window_number).first()
        if window_number else None,
    ).exists()
    if not exists:
        services.posting_add(staff=staff, role=posting["role"], region_code=region_code,
                             department_code=department_code, window_number=window_number)


def _staff(username: str) -> Staff:
    return Staff.objects.select_related("region").get(user__username=username)


# The short name on each demo county's grant documents (云溪政务授〔2024〕1号).
_COUNTY_ISSUERS = {"990121": "云溪", "990123": "青禾"}


def _grant(organization: dict[str, Any], *, with_items: bool, skipped: set[str]) -> None:
    """Department-wide grants (``with_items`` False) or the grants that name one item (True)."""
    valid_from = _valid_from(organization)
    for number, person in enumerate(organization["staff"], start=1):
        if person["username"] in skipped:
            continue
        grants = [g for g in person.get("authorizations", []) if bool(g.get("item")) == with_items]
        if not grants:
            continue
        staff = _staff(person["username"])
        issuer = _COUNTY_ISSUERS.get(staff.region.code[:6], "云溪")
        for grant in grants:
            services.authorization_grant(staff=staff, power=grant["power"], department_code=grant["department"],
                                         item_code=grant.get("item"), valid_from=valid_from,
                                         document_number=f"{issuer}政务授〔{valid_from.year}〕{number}号")


# --- counting ----------------------------------------------------------------------------------


def _count() -> DemoReport:
    items = ServiceItem.objects.filter(region__is_demo=True, is_active=True, current_version__isnull=False)
    return DemoReport(
        regions=Region.objects.filter(is_demo=True).count(),
        departments=Department.objects.filter(region__is_demo=True).count(),
        windows=Window.objects.filter(region__is_demo=True).count(),
        staff=Staff.objects.filter(region__is_demo=True).count(),
        items=items.count(),
        instant=items.filter(current_version__handling_type="instant").count(),
        joint=items.filter(current_version__is_joint=True).count(),
        bundles=Bundle.objects.filter(region__is_demo=True).count(),
    )
