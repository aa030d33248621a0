"""The demo: October published, November in draft with two pending objections; idempotent."""

from __future__ import annotations

from onewindow.assessment import demo
from onewindow.assessment.models import Assessment, Objection
from onewindow.demo.loader import load_demo as load_demo_organization


def test_the_demo_loads_once(db):
    load_demo_organization()
    line = demo.load_demo()
    assert line.startswith("绩效考核：2026年10月"), line
    states = dict(Assessment.objects.values_list("period", "state"))
    assert states == {"2026-10": "published", "2026-11": "draft"}
    assert Objection.objects.filter(state="pending", line__score__assessment__period="2026-11").count() == 2
    assert demo.load_demo() == "绩效考核：演示数据已存在，未重复加载"
