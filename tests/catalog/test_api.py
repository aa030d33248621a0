"""The public catalog API: search and one item's guide, without logging in."""

from __future__ import annotations

import pytest

from onewindow.catalog.services import catalog_import, item_draft_version

from .helpers import FOOD, HYGIENE, MARRIAGE, review_and_publish, spec_of


@pytest.fixture
def catalog(catalog_org, sample_data):
    catalog_import(spec=spec_of(sample_data), actor=None)
    return catalog_org


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["implementation_code"] for row in response.json()]


@pytest.mark.parametrize(("query", "expected"), [
    ("", [MARRIAGE, FOOD, HYGIENE]),
    ("?q=许可", [FOOD, HYGIENE]),
    ("?q=spjy", [FOOD]),  # pinyin initials of 食品经营
    ("?q=GGCS", [HYGIENE]),
    ("?q=000101", [MARRIAGE]),  # basic code prefix
    ("?q=11990121MB0000002", [FOOD]),  # implementation code prefix
    ("?department=MZJ", [MARRIAGE]),
    ("?region=990100000000", [MARRIAGE, FOOD, HYGIENE]),  # the city contains the county
    ("?region=990122000000", []),
    ("?q=许可&limit=1", [FOOD]),
])
def test_search(client, catalog, query, expected):
    assert codes(client.get(f"/api/v1/items{query}")) == expected


def test_a_search_result_summarizes_the_item(client, catalog):
    row, = client.get("/api/v1/items?q=结婚").json()
    assert row["name"] == "结婚登记"
    assert row["item_type"] == {"code": "confirmation", "label": "行政确认"}
    assert row["handling_type"] == {"code": "instant", "label": "即办件"}
    assert row["statutory_limit"] == {"value": 20, "unit": {"code": "workday", "label": "工作日"}, "note": ""}
    assert (row["department_code"], row["department_name"], row["version"]) == ("MZJ", "云溪县民政局", 1)


def test_a_bad_region_code_is_a_400(client, catalog):
    response = client.get("/api/v1/items?region=9901")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "region.invalid_code"


def test_the_guide_of_an_item(client, catalog):
    response = client.get(f"/api/v1/items/{FOOD}")
    assert response.status_code == 200
    guide = response.json()
    assert guide["name"] == "食品经营许可"
    assert guide["version"] == 1
    assert guide["promised_limit"]["value"] == 5
    assert guide["promised_limit"]["note"] == "不含现场核查时间"
    assert [m["name"] for m in guide["materials"]] == ["食品经营许可申请书", "营业执照", "居民身份证"]
    assert guide["materials"][1]["source"] == {"code": "government", "label": "政府部门核发"}
    assert [(s["name"], s["role"]["label"]) for s in guide["stages"]] == [
        ("受理", "窗口工作人员"), ("审查", "后台审核人员"), ("决定", "首席代表")]
    assert guide["stages"][1]["requires_two_signatures"] is True
    assert guide["fees"] == []
    assert guide["result"] == {"type": {"code": "certificate", "label": "证照"}, "name": "食品经营许可证"}
    assert [d["label"] for d in guide["delivery_methods"]] == ["窗口领取", "邮寄送达", "电子证照"]
    assert [w["number"] for w in guide["windows"]] == ["01", "03"]
    assert guide["special_procedures"] == [{"code": "inspection", "label": "检验"}]
    assert guide["online_depth"]["code"] == "4"
    assert guide["legal_basis"].startswith("《中华人民共和国食品安全法》")


def test_the_guide_shows_fees_and_an_older_version(client, catalog):
    from onewindow.catalog.models import ServiceItem

    item = ServiceItem.objects.get(implementation_code=MARRIAGE)
    draft = item_draft_version(item_id=item.pk, actor=catalog.admin, changes={"hours": "工作日全天"}, change_note="")
    assert client.get(f"/api/v1/items/{MARRIAGE}?version=2").status_code == 404  # a draft is not public
    review_and_publish(draft, reviewer=catalog.legal, publisher=catalog.admin)
    current = client.get(f"/api/v1/items/{MARRIAGE}").json()
    first = client.get(f"/api/v1/items/{MARRIAGE}?version=1").json()
    assert (current["version"], current["hours"]) == (2, "工作日全天")
    assert first["version"] == 1
    assert first["hours"].startswith("工作日 9:00")
    assert first["fees"][0] == {"name": "证书工本费", "basis": "《关于婚姻登记收费问题的通知》（价费字〔1992〕xx号）",
                                "standard": "每本9元", "amount_fen": 900, "waivable": True,
                                "waiver_basis": "低保户免收"}


@pytest.mark.parametrize(("path", "code"), [
    ("/api/v1/items/NO-SUCH-CODE", "item.not_found"),
    (f"/api/v1/items/{FOOD}?version=9", "item.version_not_found"),
])
def test_unknown_items_and_versions_are_404_with_an_error_body(client, catalog, path, code):
    response = client.get(path)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]


def test_the_endpoints_are_in_the_openapi_document(client, catalog):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/items" in paths
    assert "/api/v1/items/{code}" in paths
