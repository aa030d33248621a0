"""The demo county's two major projects: one with the joint case joint-03 linked and on the green
channel, last month's self-checks filed, chains verified, deadline rows written."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from onewindow.demo.loader import load_demo
from onewindow.lifecycle.selectors import verify_all
from onewindow.lifecycle.services import deadlines_of
from onewindow.projects import demo as projects_demo
from onewindow.projects.models import Project
from onewindow.projects.subjects import PROJECT_SUBJECT


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    with django_db_blocker.unblock(), override_settings(ONEWINDOW_KEY_DIR=keys), transaction.atomic():
        report = load_demo(with_cases=True)
        again = projects_demo.load_demo()
        yield report, again
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return demo


def test_two_projects_one_on_the_green_channel(loaded):
    report, again = loaded
    assert any(line.startswith("重点项目：2 个") for line in report.extras)
    assert again == "重点项目：演示项目已存在，未重复加载"
    solar, cold = Project.objects.filter(region__code="990121000000").order_by("id")
    line = solar.lines.get(order=2)
    assert line.case is not None
    assert line.case.item_version.is_joint
    assert line.case.is_urgent
    assert line.case.urgent_reason == "重点项目绿色通道"
    assert line.urgent == "marked"
    assert solar.state == "approving"
    assert cold.state == "planning"
    assert not cold.lines.filter(case__isnull=False).exists()


def test_last_months_self_checks_filed_and_this_months_running(loaded):
    for project in Project.objects.all():
        checks = list(project.self_checks.order_by("month"))
        assert len(checks) >= 3
        assert checks[-2].submitted_at is not None  # last month
        assert checks[-1].submitted_at is None  # this month
        rows = {row.key: row.state for row in deadlines_of(PROJECT_SUBJECT, project.pk)}
        assert rows[f"check-{checks[-1].month:%Y-%m}"] == "open"
        assert rows[f"check-{checks[-2].month:%Y-%m}"] == "closed"


def test_chains_verify(loaded):
    reports = list(verify_all(PROJECT_SUBJECT))
    assert len(reports) == 2
    assert all(r.ok for r in reports)
