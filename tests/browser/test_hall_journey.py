"""The hall in a real browser: a visitor takes a ticket at the kiosk, the calling screen shows
the call, the window calls, serves, links the case taken in from the ticket and finishes; and a
booked visitor checks in at the kiosk with the appointment code and is called before an earlier
walk-in."""

from __future__ import annotations

import os
from datetime import time, timedelta

import pytest

from onewindow.core.timesource import SHANGHAI, local_date, now
from onewindow.feedback.models import Rating
from onewindow.hall.models import Appointment, Queue, Ticket, WindowGroup, WindowQueue
from tests.browser.helpers import log_in
from tests.cases.helpers import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lobby(counter, browser_context):
    # The screen polls while the window acts: on a loaded machine the live server answers slowly.
    browser_context.set_default_timeout(60_000)
    group = WindowGroup.objects.create(region=counter.county, code="ZH", name="综合受理区")
    group.windows.set([counter.window])
    queue = Queue.objects.create(group=group, letter="A", name="工商登记")
    queue.items.set([counter.item])
    WindowQueue.objects.create(window=counter.window, queue=queue, rank=1)
    return counter, queue


def sign_in_and_call(page, counter) -> None:
    log_in(page, counter.clerk.user.username)
    page.goto("/staff/hall/window/")
    with page.expect_navigation():
        page.get_by_test_id("sign-in").click()
    with page.expect_navigation():
        page.get_by_test_id("call-next").click()


def test_kiosk_ticket_screen_call_serve_and_the_case(page, browser_context, lobby, screenshot_dir):
    counter, queue = lobby
    county = counter.county.code
    # a visitor takes a ticket at the kiosk
    page.goto(f"/hall/{county}/kiosk/")
    page.screenshot(path=os.path.join(screenshot_dir, "hall-kiosk.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_test_id("queue-A").click()
    assert page.get_by_test_id("ticket-number").inner_text() == "A001"
    # the hall's TV shows the calls
    screen = browser_context.new_page()
    screen.goto(f"/hall/{county}/screen/")
    assert "暂无叫号" in screen.get_by_test_id("screen-calls").inner_text()
    # the clerk signs in at window 01 and calls
    sign_in_and_call(page, counter)
    assert page.get_by_test_id("current-ticket").inner_text() == "A001"
    # the screen updates itself (htmx polling) with the call
    screen.locator("tr.latest", has_text="A001").wait_for()
    assert "01 号窗口" in screen.locator("tr.latest").inner_text()
    screen.screenshot(path=os.path.join(screenshot_dir, "hall-screen.png"), full_page=True)
    # the applicant comes: service starts; the clerk takes the case in and links it to the ticket
    with page.expect_navigation():
        page.get_by_test_id("serve").click()
    assert page.get_by_test_id("intake-link").get_attribute("href").endswith(f"?item={counter.item.implementation_code}")
    case = submit(counter, now())
    page.reload()
    page.get_by_test_id("case-number").fill(case.number)
    with page.expect_navigation():
        page.get_by_test_id("link-case").click()
    assert page.get_by_test_id("linked-case").inner_text() == case.number
    page.screenshot(path=os.path.join(screenshot_dir, "hall-window.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_test_id("finish").click()
    ticket = Ticket.objects.get()
    assert ticket.state == "done"
    assert ticket.case_id == case.pk
    # the rating pad: the clerk opens it for the visitor just served, who rates the counter visit
    # (一次一评; the case itself is rated once it is concluded)
    with page.expect_navigation():
        page.get_by_test_id("invite-rating-A001").click()
    assert page.get_by_test_id("pad-case").count() == 0
    with page.expect_navigation():
        page.get_by_test_id("pad-invite").click()
    page.locator("input[name=level][value=very_satisfied]").check()
    with page.expect_navigation():
        page.locator("[data-testid=rating-form] button[type=submit]").click()
    assert "已记录" in page.get_by_test_id("rating-thanks").inner_text()
    rating = Rating.objects.get()
    assert (rating.channel, rating.window_id, rating.case_id) == ("pad", counter.window.id, None)


def test_a_booked_visitor_checks_in_and_is_served_first(page, lobby):
    counter, queue = lobby
    county = counter.county.code
    moment = now().astimezone(SHANGHAI)
    slot = time(moment.hour, 0 if moment.minute < 30 else 30)
    walk_in = Ticket.objects.create(region=counter.county, queue=queue, numbered_in=queue, day=local_date(),
                                    number=90, label="A090", issued_at=now() - timedelta(minutes=20))
    booking = Appointment.objects.create(region=counter.county, group=queue.group, queue=queue, day=local_date(),
                                         slot=slot, name="李四", id_number="11010119800101001X", phone="13900000000",
                                         code="20260001", booked_at=now() - timedelta(days=2))
    page.goto(f"/hall/{county}/kiosk/")
    page.get_by_test_id("appointment-code").fill(booking.code)
    with page.expect_navigation():
        page.get_by_test_id("check-in").click()
    label = page.get_by_test_id("ticket-number").inner_text()
    assert "预约" in page.content()
    sign_in_and_call(page, counter)
    assert page.get_by_test_id("current-ticket").inner_text() == label
    booking.refresh_from_db()
    assert booking.state == "checked_in"
    walk_in.refresh_from_db()
    assert walk_in.state == "waiting"


def test_the_centers_notices_and_the_printed_window_card(page, lobby, screenshot_dir):
    """The public center page shows the published hours and today's leader; the identity board lists
    today's clerk; the window card prints on A5 without the screen's frame."""
    from datetime import time as clock

    from onewindow.hall.models import LeaderDuty, OpeningHours, RosterEntry

    counter, queue = lobby
    county = counter.county.code
    for d in range(5):
        OpeningHours.objects.create(region=counter.county, weekday=d, morning_start=clock(9), morning_end=clock(12),
                                    afternoon_start=clock(13, 30), afternoon_end=clock(17))
    LeaderDuty.objects.create(region=counter.county, day=local_date(), leader=counter.chief)
    RosterEntry.objects.create(window=counter.window, staff=counter.clerk, day=local_date(), post="A")
    page.goto(f"/hall/{county}/")
    assert "周一至周五 上午 9:00–12:00，下午 13:30–17:00" in page.get_by_test_id("opening-hours").inner_text()
    assert counter.chief.name in page.get_by_test_id("leaders-today").inner_text()
    page.goto(f"/hall/{county}/staff-board/")
    assert counter.clerk.name in page.get_by_test_id("board-window-01").inner_text()
    page.screenshot(path=os.path.join(screenshot_dir, "hall-staff-board.png"), full_page=True)
    page.goto(f"/hall/{county}/staff-board/01/")
    page.emulate_media(media="print")
    card = page.get_by_test_id("window-card")
    assert counter.clerk.name in card.inner_text()
    assert card.evaluate("e => getComputedStyle(e).borderTopWidth") == "1px"  # the print rule applies
    page.screenshot(path=os.path.join(screenshot_dir, "hall-window-card.png"))
