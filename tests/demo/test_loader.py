"""The demo loader on small data files: refusals, and never taking over someone else's account."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from onewindow.catalog.models import ServiceItem
from onewindow.catalog.services import CatalogImportError
from onewindow.demo.loader import DemoDataError, load_demo
from onewindow.organization.models import Authorization, Region, Staff

pytestmark = pytest.mark.django_db

ORGANIZATION = """\
format: onewindow-organization/1
password: onewindow-demo
authorizations_valid_from: '2024-01-01'
regions:
- {code: '990000000000', name: 演示省}
- {code: '990100000000', name: 演示市}
- {code: '990121000000', name: 云溪县, has_center: true}
departments:
- {region: '990121000000', code: GSJ, name: 云溪县工商局}
windows:
- {region: '990121000000', number: '02', name: 工商局窗口, kind: dedicated, departments: [GSJ]}
staff:
- username: admin
  name: 管理员
  employee_number: T0001
  region: '990121000000'
  django_staff: true
  postings: [{role: center_admin}]
- username: clerk
  name: 窗口员
  employee_number: T0002
  region: '990121000000'
  department: GSJ
  postings: [{role: clerk, department: GSJ, window: '02'}]
  authorizations:
  - {power: accept, department: GSJ}
  - {power: accept, department: GSJ, item: 'T-GSJ-001'}
backup_posts:
- {primary: clerk, backup: admin}
"""

CATALOG = """\
format: onewindow-catalog/1
items:
- implementation_code: T-GSJ-001
  basic_code: '000110001000'
  region: '990121000000'
  department: GSJ
  windows: ['02']
  name: 个体工商户设立登记（营业执照）
  item_type: licensing
  implementing_body: 云溪县工商局
  legal_basis: 《个体工商户条例》第八条
  acceptance_conditions: 有经营能力的公民
  statutory_limit: 3
  promised_limit: 0
  handling_type: instant
  result_type: certificate
  materials: [{name: 申请书}, {name: 身份证明}]
  stages: [{name: 受理, department: GSJ, role: clerk, budget_workdays: 0}]
"""


def _data(tmp_path: Path, organization: str = ORGANIZATION, catalog: str = CATALOG) -> Path:
    (tmp_path / "organization.yaml").write_text(organization, encoding="utf-8")
    (tmp_path / "catalog.yaml").write_text(catalog, encoding="utf-8")
    return tmp_path


def test_small_data_loads_with_grants_on_items(tmp_path):
    report = load_demo(data_dir=_data(tmp_path))
    assert (report.regions, report.departments, report.windows, report.staff) == (3, 1, 1, 2)
    assert (report.items, report.instant, report.joint, report.bundles) == (1, 1, 0, 0)
    grants = Authorization.objects.filter(staff__user__username="clerk")
    assert grants.count() == 2
    assert grants.get(item__isnull=False).item.implementation_code == "T-GSJ-001"
    assert all(g.document_number.startswith("云溪政务授〔2024〕") for g in grants)
    again = load_demo(data_dir=tmp_path)
    assert again.created_staff == []
    assert again.catalog.unchanged == ["T-GSJ-001"]
    assert Authorization.objects.count() == 2


def test_a_non_demo_account_with_a_demo_name_is_left_alone(tmp_path):
    # given an operator's own superuser called "admin"
    user = get_user_model().objects.create_superuser(username="admin", password="operators-own-1")
    # when the demo is loaded
    report = load_demo(data_dir=_data(tmp_path))
    # then that account is untouched, the demo admin (and the AB post naming it) skipped, the rest loaded
    user.refresh_from_db()
    assert user.check_password("operators-own-1")
    assert user.is_superuser
    assert not Staff.objects.filter(user=user).exists()
    assert report.skipped_staff == ["admin"]
    assert report.created_staff == ["clerk"]


def test_a_catalog_problem_loads_nothing(tmp_path):
    broken = CATALOG.replace("promised_limit: 0", "promised_limit: 5")  # an instant item with a limit
    with pytest.raises(CatalogImportError) as excinfo:
        load_demo(data_dir=_data(tmp_path, catalog=broken))
    assert any(p.code == "instant_with_limit" for p in excinfo.value.problems)
    assert not Region.objects.exists()
    assert not Staff.objects.exists()
    assert not ServiceItem.objects.exists()


def test_a_malformed_organization_file_is_refused(tmp_path):
    with pytest.raises(DemoDataError) as excinfo:
        load_demo(data_dir=_data(tmp_path, organization="format: something-else\n"))
    assert excinfo.value.code == "demo.invalid_data"
    without_staff = ORGANIZATION[:ORGANIZATION.index("staff:")]
    with pytest.raises(DemoDataError) as excinfo:
        load_demo(data_dir=_data(tmp_path, organization=without_staff))
    assert "staff" in excinfo.value.message
