"""The clerk's pages follow the materials: 受理 is not offered (and the page says why) while a
required material is missing, the inbox lists as "to accept" only what this clerk may accept,
the supplement form offers only what is lawful now, and shared materials are never asked."""

from __future__ import annotations

import pytest

from onewindow.cases import services as s
from onewindow.cases.models import Case
from onewindow.cases.rules import MaterialCheck
from onewindow.catalog.models import Material
from onewindow.organization.models import Posting, Staff
from onewindow.organization.rules import Role
from tests.web.helpers import act, form_keys, intake_data, submit

pytestmark = pytest.mark.django_db


def _page(client, case: Case):
    response = client.get(f"/staff/cases/{case.number}/")
    assert response.status_code == 200
    return response


def _form(response, key: str):
    return next(f for f in response.context["forms"] if f.key == key)


def test_accept_is_not_offered_while_a_required_material_is_missing_and_the_page_says_why(client, hall):
    # given a case received with 营业执照副本 marked 缺少
    case = submit(hall, missing=("营业执照副本",))
    client.force_login(hall.clerk.user)
    response = _page(client, case)
    # then no 受理 form, but the reason and the one-time notice instead
    assert "accept" not in form_keys(response)
    assert "request_supplement" in form_keys(response)
    html = response.content.decode()
    assert 'data-testid="withheld-accept"' in html
    assert "缺少必要材料：营业执照副本，请一次性告知补正" in html
    # and a forged post is refused by the service, with the materials named
    refused = act(client, case, "accept")
    assert refused.status_code == 400
    assert "缺少必要材料：营业执照副本" in refused.content.decode()
    case.refresh_from_db()
    assert case.status == "submitted"


def test_with_the_materials_complete_accept_is_offered_without_a_reason(client, hall):
    case = submit(hall)
    client.force_login(hall.clerk.user)
    response = _page(client, case)
    assert "accept" in form_keys(response)
    assert 'data-testid="withheld-accept"' not in response.content.decode()


def test_a_deferrable_material_is_named_on_the_accept_form(client, hall):
    Material.objects.filter(version=hall.item.current_version, name="营业执照副本").update(deferrable=True)
    case = submit(hall, missing=("营业执照副本",))
    client.force_login(hall.clerk.user)
    form = _form(_page(client, case), "accept")
    assert any("容缺受理" in n and "营业执照副本" in n for n in form.notes)
    assert act(client, case, "accept").status_code == 302


def test_the_inbox_lists_to_accept_only_what_this_clerk_may_accept(client, hall):
    # given a complete case, one with a material missing, and a clerk of the same window without
    # the power to accept
    complete = submit(hall)
    lacking = submit(hall, missing=("申请书",))
    waiting = submit(hall, missing=("营业执照副本",))
    s.case_request_supplement(case_id=waiting.id, actor=hall.clerk, materials=["营业执照副本"])
    client.force_login(hall.clerk.user)
    sections = {sec.key: [r.case.number for r in sec.rows] for sec in client.get("/staff/inbox/").context["sections"]}
    assert sections["to_accept"] == [complete.number]
    assert sections["to_notify"] == [lacking.number]
    assert sections["awaiting_supplement"] == [waiting.number]
    # a clerk without the accept power sees the received cases, but not as "to accept"
    user = type(hall.clerk.user).objects.create_user(username="newclerk", password="x-unused-Password1")
    newcomer = Staff.objects.create(user=user, name="新窗口员", employee_number="newclerk", region=hall.county)
    Posting.objects.create(staff=newcomer, role=Role.CLERK, region=hall.county, window=hall.window)
    client.force_login(user)
    response = client.get("/staff/inbox/")
    sections = {sec.key: [r.case.number for r in sec.rows] for sec in response.context["sections"]}
    assert sections["to_accept"] == []
    assert sections["to_notify"] == []
    assert sorted(sections["awaiting_acceptance"]) == sorted([complete.number, lacking.number])
    page = _page(client, complete)
    assert "accept" not in form_keys(page)
    assert "受理授权" in page.content.decode()


def test_after_a_supplement_only_the_materials_already_listed_can_be_asked_again(client, hall):
    # given a notice listing both required materials, and a supplement that brought only one
    case = submit(hall, missing=("申请书", "营业执照副本"))
    s.case_request_supplement(case_id=case.id, actor=hall.clerk, materials=["申请书", "营业执照副本"])
    s.case_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"])
    client.force_login(hall.clerk.user)
    response = _page(client, case)
    # then the form offers only what the first notice listed, with what is still owed ticked
    form = _form(response, "request_supplement")
    materials = form.field_named("materials")
    assert [v for v, _label in materials.choices] == ["申请书", "营业执照副本"]
    assert materials.value == ["申请书"]
    assert "accept" not in form_keys(response)
    # and posting it as offered is lawful (no 400)
    assert act(client, case, "request_supplement", materials=materials.value).status_code == 302


def test_after_a_full_supplement_no_new_material_is_offered_and_accept_is(client, hall):
    case = submit(hall, missing=("营业执照副本",))
    s.case_request_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"])
    s.case_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"])
    client.force_login(hall.clerk.user)
    response = _page(client, case)
    assert "accept" in form_keys(response)
    materials = _form(response, "request_supplement").field_named("materials")
    assert [v for v, _label in materials.choices] == ["营业执照副本"]
    assert materials.value == []


def test_a_shared_material_is_never_asked_at_the_window(client, hall):
    # given 营业执照副本 is shared from the e-licence library
    Material.objects.filter(version=hall.item.current_version, name="营业执照副本").update(
        provision="shared", instructions="通过电子证照库共享获取，申请人无需提交")
    client.force_login(hall.clerk.user)
    # the intake checklist offers no choice for it
    checklist = client.get("/staff/intake/checklist/", {"item": hall.item.implementation_code})
    html = checklist.content.decode()
    assert 'data-testid="obtained-1"' in html
    assert 'name="m1-state" value="received"' not in html
    # and records it as fetched even when the posted form says 缺少
    response = client.post("/staff/intake/", intake_data(hall, **{"m1-state": "missing"}))
    assert response.status_code == 302
    case = Case.objects.get()
    materials = {m["name"]: m["state"] for m in case.events.get(kind="submitted").payload["materials"]}
    assert materials["营业执照副本"] == "fetched"
    page = _page(client, case)
    row = next(r for r in page.context["materials"] if r["name"] == "营业执照副本")
    assert row["received"]
    assert "电子证照库共享获取" in row["state_label"]
    # the supplement notice does not offer it, and acceptance is offered
    choices = [v for v, _label in _form(page, "request_supplement").field_named("materials").choices]
    assert "营业执照副本" not in choices
    assert "accept" in form_keys(page)


def test_an_old_case_that_recorded_a_shared_material_as_missing_shows_it_obtained(client, hall):
    case = s.case_submit(actor=hall.clerk, item_code=hall.item.implementation_code, applicant=hall.applicant(),
                         materials=[MaterialCheck("申请书", "received"), MaterialCheck("营业执照副本", "missing")],
                         window_number="01")
    # the guide is corrected after the case was received (the migration did this for old items)
    Material.objects.filter(version=hall.item.current_version, name="营业执照副本").update(provision="shared")
    from onewindow.catalog.selectors import forget_version_parts
    forget_version_parts()
    client.force_login(hall.clerk.user)
    page = _page(client, case)
    row = next(r for r in page.context["materials"] if r["name"] == "营业执照副本")
    assert row["received"]
    assert "accept" in form_keys(page)
