"""The demo county's efficiency plan, rectification campaign and inspections."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from onewindow.core.timesource import local_date
from onewindow.demo.loader import load_demo
from onewindow.lifecycle.models import Deadline
from onewindow.lifecycle.selectors import verify_all
from onewindow.worktasks import demo as worktasks_demo
from onewindow.worktasks.models import Inspection, Problem, Task
from onewindow.worktasks.rules import ProblemState
from onewindow.worktasks.selectors import is_late


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    with django_db_blocker.unblock(), override_settings(ONEWINDOW_KEY_DIR=keys), transaction.atomic():
        load_demo()
        first = worktasks_demo.load_demo()
        second = worktasks_demo.load_demo()
        yield first, second
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return demo


def test_loads_once_and_says_what(loaded):
    first, second = loaded
    assert first.startswith("工作任务：")
    assert "已存在" in second


def test_plan_has_about_thirty_tasks_some_late_some_urged(loaded):
    tasks = list(Task.objects.all())
    assert 25 <= len(tasks) <= 35
    today = local_date()
    assert any(is_late(t, today) for t in tasks)
    assert any(t.urged_count for t in tasks)
    assert any(t.state == "closed" for t in tasks)
    assert Deadline.objects.filter(subject_type="work_task", state="open").count() > 0


def test_campaign_in_every_state_and_inspections(loaded):
    problems = Problem.objects.filter(region__code=worktasks_demo.DEMO_COUNTY)
    states = set(problems.values_list("state", flat=True))
    assert states == {s.value for s in ProblemState}
    assert problems.filter(reopened_count=1).exists()
    assert 17 <= problems.count() <= 25
    inspections = Inspection.objects.filter(region__code=worktasks_demo.DEMO_COUNTY)
    assert inspections.filter(kind="inspection").count() == 2
    assert inspections.filter(kind="mystery").count() == 1
    assert problems.filter(finding__isnull=False).count() == 6


def test_the_second_county_has_an_inspection_photo_and_a_campaign_with_a_report_file(loaded):
    from onewindow.worktasks.models import Campaign, CampaignReport, FindingPhoto
    from onewindow.worktasks.selectors import public_notice

    second = worktasks_demo.SECOND_COUNTY
    assert FindingPhoto.objects.filter(finding__inspection__region__code=second).count() == 1
    campaign = Campaign.objects.get(region__code=second)
    assert campaign.publish_from > local_date()
    assert public_notice(campaign.pk, local_date()) is None  # scheduled, not up yet
    handed = CampaignReport.objects.get(campaign=campaign, submitted_at__isnull=False)
    assert handed.attachment
    assert CampaignReport.objects.filter(campaign=campaign, submitted_at__isnull=True).exists()


def test_campaign_has_phases_written_reports_some_late_a_visit_photos_and_its_notice(loaded):
    from onewindow.worktasks.models import Campaign, CampaignReport, FindingPhoto
    from onewindow.worktasks.selectors import public_notice, report_is_late

    today = local_date()
    campaign = Campaign.objects.get(region__code=worktasks_demo.DEMO_COUNTY)
    assert list(campaign.phases.order_by("order").values_list("name", flat=True)) == [
        "大学习", "大排查", "大体验", "大督查", "大考评"]
    reports = list(CampaignReport.objects.filter(campaign=campaign))
    assert any(r.submitted_at is None and report_is_late(r, today) for r in reports)  # owed, past its day
    assert any(r.submitted_at is not None and r.late for r in reports)  # handed in late
    assert any(r.submitted_at is not None and not r.late for r in reports)
    assert any(r.submitted_at is None and not report_is_late(r, today) for r in reports)  # due soon
    assert Deadline.objects.filter(subject_type="campaign_report", state="open").count() > 0
    assert Inspection.objects.filter(kind="experience", campaign=campaign).count() == 1
    assert FindingPhoto.objects.filter(finding__inspection__region=campaign.region).count() >= 3
    notice = public_notice(campaign.pk, today)
    assert notice is not None
    assert len(notice[1]) == campaign.problems.count() >= 18


def test_chains_verify(loaded):
    reports = [r for r in verify_all() if r.subject_type in ("work_task", "problem")]
    assert reports
    assert all(r.ok for r in reports)
