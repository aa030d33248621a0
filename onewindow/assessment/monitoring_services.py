"""Every write of monitoring points and citizen supervisors: registration by the center
administrator (the access code shown once), and an observation filed with number and code, which
becomes a feedback work order through the feedback app's own service."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.core.sequences import next_value
from onewindow.core.timesource import now
from onewindow.documents.models import DocumentNumberSequence
from onewindow.organization.models import Department, Region, Staff, Window
from onewindow.organization.permissions import Action, require

from .models import Monitor, Observation
from .monitoring_rules import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CODE_RE,
    CONTENT_MAX,
    MONITOR_KIND_LABELS,
    NAME_MAX,
    NUMBER_MARK,
    OBSERVATION_KIND_LABELS,
    ORDER_KIND,
    Category,
    MonitorKind,
    ObservationKind,
    normalize_code,
)


@dataclass(frozen=True)
class Registered:
    """A new monitor and its access code (shown once: only its hash is kept)."""

    monitor: Monitor
    code: str


def _choice(enum: type, value: str, field: str, message: str):
    try:
        return enum(value)
    except ValueError:
        raise DomainError(f"{field}_invalid", message, field=field) from None


@transaction.atomic
def monitor_register(*, by: Staff, region: Region, kind: str, category: str, name: str, contact_name: str = "",
                     code: str | None = None, at: datetime | None = None) -> Registered:
    """Register a monitoring point (an enterprise or a village) or a citizen supervisor (a person),
    numbered JC-/JD- within the region, with a fresh access code (or the one given, 8–16 letters
    and digits), of which only the hash is kept."""
    require(by, Action.ASSESSMENT_RUN, region=region)
    kind = _choice(MonitorKind, kind, "kind", "请选择类型（效能监测点或特邀监督员）")
    category = _choice(Category, category, "category", "请选择主体（企业、村（社区）或个人）")
    if kind == MonitorKind.SUPERVISOR and category != Category.INDIVIDUAL:
        raise DomainError("category_invalid", "特邀监督员须为个人", field="category")
    if kind == MonitorKind.POINT and category == Category.INDIVIDUAL:
        raise DomainError("category_invalid", "效能监测点须为企业或村（社区）", field="category")
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise DomainError("name_invalid", f"名称须为 1 至 {NAME_MAX} 个字符", field="name")
    if len(contact_name.strip()) > 64:
        raise DomainError("contact_name_invalid", "联系人不能超过 64 个字符", field="contact_name")
    if code is None:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    code = normalize_code(code)
    if not CODE_RE.fullmatch(code):
        raise DomainError("code_invalid", "访问码须为 8 至 16 位字母或数字", field="code")
    seq = next_value(DocumentNumberSequence, {"scope": f"monitor:{region.code}:{kind.value}", "year": 0})
    monitor = Monitor.objects.create(
        region=region, kind=kind, category=category, number=f"{region.code[:6]}-{NUMBER_MARK[kind]}{seq:03d}",
        name=name, contact_name=contact_name.strip(), code_hash=make_password(code), registered_by=by,
        registered_at=at or now())
    return Registered(monitor, code)


@transaction.atomic
def monitor_deactivate(*, by: Staff, monitor_id: int) -> Monitor:
    """End a monitor's term: its code no longer files anything (what it filed stays)."""
    monitor = Monitor.objects.select_for_update().select_related("region").filter(pk=monitor_id).first()
    if monitor is None:
        raise DomainError("monitor_unknown", "监测点或监督员不存在", field="monitor")
    require(by, Action.ASSESSMENT_RUN, region=monitor.region)
    monitor.active = False
    monitor.save(update_fields=["active"])
    return monitor


@transaction.atomic
def observation_file(*, number: str, code: str, kind: str, content: str, department_id: int | None = None,
                     window_id: int | None = None, at: datetime | None = None) -> Observation:
    """A monitor files an observation (表扬、问题、建议) with its number and access code. It becomes a
    feedback work order (a problem as a complaint, a praise, a suggestion) received for the
    department named — answered, found true or not, and counted there as any other — and counts in
    the assessment through ``<kind>_monitor_problems`` / ``<kind>_monitor_praise``. A wrong
    number or code is the same 403, so neither can be guessed apart."""
    from onewindow.feedback.services import order_receive

    monitor = Monitor.objects.select_related("region").filter(number=number.strip().upper(), active=True).first()
    if monitor is None or not check_password(normalize_code(code), monitor.code_hash):
        raise PermissionDenied("编号或访问码不正确，或该监测点（监督员）已不在任期", code="monitor_code_invalid")
    kind = _choice(ObservationKind, kind, "kind", "请选择类别（表扬、问题或建议）")
    content = content.strip()
    if not content or len(content) > CONTENT_MAX:
        raise DomainError("content_invalid", f"内容须为 1 至 {CONTENT_MAX} 个字符", field="content")
    region = monitor.region
    department = window = None
    if department_id is not None:
        department = Department.objects.filter(pk=department_id, region=region).first()
        if department is None:
            raise DomainError("department_unknown", "所选部门不在本中心", field="department")
    if window_id is not None:
        window = Window.objects.filter(pk=window_id, region=region).first()
        if window is None:
            raise DomainError("window_unknown", "所选窗口不在本中心", field="window")
    moment = at or now()
    label = f"{MONITOR_KIND_LABELS[MonitorKind(monitor.kind)]}{monitor.name}"
    order = order_receive(region=region, kind=ORDER_KIND[kind], content=content, source="online",
                          handling="written", topic=f"{label}反映{OBSERVATION_KIND_LABELS[kind]}"[:100],
                          caller_name=monitor.name[:64], department_id=department.pk if department else None,
                          external_number=monitor.number, actor=None, actor_label=label[:64], at=moment)
    return Observation.objects.create(monitor=monitor, region=region, kind=kind, content=content,
                                      department=department, window=window, filed_at=moment, work_order=order)
