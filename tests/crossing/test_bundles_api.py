"""The bundle API: ``POST /api/v1/bundles/{code}/applications`` (idempotent), ``GET
/api/v1/bundles/applications/{number}``, the one delivery, and a child's parent in ``GET
/api/v1/cases/{number}``; every refusal a clear 4xx naming its field, documented in the schema."""

from __future__ import annotations

import pytest

from onewindow.cases.models import BundleApplication, Case
from tests.cases.api_helpers import Api
from tests.cases.helpers import VALID_ID

from .helpers import COMPANY, PERSONAL_SHOP, RESTAURANT, build_restaurant, settle_child

pytestmark = pytest.mark.django_db

PATH = f"/bundles/{RESTAURANT}/applications"


@pytest.fixture
def world(hall):
    return build_restaurant(hall)


def _body(**overrides) -> dict:
    body = {
        "applicant": {"kind": "person", "name": "张三", "id_type": "resident_id", "id_number": VALID_ID,
                      "phone": "13800000000"},
        "situations": [PERSONAL_SHOP],
        "materials": [{"name": n, "state": "received"}
                      for n in ("个体工商户登记申请书", "经营者身份证明", "经营场所证明", "食品经营许可申请书")],
        "window_number": "01",
    }
    body.update(overrides)
    return body


def test_apply_answers_the_parent_and_the_children_once_per_key(client, world):
    clerk = Api(client, world.hall.clerk)
    r = clerk.post(PATH, _body(), key="restaurant-1")
    assert r.status_code == 201
    data = r.json()
    assert data["number"].startswith("990121-2026-Y")
    assert data["status"] == "in_progress"
    assert [c["item_name"] for c in data["children"]] == ["个体工商户设立登记", "食品经营许可证核发"]
    assert {c["status"] for c in data["children"]} == {"submitted"}
    again = clerk.post(PATH, _body(), key="restaurant-1")
    assert (again.status_code, again.json()["number"]) == (201, data["number"])
    assert BundleApplication.objects.count() == 1
    assert Case.objects.count() == 2
    r = clerk.post(PATH, _body(situations=[COMPANY]), key="restaurant-1")
    assert (r.status_code, r.json()["error"]["code"]) == (400, "idempotency_key.reused")


@pytest.mark.parametrize(("path", "body", "status", "code", "field"), [
    ("/bundles/990121-YJS-404/applications", _body(), 404, "bundle.not_found", "code"),
    (PATH, _body(situations=["开网吧的"]), 422, "bundle.situation_unknown", "situations[0]"),
    (PATH, _body(materials=[{"name": "经营场所证明", "state": "received"}]), 422, "bundle.material_required",
     "materials"),
    (PATH, _body(materials=[{"name": "营业执照", "state": "received"}]), 422, "material.unknown", "materials[0].name"),
    (PATH, _body(situations="以个体工商户形式经营的"), 422, "invalid_input", "situations"),
    (PATH, _body(window_number="99"), 404, "window.not_found", "window_number"),
    (PATH, _body(applicant={"kind": "person", "name": "张三", "id_type": "resident_id", "id_number": "123"}), 400,
     "applicant.id_number_invalid", "applicant.id_number"),
])
def test_every_refusal_names_its_field(client, world, path, body, status, code, field):
    r = Api(client, world.hall.clerk).post(path, body)
    assert r.status_code == status, r.json()
    error = r.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert not BundleApplication.objects.exists()


def test_the_required_materials_not_listed_are_named(client, world):
    r = Api(client, world.hall.clerk).post(PATH, _body(materials=[{"name": "经营场所证明", "state": "received"}]))
    assert "个体工商户登记申请书、经营者身份证明、食品经营许可申请书" in r.json()["error"]["message"]


def test_who_may_apply_read_and_deliver(client, world, hall):
    assert Api(client, hall.reviewer).post(PATH, _body()).status_code == 403
    number = Api(client, hall.clerk).post(PATH, _body()).json()["number"]
    assert Api(client, world.food_reviewer).get(f"/bundles/applications/{number}").status_code == 200
    assert Api(client, hall.outsider).get(f"/bundles/applications/{number}").status_code == 404
    r = Api(client, hall.outsider).post(f"/bundles/applications/{number}/deliver", {"method": "window"})
    assert r.status_code == 404


