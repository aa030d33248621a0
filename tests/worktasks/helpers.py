"""The county of tests/cases with a second department (税务局) and the office people: the center
administrator, the supervisor, a reviewer of each unit, and the neighbouring county's admin."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from onewindow.organization.models import Department, Staff
from onewindow.organization.rules import Role
from onewindow.worktasks import services as s
from onewindow.worktasks.models import Plan, Task
from tests.cases.helpers import Hall, at, hall_staff

__all__ = ["People", "build_people", "at", "image", "pdf", "plan_with_task", "png_claiming"]


@dataclass
class People:
    hall: Hall
    tax: Department
    admin: Staff
    supervisor: Staff
    gsj_reviewer: Staff  # a reviewer of 工商局 (the first unit)
    tax_reviewer: Staff  # a reviewer of 税务局
    tax_chief: Staff  # the chief representative of 税务局
    gsj_chief: Staff
    other_admin: Staff  # 邻水县


def build_people(hall: Hall) -> People:
    tax = Department.objects.create(region=hall.county, code="SWJ", name="云溪县税务局")
    return People(
        hall=hall, tax=tax,
        admin=hall_staff("wt_admin", hall.county, None, Role.CENTER_ADMIN),
        supervisor=hall_staff("wt_supervisor", hall.county, None, Role.SUPERVISOR),
        gsj_reviewer=hall_staff("wt_gsj", hall.county, hall.dept, Role.REVIEWER),
        tax_reviewer=hall_staff("wt_tax", hall.county, tax, Role.REVIEWER),
        tax_chief=hall_staff("wt_tax_chief", hall.county, tax, Role.CHIEF_REPRESENTATIVE),
        gsj_chief=hall_staff("wt_gsj_chief", hall.county, hall.dept, Role.CHIEF_REPRESENTATIVE),
        other_admin=hall_staff("wt_other", hall.other_county, None, Role.CENTER_ADMIN))


def plan_with_task(p: People, *, due_workdays: int | None = 10, due_on: date | None = None,
                   starts_on: date = date(2026, 10, 12)) -> tuple[Plan, Task]:
    """The county's plan with one task led by 工商局, 工商局 and 税务局 responsible."""
    plan = s.plan_create(actor=p.admin, region_id=p.hall.county.pk, title="2026年效能提升计划", year=2026,
                         at=at(2026, 10, 12))
    task = s.task_create(
        actor=p.admin, plan_id=plan.pk, title="推行一窗受理", lead_id=p.hall.dept.pk,
        units=[s.UnitInput(p.hall.dept.pk, "张科长"), s.UnitInput(p.tax.pk, owner_id=p.tax_reviewer.pk)],
        starts_on=starts_on, due_workdays=due_workdays, due_on=due_on, deliverable="综合窗口全覆盖",
        standard="GB/T 36112", measures="整合窗口", milestones=[("方案印发", date(2026, 10, 13))],
        at=at(2026, 10, 12))
    return plan, task


def image(kind: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, kind)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1)))
            + chunk(b"IEND", b""))


def pdf(name: str = "报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf")
