"""``GET /api/v1/cases``: filters, cursor paging, and only what the caller may see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onewindow.cases import services as s
from onewindow.core.timesource import now
from tests.cases.api_helpers import Api
from tests.cases.helpers import accepted_case, at, submit

from .helpers import build_joint, joint_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(hall):
    """Three cases of the committed item (one accepted 2026-09-29, two received 2026-10-09/12) and
    one joint case with a stage in 住建局."""
    joint = build_joint(hall)
    made = [accepted_case(hall), submit(hall, at(2026, 10, 9)), submit(hall, at(2026, 10, 12)), joint_case(joint)]
    return joint, made


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [c["number"] for c in response.json()["items"]]


def test_filters(client, hall, cases):
    joint, (accepted, second, third, joint_one) = cases
    api = Api(client, hall.chief)
    assert _numbers(api.get("/cases")) == [c.number for c in (accepted, second, third, joint_one)]
    assert _numbers(api.get("/cases?status=submitted")) == [second.number, third.number]
    assert _numbers(api.get("/cases?status=submitted,in_review")) == [c.number for c in (accepted, second, third,
                                                                                          joint_one)]
    assert _numbers(api.get(f"/cases?item={joint.item.implementation_code}")) == [joint_one.number]
    assert _numbers(api.get(f"/cases?department={hall.dept.code}")) == [c.number for c in (accepted, second, third,
                                                                                           joint_one)]
    assert _numbers(api.get("/cases?department=ZJJ")) == []
    assert _numbers(api.get(f"/cases?region={hall.county.code}")) == [c.number for c in (accepted, second, third,
                                                                                         joint_one)]
    assert _numbers(api.get(f"/cases?region={hall.other_county.code}")) == []
    assert _numbers(api.get("/cases?submitted_from=2026-10-09&submitted_to=2026-10-11")) == [second.number]
    row = api.get(f"/cases?item={joint.item.implementation_code}").json()["items"][0]
    assert row["status"] == "in_review"
    assert row["department_code"] == hall.dept.code
    assert row["status_label"] == "审查中"
    assert row["statutory_due"]


def test_updated_since_lists_the_cases_that_changed(client, hall, cases):
    _, (accepted, second, third, joint_one) = cases
    api = Api(client, hall.chief)
    mark = now()
    assert _numbers(api.get(f"/cases?updated_since={(mark + timedelta(seconds=1)).isoformat()}")) == []
    s.case_accept(case_id=second.id, actor=hall.clerk, at=at(2026, 10, 10))
    since = (mark - timedelta(seconds=1)).isoformat()
    assert second.number in _numbers(api.get(f"/cases?updated_since={since}"))


def test_cursor_paging_never_repeats_or_skips(client, hall, cases):
    _, made = cases
    api = Api(client, hall.chief)
    first = api.get("/cases?limit=3").json()
    assert [c["number"] for c in first["items"]] == [c.number for c in made[:3]]
    assert first["next_cursor"]
    late = submit(hall, at(2026, 10, 13))  # arrives while the caller pages
    second = api.get(f"/cases?limit=3&cursor={first['next_cursor']}").json()
    assert [c["number"] for c in second["items"]] == [made[3].number, late.number]
    assert second["next_cursor"] is None


def test_only_what_the_caller_may_see(client, hall, cases):
    joint, (_, _, _, joint_one) = cases
    assert _numbers(Api(client, hall.outsider).get("/cases")) == []  # 邻水县
    # The co-handling department sees the joint case it has a stage in, not the lead's other cases.
    assert _numbers(Api(client, joint.co_reviewer).get("/cases")) == [joint_one.number]
    assert _numbers(Api(client, joint.other_head).get("/cases")) == []
    assert len(_numbers(Api(client, joint.head).get("/cases"))) == 4


@pytest.mark.parametrize(("query", "code", "field"), [
    ("cursor=%%%", "cursor.invalid", "cursor"),
    ("cursor=Yjk", "cursor.invalid", "cursor"),
    ("limit=0", "limit.invalid", "limit"),
    ("limit=201", "limit.invalid", "limit"),
    ("status=done", "status.invalid", "status"),
    ("region=99", "region.invalid", "region"),
    ("submitted_from=2026-10-12&submitted_to=2026-10-01", "dates.reversed", "submitted_from"),
    ("updated_since=2026-10-01T10:00:00", "invalid_input", "updated_since"),
])
def test_bad_input_is_a_400_naming_the_field(client, hall, cases, query, code, field):
    r = Api(client, hall.chief).get(f"/cases?{query}")
    assert r.status_code == 400
    assert r.json()["error"]["code"] == code
    assert r.json()["error"]["field"] == field


def test_a_mistyped_date_is_a_422(client, hall, cases):
    r = Api(client, hall.chief).get("/cases?submitted_from=yesterday")
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "submitted_from"


def test_without_a_token_it_is_401(client, cases):
    assert client.get("/api/v1/cases").status_code == 401
