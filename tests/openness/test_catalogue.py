"""The proactive disclosure catalogue (主动公开目录): legal publishing deadlines (Art. 26, 预算法 第十四条)
as deadline rows the generic sweep watches, index numbers, completeness, changes published as
revisions, village affairs on their quarterly schedule, the public search with filters and paging,
and ``GET /publications``."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from onewindow.core.errors import DomainError
from onewindow.lifecycle.deadlines import State as DeadlineState
from onewindow.lifecycle.services import deadlines_of
from onewindow.openness import catalogue_rules as cr
from onewindow.openness import publication_services as ps
from onewindow.openness.catalogue_rules import Category, Elements, missing_elements
from onewindow.openness.models import Publication
from onewindow.organization.models import Region
from onewindow.organization.rules import RegionLevel, Role
from onewindow.workdays.selectors import snapshot_for

from .helpers import at, national

pytestmark = pytest.mark.django_db
MON = date(2026, 3, 2)


def cal():
    return snapshot_for("990121000000")


@pytest.fixture
def people(two_counties):
    a = two_counties.a

    class People:
        dept = a.market
        civil = a.civil
        author = a.staff[Role.REVIEWER]
        chief = a.staff[Role.CHIEF_REPRESENTATIVE]
        village = Region.objects.create(code=a.township.code[:9] + "201", name="河湾村委会", level=RegionLevel.VILLAGE,
                                        parent=a.township)
        other_village = Region.objects.create(code=two_counties.b.township.code[:9] + "201", name="禾丰村委会",
                                              level=RegionLevel.VILLAGE, parent=two_counties.b.township)
    return People


def document(p, *, made_on: date = MON, title: str = "关于加强食品安全监管的通知", on: date = MON, **kw) -> Publication:
    values = {"category": "document", "subject": "market", "doc_number": "云市监发〔2026〕1号", "kind": "ad_hoc",
              "comment_days": 0, "comment_unit": "calendar", "body": "各有关单位：……"} | kw
    return ps.publication_schedule(department_id=p.dept.id, title=title, made_on=made_on, actor=p.author, at=at(on),
                                   **values)


def publish(p, pub: Publication, on: date = MON) -> Publication:
    ps.publication_submit(publication_id=pub.id, reviewer_id=p.chief.id, actor=p.author, at=at(on, 9))
    return ps.publication_publish(publication_id=pub.id, actor=p.chief, at=at(on, 10))


# -- the rules, pure ---------------------------------------------------------------------------------------


def test_legal_deadlines_by_category() -> None:
    c = national()
    assert cr.legal_due(Category.DOCUMENT, MON, c) == c.add_workdays(MON, 20) == date(2026, 3, 30)
    assert cr.legal_due(Category.BUDGET, MON, c) == date(2026, 3, 22)  # 20 calendar days (预算法 第十四条)
    assert cr.legal_due(Category.VILLAGE_FINANCE, MON, c) is None  # the schedule governs


def test_index_number_pattern() -> None:
    assert cr.organization_code("11990121MB00000192", "MZJ") == "MB0000019"
    assert cr.organization_code("", "scjg") == "SCJG"
    assert cr.index_number("MB0000019", Category.BUDGET, 2026, 7) == "MB0000019-03-2026-00007"


def test_completeness_of_a_budget_and_a_document() -> None:
    tables = "、".join(cr.REQUIRED_SECTIONS[Category.BUDGET]).replace("“三公”", '"三公"')
    complete = Elements(Category.BUDGET, "finance", MON, "", False, tables)
    assert missing_elements(complete) == []
    partial = Elements(Category.BUDGET, "", MON, "", False, "收支总表")
    assert missing_elements(partial)[0] == "主题分类"
    assert "内容：政府性基金预算支出表" in missing_elements(partial)
    assert missing_elements(Elements(Category.DOCUMENT, "market", None, "", False, "x")) == ["形成或变更日期", "文号"]


# -- scheduling: the legal deadline as a row ----------------------------------------------------------------


def test_a_document_is_due_twenty_working_days_after_it_was_made_and_the_row_says_why(people) -> None:
    pub = document(people)
    assert pub.due_on == date(2026, 3, 30)
    row = next(d for d in deadlines_of("publication", pub.pk) if d.key == "publish")
    assert (row.due_on, row.statutory, row.state) == (date(2026, 3, 30), True, DeadlineState.OPEN)
    assert "第二十六条" in row.explanation
    assert pub.comment_days == 0  # a document invites no objections


@pytest.mark.parametrize(("changes", "code", "field"), [
    ({"due_on": date(2026, 3, 31)}, "publication.due_beyond_legal", "due_on"),
    ({"made_on": MON + timedelta(days=1)}, "publication.made_on_future", "made_on"),
    ({"made_on": None}, "publication.due_on_required", "due_on"),
    ({"category": "leaflet"}, "publication.category_invalid", "category"),
    ({"subject": "weather"}, "publication.subject_invalid", "subject"),
    ({"doc_number": "号" * 65}, "publication.doc_number_too_long", "doc_number"),
    ({"category": "village_finance", "comment_days": 7}, "publication.village_required", "village"),
])
def test_bad_catalogue_input_names_the_rule(people, changes, code, field) -> None:
    with pytest.raises(DomainError) as exc:
        document(people, **changes)
    assert (exc.value.code, exc.value.field, exc.value.status) == (code, field, 400)
    assert not Publication.objects.exists()


def test_a_village_of_another_county_is_refused(people) -> None:
    with pytest.raises(DomainError) as exc:
        document(people, category="village_affairs", comment_days=7, village_id=people.other_village.id)
    assert (exc.value.code, exc.value.field) == ("publication.village_invalid", "village")


def test_the_budget_is_due_twenty_days_after_approval(people) -> None:
    pub = document(people, category="budget", subject="finance", doc_number="")
    assert pub.due_on == date(2026, 3, 22)
    assert "预算法 第十四条" in next(d for d in deadlines_of("publication", pub.pk)).explanation


def test_an_overdue_document_is_a_warning_of_the_generic_sweep_until_published(people) -> None:
    from onewindow.supervision.models import Warning
    from onewindow.supervision.sweep import sweep

    pub = document(people)
    sweep(now=at(date(2026, 3, 31)))
    warning = Warning.objects.get(subject_type="publication", subject_id=pub.pk, rule="deadline_overdue")
    assert warning.due_on == date(2026, 3, 30)
    publish(people, pub, date(2026, 3, 31))
    sweep(now=at(date(2026, 3, 31), 12))
    warning.refresh_from_db()
    assert not warning.is_live


# -- publishing: the index number ---------------------------------------------------------------------------


def test_publishing_gives_the_next_index_number_of_the_agency_category_and_year(people) -> None:
    first = publish(people, document(people))
    second = publish(people, document(people, title="第二份文件", doc_number="云市监发〔2026〕2号"))
    budget = publish(people, document(people, category="budget", subject="finance", title="部门预算"))
    assert re.fullmatch(r"SCJG-01-2026-00001", first.index_number)
    assert second.index_number == "SCJG-01-2026-00002"
    assert budget.index_number == "SCJG-03-2026-00001"
    ps.publication_withdraw(publication_id=first.id, note="有误", actor=people.author, at=at(MON, 11))
    first.refresh_from_db()
    assert (first.withdrawn_on, first.withdrawn_reason, first.index_number) == (MON, "有误", "SCJG-01-2026-00001")


def test_the_credit_code_gives_the_organization_code(people) -> None:
    people.dept.credit_code = "11990121MB00000192"
    people.dept.save()
    assert publish(people, document(people)).index_number == "MB0000019-01-2026-00001"


# -- a change of published information (Art. 26 "或者变更") -------------------------------------------------


def test_a_change_is_published_as_a_revision_that_replaces_the_original_in_the_catalogue(people, client) -> None:
    original = publish(people, document(people))
    changed = MON + timedelta(days=14)
    revision = ps.publication_revise(publication_id=original.id, changed_on=changed, body="第三条已修订",
                                     actor=people.author, at=at(changed))
    assert (revision.revises, revision.made_on, revision.due_on) == (original, changed, cal().add_workdays(changed, 20))
    assert (revision.doc_number, revision.state, revision.body) == (original.doc_number, "draft", "第三条已修订")
    with pytest.raises(DomainError) as exc:
        ps.publication_revise(publication_id=original.id, changed_on=changed, actor=people.author, at=at(changed))
    assert exc.value.code == "publication.revision_exists"
    assert original.number in client.get("/openness/catalogue/").content.decode()
    publish(people, revision, changed)
    page = client.get("/openness/catalogue/").content.decode()
    assert revision.number in page
    assert original.number not in page
    old = client.get(f"/openness/publications/{original.number}/").content.decode()
    assert 'data-testid="superseded"' in old
    assert revision.number in old
    assert "superseded" in list(original.events.values_list("kind", flat=True))


def test_only_published_information_can_be_changed(people) -> None:
    draft = document(people)
    with pytest.raises(DomainError) as exc:
        ps.publication_revise(publication_id=draft.id, changed_on=MON, actor=people.author, at=at(MON))
    assert exc.value.code == "publication.revise_not_published"


# -- village affairs on their schedule ----------------------------------------------------------------------


def test_village_finance_is_quarterly_and_schedules_the_next_quarter(people, client) -> None:
    pub = ps.publication_schedule(
        department_id=people.dept.id, title="河湾村委会2026年第一季度村级财务收支公开", kind="quarterly",
        body="收入 12.6 万元，支出 9.8 万元，结余 2.8 万元", comment_days=7, comment_unit="calendar", due_on=MON,
        category="village_finance", subject="village", village_id=people.village.id, actor=people.author,
        at=at(MON - timedelta(days=3)))
    row = next(d for d in deadlines_of("publication", pub.pk))
    assert not row.statutory
    assert "第三十条" not in row.explanation
    chief = people.chief
    ps.publication_submit(publication_id=pub.id, reviewer_id=chief.id, actor=people.author, at=at(MON, 9))
    ps.publication_publish(publication_id=pub.id, actor=chief, at=at(MON, 10))
    nxt = Publication.objects.get(follows=pub)
    assert (nxt.title, nxt.category, nxt.village, nxt.due_on) == (
        "河湾村委会2026年第二季度村级财务收支公开", "village_finance", people.village, date(2026, 6, 2))
    page = client.get(f"/openness/catalogue/?village={people.village.code}").content.decode()
    assert pub.title in page


# -- the public catalogue and the API -----------------------------------------------------------------------


def test_the_catalogue_filters_and_pages(people, client) -> None:
    for n in range(23):
        publish(people, document(people, title=f"文件{n:02d}", doc_number=f"云市监发〔2026〕{n + 10}号"))
    publish(people, document(people, category="budget", subject="finance", title="2026 年部门预算"))
    r = client.get("/openness/catalogue/")
    assert r.status_code == 200
    text = r.content.decode()
    assert "共 24 条" in text
    assert 'data-testid="next-page"' in text
    assert "共 1 条" in client.get("/openness/catalogue/?category=budget").content.decode()
    assert "文件05" in client.get("/openness/catalogue/", {"q": "〔2026〕15号"}).content.decode()
    assert "共 1 条" in client.get("/openness/catalogue/", {"q": "SCJG-01-2026-00003"}).content.decode()
    assert "共 0 条" in client.get("/openness/catalogue/?year=2025").content.decode()
    page2 = client.get("/openness/catalogue/?page=2").content.decode()
    assert page2.count("<tr>") == 24 - 20 + 1  # four rows and the header
    assert client.get("/openness/catalogue/?year=abc&page=x").status_code == 200


def test_the_api_lists_the_catalogue_with_filters(people, client) -> None:
    publish(people, document(people))
    publish(people, document(people, category="staffing", subject="organization", title="机构编制情况", doc_number=""))
    r = client.get("/api/v1/publications", {"category": "staffing"})
    assert r.status_code == 200
    rows = r.json()["items"]
    assert [(x["category"], x["index_number"], x["made_on"]) for x in rows] == [
        ("staffing", "SCJG-05-2026-00001", "2026-03-02")]
    assert client.get("/api/v1/publications", {"category": "leaflet"}).status_code in (400, 422)
    assert len(client.get("/api/v1/publications", {"q": "云市监发"}).json()["items"]) == 1
