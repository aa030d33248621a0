"""The runner: jobs run when due, or earlier when woken by waiting work, and never twice at once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from onewindow.tasks import registry
from onewindow.tasks.models import PeriodicJob
from onewindow.tasks.runner import run_due_jobs

T0 = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)
NAME = "tests.probe"

pytestmark = pytest.mark.django_db


@pytest.fixture
def probe(monkeypatch):
    """A registered job that records its runs; ``probe.waiting`` is what its wake check answers."""

    class Probe:
        runs: list[datetime] = []
        waiting = False
        asked: list[datetime | None] = []

        @classmethod
        def wake(cls, now: datetime, last_started_at: datetime | None) -> bool:
            cls.asked.append(last_started_at)
            return cls.waiting

    Probe.runs, Probe.asked = [], []
    spec = registry.JobSpec(NAME, timedelta(minutes=10), Probe.runs.append, timedelta(minutes=1), Probe.wake)
    monkeypatch.setitem(registry._JOBS, NAME, spec)
    return Probe


def test_a_due_job_runs_and_waits_for_its_interval(probe):
    assert run_due_jobs(T0, only=[NAME]) == [NAME]
    assert probe.runs == [T0]
    assert probe.asked == []  # due: the wake check is not even asked
    assert PeriodicJob.objects.get(name=NAME).next_run_at == T0 + timedelta(minutes=10)
    # a tick later, nothing is waiting: the job stays put
    assert run_due_jobs(T0 + timedelta(minutes=1), only=[NAME]) == []
    assert probe.asked == [T0]  # asked with the start of the last run


def test_waiting_work_wakes_the_job_before_its_interval(probe):
    run_due_jobs(T0, only=[NAME])
    probe.waiting = True
    assert run_due_jobs(T0 + timedelta(minutes=1), only=[NAME]) == [NAME]
    assert probe.runs == [T0, T0 + timedelta(minutes=1)]
    # the interval starts again from the woken run
    assert PeriodicJob.objects.get(name=NAME).next_run_at == T0 + timedelta(minutes=11)


def test_a_job_that_is_running_is_not_started_again_even_when_woken(probe):
    PeriodicJob.objects.create(name=NAME, next_run_at=T0 + timedelta(hours=1), lease_until=T0 + timedelta(minutes=1))
    probe.waiting = True
    assert run_due_jobs(T0, only=[NAME]) == []
    assert probe.runs == []


def test_a_job_without_a_wake_check_runs_only_when_due(monkeypatch):
    runs: list[datetime] = []
    monkeypatch.setitem(registry._JOBS, NAME, registry.JobSpec(NAME, timedelta(minutes=10), runs.append,
                                                               timedelta(minutes=1)))
    PeriodicJob.objects.create(name=NAME, next_run_at=T0 + timedelta(minutes=5))
    assert run_due_jobs(T0, only=[NAME]) == []
    assert runs == []
    assert run_due_jobs(T0 + timedelta(minutes=5), only=[NAME]) == [NAME]
    assert runs == [T0 + timedelta(minutes=5)]


def test_a_lease_held_by_a_dead_process_of_this_host_is_taken_over_at_once(probe):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    PeriodicJob.objects.create(name=NAME, next_run_at=T0, lease_until=T0 + timedelta(minutes=10),
                               lease_holder=f"{socket.gethostname()}:{dead_pid}")
    assert run_due_jobs(T0, only=[NAME]) == [NAME]  # killed mid-run: its successor need not wait


def test_a_lease_held_by_another_host_or_a_live_process_is_waited_out(probe):
    PeriodicJob.objects.create(name=NAME, next_run_at=T0, lease_until=T0 + timedelta(minutes=10),
                               lease_holder="other-host:1")
    assert run_due_jobs(T0, only=[NAME]) == []
    PeriodicJob.objects.filter(name=NAME).update(lease_holder=f"{socket.gethostname()}:{os.getppid()}")
    assert run_due_jobs(T0, only=[NAME]) == []
    assert run_due_jobs(T0 + timedelta(minutes=11), only=[NAME]) == [NAME]
