"""The portal's ways in: certificate verification in the navigation, the one-thing bundles and
verification from the home page."""

from __future__ import annotations

import pytest

from onewindow.catalog.models import Bundle, BundleItem

pytestmark = pytest.mark.django_db


def test_home_links_verification_and_the_bundles(client, hall):
    bundle = Bundle.objects.create(region=hall.county, code="990121-YJS-001", name="我要开餐馆", life_event="开餐馆",
                                   lead_department=hall.dept)
    BundleItem.objects.create(bundle=bundle, item=hall.item, order=1)
    html = client.get("/").content.decode()
    nav = html.split('<nav aria-label=', 1)[1].split("</nav>", 1)[0]
    assert 'href="/verify/"' in nav
    assert ">证照核验<" in nav
    assert f'href="/bundles/{bundle.code}/"' in html
    assert ">我要开餐馆<" in html
    assert 'href="#bundles"' in html
    assert 'id="bundles"' in html
