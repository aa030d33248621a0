"""Rating writes are rate limited per client, by the portal's limiter (the shared cache): the API's
429 (Chinese message, English code, Retry-After, in the OpenAPI document) and the public forms'."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.feedback.helpers import Api, concluded_case, conforms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _two_a_minute(settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "FEEDBACK_RATING_RATE": "2/m"}
    cache.clear()
    yield
    cache.clear()


def test_the_api_answers_429_beyond_the_limit(client, hall):
    document = client.get("/api/v1/openapi.json").json()
    assert "429" in document["paths"]["/api/v1/ratings"]["post"]["responses"]
    assert "429" in document["paths"]["/api/v1/ratings/follow-up"]["post"]["responses"]
    case = concluded_case(hall)
    body = {"level": "satisfied", "channel": "progress", "case_number": case.number, "query_code": "WRONG"}
    api = Api(client)
    assert [api.post("/ratings", body).status_code for _ in range(2)] == [404, 404]
    limited = api.post("/ratings", {**body, "query_code": case.query_code})
    assert limited.status_code == 429
    error = limited.json()["error"]
    assert error["code"] == "rate_limited"
    assert "请求过于频繁" in error["message"]
    assert int(limited["Retry-After"]) >= 1
    conforms(document, "/api/v1/ratings", "post", limited)
    # The follow-up counts in the same bucket.
    assert api.post("/ratings/follow-up", {"comment": "x", "channel": "progress"}).status_code == 429
    # Another client is not held back.
    other = client.post("/api/v1/ratings", data=body, content_type="application/json", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 404


def test_the_public_rating_forms_share_the_limit(client, hall):
    case = concluded_case(hall)
    form = {"number": case.number, "code": case.query_code, "level": "satisfied"}
    Api(client).post("/ratings", {"level": "satisfied", "channel": "progress", "case_number": "X", "query_code": "Y"})
    assert client.post("/rate-case/", form).status_code == 200  # the second write of this client
    limited = client.post("/rate-case/", form)
    assert limited.status_code == 429
    assert "请求过于频繁" in limited.content.decode()
    assert client.post("/rate/any-token/", {"level": "satisfied"}).status_code == 429
    # Reading the page is not a write: never limited.
    assert client.get(f"/rate-case/?number={case.number}&code={case.query_code}").status_code == 200


def test_the_limit_can_be_turned_off(client, hall, settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "FEEDBACK_RATING_RATE": ""}
    body = {"level": "satisfied", "channel": "progress", "case_number": "X", "query_code": "Y"}
    assert {Api(client).post("/ratings", body).status_code for _ in range(4)} == {404}
