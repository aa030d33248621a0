"""Reports: the monthly and annual report of the center and of one subject, numbered like notices,
frozen with their figures and charts; as a PDF (its text read back), an Excel workbook (safe
cells) and a page; and the public summary, which names no person."""

from __future__ import annotations

import io
import subprocess
from datetime import datetime

import pytest
from openpyxl import load_workbook

from onewindow.assessment import reports
from onewindow.assessment.models import LineItem, Report
from onewindow.assessment.rules import SubjectKind
from onewindow.assessment.services import assessment_publish, correction_make, report_issue
from onewindow.core.errors import Conflict, NotFound, PermissionDenied
from onewindow.core.timesource import SHANGHAI
from onewindow.organization.rules import Role

from .helpers import score_five_windows

AT = datetime(2026, 12, 10, 9, tzinfo=SHANGHAI)


@pytest.fixture
def published(two_counties):
    county = two_counties.a
    draft, windows = score_five_windows(county)
    assessment_publish(by=county.staff[Role.CENTER_ADMIN], assessment_id=draft.id)
    return county, draft, windows


def issue(county, *, role=Role.CENTER_ADMIN, kind=reports.PERIOD, period="2026-11", subject_id=None, at=AT):
    return report_issue(by=county.staff[role], region=county.region, kind=kind, subject_kind=SubjectKind.WINDOW,
                        period=period, subject_id=subject_id, at=at)


def pdf_text(data: bytes) -> str:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, check=True, capture_output=True).stdout
    return "".join(text.decode().split())


def test_the_center_report_is_numbered_like_a_notice_and_frozen(published):
    county, draft, windows = published
    report = issue(county)
    assert report.number == "云溪考〔2026〕000001号"
    doc = report.content
    assert doc["title"] == "云溪县窗口2026年11月考核报告"
    assert [(r["rank"], r["name"], r["total"], r["grade"], r["small"]) for r in doc["ranking"]] == [
        (1, "01 综合窗口", "102.00", "优秀", False), (1, "02 市场监管窗口", "102.00", "优秀", False),
        (3, "03 社保窗口", "100.00", "优秀", False), (4, "04 税务窗口", "88.00", "良好", False),
        (5, "05 公安窗口", "80.00", "合格", True)]
    # The distribution of deductions: 6 + 10 findings at −2.
    assert doc["deductions"] == [{"label": "督查发现问题", "count": 16, "points": "32.00"}]
    assert [(a["label"], a["name"]) for a in doc["awards"]][-1] == ("末位通报", "04 税务窗口")
    assert doc["trend"] == {"labels": ["2026-11"], "series": [{"name": "全体平均", "values": ["94.40"]}]}
    for chart in doc["charts"].values():
        assert chart.startswith("<svg")
        assert "<desc>" in chart
        assert "<script" not in chart
    # The same figures, the same report; another staff member asking gets it too.
    assert issue(county, role=Role.SUPERVISOR).pk == report.pk


def test_a_correction_makes_a_new_report_and_leaves_the_earlier_as_issued(published):
    county, draft, windows = published
    first = issue(county)
    line = LineItem.objects.get(score__assessment=draft, score__subject_id=windows[3].id)
    correction_make(by=county.staff[Role.CENTER_ADMIN], assessment_id=draft.id, reason="督查记录有误", line_id=line.id)
    second = issue(county)
    assert second.number == "云溪考〔2026〕000002号"
    assert [(r["name"], r["rank"], r["total"], r["corrected"]) for r in second.content["ranking"]][2:4] == [
        ("03 社保窗口", 3, "100.00", False), ("04 税务窗口", 3, "100.00", True)]
    assert second.content["corrections"][0]["what"] == "撤销“督查发现问题 ×6”"
    first.refresh_from_db()
    assert first.content["ranking"][3]["total"] == "88.00"
    assert reports.content_intact(first)


def test_a_subjects_report_lists_its_lines_with_their_evidence(published):
    county, draft, windows = published
    report = issue(county, subject_id=windows[3].id)
    doc = report.content
    assert doc["title"] == "04 税务窗口2026年11月考核报告"
    assert doc["standing"]["rank"] == 4
    assert [(x["label"], x["count"], x["amount"], x["evidence"]) for x in doc["lines"]] == [
        ("督查发现问题", 6, "-12.00", ["督查记录"])]
    assert [s["name"] for s in doc["trend"]["series"]] == ["04 税务窗口", "全体平均"]


def test_refusals(published, two_counties):
    county, draft, windows = published
    with pytest.raises(PermissionDenied):
        issue(county, role=Role.CLERK)
    with pytest.raises(PermissionDenied):
        report_issue(by=two_counties.b.staff[Role.CENTER_ADMIN], region=county.region, kind=reports.PERIOD,
                     subject_kind=SubjectKind.WINDOW, period="2026-11")
    with pytest.raises(NotFound) as e:
        issue(county, subject_id=999999)
    assert e.value.code == "report_subject_unknown"
    with pytest.raises(NotFound):
        issue(county, period="2026-10")
    draft, _ = score_five_windows(county, period="2026-12")
    with pytest.raises(Conflict) as e:
        issue(county, period="2026-12")
    assert e.value.code == "report_not_published"
    with pytest.raises(NotFound) as e:
        issue(county, kind=reports.ANNUAL, period="2025")
    assert e.value.code == "report_nothing_published"
    assert not Report.objects.exists()


