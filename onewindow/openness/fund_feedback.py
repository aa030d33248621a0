"""A disputed fund entry becomes a feedback work order (意见建议工单).

Openness sits above feedback, so the receiver lives here and calls feedback's service; feedback
never imports openness. The order is a complaint taken online, pre-assigned to the fund's
department (the dispatcher confirms the dispatch as for any order); it carries the dispute's text,
the fund and the village and the dispute's number (the link back), and the contact phone the
citizen chose to give — never the recipient's name or ID number.
"""

from __future__ import annotations

import logging
from typing import Any

from onewindow.core.errors import DomainError
from onewindow.feedback import rules as feedback_rules
from onewindow.feedback import services as feedback

from .fund_hooks import dispute_filed
from .models import FundDispute

log = logging.getLogger(__name__)

DISPATCH_UID = "openness.fund_dispute_to_work_order"


def dispute_reference(dispute: FundDispute) -> str:
    """The line a work order carries to find its dispute again (资金公示异议 #id)."""
    return f"资金公示异议 #{dispute.pk}"


def open_work_order(sender: Any, dispute: FundDispute, **kwargs: Any) -> str:
    """Receiver of ``dispute_filed``: open the work order; its number, or "" when it was refused
    (the dispute then stays listed on the staff funds page without one)."""
    entry = dispute.distribution
    fund = entry.fund
    content = (f"【{dispute_reference(dispute)}】资金：{fund.name}（{fund.code}，{fund.period}）；"
               f"公示明细 #{entry.pk}，{entry.village.name}。\n异议内容：{dispute.reason}")
    try:
        order = feedback.order_receive(
            region=fund.department.region, kind=feedback_rules.OrderKind.COMPLAINT, content=content,
            topic=f"惠民资金公示异议：{fund.name}"[:100], source=feedback_rules.Source.ONLINE,
            handling=feedback_rules.Handling.WRITTEN, caller_phone=dispute.contact_phone,
            department_id=fund.department_id, actor=None, actor_label="资金公示异议", at=dispute.filed_at)
    except DomainError:
        log.exception("fund dispute %s: no work order opened", dispute.pk)
        return ""
    return order.number


def connect() -> None:
    """Connect the receiver once (AppConfig.ready)."""
    dispute_filed.connect(open_work_order, dispatch_uid=DISPATCH_UID)
