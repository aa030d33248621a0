"""The audit of disclosure quality for supervisors: late, overdue, incomplete and withdrawn
publications, a summary first (on-time rate, counts by problem and department), filters, paging,
and who may see it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from onewindow.openness import publication_selectors as sel
from onewindow.openness import publication_services as ps
from onewindow.openness.models import Publication
from onewindow.organization.rules import Role

from .helpers import at

pytestmark = pytest.mark.django_db
MON = date(2026, 3, 2)
TODAY = date(2026, 4, 20)


@pytest.fixture
def people(two_counties):
    a = two_counties.a

    class People:
        dept = a.market
        author = a.staff[Role.REVIEWER]
        chief = a.staff[Role.CHIEF_REPRESENTATIVE]
    return People


def entry(p, title: str, *, made_on: date = MON, **kw) -> Publication:
    values = {"category": "document", "subject": "market", "doc_number": "云市监发〔2026〕1号", "kind": "ad_hoc",
              "comment_days": 0, "comment_unit": "calendar", "body": "正文"} | kw
    return ps.publication_schedule(department_id=p.dept.id, title=title, made_on=made_on, actor=p.author,
                                   at=at(made_on), **values)


def publish(p, pub: Publication, on: date) -> Publication:
    ps.publication_submit(publication_id=pub.id, reviewer_id=p.chief.id, actor=p.author, at=at(on, 9))
    return ps.publication_publish(publication_id=pub.id, actor=p.chief, at=at(on, 10))


@pytest.fixture
def audited(people):
    publish(people, entry(people, "按时发布的文件"), MON + timedelta(days=3))
    publish(people, entry(people, "逾期发布的文件"), date(2026, 4, 2))  # due 30 March
    entry(people, "逾期未发布的文件")  # due 30 March, still a draft on 20 April
    publish(people, entry(people, "要素不全的预算", category="budget", subject="", body="收支总表"), MON)
    withdrawn = publish(people, entry(people, "撤回的公告", category="notice", comment_days=5), MON)
    ps.publication_withdraw(publication_id=withdrawn.id, note="名单有误", actor=people.author, at=at(MON, 15))
    return people


def test_the_audit_finds_each_problem_and_sums_them_up(audited) -> None:
    summary, rows = sel.quality(Publication.objects.all(), today=TODAY)
    assert summary.total == 5
    assert summary.counts == {"late": 1, "overdue": 1, "incomplete": 1, "withdrawn": 1}
    assert (summary.published, summary.on_time, summary.on_time_rate) == (4, 3, "75.0%")
    found = {r.pub.title: r for r in rows}
    assert set(found) == {"逾期发布的文件", "逾期未发布的文件", "要素不全的预算", "撤回的公告"}
    assert (found["逾期发布的文件"].labels, found["逾期发布的文件"].days_late) == (["逾期发布"], 3)
    assert found["逾期未发布的文件"].days_late == 21
    assert found["要素不全的预算"].missing[0] == "主题分类"
    assert "内容：“三公”经费支出表" in found["要素不全的预算"].missing
    assert rows[0].pub.title == "逾期未发布的文件"  # the worst first
    assert summary.by_department[0][1]["total"] == 5


def test_filters_narrow_the_rows_and_the_scope(audited) -> None:
    _, late = sel.quality(Publication.objects.all(), problem="late", today=TODAY)
    assert [r.pub.title for r in late] == ["逾期发布的文件"]
    summary, rows = sel.quality(Publication.objects.all(), category="budget", today=TODAY)
    assert (summary.total, [r.pub.title for r in rows]) == (1, ["要素不全的预算"])
    summary, rows = sel.quality(Publication.objects.all(), year=2025, today=TODAY)
    assert (summary.total, rows) == (0, [])


def test_the_page_is_for_supervisors_and_center_administrators(audited, client, two_counties) -> None:
    a = two_counties.a
    client.force_login(a.user(Role.REVIEWER))
    assert client.get("/staff/openness/quality/").status_code == 403
    client.force_login(a.user(Role.SUPERVISOR))
    r = client.get("/staff/openness/quality/", {"problem": "withdrawn"})
    assert r.status_code == 200
    text = r.content.decode()
    assert text.index('data-testid="quality-summary"') < text.index('data-testid="quality"')
    assert "撤回的公告" in text
    assert "名单有误" in text
    assert "逾期发布的文件" not in text
    assert client.get("/staff/openness/quality/", {"year": "x", "department": "y", "page": "z"}).status_code == 200
    client.force_login(two_counties.b.user(Role.SUPERVISOR))  # the other county sees none of it
    assert "撤回的公告" not in client.get("/staff/openness/quality/").content.decode()
