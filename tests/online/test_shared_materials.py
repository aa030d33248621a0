"""A material shared from the e-licence library (电子证照库共享获取，申请人无需提交) is never asked
of the online applicant: no upload, not "missing", recorded as fetched by the department."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onewindow.cases.models import Case
from onewindow.catalog.models import Material

from .helpers import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_licence(hall):
    Material.objects.filter(version=hall.item.current_version, name="营业执照副本").update(
        provision="shared", instructions="通过电子证照库共享获取，申请人无需提交")
    return hall


def test_the_apply_form_does_not_ask_for_a_shared_material(my_client, shared_licence):
    response = my_client.get(reverse("online:apply", args=[shared_licence.item.implementation_code]))
    assert response.status_code == 200
    assert [r.name for r in response.context["rows"]] == ["申请书", "场所证明"]
    assert response.context["missing_required"] == ["申请书"]
    page = response.content.decode()
    assert 'data-testid="obtained-materials"' in page
    assert "营业执照副本" in page


def test_submitting_without_it_records_it_fetched_not_missing(my_client, shared_licence):
    url = reverse("online:apply", args=[shared_licence.item.implementation_code])
    page = my_client.get(url).content.decode()
    start = page.index('name="token" value="') + len('name="token" value="')
    response = my_client.post(url, {"token": page[start:page.index('"', start)], "action": "submit",
                                    "contact_phone": "13912345678",
                                    "material[0]": SimpleUploadedFile("申请书.pdf", PDF, "application/pdf")})
    assert response.status_code == 302
    case = Case.objects.get()
    states = {m["name"]: m["state"] for m in case.events.get(kind="submitted").payload["materials"]}
    assert states == {"申请书": "received", "营业执照副本": "fetched", "场所证明": "missing"}
