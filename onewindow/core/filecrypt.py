"""Stored files at rest: AES-256-GCM with the personal-data key ring of :mod:`onewindow.core.crypto`.

An applicant's scans (an ID card, a licence, a contract) are personal data as much as the ID
number typed beside them, and so is a certificate that prints the holder's full ID number. Every
file under one of :data:`PRIVATE_DIRECTORIES` of ``MEDIA_ROOT`` is stored sealed::

    b"\\x00OWF1" ‖ len(kid) (1 byte) ‖ kid ‖ nonce (12 bytes) ‖ AES-GCM(ciphertext ‖ tag)

The header names the key, so rotation works as for columns: the first key of
``ONEWINDOW_DATA_KEYS`` seals, every listed key opens. The associated data is the header and the
file's path relative to ``MEDIA_ROOT``: a sealed file copied over another one does not open. The
leading NUL byte is never the start of a file the uploads accept (PDF, JPEG, PNG), so a plaintext
file written before this module (not yet migrated) is recognised and read as it is; ``manage.py
encrypt_stored_files`` (run by ``make migrate``) seals those in place, and ``rotate_data_keys``
re-seals files under an old key.

A file is sealed whole, in memory: uploads are at most ``UPLOAD_MAX_BYTES`` (10 MiB) and are held
in memory by the checks anyway (:class:`onewindow.core.uploads.CheckedFile`).

Writers: :func:`write_new` (a path chosen by the caller, never over an existing file) and
:class:`EncryptedFileSystemStorage`, the default storage of every ``FileField``. A field that is
public by design (the staff identity board's photos) names :func:`public_storage`. Readers:
:func:`read` and the storage's ``open``; a file that does not open (altered, swapped, or sealed
under a key no longer listed) raises :class:`StoredFileRefused`, which views answer with 409 and
a log line — never a 500, never the bytes.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from django.http import HttpResponse

from . import crypto
from .errors import Conflict

log = logging.getLogger("onewindow.files")

MAGIC = b"\x00OWF1"
_NONCE = 12
_TAG = 16
# The directories of MEDIA_ROOT whose files are personal data, and who writes there. A new writer
# of personal files adds its directory here (tests/trust/test_files_at_rest.py checks that every
# FileField on the default storage writes under one of them).
PRIVATE_DIRECTORIES = (
    "uploads",  # workbench.CaseScan: scans taken in at a window
    "online",  # online.OnlineUpload: files an applicant uploads with an online application
    "worktasks",  # worktasks: task and campaign reports' attachments, inspection photos
    "documents",  # documents.Document: rendered notices and certificates (a certificate shows the full ID number)
)


class StoredFileRefused(Conflict):
    """A stored file that does not open: altered, put in another file's place, or sealed with a key
    no longer configured. Answered 409 (the record exists; its file cannot be handed out)."""

    def __init__(self, name: str) -> None:
        super().__init__("file.refused", "文件校验失败（存储的文件已被改动或无法解密），已记录，请联系中心管理员")
        self.name = name


def _context(name: str) -> bytes:
    return f"onewindow.file:{Path(name).as_posix()}".encode()


def is_sealed(blob: bytes) -> bool:
    """True for bytes in the sealed form (whatever key sealed them)."""
    return blob.startswith(MAGIC)


def _header(blob: bytes) -> tuple[str, int]:
    """The key id of a sealed blob and the length of its header (with the nonce)."""
    if len(blob) < len(MAGIC) + 1:
        raise ValueError("truncated header")
    kid_length = blob[len(MAGIC)]
    start = len(MAGIC) + 1
    kid = blob[start:start + kid_length].decode("ascii")
    end = start + kid_length + _NONCE
    if len(blob) < end + _TAG:
        raise ValueError("truncated file")
    return kid, end


def key_id(blob: bytes) -> str | None:
    """The key id a sealed blob names; None for a plaintext (not yet sealed) file."""
    if not is_sealed(blob):
        return None
    try:
        return _header(blob)[0]
    except (ValueError, UnicodeDecodeError):
        return ""  # a damaged header: under no configured key, so rotation reports it


def seal(data: bytes, *, name: str) -> bytes:
    """``data`` sealed with the current data key, bound to ``name`` (its path under MEDIA_ROOT)."""
    ring = crypto.keyring()
    kid = ring.current.encode("ascii")
    header = MAGIC + bytes([len(kid)]) + kid
    nonce = secrets.token_bytes(_NONCE)
    return header + nonce + ring.keys[ring.current].encrypt(nonce, data, header + _context(name))


def unseal(blob: bytes, *, name: str) -> bytes:
    """The plaintext of a stored file; a file not in the sealed form is returned as it is (written
    before files were sealed). :class:`StoredFileRefused` when no configured key opens it."""
    if not is_sealed(blob):
        return blob
    try:
        kid, end = _header(blob)
        aead = crypto.keyring().keys.get(kid)
        if aead is None:
            raise ValueError(f"key {kid!r} is not in ONEWINDOW_DATA_KEYS")
        return aead.decrypt(blob[end - _NONCE:end], blob[end:], blob[:end - _NONCE] + _context(name))
    except (InvalidTag, ValueError, UnicodeDecodeError) as exc:
        log.error("stored file %s refused: it does not decrypt (%s)", name, type(exc).__name__)
        raise StoredFileRefused(name) from None


def plaintext_size(blob_size: int, head: bytes) -> int:
    """The size of the file's plaintext, from its stored size and its first bytes."""
    if not is_sealed(head):
        return blob_size
    try:
        return blob_size - _header(head + b"\0" * (_NONCE + _TAG))[1] - _TAG
    except (ValueError, UnicodeDecodeError):
        return blob_size


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def write_new(relative: str, data: bytes, *, root: Path | None = None) -> None:
    """Store ``data`` sealed at ``relative`` (under MEDIA_ROOT), never over an existing file
    (FileExistsError). Written to a private temporary file and linked into place: a reader never
    sees half a file, and a crash leaves no half-written one under the name."""
    path = (root or media_root()) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    _link_into_place(path, seal(data, name=relative))


