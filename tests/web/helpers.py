"""What the staff page tests share: a case at the hall's window, the intake form's data, posting an
action form, and the forms a case page offers."""

from __future__ import annotations

from onewindow.cases import services as s
from onewindow.cases.models import Case
from tests.cases.helpers import VALID_ID


def submit(h, **kw) -> Case:
    return s.case_submit(actor=h.clerk, item_code=h.item.implementation_code, applicant=h.applicant(),
                         materials=h.checklist(**kw), window_number="01")


def intake_data(h, **over) -> dict:
    data = {"item_code": h.item.implementation_code, "kind": "person", "name": "张三", "id_type": "resident_id",
            "id_number": VALID_ID, "phone": "13800000000", "window_number": "01",
            "m0-state": "received", "m1-state": "received", "m2-state": "received"}
    data.update(over)
    return data


def act(client, case: Case, action: str, **data):
    case.refresh_from_db()
    return client.post(f"/staff/cases/{case.number}/act/{action}/", {"expected_version": case.row_version, **data})


def form_keys(response) -> set[str]:
    return {f.key for f in response.context["forms"]}
