"""The pages of 一件事: the portal's guide (situations, the apply link), the applicant's one form,
progress page, supplement and notice; the window's intake of a bundle, the parent's staff page with
its review, supplement and delivery forms, and a child's link to its parent. Every refusal a
message, never a 500; another's application a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onewindow.cases.models import BundleApplication, Case
from onewindow.core.timesource import now
from onewindow.online.models import OnlineUpload

from .helpers import (
    PERSONAL_SHOP,
    RESTAURANT,
    SIGNBOARD,
    applicant_account,
    build_restaurant,
    child,
    restaurant_application,
    settle_child,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def world(hall):
    return build_restaurant(hall)


# -- the portal's guide -------------------------------------------------------------------------------------


def test_the_guide_lists_the_situations_and_links_the_one_form(client, world):
    html = client.get(reverse("portal:bundle", args=[RESTAURANT])).content.decode()
    assert PERSONAL_SHOP in html
    assert SIGNBOARD in html
    assert reverse("online:bundle_apply", args=[RESTAURANT]) in html


# -- the applicant online -----------------------------------------------------------------------------------


def test_the_applicant_applies_with_one_form_and_follows_the_children(client, world, hall):
    me = applicant_account()
    client.force_login(me)
    url = reverse("online:bundle_apply", args=[RESTAURANT])
    page = client.get(url, {"situations": [PERSONAL_SHOP]}).content.decode()
    assert page.count("经营场所证明") == 1  # asked once, for both items
    assert "个体工商户设立登记" in page
    assert "食品经营许可证核发" in page
    start = page.index('name="token" value="') + len('name="token" value="')
    token = page[start:page.index('"', start)]
    # 0 个体工商户登记申请书, 1 经营者身份证明, 2 经营场所证明, 3 食品经营许可申请书, 4 食品安全管理制度
    post = {"token": token, "situations": [PERSONAL_SHOP], "contact_phone": "13912345678",
            "material[0]": _pdf(), "material[1]": _pdf(), "material[2]": _pdf()}
    r = client.post(url, post)
    assert r.status_code == 302
    app = BundleApplication.objects.get()
    assert r["Location"] == reverse("online:bundle", args=[app.number])
    assert app.channel == "online"
    assert app.applicant_account == me
    shop, food = child(app, world.shop), child(app, world.food)
    # The one file of 经营场所证明 is kept with both children, each under its own name.
    assert set(OnlineUpload.objects.filter(case=food).values_list("material", flat=True)) == {"经营场所 证明"}
    assert set(OnlineUpload.objects.filter(case=shop).values_list("material", flat=True)) == {
        "个体工商户登记申请书", "经营者身份证明", "经营场所证明"}
    again = client.post(url, {**post, "material[0]": _pdf(), "material[1]": _pdf(), "material[2]": _pdf()})
    assert again.status_code == 302  # the same form twice: one application
    assert BundleApplication.objects.count() == 1
    page = client.get(reverse("online:bundle", args=[app.number])).content.decode()
    assert shop.number in page
    assert food.number in page
    case_page = client.get(reverse("online:case", args=[shop.number])).content.decode()
    assert reverse("online:bundle", args=[app.number]) in case_page

    # The clerk asks the food licence's application form: one notice, answered once online.
    client.force_login(hall.clerk.user)
    r = client.post(reverse("workbench:bundle_review", args=[app.number]), {
        f"d-{food.number}-action": "request_supplement", f"d-{food.number}-materials": ["食品经营许可申请书"],
        f"d-{shop.number}-action": "accept"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == "awaiting_supplement"
    client.force_login(me)
    page = client.get(reverse("online:bundle", args=[app.number])).content.decode()
    assert "需要补正" in page
    assert "食品经营许可申请书" in page
    assert 'name="supplement[0]"' in page
    notice = client.get(reverse("online:bundle_notice", args=[app.number, 1])).content.decode()
    assert f"{app.number}-BZ01" in notice
    r = client.post(reverse("online:bundle_supplement", args=[app.number]), {})
    assert r.status_code == 400
    assert "请上传补正材料“食品经营许可申请书”" in r.content.decode()
    r = client.post(reverse("online:bundle_supplement", args=[app.number]), {"supplement[0]": _pdf()})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == "in_progress"
    assert Case.objects.get(pk=food.pk).status == "submitted"
    assert OnlineUpload.objects.filter(case=food, purpose="supplement").count() == 1


def test_an_application_is_its_applicants_only(client, world):
    app = restaurant_application(world)
    client.force_login(applicant_account("13887654321", name="李四", id_number="110105199003071239"))
    assert client.get(reverse("online:bundle", args=[app.number])).status_code == 404
    assert client.get(reverse("online:bundle_notice", args=[app.number, 1])).status_code == 404
    assert client.get(reverse("online:bundle_apply", args=["990121-YJS-404"])).status_code == 404


def test_a_refused_online_form_keeps_nothing(client, world):
    client.force_login(applicant_account())
    r = client.post(reverse("online:bundle_apply", args=[RESTAURANT]), {
        "situations": [PERSONAL_SHOP], "material[0]": SimpleUploadedFile("x.exe", b"MZ" + b"\x00" * 80)})
    assert r.status_code == 400
    assert not BundleApplication.objects.exists()


# -- the window --------------------------------------------------------------------------------------------


def test_the_clerk_takes_in_a_bundle_with_one_form(client, world, hall):
    client.force_login(hall.clerk.user)
    url = reverse("workbench:bundle_intake")
    assert RESTAURANT in client.get(url).content.decode()
    page = client.get(url, {"code": RESTAURANT, "situations": [PERSONAL_SHOP]}).content.decode()
    assert page.count("<legend>经营场所证明") == 1
    states = {f"m{i}-state": "received" for i in range(4)} | {"m4-state": "not_applicable"}
    person = {"kind": "person", "name": "张三", "id_type": "resident_id", "id_number": "11010519491231002X",
              "phone": "13800000000", "window_number": "01"}
    r = client.post(url, {"code": RESTAURANT, "situations": [PERSONAL_SHOP], **person, **states,
                          "m0-state": "not_applicable"})
    assert r.status_code == 400
    assert "是必要材料，不能标为不适用" in r.content.decode()
    r = client.post(url, {"code": RESTAURANT, "situations": [PERSONAL_SHOP], **person, **states,
                          "id_number": "123"})
    assert r.status_code == 400
    assert not BundleApplication.objects.exists()
    r = client.post(url, {"code": RESTAURANT, "situations": [PERSONAL_SHOP], **person, **states})
    app = BundleApplication.objects.get()
    assert r["Location"] == reverse("workbench:bundle", args=[app.number])
    assert app.children.count() == 2
    assert app.window.number == "01"
    assert client.get(reverse("workbench:bundle_intake"), {"code": "990121-YJS-404"}).status_code == 404
    client.force_login(hall.reviewer.user)
    assert client.get(url).status_code == 403


def test_the_staff_page_of_the_parent_reviews_delivers_and_links_the_children(client, world, hall):
    app = restaurant_application(world, missing=("经营场所证明",), when=now() - timedelta(minutes=5))
    shop, food = child(app, world.shop), child(app, world.food)
    client.force_login(hall.clerk.user)
    page = client.get(reverse("workbench:bundle", args=[app.number])).content.decode()
    assert 'data-testid="review"' in page
    assert reverse("workbench:case", args=[shop.number]) in page
    case_page = client.get(reverse("workbench:case", args=[shop.number])).content.decode()
    assert reverse("workbench:bundle", args=[app.number]) in case_page
    # A refusal comes back as a message: accepting without the missing material.
    r = client.post(reverse("workbench:bundle_review", args=[app.number]), {
        f"d-{shop.number}-action": "accept", f"d-{food.number}-action": "accept"}, follow=True)
    assert "缺少必要材料" in r.content.decode()
    client.post(reverse("workbench:bundle_review", args=[app.number]), {
        f"d-{shop.number}-action": "request_supplement", f"d-{shop.number}-materials": ["经营场所证明"],
        f"d-{food.number}-action": "request_supplement", f"d-{food.number}-materials": ["经营场所 证明"]})
    page = client.get(reverse("workbench:bundle", args=[app.number])).content.decode()
    assert f"{app.number}-BZ01" in page
    notice = client.get(reverse("workbench:bundle_notice", args=[app.number, 1])).content.decode()
    assert "个体工商户设立登记、食品经营许可证核发" in notice
    assert client.get(reverse("workbench:bundle_notice", args=[app.number, 9])).status_code == 404
    r = client.post(reverse("workbench:bundle_supplement", args=[app.number]), {"materials": ["经营场所证明"]})
    assert r.status_code == 302
    for c in (shop, food):
        settle_child(world, Case.objects.get(pk=c.pk), None)
    page = client.get(reverse("workbench:bundle", args=[app.number])).content.decode()
    assert 'data-testid="deliver"' in page
    r = client.post(reverse("workbench:bundle_deliver", args=[app.number]), {"method": "window"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == "concluded"
    assert {c.status for c in app.children.all()} == {"concluded"}
    listing = client.get(reverse("workbench:bundles")).content.decode()
    assert app.number in listing


def test_another_countys_staff_find_nothing(client, world, hall):
    app = restaurant_application(world)
    client.force_login(hall.outsider.user)
    for name in ("workbench:bundle",):
        assert client.get(reverse(name, args=[app.number])).status_code == 404
    assert client.post(reverse("workbench:bundle_deliver", args=[app.number]), {"method": "window"}).status_code == 404
    assert app.number not in client.get(reverse("workbench:bundles")).content.decode()