def _link_into_place(path: Path, blob: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(blob)
            out.flush()
            os.fsync(out.fileno())
        os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read(relative: str, *, root: Path | None = None) -> bytes:
    """The plaintext of the stored file at ``relative``: OSError if it is missing,
    :class:`StoredFileRefused` if it does not open."""
    return unseal(((root or media_root()) / relative).read_bytes(), name=relative)


def refused_response(exc: StoredFileRefused) -> HttpResponse:
    """The answer to a file that does not open: 409 with what happened in Chinese (already logged)."""
    return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")


# --- the storage of FileFields ------------------------------------------------------------------------


class EncryptedFileSystemStorage(FileSystemStorage):
    """``MEDIA_ROOT`` with every file sealed on save and opened on read (the default storage)."""

    def _save(self, name: str, content: Any) -> str:
        data = b"".join(c if isinstance(c, bytes) else c.encode() for c in content.chunks())
        while True:
            try:
                write_new(name, data, root=Path(self.location))
            except FileExistsError:
                name = self.get_available_name(name)
            else:
                break
        if self.file_permissions_mode is not None:
            os.chmod(self.path(name), self.file_permissions_mode)
        return str(name).replace("\\", "/")

    def _open(self, name: str, mode: str = "rb") -> File:
        if any(flag in mode for flag in "wa+"):
            raise ValueError("stored files are written only by save()")
        return File(io.BytesIO(read(name, root=Path(self.location))), name=name)

    def size(self, name: str) -> int:
        path = Path(self.path(name))
        with path.open("rb") as fh:
            head = fh.read(len(MAGIC) + 1 + 255 + _NONCE)
        return plaintext_size(path.stat().st_size, head)


class PublicFileSystemStorage(FileSystemStorage):
    """``MEDIA_ROOT`` in plaintext, for files that are public by design (the staff identity board's
    photos): named explicitly on the field, so that choosing it is a decision in the code."""


def public_storage() -> PublicFileSystemStorage:
    """The storage of a public ``FileField`` (a callable, so migrations name it, not a path)."""
    return PublicFileSystemStorage()


# --- sealing in place and rotation --------------------------------------------------------------------


@dataclass
class FileReport:
    """What a pass over the stored files did: files sealed (they were plaintext), re-sealed under
    the current key, still to do (a dry run), and refused (no configured key opens them)."""

    sealed: int = 0
    resealed: int = 0
    pending: int = 0
    refused: list[str] = field(default_factory=list)


def _is_private(relative: str) -> bool:
    parts = Path(relative).parts
    return bool(parts) and parts[0] in PRIVATE_DIRECTORIES


def stored_files(root: Path | None = None) -> Iterator[str]:
    """Every stored file under MEDIA_ROOT (relative, posix), temporary files left out."""
    base = root or media_root()
    if not base.is_dir():
        return
    for path in sorted(base.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            yield path.relative_to(base).as_posix()


def reseal(*, rotate: bool, dry_run: bool = False, root: Path | None = None,
           progress: Callable[[str], None] | None = None) -> FileReport:
    """Seal every plaintext file of the private directories in place; with ``rotate``, also
    re-seal every sealed file (anywhere under MEDIA_ROOT) whose key is not the current one.

    Idempotent: a sealed file under the current key is recognised by its header and left alone.
    Each file is replaced atomically (a new file renamed over it), and only if it still holds what
    was read: stored files are never rewritten by the application, so nothing is lost; a file
    that does not open is reported, never replaced.
    """
    base = root or media_root()
    current = crypto.keyring().current
    report = FileReport()
    for relative in stored_files(base):
        path = base / relative
        blob = path.read_bytes()
        kid = key_id(blob)
        if kid is None and not _is_private(relative):
            continue  # public by design (the staff board's photos, the catalog's blank forms)
        if kid == current or (kid is not None and not rotate):
            continue
        if dry_run:
            report.pending += 1
            continue
        try:
            plain = unseal(blob, name=relative)
        except StoredFileRefused:
            report.refused.append(relative)
            continue
        if _replace_if_unchanged(path, blob, seal(plain, name=relative)):
            if kid is None:
                report.sealed += 1
            else:
                report.resealed += 1
    if progress:
        progress(f"stored files: {report.sealed} sealed, {report.resealed} re-sealed under {current}, "
                 f"{report.pending} to do, {len(report.refused)} refused")
    return report


def _replace_if_unchanged(path: Path, expected: bytes, blob: bytes) -> bool:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    mode = path.stat().st_mode & 0o777
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(blob)
            out.flush()
            os.fsync(out.fileno())
        try:
            if path.read_bytes() != expected:
                return False
        except FileNotFoundError:
            return False  # removed meanwhile (a draft's file taken back): nothing to seal
        os.replace(tmp, path)
        return True
    finally:
        tmp.unlink(missing_ok=True)
