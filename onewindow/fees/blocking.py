"""What an unpaid bill blocks on its case, plugged into the case engine's guards through the
kernel's guard registry (:func:`onewindow.lifecycle.registry.register_guard`): cases never import
fees.

The rule: an item's fee settings name the action an unpaid fee blocks (the certificate by default,
or the delivery, or nothing). The action is refused while the case has a bill that is not settled
(待确认、待缴费), and — for an item billed through the center (it has fee settings) with fee items
— while no bill has been paid at all. An item with no fee settings and no bill is not billed
through this system, and nothing is blocked.

Payment time pauses no clock: see ``docs/fees.md`` (行政许可法 第四十五条 lists what is not counted
in the time limit — hearings, tenders, auctions, testing, inspection, quarantine, appraisal,
expert review — and paying a fee is not among them; the certificate's own 10-day limit of Art. 44
runs from the decision).
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from onewindow.catalog.models import FeeItem
from onewindow.lifecycle.registry import Guard, register_guard

from .models import Bill, ItemFeeSettings
from .rules import BillState, Blocks

_ACTION_OF = {Blocks.CERTIFICATE: "issue_certificate", Blocks.DELIVERY: "deliver"}


def _settings_and_bills(item_id: int, case_id: int) -> tuple[str | None, set[str]]:
    """The item's fee settings' ``blocks`` (None without settings) and the states of the case's
    bills, in one statement: every certificate and delivery asks."""
    quote = connection.ops.quote_name
    settings, bill = ItemFeeSettings._meta, Bill._meta
    col = {name: quote(m.get_field(name).column) for m, name in
           ((settings, "blocks"), (settings, "item"), (bill, "state"), (bill, "case"))}
    sql = (f"SELECT s.blocks, b.{col['state']} FROM (SELECT 1 AS one) AS o "
           f"LEFT JOIN (SELECT {col['blocks']} AS blocks FROM {quote(settings.db_table)} WHERE {col['item']} = %s "
           f"ORDER BY {quote(settings.pk.column)} LIMIT 1) AS s ON 1 = 1 "
           f"LEFT JOIN {quote(bill.db_table)} AS b ON b.{col['case']} = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [item_id, case_id])
        rows = cursor.fetchall()
    return rows[0][0], {state for _, state in rows if state is not None}


def unpaid_refusal(case: Any, action: str) -> tuple[str, str] | None:
    """``(code, reason)`` when an unpaid fee blocks ``action`` on ``case``, else None."""
    settings, states = _settings_and_bills(case.item_id, case.pk)
    blocks = Blocks(settings) if settings is not None else Blocks.CERTIFICATE
    if _ACTION_OF.get(blocks) != action:
        return None
    if states & {BillState.DRAFT.value, BillState.ISSUED.value}:
        return ("fees.unpaid", "本办件尚有未缴清的费用，缴费后方可" + ("制证" if action == "issue_certificate" else "送达"))
    if settings is not None and not states & {BillState.PAID.value, BillState.REFUNDED.value} \
            and FeeItem.objects.filter(version_id=case.item_version_id).exists():
        return ("fees.not_billed", "本事项依法收费，尚未开具缴款通知书")
    return None


def register() -> None:
    for blocks, action in _ACTION_OF.items():
        register_guard(Guard(subject_type="case", action=action, name=f"fees.unpaid.{blocks.value}",
                             refuse=lambda case, action=action: unpaid_refusal(case, action)))
