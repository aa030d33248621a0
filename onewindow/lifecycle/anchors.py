"""Anchors: signed checkpoints of every history table, per region (issue 13).

A chain proves that a record's events were not edited, but not that the record still exists: a
case deleted with all its events leaves no broken chain. An anchor records, for one event table
and one region, up to the table's highest event id when it was taken (its high-water mark): how
many events and how many records there were, and the XOR of their hashes (order-independent, so
it is computed in one pass). ``verify_history`` recomputes every anchor from the events with ids
up to its mark: a deleted record or event, an inserted one, a record moved to another region or a
rewritten chain changes the count or the digest, and the anchor that no longer holds is named.

Anchors are taken daily by the scheduler (``lifecycle.anchor_history``) and on demand
(``manage.py anchor_history``). They live outside the tables they protect: in their own table
(append-only, each HMAC-signed with the chain key and chained to the one before), and as JSON
lines in ``ONEWINDOW_ANCHOR_DIR`` (default ``var/anchors``), which may be shipped elsewhere.

The tables anchored are every concrete :class:`~onewindow.lifecycle.models.ChainedEvent` subclass
(found, not registered: a new record type is anchored without doing anything) and the tables an
app names with :func:`anchor_table` (the case's own event table).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from . import keys
from .chain import GENESIS, ChainBreak, event_hash
from .models import Anchor, ChainedEvent
from .registry import ChainReport, anchored_tables, register_anchored_table

ANCHOR = "anchor"  # the report's subject type (``verify_history --type anchor``)

anchor_table = register_anchored_table  # an app names an event table that is not a ChainedEvent subclass


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    record_field: str  # the event's foreign key to its record
    region_path: str | None  # the record's region through it (None: the record has no region)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def _record_field(model: type[models.Model]) -> str:
    for f in model._meta.concrete_fields:
        if isinstance(f, models.ForeignKey) and f.name != "actor":
            return f.name
    raise LookupError(f"{model._meta.label} has no foreign key to its record")


def tables() -> list[Table]:
    """Every anchored event table."""
    found = [m for m in apps.get_models() if issubclass(m, ChainedEvent)] + anchored_tables()
    result = []
    for model in found:
        fk = _record_field(model)
        record = model._meta.get_field(fk).related_model
        has_region = any(f.name == "region" for f in record._meta.concrete_fields)
        result.append(Table(model, fk, f"{fk}__region_id" if has_region else None))
    return sorted(result, key=lambda t: t.label)


@dataclass
class Tally:
    """What an anchor counts, as it accumulates over events in id order."""

    events: int = 0
    records: set[int] = field(default_factory=set)
    digest: int = 0

    def add(self, record_id: int, hash_hex: str) -> None:
        self.events += 1
        self.records.add(record_id)
        self.digest ^= int(hash_hex or "0", 16)

    @property
    def digest_hex(self) -> str:
        return f"{self.digest:064x}"


def _rows(table: Table, high_water: int | None = None) -> Iterator[tuple[int, int, int | None, str]]:
    qs = table.model._default_manager.order_by("id")
    if high_water is not None:
        qs = qs.filter(id__lte=high_water)
    record = f"{table.record_field}_id"
    if table.region_path is None:
        for pk, record_id, hash_hex in qs.values_list("id", record, "hash").iterator(chunk_size=5000):
            yield pk, record_id, None, hash_hex
        return
    yield from qs.values_list("id", record, table.region_path, "hash").iterator(chunk_size=5000)


def anchor_content(a: Anchor) -> dict[str, Any]:
    """What an anchor's HMAC covers: every column but its id and hashes."""
    return {"table": a.table, "region": a.region_id, "taken_at": a.taken_at.astimezone(UTC).isoformat(),
            "reason": a.reason, "high_water": a.high_water, "events": a.events, "records": a.records,
            "digest": a.digest, "key": a.key_id}


def anchor_dir() -> Path:
    return Path(settings.ONEWINDOW.get("ANCHOR_DIR") or Path(settings.VAR_DIR) / "anchors")


