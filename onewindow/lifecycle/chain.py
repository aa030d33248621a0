"""The keyed chain over a record's events (cases, supervision orders, any record type). Pure: no Django.

Each event's hash covers the previous event's hash and the event's own canonical JSON, so editing,
inserting, deleting or reordering any event changes every hash after it. The hash is an
HMAC-SHA256 keyed with a secret that is not in the database (:mod:`onewindow.lifecycle.keys`):
someone who edits the tables cannot recompute a valid chain. The content names the key's id
(``"key"``), so a verifier picks the right key of several and a rotation re-signs nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

# ``secret(key_id)``: the key's secret, or None when no configured key has that id.
SecretOf = Callable[[str], bytes | None]


def canonical(data: Mapping[str, Any]) -> bytes:
    """Stable JSON: sorted keys, no spaces, UTF-8, so the same content always hashes the same."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def event_hash(prev_hash: str, content: Mapping[str, Any], secret: bytes | None = None) -> str:
    """The event's hash: HMAC-SHA256 with ``secret``; without one, the plain SHA-256 the chain used
    before it was keyed (kept for reading old chains; a verifier refuses it)."""
    message = prev_hash.encode() + b"\n" + canonical(content)
    if secret is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    code: str
    message: str


def verify_chain(events: Iterable[tuple[int, str, str, Mapping[str, Any]]],
                 secret_of: SecretOf | None = None) -> list[ChainBreak]:
    """Check (seq, prev_hash, hash, content) rows in order; report every break.

    With ``secret_of``, each event must be keyed (its content's ``"key"`` names a configured key)
    and its HMAC must match; without it the plain SHA-256 is recomputed (old callers, tests of the
    pure chain).
    """
    breaks: list[ChainBreak] = []
    expected_prev = GENESIS
    expected_seq = 1
    for seq, prev_hash, stored_hash, content in events:
        if seq != expected_seq:
            breaks.append(ChainBreak(seq, "sequence_gap", f"事件序号应为 {expected_seq}，实为 {seq}"))
        if prev_hash != expected_prev:
            breaks.append(ChainBreak(seq, "prev_hash_mismatch", f"第 {seq} 个事件的前序哈希与链不符"))
        secret: bytes | None = None
        if secret_of is not None:
            key_id = str(content.get("key") or "")
            secret = secret_of(key_id) if key_id else None
            if not key_id:
                breaks.append(ChainBreak(seq, "unkeyed", f"第 {seq} 个事件未用链密钥签名（未加密钥的哈希可被任何人重算）"))
            elif secret is None:
                breaks.append(ChainBreak(seq, "unknown_key", f"第 {seq} 个事件的签名密钥 {key_id} 未配置，无法核验"))
        if (secret is not None or secret_of is None) and not hmac.compare_digest(
                event_hash(prev_hash, content, secret), stored_hash):
            breaks.append(ChainBreak(seq, "hash_mismatch", f"第 {seq} 个事件的内容与其哈希不符（记录被改动）"))
        expected_prev = stored_hash
        expected_seq = seq + 1
    return breaks
