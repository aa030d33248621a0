"""上报件 / 下放 and 村代办: the states of a referral and the limits on the way. Pure: no Django.

A center that may receive an item it does not decide (a catalog ``ReceivingPoint``) takes the
application in, checks it (初审) and refers it to the deciding department, which picks it up or
returns it with reasons. The case has one number (the deciding region's) throughout.

The clock (docs/cases.md "Referral"): the application is received on the day the receiving point
takes it in, so the acceptance period (行政许可法 第三十二条, five working days, deemed acceptance
after it) runs from then — the time in transit counts against the authority, never against the
applicant. Inside that period the transit has its own two limits, each a deadline row the
supervision sweep watches: the receiving point refers within the item's forwarding limit
(``ReceivingPoint.forward_workdays``, 上报时限), the deciding department picks the referral up
within :data:`PICKUP_WORKDAYS`. A case still in transit when its acceptance period ends is deemed
accepted like any other, and the referral with it.
"""

from __future__ import annotations

from enum import StrEnum


class ReferralState(StrEnum):
    NONE = ""  # received where it is decided
    HELD = "held"  # 待上报: at the receiving point, for its check and referral
    IN_TRANSIT = "in_transit"  # 已上报: waiting for the deciding department to pick it up
    RETURNED = "returned"  # 已退回: back at the receiving point with the department's reasons
    ACCEPTED = "accepted"  # 已接收: with the deciding department, handled as any case


REFERRAL_LABELS = {
    ReferralState.NONE: "", ReferralState.HELD: "待上报", ReferralState.IN_TRANSIT: "已上报待接收",
    ReferralState.RETURNED: "已退回收件点", ReferralState.ACCEPTED: "已接收",
}

# With the receiving point (or on the way): the deciding department may not act on it yet.
PENDING = frozenset({ReferralState.HELD, ReferralState.IN_TRANSIT, ReferralState.RETURNED})
AT_RECEIVING_POINT = frozenset({ReferralState.HELD, ReferralState.RETURNED})

# The deciding department picks a referral up within this many working days of its sending.
PICKUP_WORKDAYS = 1
# 村代办: the agent brings the paper materials to the township center within three working days
# of filing (LEGAL-RULES §4 "Proxy agents").
PAPER_WORKDAYS = 3

AUTHORIZATION_KINDS = {"scan": "授权委托书扫描件", "esign": "电子签名授权记录"}
# The material name under which the signed authorization's scan is kept with the case's scans.
AUTHORIZATION_MATERIAL = "代办授权委托书"


def direction(receiving_level: int, deciding_level: int) -> str:
    """``up`` (上报: a township refers to the county) or ``down`` (下放: the county refers to a
    township); region levels count from the province (1) down to the village (5)."""
    return "up" if receiving_level > deciding_level else "down"


DIRECTION_LABELS = {"up": "上报", "down": "下放"}
