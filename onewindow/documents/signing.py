"""Ed25519 signing keys of the issuing centers, kept in files outside the database.

Layout under the key directory (``settings.ONEWINDOW_KEY_DIR``, else ``VAR_DIR / "keys"``)::

    <region code>/<key id>.key   the private key, PKCS#8 PEM, mode 0600
    <region code>/<key id>.pub   the public key, PEM — kept forever, so old certificates verify
    <region code>/current        the key id in use

A key id is the first 16 hex digits of SHA-256 over the raw 32-byte public key, so a public key
file can be checked against its name. A center's first key is made on first use; rotation makes a
new current key and never signs with the old private key again. The directory is read from the
settings on every call, so tests (and operators) can point it elsewhere without a restart.

Keeping keys out of the database means a stolen database dump cannot forge certificates, and an
edited certificate row cannot be re-signed by anyone who can only write to the database.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

_KEY_ID_RE = re.compile(r"^[0-9a-f]{16}$")
_REGION_RE = re.compile(r"^\d{12}$")


class SigningKeyError(Exception):
    """The key store is unusable (bad region code, unreadable or inconsistent key files)."""


@dataclass(frozen=True)
class SigningKey:
    region_code: str
    key_id: str
    private_key: Ed25519PrivateKey


def key_dir() -> Path:
    """The root of the key store, read from the settings at call time."""
    configured = getattr(settings, "ONEWINDOW_KEY_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "keys"


def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _region_dir(region_code: str) -> Path:
    if not _REGION_RE.match(region_code):
        raise SigningKeyError(f"invalid region code {region_code!r}")
    return key_dir() / region_code


@contextmanager
def _locked(region_code: str) -> Iterator[Path]:
    """Serialize key creation and rotation of one center across processes."""
    directory = _region_dir(region_code)
    key_dir().mkdir(parents=True, exist_ok=True, mode=0o700)
    directory.mkdir(exist_ok=True, mode=0o700)
    with open(directory / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield directory
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create ``path``; never overwrite a key file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _set_current(directory: Path, key_id: str) -> None:
    tmp = directory / f".current.{os.getpid()}"
    tmp.write_text(key_id + "\n")
    os.replace(tmp, directory / "current")  # atomic: a reader sees the old or the new id


def _create_key(directory: Path) -> str:
    private = Ed25519PrivateKey.generate()
    key_id = key_id_of(private.public_key())
    _write_new(directory / f"{key_id}.key", private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()), 0o600)
    _write_new(directory / f"{key_id}.pub", private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo), 0o644)
    _set_current(directory, key_id)
    return key_id


def _read_current(directory: Path) -> str | None:
    try:
        key_id = (directory / "current").read_text().strip()
    except FileNotFoundError:
        return None
    if not _KEY_ID_RE.match(key_id):
        raise SigningKeyError(f"{directory / 'current'} does not name a key")
    return key_id


def current_key(region_code: str) -> SigningKey:
    """The center's signing key in use; its first key is created here on first use."""
    directory = _region_dir(region_code)
    key_id = _read_current(directory) if directory.exists() else None
    if key_id is None:
        with _locked(region_code) as directory:
            key_id = _read_current(directory) or _create_key(directory)
    try:
        private = serialization.load_pem_private_key((directory / f"{key_id}.key").read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise SigningKeyError(f"cannot read private key {key_id} of {region_code}") from exc
    if not isinstance(private, Ed25519PrivateKey) or key_id_of(private.public_key()) != key_id:
        raise SigningKeyError(f"private key file {key_id} of {region_code} does not match its name")
    return SigningKey(region_code, key_id, private)


def rotate(region_code: str) -> str:
    """Make a new current key for the center and return its id. Old key files stay."""
    with _locked(region_code) as directory:
        return _create_key(directory)


def public_key(key_id: str, *, region_code: str | None = None) -> Ed25519PublicKey | None:
    """The public key with this id (of this center, if given), or None if we never had it."""
    if not _KEY_ID_RE.match(key_id or ""):
        return None
    if region_code is not None:
        if not _REGION_RE.match(region_code):
            return None
        candidates = [key_dir() / region_code / f"{key_id}.pub"]
    else:
        candidates = sorted(key_dir().glob(f"*/{key_id}.pub"))
    for path in candidates:
        try:
            key = serialization.load_pem_public_key(path.read_bytes())
        except (OSError, ValueError):
            continue
        # A file whose key does not hash to its name was swapped: don't trust it.
        if isinstance(key, Ed25519PublicKey) and key_id_of(key) == key_id:
            return key
    return None


def sign(region_code: str, data: bytes) -> tuple[str, str]:
    """Sign ``data`` with the center's current key: (key id, Base64 signature)."""
    key = current_key(region_code)
    return key.key_id, base64.b64encode(key.private_key.sign(data)).decode("ascii")


def verify(key_id: str, data: bytes, signature: str, *, region_code: str | None = None) -> bool | None:
    """True if the signature is good, False if it is not, None if the key is unknown to us."""
    key = public_key(key_id, region_code=region_code)
    if key is None:
        return None
    try:
        key.verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, ValueError):
        return False
    return True
