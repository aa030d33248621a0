"""The chain key: from the environment, rotating by key id, refused in production when missing;
and the one-time re-signing of history made before the key."""

from __future__ import annotations

import importlib
import json
import sys

import pytest
from django.apps import apps

from onewindow.cases.history import verify_case
from onewindow.cases.models import Case, CaseEvent
from onewindow.lifecycle import keys
from onewindow.lifecycle.chain import GENESIS, event_hash
from onewindow.lifecycle.checks import check_chain_key
from onewindow.lifecycle.maintenance import protected_uris, triggers_lifted
from tests.cases.helpers import accepted_case

from .helpers import sql

OLD = "old-key-" + "o" * 40
NEW = "new-key-" + "n" * 40


@pytest.fixture
def chain_key(monkeypatch):
    def use(text: str | None) -> None:
        if text is None:
            monkeypatch.delenv(keys.ENV, raising=False)
        else:
            monkeypatch.setenv(keys.ENV, text)
        keys.forget_keys()

    yield use
    keys.forget_keys()


def test_production_refuses_to_start_without_the_key(chain_key, monkeypatch, settings):
    chain_key(None)
    monkeypatch.delenv("ONEWINDOW_TESTING", raising=False)
    monkeypatch.delenv(keys.FILE_OK_ENV, raising=False)
    settings.DEBUG = False
    monkeypatch.setattr(sys, "argv", ["manage.py", "serve"])
    assert [e.id for e in check_chain_key()] == ["lifecycle.E001"]
    chain_key(NEW)
    assert check_chain_key() == []


def test_development_and_the_demo_use_the_generated_key_file(chain_key, monkeypatch, settings):
    chain_key(None)
    monkeypatch.setattr(sys, "argv", ["manage.py", "serve"])
    settings.DEBUG = True
    assert check_chain_key() == []
    assert (settings.VAR_DIR / "chain_key").exists() or keys.signing_key()  # generated on first use


def test_a_malformed_key_is_refused(chain_key):
    chain_key("short")
    assert [e.id for e in check_chain_key()] == ["lifecycle.E002"]


def test_keys_parse_with_and_without_an_id():
    first, second = keys.parse(f"k2:{NEW}, {OLD}")
    assert (first.id, first.secret) == ("k2", NEW.encode())
    assert second.id == keys.key_id_of(OLD.encode())
    assert OLD not in second.id


@pytest.mark.django_db
def test_a_rotated_key_still_verifies_what_the_old_one_signed(hall, chain_key):
    chain_key(f"k1:{OLD}")
    case = accepted_case(hall)
    chain_key(f"k2:{NEW},k1:{OLD}")  # the new key signs, the old one still verifies
    from onewindow.cases import services as cs
    from tests.cases.helpers import at

    cs.case_claim_task(case_id=case.id, actor=hall.reviewer, stage_order=2, at=at(2026, 9, 30))
    case = Case.objects.get(pk=case.pk)
    assert {e.key_id for e in case.events.all()} == {"k1", "k2"}
    assert verify_case(case).ok
    chain_key(f"k2:{NEW}")  # the old key dropped: its events can no longer be verified, and say so
    codes = {b.code for b in verify_case(case).breaks}
    assert codes == {"unknown_key"}


def _legacy(case: Case, migration) -> None:
    """Make ``case``'s history look as it was before the key: plain SHA-256 over the old content."""
    prev = GENESIS
    for e in CaseEvent.objects.filter(case=case).order_by("seq"):
        e.key_id = ""
        e.projection = {k: v for k, v in e.projection.items() if k in ("status", "visits", "applicant_name")}
        h = event_hash(prev, migration.legacy_content(e, case.number))
        sql("UPDATE cases_caseevent SET key_id = '', projection = %s, prev_hash = %s, hash = %s WHERE id = %s",
            json.dumps(e.projection), prev, h, e.pk)
        prev = h
    sql("UPDATE cases_case SET last_event_hash = %s WHERE id = %s", prev, case.pk)


@pytest.mark.django_db
def test_the_data_migration_re_signs_an_intact_chain_and_leaves_a_broken_one(hall):
    migration = importlib.import_module("onewindow.cases.migrations.0009_rechain")
    intact, broken = accepted_case(hall), accepted_case(hall)
    _legacy(intact, migration)
    _legacy(broken, migration)
    sql("UPDATE cases_caseevent SET actor_label = 'x', payload = '{}' WHERE case_id = %s AND seq = 2", broken.pk)
    before = {b.code for b in verify_case(Case.objects.get(pk=intact.pk)).breaks}
    assert {"unkeyed", "record_unsealed"} <= before

    with triggers_lifted(protected_uris()):  # the migration runs before the triggers are installed
        migration.forwards(apps, None)

    assert verify_case(Case.objects.get(pk=intact.pk)).ok
    last = CaseEvent.objects.filter(case=intact).order_by("-seq").first()
    assert last.key_id == keys.signing_key().id
    assert last.projection["region_id"] == str(hall.county.id)  # sealed from the row
    assert not verify_case(Case.objects.get(pk=broken.pk)).ok  # not laundered
