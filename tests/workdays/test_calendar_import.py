"""``manage.py import_holidays``: the text format and iCal, good files and bad ones (nothing saved)."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from onewindow.workdays import selectors
from onewindow.workdays.importers import check_parsed, parse_file, parse_text
from onewindow.workdays.models import CalendarChange, CalendarDay, PublishedYear

GOOD_TEXT = """\
# 2027 年节假日安排（示例）
year 2027
notice 国务院办公厅关于2027年部分节假日安排的通知
holiday 2027-01-01..2027-01-03 元旦
holiday 2027-02-06..2027-02-14 春节   # 除夕至初八
workday 2027-02-20 春节调休
holiday 2027-04-05 清明节

year 2028
holiday 2028-01-01 元旦
"""


def _run(tmp_path, content, *args, name="holidays.txt"):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    out, err = StringIO(), StringIO()
    call_command("import_holidays", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _fails(tmp_path, content, *args, name="holidays.txt") -> str:
    before = (CalendarChange.objects.count(), CalendarDay.objects.count(), PublishedYear.objects.count())
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    err = StringIO()
    with pytest.raises(CommandError, match="未保存任何内容"):
        call_command("import_holidays", str(path), *args, stdout=StringIO(), stderr=err)
    # nothing saved
    assert (CalendarChange.objects.count(), CalendarDay.objects.count(), PublishedYear.objects.count()) == before
    return err.getvalue()


# --- text format ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_good_text_file_publishes_each_year(tmp_path):
    out, err = _run(tmp_path, GOOD_TEXT)
    assert err == ""
    assert "2027 年：已发布 3 个放假区间（13 天）、1 个调休上班日" in out
    p2027 = PublishedYear.objects.get(year=2027)
    assert p2027.notice == "国务院办公厅关于2027年部分节假日安排的通知"
    assert p2027.published_by is None
    assert p2027.published_by_label == "命令行 import_holidays"
    # a year without a notice line gets the standard title
    assert PublishedYear.objects.get(year=2028).notice == "国务院办公厅关于2028年部分节假日安排的通知"
    assert CalendarDay.objects.get(day=date(2027, 2, 10)).name == "春节"
    snap = selectors.snapshot_for(None)
    assert snap.is_workday(date(2027, 2, 20))
    assert not snap.is_workday(date(2027, 4, 5))
    assert not snap.is_provisional(date(2027, 1, 1), date(2028, 12, 31))


@pytest.mark.django_db
def test_importing_a_published_year_needs_replace(tmp_path):
    _run(tmp_path, GOOD_TEXT)
    err = _fails(tmp_path, GOOD_TEXT)
    assert "第 2 行：2027 年的节假日安排已于" in err
    corrected = GOOD_TEXT.replace("2027-02-06..2027-02-14", "2027-02-06..2027-02-15")
    out, _ = _run(tmp_path, corrected, "--replace")
    assert "2028 年：与已发布的安排相同，未作更改" in out
    assert not selectors.snapshot_for(None).is_workday(date(2027, 2, 15))


@pytest.mark.django_db
def test_a_bad_text_file_reports_every_problem_with_its_line(tmp_path):
    bad = """\
