"""The assessment demo over the whole demo county: November 2026's drafts take their line items
from the automatic fact sources over what the other apps' demos recorded."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.assessment.models import Assessment, LineItem, Objection
from onewindow.core.timesource import local_date
from onewindow.demo.loader import load_demo

pytestmark = pytest.mark.django_db


def test_assessment_demo_lines_come_from_the_fact_sources():
    report = load_demo(with_cases=True)
    assert any(line.startswith("绩效考核：2026年10月窗口考核已发布") for line in report.extras), report.extras
    drafts = Assessment.objects.filter(period="2026-11", state="draft")
    assert set(drafts.values_list("subject_kind", flat=True)) == {"window", "department", "staff"}
    assert Objection.objects.filter(state="pending").count() == 2
    automatic = LineItem.objects.filter(score__assessment__in=drafts).exclude(item__source="")
    # Every automatic line names its records, each with the page it can be seen on.
    for line in automatic.exclude(count=0):
        assert line.evidence, line
        assert all(e["label"] and e["url"].startswith("/staff/") for e in line.evidence), line
    if date(2026, 12, 1) <= local_date() <= date(2026, 12, 31):
        # The demo is timed relative to today: in December 2026 its November holds late cases,
        # bad ratings still being rectified and a mystery-visit finding.
        sources = set(automatic.exclude(count=0).values_list("item__source", flat=True))
        assert {"window_overdue_cases", "window_bad_ratings_unrectified", "window_inspection_findings",
                "department_bad_ratings_unrectified", "staff_chief_shared_deductions"} <= sources, sources
        assert automatic.filter(below_sample=True).exists()  # departments with fewer than 3 concluded cases
