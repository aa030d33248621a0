"""The admin screens of the portal: synonyms kept by center administrators, the log of
searches that found nothing, most frequent first."""

from __future__ import annotations

from onewindow.core.timesource import now
from onewindow.organization.rules import Role
from onewindow.portal import services
from onewindow.portal.models import SearchLog, Synonym


def test_a_center_administrator_adds_a_synonym_in_the_admin(client, two_counties):
    # given the center administrator of county a
    a = two_counties.a
    client.force_login(a.user(Role.CENTER_ADMIN))
    # when they add 饭店 → 餐馆、餐厅 for their county
    response = client.post("/admin/portal/synonym/add/", {"region": a.region.pk, "term": " 饭店 ",
                                                          "words_text": "餐馆、餐厅\n餐馆"})
    assert response.status_code == 302, response.content.decode()[:2000]
    synonym = Synonym.objects.get()
    assert (synonym.region, synonym.term, synonym.words) == (a.region, "饭店", ["餐馆", "餐厅"])
    # then the list shows it; the same term twice is refused on the field
    assert "餐馆、餐厅" in client.get("/admin/portal/synonym/").content.decode()
    again = client.post("/admin/portal/synonym/add/", {"region": a.region.pk, "term": "饭店", "words_text": "食堂"})
    assert again.status_code == 200
    assert "已有词条" in again.content.decode()
    assert Synonym.objects.count() == 1


def test_an_administrator_cannot_add_a_synonym_for_another_county(client, two_counties):
    client.force_login(two_counties.a.user(Role.CENTER_ADMIN))
    response = client.post("/admin/portal/synonym/add/", {"region": two_counties.b.region.pk, "term": "饭店",
                                                          "words_text": "餐馆"})
    assert response.status_code == 200  # the form refuses the region
    assert not Synonym.objects.exists()


def test_the_search_log_is_listed_by_count_with_a_link_to_add_the_synonym(client, two_counties):
    for _ in range(3):
        services.search_log_record(query="开饭店", at=now())
    services.search_log_record(query="火星移民", region=two_counties.a.region)
    services.search_log_record(query="邻县的事", region=two_counties.b.region)
    client.force_login(two_counties.a.user(Role.CENTER_ADMIN))
    body = client.get("/admin/portal/searchlog/").content.decode()
    assert body.index("开饭店") < body.index("火星移民")  # the most frequent first
    assert "邻县的事" not in body  # another county's log
    assert "/admin/portal/synonym/add/?term=%E5%BC%80%E9%A5%AD%E5%BA%97" in body
    row = SearchLog.objects.get(normalized="开饭店")
    assert row.count == 3
    assert client.get(f"/admin/portal/searchlog/{row.pk}/change/").status_code == 200
    assert client.post(f"/admin/portal/searchlog/{row.pk}/change/", {"count": 1}).status_code == 403


def test_staff_without_a_center_administrator_posting_see_no_portal_admin(client, two_counties):
    client.force_login(two_counties.a.user(Role.CLERK))
    assert client.get("/admin/portal/searchlog/").status_code in (302, 403)


def test_only_a_center_administrator_of_the_region_may_save_a_synonym(two_counties):
    import pytest

    from onewindow.core.errors import DomainError, PermissionDenied

    a, b = two_counties.a, two_counties.b
    with pytest.raises(PermissionDenied):
        services.synonym_save(synonym_id=None, region_code=a.region.code, term="饭店", words=["餐馆"],
                              actor=a.staff[Role.CLERK])
    with pytest.raises(PermissionDenied):
        services.synonym_save(synonym_id=None, region_code=b.region.code, term="饭店", words=["餐馆"],
                              actor=a.staff[Role.CENTER_ADMIN])
    saved = services.synonym_save(synonym_id=None, region_code=a.region.code, term="饭店", words=["餐馆"],
                                  actor=a.staff[Role.CENTER_ADMIN])
    again = services.synonym_save(synonym_id=saved.pk, region_code=a.region.code, term="饭店", words=["餐馆"],
                                  actor=a.staff[Role.CENTER_ADMIN])
    assert again.updated_at == saved.updated_at  # nothing changed, nothing written
    with pytest.raises(DomainError) as caught:
        services.synonym_save(synonym_id=None, region_code=a.region.code, term="饭店", words=[" "], actor=None)
    assert (caught.value.code, caught.value.field) == ("synonym.words_empty", "words")
