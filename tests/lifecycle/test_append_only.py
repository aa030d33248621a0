"""The history tables are append-only in PostgreSQL itself (pgtrigger), every ChainedEvent subclass
included — present and future — and the one way round is the logged maintenance path."""

from __future__ import annotations

from pathlib import Path

import pgtrigger
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, models, transaction
from django.test.utils import isolate_apps

from onewindow.cases.models import CaseEvent
from onewindow.lifecycle.maintenance import history_maintenance, protected_uris
from onewindow.lifecycle.models import APPEND_ONLY, Anchor, ChainedEvent, HistoryMaintenance
from onewindow.organization.models import Role
from onewindow.supervision import services as sv
from tests.cases.helpers import accepted_case, at, hall_staff

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="pgtrigger installs on PostgreSQL only")


def _protected(model: type[models.Model]) -> bool:
    return any(t.name == APPEND_ONLY for t in getattr(model._meta, "triggers", []))


def test_every_event_table_anchor_and_maintenance_log_carries_the_append_only_trigger():
    events = [m for m in apps.get_models() if issubclass(m, ChainedEvent)]
    assert events  # the supervision order's at least
    unprotected = [m._meta.label for m in [*events, CaseEvent, Anchor, HistoryMaintenance] if not _protected(m)]
    assert unprotected == []


@isolate_apps("onewindow.lifecycle")
def test_a_future_subclass_with_a_meta_of_its_own_is_protected_too():
    class WorkOrderEvent(ChainedEvent):
        work_order_number = models.CharField(max_length=20)

        class Meta:  # not inheriting ChainedEvent.Meta: Django would drop its triggers
            app_label = "lifecycle"

    class BillEvent(ChainedEvent):
        class Meta(ChainedEvent.Meta):
            app_label = "lifecycle"

    try:
        assert _protected(WorkOrderEvent)
        assert _protected(BillEvent)
    finally:
        for model in (WorkOrderEvent, BillEvent):
            for trigger in list(model._meta.triggers):
                if pgtrigger.registry._registry.get(f"{model._meta.label}:{trigger.name}"):
                    trigger.unregister(model)


@on_postgres
@pytest.mark.postgres
@pytest.mark.parametrize("statement", [
    "UPDATE cases_caseevent SET actor_label = 'x'",
    "DELETE FROM cases_caseevent",
    "UPDATE supervision_supervisionorderevent SET note = 'x'",
    "DELETE FROM supervision_supervisionorderevent",
    "UPDATE lifecycle_anchor SET events = 0",
    "DELETE FROM lifecycle_anchor",
    "DELETE FROM lifecycle_historymaintenance",
])
def test_postgresql_refuses_a_raw_update_or_delete_of_history(hall, statement):
    accepted_case(hall)
    supervisor = hall_staff("supervisor", hall.county, None, Role.SUPERVISOR)
    sv.order_issue(department_id=hall.dept.id, subject="办件超时", requirement="请说明原因", actor=supervisor,
                   at=at(2026, 10, 20))
    call_command("anchor_history", stdout=None)
    with history_maintenance(who="王五", reason="测试：维护记录本身也只增不改"):
        pass
    with pytest.raises(DatabaseError, match="Cannot"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


@on_postgres
@pytest.mark.postgres
def test_the_maintenance_command_is_the_way_round_and_records_who_and_why(hall, tmp_path: Path):
    case = accepted_case(hall)
    script = tmp_path / "fix.sql"
    script.write_text(f"UPDATE cases_caseevent SET actor_label = '更正' WHERE case_id = {case.pk} AND seq = 1;\n")
    call_command("history_maintenance", "--who", "王五", "--reason", "工单 2026-17：更正姓名", "--sql", str(script),
                 stdout=None)
    assert CaseEvent.objects.get(case=case, seq=1).actor_label == "更正"
    entry = HistoryMaintenance.objects.get()
    assert (entry.who, entry.reason) == ("王五", "工单 2026-17：更正姓名")
    assert "UPDATE cases_caseevent" in entry.statements
    assert f"{CaseEvent._meta.label}:{APPEND_ONLY}" in entry.tables
    # and verify_history still says what changed: the door is logged, not invisible
    with pytest.raises(CommandError):
        call_command("verify_history", stdout=None)


def test_maintenance_needs_a_person_and_a_reason(tmp_path: Path):
    script = tmp_path / "fix.sql"
    script.write_text("SELECT 1;\n")
    with pytest.raises(CommandError, match="操作人和原因"):
        call_command("history_maintenance", "--who", " ", "--reason", "x", "--sql", str(script))
    assert not HistoryMaintenance.objects.exists()


def test_protected_uris_name_every_history_table():
    uris = protected_uris()
    assert "cases.CaseEvent:append_only" in uris
    assert "supervision.SupervisionOrderEvent:append_only" in uris
    assert "lifecycle.Anchor:append_only" in uris



def test_a_subclass_s_own_columns_are_hashed():
    from datetime import UTC, datetime

    from onewindow.lifecycle.services import event_content
    from onewindow.supervision.models import SupervisionOrderEvent

    content = event_content(SupervisionOrderEvent(seq=1, kind="issued", at=datetime(2026, 1, 1, tzinfo=UTC),
                                                  order_id=7, key_id="k"), "DB-1")
    assert (content["order_id"], content["key"], content["subject"]) == (7, "k", "DB-1")
