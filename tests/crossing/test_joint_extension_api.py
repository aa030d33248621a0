"""The joint extension through ``POST /api/v1/cases/{number}/actions/{action}``: each action, each
refusal a clear 4xx naming the rule, nothing half-written; the staff case page offers the forms."""

from __future__ import annotations

import pytest

from onewindow.cases.models import Case
from tests.cases.api_helpers import Api

from .helpers import build_joint, joint_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def joint(hall):
    return build_joint(hall)


def test_request_and_approve_through_the_api(client, joint):
    case = joint_case(joint, recent=True)
    path = f"/cases/{case.number}/actions"
    chief, head = Api(client, joint.hall.chief), Api(client, joint.head)
    r = chief.post(f"{path}/grant_extension", {"workdays": 5, "reason": "复杂"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "extension.joint_needs_government_head"
    r = chief.post(f"{path}/request_joint_extension", {"workdays": 16, "reason": "复杂"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "clock.extension_beyond_cap"
    assert r.json()["error"]["field"] == "workdays"
    r = chief.post(f"{path}/request_joint_extension", {"workdays": 12})
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "reason"
    r = chief.post(f"{path}/request_joint_extension", {"workdays": 12, "reason": "两部门意见需协调"})
    assert r.status_code == 200
    assert r.json()["extension_requested_days"] == 12
    r = chief.post(f"{path}/approve_joint_extension", {"workdays": 12, "reason": "同意"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden.case.approve_joint_extension"
    r = Api(client, joint.other_head).post(f"{path}/approve_joint_extension", {"workdays": 12, "reason": "同意"})
    assert r.status_code == 404  # another county's case is not even there for them
    statutory = r_before = Case.objects.get(pk=case.pk).statutory_due
    r = head.post(f"{path}/approve_joint_extension", {"workdays": 12, "reason": "同意", "expected_version": 0})
    assert r.status_code == 409
    r = head.post(f"{path}/approve_joint_extension", {"workdays": 12, "reason": "两部门意见需协调"})
    assert r.status_code == 200
    assert r.json()["extension_requested_days"] is None
    assert r.json()["statutory_due"] > statutory.isoformat() == r_before.isoformat()
    r = head.post(f"{path}/approve_joint_extension", {"workdays": 3, "reason": "再延"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "clock.extension_twice"
    timeline = head.get(f"/cases/{case.number}").json()["timeline"]
    granted = [e for e in timeline if e["kind"] == "extension_granted"]
    assert granted[0]["payload"]["approver"] == "xianzhang"


def test_decline_through_the_api_and_the_non_joint_refusal(client, joint, hall):
    case = joint_case(joint, recent=True)
    path = f"/cases/{case.number}/actions"
    head = Api(client, joint.head)
    r = head.post(f"{path}/decline_joint_extension", {"reason": "不同意"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "extension.not_requested"
    Api(client, hall.reviewer).post(f"{path}/request_joint_extension", {"workdays": 5, "reason": "复杂"})
    r = head.post(f"{path}/decline_joint_extension", {"reason": "期限内可以办结"})
    assert r.status_code == 200
    assert r.json()["extension_requested_days"] is None
    other = Api(client, hall.clerk).post("/cases", {
        "item_code": hall.item.implementation_code, "window_number": "01",
        "applicant": {"kind": "person", "name": "张三", "id_type": "resident_id", "id_number": "11010519491231002X"},
        "materials": [{"name": n, "state": "received"} for n in ("申请书", "营业执照副本", "场所证明")]}).json()
    Api(client, hall.clerk).post(f"/cases/{other['number']}/actions/accept", {})
    r = Api(client, hall.reviewer).post(f"/cases/{other['number']}/actions/request_joint_extension",
                                        {"workdays": 5, "reason": "复杂"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "extension.not_joint"


def test_the_openapi_schema_lists_the_new_actions(client, joint):
    schema = client.get("/api/v1/openapi.json").json()
    names = set(schema["components"]["schemas"])
    assert {"RequestJointExtensionIn", "ApproveJointExtensionIn", "DeclineJointExtensionIn"} <= names


def test_the_staff_case_page_shows_the_government_head_the_approval_form(client, joint):
    case = joint_case(joint, recent=True)
    Api(client, joint.hall.chief).post(f"/cases/{case.number}/actions/request_joint_extension",
                                       {"workdays": 10, "reason": "两部门意见需协调"})
    client.force_login(joint.head.user)
    page = client.get(f"/staff/cases/{case.number}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "批准联办件延期" in body
    assert "不同意联办件延期" in body
    r = client.post(f"/staff/cases/{case.number}/act/approve_joint_extension/",
                    {"workdays": "10", "reason": "两部门意见需协调",
                     "expected_version": str(Case.objects.get(pk=case.pk).row_version)})
    assert r.status_code == 302
    assert Case.objects.get(pk=case.pk).events.filter(kind="extension_granted").exists()
    # The chief representative is told why granting a joint extension is not theirs.
    client.force_login(joint.hall.chief.user)
    body = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert "本级人民政府负责人批准" in body
