"""Service guides (办事指南) and bundle guides on the demo county: every field the law asks to
publish, the process as a flow chart, old versions, downloads, the 404 page."""

from __future__ import annotations

from pathlib import Path

import pytest

from onewindow.catalog.models import Material, ServiceItem
from onewindow.catalog.rules import DELIVERY_METHOD_LABELS, ONLINE_DEPTH_LABELS
from onewindow.catalog.services import item_draft_version
from onewindow.organization.models import Staff
from onewindow.portal.selectors import bundle_page
from tests.catalog.helpers import review_and_publish

from .helpers import JOINT_SITE, MARRIAGE, RESTAURANT, TRANSFER, parse, text_of


def _item(code: str) -> ServiceItem:
    return ServiceItem.objects.select_related("current_version", "department").get(implementation_code=code)


def test_the_guide_shows_every_published_field_of_the_item(loaded, client):
    # given a demo item with fees, windows, stages and a blank form
    item = _item(TRANSFER)
    v = item.current_version
    # when its guide is opened
    response = client.get(f"/items/{TRANSFER}/")
    assert response.status_code == 200
    body = response.content.decode()
    text = text_of(body)
    # then it shows the item's fields (行政许可法 第三十条; the implementation-list fields)
    for value in [v.name, item.implementation_code, item.basic_code, v.implementing_body, v.get_item_type_display(),
                  v.get_handling_type_display(), v.service_objects, v.result_name, v.get_result_type_display(),
                  v.place, v.hours, v.consultation, v.complaint, ONLINE_DEPTH_LABELS[v.online_depth]]:
        assert value
        assert value in text, value
    for method in v.delivery_methods:
        assert DELIVERY_METHOD_LABELS[method] in text
    for optional in [v.statutory_note, v.promised_note, v.quantity_limit, v.visits_note]:
        assert optional in text
    assert " ".join(v.legal_basis.split()) in text
    for clause in [c for c in v.acceptance_conditions.replace("\n", "；").split("；") if c.strip()]:
        assert clause.strip(" 。") in text
    assert f"{v.statutory_limit} 工作日" in text
    assert f"{v.promised_limit} 工作日" in text
    for stage in v.stages.all():
        assert stage.name in text
    for material in v.materials.all():
        assert material.name in text
    fees = list(v.fees.all())
    assert fees
    for fee in fees:
        assert fee.name in text
        assert fee.standard in text
        assert " ".join(fee.basis.split()) in text
    for window in item.windows.all():
        assert window.name in text
    assert 'data-testid="no-fee"' not in body
    assert 'data-testid="max-visits"' in body
    assert 'data-testid="superseded"' not in body
    # one h1, and the blank form named without a link while its file is not there
    assert [t for t, _ in parse(body).tags].count("h1") == 1
    assert "不动产登记申请书.pdf" in text
    assert 'data-testid="blank-form"' not in body


def test_a_guide_without_fees_says_no_fee(loaded, client):
    body = client.get(f"/items/{MARRIAGE}/").content.decode()
    assert 'data-testid="no-fee"' in body
    assert 'data-testid="fees"' not in body


def test_a_joint_item_draws_its_parallel_stages_side_by_side(loaded, client):
    item = _item(JOINT_SITE)
    response = client.get(f"/items/{JOINT_SITE}/")
    page = response.context["page"]
    # the four parallel reviews are one step of the chart, between acceptance and the decision
    shape = [len(step.stages) for step in page.steps]
    assert shape == [1, 4, 1, 1]
    parallel = page.steps[1]
    assert parallel.parallel
    assert {s.department_name for s in parallel.stages} == {
        "云溪县国土局", "云溪县住建局", "云溪县环保局", "云溪县林业局"}
    assert all(s.role_label == "后台审核人员" for s in parallel.stages)
    stages = list(item.current_version.stages.all())
    assert page.critical_workdays == sum(s.budget_workdays for s in stages if s.parallel_group is None) + max(
        s.budget_workdays for s in stages if s.parallel_group is not None)
    body = response.content.decode()
    assert body.count('class="flow-step parallel" data-parallel-group="1"') == 1
    assert body.count('<li class="flow-stage">') == 4  # the group's stages, as list items side by side
    assert body.count('<div class="flow-stage">') == 3


def test_an_old_version_is_readable_and_says_it_is_superseded(loaded, client):
    # given a second version of an item
    item = _item(MARRIAGE)
    admin = Staff.objects.get(user__username="admin")
    draft = item_draft_version(item_id=item.pk, actor=admin, changes={"hours": "工作日 8:30-17:30"},
                               change_note="调整办理时间")
    review_and_publish(draft, reviewer=Staff.objects.get(user__username="fazhi"), publisher=admin)
    # when version 1 is opened, it shows its own content, marked as superseded, with a link on
    old = client.get(f"/items/{MARRIAGE}/v1/")
    assert old.status_code == 200
    body = old.content.decode()
    assert 'data-testid="superseded"' in body
    assert f'href="/items/{MARRIAGE}/" data-testid="current-link"' in body
    assert "上午9:00-12:00" in body
    assert "8:30-17:30" not in body
    assert f'<link rel="canonical" href="/items/{MARRIAGE}/">' in body
    # and the current guide is version 2, not superseded, listing both versions
    current = client.get(f"/items/{MARRIAGE}/").content.decode()
    assert 'data-testid="superseded"' not in current
    assert "8:30-17:30" in current
    assert f'href="/items/{MARRIAGE}/v1/"' in current
    assert "调整办理时间" in current
    # naming the current version's number shows the current guide
    assert 'data-testid="superseded"' not in client.get(f"/items/{MARRIAGE}/v2/").content.decode()


