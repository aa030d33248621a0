"""Issue 13, defect 8: the case API's timeline never carries a full ID number or phone number.

The case row masks the applicant's ID; the ``submitted`` event's payload used to carry it in full
(and the phone), on a path that records no full-ID view. The full value is shown only through the
case page's full-ID view, which records who looked (``IdView``).
"""

from __future__ import annotations

import json

import pytest

from onewindow.accounts.services import api_token_issue
from onewindow.cases.disclosure import masked_payload
from onewindow.workbench.models import IdView
from tests.cases.helpers import VALID_ID

pytestmark = pytest.mark.django_db

AGENT_ID = "110105199003071239"
PHONE = "13800000000"


def _submit(client, staff, hall):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(username=staff.user.username).token}"}
    body = {"item_code": hall.item.implementation_code, "window_number": "01",
            "applicant": {"kind": "person", "name": "张三", "id_type": "resident_id", "id_number": VALID_ID,
                          "phone": PHONE, "agent_name": "李四", "agent_id_number": AGENT_ID},
            "materials": [{"name": n, "state": "received"}
                          for n in hall.item.current_version.materials.values_list("name", flat=True)]}
    r = client.post("/api/v1/cases", data=json.dumps(body), content_type="application/json", **auth)
    assert r.status_code == 201, r.content
    return r.json()["number"], auth


def test_the_case_api_timeline_masks_id_numbers_and_phones(client, hall):
    number, auth = _submit(client, hall.clerk, hall)
    r = client.get(f"/api/v1/cases/{number}", **auth)
    assert r.status_code == 200
    text = r.content.decode()
    for secret in (VALID_ID, AGENT_ID, PHONE):
        assert secret not in text, secret
    submitted = next(e for e in r.json()["timeline"] if e["kind"] == "submitted")
    applicant = submitted["payload"]["applicant"]
    assert applicant["id_number"] == "110***********002X"
    assert applicant["agent_id_number"] == "110***********1239"
    assert applicant["phone"] == "138****0000"
    assert applicant["name"] == "张三"  # only identifying numbers are masked
    assert not IdView.objects.exists()  # nothing full was shown, so there is nothing to record


def test_the_full_id_goes_only_through_the_recorded_view(client, hall):
    number, _ = _submit(client, hall.clerk, hall)
    client.force_login(hall.clerk.user)
    r = client.post(f"/staff/cases/{number}/full-id/", {"field": "applicant", "reason": "identity"})
    assert r.status_code == 200
    assert VALID_ID in r.content.decode()
    assert IdView.objects.filter(staff=hall.clerk, case__number=number, field="applicant").count() == 1


def test_masking_reaches_nested_values_and_free_text():
    payload = {"applicant": {"id_number": VALID_ID, "phone": PHONE, "name": "张三"},
               "note": f"申请人电话 {PHONE}，身份证 {VALID_ID}", "materials": [{"name": "申请书"}], "stage": 2}
    masked = masked_payload(payload)
    assert json.dumps(masked, ensure_ascii=False).count("*") > 0
    assert VALID_ID not in json.dumps(masked)
    assert PHONE not in json.dumps(masked, ensure_ascii=False)
    assert masked["materials"] == [{"name": "申请书"}]
    assert masked["stage"] == 2
    assert payload["applicant"]["id_number"] == VALID_ID  # the stored payload is left alone


def test_the_staff_case_page_masks_numbers_typed_into_notes(client, hall):
    from onewindow.cases.services import case_request_supplement

    number, _ = _submit(client, hall.clerk, hall)
    case_id = hall.item.cases.get(number=number).pk
    case_request_supplement(case_id=case_id, actor=hall.clerk, materials=["申请书"], note="请回电 13912345678")
    client.force_login(hall.clerk.user)
    page = client.get(f"/staff/cases/{number}/").content.decode()
    assert "请回电 139****5678" in page
    assert "13912345678" not in page
