"""Issue 13, defect 1: tampering with direct SQL that verify_history must name — the record, the
event or column, and what is wrong. Each case here went unnoticed before the keyed chain, the full
projection and the anchors."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from onewindow.cases.history import event_content as case_event_content
from onewindow.cases.models import Case, CaseEvent
from onewindow.lifecycle.anchors import anchor_content, anchors_take
from onewindow.lifecycle.chain import GENESIS, canonical, event_hash
from onewindow.lifecycle.models import Anchor
from onewindow.organization.models import Department, Role
from onewindow.supervision import services as sv
from onewindow.supervision.models import SupervisionOrder
from tests.cases.helpers import accepted_case, at, hall_staff, submit

from .helpers import sql, verify_history

pytestmark = pytest.mark.django_db


def test_untouched_history_and_anchors_verify_clean(hall):
    case = accepted_case(hall)
    call_command("anchor_history", stdout=None)
    submit(hall)  # events after the anchor's high-water mark are not its business
    ok, out = verify_history()
    assert ok, out
    assert Case.objects.get(pk=case.pk).events.first().key_id


def _other_account_id() -> int:
    return get_user_model().objects.create_user(username="intruder", password="Intruder-2026-x").pk


COLUMNS = [
    ("region_id", lambda hall: hall.other_county.id),
    ("department_id", lambda hall: Department.objects.create(region=hall.county, code="ZJJ", name="住建局").id),
    ("applicant_account_id", lambda hall: _other_account_id()),
    ("query_code", lambda hall: "999999"),
    ("applicant_phone", lambda hall: "13900000000"),
    ("is_urgent", lambda hall: True),
    ("acceptance_due", lambda hall: date(2027, 1, 4)),
    ("promised_due", lambda hall: date(2027, 1, 4)),
    ("agent_id_number", lambda hall: "110101199003074514"),
    ("window_id", lambda hall: None),
    ("channel", lambda hall: "online"),
]


@pytest.mark.parametrize(("column", "value"), COLUMNS, ids=[c for c, _ in COLUMNS])
def test_a_case_column_edited_without_an_event_is_named(hall, column, value):
    case = accepted_case(hall)
    sql(f"UPDATE cases_case SET {column} = %s WHERE id = %s", value(hall), case.pk)
    ok, out = verify_history()
    assert not ok
    assert f"{case.number} 第{case.row_version}个事件 [record_mismatch] 办件记录的“{column}”" in out


def test_a_forged_actor_label_on_a_case_event_is_named(hall):
    case = accepted_case(hall)
    sql("UPDATE cases_caseevent SET actor_label = %s WHERE case_id = %s AND seq = 2", "局长", case.pk)
    ok, out = verify_history()
    assert not ok
    assert f"{case.number} 第2个事件 [hash_mismatch]" in out


def _order(hall):
    supervisor = hall_staff("supervisor", hall.county, None, Role.SUPERVISOR)
    order = sv.order_issue(department_id=hall.dept.id, subject="办件超时", requirement="请说明原因并整改",
                           actor=supervisor, at=at(2026, 10, 20))
    sv.order_reply(order_id=order.id, explanation="已处理", measures="已整改", actor=hall.chief, at=at(2026, 10, 21))
    return order


def test_a_forged_actor_label_on_an_order_event_is_named(hall):
    order = _order(hall)
    sql("UPDATE supervision_supervisionorderevent SET actor_label = %s WHERE order_id = %s AND seq = 2",
        "别人", order.pk)
    ok, out = verify_history()
    assert not ok
    assert f"{order.number} 第2个事件 [hash_mismatch]" in out


def _rewrite_with_plain_sha256(case: Case, *, key_id: str) -> None:
    """Edit event 2's payload and recompute the chain from there as anyone could: SHA-256 (or an
    HMAC with a guessed key), the case row's last hash set to match."""
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    prev = GENESIS
    for e in events:
        if e.seq == 2:
            e.payload = {**e.payload, "note": "改过"}
        e.prev_hash, e.key_id = prev, key_id
        content = case_event_content(e, case.number)
        e.hash = (hashlib.sha256(prev.encode() + b"\n" + canonical(content)).hexdigest() if not key_id
                  else event_hash(prev, content, b"a guessed key that is not the chain key"))
        sql("UPDATE cases_caseevent SET payload = %s, prev_hash = %s, hash = %s, key_id = %s WHERE id = %s",
            json.dumps(e.payload, ensure_ascii=False), e.prev_hash, e.hash, e.key_id, e.pk)
        prev = e.hash
    sql("UPDATE cases_case SET last_event_hash = %s WHERE id = %s", prev, case.pk)


def test_a_payload_edited_and_the_chain_recomputed_with_sha256_is_named(hall):
    case = accepted_case(hall)
    _rewrite_with_plain_sha256(case, key_id="")
    ok, out = verify_history()
    assert not ok
    assert f"{case.number} 第1个事件 [unkeyed]" in out
    assert f"{case.number} 第2个事件 [unkeyed]" in out


