"""The power list: Excel import as a version with its effective date (row-level problems, nothing
half-imported), export and re-import, the version in force, the discretion calculator, the flow
chart, the public pages and ``GET /powers``."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.openness import power_selectors as sel
from onewindow.openness.models import DiscretionStandard, Power, PowerListVersion
from onewindow.openness.power_rules import Category, Situation, allowed_range, flow_svg
from onewindow.openness.power_services import ImportRejected, power_list_export, power_list_import
from onewindow.organization.rules import Role

from .helpers import power_row, standard_row, workbook

TODAY = date.today()


def situation(i: int, category: Category, lo: int | None, hi: int | None, text: str = "") -> Situation:
    return Situation(i, category, text or f"情形{i}", None if lo is None else Decimal(lo),
                     None if hi is None else Decimal(hi), f"条文{i}")


ORDINARY = [situation(1, Category.ORDINARY, 50000, 80000)]


def test_no_penalty_wins() -> None:
    got = allowed_range([situation(2, Category.NO_PENALTY, None, None), situation(3, Category.HEAVIER, 80000, 100000)],
                        ORDINARY)
    assert not got.penalty
    assert got.range_min is None


def test_lighter_situations_bound_the_range() -> None:
    got = allowed_range([situation(2, Category.LIGHTER, 10000, 30000), situation(3, Category.LIGHTER, 20000, 50000)],
                        ORDINARY)
    assert (got.penalty, got.range_min, got.range_max) == (True, Decimal(10000), Decimal(50000))
    assert got.basis == ("条文2", "条文3")


def test_lighter_and_heavier_together_give_the_ordinary_range() -> None:
    got = allowed_range([situation(2, Category.LIGHTER, 10000, 30000), situation(3, Category.HEAVIER, 80000, 100000)],
                        ORDINARY)
    assert (got.range_min, got.range_max) == (Decimal(50000), Decimal(80000))
    assert "综合裁量" in got.explanation


def test_nothing_chosen_is_the_ordinary_range() -> None:
    got = allowed_range([], ORDINARY)
    assert (got.range_min, got.range_max) == (Decimal(50000), Decimal(80000))


def test_the_flow_chart_escapes_and_draws_every_stage() -> None:
    svg = flow_svg(["受理", "<script>审查</script>", "决定"], title="对某某的处罚")
    assert svg.startswith("<svg")
    assert "<script>" not in svg
    assert svg.count("<rect") == 3
    assert svg.count("<line") == 2


# -- import, export, versions -----------------------------------------------------------------------------


@pytest.fixture
def admin(two_counties):
    return two_counties.a.staff[Role.CENTER_ADMIN]


def good_book() -> bytes:
    return workbook(
        [power_row(), power_row(**{"权力编码": "SCJG-XK-001", "权力名称": "食品经营许可", "权力类型": "行政许可",
                                   "办理流程": "受理→审查→决定→送证"})],
        [standard_row(), standard_row(**{"情形类别": "从轻或减轻处罚", "情形": "主动消除危害后果的", "下限（元）": 20000,
                                         "上限（元）": 50000}),
         standard_row(**{"情形类别": "不予处罚", "情形": "初次违法且危害后果轻微并及时改正的", "下限（元）": None,
                         "上限（元）": None})])


@pytest.mark.django_db
def test_import_creates_a_version_in_force_from_its_date(two_counties, admin) -> None:
    region = two_counties.a.region
    v1 = power_list_import(region_id=region.id, data=good_book(), effective_from=TODAY - timedelta(days=10),
                           actor=admin)
    assert (v1.version, Power.objects.count(), DiscretionStandard.objects.count()) == (1, 2, 3)
    penalty = sel.power_in_force("SCJG-CF-001")
    assert penalty.stages[0] == "立案"
    future = power_list_import(region_id=region.id, data=workbook([power_row(**{"权力名称": "新名称"})], []),
                               effective_from=TODAY + timedelta(days=5), actor=admin)
    assert future.version == 2
    assert sel.power_in_force("SCJG-CF-001").name == "对未取得食品经营许可从事食品经营活动的处罚"
    assert sel.power_in_force("SCJG-CF-001", on=TODAY + timedelta(days=5)).name == "新名称"
    with pytest.raises(DomainError) as exc:
        power_list_import(region_id=region.id, data=good_book(), effective_from=TODAY, actor=admin)
    assert exc.value.code == "powers.effective_from_not_after"


@pytest.mark.django_db
@pytest.mark.parametrize(("powers", "standards", "where"), [
    ([power_row(**{"部门编码": "NOPE"})], [], ("权力清单", 2, "部门编码")),
    ([power_row(**{"权力类型": "行政恐吓"})], [], ("权力清单", 2, "权力类型")),
    ([power_row(), power_row()], [], ("权力清单", 3, "权力编码")),
    ([power_row(**{"设定依据": ""})], [], ("权力清单", 2, "设定依据")),
    ([power_row(**{"关联事项编码": "NO-SUCH-ITEM"})], [], ("权力清单", 2, "关联事项编码")),
    ([power_row()], [standard_row(**{"下限（元）": -5})], ("裁量基准", 2, "下限（元）")),
    ([power_row()], [standard_row(**{"下限（元）": 9, "上限（元）": 1})], ("裁量基准", 2, "上限（元）")),
    ([power_row()], [standard_row(**{"上限（元）": "很多"})], ("裁量基准", 2, "上限（元）")),
    ([power_row()], [standard_row(**{"权力编码": "X"})], ("裁量基准", 2, "权力编码")),
    ([power_row(**{"权力类型": "行政许可"})], [standard_row()], ("裁量基准", 2, "权力编码")),
    ([power_row()], [standard_row(**{"情形类别": "随意"})], ("裁量基准", 2, "情形类别")),
])
def test_bad_rows_are_reported_and_nothing_is_imported(two_counties, admin, powers, standards, where) -> None:
    with pytest.raises(ImportRejected) as exc:
        power_list_import(region_id=two_counties.a.region.id, data=workbook(powers, standards), effective_from=TODAY,
                          actor=admin)
    assert [(p.sheet, p.row, p.column) for p in exc.value.problems] == [where]
    assert not PowerListVersion.objects.exists()
    assert not Power.objects.exists()


@pytest.mark.django_db
def test_unreadable_files_and_other_roles_are_refused(two_counties, admin) -> None:
    region = two_counties.a.region
    with pytest.raises(DomainError) as exc:
        power_list_import(region_id=region.id, data=b"not a workbook", effective_from=TODAY, actor=admin)
    assert exc.value.code == "powers.file_unreadable"
    with pytest.raises(PermissionDenied):
        power_list_import(region_id=region.id, data=good_book(), effective_from=TODAY,
                          actor=two_counties.a.staff[Role.CLERK])
    with pytest.raises(PermissionDenied):
        power_list_import(region_id=region.id, data=good_book(), effective_from=TODAY,
                          actor=two_counties.b.staff[Role.CENTER_ADMIN])


@pytest.mark.django_db
def test_export_reads_back_as_the_same_list(two_counties, admin) -> None:
    region = two_counties.a.region
    v1 = power_list_import(region_id=region.id, data=good_book(), effective_from=TODAY - timedelta(days=1),
                           actor=admin)
    v2 = power_list_import(region_id=region.id, data=power_list_export(v1), effective_from=TODAY, actor=admin)

    def shape(v):
        return sorted((p.code, p.name, p.power_type, tuple(p.stages),
                       tuple((s.category, s.situation, s.range_min, s.range_max) for s in p.standards.all()))
                      for p in v.powers.all())

    assert shape(v1) == shape(v2)


@pytest.mark.django_db
def test_export_cells_are_safe(two_counties, admin) -> None:
    import io

    from openpyxl import load_workbook

    region = two_counties.a.region
    book = workbook([power_row(**{"权力名称": "+SUM(1,2) 处罚"})], [])
    v = power_list_import(region_id=region.id, data=book, effective_from=TODAY, actor=admin)
    cell = load_workbook(io.BytesIO(power_list_export(v)))["权力清单"]["C2"]
    assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", "+SUM(1,2) 处罚", True)


# -- pages and API ------------------------------------------------------------------------------------------


@pytest.fixture
def listed(two_counties, admin):
    return power_list_import(region_id=two_counties.a.region.id, data=good_book(), effective_from=TODAY, actor=admin)


@pytest.mark.django_db
def test_public_pages_show_the_list_the_flow_chart_and_the_standards(client, listed) -> None:
    page = client.get(reverse("openness:public_powers"), {"type": "penalty"})
    text = page.content.decode()
    assert "SCJG-CF-001" in text
    assert "SCJG-XK-001" not in text
    detail = client.get(reverse("openness:public_power", args=["SCJG-CF-001"])).content.decode()
    assert "<svg" in detail
    assert "调查取证" in detail
    assert "主动消除危害后果的" in detail
    assert client.get(reverse("openness:public_power", args=["NOPE"])).status_code == 404
    assert client.get(reverse("openness:public_powers"), {"type": "bogus"}).status_code == 400


@pytest.mark.django_db
def test_the_calculator_page(client, two_counties, listed) -> None:
    client.force_login(two_counties.a.user(Role.REVIEWER))
    power = sel.power_in_force("SCJG-CF-001")
    lighter = power.standards.get(category="lighter")
    r = client.get(reverse("openness:staff_calculator", args=[power.code]), {"situation": lighter.id, "calc": 1})
    assert "20000.00 元 — 50000.00 元" in r.content.decode()
    other = client.get(reverse("openness:staff_calculator", args=[power.code]), {"situation": 999999, "calc": 1})
    assert other.status_code == 400


@pytest.mark.django_db
def test_staff_import_page_reports_rows(client, two_counties, listed) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(two_counties.a.user(Role.CENTER_ADMIN))
    bad = SimpleUploadedFile("p.xlsx", workbook([power_row(**{"部门编码": "NOPE"})], []))
    r = client.post(reverse("openness:staff_powers"), {"region": two_counties.a.region.id, "file": bad,
                                                       "effective_from": (TODAY + timedelta(days=1)).isoformat()})
    assert r.status_code == 400
    assert "本区划没有部门编码" in r.content.decode()
    export = client.get(reverse("openness:staff_powers_export", args=[listed.id]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_api_lists_and_reads_powers(client, listed) -> None:
    r = client.get("/api/v1/powers", {"type": "penalty"})
    assert r.status_code == 200
    assert [p["code"] for p in r.json()["items"]] == ["SCJG-CF-001"]
    d = client.get("/api/v1/powers/SCJG-CF-001").json()
    assert d["power_type_label"] == "行政处罚"
    assert {s["category"] for s in d["standards"]} == {"ordinary", "lighter", "no_penalty"}
    assert client.get("/api/v1/powers/NOPE").status_code == 404
    assert client.get("/api/v1/powers", {"type": "bogus"}).status_code == 400
    assert client.get("/api/v1/powers", {"region": "12"}).status_code == 422
