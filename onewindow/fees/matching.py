"""Daily reconciliation as a pure function: the bank's statement rows against the payments the
system recorded for the day, matched by payment code and amount. No ORM, no I/O.

Every difference is one :class:`Mismatch`, of four kinds:

- ``unknown_code`` 银行有收款、系统无对应缴款通知书 (paid, but no bill has this code);
- ``paid_twice`` 同一缴款码银行收款多次 (a second statement row of a code already matched);
- ``amount_differs`` 金额不符 (a row of a known code whose amount is not the bill's);
- ``missing_from_statement`` 系统已记缴款、银行流水无 (a recorded payment no row covers).

A row matches a payment when the code and the amount are the same; nothing else is reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class MismatchKind(StrEnum):
    UNKNOWN_CODE = "unknown_code"
    PAID_TWICE = "paid_twice"
    AMOUNT_DIFFERS = "amount_differs"
    MISSING_FROM_STATEMENT = "missing_from_statement"


MISMATCH_LABELS = {
    MismatchKind.UNKNOWN_CODE: "有收款无缴款通知书",
    MismatchKind.PAID_TWICE: "同一缴款码重复收款",
    MismatchKind.AMOUNT_DIFFERS: "金额不符",
    MismatchKind.MISSING_FROM_STATEMENT: "系统已收款银行流水无记录",
}


@dataclass(frozen=True)
class Row:
    """One line of the bank's statement (``line``: its line number in the file, for the report)."""

    line: int
    payment_code: str
    amount_fen: int
    bank_ref: str = ""


@dataclass(frozen=True)
class Recorded:
    """One payment the system recorded on the day (``payment_id``: its row)."""

    payment_id: int
    payment_code: str
    amount_fen: int


@dataclass(frozen=True)
class Mismatch:
    kind: MismatchKind
    payment_code: str
    line: int | None = None  # the statement row, if the mismatch has one
    payment_id: int | None = None  # the recorded payment, if the mismatch has one
    expected_fen: int | None = None
    actual_fen: int | None = None


@dataclass(frozen=True)
class Result:
    matched: tuple[tuple[int, int], ...]  # (statement line, payment id)
    mismatches: tuple[Mismatch, ...]


def reconcile(rows: Iterable[Row], recorded: Iterable[Recorded], bills: Mapping[str, int]) -> Result:
    """Match ``rows`` to ``recorded`` payments. ``bills`` maps every known payment code (any day,
    any state) to the bill's amount, so a row of an older bill's code is told apart from a row no
    bill explains."""
    open_payments: dict[str, list[Recorded]] = defaultdict(list)
    for p in sorted(recorded, key=lambda p: p.payment_id):
        open_payments[p.payment_code].append(p)
    matched: list[tuple[int, int]] = []
    mismatches: list[Mismatch] = []
    seen_codes: set[str] = set()
    leftovers: list[Row] = []
    for row in sorted(rows, key=lambda r: r.line):
        waiting = open_payments.get(row.payment_code)
        hit = next((p for p in waiting if p.amount_fen == row.amount_fen), None) if waiting else None
        if waiting is not None and hit is not None:
            waiting.remove(hit)
            matched.append((row.line, hit.payment_id))
            seen_codes.add(row.payment_code)
        else:
            leftovers.append(row)
    for row in leftovers:
        expected = bills.get(row.payment_code)
        if expected is None:
            mismatches.append(Mismatch(MismatchKind.UNKNOWN_CODE, row.payment_code, row.line,
                                       actual_fen=row.amount_fen))
        elif row.amount_fen != expected:
            waiting = open_payments.get(row.payment_code) or []
            payment = waiting.pop(0) if waiting else None
            mismatches.append(Mismatch(MismatchKind.AMOUNT_DIFFERS, row.payment_code, row.line,
                                       payment.payment_id if payment else None, expected, row.amount_fen))
        else:
            mismatches.append(Mismatch(MismatchKind.PAID_TWICE, row.payment_code, row.line,
                                       expected_fen=expected, actual_fen=row.amount_fen))
        seen_codes.add(row.payment_code)
    for code, waiting in sorted(open_payments.items()):
        for p in waiting:
            mismatches.append(Mismatch(MismatchKind.MISSING_FROM_STATEMENT, code, payment_id=p.payment_id,
                                       expected_fen=p.amount_fen))
    return Result(tuple(matched), tuple(mismatches))
