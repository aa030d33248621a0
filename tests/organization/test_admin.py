"""The organization admin: scoped to the administrator's regions, writing through the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onewindow.organization import services
from onewindow.organization.models import Authorization, Department, Posting, Staff, Window

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, org, password_hash):
    admin = services.staff_create(username="centeradmin", password=None, password_hash=password_hash,
                                  name="管理员", employee_number="A-1", region_code=org.county.code,
                                  is_django_staff=True)
    services.posting_add(staff=admin, role="center_admin", region_code=org.county.code)
    client.force_login(admin.user)
    return client


def test_lists_show_only_the_administrators_regions(admin_client, org):
    # given a department in the county and one in the neighbouring county
    # when the county's administrator lists departments
    page = admin_client.get(reverse("admin:organization_department_changelist"))
    # then only the county's departments appear
    assert page.status_code == 200
    body = page.content.decode()
    assert "云溪县工商局" in body
    assert "邻县工商局" not in body
    assert admin_client.get(reverse("admin:organization_department_change", args=[org.other_dept.pk])
                            ).status_code in (302, 403, 404)
    for name in ("region", "window", "staff"):
        assert admin_client.get(reverse(f"admin:organization_{name}_changelist")).status_code == 200


def test_a_user_without_a_center_admin_posting_cannot_open_the_screens(client, org):
    clerk = org.staff("clerk")
    clerk.user.is_staff = True
    clerk.user.save()
    client.force_login(clerk.user)
    assert client.get(reverse("admin:organization_department_changelist")).status_code == 403


def test_adding_a_department_goes_through_the_service(admin_client, org):
    response = admin_client.post(reverse("admin:organization_department_add"), {
        "region": org.county.pk, "code": "HBJ", "name": "云溪县环保局", "short_name": "环保局",
        "credit_code": "", "order": 6, "is_stationed": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Department.objects.get(region=org.county, code="HBJ").name == "云溪县环保局"


def test_a_refusal_of_the_service_shows_on_its_field(admin_client, org):
    # given a periodic window without a schedule
    response = admin_client.post(reverse("admin:organization_window_add"), {
        "region": org.county.pk, "number": "09", "name": "定期窗口", "kind": "periodic",
        "departments": [org.gsj.pk], "schedule": "", "is_active": "on",
    })
    # then the form comes back with the service's message and nothing is saved
    assert response.status_code == 200
    assert "定期窗口须填写开放时间" in response.content.decode()
    assert not Window.objects.filter(number="09").exists()


def test_adding_staff_creates_the_login_and_postings_are_added_inline(admin_client, org):
    response = admin_client.post(reverse("admin:organization_staff_add"), {
        "username": "mzj.clerk", "password": "onewindow-demo", "name": "李四", "employee_number": "YX-9",
        "region": org.county.pk, "department": org.mzj.pk,
    })
    assert response.status_code == 302, _errors(response)
    staff = Staff.objects.get(employee_number="YX-9")
    assert staff.user.username == "mzj.clerk"
    assert staff.user.password.startswith("argon2")

    url = reverse("admin:organization_staff_change", args=[staff.pk])
    form = {
        "name": "李四", "department": org.mzj.pk, "is_present": "on",
        "postings-TOTAL_FORMS": 1, "postings-INITIAL_FORMS": 0,
        "postings-0-role": "clerk", "postings-0-region": org.county.pk, "postings-0-window": org.general.pk,
        "postings-0-department": "",
        "backups-TOTAL_FORMS": 0, "backups-INITIAL_FORMS": 0,
        "authorizations-TOTAL_FORMS": 1, "authorizations-INITIAL_FORMS": 0,
        "authorizations-0-power": "decide", "authorizations-0-department": org.mzj.pk,
        "authorizations-0-valid_from": "2026-01-01",
    }
    # a grant is checked against the postings already saved: saving both at once is refused
    response = admin_client.post(url, {**form, "authorizations-0-power": "accept"})
    assert response.status_code == 200
    assert any("没有可办理云溪县民政局事项的窗口岗位" in e for e in _errors(response)), _errors(response)
    assert not Posting.objects.filter(staff=staff).exists()

    # when the posting is saved first
    response = admin_client.post(url, {**form, "authorizations-TOTAL_FORMS": 0})
    assert response.status_code == 302, _errors(response)
    posting = Posting.objects.get(staff=staff)
    assert posting.window == org.general
    rows = {"postings-TOTAL_FORMS": 1, "postings-INITIAL_FORMS": 1, "postings-0-id": posting.pk,
            "postings-0-staff": staff.pk}
    # then a clerk still may not be granted the power to decide
    response = admin_client.post(url, {**form, **rows})
    assert response.status_code == 200
    assert "没有首席代表或审核岗位" in response.content.decode()
    # but may be granted the power to accept
    response = admin_client.post(url, {**form, **rows, "authorizations-0-power": "accept"})
    assert response.status_code == 302, _errors(response)
    assert Authorization.objects.get(staff=staff).power == "accept"
    assert Posting.objects.filter(staff=staff).count() == 1

def _errors(response) -> list[str]:
    """The error lists of an admin page that came back instead of redirecting."""
    import re

    return re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)


def test_a_service_form_that_leaves_a_hook_undefined_cannot_be_built():
    from onewindow.organization.admin import StaffInlineForm
    from onewindow.organization.models import Posting

    class Incomplete(StaffInlineForm):
        class Meta:
            model = Posting
            fields = ["role"]

        def add(self, actor):
            return None

    with pytest.raises(TypeError, match="remove"):
        Incomplete()


def test_the_administrator_uploads_a_staff_photo_for_the_board(admin_client, org, settings, tmp_path,
                                                               django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.online.helpers import PNG

    settings.MEDIA_ROOT = tmp_path
    staff = org.staff("clerk")
    url = reverse("admin:organization_staff_change", args=[staff.pk])
    form = {"name": staff.name, "department": staff.department_id or "", "is_present": "on",
            "postings-TOTAL_FORMS": 0, "postings-INITIAL_FORMS": 0, "backups-TOTAL_FORMS": 0,
            "backups-INITIAL_FORMS": 0, "authorizations-TOTAL_FORMS": 0, "authorizations-INITIAL_FORMS": 0}
    assert 'enctype="multipart/form-data"' in admin_client.get(url).content.decode()
    refused = admin_client.post(url, {**form, "new_photo": SimpleUploadedFile("cv.pdf", b"%PDF-1.4\n%%EOF\n")})
    assert refused.status_code == 200
    assert "照片须为 JPEG 或 PNG 图片" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        saved = admin_client.post(url, {**form, "new_photo": SimpleUploadedFile("me.png", PNG)})
    assert saved.status_code == 302, _errors(saved)
    staff.refresh_from_db()
    assert (staff.photo_type, staff.photo.read()) == ("image/png", PNG)
    assert len(list((tmp_path / "staff").iterdir())) == 1  # the rehearsal in clean() wrote nothing
