"""Writes of the center's published arrangements: its weekly opening hours, the leaders' duty
rota (领导轮流带班, holiday duty) and the leaders' reception days (接待日). Center administrators
only; one transaction each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time, timedelta

from django.db import transaction

from onewindow.core.errors import DomainError, NotFound
from onewindow.organization.models import Region, Staff
from onewindow.organization.permissions import Action, require

from . import rules, selectors
from .models import LeaderDuty, OpeningHours, ReceptionDay

Pair = tuple[time | None, time | None]
ROTA_MAX_DAYS = 366


def _center(region: Region) -> None:
    if not region.has_center:
        raise DomainError("hall.not_a_center", f"{region.name}未设政务服务中心", field="region")


def opening_hours_set(*, region: Region, week: Mapping[int, Sequence[Pair]], actor: Staff) -> list[OpeningHours]:
    """Publish the center's weekly hours: for each weekday 0–6 a (morning, afternoon) pair of
    (start, end); a weekday left empty is closed. Replaces what was published before."""
    require(actor, Action.ORGANIZATION_EDIT, region=region)
    _center(region)
    names = rules.WEEKDAY_NAMES
    for weekday, pairs in week.items():
        if not 0 <= weekday <= 6:
            raise DomainError("hall.opening_weekday", f"星期 {weekday} 无效（0 周一 … 6 周日）", field="weekday")
        if len(pairs) != 2:
            raise DomainError("hall.opening_sessions", "每天为上午、下午两个时段", field=f"day{weekday}")
        for index, message in rules.validate_sessions(pairs):
            half = ("morning", "afternoon")[index]
            raise DomainError("hall.opening_hours", f"{names[weekday]}{('上午', '下午')[index]}：{message}",
                              field=f"day{weekday}_{half}")
    if not any(s is not None for pairs in week.values() for pair in pairs for s in pair):
        raise DomainError("hall.opening_empty", "请至少填写一天的开放时间", field="day0_morning")
    with transaction.atomic():
        OpeningHours.objects.filter(region=region).delete()
        rows = [OpeningHours(region=region, weekday=weekday, morning_start=pairs[0][0], morning_end=pairs[0][1],
                             afternoon_start=pairs[1][0], afternoon_end=pairs[1][1])
                for weekday, pairs in sorted(week.items()) if any(s is not None for pair in pairs for s in pair)]
        return OpeningHours.objects.bulk_create(rows)


def _leader(region: Region, staff_id: int) -> Staff:
    leader = next((s for s in selectors.leader_candidates(region) if s.pk == staff_id), None)
    if leader is None:
        raise DomainError("hall.not_a_leader", "请选择本中心的领导（中心管理员、政府负责人或监察人员）", field="leader")
    return leader


def _duty_kind(region: Region, day: date) -> str:
    kind = selectors.opening_of(region, day).kind
    return LeaderDuty.Kind.LEAD if kind in ("workday", "makeup_workday") else LeaderDuty.Kind.HOLIDAY


def leader_duty_set(*, region: Region, day: date, leader_id: int, actor: Staff) -> LeaderDuty:
    """Put a leader on duty on ``day``: 带班 on a working day, 节假日值班 on a holiday or weekend
    (the calendar decides)."""
    require(actor, Action.ORGANIZATION_EDIT, region=region)
    _center(region)
    leader = _leader(region, leader_id)
    with transaction.atomic():
        duty, _ = LeaderDuty.objects.update_or_create(region=region, day=day, leader=leader,
                                                      defaults={"kind": _duty_kind(region, day), "set_by": actor})
    return duty


def leader_rota_fill(*, region: Region, first: date, last: date, leader_ids: Sequence[int], actor: Staff,
                     holidays: bool = False) -> int:
    """领导轮流带班: the leaders in turn, one per working day from ``first`` through ``last`` (and
    on the holidays and weekends too when ``holidays``: the holiday duty). Days that already have a
    leader keep theirs; the turn goes on from the next day. Returns the days filled."""
    require(actor, Action.ORGANIZATION_EDIT, region=region)
    _center(region)
    if last < first:
        raise DomainError("hall.rota_dates", "结束日期不能早于开始日期", field="last")
    if (last - first).days >= ROTA_MAX_DAYS:
        raise DomainError("hall.rota_dates", f"一次最多安排{ROTA_MAX_DAYS}天", field="last")
    leaders = [_leader(region, pk) for pk in dict.fromkeys(leader_ids)]
    if not leaders:
        raise DomainError("hall.rota_leaders", "请至少选择一位领导", field="leaders")
    filled = 0
    turn = 0
    with transaction.atomic():
        taken = set(LeaderDuty.objects.filter(region=region, day__range=(first, last)).values_list("day", flat=True))
        day = first
        while day <= last:
            kind = _duty_kind(region, day)
            if (kind == LeaderDuty.Kind.LEAD or holidays) and day not in taken:
                LeaderDuty.objects.create(region=region, day=day, leader=leaders[turn % len(leaders)], kind=kind,
                                          set_by=actor)
                turn += 1
                filled += 1
            day += timedelta(days=1)
    return filled


def leader_duty_remove(*, duty_id: int, actor: Staff) -> None:
    """Take a day off the rota."""
    duty = LeaderDuty.objects.select_related("region").filter(pk=duty_id).first()
    if duty is None:
        raise NotFound("带班安排不存在", code="hall.duty_not_found", field="duty")
    require(actor, Action.ORGANIZATION_EDIT, region=duty.region)
    duty.delete()


def reception_day_add(*, region: Region, day: date, start: time, end: time, leader_id: int, place: str,
                      topic: str = "", actor: Staff) -> ReceptionDay:
    """接待日: a leader receives the public at ``place`` on ``day`` from ``start`` to ``end``."""
    require(actor, Action.ORGANIZATION_EDIT, region=region)
    _center(region)
    leader = _leader(region, leader_id)
    if end <= start:
        raise DomainError("hall.reception_time", "结束时间须晚于开始时间", field="end")
    if not place.strip():
        raise DomainError("hall.reception_place", "请填写接待地点", field="place")
    return ReceptionDay.objects.create(region=region, day=day, start=start, end=end, leader=leader,
                                       place=place.strip()[:64], topic=topic.strip()[:120])


def reception_day_remove(*, reception_id: int, actor: Staff) -> None:
    """Withdraw a reception day."""
    row = ReceptionDay.objects.select_related("region").filter(pk=reception_id).first()
    if row is None:
        raise NotFound("接待日不存在", code="hall.reception_not_found", field="reception")
    require(actor, Action.ORGANIZATION_EDIT, region=row.region)
    row.delete()