def test_an_unknown_item_or_version_is_a_404_page_in_chinese(loaded, client):
    for path in ["/items/NO-SUCH-ITEM/", f"/items/{MARRIAGE}/v9/", "/bundles/NO-SUCH/"]:
        response = client.get(path)
        assert response.status_code == 404, path
        body = response.content.decode()
        assert '<html lang="zh-hans">' in body
        assert "未找到" in text_of(body) or "没有第9版" in text_of(body)
        assert [t for t, _ in parse(body).tags].count("h1") == 1


def test_a_withdrawn_item_has_no_guide(loaded, client):
    ServiceItem.objects.filter(implementation_code=MARRIAGE).update(is_active=False)
    assert client.get(f"/items/{MARRIAGE}/").status_code == 404


# --- blank forms ---------------------------------------------------------------------------


@pytest.fixture
def files_dir(settings, tmp_path) -> Path:
    folder = tmp_path / "catalog-files"
    folder.mkdir()
    settings.ONEWINDOW = {**settings.ONEWINDOW, "CATALOG_FILES_DIR": str(folder)}
    return folder


def test_a_blank_form_that_exists_is_linked_and_downloads(loaded, client, files_dir):
    (files_dir / "申请结婚登记声明书.pdf").write_bytes(b"%PDF-1.4 demo")
    body = client.get(f"/items/{MARRIAGE}/").content.decode()
    order = Material.objects.get(version__item__implementation_code=MARRIAGE, name="申请结婚登记声明书").order
    link = f"/items/{MARRIAGE}/v1/files/{order}/form/"
    assert f'href="{link}"' in body
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 demo"
    # a material without a file, or a sample that is not there, is no download
    assert client.get(f"/items/{MARRIAGE}/v1/files/1/form/").status_code == 404
    assert client.get(f"/items/{MARRIAGE}/v1/files/{order}/sample/").status_code == 404
    assert client.get(f"/items/{MARRIAGE}/v1/files/{order}/other/").status_code == 404


def test_a_file_name_never_leads_outside_the_folder(loaded, client, files_dir):
    (files_dir.parent / "secret.txt").write_text("no")
    Material.objects.filter(version__item__implementation_code=MARRIAGE, order=1).update(blank_form="../secret.txt")
    body = client.get(f"/items/{MARRIAGE}/").content.decode()
    assert "../secret.txt" in body
    assert f"/items/{MARRIAGE}/v1/files/1/form/" not in body
    assert client.get(f"/items/{MARRIAGE}/v1/files/1/form/").status_code == 404


# --- bundles -------------------------------------------------------------------------------


def test_the_bundle_guide_lists_its_items_and_one_merged_material_list(loaded, client):
    response = client.get(f"/bundles/{RESTAURANT}/")
    assert response.status_code == 200
    body = response.content.decode()
    text = text_of(body)
    page = response.context["page"]
    # its items, in order, with their situations
    assert [e.situation for e in page.entries][:2] == ["以个体工商户形式经营的", "以公司形式经营的"]
    for entry in page.entries:
        assert entry.version.name in text
        assert f'href="/items/{entry.item.implementation_code}/"' in body
    assert "我要开餐馆" in text
    assert "云溪县工商局" in text
    # the merged list: every material once, though several items ask for some of them
    names = [m.name for m in page.materials]
    assert len(names) == len(set(names))
    asked = sum(e.version.materials.count() for e in page.entries)
    assert len(names) < asked
    shared = next(m for m in page.materials if m.name == "营业执照")
    assert len(shared.items) == 3
    assert body.count('<th scope="row" class="material-name">营业执照</th>') == 1
    # the limits: the longest item when handled in parallel, and the sum
    promised = [e.version.promised_limit for e in page.entries]
    assert (page.limits.longest_workdays, page.limits.total_workdays) == (max(promised), sum(promised))


def test_a_bundle_reuses_the_catalog_deduplication(loaded):
    from onewindow.catalog.selectors import bundle_materials

    page = bundle_page(RESTAURANT)
    assert [m.name for m in page.materials] == [m.name for m in bundle_materials(page.bundle)]


def test_the_stylesheet_prints_without_navigation():
    css = Path("onewindow/core/static/core/site.css").read_text(encoding="utf-8")
    print_rules = css[css.index("@media print"):]
    assert "header.top" in print_rules
    assert "display:none" in print_rules


def test_the_pages_also_work_in_english(loaded, client):
    for path in [f"/items/{JOINT_SITE}/", f"/bundles/{RESTAURANT}/", "/search/?q=yyzz", "/items/NO-SUCH/"]:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code in (200, 404), path
        assert '<html lang="en">' in response.content.decode(), path