holiday 2027-01-01 元旦
year 2027
holiday 2027-02-30 春节
holiday 2027-02-06..2027-02-14
workday 2027-02-22 春节调休
holiday 2027-02-10..2027-02-12 重叠
party 2027-05-01 劳动节
holiday 2028-01-01 元旦
year 27
"""
    err = _fails(tmp_path, bad)
    lines = err.splitlines()
    assert any("第 1 行：请先用“year 年度”" in x for x in lines)
    assert any("第 3 行：日期“2027-02-30”无法识别" in x for x in lines)
    assert any("第 4 行：缺少名称" in x for x in lines)
    assert any("第 5 行：调休上班日 2027-02-22 是星期一，不是周末" in x for x in lines)
    assert any("第 7 行：无法识别的语句“party”" in x for x in lines)
    assert any("第 8 行：放假日期 2028-01-01 至 2028-01-01 不在 2027 年内" in x for x in lines)
    assert any("第 9 行：年度应为四位数字" in x for x in lines)
    # the order follows the file
    numbers = [int(x.split("第 ")[1].split(" 行")[0]) for x in lines if "第 " in x]
    assert numbers == sorted(numbers)


@pytest.mark.django_db
def test_an_overlap_is_reported_on_the_later_line(tmp_path):
    err = _fails(tmp_path, "year 2027\nholiday 2027-02-06..2027-02-14 春节\nholiday 2027-02-14..2027-02-16 又一节\n")
    assert "第 3 行：放假区间 2027-02-14 至 2027-02-16 与第 1 个放假区间重叠" in err


@pytest.mark.django_db
def test_a_later_year_failing_saves_no_earlier_year(tmp_path):
    # 2027 is sound, 2026 is already published: neither is saved
    err = _fails(tmp_path, "year 2027\nholiday 2027-01-01 元旦\nyear 2026\nholiday 2026-01-01 元旦\n")
    assert "第 3 行：2026 年的节假日安排已于" in err
    assert not PublishedYear.objects.filter(year=2027).exists()


@pytest.mark.django_db
def test_empty_and_non_utf8_files_are_refused(tmp_path):
    assert "没有任何年度安排" in _fails(tmp_path, "# nothing here\n")
    assert "第 2 行：文件不是 UTF-8 编码" in _fails(tmp_path, b"year 2027\n" + "holiday 2027-01-01 元旦\n".encode("gbk"))
    assert "2027 年没有任何放假或调休上班日" in _fails(tmp_path, "year 2027\nnotice 通知\n")


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_holidays", str(tmp_path / "nope.txt"))


@pytest.mark.django_db
def test_importing_as_a_staff_member_checks_their_right(tmp_path, county_admin, clerk):
    err = _fails(tmp_path, GOOD_TEXT, "--staff", clerk.employee_number)
    assert "没有" in err
    assert "发布工作日历" in err
    _run(tmp_path, GOOD_TEXT, "--staff", county_admin.employee_number)
    assert PublishedYear.objects.get(year=2027).published_by == county_admin


def test_chinese_keywords_are_accepted():
    result = parse_text("年度 2027\n通知 某通知\n放假 2027-01-01..2027-01-03 元旦\n上班 2027-01-09 元旦调休\n")
    assert check_parsed(result) == []
    assert result.years[0].notice == "某通知"
    assert len(result.years[0].holidays) == 1
    assert result.years[0].makeup_workdays[0].day == date(2027, 1, 9)


# --- iCal ----------------------------------------------------------------------------------


def _ics(*events: str, name: str = "2027年节假日") -> str:
    body = "".join(f"BEGIN:VEVENT\r\n{e}END:VEVENT\r\n" for e in events)
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//onewindow//test//ZH\r\nX-WR-CALNAME:{name}\r\n"
            f"{body}END:VCALENDAR\r\n")


def _event(uid: str, start: str, end: str | None, summary: str) -> str:
    text = f"UID:{uid}\r\nDTSTART;VALUE=DATE:{start}\r\n"
    if end:
        text += f"DTEND;VALUE=DATE:{end}\r\n"
    return text + f"SUMMARY:{summary}\r\n"


GOOD_ICS = _ics(
    _event("1", "20261231", "20270104", "元旦"),         # crosses the year: 2027's notice; DTEND exclusive
    _event("2", "20270206", "20270215", "春节"),
    _event("3", "20270220", None, "春节调休上班"),          # no DTEND: one day
    _event("4", "20270221", "20270222", "补班"),
)


@pytest.mark.django_db
def test_a_good_ical_file_publishes_holidays_and_make_up_days(tmp_path):
    out, err = _run(tmp_path, GOOD_ICS, name="2027.ics")
    assert err == ""
    assert "2027 年：已发布 2 个放假区间（13 天）、2 个调休上班日" in out
    published = PublishedYear.objects.get(year=2027)
    assert published.notice == "2027年节假日（2027年）"
    days = {d.day: (d.kind, d.name) for d in published.days.all()}
    assert days[date(2026, 12, 31)] == ("holiday", "元旦")
    assert date(2027, 1, 4) not in days
    assert date(2027, 2, 14) in days
    assert date(2027, 2, 15) not in days
    assert days[date(2027, 2, 20)] == ("makeup_workday", "春节调休上班")
    assert days[date(2027, 2, 21)] == ("makeup_workday", "补班")


@pytest.mark.django_db
def test_a_bad_ical_file_reports_lines_and_saves_nothing(tmp_path):
    bad = _ics(
        _event("1", "20270206", "20270215", "春节"),
        "UID:2\r\nDTSTART:20270301T090000\r\nSUMMARY:会议\r\n",            # not all-day
        _event("3", "20270222", None, "春节调休上班"),                       # a Monday
        "UID:4\r\nDTSTART;VALUE=DATE:2027021X\r\nSUMMARY:坏日期\r\n",       # unparsable
        _event("5", "20270401", "20270401", "清明节"),                      # DTEND not after DTSTART
    )
    err = _fails(tmp_path, bad, name="bad.ics")
    lines = bad.splitlines()

    def line_of(text: str) -> int:
        return next(i for i, x in enumerate(lines, start=1) if text in x)

    assert f"第 {line_of('DTSTART:20270301T090000')} 行：第 2 个事件“会议”不是全天事件" in err
    assert f"第 {line_of('UID:3') - 1} 行：调休上班日 2027-02-22 是星期一，不是周末" in err
    assert f"第 {line_of('2027021X')} 行：第 4 个事件的 DTSTART 无法识别" in err
    assert f"第 {line_of('UID:5') - 1} 行：第 5 个事件“清明节”的结束日不晚于开始日" in err


@pytest.mark.django_db
def test_a_file_that_is_not_ical_at_all(tmp_path):
    err = _fails(tmp_path, "BEGIN:VCALENDAR\r\nthis is not a content line\r\nEND:VCALENDAR\r\n", name="x.ics")
    assert "无法解析 iCal 文件" in err
    assert "iCal 文件中没有任何全天事件" in _fails(tmp_path, _ics(), name="empty.ics")


def test_ical_is_recognized_by_content_too():
    result = parse_file("holidays.txt", GOOD_ICS.encode())
    assert [y.year for y in result.years] == [2027]
    assert check_parsed(result) == []
