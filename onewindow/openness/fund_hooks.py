"""Where a fund dispute leaves this app: the hook the feedback work orders plug into.

``dispute_filed`` is a Django signal sent, after the dispute is committed, with ``dispute`` (a
:class:`~onewindow.openness.models.FundDispute`). The feedback app (意见建议工单, built separately)
connects a receiver that opens a work order and returns its number; the first number returned is
stored on the dispute. Until a receiver is connected the dispute stays recorded here, listed on
the staff funds page, with no work order.
"""

from __future__ import annotations

from django.dispatch import Signal

dispute_filed = Signal()


def hand_over(dispute) -> str:
    """Send ``dispute_filed``; the work-order number a receiver returned, or "" when none is connected."""
    for _receiver, number in dispute_filed.send(sender="openness.fund_dispute", dispute=dispute):
        if number:
            return str(number)
    return ""
