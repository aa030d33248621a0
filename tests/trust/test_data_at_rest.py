"""Issue 13, "personal data at rest": ID numbers and phones are stored AES-GCM-encrypted, found by a
keyed blind index, migrated in place, and re-encrypted by key rotation while the site runs."""

from __future__ import annotations

import base64
import os
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from onewindow.accounts.models import User
from onewindow.cases.models import Case
from onewindow.core import crypto, rotation
from onewindow.core.checks import data_keys_check, dev_key_files_check
from onewindow.core.personal_fields import encrypt_in_place, encrypted_fields
from onewindow.core.timesource import now as current_time
from onewindow.notifications.models import OutboxMessage
from onewindow.online.models import Draft, OneTimeCode
from onewindow.online.services import otp_request
from tests.cases.helpers import VALID_ID, submit

pytestmark = pytest.mark.django_db

PHONE = "13800000000"  # the hall's applicant (tests/cases/helpers.py)


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _raw(model, pk: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _set_raw(model, pk: int, column: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET {column} = %s WHERE id = %s", [value, pk])


@pytest.fixture
def keys(settings):
    """Two fresh data keys, k1 current, and a blind-index key, from the "environment"."""
    k1, k2 = _key(), _key()
    settings.ONEWINDOW = {**settings.ONEWINDOW, "DATA_KEYS": f"k1:{k1}", "BLIND_INDEX_KEY": _key()}
    return SimpleNamespace(k1=k1, k2=k2, settings=settings)


def test_a_case_stores_ciphertext_and_reads_plaintext(hall):
    case = submit(hall)
    for column, plain in (("applicant_id_number", VALID_ID), ("applicant_phone", PHONE)):
        stored = _raw(Case, case.pk, column)
        assert stored.startswith("ow1:")
        assert plain not in stored
        assert getattr(Case.objects.get(pk=case.pk), column) == plain
    # Equal values encrypt differently (a random nonce): the column gives away no equality.
    again = submit(hall)
    assert _raw(Case, again.pk, "applicant_id_number") != _raw(Case, case.pk, "applicant_id_number")


def test_the_blind_index_finds_a_number_typed_with_spaces_or_a_small_x(hall):
    case = submit(hall)
    typed = " " + VALID_ID[:6] + " " + VALID_ID[6:-1] + VALID_ID[-1].lower()
    assert list(Case.objects.filter(applicant_id_number_bidx=crypto.blind_index("id_number", typed))) == [case]
    assert list(Case.objects.filter(applicant_phone_bidx=crypto.blind_index("phone", "+86 138-0000-0000"))) == [case]
    assert crypto.blind_index("id_number", VALID_ID) != crypto.blind_index("phone", VALID_ID)  # kinds apart
    assert VALID_ID not in case.applicant_id_number_bidx


def test_lookups_on_an_encrypted_column_are_refused_not_silently_empty(hall):
    submit(hall)
    with pytest.raises(FieldError, match="blind index"):
        Case.objects.filter(applicant_phone=PHONE).exists()
    with pytest.raises(FieldError):
        list(Case.objects.filter(applicant_id_number__in=[VALID_ID]))
    assert Case.objects.filter(applicant_phone__isnull=False).count() == 1


def test_a_ciphertext_copied_to_another_column_does_not_decrypt(hall):
    case = submit(hall)
    _set_raw(Case, case.pk, "agent_id_number", _raw(Case, case.pk, "applicant_id_number"))
    with pytest.raises(crypto.DecryptionError):
        Case.objects.get(pk=case.pk)


def test_every_personal_column_is_encrypted():
    encrypted = {f"{m._meta.label}.{f.name}" for m in apps.get_models() for f in encrypted_fields(m)}
    assert {"cases.Case.applicant_id_number", "cases.Case.applicant_phone", "cases.Case.agent_id_number",
            "online.ApplicantProfile.phone", "online.ApplicantProfile.id_number", "online.OtpThrottle.phone",
            "online.OneTimeCode.phone", "accounts.User.phone", "notifications.OutboxMessage.recipient",
            "online.Draft.data"} <= encrypted


def test_the_migration_encrypts_plaintext_rows_in_place(hall):
    case = submit(hall)
    # A row as it was before the migration: plaintext, no blind index.
    _set_raw(Case, case.pk, "applicant_id_number", VALID_ID)
    _set_raw(Case, case.pk, "applicant_phone", PHONE)
    _set_raw(Case, case.pk, "applicant_id_number_bidx", "")
    assert Case.objects.get(pk=case.pk).applicant_phone == PHONE  # plaintext still reads meanwhile
    forward, backward = encrypt_in_place("cases", "Case", batch=1)
    forward(apps, SimpleNamespace(connection=connection))
    assert _raw(Case, case.pk, "applicant_id_number").startswith("ow1:")
    assert _raw(Case, case.pk, "applicant_phone").startswith("ow1:")
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.applicant_id_number, fresh.applicant_phone) == (VALID_ID, PHONE)
    assert fresh.applicant_id_number_bidx == crypto.blind_index("id_number", VALID_ID)
    backward(apps, SimpleNamespace(connection=connection))
    assert _raw(Case, case.pk, "applicant_phone") == PHONE


def test_rotation_re_encrypts_with_the_new_key_while_old_values_keep_reading(hall, keys):
    case = submit(hall)
    assert _raw(Case, case.pk, "applicant_phone").startswith("ow1:k1:")
    # The new key first, the old one still listed: every row reads, new writes use k2.
    keys.settings.ONEWINDOW = {**keys.settings.ONEWINDOW, "DATA_KEYS": f"k2:{keys.k2},k1:{keys.k1}"}
    assert Case.objects.get(pk=case.pk).applicant_phone == PHONE
    with pytest.raises(CommandError, match="old key"):
        call_command("rotate_data_keys", "--check")
    call_command("rotate_data_keys", "--batch-size", "1")
    for column in ("applicant_id_number", "applicant_phone"):
        assert _raw(Case, case.pk, column).startswith("ow1:k2:")
    call_command("rotate_data_keys", "--check")
    # The old key can go now.
    keys.settings.ONEWINDOW = {**keys.settings.ONEWINDOW, "DATA_KEYS": f"k2:{keys.k2}"}
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.applicant_id_number, fresh.applicant_phone) == (VALID_ID, PHONE)
    assert User.objects.filter(pk=hall.clerk.user.pk).exists()


