"""``GET /api/v1/calendar/deadline`` and ``manage.py deadline``: answers and error shapes."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from onewindow.workdays.services import SYSTEM, calendar_override_day

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar/deadline"


def test_the_api_answers_with_due_date_version_and_explanation(client):
    response = client.get(URL, {"start": "2026-09-18", "workdays": "10"})
    assert response.status_code == 200
    body = response.json()
    assert body["due"] == "2026-10-09"
    assert body["provisional"] is False
    assert body["calendar_version"] == 23
    kinds = [p["kind"] for p in body["explanation"]]
    assert kinds[0] == "start"
    assert kinds[-1] == "due"
    assert {"kind": "makeup_workday", "date": "2026-09-20", "name": "国庆节调休"} in body["explanation"]
    assert {"kind": "holiday", "from": "2026-10-01", "to": "2026-10-07", "days": 7, "name": "国庆节"} in body["explanation"]
    assert sum(p["days"] for p in body["explanation"] if p["kind"] == "counted") == 10
    assert any("2026年10月9日" in line for line in body["text"]["zh"])
    assert any("9 Oct 2026" in line for line in body["text"]["en"])


def test_the_api_marks_unpublished_years_provisional(client):
    body = client.get(URL, {"start": "2026-12-20", "workdays": "10"}).json()
    assert body["due"] == "2027-01-01"
    assert body["provisional"] is True
    assert body["explanation"][-1] == {"kind": "provisional", "unpublished_years": [2027]}


def test_the_api_uses_the_regions_calendar(client, tree):
    calendar_override_day(actor=SYSTEM, region_code=tree.county.code, day=date(2026, 3, 13), kind="holiday",
                          name="县庆")
    national = client.get(URL, {"start": "2026-03-12", "workdays": "1"}).json()
    township = client.get(URL, {"start": "2026-03-12", "workdays": "1", "region": tree.township.code}).json()
    assert national["due"] == "2026-03-13"
    assert township["due"] == "2026-03-16"
    assert township["calendar_version"] == national["calendar_version"] + 1
    assert {"kind": "holiday", "from": "2026-03-13", "to": "2026-03-13", "days": 1, "name": "县庆"} in township["explanation"]


@pytest.mark.parametrize(("params", "status", "code", "field"), [
    ({"start": "2026-13-01", "workdays": "3"}, 400, "invalid_date", "start"),
    ({"start": "yesterday", "workdays": "3"}, 400, "invalid_date", "start"),
    ({"workdays": "3"}, 400, "invalid_date", "start"),
    ({"start": "2026-01-05", "workdays": "0"}, 400, "invalid_workdays", "workdays"),
    ({"start": "2026-01-05", "workdays": "-4"}, 400, "invalid_workdays", "workdays"),
    ({"start": "2026-01-05", "workdays": "2.5"}, 400, "invalid_workdays", "workdays"),
    ({"start": "2026-01-05"}, 400, "invalid_workdays", "workdays"),
    ({"start": "2026-01-05", "workdays": "99999"}, 400, "invalid_workdays", "workdays"),
    ({"start": "2003-12-31", "workdays": "3"}, 400, "date_out_of_range", "start"),
    ({"start": "2099-01-01", "workdays": "3"}, 400, "date_out_of_range", "start"),
    ({"start": "2036-12-30", "workdays": "5"}, 400, "result_out_of_range", "workdays"),
    ({"start": "2026-01-05", "workdays": "3", "region": "990199000000"}, 404, "region.not_found", "region"),
    ({"start": "2026-01-05", "workdays": "3", "region": "x"}, 404, "region.not_found", "region"),
])
def test_bad_input_gets_the_error_shape_never_a_500(client, params, status, code, field):
    response = client.get(URL, params)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["field"] == field
    assert error["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])  # a Chinese message


def test_the_api_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/calendar/deadline"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"start", "workdays", "region"}


# --- CLI -------------------------------------------------------------------------------------


def _deadline(*args: str) -> str:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue()


def test_the_cli_prints_the_due_date_and_version():
    assert _deadline("2026-02-13", "5").splitlines() == ["2026-02-27", "日历版本 23"]


def test_the_cli_explains_in_chinese_and_english():
    zh = _deadline("2026-02-13", "5", "--explain")
    assert "2月14日（周六）为调休上班日，计入期限。" in zh
    assert "春节 2月15日至2月23日" in zh
    en = _deadline("2026-02-13", "5", "--explain", "--lang", "en")
    assert en.startswith("2026-02-27\ncalendar version 23\n")
    assert "Make-up working day counted: Sat 14 Feb" in en


def test_the_cli_marks_provisional_results():
    assert "临时结果" in _deadline("2027-03-01", "3").splitlines()[0]


def test_the_cli_uses_a_regions_calendar(tree):
    calendar_override_day(actor=SYSTEM, region_code=tree.county.code, day=date(2026, 3, 13), kind="holiday",
                          name="县庆")
    assert _deadline("2026-03-12", "1", "--region", tree.county.code).startswith("2026-03-16\n")


@pytest.mark.parametrize(("args", "message"), [
    (("2026-01-05", "0"), "工作日数须为正整数"),
    (("2026-02-30", "3"), "无法识别"),
    (("2026-01-05", "3", "--region", "990199000000"), "区划 990199000000 不存在"),
    (("1999-01-05", "3"), "超出日历范围"),
])
def test_the_cli_reports_bad_input_without_a_traceback(args, message):
    with pytest.raises(CommandError, match=message):
        _deadline(*args)
