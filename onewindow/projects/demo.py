"""The demo county's two major projects (重点项目, seed 002: 绿色通道、全程代办):

- 光伏组件项目 (市重点) of the company of the demo's joint case joint-03 (建设项目用地预审与选址意见书核发),
  its approval plan of four items; the land pre-approval runs as that joint case, linked by 国土局's
  chief representative and so marked urgent on the green channel (重点项目绿色通道); one plan line
  is already past its planned date with no case yet (the sweep warns about it);
- 冷链物流园项目 (县重点), still being planned, no case yet.

Both were registered about two and a half months ago by the center administrator with the general
window's clerk as their 全程代办员; last month's self-check is filed for both (this month's is
running). Everything goes through the services as the demo logins, so permissions, transitions,
chains and deadline rows are the real ones. Idempotent: once the county has a project, nothing
more is loaded.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction

from onewindow.cases.models import Case
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Department, Region, Staff

from . import rules as r
from . import services as svc
from .models import Project

DEMO_COUNTY = "990121000000"
JOINT_ITEM = "建设项目用地预审与选址意见书核发"


def _staff(username: str) -> Staff | None:
    return Staff.objects.filter(user__username=username).first()


def load_demo(*, today: date | None = None) -> str:
    """Load the two projects once; one Chinese summary line."""
    county = Region.objects.filter(code=DEMO_COUNTY).first()
    admin, proxy = _staff("admin"), _staff("clerk")
    if county is None or admin is None or proxy is None:
        return "重点项目：演示县或其管理员、代办员不存在，未加载"
    if Project.objects.filter(region=county).exists():
        return "重点项目：演示项目已存在，未重复加载"
    now = current_time()
    today = local_date(now)
    created = now - timedelta(days=75)
    depts = {d.code: d for d in Department.objects.filter(region=county)}
    joint = (Case.objects.filter(region=county, item_version__name__startswith=JOINT_ITEM,
                                 applicant_kind="company").order_by("id").first())
    with transaction.atomic():
        linked = _solar(county, admin, proxy, depts, joint, today, created, now)
        _cold_chain(county, admin, proxy, depts, today, created, now)
    note = f"，用地预审办件 {linked} 已走绿色通道" if linked else ""
    return f"重点项目：2 个（云溪县，上月自查已填报）{note}"


def _day(today: date, days: int) -> date:
    return today + timedelta(days=days)


def _solar(county: Region, admin: Staff, proxy: Staff, depts: dict[str, Department], joint: Case | None,
           today: date, created: datetime, now: datetime) -> str:
    investor = joint.applicant_name if joint is not None else "云溪县光伏新能源科技有限公司"
    project = svc.project_create(
        actor=admin, region_id=county.pk, name="年产 2GW 高效光伏组件项目", investor=investor, investment="180000",
        level=r.Level.CITY, proxy_id=proxy.pk, starts_on=_day(today, 60), due_on=_day(today, 120), lines=[
            svc.LineInput("企业设立登记", depts["GSJ"].pk, _day(today, -20)),
            svc.LineInput("建设项目用地预审与选址意见书", depts["GTJ"].pk, _day(today, 15)),
            svc.LineInput("建设项目环境影响评价文件审批", depts["HBJ"].pk, _day(today, 45)),
            svc.LineInput("建筑工程施工许可证核发", depts["ZJJ"].pk, _day(today, 100))],
        note="投资 18 亿元，达产后年产值约 30 亿元；县政府确定的年度重点招商项目", at=created)
    svc.project_sync(project_id=project.pk, at=now)  # the months since registration: their self-checks
    linked = ""
    chief = _staff("gtj.chief")
    if joint is not None and chief is not None:
        line = project.lines.get(order=2)
        svc.line_link_case(actor=chief, project_id=project.pk, line_id=line.pk, case_number=joint.number, at=now)
        linked = joint.number
    _last_month_check(project, _staff("chief"), depts["GSJ"], now,
                      progress="企业已完成设立登记的材料准备；用地预审已联办受理，国土、住建、环保、林业并联审查中",
                      problems="企业设立登记晚于计划日期，原因是股东变更", next_steps="本月内完成设立登记，跟进环评文件编制")
    return linked


def _cold_chain(county: Region, admin: Staff, proxy: Staff, depts: dict[str, Department], today: date,
                created: datetime, now: datetime) -> None:
    project = svc.project_create(
        actor=admin, region_id=county.pk, name="农产品冷链物流园项目", investor="云溪县鲜达冷链物流有限公司",
        investment="36500", level=r.Level.COUNTY, proxy_id=proxy.pk, starts_on=_day(today, 90),
        due_on=_day(today, 150), lines=[
            svc.LineInput("建设项目用地预审与选址意见书", depts["GTJ"].pk, _day(today, 40)),
            svc.LineInput("建设工程规划许可证核发", depts["ZJJ"].pk, _day(today, 80)),
            svc.LineInput("建筑工程施工许可证核发", depts["ZJJ"].pk, _day(today, 140))],
        note="冷库 5 万吨，年周转农产品 20 万吨", at=created + timedelta(days=3))
    svc.project_sync(project_id=project.pk, at=now)
    _last_month_check(project, _staff("zjj.chief"), depts["ZJJ"], now,
                      progress="项目选址已初步确定，正在编制可行性研究报告", problems="无",
                      next_steps="下月报送用地预审申请，由代办员全程代办")


def _last_month_check(project: Project, chief: Staff | None, dept: Department, now: datetime, *, progress: str,
                      problems: str, next_steps: str) -> None:
    if chief is None:
        return
    month = r.previous_month(r.month_start(local_date(now)))
    svc.self_check_file(actor=chief, project_id=project.pk, month=month, department_id=dept.pk, progress=progress,
                        problems=problems, next_steps=next_steps, at=now)