def test_rotation_leaves_a_row_the_site_changed_meanwhile(hall, keys, monkeypatch):
    case = submit(hall)
    keys.settings.ONEWINDOW = {**keys.settings.ONEWINDOW, "DATA_KEYS": f"k2:{keys.k2},k1:{keys.k1}"}
    real_decrypt = crypto.decrypt
    raced = []

    def decrypt_while_a_clerk_edits(stored: str, *, context: str) -> str:
        if context == "cases.Case.applicant_phone" and not raced:
            raced.append(True)
            edited = Case.objects.get(pk=case.pk)
            edited.applicant_phone = "13900000001"
            edited.save(update_fields=["applicant_phone", "applicant_phone_bidx"])
        return real_decrypt(stored, context=context)

    monkeypatch.setattr(rotation.crypto, "decrypt", decrypt_while_a_clerk_edits)
    report = rotation.rotate(batch_size=10)
    assert report.raced == {"cases.Case": 1}
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.applicant_phone == "13900000001"  # the clerk's write won, and it is under k2
    assert _raw(Case, case.pk, "applicant_phone").startswith("ow1:k2:")
    assert fresh.applicant_phone_bidx == crypto.blind_index("phone", "13900000001")


def test_reindex_after_a_new_blind_index_key(hall, keys):
    case = submit(hall)
    keys.settings.ONEWINDOW = {**keys.settings.ONEWINDOW, "BLIND_INDEX_KEY": _key()}
    assert not Case.objects.filter(applicant_phone_bidx=crypto.blind_index("phone", PHONE)).exists()
    call_command("rotate_data_keys", "--reindex")
    assert list(Case.objects.filter(applicant_phone_bidx=crypto.blind_index("phone", PHONE))) == [case]


