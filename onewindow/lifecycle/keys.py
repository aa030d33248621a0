"""The chain key: the secret every event hash and every anchor is keyed with (HMAC-SHA256).

The key is never in the database, so someone who can write the tables cannot recompute a chain
after editing it. It comes from the environment, ``ONEWINDOW_CHAIN_KEY``: one or more keys
separated by commas, the first signing new events, the others (older keys) still verifying the
events they signed. Each key may be written ``id:secret``; without an id, the id is derived from
the secret (a one-way digest, so it names the key without revealing it). Every event stores the id
of the key it was signed with, so keys can rotate without re-signing history.

Without the variable (development, tests, the demo) a key is generated once under
``ONEWINDOW_VAR_DIR`` (``chain_key``). Production (``DEBUG`` off, not testing, not the demo's
``ONEWINDOW_CHAIN_KEY_FILE=1``) refuses to start without the variable: the system check
:func:`onewindow.lifecycle.checks.check_chain_key`.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from onewindow.core import caches

ENV = "ONEWINDOW_CHAIN_KEY"
# Set to 1 where the generated key file is acceptable though DEBUG is off (the demo: make run).
FILE_OK_ENV = "ONEWINDOW_CHAIN_KEY_FILE"


@dataclass(frozen=True)
class ChainKey:
    id: str
    secret: bytes


def key_id_of(secret: bytes) -> str:
    """The id a key without an explicit one gets: names it, reveals nothing of it."""
    return hashlib.sha256(b"onewindow chain key id\n" + secret).hexdigest()[:12]


def parse(text: str) -> list[ChainKey]:
    """``id:secret,secret2,…`` → keys, the signing one first. Raises ValueError on a short secret."""
    keys: list[ChainKey] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        kid, sep, secret = part.partition(":")
        if not sep:
            kid, secret = "", part
        raw = secret.encode()
        if len(raw) < 32:
            raise ValueError("每个链密钥至少 32 个字符 (each chain key needs at least 32 characters)")
        kid = kid.strip() or key_id_of(raw)
        if len(kid) > 16:
            raise ValueError(f"链密钥编号 {kid!r} 超过 16 个字符")
        keys.append(ChainKey(kid, raw))
    return keys


def from_environment() -> str | None:
    return os.environ.get(ENV) or None


def _key_file() -> Path:
    return Path(settings.VAR_DIR) / "chain_key"


def _development_key() -> str:
    """The key kept under var/ (generated once) when the environment names none."""
    path = _key_file()
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = secrets.token_hex(32)
    path.write_text(text)
    path.chmod(0o600)
    return text


_loaded: list[ChainKey] = []


@caches.register
def forget_keys() -> None:
    """Read the keys again (tests that change the environment; a rotation without restart)."""
    _loaded.clear()


def keys() -> list[ChainKey]:
    """Every configured key, the signing one first."""
    if not _loaded:
        found = parse(from_environment() or _development_key())
        if not found:
            raise ValueError(f"{ENV} 未配置任何密钥")
        _loaded.extend(found)
    return list(_loaded)


def signing_key() -> ChainKey:
    """The key new events and anchors are signed with."""
    return keys()[0]


def secret_of(key_id: str) -> bytes | None:
    """The secret of the key with this id, or None when no configured key has it."""
    for key in keys():
        if key.id == key_id:
            return key.secret
    return None
