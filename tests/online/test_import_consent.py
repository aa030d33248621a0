"""Issue 13, defect 4 (second half): a center administrator cannot attach a case to an applicant's
account, nor act in it as the applicant, without the applicant's consent; with it, the imported
steps say who imported them."""

from __future__ import annotations

import json

import pytest

from onewindow.accounts.services import api_token_issue
from onewindow.cases.models import Case
from onewindow.online.models import ApplicantProfile
from tests.cases.api_helpers import center_admin, history
from tests.cases.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(hall):
    """A bearer token of the county's center administrator, who holds the import power."""
    return api_token_issue(username=center_admin(hall).user.username).token


def _import(client, hall, token, username):
    record = {**history(
        hall,
        {"action": "request_supplement", "at": at(2026, 9, 29).isoformat(), "actor": "clerk",
         "materials": ["营业执照副本"]},
        {"action": "supplement", "at": at(2026, 9, 30).isoformat(), "actor": "applicant",
         "materials": ["营业执照副本"]},
    ), "applicant_account": username, "window_number": None}
    record.pop("submitted_by")
    return client.post("/api/v1/cases/import", data=json.dumps(record), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


def test_an_import_cannot_name_an_account_whose_applicant_did_not_consent(client, hall, me, token):
    r = _import(client, hall, token, me.username)
    assert r.status_code == 422
    problem = r.json()["error"]["problems"][0]
    assert (problem["code"], problem["field"]) == ("account.import_not_allowed", "applicant_account")
    assert not Case.objects.exists()
    # an account that does not exist gets the very same answer: imports enumerate no phones
    missing = _import(client, hall, token, "13700000000").json()["error"]["problems"][0]
    assert missing["code"] == problem["code"]


def test_the_applicant_consents_on_the_account_page_and_imported_steps_name_the_importer(client, hall, me,
                                                                                          my_client, token):
    page = my_client.get("/online/").content.decode()
    assert 'data-testid="import-consent"' in page
    assert "同意导入" in page
    assert my_client.post("/online/import-consent/", {"consent": "yes"}).status_code == 302
    assert ApplicantProfile.objects.get(user=me).import_consent_at is not None
    my_client.logout()
    r = _import(client, hall, token, me.username)
    assert r.status_code == 201, r.json()
    case = Case.objects.get(number=r.json()["number"])
    assert case.applicant_account == me
    labels = dict(case.events.values_list("kind", "actor_label"))
    assert labels["submitted"] == "申请人 张三（由 centeradmin 导入）"
    assert labels["supplemented"] == "申请人 张三（由 centeradmin 导入）"


def test_the_applicant_may_withdraw_the_consent(my_client, me):
    my_client.post("/online/import-consent/", {"consent": "yes"})
    my_client.post("/online/import-consent/", {"consent": "no"})
    assert ApplicantProfile.objects.get(user=me).import_consent_at is None


def test_staff_cannot_give_the_consent(client, hall, me):
    client.force_login(hall.clerk.user)
    assert client.post("/online/import-consent/", {"consent": "yes"}).status_code == 403
    assert ApplicantProfile.objects.get(user=me).import_consent_at is None
