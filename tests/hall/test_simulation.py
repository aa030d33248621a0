"""The capacity simulation: replaying a recorded day with its actual staffing gives back the
recorded mean wait (within 15 %); more windows wait less, fewer wait more; patience abandons."""

from __future__ import annotations

import math
from datetime import date

import pytest
from django.core.management import call_command

from onewindow.hall import selectors
from onewindow.hall.simulation import Day, Scenario, Visit, simulate

from .helpers import record_a_day

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 9, 28)


def test_the_replay_of_a_recorded_day_is_within_15_percent_of_its_recorded_mean_wait(lobby):
    record_a_day(lobby)
    days = selectors.recorded_days(lobby.hall.county, MONDAY, MONDAY)
    assert days[0].windows == 2
    result = simulate(days, Scenario())
    assert result.recorded_mean_wait > 10  # a day with a real queue, or the comparison says little
    assert abs(result.mean_wait - result.recorded_mean_wait) <= 0.15 * result.recorded_mean_wait
    assert result.served == 60


def test_more_windows_wait_less_and_fewer_wait_more(lobby):
    record_a_day(lobby)
    days = selectors.recorded_days(lobby.hall.county, MONDAY, MONDAY)
    as_recorded = simulate(days, Scenario())
    more = simulate(days, Scenario(extra_windows=2, extra_on_weekdays=frozenset({0})))
    fewer = simulate(days, Scenario(windows=1))
    assert more.mean_wait < as_recorded.mean_wait < fewer.mean_wait
    assert more.utilisation < as_recorded.utilisation


def test_impatient_visitors_abandon():
    visits = [Visit(arrival=540, service=30), Visit(arrival=540, service=30), Visit(arrival=541, service=30)]
    result = simulate([Day(MONDAY, visits, 1)], Scenario(patience=20))
    assert result.abandoned == 2
    assert result.abandonment == pytest.approx(2 / 3, abs=0.001)


def test_appointments_flatten_a_peak():
    rush = [Visit(arrival=540, service=10) for _ in range(12)]
    day = Day(MONDAY, rush, 2)
    walk_in = simulate([day], Scenario(opens=540, closes=720))
    booked = simulate([day], Scenario(opens=540, closes=720, appointment_share=1.0))
    assert booked.mean_wait < walk_in.mean_wait


def test_closing_earlier_turns_late_arrivals_away():
    visits = [Visit(arrival=540, service=5), Visit(arrival=1000, service=5, patience=math.inf)]
    result = simulate([Day(MONDAY, visits, 1)], Scenario(opens=540, closes=720))
    assert result.turned_away == 1


def test_the_command_prints_the_figures(lobby, capsys):
    record_a_day(lobby, tickets=20)
    call_command("simulate_hall", region=lobby.hall.county.code, first="2026-09-28", last="2026-09-28",
                 extra_windows=1)
    out = capsys.readouterr().out
    assert "平均等候" in out
    assert "P90" in out
