"""Catalog governance pages over the demo: the streamlining report (summary first, filters, Excel
export through the safe-cell writer) and the legal review queue (review, publish, refusals)."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import transaction
from django.test import Client, override_settings
from openpyxl import load_workbook

from onewindow.catalog.demo import load_demo as load_catalog_demo
from onewindow.catalog.models import CatalogChange, LegalReview, ServiceItem
from onewindow.core.timesource import local_date
from onewindow.demo.loader import load_demo as load_demo_org
from onewindow.organization.models import Staff


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    with django_db_blocker.unblock(), override_settings(ONEWINDOW_KEY_DIR=keys), transaction.atomic():
        load_demo_org()
        line = load_catalog_demo(today=local_date())
        again = load_catalog_demo(today=local_date())
        yield line, again
        transaction.set_rollback(True)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(Staff.objects.get(user__username=username).user)
    return client


def test_the_demo_streamlines_four_items_and_drafts_two(demo, db) -> None:
    line, again = demo
    assert line == "事项精简：新记录4项；待法制审核草稿新增2个"
    assert again == "事项精简：新记录0项；待法制审核草稿新增0个"
    assert sorted(CatalogChange.objects.values_list("kind", flat=True)) == [
        "cancelled", "cancelled", "delegated", "merged"]
    assert LegalReview.objects.filter(status="pending").count() == 2
    assert not ServiceItem.objects.filter(changes__isnull=False, is_active=True).exists()


def test_the_report_shows_the_summary_first_and_filters(demo, db) -> None:
    client = _client("admin")
    page = client.get("/staff/openness/streamlining/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index('data-testid="streamlining-summary"') < html.index('data-testid="changes"')
    assert 'data-testid="total">4<' in html
    assert "取消 2" in html and "合并 1" in html and "下放 1" in html  # noqa: PT018
    assert "下放至：城关镇" in html
    start = (local_date() - timedelta(days=100)).isoformat()
    recent = client.get(f"/staff/openness/streamlining/?start={start}&kind=cancelled").content.decode()
    assert 'data-testid="total">1<' in recent
    assert "粮食收购资格认定" in recent
    assert "林木种子" not in recent.split('data-testid="changes"')[1]


def test_a_bad_period_is_a_400_naming_the_field(demo, db) -> None:
    page = _client("admin").get("/staff/openness/streamlining/?start=2026-13-01")
    assert page.status_code == 400
    assert "streamlining.start_invalid" in page.content.decode()
    bad = _client("admin").get("/staff/openness/streamlining/?start=2026-06-01&end=2026-01-01")
    assert bad.status_code == 400


def test_the_report_exports_to_excel(demo, db) -> None:
    response = _client("admin").get("/staff/openness/streamlining.xlsx?kind=merged")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["汇总", "明细"]
    rows = list(book["明细"].iter_rows(values_only=True))
    assert rows[0][:4] == ("生效日期", "变更类型", "实施编码", "事项名称")
    assert [r[1] for r in rows[1:]] == ["合并"]
    assert rows[1][7].startswith("并入：建设项目用地预审与选址意见书核发")


def test_a_formula_in_a_name_stays_text_in_the_export(demo, db) -> None:
    change = CatalogChange.objects.filter(kind="cancelled").first()
    CatalogChange.objects.filter(pk=change.pk).update(name='=HYPERLINK("http://x","y")')
    book = load_workbook(BytesIO(_client("admin").get("/staff/openness/streamlining.xlsx").content))
    cells = [row[3] for row in book["明细"].iter_rows(min_row=2)]
    risky = next(c for c in cells if str(c.value).startswith("="))
    assert risky.data_type == "s"
    assert risky.quotePrefix


def test_clerks_do_not_see_the_report(demo, db) -> None:
    assert _client("clerk").get("/staff/openness/streamlining/").status_code == 403
    assert _client("clerk").get("/staff/openness/catalog-reviews/").status_code == 403


def test_the_review_queue_warns_of_a_returning_cancelled_item(demo, db) -> None:
    html = _client("fazhi").get("/staff/openness/catalog-reviews/").content.decode()
    assert 'data-testid="cancelled-match"' in html
    assert "林木种子生产经营许可证核发（初审）" in html


def test_review_then_publish_through_the_pages(demo, db) -> None:
    draft = LegalReview.objects.get(status="pending", version__name="结婚登记").version
    admin, fazhi = _client("admin"), _client("fazhi")
    refused = admin.post(f"/staff/openness/catalog-reviews/{draft.pk}/publish/", follow=True).content.decode()
    assert "catalog.review_required" in refused
    own = admin.post(f"/staff/openness/catalog-reviews/{draft.pk}/review/",
                     {"decision": "approve", "opinion": "同意"}, follow=True).content.decode()
    assert "catalog.reviewer_is_drafter" in own
    fazhi.post(f"/staff/openness/catalog-reviews/{draft.pk}/review/", {"decision": "approve", "opinion": "合法"})
    admin.post(f"/staff/openness/catalog-reviews/{draft.pk}/publish/")
    assert ServiceItem.objects.get(pk=draft.item_id).current_version_id == draft.pk


def test_the_returning_item_needs_the_acknowledgement_on_the_page(demo, db) -> None:
    draft = LegalReview.objects.get(status="pending", version__name="林木种子生产经营备案").version
    fazhi = _client("fazhi")
    page = fazhi.post(f"/staff/openness/catalog-reviews/{draft.pk}/review/",
                      {"decision": "approve", "opinion": "同意"}, follow=True).content.decode()
    assert "catalog.cancelled_not_acknowledged" in page
    cancelled = CatalogChange.objects.get(name="林木种子生产经营许可证核发（初审）").item_id
    fazhi.post(f"/staff/openness/catalog-reviews/{draft.pk}/review/",
               {"decision": "approve", "opinion": "依新法改为备案，已知悉原许可已取消", "acknowledged": [str(cancelled)]})
    review = LegalReview.objects.get(version=draft)
    assert review.status == "approved"
    assert list(review.acknowledged.values_list("pk", flat=True)) == [cancelled]


def test_the_center_records_a_cancellation_through_the_form(demo, db) -> None:
    live = ServiceItem.objects.filter(region__code="990121000000", is_active=True, changes__isnull=True,
                                      current_version__isnull=False).order_by("implementation_code").last()
    admin = _client("admin")
    page = admin.post("/staff/openness/streamlining/record/", {
        "implementation_code": live.implementation_code, "kind": "cancelled", "effective_on": "2026-11-01",
        "basis": ""}, follow=True).content.decode()
    assert "catalog.basis_required" in page
    admin.post("/staff/openness/streamlining/record/", {
        "implementation_code": live.implementation_code, "kind": "cancelled", "effective_on": "2026-11-01",
        "basis": "云政发〔2026〕9号"})
    live.refresh_from_db()
    assert not live.is_active
    assert CatalogChange.objects.get(item=live).basis == "云政发〔2026〕9号"
    assert _client("supervisor").post("/staff/openness/streamlining/record/", {}).status_code == 403
