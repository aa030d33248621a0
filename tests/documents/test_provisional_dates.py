"""Provisional dates reach applicants marked as such: a due date in a year whose holidays are not
published yet is printed and texted with （暂定，以公布的节假日安排为准）, and when a calendar
change moves a date the applicant was told, the applicant is told the new one."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest

from onewindow.cases import services as case_services
from onewindow.documents import services
from onewindow.notifications.models import OutboxMessage
from onewindow.workdays import services as calendar_services
from onewindow.workdays.provisional import PROVISIONAL_NOTE, cn_due
from onewindow.workdays.selectors import snapshot_for
from tests.cases.helpers import at, submit
from tests.documents.helpers import readable

pytestmark = pytest.mark.django_db


def test_a_date_of_an_unpublished_year_is_marked():
    assert cn_due(date(2027, 1, 4), {2025, 2026}) == "2027年1月4日（暂定，以公布的节假日安排为准）"
    assert cn_due(date(2026, 12, 31), {2025, 2026}) == "2026年12月31日"
    assert cn_due(None, {2026}) == ""


@pytest.fixture
def year_end_case(hall):
    """Accepted on Thu 2026-12-03 with 21 promised working days: due Fri 2027-01-01, a day the
    unpublished 2027 arrangement will surely make a holiday."""
    assert 2027 not in snapshot_for(hall.county.code).published_years
    version = hall.item.current_version
    version.promised_limit, version.statutory_limit = 21, 30
    version.save(update_fields=["promised_limit", "statutory_limit"])
    case = submit(hall, when=at(2026, 12, 2))
    case = case_services.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 12, 3))
    assert case.promised_due == date(2027, 1, 1)
    assert case.statutory_due.year == 2027
    return case


def test_the_acceptance_notice_and_sms_mark_the_provisional_dates(hall, settings, year_end_case):
    case = year_end_case
    sms = OutboxMessage.objects.get(topic=case.number, kind="case.accepted")
    assert f"承诺办结日期2027年1月1日{PROVISIONAL_NOTE}" in sms.body
    notice = services.document_render(document_id=case.documents.get(kind="acceptance_notice").id)
    assert notice.content["provisional_dates"] == sorted([str(case.promised_due), str(case.statutory_due)])
    text = "".join(subprocess.run(["pdftotext", str(readable(notice, settings)), "-"],
                                  capture_output=True, check=True).stdout.decode().split())
    assert f"2027年1月1日{PROVISIONAL_NOTE}" in text
    assert f"2026年12月3日{PROVISIONAL_NOTE}" not in text  # the acceptance day is a published year's


def test_a_calendar_change_that_moves_a_told_date_tells_the_applicant(hall, year_end_case,
                                                                      django_capture_on_commit_callbacks):
    case = year_end_case
    old_promised = case.promised_due
    # when the county declares a local holiday before the promised date
    with django_capture_on_commit_callbacks(execute=True):
        calendar_services.calendar_override_day(actor=calendar_services.SYSTEM, region_code=hall.county.code,
                                                day=date(2026, 12, 10), kind="holiday", name="地方节日")
    case.refresh_from_db()
    assert case.promised_due > old_promised
    # then a message with the new date (marked provisional) waits in the outbox
    sms = OutboxMessage.objects.get(topic=case.number, kind="case.calendar_retimed")
    assert "因节假日安排调整" in sms.body
    assert f"承诺办结日期由2027年1月1日调整为{cn_due(case.promised_due, {2026})}" in sms.body
    assert PROVISIONAL_NOTE in sms.body
