"""Run by ``bench/http.py`` in the server's environment: prints, as JSON, what the simulated users
of ``bench/locust/hall.py`` need from the demo database (never imported by the application)."""

from __future__ import annotations

import json

import django

django.setup()

from onewindow.cases.models import Case  # noqa: E402
from onewindow.cases.selectors import case_for  # noqa: E402
from onewindow.catalog.models import ServiceItem  # noqa: E402
from onewindow.core.errors import DomainError  # noqa: E402
from onewindow.organization.models import Staff  # noqa: E402

VALID_ID = "11010519491231002X"  # a GB 11643 example number with a valid check character


def visible(username: str, numbers: list[str]) -> list[str]:
    staff = Staff.objects.get(user__username=username)
    seen = []
    for number in numbers:
        try:
            case_for(staff, number)
        except DomainError:
            continue
        seen.append(number)
    return seen


def submissions(username: str) -> list[dict]:
    """Window submissions of items the clerk may accept, every material received."""
    from onewindow.workbench.selectors import intake_item  # the clerk's own grants decide

    staff = Staff.objects.get(user__username=username)
    bodies = []
    for code in ServiceItem.objects.filter(current_version__isnull=False).values_list("implementation_code", flat=True):
        item = intake_item(staff, code)
        if item is None or item.current_version.handling_type == "instant":
            continue
        bodies.append({
            "item_code": item.implementation_code, "window_number": "01",
            "applicant": {"kind": "person", "name": "压测申请人", "id_type": "resident_id", "id_number": VALID_ID,
                          "phone": "13800000000"},
            "materials": [{"name": n, "state": "received"}
                          for n in item.current_version.materials.values_list("name", flat=True)]})
        if len(bodies) == 5:
            break
    return bodies


numbers = list(Case.objects.order_by("id").values_list("number", flat=True))
print(json.dumps({
    # The guides a citizen can open: items in use (a cancelled item's guide is a 404).
    "items": list(ServiceItem.objects.filter(is_active=True, current_version__isnull=False)
                  .values_list("implementation_code", flat=True)[:100]),
    "queries": ["营业执照", "低保", "个体工商户", "医师", "道路", "出生", "婚姻登记", "不动产"],
    "progress": list(Case.objects.order_by("id").values_list("number", "query_code")[:50]),
    "clerk_cases": visible("clerk", numbers)[:50],
    "reviewer_cases": visible("reviewer", numbers)[:50],
    "submissions": submissions("clerk"),
}, ensure_ascii=False))
