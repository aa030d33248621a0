"""The SHA-256 chain over a record's events (cases, supervision orders, any record type). Pure: no Django.

Each event's hash covers the previous event's hash and the event's own canonical JSON, so editing,
inserting, deleting or reordering any event changes every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(data: Mapping[str, Any]) -> bytes:
    """Stable JSON: sorted keys, no spaces, UTF-8, so the same content always hashes the same."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def event_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(content)).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    code: str
    message: str


def verify_chain(events: Iterable[tuple[int, str, str, Mapping[str, Any]]]) -> list[ChainBreak]:
    """Check (seq, prev_hash, hash, content) rows in order; report every break."""
    breaks: list[ChainBreak] = []
    expected_prev = GENESIS
    expected_seq = 1
    for seq, prev_hash, stored_hash, content in events:
        if seq != expected_seq:
            breaks.append(ChainBreak(seq, "sequence_gap", f"事件序号应为 {expected_seq}，实为 {seq}"))
        if prev_hash != expected_prev:
            breaks.append(ChainBreak(seq, "prev_hash_mismatch", f"第 {seq} 个事件的前序哈希与链不符"))
        if event_hash(prev_hash, content) != stored_hash:
            breaks.append(ChainBreak(seq, "hash_mismatch", f"第 {seq} 个事件的内容与其哈希不符（记录被改动）"))
        expected_prev = stored_hash
        expected_seq = seq + 1
    return breaks
