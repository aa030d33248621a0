"""Window duty: the roster, sign-in and sign-out, absences with approval, and the attendance
facts the assessment reads (unauthorised absence)."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.core.errors import Conflict, PermissionDenied
from onewindow.hall import duty_services, selectors
from onewindow.hall.models import Absence, Attendance, RosterEntry

from .helpers import at

pytestmark = pytest.mark.django_db

MONDAY, TUESDAY, WEDNESDAY = date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30)


def test_the_administrator_sets_the_roster_and_a_clerk_may_not(lobby):
    entry = duty_services.roster_set(window=lobby.w2, staff=lobby.clerk1, day=MONDAY, post="B", actor=lobby.admin)
    assert entry.post == "B"
    with pytest.raises(PermissionDenied):
        duty_services.roster_set(window=lobby.w2, staff=lobby.clerk1, day=MONDAY, post="A", actor=lobby.clerk1)


def test_a_b_post_may_sign_in_at_the_window_it_backs(lobby):
    duty_services.roster_set(window=lobby.w2, staff=lobby.clerk1, day=MONDAY, post="B", actor=lobby.admin)
    attendance = duty_services.sign_in(window=lobby.w2, actor=lobby.clerk1, at=at(9, 0))
    assert attendance.window_id == lobby.w2.pk


def test_signing_in_elsewhere_signs_out_first(lobby):
    duty_services.roster_set(window=lobby.w2, staff=lobby.clerk1, day=MONDAY, post="B", actor=lobby.admin)
    first = duty_services.sign_in(window=lobby.w1, actor=lobby.clerk1, at=at(9, 0))
    duty_services.sign_in(window=lobby.w2, actor=lobby.clerk1, at=at(10, 0))
    first.refresh_from_db()
    assert first.signed_out_at == at(10, 0)
    assert Attendance.objects.filter(staff=lobby.clerk1, signed_out_at__isnull=True).count() == 1


def test_signing_out_without_signing_in_is_refused(lobby):
    with pytest.raises(Conflict):
        duty_services.sign_out(actor=lobby.clerk1, at=at(9, 0))


def test_absence_approval_by_the_administrator_only(lobby):
    absence = duty_services.absence_request(actor=lobby.clerk2, first_day=TUESDAY, last_day=TUESDAY, reason="病假")
    with pytest.raises(PermissionDenied):
        duty_services.absence_decide(absence_id=absence.pk, approve=True, actor=lobby.clerk1)
    decided = duty_services.absence_decide(absence_id=absence.pk, approve=True, actor=lobby.admin)
    assert decided.state == Absence.State.APPROVED
    with pytest.raises(Conflict):
        duty_services.absence_decide(absence_id=absence.pk, approve=False, actor=lobby.admin)


def test_unauthorised_absence_is_a_rostered_day_without_sign_in_or_approved_leave(lobby):
    for day in (MONDAY, TUESDAY, WEDNESDAY):
        RosterEntry.objects.create(window=lobby.w2, staff=lobby.clerk2, day=day)
    duty_services.sign_in(window=lobby.w2, actor=lobby.clerk2, at=at(9, 0))  # Monday: present
    leave = duty_services.absence_request(actor=lobby.clerk2, first_day=TUESDAY, last_day=TUESDAY, reason="事假")
    duty_services.absence_decide(absence_id=leave.pk, approve=True, actor=lobby.admin)
    facts = selectors.unauthorised_absences(lobby.hall.county, MONDAY, WEDNESDAY)
    assert [(f.staff_id, f.day, f.half_days) for f in facts] == [(lobby.clerk2.pk, WEDNESDAY, 2)]
