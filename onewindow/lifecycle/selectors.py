"""Reads of the kernel: a chain's verification, and every registered chain at once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from . import keys
from .chain import ChainBreak, verify_chain
from .models import ChainedEvent
from .registry import ChainReport, subjects
from .services import event_content


def verify_events(events: Iterable[ChainedEvent], subject_label: str) -> list[ChainBreak]:
    """Recompute the chain of one record's events (in ``seq`` order); every break is reported."""
    found = list(events)
    breaks = verify_chain(((e.seq, e.prev_hash, e.hash, event_content(e, subject_label)) for e in found),
                          keys.secret_of)
    if not found:
        breaks.append(ChainBreak(0, "no_events", "没有任何事件记录"))
    return breaks


def verify_all(subject_type: str | None = None, label: str | None = None) -> Iterator[ChainReport]:
    """The report of every chain of every registered record type (or of one type, or one record),
    then, unless one record or one other type is asked for, of every anchor that no longer holds
    (a deleted record, a rewritten chain: :mod:`onewindow.lifecycle.anchors`)."""
    from .anchors import ANCHOR, verify_anchors

    for subject in subjects():
        if subject.verify is None or (subject_type is not None and subject.key != subject_type):
            continue
        yield from subject.verify(label)
    if label is None and subject_type in (None, ANCHOR):
        yield from verify_anchors()
