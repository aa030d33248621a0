"""12345 import: CSV and Excel in the provincial columns, dispatched on arrival, a report per row,
nothing half-saved, nothing imported twice."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.feedback import importer
from onewindow.feedback.models import WorkOrder, WorkOrderEvent
from onewindow.feedback.subjects import ORDER_SUBJECT
from onewindow.lifecycle.models import Deadline
from onewindow.lifecycle.selectors import verify_all
from tests.cases.helpers import at

pytestmark = pytest.mark.django_db

HEADER = "工单编号,来电时间,来电人,联系电话,诉求内容,诉求类别,承办单位,办结时限"


def _csv(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


def test_a_csv_batch_is_imported_dispatched_and_reported_row_by_row(hall, people):
    data = _csv("12345-0001,2026-10-12 09:10,王五,13900000002,咨询食品经营许可材料,咨询,云溪县工商局,2026-10-16 18:00",
                "12345-0002,2026-13-40 09:10,赵六,,投诉窗口排队太久,投诉,云溪县工商局,2026-10-16",
                "12345-0003,2026-10-12 09:30,钱七,,建议增加自助机,建议,不存在局,2026-10-16",
                "12345-0001,2026-10-12 09:40,孙八,,重复工单号,咨询,GSJ,2026-10-16")
    rows = importer.read_table(data, "batch.csv")
    report = importer.hotline_import(region=hall.county, rows=rows, actor=people.admin, at=at(2026, 10, 12, 12))
    assert len(report.created) == 1
    assert [(p.row, p.field, p.code) for p in report.problems] == [
        (2, "received_at", "import.date_invalid"), (3, "department", "import.unit_unknown"),
        (4, "external_number", "import.duplicate")]
    order = WorkOrder.objects.get()
    assert (order.state, order.department_id, order.source) == ("dispatched", hall.dept.id, "hotline_import")
    assert order.answer_due.isoformat() == "2026-10-16"
    assert Deadline.objects.get(subject_type=ORDER_SUBJECT, subject_id=order.id).state == "open"
    assert list(WorkOrderEvent.objects.filter(order=order).values_list("kind", flat=True).order_by("seq")) == [
        "received", "dispatched"]
    assert next(verify_all(ORDER_SUBJECT, order.number)).ok


def test_the_same_file_twice_creates_nothing_twice(hall, people):
    rows = importer.read_table(_csv("12345-0009,2026-10-12 09:10,王五,,咨询,咨询,GSJ,2026-10-16"), "a.csv")
    importer.hotline_import(region=hall.county, rows=rows, actor=people.admin, at=at(2026, 10, 12, 12))
    again = importer.hotline_import(region=hall.county, rows=rows, actor=people.admin, at=at(2026, 10, 12, 12))
    assert again.created == []
    assert again.problems[0].code == "import.duplicate"
    assert WorkOrder.objects.count() == 1


def test_an_excel_file_reads_the_same_columns(hall, people):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["12345-0100", "2026-10-12 10:00", "周九", "", "表扬窗口服务", "表扬", "云溪县工商局", "2026-10-19 18:00"])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = importer.read_table(buffer.getvalue(), "batch.xlsx")
    report = importer.hotline_import(region=hall.county, rows=rows, actor=people.admin, at=at(2026, 10, 12, 12))
    assert report.problems == []
    assert WorkOrder.objects.get().kind == "praise"


def test_a_file_without_the_columns_is_refused(hall):
    with pytest.raises(DomainError) as exc:
        importer.read_table("编号,内容\n1,2\n".encode(), "x.csv")
    assert exc.value.code == "import.columns_missing"


def test_only_the_center_imports(hall, people):
    with pytest.raises(PermissionDenied):
        importer.hotline_import(region=hall.county, rows=[], actor=hall.clerk)
