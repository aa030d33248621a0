"""Staff pages: list with summary, detail with ranked scores and evidence, objection, decision, publish."""

from __future__ import annotations

from onewindow.assessment.models import Assessment, Objection
from onewindow.organization.rules import Role

from .helpers import november_draft


def test_the_journey_through_the_pages(two_counties, client):
    county = two_counties.a
    assessment = november_draft(county)
    line = assessment.scores.get(subject_id=county.market_window.id).lines.get()
    client.force_login(county.staff[Role.CHIEF_REPRESENTATIVE].user)
    page = client.get("/staff/assessment/").content.decode()
    assert "共 1 次考核" in page
    detail = client.get(f"/staff/assessment/{assessment.id}/").content.decode()
    assert "第 2 名" in detail
    assert "督查记录" in detail
    client.post(f"/staff/assessment/{assessment.id}/object/", {"line_id": line.id, "reason": "已整改"})
    objection = Objection.objects.get()
    client.force_login(county.staff[Role.CENTER_ADMIN].user)
    answer = client.post(f"/staff/assessment/{assessment.id}/decide/",
                         {"objection_id": objection.id, "accept": "1", "reason": "核实属实"}, follow=True)
    assert "异议已处理" in answer.content.decode()
    client.post(f"/staff/assessment/{assessment.id}/publish/")
    assert Assessment.objects.get().state == "published"


def test_refusals_come_back_as_messages_or_403(two_counties, client):
    county = two_counties.a
    assessment = november_draft(county)
    line = assessment.scores.get(subject_id=county.market_window.id).lines.get()
    client.force_login(county.staff[Role.SUPERVISOR].user)
    answer = client.post(f"/staff/assessment/{assessment.id}/object/", {"line_id": line.id, "reason": "x"}, follow=True)
    assert "只有考核对象所属部门的首席代表可以提出异议" in answer.content.decode()
    assert not Objection.objects.exists()
    client.force_login(county.staff[Role.CLERK].user)
    assert client.get(f"/staff/assessment/{assessment.id}/").status_code == 404
