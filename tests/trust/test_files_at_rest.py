"""Issue 13, "personal data at rest", the files: an applicant's scans and uploads, and the rendered
notices and certificates, are stored sealed (AES-256-GCM with the personal-data key ring,
core/filecrypt.py), handed out decrypted only through
the permission-checked download views, re-sealed by key rotation, sealed in place when they were
written before, and refused — with a clear 409, logged, never a 500 — when they do not open."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.test import Client

from onewindow.core import filecrypt
from onewindow.core.uploads import check_file
from onewindow.documents import services as document_services
from onewindow.online import services as online_services
from onewindow.online.models import OnlineUpload
from onewindow.organization.models import Staff
from onewindow.workbench import services as workbench_services
from onewindow.workbench.models import CaseScan
from onewindow.worktasks import services as worktasks_services
from onewindow.worktasks.models import FindingPhoto
from tests.cases.helpers import accepted_case, last_event, submit
from tests.notifications.sending import HERE, PhoneSender
from tests.online.helpers import PDF, register
from tests.worktasks.helpers import build_people, image

pytestmark = pytest.mark.django_db

# A scan whose bytes are easy to look for on disk: an ID card's number in a PDF.
SCAN = PDF.replace(b"trailer", b"(110101199003070038 ZHANG SAN) trailer")
SECRET = b"110101199003070038"


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def keys(settings):
    """Two fresh data keys, k1 current, from the "environment"."""
    k1, k2 = _key(), _key()
    settings.ONEWINDOW = {**settings.ONEWINDOW, "DATA_KEYS": f"k1:{k1}"}
    return SimpleNamespace(k1=k1, k2=k2, settings=settings)


@pytest.fixture
def phones(settings):
    """SMS to :class:`PhoneSender`'s inbox: the online applicant registers with a texted code."""
    PhoneSender.inbox = []
    settings.ONEWINDOW = {**settings.ONEWINDOW, "SENDERS": {"sms": f"{HERE}.PhoneSender"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _on_disk(settings, relative: str) -> bytes:
    return (Path(settings.MEDIA_ROOT) / relative).read_bytes()


def _scan(hall) -> CaseScan:
    """A scan taken in at the window, through the workbench's service."""
    case = submit(hall)
    checked = check_file(SimpleUploadedFile("身份证.pdf", SCAN, content_type="application/pdf"), material="申请书",
                         field="file")
    return workbench_services.scans_add(case_id=case.pk, actor=hall.clerk, scans=[checked])[0]


def _scan_url(scan: CaseScan) -> str:
    return f"/staff/cases/{scan.case.number}/scans/{scan.pk}/"


def _clerk(hall) -> Client:
    client = Client()
    client.force_login(hall.clerk.user)
    return client


def _photo(hall) -> tuple[FindingPhoto, bytes, Staff]:
    """An inspection photo (a FileField on the default storage), recorded by the center's office."""
    people = build_people(hall)
    inspection = worktasks_services.inspection_create(
        actor=people.admin, region_id=hall.county.pk, kind="inspection", title="明察", planned_on=date(2026, 10, 14),
        window_ids=[hall.window.pk])
    photo = image("PNG", (41, 31))
    finding, _problem = worktasks_services.finding_record(
        actor=people.admin, inspection_id=inspection.pk, criterion="presence", window_id=hall.window.pk,
        note="窗口无人", photos=[SimpleUploadedFile("现场.png", photo, content_type="image/png")])
    return FindingPhoto.objects.get(finding=finding), photo, people.admin


# --- stored sealed, served decrypted -----------------------------------------------------------------


def test_a_window_scan_is_sealed_on_disk_and_downloaded_as_it_was_taken_in(hall, settings):
    scan = _scan(hall)
    raw = _on_disk(settings, scan.file_path)
    assert filecrypt.is_sealed(raw)
    assert SECRET not in raw
    assert b"%PDF" not in raw
    response = _clerk(hall).get(_scan_url(scan))
    assert response.status_code == 200
    assert response.content == SCAN
    assert response["Content-Disposition"].startswith("attachment;")


def test_an_online_upload_is_sealed_on_disk_and_downloaded_as_it_was_uploaded(hall, settings, phones):
    me = register()
    online_services.draft_attach(account=me, item_code=hall.item.implementation_code, token=None,
                                 files=[check_file(SimpleUploadedFile("身份证.pdf", SCAN), material="申请书",
                                                   field="material[0]")])
    upload = OnlineUpload.objects.get()
    raw = _on_disk(settings, upload.path)
    assert filecrypt.is_sealed(raw)
    assert SECRET not in raw
    client = Client()
    client.force_login(me, backend=online_services.LOGIN_BACKEND)
    response = client.get(f"/online/uploads/{upload.pk}/")
    assert response.status_code == 200
    assert response.content == SCAN
    assert response["Content-Disposition"].startswith("attachment;")
    # the applicant of someone else's upload learns nothing of it
    stranger = Client()
    stranger.force_login(register("13887654321", name="李四", id_number="110105199003071239"),
                         backend=online_services.LOGIN_BACKEND)
    assert stranger.get(f"/online/uploads/{upload.pk}/").status_code == 404


def test_a_file_field_on_the_default_storage_is_sealed_and_served_decrypted(hall, settings):
    photo, content, admin = _photo(hall)
    raw = _on_disk(settings, photo.file.name)
    assert filecrypt.is_sealed(raw)
    assert content[:8] not in raw
    assert photo.file.size == len(content)  # the storage's size is the plaintext's
    client = Client()
    client.force_login(admin.user)
    response = client.get(f"/staff/worktasks/photos/{photo.pk}/")
    assert response.status_code == 200
    assert response.content == content
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_rendered_document_is_sealed_on_disk_and_served_decrypted(hall, settings):
    # a certificate prints the holder's full ID number: rendered notices and certificates are sealed too
    case = accepted_case(hall)
    document = document_services.document_render(document_id=document_services.document_issue(
        case=case, event=last_event(case), kind="acceptance_notice").id)
    raw = _on_disk(settings, document.pdf_path)
    assert filecrypt.is_sealed(raw)
    assert b"%PDF" not in raw
    response = _clerk(hall).get(f"/staff/documents/{document.number}/pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert hashlib.sha256(response.content).hexdigest() == document.pdf_sha256


def test_the_public_staff_board_photo_stays_plaintext_by_decision(hall, settings):
    photo = image("PNG", (30, 40))
    field = Staff._meta.get_field("photo")
    assert isinstance(field.storage, filecrypt.PublicFileSystemStorage)
    name = field.storage.save("staff/E-1.png", SimpleUploadedFile("me.png", photo))
    assert _on_disk(settings, name) == photo


def test_every_file_field_writes_sealed_under_a_private_directory_unless_declared_public():
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if not isinstance(f, models.FileField):
                continue
            if isinstance(f.storage, filecrypt.PublicFileSystemStorage):
                assert (model, f.name) == (Staff, "photo"), f"{model._meta.label}.{f.name} is public: say why here"
                continue
            assert isinstance(f.storage, filecrypt.EncryptedFileSystemStorage), f"{model._meta.label}.{f.name}"
            top = str(f.upload_to).split("/", 1)[0]
            assert top in filecrypt.PRIVATE_DIRECTORIES, f"{model._meta.label}.{f.name} writes under {top}/"


# --- refused when it does not open ------------------------------------------------------------------------


def _flip(settings, relative: str, at: int = -5) -> None:
    path = Path(settings.MEDIA_ROOT) / relative
    blob = bytearray(path.read_bytes())
    blob[at] ^= 0x01
    path.write_bytes(bytes(blob))


def test_a_tampered_scan_is_refused_with_a_clear_409_and_logged(hall, settings, caplog):
    scan = _scan(hall)
    _flip(settings, scan.file_path)
    with caplog.at_level(logging.ERROR, logger="onewindow.files"):
        response = _clerk(hall).get(_scan_url(scan))
    assert response.status_code == 409
    assert "文件校验失败" in response.content.decode()
    assert SCAN not in response.content
    assert any(scan.file_path in r.getMessage() for r in caplog.records if r.name == "onewindow.files")


def test_a_sealed_file_put_in_another_files_place_does_not_open(hall, settings):
    first, second = _scan(hall), _scan(hall)
    (Path(settings.MEDIA_ROOT) / second.file_path).write_bytes(_on_disk(settings, first.file_path))
    assert _clerk(hall).get(_scan_url(second)).status_code == 409


def test_a_tampered_upload_and_a_tampered_photo_are_refused_not_a_500(hall, settings, phones, caplog):
    me = register()
    online_services.draft_attach(account=me, item_code=hall.item.implementation_code, token=None,
                                 files=[check_file(SimpleUploadedFile("a.pdf", SCAN), material="申请书", field="f")])
    upload = OnlineUpload.objects.get()
    _flip(settings, upload.path, at=20)
    client = Client()
    client.force_login(me, backend=online_services.LOGIN_BACKEND)
    refused = client.get(f"/online/uploads/{upload.pk}/")
    assert refused.status_code == 409
    assert "文件校验失败" in refused.content.decode()
    photo, _content, admin = _photo(hall)
    _flip(settings, photo.file.name)
    staff = Client()
    staff.force_login(admin.user)
    assert staff.get(f"/staff/worktasks/photos/{photo.pk}/").status_code == 409
    # a file that is gone is "not found", as before
    (Path(settings.MEDIA_ROOT) / photo.file.name).unlink()
    assert staff.get(f"/staff/worktasks/photos/{photo.pk}/").status_code == 404


def test_a_file_sealed_with_a_key_no_longer_listed_is_refused(hall, keys, settings):
    scan = _scan(hall)
    listed = keys.settings.ONEWINDOW
    keys.settings.ONEWINDOW = {**listed, "DATA_KEYS": f"k9:{_key()}"}
    foreign = filecrypt.seal(SCAN, name=scan.file_path)
    keys.settings.ONEWINDOW = listed
    (Path(settings.MEDIA_ROOT) / scan.file_path).write_bytes(foreign)
    assert _clerk(hall).get(_scan_url(scan)).status_code == 409


# --- rotation and the migration in place ----------------------------------------------------------------------


def test_rotation_re_seals_files_and_old_ones_keep_opening_meanwhile(hall, keys, settings):
    scan = _scan(hall)
    photo, content, admin = _photo(hall)
    assert filecrypt.key_id(_on_disk(settings, scan.file_path)) == "k1"
    # the new key first, the old one still listed: old files open, new files are sealed with k2
    keys.settings.ONEWINDOW = {**keys.settings.ONEWINDOW, "DATA_KEYS": f"k2:{keys.k2},k1:{keys.k1}"}
    assert _clerk(hall).get(_scan_url(scan)).content == SCAN
    assert filecrypt.key_id(_on_disk(settings, _scan(hall).file_path)) == "k2"
    with pytest.raises(CommandError, match="stored files are still under an old key"):
        call_command("rotate_data_keys", "--check")
    call_command("rotate_data_keys")
    assert filecrypt.key_id(_on_disk(settings, scan.file_path)) == "k2"
    assert filecrypt.key_id(_on_disk(settings, photo.file.name)) == "k2"
    call_command("rotate_data_keys", "--check")
    # the old key can go: everything still opens
    keys.settings.ONEWINDOW = {**keys.settings.ONEWINDOW, "DATA_KEYS": f"k2:{keys.k2}"}
    assert _clerk(hall).get(_scan_url(scan)).content == SCAN
    client = Client()
    client.force_login(admin.user)
    assert client.get(f"/staff/worktasks/photos/{photo.pk}/").content == content


def test_the_migration_seals_plaintext_files_in_place_and_a_second_run_changes_nothing(hall, settings):
    # given a scan and a photo as they were stored before files were sealed, and public files
    scan = _scan(hall)
    photo, content, _admin = _photo(hall)
    media = Path(settings.MEDIA_ROOT)
    (media / scan.file_path).write_bytes(SCAN)
    (media / photo.file.name).write_bytes(content)
    board = image("PNG", (20, 20))
    (media / "staff").mkdir()
    (media / "staff" / "E-1.png").write_bytes(board)
    (media / "catalog").mkdir()
    (media / "catalog" / "申请书.pdf").write_bytes(PDF)
    assert _clerk(hall).get(_scan_url(scan)).content == SCAN  # plaintext still reads meanwhile
    with pytest.raises(CommandError, match="still in plaintext"):
        call_command("encrypt_stored_files", "--check")
    # when the migration runs
    call_command("encrypt_stored_files")
    # then the private files are sealed in place, the public ones untouched, and downloads unchanged
    assert filecrypt.is_sealed(_on_disk(settings, scan.file_path))
    assert SECRET not in _on_disk(settings, scan.file_path)
    assert filecrypt.is_sealed(_on_disk(settings, photo.file.name))
    assert (media / "staff" / "E-1.png").read_bytes() == board
    assert (media / "catalog" / "申请书.pdf").read_bytes() == PDF
    assert _clerk(hall).get(_scan_url(scan)).content == SCAN
    call_command("encrypt_stored_files", "--check")
    # and a second run is a no-op: a sealed file is recognised by its header
    before = {p: p.read_bytes() for p in media.rglob("*") if p.is_file()}
    call_command("encrypt_stored_files")
    assert {p: p.read_bytes() for p in media.rglob("*") if p.is_file()} == before


def test_the_migration_reports_a_file_that_does_not_open_and_leaves_it(hall, keys, settings):
    scan = _scan(hall)
    _flip(settings, scan.file_path)
    broken = _on_disk(settings, scan.file_path)
    keys.settings.ONEWINDOW = {**keys.settings.ONEWINDOW, "DATA_KEYS": f"k2:{keys.k2},k1:{keys.k1}"}
    with pytest.raises(CommandError, match="do not decrypt"):
        call_command("rotate_data_keys")
    assert _on_disk(settings, scan.file_path) == broken


def test_sealing_binds_the_key_the_path_and_every_byte():
    sealed = filecrypt.seal(b"abc", name="uploads/x/1.pdf")
    assert filecrypt.unseal(sealed, name="uploads/x/1.pdf") == b"abc"
    assert filecrypt.unseal(b"%PDF-1.4 legacy", name="uploads/x/1.pdf") == b"%PDF-1.4 legacy"
    for broken in (sealed[:-1], sealed[:8], sealed[:-1] + bytes([sealed[-1] ^ 1])):
        with pytest.raises(filecrypt.StoredFileRefused):
            filecrypt.unseal(broken, name="uploads/x/1.pdf")
    with pytest.raises(filecrypt.StoredFileRefused):
        filecrypt.unseal(sealed, name="uploads/x/2.pdf")
    assert filecrypt.plaintext_size(len(sealed), sealed[:64]) == 3
