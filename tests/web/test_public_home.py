"""The public home page: the center, its departments and their published items."""

from __future__ import annotations

from html.parser import HTMLParser

from onewindow.catalog.models import ServiceItem
from onewindow.organization.models import Department


def test_home_lists_departments_with_their_published_items(client, two_counties):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    for county in (two_counties.a, two_counties.b):
        assert county.market.name in body
        assert county.civil.name in body
        assert county.market_item.current_version.name in body
        assert county.civil_item.current_version.name in body
    assert "即办件" in body
    assert "承诺件" in body  # handling types from the model's choices
    assert response.context["item_count"] == 4


def test_home_hides_unpublished_and_inactive_items_and_empty_departments(client, two_counties, item_factory):
    a = two_counties.a
    empty = Department.objects.create(region=a.region, code="ZJJ", name="云溪县住建局")
    draft = ServiceItem.objects.create(region=a.region, department=empty, implementation_code="990121ZJJ0001",
                                       basic_code="990121ZJJ000")
    retired = item_factory(region=a.region, department=a.market, code="990121SCJG0009", name="已停用的旧事项")
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    body = client.get("/").content.decode()
    assert empty.name not in body
    assert draft.implementation_code not in body
    assert "已停用的旧事项" not in body


def test_home_without_items_says_so(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["departments"] == []


class _Landmarks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _parse(body: str) -> _Landmarks:
    parser = _Landmarks()
    parser.feed(body)
    return parser


def test_pages_have_landmarks_one_h1_and_labelled_controls(client, two_counties):
    from onewindow.organization.rules import Role

    pages = ["/", "/staff/login/"]
    for path in pages:
        tags = _parse(client.get(path).content.decode()).tags
        names = [t for t, _ in tags]
        assert names.count("h1") == 1, path
        assert {"header", "nav", "main", "footer"} <= set(names), path
        labelled = {a.get("for") for t, a in tags if t == "label"}
        for tag, attrs in tags:
            if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
                assert attrs.get("id") in labelled or attrs.get("aria-label"), (path, attrs)
        assert any(t == "a" and a.get("href") == "#main" for t, a in tags), path
    client.force_login(two_counties.a.user(Role.CLERK))
    for path in ["/staff/", "/staff/organization/"]:
        names = [t for t, _ in _parse(client.get(path).content.decode()).tags]
        assert names.count("h1") == 1, path


def test_no_third_party_assets_from_the_network(client, two_counties):
    tags = _parse(client.get("/").content.decode()).tags
    for tag, attrs in tags:
        url = attrs.get("src") or (attrs.get("href") if tag == "link" else None)
        if url:
            assert url.startswith("/static/"), url
