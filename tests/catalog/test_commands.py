"""``manage.py import_catalog`` and ``export_catalog``."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from onewindow.catalog.models import ServiceItem
from onewindow.catalog.yaml_io import read_yaml

from .helpers import SAMPLE, snapshot


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_without_initial_the_import_drafts_for_legal_review(catalog_org):
    out, _ = run("import_catalog", str(SAMPLE))
    assert "新增3个" in out
    assert "其中3个为草稿，待法制审核通过后发布" in out
    assert not ServiceItem.objects.filter(current_version__isnull=False).exists()
    again, _ = run("import_catalog", str(SAMPLE))
    assert "未变3个" in again  # the pending drafts already hold this content


def test_import_then_export_both_formats(catalog_org, tmp_path):
    out, _ = run("import_catalog", str(SAMPLE), "--initial")
    assert "新增3个" in out
    assert "草稿" not in out
    run("export_catalog", str(tmp_path / "all.xlsx"))
    run("export_catalog", str(tmp_path / "all.yml"), "--region", "990121000000")
    exported = read_yaml((tmp_path / "all.yml").read_text(encoding="utf-8")).data
    assert [i["name"] for i in exported["items"]] == ["结婚登记", "食品经营许可", "公共场所卫生许可"]
    out, _ = run("import_catalog", str(tmp_path / "all.xlsx"))
    assert "未变3个" in out


def test_a_dry_run_imports_nothing(catalog_org):
    out, _ = run("import_catalog", str(SAMPLE), "--dry-run")
    assert "试运行" in out
    assert ServiceItem.objects.count() == 0


def test_problems_are_printed_one_per_line_and_the_command_fails(catalog_org, sample_data, tmp_path):
    sample_data["items"][0]["item_type"] = "permit"
    sample_data["items"][1]["department"] = "GAJ"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(sample_data, allow_unicode=True), encoding="utf-8")
    err = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_catalog", str(path), stdout=StringIO(), stderr=err)

    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("items[0].item_type：“permit”不是可选值")
    assert lines[1] == "items[1].department：云溪县没有编码为“GAJ”的部门"
    assert "共2处问题" in str(caught.value)
    assert snapshot() == (0, 0, 0, 0, 0, 0)


def test_export_refuses_an_unknown_extension_and_a_bad_region(catalog_org, tmp_path):
    with pytest.raises(CommandError, match="不支持的文件类型"):
        run("export_catalog", str(tmp_path / "all.csv"))
    with pytest.raises(CommandError, match="12位"):
        run("export_catalog", str(tmp_path / "all.yaml"), "--region", "99")
