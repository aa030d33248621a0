"""The event row's region (issue 14): a copy of its case's region for the ledger's index, outside
the hash. The migration that adds it fills it from the case through ``history_maintenance`` and
every chain still verifies unchanged."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from onewindow.cases import services as s
from onewindow.cases.history import event_content, verify_case
from onewindow.cases.models import Case, CaseEvent
from onewindow.lifecycle.maintenance import protected_uris, triggers_lifted
from onewindow.lifecycle.models import HistoryMaintenance
from tests.cases.helpers import at, submit

pytestmark = pytest.mark.django_db(transaction=True)  # the schema changes (SQLite refuses them in a transaction)

WHO = "数据迁移 cases.0022_event_region"


def _migrate(target: str) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("cases", target)])


def test_the_region_is_outside_the_hash_and_the_migration_fills_it(hall):
    case = s.case_accept(case_id=submit(hall, at(2026, 9, 28)).id, actor=hall.clerk, at=at(2026, 9, 29))
    other = submit(hall, at(2026, 9, 28))
    first = CaseEvent.objects.filter(case=case).order_by("seq").first()
    assert first is not None
    assert first.region_id == hall.county.id
    assert "region" not in event_content(first, case.number)
    hashes = dict(CaseEvent.objects.values_list("id", "hash"))

    _migrate("0021_case_handler_review_meetings")  # before the column: events without a region
    _migrate("0023_event_region_required")

    assert dict(CaseEvent.objects.values_list("id", "hash")) == hashes  # nothing re-signed
    assert set(CaseEvent.objects.values_list("case_id", "region_id")) == {(case.id, hall.county.id),
                                                                           (other.id, hall.county.id)}
    assert verify_case(Case.objects.get(pk=case.pk)).ok
    assert verify_case(Case.objects.get(pk=other.pk)).ok
    assert HistoryMaintenance.objects.filter(who=WHO).count() == 1  # the rewrite is on record


def test_an_event_moved_to_another_region_is_reported(hall):
    case = submit(hall, at(2026, 9, 28))
    with triggers_lifted(protected_uris()):  # the ledger's copy edited in place
        CaseEvent.objects.filter(case=case, seq=1).update(region=hall.other_county)
    verification = verify_case(Case.objects.get(pk=case.pk))
    assert [(b.seq, b.code) for b in verification.breaks] == [(1, "event_region_mismatch")]
