"""Search on the demo county: words, pinyin initials, life events, near misses, departments,
synonyms, and the log of searches that found nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onewindow.catalog.models import ServiceItem
from onewindow.core.errors import DomainError
from onewindow.core.timesource import now
from onewindow.organization.models import Region
from onewindow.portal import selectors, services
from onewindow.portal.models import SearchLog

from .helpers import COUNTY, LICENCE_REISSUE, RESTAURANT, SOLE_TRADER, parse, results, text_of


def _names(outcome) -> list[str]:
    return [h.doc.name for h in outcome.hits]


# --- ranking ---------------------------------------------------------------------------------


def test_pinyin_initials_find_the_licence_items_first(loaded):
    # given the demo catalog; when someone types the initials of 营业执照
    outcome = selectors.search("yyzz")
    # then the items named with 营业执照 come first, and the licence appears in the highlights
    first_two = outcome.hits[:2]
    assert {h.doc.key for h in first_two} == {LICENCE_REISSUE, SOLE_TRADER}
    assert all("营业执照" in h.doc.name for h in first_two)
    assert all(("营业执照", True) in h.segments for h in first_two)


def test_a_life_event_finds_the_restaurant_bundle_and_then_its_items(loaded):
    outcome = selectors.search("我要开餐馆")
    members = [code for code, _ in outcome.hits[0].doc.members]
    assert (outcome.hits[0].doc.kind, outcome.hits[0].doc.key) == ("bundle", RESTAURANT)
    assert len(members) == 6
    # its items follow at once, in the bundle's order, each knowing the bundle and its situation
    following = outcome.hits[1:1 + len(members)]
    assert [h.doc.key for h in following] == members
    assert all(h.via is not None and h.via.key == RESTAURANT for h in following)
    assert following[0].situation == "以个体工商户形式经营的"


@pytest.mark.parametrize(("typed", "wanted", "suggestion"), [
    ("营业执造", "营业执照", "营业执照"),  # one wrong character
    ("离昏登记", "离婚登记", "离婚登记"),  # a homophone, as pinyin input makes them
    ("餐官", "我要开餐馆", "餐馆"),
])
def test_a_near_miss_still_finds_the_item_and_says_what_was_meant(loaded, typed, wanted, suggestion):
    outcome = selectors.search(typed)
    assert wanted in outcome.hits[0].doc.name
    assert outcome.suggestion == suggestion


def test_the_department_filter_keeps_one_department_and_facets_show_them_all(loaded):
    everything = selectors.search("登记")
    civil = selectors.search("登记", department_code="MZJ")
    assert civil.hits
    assert all("MZJ" in h.doc.department_codes for h in civil.hits)
    assert civil.total < everything.total
    assert {f.code for f in civil.facets} == {f.code for f in everything.facets}
    assert any(f.code == "MZJ" and f.name == "云溪县民政局" for f in civil.facets)


def test_a_department_alone_lists_its_items_and_a_department_name_finds_them(loaded):
    listing = selectors.search("", department_code="MZJ")
    assert listing.total == ServiceItem.objects.filter(department__code="MZJ", is_active=True,
                                                       current_version__isnull=False).count()
    by_name = selectors.search("民政局")
    assert by_name.hits
    assert all("MZJ" in h.doc.department_codes for h in by_name.hits[:10])


def test_the_region_filter_keeps_the_region_and_below(loaded):
    county = selectors.search("审批", region_code=COUNTY)
    town = selectors.search("审批", region_code="990121100000")  # 城关镇
    assert county.total > town.total > 0
    assert all(h.doc.region_code.startswith("990121100") for h in town.hits)
    with pytest.raises(DomainError) as caught:
        selectors.search("审批", region_code="12")
    assert (caught.value.code, caught.value.field) == ("region.invalid_code", "region")


def test_a_query_that_is_too_long_is_refused(loaded):
    with pytest.raises(DomainError) as caught:
        selectors.search("登" * 101)
    assert caught.value.code == "search.query_too_long"


def test_a_synonym_added_in_the_database_changes_the_results(loaded):
    # given nobody told the catalog that 饭店 means 餐馆
    before = selectors.search("我要开饭店")
    assert not before.hits or before.hits[0].doc.key != RESTAURANT
    # when an administrator adds the synonym
    services.synonym_save(synonym_id=None, region_code=COUNTY, term="饭店", words=["餐馆", "餐厅"], actor=None)
    # then the same query finds the restaurant bundle first (the index noticed by itself)
    after = selectors.search("我要开饭店")
    assert (after.hits[0].doc.kind, after.hits[0].doc.key) == ("bundle", RESTAURANT)
    assert "开餐馆" in after.expanded


def test_a_synonym_of_another_region_does_not_apply_inside_a_region_filter(loaded):
    other = Region.objects.create(code="990122000000", name="邻水县", level=3, parent=Region.objects.get(code="990100000000"))
    # given a synonym kept by 邻水县
    services.synonym_save(synonym_id=None, region_code=other.code, term="饭店", words=["餐馆"], actor=None)
    # then it widens an unlimited search, but not one limited to 云溪县
    assert selectors.search("我要开饭店").hits[0].doc.key == RESTAURANT
    in_county = selectors.search("我要开饭店", region_code=COUNTY)
    assert not in_county.hits or in_county.hits[0].doc.key != RESTAURANT


def test_a_new_version_is_searchable_without_a_restart(loaded):
    from onewindow.catalog.services import item_draft_version
    from onewindow.organization.models import Staff
    from tests.catalog.helpers import review_and_publish

    admin = Staff.objects.get(user__username="admin")
    item = ServiceItem.objects.get(implementation_code=SOLE_TRADER)
    selectors.search("yyzz")  # the index is built
    draft = item_draft_version(item_id=item.pk, actor=admin, changes={"name": "个体工商户开业登记"}, change_note="更名")
    # a draft is not public
    assert all(h.doc.name != "个体工商户开业登记" for h in selectors.search("个体工商户开业登记").hits)
    review_and_publish(draft, reviewer=Staff.objects.get(user__username="fazhi"), publisher=admin)
    assert selectors.search("个体工商户开业登记").hits[0].doc.key == SOLE_TRADER


# --- the log of searches that found nothing --------------------------------------------------


def test_a_search_that_finds_nothing_is_logged_once_and_counted_on_repeat(loaded, client):
    for _ in range(3):
        response = client.get("/search/", {"q": " 火星移民 "})
        assert response.status_code == 200
    client.get("/search/", {"q": "火星  移民"})  # the same query, spaced differently
    rows = list(SearchLog.objects.all())
    assert len(rows) == 1
    assert (rows[0].normalized, rows[0].count, rows[0].region) == ("火星移民", 4, None)
    assert rows[0].first_seen <= rows[0].last_seen


def test_a_search_that_finds_something_is_not_logged(loaded, client):
    client.get("/search/", {"q": "结婚登记"})
    assert not SearchLog.objects.exists()


def test_the_log_keeps_regions_apart_and_masks_personal_numbers(loaded):
    county = Region.objects.get(code=COUNTY)
    first = services.search_log_record(query="火星移民", region=county)
    services.search_log_record(query="火星移民", region=county, at=now() + timedelta(minutes=1))
    services.search_log_record(query="火星移民")
    assert SearchLog.objects.count() == 2
    first.refresh_from_db()
    assert first.count == 2
    assert first.last_seen > first.first_seen
    masked = services.search_log_record(query="查询110101199003071234的进度")
    assert masked is not None
    assert "110101" not in masked.query
    assert masked.normalized == "查询的进度"
    assert services.search_log_record(query="13800138000") is None  # nothing left once masked


# --- the page --------------------------------------------------------------------------------


def test_the_search_page_shows_results_highlights_and_facets(loaded, client):
    response = client.get("/search/", {"q": "yyzz"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<mark>营业执照</mark>" in body
    assert results(body)[0] in {("item", LICENCE_REISSUE), ("item", SOLE_TRADER)}
    assert f'href="/items/{LICENCE_REISSUE}/"' in body
    assert 'data-testid="facets"' in body
    assert "dept=GSJ" in body
    tags = parse(body).tags
    assert [t for t, _ in tags].count("h1") == 1
    labelled = {a.get("for") for t, a in tags if t == "label"}
    for tag, attrs in tags:
        if tag in ("input", "select") and attrs.get("type") != "hidden":
            assert attrs.get("id") in labelled, attrs


def test_the_search_page_offers_the_correction(loaded, client):
    body = client.get("/search/", {"q": "营业执造"}).content.decode()
    assert 'data-testid="suggestion"' in body
    assert "?q=%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7" in body  # 营业执照


def test_the_bundle_result_links_to_the_bundle_guide_and_items_say_they_belong_to_it(loaded, client):
    body = client.get("/search/", {"q": "我要开餐馆"}).content.decode()
    assert results(body)[0] == ("bundle", RESTAURANT)
    assert f'href="/bundles/{RESTAURANT}/"' in body
    assert "以个体工商户形式经营的" in body


def test_an_empty_result_points_to_the_consultation_phone(loaded, client, settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "CONSULTATION_PHONE": "0000-6612000"}
    body = client.get("/search/", {"q": "火星移民"}).content.decode()
    assert 'data-testid="empty"' in body
    assert 'href="tel:0000-6612000"' in body


def test_bad_input_is_a_400_page_with_a_chinese_message(loaded, client):
    response = client.get("/search/", {"q": "审批", "region": "abc"})
    assert response.status_code == 400
    assert "区划代码应为12位数字" in text_of(response.content.decode())
    assert client.get("/search/", {"q": "登" * 101}).status_code == 400


def test_the_home_page_has_the_search_box_and_links_each_item_to_its_guide(loaded, client):
    body = client.get("/").content.decode()
    assert 'action="/search/"' in body
    assert 'id="q"' in body
    assert f'href="/items/{SOLE_TRADER}/"' in body
