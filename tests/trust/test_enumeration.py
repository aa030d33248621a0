"""Issue 13, defect 5: enumeration and guessing.

Each answer that could tell an outsider whether something exists (another county's staff, a
registered phone) is the same for "exists" and "does not exist"; each thing that can be guessed
(certificate numbers, passwords across user names) is rate limited per client address, in a cache
shared by every worker process.
"""

from __future__ import annotations

import pytest

from onewindow.cases import services as s
from onewindow.core.errors import DomainError
from tests.cases.conftest import at, hall  # noqa: F401
from tests.cases.test_handling import accepted

pytestmark = pytest.mark.django_db


def _reassign_error(hall, assignee_id: int) -> DomainError:  # noqa: F811
    case = accepted(hall)
    with pytest.raises(DomainError) as exc:
        s.case_reassign_task(case_id=case.id, actor=hall.chief, stage_order=2, assignee_id=assignee_id,
                             at=at(2026, 9, 30))
    return exc.value


def test_reassigning_to_another_countys_staff_answers_not_found_like_a_missing_id(hall):  # noqa: F811
    other_county = _reassign_error(hall, hall.outsider.id)
    missing = _reassign_error(hall, 987654321)
    assert (other_county.status, other_county.as_dict()) == (missing.status, missing.as_dict())
    assert other_county.status == 404 and other_county.field == "assignee"
    assert hall.outsider.name not in other_county.message


def test_a_colleague_of_the_same_county_still_gets_the_reason(hall):  # noqa: F811
    error = _reassign_error(hall, hall.clerk.id)
    assert error.code == "task.assignee_ineligible" and hall.clerk.name in error.message


@pytest.fixture
def limit(settings):
    """``limit("3/m")``: the public rate limit (PUBLIC_RATE_LIMIT) for this test, with an empty cache."""
    from django.core.cache import cache

    cache.clear()

    def configure(rule: str) -> None:
        settings.ONEWINDOW = {**settings.ONEWINDOW, "PUBLIC_RATE_LIMIT": rule}

    yield configure
    cache.clear()


def test_the_certificate_page_is_rate_limited_together_with_the_api(client, limit):
    limit("3/m")
    assert client.get("/verify/YX-2026-000001").status_code == 200
    assert client.get("/verify/YX-2026-000002").status_code == 200
    # The API counts in the same bucket, and a made-up X-Forwarded-For does not open a new one.
    api = client.get("/api/v1/certificates/verify", {"number": "YX-2026-000003"}, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert api.status_code == 200
    page = client.get("/verify/YX-2026-000004")
    assert page.status_code == 429 and int(page["Retry-After"]) >= 1
    api = client.get("/api/v1/certificates/verify", {"number": "YX-2026-000005"}, HTTP_X_FORWARDED_FOR="10.9.9.8")
    assert api.status_code == 429 and api.json()["error"]["code"] == "rate_limited"