def test_accounts_and_the_outbox_are_encrypted_too(hall):
    otp_request(phone=PHONE, purpose="register")
    message = OutboxMessage.objects.get()
    assert _raw(OutboxMessage, message.pk, "recipient").startswith("ow1:")
    assert message.recipient == PHONE
    code = OneTimeCode.objects.get()
    assert _raw(OneTimeCode, code.pk, "phone").startswith("ow1:")
    assert code.phone == PHONE


def test_production_refuses_to_start_without_keys(settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "DATA_KEYS": "", "BLIND_INDEX_KEY": "", "DEV_KEY_FILES": False}
    with pytest.raises(ImproperlyConfigured, match="ONEWINDOW_DATA_KEYS"):
        crypto.require_keys()
    assert {e.id for e in data_keys_check()} == {"core.E010"}
    assert len(data_keys_check()) == 2
    settings.ONEWINDOW = {**settings.ONEWINDOW, "DATA_KEYS": "k1:" + base64.b64encode(b"short").decode(),
                          "BLIND_INDEX_KEY": _key()}
    assert "32 bytes" in data_keys_check()[0].msg
    settings.ONEWINDOW = {**settings.ONEWINDOW, "DATA_KEYS": f"k1:{_key()},k1:{_key()}"}
    assert "twice" in data_keys_check()[0].msg


def test_development_generates_key_files_once_and_deploy_check_warns(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.ONEWINDOW = {**settings.ONEWINDOW, "DATA_KEYS": "", "BLIND_INDEX_KEY": "", "DEV_KEY_FILES": True}
    first = crypto.configured_data_keys()
    assert first.startswith("dev1:")
    assert crypto.configured_data_keys() == first
    assert (tmp_path / "data_keys").stat().st_mode & 0o077 == 0  # readable by the owner only
    assert crypto.encrypt("x", context="t").startswith("ow1:dev1:")
    assert [w.id for w in dev_key_files_check()] == ["core.W010"]
    assert data_keys_check() == []


def _draft(hall) -> Draft:
    user = User.objects.create_user(username="draft-owner", password="x-unused-Password1")
    return Draft.objects.create(account=user, item=hall.item, data={"address": "云溪县城关镇幸福路 8 号",
                                                                    "contact_phone": PHONE, "copies": 2},
                                created_at=current_time(), updated_at=current_time())


def test_an_online_drafts_form_data_is_stored_encrypted(hall):
    draft = _draft(hall)
    stored = _raw(Draft, draft.pk, "data")
    assert stored.startswith("ow1:")
    assert PHONE not in stored
    assert "幸福路" not in stored
    fresh = Draft.objects.get(pk=draft.pk)
    assert fresh.data == {"address": "云溪县城关镇幸福路 8 号", "contact_phone": PHONE, "copies": 2}
    with pytest.raises(FieldError):
        Draft.objects.filter(data__contact_phone=PHONE).exists()


def test_a_plaintext_draft_of_before_the_migration_reads_and_is_encrypted_in_place(hall, keys):
    draft = _draft(hall)
    _set_raw(Draft, draft.pk, "data", '{"address": "幸福路", "contact_phone": "13800000000"}')
    assert Draft.objects.get(pk=draft.pk).data["contact_phone"] == PHONE  # read as it is
    forward, backward = encrypt_in_place("online", "Draft")
    forward(apps, SimpleNamespace(connection=connection))
    assert _raw(Draft, draft.pk, "data").startswith("ow1:k1:")
    assert Draft.objects.get(pk=draft.pk).data == {"address": "幸福路", "contact_phone": PHONE}
    # Key rotation covers the drafts like every encrypted column.
    keys.settings.ONEWINDOW = {**keys.settings.ONEWINDOW, "DATA_KEYS": f"k2:{keys.k2},k1:{keys.k1}"}
    call_command("rotate_data_keys")
    assert _raw(Draft, draft.pk, "data").startswith("ow1:k2:")
    assert Draft.objects.get(pk=draft.pk).data["address"] == "幸福路"
    backward(apps, SimpleNamespace(connection=connection))
    assert "幸福路" in _raw(Draft, draft.pk, "data")
