"""The appraisal demo: a closed and an open campaign, October's awards reviewed, two exposures (one
published with its reply), three commitments with checks, training flags; idempotent."""

from __future__ import annotations

from onewindow.appraisal import demo, selectors
from onewindow.appraisal.models import AwardReview, Campaign, Commitment, Exposure
from onewindow.assessment import demo as assessment_demo
from onewindow.demo.loader import load_demo as load_demo_organization
from onewindow.lifecycle.selectors import verify_all
from onewindow.organization.models import Region


def test_the_demo_loads_once(db):
    load_demo_organization()
    assessment_demo.load_demo()
    line = demo.load_demo()
    assert line.startswith("评议与承诺：民主评议 2 次"), line
    closed, current = Campaign.objects.order_by("id")
    assert (closed.state, current.state, bool(current.open_token)) == ("closed", "open", True)
    results = {r.name: (r.responses, r.unsatisfied) for r in selectors.campaign_results(closed)}
    assert sum(n for n, _ in results.values()) == 6
    assert sum(u for _, u in results.values()) == 2
    assert set(AwardReview.objects.values_list("outcome", flat=True)) == {"kept", "withdrawn"}
    assert AwardReview.objects.get(outcome="withdrawn").notice_number.startswith("云溪评〔")
    county = Region.objects.get(code=demo.DEMO_COUNTY)
    (shown,) = selectors.public_exposures(county)
    assert shown.reply
    assert Exposure.objects.count() == 2
    assert Commitment.objects.count() == 3
    flagged = [r for r in selectors.window_roster(county) if r.flags]
    assert flagged
    for subject in ("appraisal_campaign", "exposure", "commitment", "assessment"):
        assert all(report.ok for report in verify_all(subject)), subject
    assert demo.load_demo() == "评议与承诺：演示数据已存在，未重复加载"
