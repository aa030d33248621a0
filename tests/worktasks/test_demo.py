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
    states = set(Problem.objects.values_list("state", flat=True))
    assert states == {s.value for s in ProblemState}
    assert Problem.objects.filter(reopened_count=1).exists()
    assert 17 <= Problem.objects.count() <= 25
    assert Inspection.objects.filter(kind="inspection").count() == 2
    assert Inspection.objects.filter(kind="mystery").count() == 1
    assert Problem.objects.filter(finding__isnull=False).count() == 5


def test_chains_verify(loaded):
    reports = [r for r in verify_all() if r.subject_type in ("work_task", "problem")]
    assert reports
    assert all(r.ok for r in reports)