def test_the_annual_report_sums_up_the_published_months(published):
    county, november, windows = published
    october, _ = score_five_windows(county, period="2026-10")
    assessment_publish(by=county.staff[Role.CENTER_ADMIN], assessment_id=october.id)
    report = issue(county, kind=reports.ANNUAL, period="2026")
    doc = report.content
    assert doc["title"] == "云溪县窗口2026年度考核报告"
    assert [m["period"] for m in doc["months"]] == ["2026-10", "2026-11"]
    first = doc["ranking"][0]
    assert (first["rank"], first["months"], first["mean"], first["awards"]) == (1, 2, "102.00", "流动红旗×2、红旗窗口×2")
    assert doc["ranking"][3]["bottom"] == 2
    assert doc["deductions"][0] == {"label": "督查发现问题", "count": 32, "points": "64.00"}
    own = issue(county, kind=reports.ANNUAL, period="2026", subject_id=windows[4].id)
    assert [(m["period"], m["total"], m["small"]) for m in own.content["month_rows"]] == [
        ("2026-10", "80.00", True), ("2026-11", "80.00", True)]


def test_the_pdf_the_workbook_and_the_page(published, client):
    county, draft, windows = published
    admin = county.staff[Role.CENTER_ADMIN]
    client.force_login(admin.user)
    answer = client.post(f"/staff/assessment/{draft.id}/report/", {"subject_id": ""})
    report = Report.objects.get()
    assert answer["Location"] == f"/staff/assessment/reports/{report.pk}/"
    page = client.get(answer["Location"]).content.decode()
    assert report.number in page
    assert "<svg" in page
    pdf = client.get(f"/staff/assessment/reports/{report.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for words in (report.number, "云溪县窗口2026年11月考核报告", "扣分分布", "得分趋势", "04税务窗口", "末位通报",
                  "云溪县政务服务中心"):
        assert words in text, words
    xlsx = client.get(f"/staff/assessment/reports/{report.pk}/xlsx/")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["概况", "排名", "扣分分布", "评优", "趋势"]
    assert [c.value for c in book["排名"][2]][:3] == ["名次", "对象", "得分（含更正）"]
    client.force_login(two_counties_other_admin(county))
    assert client.get(f"/staff/assessment/reports/{report.pk}/pdf/").status_code == 404


def two_counties_other_admin(county):
    from onewindow.organization.models import Staff

    return Staff.objects.exclude(region=county.region).filter(postings__role=Role.CENTER_ADMIN).first().user


def test_a_name_that_looks_like_a_formula_stays_text_in_the_workbook(two_counties, client):
    county = two_counties.a
    county.general_window.name = "=HYPERLINK(\"http://x\",\"点此\")"
    county.general_window.save()
    draft, _ = score_five_windows(county)
    assessment_publish(by=county.staff[Role.CENTER_ADMIN], assessment_id=draft.id)
    report = issue(county)
    client.force_login(county.staff[Role.CENTER_ADMIN].user)
    book = load_workbook(io.BytesIO(client.get(f"/staff/assessment/reports/{report.pk}/xlsx/").content))
    names = [row[1] for row in book["排名"].iter_rows(min_row=3, values_only=True)]
    assert "01 =HYPERLINK(\"http://x\",\"点此\")" in names
    cell = next(c for c in book["排名"]["B"] if c.value and str(c.value).startswith("01 "))
    assert cell.data_type == "s"


def test_an_altered_report_is_not_drawn(published, client):
    county, draft, windows = published
    report = issue(county)
    Report.objects.filter(pk=report.pk).update(content={**report.content, "title": "篡改"})
    client.force_login(county.staff[Role.CENTER_ADMIN].user)
    assert client.get(f"/staff/assessment/reports/{report.pk}/").status_code == 409
    assert client.get(f"/staff/assessment/reports/{report.pk}/pdf/").status_code == 409


def test_the_annual_form_and_the_list(published, client):
    county, draft, windows = published
    client.force_login(county.staff[Role.SUPERVISOR].user)
    answer = client.post("/staff/assessment/reports/annual/", {"region": county.region.pk, "subject_kind": "window",
                                                               "year": "2026"})
    report = Report.objects.get()
    assert report.kind == "annual"
    assert answer["Location"] == f"/staff/assessment/reports/{report.pk}/"
    assert report.number in client.get("/staff/assessment/reports/").content.decode()
    bad = client.post("/staff/assessment/reports/annual/", {"region": county.region.pk, "subject_kind": "window",
                                                            "year": "二〇二六"}, follow=True)
    assert "格式不正确" in bad.content.decode()
    other = client.post("/staff/assessment/reports/annual/", {"region": "0", "subject_kind": "window", "year": "2026"},
                        follow=True)
    assert "请选择您可查看考核结果的区划" in other.content.decode()


def test_the_public_summary_names_no_person(published, client):
    county, draft, windows = published
    page = client.get("/assessment/").content.decode()
    assert "云溪县 2026年11月" in page
    assert "流动红旗：01 综合窗口" in page
    assert county.market.name in page
    assert "末位通报" not in page
    for staff in county.staff.values():
        assert staff.name not in page
    empty = client.get("/assessment/?region=990122000000").content.decode()
    assert "云溪县 2026年11月" in empty  # an unknown or unpublished region: the first published one
