"""GET /api/v1/supervision/{warnings,indicators,orders}: staff auth, filters, region scoping."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.accounts.services import api_token_issue
from onewindow.supervision import services as sv
from onewindow.supervision.rules import Code
from tests.cases.helpers import accepted_case, at

from .helpers import start_of

pytestmark = pytest.mark.django_db
BASE = "/api/v1/supervision"


def bearer(staff) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(username=staff.user.username).token}"}


@pytest.fixture
def swept(hall):
    case = accepted_case(hall)
    sv.sweep(now=start_of(date(2026, 10, 10)))  # the stage's yellow
    sv.sweep(now=start_of(date(2026, 10, 20)))  # the promised red (the stage's yellow resolves)
    return case


def test_warnings_need_a_staff_login(client, hall):
    assert client.get(f"{BASE}/warnings").status_code == 401


def test_warnings_filters(client, hall, watchers, swept):
    auth = bearer(watchers.supervisor)
    live = client.get(f"{BASE}/warnings", **auth).json()
    assert [w["rule"] for w in live["results"]] == [Code.PROMISED_OVERDUE]
    assert live["results"][0]["case_number"] == swept.number
    assert live["results"][0]["level"] == "red"
    everything = client.get(f"{BASE}/warnings", {"state": ""}, **auth).json()
    assert everything["count"] == 2
    assert client.get(f"{BASE}/warnings", {"state": "resolved"}, **auth).json()["results"][0]["rule"] == \
        Code.STAGE_OVERDUE
    assert client.get(f"{BASE}/warnings", {"level": "yellow", "state": ""}, **auth).json()["count"] == 1
    assert client.get(f"{BASE}/warnings", {"department": hall.dept.id}, **auth).json()["count"] == 1
    assert client.get(f"{BASE}/warnings", {"region": hall.other_county.code}, **auth).json()["count"] == 0
    assert client.get(f"{BASE}/warnings", {"from": "2026-10-20", "to": "2026-10-20", "state": ""},
                      **auth).json()["count"] == 1
    assert client.get(f"{BASE}/warnings", {"to": "2026-10-09", "state": ""}, **auth).json()["count"] == 0
    bad = client.get(f"{BASE}/warnings", {"level": "purple"}, **auth)
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "level"


def test_warnings_are_region_scoped_and_forbidden_to_clerks(client, hall, watchers, swept):
    assert client.get(f"{BASE}/warnings", **bearer(watchers.other_supervisor)).json()["count"] == 0
    assert client.get(f"{BASE}/warnings", **bearer(watchers.city_supervisor)).json()["count"] == 1
    response = client.get(f"{BASE}/warnings", **bearer(hall.clerk))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden.supervision.view"


def test_indicators_of_a_department(client, hall, watchers, swept):
    response = client.get(f"{BASE}/indicators", {"unit": "department", "id": hall.dept.id, "from": "2026-09-01",
                                                 "to": "2026-10-31"}, **bearer(watchers.supervisor))
    assert response.status_code == 200
    body = response.json()
    by_code = {i["code"]: i for i in body["indicators"]}
    assert by_code["accepted"]["value"] == 1
    assert by_code["red_warnings"]["value"] == 1
    assert by_code["on_time_rate"]["value"] is None
    assert by_code["on_time_rate"]["definition"]
    region = client.get(f"{BASE}/indicators", {"unit": "region", "id": hall.county.code, "from": "2026-09-01",
                                               "to": "2026-10-31"}, **bearer(watchers.supervisor)).json()
    assert region["name"] == hall.county.name
    hidden = client.get(f"{BASE}/indicators", {"unit": "department", "id": hall.dept.id, "from": "2026-09-01",
                                               "to": "2026-10-31"}, **bearer(watchers.other_supervisor))
    assert hidden.status_code == 404
    missing = client.get(f"{BASE}/indicators", {"unit": "department", "id": hall.dept.id},
                         **bearer(watchers.supervisor))
    assert missing.status_code == 422


def test_orders(client, hall, watchers):
    order = sv.order_issue(department_id=hall.dept.id, subject="超时", requirement="说明", actor=watchers.supervisor,
                           at=at(2026, 10, 20))
    body = client.get(f"{BASE}/orders", **bearer(watchers.supervisor)).json()
    assert [o["number"] for o in body["results"]] == [order.number]
    assert body["results"][0]["reply_due"] == "2026-10-27"
    assert client.get(f"{BASE}/orders", {"state": "closed"}, **bearer(watchers.supervisor)).json()["count"] == 0
    assert client.get(f"{BASE}/orders", **bearer(hall.chief)).json()["count"] == 1
    assert client.get(f"{BASE}/orders", **bearer(watchers.other_supervisor)).json()["count"] == 0


def test_the_openapi_document_lists_the_supervision_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {f"{BASE}/warnings", f"{BASE}/indicators", f"{BASE}/orders"} <= set(paths)
