"""The demo's 我要开餐馆 applications: one in progress (a licence issued and waiting for the one
delivery, one child in review, one accepted), one waiting on its combined supplement notice (one
material asked once for two items); chains verified; loaded once."""

from __future__ import annotations

import pytest
from django.test import override_settings

from onewindow.cases.bundle_selectors import bundle_view
from onewindow.cases.models import BundleApplication
from onewindow.demo import bundles
from onewindow.demo.loader import load_demo
from onewindow.lifecycle.selectors import verify_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(tmp_path):
    with override_settings(ONEWINDOW_KEY_DIR=tmp_path):
        load_demo()
        return bundles.load_demo()


def test_a_restaurant_in_progress_and_one_awaiting_its_one_supplement(loaded):
    assert loaded == "一件事申请：2件（办理中1件、待补正1件），子办件5件"
    company, individual = BundleApplication.objects.order_by("pk")
    assert company.bundle.name == individual.bundle.name == "我要开餐馆"
    states = {c.item_name: c.status for c in bundle_view(company).children}
    assert states == {"有限责任公司设立登记": "certificate_issued", "食品经营许可证核发": "in_review",
                      "城镇污水排入排水管网许可证核发": "in_review"}
    assert company.status == "in_progress"
    notice = bundle_view(individual).open_notice
    assert individual.status == "awaiting_supplement"
    assert notice.materials == [{"name": "经营场所使用证明", "items": ["个体工商户设立登记（营业执照）", "食品经营许可证核发"]}]


def test_the_demo_chains_verify_and_load_once(loaded):
    assert all(r.ok for r in verify_all("bundle_application"))
    assert all(r.ok for r in verify_all("case"))
    assert bundles.load_demo() == "一件事申请：已存在，未重复载入"
    assert BundleApplication.objects.count() == 2
