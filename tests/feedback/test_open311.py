"""Open311 GeoReport v2, driven as a GeoReport client drives it: list the services, read one,
file a request with an API key, read it back, follow its status as the center handles it."""

from __future__ import annotations

import pytest

from onewindow.accounts.services import api_token_issue
from onewindow.feedback import services as svc
from onewindow.feedback.models import WorkOrder

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


def test_a_georeport_client_files_and_follows_a_request(client, hall, people):
    services = client.get(f"{BASE}/services.json")
    assert services.status_code == 200
    codes = [s["service_code"] for s in services.json()]
    assert "complaint" in codes
    assert all({"service_code", "service_name", "metadata", "type"} <= set(s) for s in services.json())
    definition = client.get(f"{BASE}/services/complaint.json").json()
    assert definition == {"service_code": "complaint", "attributes": []}
    assert client.get(f"{BASE}/services/nothing.json").status_code == 404

    key = api_token_issue(username=people.admin.user.username).token
    form = {"api_key": key, "service_code": "complaint", "lat": "25.123456", "long": "118.654321",
            "address_string": "云溪县政务服务中心", "description": "窗口午休无人值守", "first_name": "三", "last_name": "张",
            "phone": "13900000004"}
    refused = client.post(f"{BASE}/requests.json", {**form, "api_key": "wrong"})
    assert refused.status_code == 403
    assert refused.json()[0]["code"] == 403
    created = client.post(f"{BASE}/requests.json", form)
    assert created.status_code == 201
    request_id = created.json()[0]["service_request_id"]
    assert WorkOrder.objects.get(number=request_id).source == "open311"

    [one] = client.get(f"{BASE}/requests/{request_id}.json").json()
    assert (one["status"], one["service_code"], one["lat"]) == ("open", "complaint", 25.123456)
    assert "13900000004" not in str(one)
    assert "张三" not in str(one)
    listed = client.get(f"{BASE}/requests.json", {"service_request_id": request_id}).json()
    assert [r["service_request_id"] for r in listed] == [request_id]
    assert request_id in [r["service_request_id"] for r in client.get(f"{BASE}/requests.json?status=open").json()]

    order = WorkOrder.objects.get(number=request_id)
    svc.order_dispatch(order_id=order.id, department_id=hall.dept.id, actor=people.admin)
    svc.order_claim(order_id=order.id, actor=hall.reviewer)
    svc.order_answer(order_id=order.id, answer="已安排午间轮岗", substantiated=True, actor=hall.reviewer)
    [after] = client.get(f"{BASE}/requests/{request_id}.json").json()
    assert (after["status"], after["status_notes"]) == ("closed", "已安排午间轮岗")
    assert after["agency_responsible"] == hall.dept.name
    assert client.get(f"{BASE}/requests.json?status=closed").json()[0]["service_request_id"] == request_id


def test_georeport_errors_have_their_shape(client, people):
    key = api_token_issue(username=people.admin.user.username).token
    no_place = client.post(f"{BASE}/requests.json", {"api_key": key, "service_code": "inquiry", "description": "x"})
    assert no_place.status_code == 400
    assert set(no_place.json()[0]) == {"code", "description"}
    assert client.post(f"{BASE}/requests.json", {"api_key": key, "service_code": "inquiry",
                                                 "address_string": "x"}).status_code == 400
    assert client.get(f"{BASE}/requests/NOPE.json").status_code == 404
    assert client.get(f"{BASE}/requests.json?status=maybe").status_code == 400
    assert client.get(f"{BASE}/requests.json?start_date=yesterday").status_code == 400
