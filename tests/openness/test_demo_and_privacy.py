"""The demo's open-government records (every request state, funds over the villages, a 低保
publication in its comment period, the power list with flow charts and standards), and a scan of
every public page and public API answer of the app over that demo for full ID or phone numbers."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings

from onewindow.core.timesource import local_date
from onewindow.demo.loader import load_demo as load_demo_org
from onewindow.openness.demo import load_demo
from onewindow.openness.models import (
    DisclosureRequest,
    DiscretionStandard,
    Distribution,
    Fund,
    Power,
    Publication,
    Topic,
)

FULL_ID = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    with django_db_blocker.unblock(), override_settings(ONEWINDOW_KEY_DIR=keys), transaction.atomic():
        load_demo_org()
        line = load_demo(today=local_date())
        again = load_demo(today=local_date())
        yield line, again
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return demo


def test_the_demo_has_every_request_state_and_is_idempotent(loaded) -> None:
    line, again = loaded
    assert line.startswith("政务公开：")
    assert "未重复载入" in again
    states = set(DisclosureRequest.objects.values_list("state", flat=True))
    assert states == {"received", "awaiting_clarification", "consulting", "awaiting_fee", "replied", "withdrawn"}
    assert DisclosureRequest.objects.filter(extension_workdays__gt=0, state="received").exists()
    assert DisclosureRequest.objects.filter(consulted=True, state="consulting").exists()
    assert DisclosureRequest.objects.filter(answer="partially_disclosed").exists()
    assert DisclosureRequest.objects.filter(channel="post").exists()


def test_the_demo_power_list_funds_and_publication(loaded) -> None:
    assert Power.objects.values("department").distinct().count() >= 12
    assert DiscretionStandard.objects.values("power").distinct().count() >= 4
    assert all(p.stages for p in Power.objects.all())
    assert Fund.objects.count() == 3
    assert Distribution.objects.values("village").distinct().count() >= 10
    from onewindow.openness.models import FundEvent

    assert FundEvent.objects.filter(kind="payment_recorded").count() == 2  # the two funds with unpaid entries
    pub = Publication.objects.get(follows__isnull=True, title__contains="低保拟保障对象")
    assert pub.state == "published"
    assert Publication.objects.get(follows=pub).state == "draft"  # the next quarter's, on the schedule
    assert pub.comment_ends >= local_date()
    assert pub.objections.count() == 1
    assert Topic.objects.filter(state="answered").count() == 1


def test_the_demo_enforcement(loaded) -> None:
    from onewindow.openness.enforcement_rules import filing_status
    from onewindow.openness.models import EnforcementInspection, EnforcementOfficer, MajorPenalty

    assert EnforcementOfficer.objects.filter(state="revoked").count() == 1
    assert EnforcementOfficer.objects.filter(valid_until__lt=local_date()).count() == 1
    assert all(i.officers.count() >= 2 for i in EnforcementInspection.objects.all())
    statuses = {filing_status(p.state, p.filing_due, p.filed_on, local_date()) for p in MajorPenalty.objects.all()}
    assert statuses == {"on_time", "late", "pending", "overdue"}


def test_the_demo_catalogue(loaded) -> None:
    published = Publication.objects.filter(state="published")
    assert set(published.values_list("category", flat=True)) >= {"document", "budget", "final_accounts", "staffing",
                                                                 "village_finance", "notice"}
    assert all(p.index_number for p in published)
    assert Publication.objects.filter(state="withdrawn", published_on__isnull=False).exists()
    assert Publication.objects.filter(revises__isnull=False, state="draft").exists()
    assert Publication.objects.filter(category="village_finance", follows__isnull=False, state="draft").count() == 2
    late = [p for p in Publication.objects.all() if p.published_on and p.published_on > p.due_on]
    assert [p.category for p in late] == ["staffing"]
    assert Topic.objects.get(state="open").seconds == 5


def _get(client: Client, url: str, data=None):
    cache.clear()  # the public rate limits count per client: this scan is one client
    response = client.get(url, data or {})
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _post(client: Client, url: str, data, **kw):
    cache.clear()
    response = client.post(url, data, **kw)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_no_public_page_or_answer_carries_a_full_id_or_phone_number(loaded) -> None:
    client = Client()
    texts: dict[str, str] = {}
    for url in ("/openness/", "/openness/requests/new/", "/openness/requests/status/", "/openness/powers/",
                "/openness/funds/", "/openness/publications/", "/openness/catalogue/", "/openness/topics/", "/openness/enforcement/officers/", "/api/v1/powers?limit=500", "/api/v1/public/funds",
                "/api/v1/publications"):
        texts[url] = _get(client, url)
    for code in Power.objects.values_list("code", flat=True):
        texts[code] = _get(client, f"/openness/powers/{code}/")
        texts["api " + code] = _get(client, f"/api/v1/powers/{code}")
    for fund in Fund.objects.values_list("code", flat=True):
        texts[fund] = _get(client, "/openness/funds/", {"fund": fund})
    villages = set(Distribution.objects.values_list("village__code", flat=True))
    for village in villages:
        texts[village] = _get(client, f"/openness/funds/village/{village}/")
        texts["api " + village] = _get(client, "/api/v1/public/funds", {"village": village})
    for pub in Publication.objects.filter(state__in=["published", "finalized"]).values_list("number", flat=True):
        texts[pub] = _get(client, f"/openness/publications/{pub}/")
    entry = Distribution.objects.select_related("village").first()
    texts["self-check"] = _post(client, f"/openness/funds/village/{entry.village.code}/",
                                {"name": entry.recipient_name, "id_number": entry.id_number})
    assert "data-testid=\"mine\"" in texts["self-check"]
    texts["lookup"] = _post(client, "/api/v1/public/funds/lookup",
                            {"name": entry.recipient_name, "id_number": entry.id_number},
                            content_type="application/json")
    for req in DisclosureRequest.objects.all():
        texts[req.number] = _post(client, "/openness/requests/status/", {"number": req.number, "code": req.query_code})
        assert req.applicant_id_number not in texts[req.number]
    for where, text in texts.items():
        assert not FULL_ID.search(text), (where, FULL_ID.search(text).group())
        assert not MOBILE.search(text), (where, MOBILE.search(text).group())
