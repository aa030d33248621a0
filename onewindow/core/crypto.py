"""Personal data at rest: AES-GCM encryption of single values and keyed blind indexes.

Keys never live in the repository nor in the database:

- ``ONEWINDOW_DATA_KEYS`` — comma-separated ``kid:base64key`` (32-byte AES-256 keys). The first
  encrypts; every listed key decrypts, so a key can be rotated while the site runs: put the new key
  first, keep the old one listed, run ``manage.py rotate_data_keys``, then drop the old one.
- ``ONEWINDOW_BLIND_INDEX_KEY`` — base64 HMAC-SHA256 key of the blind indexes (exact-match search
  on a number without decrypting every row). Its own key: knowing it reveals no stored value.

In development and tests (``settings.ONEWINDOW["DEV_KEY_FILES"]``: DEBUG, the test suite, ``make
run``) missing keys are generated once into ``ONEWINDOW_VAR_DIR`` (``data_keys``,
``blind_index_key``). Otherwise a missing key is an :class:`ImproperlyConfigured` error, and the
server refuses to start (:func:`require_keys`; ``check --deploy`` reports ``core.E010``).

A stored value reads ``ow1:<kid>:<base64url(nonce ‖ ciphertext ‖ tag)>``. The associated data is
the column's name (``cases.Case.applicant_phone``): a ciphertext copied into another column does not
decrypt. No Django model imports here (core imports no app).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import caches

PREFIX = "ow1:"
_NONCE = 12
_KID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
DATA_KEYS_FILE = "data_keys"
BLIND_INDEX_KEY_FILE = "blind_index_key"


class DecryptionError(ValueError):
    """A stored value that no configured key opens (unknown key id, or altered ciphertext)."""


@dataclass(frozen=True)
class Keyring:
    """The data keys: ``current`` encrypts, every key in ``keys`` decrypts."""

    current: str
    keys: dict[str, AESGCM]


def _config() -> dict:
    return getattr(settings, "ONEWINDOW", {}) or {}


def _dev_files_allowed() -> bool:
    return bool(_config().get("DEV_KEY_FILES"))


def _new_data_key() -> str:
    return f"dev1:{base64.b64encode(AESGCM.generate_key(256)).decode()}"


def _new_blind_index_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


_MAKERS = {DATA_KEYS_FILE: _new_data_key, BLIND_INDEX_KEY_FILE: _new_blind_index_key}


def _dev_file(name: str) -> str:
    """The content of a key file under VAR_DIR, generated on first use (development only)."""
    return _dev_file_at(Path(settings.VAR_DIR) / name)


@lru_cache(maxsize=16)
def _dev_file_at(path: Path) -> str:
    # Read once per process: every encrypted value read or written asks for the keys.
    make = _MAKERS[path.name]
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting together keep the first key, never two different ones.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(make())
    return path.read_text().strip()


def configured_data_keys() -> str:
    """The raw ``kid:base64key,…`` setting: the environment, else (development) the key file."""
    raw = str(_config().get("DATA_KEYS") or "").strip()
    if raw:
        return raw
    if _dev_files_allowed():
        return _dev_file(DATA_KEYS_FILE)
    raise ImproperlyConfigured("ONEWINDOW_DATA_KEYS is not set: personal data cannot be encrypted")


def configured_blind_index_key() -> str:
    """The raw base64 blind-index key: the environment, else (development) the key file."""
    raw = str(_config().get("BLIND_INDEX_KEY") or "").strip()
    if raw:
        return raw
    if _dev_files_allowed():
        return _dev_file(BLIND_INDEX_KEY_FILE)
    raise ImproperlyConfigured("ONEWINDOW_BLIND_INDEX_KEY is not set: personal data cannot be indexed")


def parse_data_keys(raw: str) -> Keyring:
    """``kid:base64key,…`` as a keyring; ImproperlyConfigured on any malformed entry."""
    keys: dict[str, AESGCM] = {}
    current = ""
    for entry in (e.strip() for e in raw.split(",")):
        if not entry:
            continue
        kid, sep, b64 = entry.partition(":")
        if not sep or not _KID.match(kid):
            raise ImproperlyConfigured("ONEWINDOW_DATA_KEYS: each entry is kid:base64key (kid: letters, digits, - _)")
        try:
            key = base64.b64decode(b64, validate=True)
        except ValueError as exc:
            raise ImproperlyConfigured(f"ONEWINDOW_DATA_KEYS: key {kid} is not base64") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"ONEWINDOW_DATA_KEYS: key {kid} must be 32 bytes (AES-256)")
        if kid in keys:
            raise ImproperlyConfigured(f"ONEWINDOW_DATA_KEYS: key id {kid} is listed twice")
        keys[kid] = AESGCM(key)
        current = current or kid
    if not keys:
        raise ImproperlyConfigured("ONEWINDOW_DATA_KEYS lists no key")
    return Keyring(current=current, keys=keys)


@lru_cache(maxsize=8)
def _keyring_for(raw: str, dev_files: bool, var_dir: str) -> Keyring:
    return parse_data_keys(configured_data_keys())


def keyring() -> Keyring:
    """The configured keyring, parsed once per configuration (every value read or written asks)."""
    config = _config()
    return _keyring_for(str(config.get("DATA_KEYS") or ""), bool(config.get("DEV_KEY_FILES")), str(settings.VAR_DIR))


@lru_cache(maxsize=8)
def _blind_key_for(raw: str, dev_files: bool, var_dir: str) -> bytes:
    raw = configured_blind_index_key()
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured("ONEWINDOW_BLIND_INDEX_KEY is not base64") from exc
    if len(key) < 16:
        raise ImproperlyConfigured("ONEWINDOW_BLIND_INDEX_KEY must be at least 16 bytes")
    return key


def blind_index_key() -> bytes:
    """The blind indexes' HMAC key (parsed once per configuration)."""
    config = _config()
    return _blind_key_for(str(config.get("BLIND_INDEX_KEY") or ""), bool(config.get("DEV_KEY_FILES")),
                          str(settings.VAR_DIR))


