"""The exchange with the upper-level platform: records from the case facts, pushed through an outbox.

A real HTTP server on 127.0.0.1 stands in for the province's platform.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from onewindow.cases import services as case_services
from onewindow.cases.models import Case
from onewindow.core import delivery
from onewindow.core.errors import NotFound, PermissionDenied
from onewindow.core.timesource import now
from onewindow.exchange import services
from onewindow.exchange.jobs import push
from onewindow.exchange.models import ExchangeCursor, ExchangeRecord, Kind, Status
from onewindow.feedback.models import Rating
from onewindow.organization.rules import Role
from tests.cases.helpers import VALID_ID, Hall, at, granted_case, hall_staff


def later() -> datetime:
    """Past the settling time of everything a test has written so far (read when called: the
    suite may have run for longer than that since this module was imported)."""
    return now() + timedelta(minutes=5)


@pytest.fixture
def platform(settings) -> Iterator[dict[str, Any]]:
    """The province: answers the codes queued in ``answers`` (then 200), keeps what it was sent."""
    state: dict[str, Any] = {"answers": [], "seen": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            state["seen"].append({"body": json.loads(self.rfile.read(int(self.headers["Content-Length"]))),
                                  "auth": self.headers.get("Authorization")})
            self.send_response(state["answers"].pop(0) if state["answers"] else 200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"id": f"P-{len(state['seen'])}"}).encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.ONEWINDOW = {**settings.ONEWINDOW, "EXCHANGE_URL": f"http://127.0.0.1:{server.server_port}/cases",
                          "EXCHANGE_TOKEN": "sheng-t0ken", "EXCHANGE_MAX_ATTEMPTS": 3}
    yield state
    server.shutdown()


def concluded(hall: Hall) -> Case:
    """Accepted, reviewed, granted, certified and delivered by post."""
    case = granted_case(hall)
    case = case_services.case_issue_certificate(case_id=case.id, actor=hall.clerk, at=at(2026, 10, 9, 15))
    return case_services.case_deliver(case_id=case.id, actor=hall.clerk, method="post", tracking_number="EMS0001",
                                      at=at(2026, 10, 10))


def by_kind(case: Case) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in ExchangeRecord.objects.filter(case=case).order_by("occurred_at", "id"):
        out.setdefault(r.kind, []).append(r.payload)
    return out


def test_a_concluded_case_becomes_records_with_the_national_exchange_fields(hall: Hall) -> None:
    moment = later()
    case = concluded(hall)
    assert services.collect(now=moment) > 0
    records = by_kind(case)
    assert set(records) == {Kind.ACCEPTANCE, Kind.STEP, Kind.RESULT}
    [acceptance] = records[Kind.ACCEPTANCE]
    assert acceptance["case_number"] == case.number
    assert acceptance["item_code"] == hall.item.implementation_code
    assert acceptance["accepted"] is True
    assert acceptance["applicant"]["id_number"] == VALID_ID  # the platform gets the number, not its digest
    assert acceptance["promised_due"] == case.promised_due.isoformat()
    assert acceptance["acceptance_document_numbers"][0]["number"]  # 受理通知书
    assert acceptance["clerk"] == hall.clerk.name
    assert acceptance["materials"]
    steps = records[Kind.STEP]
    reviews = [s for s in steps if s["action"] == "审核"]
    assert reviews
    assert all(s["opinion"] == "同意" and s["started_at"] and s["ended_at"] for s in reviews)
    assert {s["action"] for s in steps} >= {"决定", "制证", "送达"}
    [result] = records[Kind.RESULT]
    assert result["result"] == case.outcome
    assert result["certificates"]
    assert result["certificates"][0]["number"]
    assert result["delivery"] == "邮寄送达"
    assert result["tracking_number"] == "EMS0001"
    # The payload holds the ID number: stored encrypted, never as plain text in the table.
    with connection.cursor() as c:
        c.execute("SELECT payload FROM exchange_exchangerecord WHERE kind = 'acceptance'")
        assert VALID_ID not in c.fetchone()[0]


def test_special_procedures_and_ratings_are_records_of_their_own(hall: Hall) -> None:
    moment = later()
    case = case_services.case_accept(case_id=case_services.case_submit(
        actor=hall.clerk, item_code=hall.item.implementation_code, applicant=hall.applicant(),
        materials=hall.checklist(), window_number="01", at=at(2026, 9, 28)).id, actor=hall.clerk, at=at(2026, 9, 29))
    case_services.case_start_special_procedure(case_id=case.id, actor=hall.reviewer, procedure="hearing",
                                               reason="涉及相邻权利人重大利益", announced_workdays=10,
                                               at=at(2026, 9, 30))
    case_services.case_end_special_procedure(case_id=case.id, actor=hall.reviewer, result="听证完毕",
                                             at=at(2026, 10, 12))
    Rating.objects.create(region=hall.county, case=case, level=5, channel="sms", rated_at=now())
    services.collect(now=moment)
    started, ended = by_kind(case)[Kind.SPECIAL_PROCEDURE]
    assert (started["procedure"], started["reason"], started["ended_at"]) == ("听证", "涉及相邻权利人重大利益", None)
    assert ended["started_at"] == started["started_at"]
    assert ended["ended_at"]
    assert ended["result"] == "听证完毕"
    [rating] = by_kind(case)[Kind.SATISFACTION]
    assert (rating["level"], rating["level_label"]) == (5, "非常满意")


def test_collecting_twice_records_each_fact_once_and_unsettled_facts_are_read_again(hall: Hall) -> None:
    moment = later()
    case = concluded(hall)
    first = services.collect(now=now())  # everything was written just now: nothing has settled
    assert first == ExchangeRecord.objects.count() > 0
    assert ExchangeCursor.objects.get(source="case_events").last_id == 0  # read again next time …
    assert services.collect(now=now()) == 0  # … and recorded once
    assert services.collect(now=moment) == 0
    assert ExchangeCursor.objects.get(source="case_events").last_id == case.events.order_by("-id").first().id
    keys = list(ExchangeRecord.objects.values_list("source_key", flat=True))
    assert len(keys) == len(set(keys))


def test_records_are_pushed_with_a_stable_id_and_the_receipt_kept(hall: Hall, platform: dict[str, Any]) -> None:
    moment = later()
    concluded(hall)
    services.collect(now=moment)
    total = ExchangeRecord.objects.count()
    assert services.push_due(now=moment) == total
    assert ExchangeRecord.objects.filter(status=Status.SENT).count() == total
    seen = platform["seen"]
    assert {s["auth"] for s in seen} == {"Bearer sheng-t0ken"}
    assert sorted(s["body"]["record_id"] for s in seen) == sorted(
        ExchangeRecord.objects.values_list("source_key", flat=True))
    assert ExchangeRecord.objects.filter(remote_id__startswith="P-").count() == total
    assert services.push_due(now=moment) == 0  # nothing is sent twice


def test_a_failing_platform_is_retried_with_backoff_then_given_up_and_requeued_by_an_administrator(
        hall: Hall, platform: dict[str, Any]) -> None:
    moment = later()
    case = case_services.case_accept(case_id=case_services.case_submit(
        actor=hall.clerk, item_code=hall.item.implementation_code, applicant=hall.applicant(),
        materials=hall.checklist(), window_number="01", at=at(2026, 9, 28)).id, actor=hall.clerk, at=at(2026, 9, 29))
    services.collect(now=moment)
    [record] = ExchangeRecord.objects.filter(case=case)
    platform["answers"].extend([500, 503, 500])
    assert services.push_due(now=moment) == 0
    record.refresh_from_db()
    assert (record.status, record.attempts, record.last_error) == (Status.PENDING, 1, "平台返回 500")
    assert record.next_attempt_at > moment
    assert services.push_due(now=moment) == 0  # not due yet: the backoff holds
    assert services.push_due(now=moment + timedelta(hours=1)) == 0
    assert services.push_due(now=moment + timedelta(hours=2)) == 0
    record.refresh_from_db()
    assert (record.status, record.attempts) == (Status.FAILED, 3)
    assert {s["body"]["record_id"] for s in platform["seen"]} == {record.source_key}  # the same id each time
    admin = hall_staff("center_admin", hall.county, None, Role.CENTER_ADMIN)
    supervisor = hall_staff("supervisor", hall.county, None, Role.SUPERVISOR)
    with pytest.raises(PermissionDenied, match="没有重新推送"):
        services.record_retry(record_id=record.pk, actor=supervisor)
    with pytest.raises(NotFound, match="未找到"):
        services.record_retry(record_id=record.pk, actor=hall.outsider)
    services.record_retry(record_id=record.pk, actor=admin)
    assert services.push_due(now=now() + timedelta(seconds=1)) == 1
    record.refresh_from_db()
    assert record.status == Status.SENT


def test_409_is_already_received_and_without_an_address_nothing_is_pushed(hall: Hall, platform: dict[str, Any],
                                                                          settings) -> None:
    moment = later()
    concluded(hall)
    services.collect(now=moment)
    platform["answers"].append(409)
    assert services.push_due(now=moment, limit=1) == 1
    settings.ONEWINDOW = {**settings.ONEWINDOW, "EXCHANGE_URL": ""}
    assert services.push_due(now=moment) == 0
    assert not services.pushing_due(moment)
    assert ExchangeRecord.objects.filter(status=Status.SENT).count() == 1


def test_a_worker_that_died_mid_push_leaves_the_record_to_the_next_after_its_lease(hall: Hall,
                                                                                  platform: dict[str, Any]) -> None:
    moment = later()
    concluded(hall)
    services.collect(now=moment)
    # A worker claimed one record and died before reporting.
    [claim] = delivery.claim_due(ExchangeRecord, at=moment, limit=1, lease=services.LEASE, max_attempts=3,
                                 interrupted="x")
    assert services.push_due(now=moment) == ExchangeRecord.objects.count() - 1  # held by the dead worker's lease
    assert services.push_due(now=moment + services.LEASE + timedelta(seconds=1)) == 1
    record = ExchangeRecord.objects.get(pk=claim.id)
    assert (record.status, record.attempts) == (Status.SENT, 2)
    # The dead worker's late report changes nothing.
    assert delivery.record_success(ExchangeRecord, claim, sent_at=moment) == 0


def test_the_status_page_shows_the_summary_first_masks_personal_numbers_and_scopes_by_county(
        hall: Hall, client: Client) -> None:
    moment = later()
    case = concluded(hall)
    services.collect(now=moment)
    admin = hall_staff("center_admin", hall.county, None, Role.CENTER_ADMIN)
    client.force_login(admin.user)
    page = client.get("/staff/exchange/?kind=acceptance")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.index('data-testid="exchange-summary"') < text.index('data-testid="exchange-records"')
    assert "尚未配置上级平台地址" in text
    assert case.number in text
    record = ExchangeRecord.objects.get(case=case, kind=Kind.ACCEPTANCE)
    detail = client.get(f"/staff/exchange/{record.pk}/").content.decode()
    assert case.number in detail
    assert VALID_ID not in detail
    assert "110***********002X" in detail
    other_admin = hall_staff("linshui_admin", hall.other_county, None, Role.CENTER_ADMIN)
    client.force_login(other_admin.user)
    assert case.number not in client.get("/staff/exchange/").content.decode()
    assert client.get(f"/staff/exchange/{record.pk}/").status_code == 404
    client.force_login(hall.clerk.user)
    assert client.get("/staff/exchange/").status_code == 403


def test_the_job_collects_and_pushes(hall: Hall, platform: dict[str, Any]) -> None:
    moment = later()
    concluded(hall)
    assert services.collecting_due(moment)
    assert push(moment) == ExchangeRecord.objects.count() > 0
