"""A clerk's own sections of the inbox (referrals, received, awaiting supplement, to deliver) are
read in one statement, each section ranked and cut on its own: the same cases, in the same
order, as one read per section gives — with a cut small enough to bite."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from onewindow.cases import selectors as sel
from onewindow.cases.models import Case
from onewindow.cases.referral_rules import ReferralState
from onewindow.cases.states import Status
from onewindow.organization.rules import Role
from tests.cases.helpers import at, submit

pytestmark = pytest.mark.django_db

LIMIT = 4


def _reference(clerk) -> dict[str, list[str]]:
    """One read per section, as the inbox read them before they were one statement."""
    mine = sel._by_role(clerk, {Role.CLERK, Role.PROXY_AGENT})
    pending = [ReferralState.HELD, ReferralState.RETURNED]
    received = (mine.filter(status=Status.SUBMITTED).exclude(referral_state__in=[*pending, ReferralState.IN_TRANSIT])
                .order_by("-is_urgent", "acceptance_due", "submitted_at", "id"))
    issued = mine.filter(status=Status.CERTIFICATE_ISSUED).order_by("-is_urgent", "issuance_due", "submitted_at", "id")
    sections = {
        "referrals": mine.filter(status=Status.SUBMITTED, referral_state=ReferralState.IN_TRANSIT)
        .order_by("pickup_due", "submitted_at", "id"),
        "received": received,
        "awaiting_supplement": mine.filter(status=Status.AWAITING_SUPPLEMENT)
        .order_by("-is_urgent", "acceptance_due", "submitted_at", "id"),
        "to_deliver": issued.filter(bundle_application__isnull=True),
    }
    return {k: [c.number for c in qs[:LIMIT]] for k, qs in sections.items()}


def test_the_desk_sections_are_each_ranked_and_cut_as_separate_reads(hall):
    rng = random.Random(7)
    day = date(2026, 10, 12)
    shapes = [
        {"status": Status.SUBMITTED},
        {"status": Status.SUBMITTED, "referral_state": ReferralState.IN_TRANSIT},
        {"status": Status.SUBMITTED, "referral_state": ReferralState.HELD},  # the receiving point's, not the desk's
        {"status": Status.AWAITING_SUPPLEMENT},
        {"status": Status.CERTIFICATE_ISSUED},
        {"status": Status.IN_REVIEW},  # not on the desk at all
    ]
    for i in range(36):
        case = submit(hall, at(2026, 10, 1 + i % 9, 9 + i % 8))
        shape = rng.choice(shapes)
        Case.objects.filter(pk=case.pk).update(
            **shape, is_urgent=rng.random() < 0.3,
            acceptance_due=day + timedelta(days=rng.randint(0, 3)),
            issuance_due=day + timedelta(days=rng.randint(0, 3)),
            pickup_due=day + timedelta(days=rng.randint(0, 3)))
    box = sel.inbox(hall.clerk, limit=LIMIT)
    got = {"referrals": box.referrals, "received": box.to_accept + box.to_notify + box.awaiting_acceptance,
           "awaiting_supplement": box.awaiting_supplement, "to_deliver": box.to_deliver}
    want = _reference(hall.clerk)
    assert all(want.values()), "every section has cases to cut"
    # ``received`` is split three ways after the read; compare it as a set, the others in order
    assert sorted(c.number for c in got.pop("received")) == sorted(want.pop("received"))
    assert {k: [c.number for c in v] for k, v in got.items()} == want
    assert box.bundle_to_deliver == []
