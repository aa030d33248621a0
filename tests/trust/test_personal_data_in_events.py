"""Personal data at rest in the history (issue 13): the ``submitted`` event records the
applicant's ID numbers and phone only as keyed digests, and the migration that redacts older
events signs their chains again so that they still verify."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps

from onewindow.cases import services as s
from onewindow.cases.history import event_content, events_of, redact_applicant, verify_case
from onewindow.cases.models import Case, CaseEvent
from onewindow.cases.rules import Applicant
from onewindow.lifecycle.maintenance import protected_uris, triggers_lifted
from onewindow.lifecycle.models import HistoryMaintenance
from onewindow.lifecycle.rechain import resign
from tests.cases.helpers import at

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"
AGENT_ID = "110105198001010032"
PHONE = "13912345678"
redaction = importlib.import_module("onewindow.cases.migrations.0016_redact_submitted_applicant")


def _submit(hall) -> Case:
    names = hall.item.current_version.materials.values_list("name", flat=True)
    from onewindow.cases.rules import MaterialCheck

    return s.case_submit(actor=hall.clerk, item_code=hall.item.implementation_code, window_number="01",
                         applicant=Applicant(kind="person", name="张三", id_type="resident_id", id_number=ID.lower(),
                                             phone=PHONE, agent_name="李四", agent_id_number=AGENT_ID),
                         materials=[MaterialCheck(n, "received") for n in names], at=at(2026, 9, 28))


def _stored(case: Case) -> str:
    return json.dumps(list(CaseEvent.objects.filter(case=case).values_list("payload", flat=True)),
                      ensure_ascii=False)


def test_the_submitted_event_holds_no_number_in_clear(hall):
    case = _submit(hall)
    stored = _stored(case)
    assert ID not in stored.upper()
    assert PHONE not in stored
    assert AGENT_ID not in stored
    applicant = CaseEvent.objects.get(case=case, seq=1).payload["applicant"]
    # The digest of the number as the row keeps it (upper case): the same value, the same digest.
    assert applicant["id_number"] == redact_applicant({"id_number": ID})["id_number"]
    assert applicant["name"] == "张三"
    assert verify_case(Case.objects.get(pk=case.pk)).ok


def _as_before_the_fix(case: Case) -> None:
    """Put the clear numbers back into the first event, signed as the old code signed them."""
    events = list(events_of(case))
    events[0].payload = {**events[0].payload, "applicant": {**events[0].payload["applicant"], "id_number": ID,
                                                            "phone": PHONE, "agent_id_number": AGENT_ID}}
    last_hash = resign(events, case.number, content=event_content)
    with triggers_lifted(protected_uris()):
        CaseEvent.objects.bulk_update(events, ["payload", "prev_hash", "hash", "key_id"])
        Case.objects.filter(pk=case.pk).update(last_event_hash=last_hash)


def test_the_migration_redacts_older_events_and_their_chains_still_verify(hall):
    case = s.case_accept(case_id=_submit(hall).id, actor=hall.clerk, at=at(2026, 9, 29))
    untouched = _submit(hall)
    _as_before_the_fix(case)
    assert ID in _stored(case)
    assert verify_case(Case.objects.get(pk=case.pk)).ok  # a chain as it stood before the fix
    untouched_hashes = list(CaseEvent.objects.filter(case=untouched).values_list("hash", flat=True))

    redaction.forwards(apps, None)

    assert ID not in _stored(case)
    assert PHONE not in _stored(case)
    assert verify_case(Case.objects.get(pk=case.pk)).ok
    # Only the chains that held clear numbers were signed again, and the rewrite is on record.
    assert list(CaseEvent.objects.filter(case=untouched).values_list("hash", flat=True)) == untouched_hashes
    assert HistoryMaintenance.objects.filter(who=redaction.WHO).count() == 1
    redaction.forwards(apps, None)  # run again: nothing left to redact, nothing recorded
    assert HistoryMaintenance.objects.filter(who=redaction.WHO).count() == 1


def test_a_tampered_chain_is_not_laundered_by_the_migration(hall):
    case = _submit(hall)
    _as_before_the_fix(case)
    with triggers_lifted(protected_uris()):  # someone edits the event after it was signed
        CaseEvent.objects.filter(case=case, seq=1).update(payload={"channel": "online", "applicant": {"id_number": ID}})
    redaction.forwards(apps, None)
    assert ID in _stored(case)  # left as it is, for verify_history to report
    assert not verify_case(Case.objects.get(pk=case.pk)).ok
