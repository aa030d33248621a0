"""轮岗 arithmetic (hall/rotation.py), no database: property tests of the plan.

Without absences: every working day of every window gets exactly one A; nobody is A at two
windows the same day; A ≠ B; a shift keeps the same assignment for its length, and the A post
moves on one window each shift. With absences, busy people and kept cells: nobody absent or busy
is placed, nobody is A twice a day, A ≠ B, kept cells are untouched, and a window goes without an
A only when fewer people are free than windows.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.hall import rotation

START = date(2026, 9, 28)


@st.composite
def setups(draw, *, disturbed: bool):
    m = draw(st.integers(1, 6))
    n = draw(st.integers(max(2, m), 9))
    days = [START + timedelta(days=k) for k in sorted(draw(st.sets(st.integers(0, 60), min_size=1, max_size=25)))]
    shift = draw(st.integers(1, 7))
    staff = [f"s{k}" for k in draw(st.permutations(range(n)))]
    windows = [f"w{k}" for k in range(m)]
    absent: set = set()
    busy: set = set()
    kept: set = set()
    if disturbed:
        pairs = st.tuples(st.sampled_from(staff), st.sampled_from(days))
        absent = draw(st.sets(pairs, max_size=12))
        busy = draw(st.sets(pairs, max_size=4))
        kept = draw(st.sets(st.tuples(st.sampled_from(days), st.sampled_from(windows)), max_size=4))
    return staff, windows, days, shift, absent, busy, kept


@settings(max_examples=200, deadline=None)
@given(setups(disturbed=False))
def test_plain_rotation_properties(setup):
    staff, windows, days, shift, _, _, _ = setup
    plan = rotation.plan(staff=staff, windows=windows, days=days, shift_days=shift)
    assert plan.skips == []
    cells = {(c.day, c.window): c for c in plan.assignments}
    # every working day of every window gets exactly one A
    assert len(plan.assignments) == len(cells) == len(days) * len(windows)
    for i, day in enumerate(days):
        a_posts = [cells[(day, w)].a for w in windows]
        assert len(set(a_posts)) == len(windows)  # nobody is A at two windows the same day
        for w in windows:
            cell = cells[(day, w)]
            assert cell.b is not None
            assert cell.a != cell.b
            assert cell.notes == ()
            # the shift keeps the same assignment for its length
            if i and (i - 1) // shift == i // shift:
                before = cells[(days[i - 1], w)]
                assert (before.a, before.b) == (cell.a, cell.b)
        # the A post moves on one window each shift: the next window's A of the previous shift
        if i and (i - 1) // shift != i // shift:
            for _j, w in enumerate(windows):
                expected = staff[(staff.index(cells[(days[i - 1], w)].a) + 1) % len(staff)]
                assert cells[(day, w)].a == expected
        # the B post is the next in turn after the A post
        for w in windows:
            cell = cells[(day, w)]
            assert cell.b == staff[(staff.index(cell.a) + 1) % len(staff)]


@settings(max_examples=300, deadline=None)
@given(setups(disturbed=True))
def test_absences_busy_and_kept_cells(setup):
    staff, windows, days, shift, absent, busy, kept = setup
    plan = rotation.plan(staff=staff, windows=windows, days=days, shift_days=shift, absent=absent, busy=busy,
                         kept=kept)
    cells = {(c.day, c.window): c for c in plan.assignments}
    skips = {(s.day, s.window): s.reason for s in plan.skips}
    assert len(cells) + len(skips) == len(days) * len(windows)
    assert not set(cells) & set(skips)
    for day in days:
        a_posts = [cells[(day, w)].a for w in windows if (day, w) in cells]
        assert len(set(a_posts)) == len(a_posts)  # nobody is A at two windows the same day
        free = [s for s in staff if (s, day) not in absent and (s, day) not in busy]
        open_windows = [w for w in windows if (day, w) not in kept]
        for w in windows:
            if (day, w) in kept:
                assert skips[(day, w)] == "kept"
                continue
            if (day, w) in skips:
                assert skips[(day, w)] == "no_a"
                assert len(free) < len(open_windows)  # only when fewer people are free than windows
                continue
            cell = cells[(day, w)]
            assert (cell.a, day) not in absent
            assert (cell.a, day) not in busy
            assert cell.b is None or ((cell.b, day) not in absent and cell.b != cell.a)
            if cell.a != cell.base_a:  # the plain A was away or busy, and the result says so
                assert cell.notes[0] == ("a_absent" if (cell.base_a, day) in absent else "a_busy")
                assert ("b_promoted" in cell.notes) == (cell.a == cell.base_b)


def test_an_absent_a_promotes_the_b_post():
    staff, windows = ["s0", "s1", "s2", "s3"], ["w0", "w1"]
    days = [START, START + timedelta(days=1)]
    plan = rotation.plan(staff=staff, windows=windows, days=days, shift_days=5, absent={("s0", START)})
    first = {c.window: c for c in plan.assignments if c.day == START}
    # w0's A s0 is away: its B s1 is A at w1 already, so s2 (the next in turn, free) is promoted
    assert first["w0"].a == "s2"
    assert first["w0"].notes[0] == "a_absent"
    assert first["w1"].a == "s1"
    # with a third person spare after w1's A, the plain B is promoted
    plan = rotation.plan(staff=["s0", "s1", "s2"], windows=["w0"], days=days, shift_days=5, absent={("s0", START)})
    cell = plan.assignments[0]
    assert (cell.a, cell.b, cell.notes) == ("s1", "s2", ("a_absent", "b_promoted"))
    assert plan.assignments[1].a == "s0"  # back the next day


def test_too_few_people_or_a_bad_shift_is_refused():
    with pytest.raises(rotation.RotationError) as refused:
        rotation.plan(staff=["s0", "s1"], windows=["w0", "w1", "w2"], days=[START], shift_days=1)
    assert refused.value.field == "staff"
    with pytest.raises(rotation.RotationError):
        rotation.plan(staff=["s0"], windows=["w0"], days=[START], shift_days=1)
    with pytest.raises(rotation.RotationError) as refused:
        rotation.plan(staff=["s0", "s1"], windows=["w0"], days=[START], shift_days=0)
    assert refused.value.field == "shift_days"
    with pytest.raises(rotation.RotationError):
        rotation.plan(staff=["s0", "s0"], windows=["w0"], days=[START], shift_days=1)
