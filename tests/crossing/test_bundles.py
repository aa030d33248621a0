"""一件事一次办: one form and one material set for several items; the situations decide the
children; each child a case with its own clock, department and certificate; one combined
supplement notice; one delivery; the parent concluded with its last child; its own chain
verified. Every refusal names its field and leaves nothing behind."""

from __future__ import annotations

import pytest

from onewindow.cases import bundle_selectors as bsel
from onewindow.cases import services as s
from onewindow.cases.bundle_services import (
    BundleInputError,
    ChildDecision,
    bundle_apply,
    bundle_deliver,
    bundle_review,
    bundle_supplement,
)
from onewindow.cases.history import events_of
from onewindow.cases.models import BundleApplication, BundleApplicationEvent, Case
from onewindow.cases.rules import MaterialCheck
from onewindow.cases.selectors import inbox
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.documents.models import Document
from onewindow.lifecycle.selectors import verify_all
from onewindow.notifications.models import OutboxMessage
from tests.cases.helpers import at
from tests.lifecycle.helpers import sql, verify_history

from .helpers import (
    COMPANY,
    PERSONAL_SHOP,
    RESTAURANT,
    SIGNBOARD,
    build_restaurant,
    child,
    restaurant_application,
    settle_child,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(hall):
    return build_restaurant(hall)


def _kinds(app: BundleApplication) -> list[str]:
    return list(BundleApplicationEvent.objects.filter(application=app).order_by("seq").values_list("kind", flat=True))


def _nothing_written() -> None:
    assert not BundleApplication.objects.exists()
    assert not Case.objects.exists()


# -- applying: situations, the one material set, the children ------------------------------------------


def test_the_situations_decide_the_children_and_a_shared_material_is_asked_once(world):
    app = restaurant_application(world)
    shop, food = child(app, world.shop), child(app, world.food)
    assert app.status == "in_progress"
    assert set(app.children.values_list("item_id", flat=True)) == {world.shop.pk, world.food.pk}
    assert _kinds(app) == ["applied"]
    applied = app.events.get()
    assert applied.payload["situations"] == [PERSONAL_SHOP]
    assert [c["case"] for c in applied.payload["children"]] == [shop.number, food.number]
    # Each child is a case of its own department, received by the case engine, named in its history.
    assert (shop.department, food.department) == (world.hall.dept, world.food_dept)
    assert events_of(shop)[0].payload["bundle"] == events_of(food)[0].payload["bundle"] == app.number
    # 经营场所证明 was handed in once; the food licence asks it as "经营场所 证明": the same material.
    assert {m["name"]: m["state"] for m in events_of(food)[0].payload["materials"]}["经营场所 证明"] == "received"
    assert {m["name"] for m in events_of(shop)[0].payload["materials"]} == {"个体工商户登记申请书", "经营者身份证明",
                                                                            "经营场所证明"}
    assert app.number.startswith("990121-2026-Y")
    assert shop.number.startswith("990121-2026-0")


def test_the_guide_merges_the_materials_of_the_items_that_apply(world):
    guide = bsel.bundle_guide(RESTAURANT, [COMPANY, SIGNBOARD, "不存在的情形"])
    assert guide.situations == [PERSONAL_SHOP, COMPANY, SIGNBOARD]
    assert [e.name for e in guide.chosen] == ["有限责任公司设立登记", "食品经营许可证核发", "户外招牌设置审批"]
    names = [m.name for m in guide.materials]
    assert names.count("经营场所证明") == 1
    assert "经营场所 证明" not in names
    place = next(m for m in guide.materials if m.name == "经营场所证明")
    assert guide.item_names(place) == ["有限责任公司设立登记", "食品经营许可证核发"]
    assert guide.problems == ["不存在的情形"]


def test_a_company_with_a_signboard_gets_three_children(world):
    app = bundle_apply(
        actor=world.hall.clerk, bundle_code=RESTAURANT, applicant=world.hall.applicant(),
        situations=[COMPANY, SIGNBOARD], window_number="01", at=at(2026, 9, 28),
        materials=world.checklist("公司登记申请书", "经营者身份证明", "经营场所证明", "公司章程", "食品经营许可申请书",
                                  "招牌设置申请书", "招牌效果图"))
    assert sorted(app.children.values_list("item__current_version__name", flat=True)) == [
        "户外招牌设置审批", "有限责任公司设立登记", "食品经营许可证核发"]


@pytest.mark.parametrize(("change", "code", "field", "status"), [
    ({"situations": ["开网吧的"]}, "bundle.situation_unknown", "situations[0]", 422),
    ({"situations": [PERSONAL_SHOP, PERSONAL_SHOP]}, "bundle.situation_duplicate", "situations[1]", 422),
    ({"materials": [MaterialCheck("个体工商户登记申请书", "received")]}, "bundle.material_required", "materials", 422),
    ({"materials": [MaterialCheck("营业执照", "received")]}, "material.unknown", "materials[0].name", 422),
    ({"materials": [MaterialCheck("经营场所证明", "received"), MaterialCheck("经营场所 证明", "missing")]},
     "material.duplicate", "materials[1].name", 422),
    ({"materials": [MaterialCheck("经营场所证明", "not_applicable")]}, "material.required", "materials[0].state", 422),
    ({"materials": [MaterialCheck("经营场所证明", "fetched")]}, "material.state_invalid", "materials[0].state", 422),
    ({"applicant_id": "110105194912310021"}, "applicant.id_number_invalid", "applicant.id_number", 400),
    ({"window_number": "99"}, "window.not_found", "window_number", 404),
    ({"bundle_code": "990121-YJS-404"}, "bundle.not_found", "code", 404),
])
def test_every_refusal_names_its_field_and_writes_nothing(world, change, code, field, status):
    applicant = world.hall.applicant()
    if "applicant_id" in change:
        applicant = type(applicant)(**{**applicant.__dict__, "id_number": change.pop("applicant_id")})
    args = {"actor": world.hall.clerk, "bundle_code": RESTAURANT, "applicant": applicant,
            "situations": [PERSONAL_SHOP], "window_number": "01", "at": at(2026, 9, 28),
            "materials": world.checklist("个体工商户登记申请书", "经营者身份证明", "经营场所证明", "食品经营许可申请书")}
    with pytest.raises(DomainError) as refused:
        bundle_apply(**{**args, **change})
    assert (refused.value.code, refused.value.field, refused.value.status) == (code, field, status)
    _nothing_written()


def test_no_item_under_the_chosen_situations_is_refused(world):
    world.bundle.bundle_items.filter(situation="").update(situation=SIGNBOARD)
    with pytest.raises(BundleInputError) as refused:
        bundle_apply(actor=world.hall.clerk, bundle_code=RESTAURANT, applicant=world.hall.applicant(), situations=[],
                     materials=[], window_number="01", at=at(2026, 9, 28))
    assert (refused.value.code, refused.value.field) == ("bundle.no_items", "situations")


def test_who_may_apply(world, hall):
    with pytest.raises(PermissionDenied):  # a reviewer takes in nothing: the first child refuses, all roll back
        bundle_apply(actor=hall.reviewer, bundle_code=RESTAURANT, applicant=hall.applicant(),
                     situations=[PERSONAL_SHOP], window_number="01", at=at(2026, 9, 28),
                     materials=world.checklist("个体工商户登记申请书", "经营者身份证明", "经营场所证明", "食品经营许可申请书"))
    with pytest.raises(PermissionDenied) as refused:  # nobody applies online but the applicant logged in
        bundle_apply(actor=None, bundle_code=RESTAURANT, applicant=hall.applicant(), situations=[PERSONAL_SHOP],
                     materials=[], channel="online")
    assert refused.value.code == "forbidden.case.submit"
    _nothing_written()


# -- each child its own clock -----------------------------------------------------------------------------


def test_each_child_runs_on_its_own_clock(world):
    app = restaurant_application(world)
    shop = s.case_accept(case_id=child(app, world.shop).id, actor=world.hall.clerk, at=at(2026, 9, 29))
    food = s.case_accept(case_id=child(app, world.food).id, actor=world.hall.clerk, at=at(2026, 9, 30))
    # 个体工商户: 3 working days from Tue 29 Sep (National Day holidays 1–7 Oct); 食品经营: 10 from Wed 30 Sep
    # (Sat 10 Oct is a make-up working day).
    assert (shop.promised_due.isoformat(), food.promised_due.isoformat()) == ("2026-10-09", "2026-10-20")
    assert app.children.get(pk=shop.pk).department_id != app.children.get(pk=food.pk).department_id
    app.refresh_from_db()
    assert app.status == "in_progress"
    progress = app.events.filter(kind="child_progress").order_by("seq")
    assert [(e.payload["case"], e.payload["to"]) for e in progress] == [(shop.number, "in_review"),
                                                                        (food.number, "in_review")]


# -- one combined supplement notice -----------------------------------------------------------------------


def test_the_supplements_of_one_acceptance_review_become_one_notice(world, hall):
    app = restaurant_application(world, missing=("经营场所证明", "食品经营许可申请书"))
    shop, food = child(app, world.shop), child(app, world.food)
    s.case_request_supplement(case_id=shop.id, actor=hall.clerk, materials=["经营场所证明"], at=at(2026, 9, 29))
    app.refresh_from_db()
    # The food licence still awaits its acceptance decision: the review goes on, nothing is told yet.
    assert (app.status, app.notices) == ("in_progress", 0)
    assert not OutboxMessage.objects.filter(kind__in=["case.supplement_requested", "bundle.supplement_notified"]).exists()
    s.case_request_supplement(case_id=food.id, actor=hall.clerk, materials=["经营场所 证明", "食品经营许可申请书"],
                              note="请补齐后一并提交", at=at(2026, 9, 29, 11))
    app.refresh_from_db()
    assert (app.status, app.notices) == ("awaiting_supplement", 1)
    notice = app.events.get(kind="supplement_notified")
    assert notice.payload["notice"] == f"{app.number}-BZ01"
    assert [(line["case"], line["materials"]) for line in notice.payload["lines"]] == [
        (shop.number, ["经营场所证明"]), (food.number, ["经营场所 证明", "食品经营许可申请书"])]
    assert notice.payload["materials"] == [{"name": "经营场所证明", "items": ["个体工商户设立登记", "食品经营许可证核发"]},
                                           {"name": "食品经营许可申请书", "items": ["食品经营许可证核发"]}]
    # One message and one notice: the children's own are held back.
    messages = OutboxMessage.objects.filter(kind__in=["case.supplement_requested", "bundle.supplement_notified"])
    assert [m.kind for m in messages] == ["bundle.supplement_notified"]
    assert "经营场所证明、食品经营许可申请书" in messages[0].body
    assert not Document.objects.filter(case__bundle_application=app, kind="supplement_notice").exists()
    assert [n.number for n in bsel.notices_of(app)] == [f"{app.number}-BZ01"]


def test_a_child_deemed_accepted_ends_the_review_and_the_notice_goes_out(world, hall):
    app = restaurant_application(world, missing=("经营场所证明",))
    shop = child(app, world.shop)
    s.case_request_supplement(case_id=shop.id, actor=hall.clerk, materials=["经营场所证明"], at=at(2026, 9, 29))
    # Nobody decides on the food licence within 5 working days: it is deemed accepted (Art. 32),
    # which ends the review.
    assert s.cases_deem_overdue_acceptances(now=at(2026, 10, 12)) == 1
    app.refresh_from_db()
    assert app.status == "awaiting_supplement"
    assert _kinds(app)[-2:] == ["child_progress", "supplement_notified"]
    assert app.events.get(kind="supplement_notified").actor_label == "系统"


def test_a_move_that_changes_no_childs_status_leaves_the_parent_alone(world, hall):
    app = restaurant_application(world)
    food = s.case_accept(case_id=child(app, world.food).id, actor=hall.clerk, at=at(2026, 9, 29))
    seen = _kinds(app)
    s.case_claim_task(case_id=food.id, actor=world.food_reviewer, stage_order=2, at=at(2026, 9, 30))
    assert _kinds(app) == seen


def test_the_clerk_reviews_the_children_in_one_form(world, hall):
    app = restaurant_application(world, missing=("食品经营许可申请书",))
    shop, food = child(app, world.shop), child(app, world.food)
    app = bundle_review(application_id=app.pk, actor=hall.clerk, at=at(2026, 9, 29), decisions=[
        ChildDecision(food.number, "request_supplement", ("食品经营许可申请书",), "请补交"),
        ChildDecision(shop.number, "accept")])
    assert app.status == "awaiting_supplement"
    assert Case.objects.get(pk=shop.pk).status == "in_review"
    assert [line["case"] for line in app.events.get(kind="supplement_notified").payload["lines"]] == [food.number]


def test_a_refused_decision_in_the_review_names_the_child_and_undoes_the_rest(world, hall):
    app = restaurant_application(world, missing=("食品经营许可申请书",))
    shop, food = child(app, world.shop), child(app, world.food)
    with pytest.raises(DomainError) as refused:
        bundle_review(application_id=app.pk, actor=hall.clerk, at=at(2026, 9, 29), decisions=[
            ChildDecision(shop.number, "accept"), ChildDecision(food.number, "accept")])
    assert refused.value.code == "case.accept.materials_missing"
    assert refused.value.field == "decisions[1].materials"
    assert food.number in refused.value.message
    assert Case.objects.get(pk=shop.pk).status == "submitted"  # the first acceptance rolled back with it
    for decisions, code in [([], "bundle.decisions_required"),
                            ([ChildDecision(shop.number, "approve")], "bundle.review_action_invalid"),
                            ([ChildDecision("990121-2026-999999", "accept")], "bundle.case_unknown")]:
        with pytest.raises(DomainError) as refused:
            bundle_review(application_id=app.pk, actor=hall.clerk, decisions=decisions, at=at(2026, 9, 29))
        assert refused.value.code == code
    assert _kinds(app) == ["applied"]


def test_one_supplement_answers_the_notice(world, hall):
    app = restaurant_application(world, missing=("经营场所证明",))
    shop, food = child(app, world.shop), child(app, world.food)
    bundle_review(application_id=app.pk, actor=hall.clerk, at=at(2026, 9, 29), decisions=[
        ChildDecision(shop.number, "request_supplement", ("经营场所证明",)),
        ChildDecision(food.number, "request_supplement", ("经营场所 证明",))])
    for given, code in [([], "bundle.supplement_incomplete"), (["经营场所证明", "公司章程"], "supplement.material_unlisted")]:
        with pytest.raises(DomainError) as refused:
            bundle_supplement(application_id=app.pk, actor=hall.clerk, materials=given, at=at(2026, 9, 30))
        assert (refused.value.code, refused.value.field) == (code, "materials")
    app = bundle_supplement(application_id=app.pk, actor=hall.clerk, materials=["经营场所证明"], at=at(2026, 9, 30))
    assert app.status == "in_progress"
    assert _kinds(app)[-1] == "supplemented"
    shop, food = Case.objects.get(pk=shop.pk), Case.objects.get(pk=food.pk)
    assert (shop.status, food.status) == ("submitted", "submitted")
    assert events_of(food)[-1].payload["materials"] == ["经营场所 证明"]  # each child by its own name
    with pytest.raises(DomainError) as refused:
        bundle_supplement(application_id=app.pk, actor=hall.clerk, materials=["经营场所证明"], at=at(2026, 9, 30))
    assert refused.value.code == "bundle.transition_refused.supplement"


# -- one delivery, the parent concluded with its last child ------------------------------------------------


def test_one_delivery_of_all_results_concludes_the_children_and_the_parent(world, hall):
    app = restaurant_application(world)
    shop, food = child(app, world.shop), child(app, world.food)
    settle_child(world, shop, at(2026, 9, 29))
    with pytest.raises(DomainError) as refused:  # the food licence is not ready: no delivery yet
        bundle_deliver(application_id=app.pk, actor=hall.clerk, method="window", at=at(2026, 9, 30))
    assert refused.value.code == "bundle.transition_refused.deliver"
    settle_child(world, food, at(2026, 9, 30))
    app.refresh_from_db()
    assert app.status == "awaiting_delivery"
    assert app.events.get(kind="ready_for_delivery").payload["cases"] == [shop.number, food.number]
    box = inbox(hall.clerk)  # the clerk finds them apart from the results delivered one by one
    assert [c.number for c in box.bundle_to_deliver] == [shop.number, food.number]
    assert not box.to_deliver
    with pytest.raises(DomainError) as refused:  # a child's result is never handed over alone
        s.case_deliver(case_id=shop.id, actor=hall.clerk, method="window", at=at(2026, 10, 8))
    assert refused.value.code == "delivery.bundle_only"
    with pytest.raises(DomainError) as refused:
        bundle_deliver(application_id=app.pk, actor=hall.clerk, method="post", at=at(2026, 10, 8))
    assert refused.value.code == "delivery.tracking_required"
    assert Case.objects.get(pk=shop.pk).status == "certificate_issued"
    app = bundle_deliver(application_id=app.pk, actor=hall.clerk, method="window", at=at(2026, 10, 8))
    assert app.status == "concluded"
    assert app.concluded_at == at(2026, 10, 8)
    assert _kinds(app)[-2:] == ["delivered", "concluded"]
    assert app.events.get(kind="delivered").payload["cases"] == [shop.number, food.number]
    for case in (shop, food):
        case = Case.objects.get(pk=case.pk)
        assert case.status == "concluded"
        delivered = next(e for e in events_of(case) if e.kind == "delivered")
        assert delivered.payload["bundle"] == app.number
    with pytest.raises(DomainError) as refused:
        bundle_deliver(application_id=app.pk, actor=hall.clerk, method="window", at=at(2026, 10, 8))
    assert refused.value.code == "bundle.transition_refused.deliver"


def test_the_parent_concludes_when_its_children_end_without_a_result(world, hall):
    app = restaurant_application(world)
    shop, food = child(app, world.shop), child(app, world.food)
    s.case_refuse(case_id=shop.id, actor=hall.clerk, reason="经营场所不符合要求", legal_basis="《个体工商户条例》",
                  at=at(2026, 9, 29))
    app.refresh_from_db()
    assert app.status == "in_progress"
    s.case_withdraw(case_id=food.id, actor=hall.clerk, reason="申请人撤回", at=at(2026, 9, 30))
    app.refresh_from_db()
    assert (app.status, _kinds(app)[-1]) == ("concluded", "concluded")
    assert app.events.get(kind="concluded").payload["children"] == {shop.number: "refused", food.number: "withdrawn"}


def test_a_delivery_outside_a_bundle_must_not_name_one(hall):
    from tests.cases.helpers import granted_case

    case = s.case_issue_certificate(case_id=granted_case(hall).id, actor=hall.clerk, at=at(2026, 10, 12))
    with pytest.raises(DomainError) as refused:
        s.case_deliver(case_id=case.id, actor=hall.clerk, method="window", bundle="990121-2026-Y00001")
    assert refused.value.code == "delivery.not_in_bundle"


# -- the views a child and a staff member get ----------------------------------------------------------------


def test_a_child_shows_its_parent_and_siblings_and_who_sees_the_parent(world, hall):
    app = restaurant_application(world)
    shop = child(app, world.shop)
    found = bsel.bundle_of_case(shop)
    assert found["number"] == app.number
    assert [c["item_name"] for c in found["children"]] == ["个体工商户设立登记", "食品经营许可证核发"]
    assert bsel.bundle_of_case(s.case_submit(actor=hall.clerk, item_code=hall.item.implementation_code,
                                             applicant=hall.applicant(), materials=hall.checklist(),
                                             window_number="01", at=at(2026, 9, 28))) is None
    assert bsel.bundle_for(hall.clerk, app.number) == app
    assert bsel.bundle_for(world.food_reviewer, app.number) == app  # a child is in their department
    with pytest.raises(NotFound):
        bsel.bundle_for(hall.outsider, app.number)
    assert list(bsel.visible_bundles(world.food_reviewer)) == [app]
    assert list(bsel.visible_bundles(hall.outsider)) == []


# -- the chain ------------------------------------------------------------------------------------------------


def test_verify_history_covers_the_bundle_chain(world, hall):
    app = restaurant_application(world, missing=("食品经营许可申请书",))
    bundle_review(application_id=app.pk, actor=hall.clerk, at=at(2026, 9, 29), decisions=[
        ChildDecision(child(app, world.food).number, "request_supplement", ("食品经营许可申请书",)),
        ChildDecision(child(app, world.shop).number, "accept")])
    assert all(report.ok for report in verify_all("bundle_application"))
    ok, out = verify_history("--type", "bundle_application")
    assert ok
    assert "核查一件事申请 1 件，有问题 0 件" in out
    sql("UPDATE cases_bundleapplicationevent SET note = %s WHERE application_id = %s AND seq = 2", "改过", app.pk)
    ok, out = verify_history("--type", "bundle_application")
    assert not ok
    assert f"{app.number} 第2个事件 [hash_mismatch]" in out


def test_a_status_changed_without_an_event_is_a_record_mismatch(world):
    app = restaurant_application(world)
    BundleApplication.objects.filter(pk=app.pk).update(status="concluded")
    ok, out = verify_history("--number", app.number)
    assert not ok
    assert "[record_mismatch]" in out