def encrypt(value: str, *, context: str) -> str:
    """``value`` encrypted with the current key, bound to ``context`` (the column's name)."""
    ring = keyring()
    nonce = secrets.token_bytes(_NONCE)
    sealed = ring.keys[ring.current].encrypt(nonce, value.encode(), context.encode())
    return f"{PREFIX}{ring.current}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def is_encrypted(stored: str | None) -> bool:
    """True for a value in the stored (``ow1:``) form."""
    return bool(stored) and stored.startswith(PREFIX)


def key_id(stored: str) -> str | None:
    """The key id a stored value was encrypted with; None for a plaintext (not yet migrated) value."""
    if not is_encrypted(stored):
        return None
    return stored[len(PREFIX):].partition(":")[0]


def decrypt(stored: str, *, context: str) -> str:
    """The plaintext of a stored value. DecryptionError when no listed key opens it."""
    kid, _, b64 = stored[len(PREFIX):].partition(":")
    ring = keyring()
    aead = ring.keys.get(kid)
    if aead is None:
        raise DecryptionError(f"{context}: key {kid!r} is not in ONEWINDOW_DATA_KEYS")
    try:
        blob = base64.urlsafe_b64decode(b64)
        return aead.decrypt(blob[:_NONCE], blob[_NONCE:], context.encode()).decode()
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError(f"{context}: a stored value does not decrypt (altered or misplaced)") from exc


# --- blind indexes ---------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\-]+")


def normalize_id_number(value: str) -> str:
    """An identity number as compared: no spaces, upper case (a typed ``x`` is the check ``X``)."""
    return _SPACES.sub("", value or "").upper()


def normalize_phone(value: str) -> str:
    """A phone number as compared: no spaces or dashes, without the +86 / 0086 country prefix."""
    digits = _SPACES.sub("", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix):]
    return digits


NORMALIZERS = {"id_number": normalize_id_number, "phone": normalize_phone, "text": lambda v: (v or "").strip()}


def blind_index(kind: str, value: str | None) -> str:
    """The keyed index of ``value`` (HMAC-SHA256, hex) after ``kind``'s normalisation; ``""`` for
    an empty value. The kind is part of the MAC: an ID number and a phone never share an index."""
    normalized = NORMALIZERS[kind](value or "")
    if not normalized:
        return ""
    return hmac.new(blind_index_key(), f"{kind}\0{normalized}".encode(), hashlib.sha256).hexdigest()


@caches.register
def forget_keys() -> None:
    """Forget the parsed keys and the key files read (a new configuration, each test)."""
    _dev_file_at.cache_clear()
    _keyring_for.cache_clear()
    _blind_key_for.cache_clear()


def require_keys() -> None:
    """Raise ImproperlyConfigured unless both keys are usable: the server's start calls it."""
    if problems := keys_status():
        raise ImproperlyConfigured("; ".join(problems))


def keys_status() -> list[str]:
    """Problems with the key configuration, for the system check (empty: all well)."""
    problems = []
    for name, read in (("ONEWINDOW_DATA_KEYS", keyring), ("ONEWINDOW_BLIND_INDEX_KEY", blind_index_key)):
        try:
            read()
        except ImproperlyConfigured as exc:
            problems.append(f"{name}: {exc}")
    return problems