def _high_water(table: Table) -> int:
    """The table's highest event id once every transaction writing it has committed.

    On PostgreSQL a SHARE lock waits for the writers in flight (an event with a lower id may
    commit after one with a higher id) and holds new ones for the moment of one ``max(id)``.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'LOCK TABLE "{table.model._meta.db_table}" IN SHARE MODE')
        return int(table.model._default_manager.aggregate(m=models.Max("id"))["m"] or 0)


def anchors_take(*, reason: str, at: datetime | None = None) -> list[Anchor]:
    """Take an anchor of every event table in every region that has events (or had an anchor):
    the daily job and ``manage.py anchor_history``. Returns the anchors written."""
    at = at or timezone.now()
    plans: list[tuple[Table, int, dict[int | None, Tally]]] = []
    for table in tables():
        high = _high_water(table)
        tallies: dict[int | None, Tally] = {}
        for _pk, record_id, region_id, hash_hex in _rows(table, high):
            tallies.setdefault(region_id, Tally()).add(record_id, hash_hex)
        for region_id in Anchor.objects.filter(table=table.label).values_list("region_id", flat=True).distinct():
            tallies.setdefault(region_id, Tally())  # a region emptied since: its anchor says 0
        plans.append((table, high, tallies))
    key = keys.signing_key()
    written: list[Anchor] = []
    with transaction.atomic():
        last = Anchor.objects.select_for_update().order_by("-id").first()
        prev = last.hash if last is not None else GENESIS
        for table, high, tallies in plans:
            for region_id, tally in sorted(tallies.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
                a = Anchor(table=table.label, region_id=region_id, taken_at=at, reason=reason[:32], high_water=high,
                           events=tally.events, records=len(tally.records), digest=tally.digest_hex,
                           prev_hash=prev, key_id=key.id)
                a.hash = event_hash(prev, anchor_content(a), key.secret)
                a.save(force_insert=True)
                prev = a.hash
                written.append(a)
        lines = [json.dumps({"id": a.pk, **anchor_content(a), "prev_hash": a.prev_hash, "hash": a.hash},
                            ensure_ascii=False) for a in written]
        transaction.on_commit(lambda: _write_lines(lines))
    return written


def _write_lines(lines: list[str]) -> None:
    if not lines:
        return
    folder = anchor_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "anchors.jsonl").open("a", encoding="utf-8") as out:
        out.write("".join(line + "\n" for line in lines))


def _named(a: Anchor, regions: dict[int, str]) -> str:
    where = regions.get(a.region_id, str(a.region_id)) if a.region_id is not None else "无区划"
    return f"锚点#{a.pk}（{a.table}，{where}，{timezone.localtime(a.taken_at):%Y-%m-%d %H:%M}，覆盖事件编号≤{a.high_water}）"


def verify_anchors() -> Iterator[ChainReport]:
    """Check the anchors' own chain and signatures, recompute every anchor from the events, and
    compare the table with the file copy; one report per anchor that does not hold."""
    from onewindow.organization.models import Region

    regions = dict(Region.objects.values_list("id", "code"))
    anchors = list(Anchor.objects.order_by("id"))
    broken: dict[int, list[ChainBreak]] = {}
    prev = GENESIS
    for a in anchors:
        found = broken.setdefault(a.pk, [])
        if a.prev_hash != prev:
            found.append(ChainBreak(0, "anchor_chain_broken", "锚点链断裂：前序哈希与上一锚点不符（锚点被删除或插入）"))
        secret = keys.secret_of(a.key_id)
        if secret is None:
            found.append(ChainBreak(0, "unknown_key", f"锚点的签名密钥 {a.key_id} 未配置，无法核验"))
        elif event_hash(a.prev_hash, anchor_content(a), secret) != a.hash:
            found.append(ChainBreak(0, "anchor_forged", "锚点内容与其签名不符（锚点被改动）"))
        prev = a.hash
    by_table: dict[str, list[Anchor]] = {}
    for a in anchors:
        by_table.setdefault(a.table, []).append(a)
    known = {t.label: t for t in tables()}
    for label, group in by_table.items():
        table = known.get(label)
        if table is None:
            for a in group:
                broken[a.pk].append(ChainBreak(0, "anchor_table_missing", f"锚点所护的事件表 {label} 已不存在"))
            continue
        for a, tally in _recount(table, group):
            found = broken[a.pk]
            if tally.events != a.events:
                found.append(ChainBreak(0, "anchor_events_changed",
                                        f"锚定时有 {a.events} 个事件，现为 {tally.events} 个（事件或整条记录被删除、插入或移到其他区划）"))
            if len(tally.records) != a.records:
                found.append(ChainBreak(0, "anchor_records_changed",
                                        f"锚定时有 {a.records} 条记录，现为 {len(tally.records)} 条（记录被删除或移到其他区划）"))
            if tally.digest_hex != a.digest:
                found.append(ChainBreak(0, "anchor_digest_changed", "事件哈希的摘要与锚定时不符（事件被删除、改写或重算）"))
    for a_id, problem in _file_differences(anchors):
        broken.setdefault(a_id, []).append(problem)
    by_id = {a.pk: a for a in anchors}
    for a_id, found in sorted(broken.items()):
        if found:
            label = _named(by_id[a_id], regions) if a_id in by_id else f"锚点#{a_id}"
            yield ChainReport(ANCHOR, label, found)


def _recount(table: Table, group: list[Anchor]) -> Iterator[tuple[Anchor, Tally]]:
    """Each anchor of ``table`` with its tally recomputed now: one pass over the events in id order."""
    pending = sorted(group, key=lambda a: (a.high_water, a.pk))
    tallies: dict[int | None, Tally] = {}
    i = 0
    top = pending[-1].high_water if pending else 0
    for pk, record_id, region_id, hash_hex in _rows(table, top):
        while i < len(pending) and pending[i].high_water < pk:
            a = pending[i]
            yield a, _snapshot(tallies.get(a.region_id))
            i += 1
        tallies.setdefault(region_id, Tally()).add(record_id, hash_hex)
    for a in pending[i:]:
        yield a, _snapshot(tallies.get(a.region_id))


def _snapshot(tally: Tally | None) -> Tally:
    if tally is None:
        return Tally()
    return Tally(tally.events, set(tally.records), tally.digest)


def _file_differences(anchors: list[Anchor]) -> Iterator[tuple[int, ChainBreak]]:
    """Anchors the file copy holds that the table lost or holds otherwise (none when no file)."""
    path = anchor_dir() / "anchors.jsonl"
    if not path.exists():
        return
    stored = {a.pk: a.hash for a in anchors}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        copy = json.loads(line)
        if copy["id"] not in stored:
            yield copy["id"], ChainBreak(0, "anchor_deleted", f"文件副本中的锚点#{copy['id']}在锚点表中已不存在（锚点被删除）")
        elif stored[copy["id"]] != copy["hash"]:
            yield copy["id"], ChainBreak(0, "anchor_replaced", f"锚点#{copy['id']}与文件副本不符（锚点被改写）")