def test_a_chain_recomputed_with_a_guessed_key_under_the_real_key_id_is_named(hall):
    case = accepted_case(hall)
    real_id = CaseEvent.objects.filter(case=case).first().key_id
    _rewrite_with_plain_sha256(case, key_id=real_id)
    ok, out = verify_history()
    assert not ok
    assert f"{case.number} 第2个事件 [hash_mismatch]" in out


def _delete_case(case: Case) -> None:
    """Delete the case and every row that points at it, as an intruder covering tracks would."""
    for rel in Case._meta.related_objects:
        if rel.related_model._meta.concrete_fields and not rel.many_to_many:
            sql(f"DELETE FROM {rel.related_model._meta.db_table} WHERE {rel.field.column} = %s", case.pk)
    sql("DELETE FROM cases_case WHERE id = %s", case.pk)


def test_a_deleted_case_is_named_by_the_anchor_of_its_region(hall):
    accepted_case(hall)
    victim = accepted_case(hall)
    call_command("anchor_history", stdout=None)
    _delete_case(victim)
    ok, out = verify_history()
    assert not ok
    assert "锚点#" in out
    assert "cases.caseevent，990121000000" in out
    assert "[anchor_events_changed]" in out
    assert "锚定时有 2 条记录，现为 1 条" in out


def test_a_case_moved_to_another_region_breaks_both_regions_anchors(hall):
    case = accepted_case(hall)
    call_command("anchor_history", stdout=None)
    sql("UPDATE cases_case SET region_id = %s WHERE id = %s", hall.other_county.id, case.pk)
    ok, out = verify_history()
    assert not ok
    assert "[record_mismatch] 办件记录的“region_id”" in out
    assert "cases.caseevent，990121000000" in out  # its home region lost a record


def test_a_deleted_supervision_order_is_named_by_its_anchor(hall):
    order = _order(hall)
    call_command("anchor_history", stdout=None)
    sql("DELETE FROM supervision_supervisionorderevent WHERE order_id = %s", order.pk)
    sql("DELETE FROM supervision_supervisionorder WHERE id = %s", order.pk)
    assert not SupervisionOrder.objects.exists()
    ok, out = verify_history()
    assert not ok
    assert "supervision.supervisionorderevent，990121000000" in out
    assert "锚定时有 1 条记录，现为 0 条" in out


def test_a_rewritten_chain_breaks_the_anchor_digest(hall):
    case = accepted_case(hall)
    call_command("anchor_history", stdout=None)
    _rewrite_with_plain_sha256(case, key_id="")
    ok, out = verify_history("--type", "anchor")
    assert not ok
    assert "[anchor_digest_changed]" in out


def test_an_edited_anchor_is_named(hall, django_capture_on_commit_callbacks):
    accepted_case(hall)
    (anchor,) = [a for a in _anchors(django_capture_on_commit_callbacks) if a.table == "cases.caseevent"]
    sql("UPDATE lifecycle_anchor SET events = events - 1 WHERE id = %s", anchor.pk)
    ok, out = verify_history()
    assert not ok
    assert f"锚点#{anchor.pk}" in out
    assert "[anchor_forged]" in out


def test_a_deleted_anchor_is_named_by_the_chain_of_anchors_and_the_file_copy(
        hall, django_capture_on_commit_callbacks):
    accepted_case(hall)
    taken = [_anchors(django_capture_on_commit_callbacks)[-1] for _ in range(3)]
    sql("DELETE FROM lifecycle_anchor WHERE id = %s", taken[1].pk)  # one in the middle: the chain breaks
    ok, out = verify_history()
    assert not ok
    assert f"锚点#{taken[2].pk}（cases.caseevent，990121000000" in out
    assert "[anchor_chain_broken]" in out
    assert f"文件副本中的锚点#{taken[1].pk}在锚点表中已不存在" in out
    sql("DELETE FROM lifecycle_anchor WHERE id = %s", taken[2].pk)  # now the last one: only the file knows
    ok, out = verify_history()
    assert not ok
    assert f"文件副本中的锚点#{taken[2].pk}在锚点表中已不存在" in out


def _anchors(django_capture_on_commit_callbacks) -> list[Anchor]:
    with django_capture_on_commit_callbacks(execute=True):  # the file copy is written on commit
        return anchors_take(reason="test")


def test_anchor_content_is_in_utc():
    a = Anchor(table="t", region_id=None, taken_at=datetime(2026, 1, 1, 8, tzinfo=timezone(timedelta(hours=8))),
               reason="x", high_water=1, events=1, records=1, digest="0" * 64, key_id="k")
    assert anchor_content(a)["taken_at"] == datetime(2026, 1, 1, tzinfo=UTC).isoformat()
