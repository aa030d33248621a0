"""The center's public notices and their keeping: the staff identity board (岗位效能监督公示栏)
and each window's printable card, shown with the queue; the leaders' duty rota (领导轮流带班,
holiday duty) and reception days (接待日), set by the center administrator and shown on the
dashboard and the public center page."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.test import Client

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.core.timesource import local_date
from onewindow.hall import center_services, duty_services, selectors
from onewindow.hall.models import LeaderDuty, ReceptionDay, RosterEntry
from onewindow.organization.models import Authorization

from .helpers import at

pytestmark = pytest.mark.django_db


# -- the identity board ----------------------------------------------------------------------------------------


@pytest.fixture
def on_duty(lobby):
    today = local_date()
    RosterEntry.objects.create(window=lobby.w1, staff=lobby.clerk1, day=today, post="A")
    RosterEntry.objects.create(window=lobby.w1, staff=lobby.clerk2, day=today, post="B")
    RosterEntry.objects.create(window=lobby.w3, staff=lobby.clerk3, day=today - timedelta(days=1), post="A")
    lobby.clerk1.name = "张三丰"
    lobby.clerk1.save(update_fields=["name"])
    Authorization.objects.create(staff=lobby.clerk1, power="accept", department=lobby.hall.dept,
                                 item=lobby.hall.instant_item, valid_from=date(2024, 1, 1))
    return lobby


def test_the_board_lists_each_window_with_todays_staff_post_number_and_items(on_duty):
    board = {b.window.number: b for b in selectors.identity_board(on_duty.hall.county)}
    people = {p.name: p for p in board["01"].people}
    assert set(people) == {"张三丰", "clerk2"}
    assert (people["张三丰"].post, people["张三丰"].employee_number, people["张三丰"].initial) == ("A岗", "clerk", "张")
    # what the clerk is authorized for; a clerk without authorizations shows the window's queues' items
    assert people["张三丰"].may_handle == (f"{on_duty.hall.dept.name}全部事项", str(on_duty.hall.instant_item))
    assert set(people["clerk2"].may_handle) == {str(on_duty.hall.item), str(on_duty.hall.instant_item)}
    assert people["clerk2"].post == "B岗"
    assert board["03"].people == ()  # rostered yesterday, not today


def test_someone_signed_in_without_a_roster_entry_is_on_the_board(lobby):
    duty_services.sign_in(window=lobby.w3, actor=lobby.clerk3)  # posted at 03
    people = next(b for b in selectors.identity_board(lobby.hall.county) if b.window.number == "03").people
    assert [(p.name, p.post, p.signed_in) for p in people] == [("clerk3", "在岗", True)]


def test_the_public_board_shows_name_post_number_and_no_more(on_duty):
    page = Client().get(f"/hall/{on_duty.hall.county.code}/staff-board/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "岗位效能监督公示栏" in html
    assert "张三丰" in html
    assert "工号 clerk" in html
    assert "A岗" in html
    assert '<span class="avatar"' in html  # no photo: the initial
    assert "/staff-board/01/" in html  # the printable card


def test_the_window_card_is_printable(on_duty):
    page = Client().get(f"/hall/{on_duty.hall.county.code}/staff-board/01/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "01 号窗口" in html
    assert "张三丰" in html
    assert "hall/card.css" in html
    assert Client().get(f"/hall/{on_duty.hall.county.code}/staff-board/99/").status_code == 404


def test_the_card_css_prints_on_a5():
    from django.contrib.staticfiles import finders

    with open(finders.find("hall/card.css"), encoding="utf-8") as f:
        css = f.read()
    assert "@page { size: A5" in css
    assert "@media print" in css


def test_the_calling_screen_shows_the_board_with_the_queue(on_duty):
    html = Client().get(f"/hall/{on_duty.hall.county.code}/screen/").content.decode()
    assert "张三丰（A岗，工号 clerk）" in html
    assert f"/hall/{on_duty.hall.county.code}/staff-board/" in html


# -- the leaders' rota -----------------------------------------------------------------------------------------


@pytest.fixture
def leaders(lobby, staff_factory):
    from onewindow.organization.rules import Role

    head = staff_factory(Role.GOVERNMENT_HEAD, lobby.hall.county)
    head.name = "李县长"
    head.save(update_fields=["name"])
    lobby.admin.name = "王主任"
    lobby.admin.save(update_fields=["name"])
    return lobby, head


def test_the_rota_fills_working_days_in_turn_and_skips_holidays(leaders):
    lobby, head = leaders
    filled = center_services.leader_rota_fill(region=lobby.hall.county, first=date(2026, 9, 28),
                                              last=date(2026, 10, 9), leader_ids=[lobby.admin.pk, head.pk],
                                              actor=lobby.admin)
    rota = [(d.day, d.leader.name) for d in selectors.leader_rota(lobby.hall.county, date(2026, 9, 28),
                                                                   date(2026, 10, 9))]
    # 9-28, 9-29, 9-30, then the National Day holidays, then 10-08 and 10-09
    assert filled == 5
    assert rota == [(date(2026, 9, 28), "王主任"), (date(2026, 9, 29), "李县长"), (date(2026, 9, 30), "王主任"),
                    (date(2026, 10, 8), "李县长"), (date(2026, 10, 9), "王主任")]
    assert {d.kind for d in LeaderDuty.objects.all()} == {"lead"}


def test_holiday_duty_is_the_calendars_holidays(leaders):
    lobby, head = leaders
    center_services.leader_rota_fill(region=lobby.hall.county, first=date(2026, 10, 1), last=date(2026, 10, 3),
                                     leader_ids=[head.pk], actor=lobby.admin, holidays=True)
    assert list(LeaderDuty.objects.values_list("kind", flat=True)) == ["holiday"] * 3
    duty = center_services.leader_duty_set(region=lobby.hall.county, day=date(2026, 10, 8), leader_id=head.pk,
                                           actor=lobby.admin)
    assert duty.kind == "lead"


def test_days_already_set_keep_their_leader(leaders):
    lobby, head = leaders
    center_services.leader_duty_set(region=lobby.hall.county, day=date(2026, 9, 29), leader_id=head.pk,
                                    actor=lobby.admin)
    center_services.leader_rota_fill(region=lobby.hall.county, first=date(2026, 9, 28), last=date(2026, 9, 30),
                                     leader_ids=[lobby.admin.pk], actor=lobby.admin)
    assert [d.leader.name for d in selectors.leader_rota(lobby.hall.county, date(2026, 9, 28),
                                                         date(2026, 9, 30))] == ["王主任", "李县长", "王主任"]


def test_a_clerk_is_no_leader_and_may_not_set_the_rota(leaders):
    lobby, head = leaders
    with pytest.raises(DomainError) as exc:
        center_services.leader_duty_set(region=lobby.hall.county, day=date(2026, 9, 28), leader_id=lobby.clerk1.pk,
                                        actor=lobby.admin)
    assert exc.value.code == "hall.not_a_leader"
    with pytest.raises(PermissionDenied):
        center_services.leader_duty_set(region=lobby.hall.county, day=date(2026, 9, 28), leader_id=head.pk,
                                        actor=lobby.clerk1)
    with pytest.raises(DomainError) as exc:
        center_services.leader_rota_fill(region=lobby.hall.county, first=date(2026, 9, 30), last=date(2026, 9, 28),
                                         leader_ids=[head.pk], actor=lobby.admin)
    assert exc.value.code == "hall.rota_dates"


def test_a_reception_day_needs_a_leader_a_place_and_a_time(leaders):
    lobby, head = leaders
    with pytest.raises(DomainError) as exc:
        center_services.reception_day_add(region=lobby.hall.county, day=date(2026, 9, 30), start=time(11),
                                          end=time(9), leader_id=head.pk, place="接待室", actor=lobby.admin)
    assert exc.value.field == "end"
    with pytest.raises(DomainError) as exc:
        center_services.reception_day_add(region=lobby.hall.county, day=date(2026, 9, 30), start=time(9),
                                          end=time(11), leader_id=head.pk, place=" ", actor=lobby.admin)
    assert exc.value.field == "place"


def test_todays_leader_and_the_reception_days_are_public_and_on_the_dashboard(leaders):
    lobby, head = leaders
    today = local_date()
    center_services.leader_duty_set(region=lobby.hall.county, day=today, leader_id=head.pk, actor=lobby.admin)
    center_services.reception_day_add(region=lobby.hall.county, day=today + timedelta(days=3), start=time(9),
                                      end=time(11, 30), leader_id=lobby.admin.pk, place="一楼接待室",
                                      topic="办事难题", actor=lobby.admin)
    page = Client().get(f"/hall/{lobby.hall.county.code}/").content.decode()
    assert "今日带班领导：李县长" in page
    assert "一楼接待室" in page
    assert "王主任" in page
    assert "领导接待日" in page
    client = Client()
    client.force_login(lobby.admin.user)
    assert "今日带班领导：李县长" in client.get("/staff/hall/").content.decode()


def test_the_administrator_keeps_the_rota_on_the_duty_page(leaders):
    lobby, head = leaders
    client = Client()
    client.force_login(lobby.admin.user)
    assert "李县长" in client.get("/staff/hall/duty/").content.decode()
    answer = client.post("/staff/hall/duty/fill/", {"leaders": [str(head.pk)], "first": "2026-09-28",
                                                     "last": "2026-09-30"})
    assert answer.status_code == 302
    assert LeaderDuty.objects.count() == 3
    client.post("/staff/hall/duty/remove/", {"duty": str(LeaderDuty.objects.first().pk)})
    assert LeaderDuty.objects.count() == 2
    client.post("/staff/hall/duty/reception-add/", {"day": "2026-09-30", "start": "09:00", "end": "11:00",
                                                     "leader": str(head.pk), "place": "接待室"})
    assert ReceptionDay.objects.count() == 1
    client.post("/staff/hall/duty/reception-remove/", {"reception": str(ReceptionDay.objects.get().pk)})
    assert not ReceptionDay.objects.exists()
    # a bad date is told, not a 500
    answer = client.post("/staff/hall/duty/set/", {"day": "not-a-day", "leader": str(head.pk)}, follow=True)
    assert "not-a-day" in answer.content.decode()


def test_a_clerk_may_not_open_the_duty_page(lobby):
    client = Client()
    client.force_login(lobby.clerk1.user)
    assert client.get("/staff/hall/duty/").status_code == 403
    assert client.post("/staff/hall/duty/fill/", {}).status_code == 403


def test_an_unknown_center_is_404():
    assert Client().get("/hall/990199000000/").status_code == 404
    assert Client().get("/hall/990199000000/staff-board/").status_code == 404


def test_the_rota_day_kind_follows_the_calendar(leaders):
    lobby, head = leaders
    # a make-up working Saturday is a lead day
    duty = center_services.leader_duty_set(region=lobby.hall.county, day=date(2026, 10, 10), leader_id=head.pk,
                                           actor=lobby.admin)
    assert duty.kind == "lead"
    assert at(9).date() == date(2026, 9, 28)


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_photo_on_the_board_is_served_for_the_staff_on_duty_only(on_duty, settings, tmp_path,
                                                                  django_capture_on_commit_callbacks):
    from onewindow.organization.services import staff_photo_set
    from tests.online.helpers import PNG

    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        staff_photo_set(staff=on_duty.clerk1, photo=_upload("me.png", PNG))
        staff_photo_set(staff=on_duty.clerk3, photo=_upload("me.png", PNG))  # rostered yesterday only
    county = on_duty.hall.county.code
    html = Client().get(f"/hall/{county}/staff-board/").content.decode()
    assert f'src="/hall/{county}/staff-board/photo/clerk/"' in html
    assert 'alt="张三丰的照片"' in html
    photo = Client().get(f"/hall/{county}/staff-board/photo/clerk/")
    assert (photo.status_code, photo["Content-Type"], photo.content) == (200, "image/png", PNG)
    assert Client().get(f"/hall/{county}/staff-board/photo/clerk3/").status_code == 404  # not on duty today
    assert Client().get(f"/hall/{county}/staff-board/photo/clerk2/").status_code == 404  # on duty, no photo
    # Taken down: the board falls back to the initial and the file goes.
    with django_capture_on_commit_callbacks(execute=True):
        staff_photo_set(staff=on_duty.clerk1, photo=None)
    assert Client().get(f"/hall/{county}/staff-board/photo/clerk/").status_code == 404
    assert not list((tmp_path / "staff").glob("clerk-*"))


def test_a_photo_must_be_an_image(on_duty, settings, tmp_path):
    from onewindow.organization.services import staff_photo_set

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(DomainError) as refused:
        staff_photo_set(staff=on_duty.clerk1, photo=_upload("cv.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert (refused.value.code, refused.value.field) == ("staff.photo_not_image", "photo")
    on_duty.clerk1.refresh_from_db()
    assert not on_duty.clerk1.photo