def test_a_child_names_its_parent_and_the_detail_its_history(client, world, hall):
    clerk = Api(client, hall.clerk)
    data = clerk.post(PATH, _body(materials=[{"name": "个体工商户登记申请书", "state": "received"},
                                             {"name": "经营者身份证明", "state": "received"},
                                             {"name": "经营场所证明", "state": "missing"},
                                             {"name": "食品经营许可申请书", "state": "received"}])).json()
    shop, food = (c["number"] for c in data["children"])
    case = clerk.get(f"/cases/{shop}").json()
    assert case["bundle"]["number"] == data["number"]
    assert [c["number"] for c in case["bundle"]["children"]] == [shop, food]
    r = clerk.post(f"/cases/{shop}/actions/request_supplement", {"materials": ["经营场所证明"]})
    assert r.status_code == 200
    assert clerk.get(f"/bundles/applications/{data['number']}").json()["notices"] == []  # the review goes on
    r = clerk.post(f"/cases/{food}/actions/request_supplement", {"materials": ["经营场所 证明"]})
    assert r.status_code == 200
    detail = clerk.get(f"/bundles/applications/{data['number']}").json()
    assert detail["status"] == "awaiting_supplement"
    assert [e["kind"] for e in detail["timeline"]] == ["applied", "child_progress", "child_progress",
                                                       "supplement_notified"]
    assert detail["notices"][0]["number"] == f"{data['number']}-BZ01"
    assert detail["notices"][0]["materials"] == [{"name": "经营场所证明",
                                                  "items": ["个体工商户设立登记", "食品经营许可证核发"]}]
    other = clerk.post("/cases", {"item_code": hall.item.implementation_code, "window_number": "01",
                                  "applicant": _body()["applicant"],
                                  "materials": [{"name": "申请书", "state": "received"}]}).json()
    assert clerk.get(f"/cases/{other['number']}").json()["bundle"] is None


def test_one_delivery_through_the_api(client, world, hall):
    clerk = Api(client, hall.clerk)
    data = clerk.post(PATH, _body()).json()
    path = f"/bundles/applications/{data['number']}/deliver"
    r = clerk.post(path, {"method": "window"})
    assert (r.status_code, r.json()["error"]["code"]) == (400, "bundle.transition_refused.deliver")
    for c in data["children"]:
        settle_child(world, Case.objects.get(number=c["number"]), None)
    r = clerk.post(f"/cases/{data['children'][0]['number']}/actions/deliver", {"method": "window"})
    assert (r.status_code, r.json()["error"]["code"]) == (400, "delivery.bundle_only")
    r = clerk.post(path, {"method": "post"})
    assert (r.status_code, r.json()["error"]["code"]) == (400, "delivery.tracking_required")
    assert clerk.post(path, {}).status_code == 422
    r = clerk.post(path, {"method": "post", "tracking_number": "1100000000001"}, key="deliver-1")
    assert r.status_code == 200
    assert r.json()["status"] == "concluded"
    assert {c["status"] for c in r.json()["children"]} == {"concluded"}
    assert clerk.post(path, {"method": "post", "tracking_number": "1100000000001"}, key="deliver-1").status_code == 200


def test_the_openapi_schema_documents_the_operations_and_their_errors(client, world):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    apply = paths["/api/v1/bundles/{code}/applications"]["post"]
    assert {"201", "400", "403", "404", "422"} <= set(apply["responses"])
    assert "bundle.situation_unknown" in apply["description"]
    assert "bundle.material_required" in apply["description"]
    assert {"200", "404"} <= set(paths["/api/v1/bundles/applications/{number}"]["get"]["responses"])
    assert {"200", "400", "404"} <= set(paths["/api/v1/bundles/applications/{number}/deliver"]["post"]["responses"])
    detail = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["CaseDetailOut"]
    assert "bundle" in detail["properties"]
