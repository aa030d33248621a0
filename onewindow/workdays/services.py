"""Writes of the calendars: publishing a year's national arrangement, regional overrides.

Every function is keyword-only, runs in one transaction and appends one :class:`CalendarChange`
with the next global number; after the commit the registered retimers recompute the open
clocks the change may move (:mod:`.retiming`).

``actor`` is the staff member doing it, or :data:`SYSTEM` for the command line and migrations.
``None`` is not the system: a request without a staff record is refused like any other stranger.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Max

from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.core.timesource import now
from onewindow.organization.models import Region, Staff
from onewindow.organization.permissions import Action, require

from .arithmetic import CalendarRangeError
from .models import Calendar, CalendarChange, CalendarDay, DayKind, PublishedYear
from .retiming import schedule_retiming
from .rules import FIRST_YEAR, LAST_YEAR, HolidayRange, MakeupDay, check_arrangement, expand
from .selectors import snapshot_for  # selectors import models only; imported late to keep the graph flat


@dataclass(frozen=True)
class SystemActor:
    """The system itself (a management command run by the operator, a migration): no permission check."""

    label: str = "系统"


SYSTEM = SystemActor()
Actor = Staff | SystemActor

ENTRY_LABELS = {"holidays": "放假区间", "makeup_workdays": "调休上班日", "year": "年度"}


def _actor_fields(actor: Actor) -> dict[str, object]:
    if isinstance(actor, SystemActor):
        return {"actor": None, "actor_label": actor.label}
    return {"actor": actor, "actor_label": actor.name}


def _authorize(actor: Actor | None, region: Region | None) -> None:
    """The system may; nobody (None) may not; a staff member needs calendar.publish in ``region``
    (their own region when None: any center administrator enters the national notice)."""
    if isinstance(actor, SystemActor):
        return
    if actor is None:
        raise PermissionDenied("请以工作人员身份登录后再维护工作日历", code="forbidden.calendar.publish")
    require(actor, Action.CALENDAR_PUBLISH, region=region or actor.region)


def _lock_and_next_number() -> int:
    """Serialize calendar changes and give the next global change number.

    Locking the national calendar row makes every change — national or regional — wait for the
    one before it, so numbers are handed out in commit order: a reader that has seen version N
    has seen every change numbered up to N.
    """
    national = Calendar.objects.select_for_update().filter(region__isnull=True).first()
    if national is None:
        national = Calendar.objects.create(region=None, name="全国工作日历")
        Calendar.objects.select_for_update().get(pk=national.pk)
    top = CalendarChange.objects.aggregate(top=Max("number"))["top"] or 0
    return int(top) + 1


def _day_dict(day: date, kind: str, name: str) -> dict[str, str]:
    return {"day": day.isoformat(), "kind": kind, "name": name}


def _as_holidays(items: Iterable[HolidayRange | Sequence[object]]) -> list[HolidayRange]:
    out = []
    for item in items:
        if isinstance(item, HolidayRange):
            out.append(item)
        else:
            start, end, name = item
            out.append(HolidayRange(start, end, str(name)))
    return out


def _as_makeup(items: Iterable[MakeupDay | Sequence[object]]) -> list[MakeupDay]:
    out = []
    for item in items:
        if isinstance(item, MakeupDay):
            out.append(item)
        else:
            day, name = item
            out.append(MakeupDay(day, str(name)))
    return out


def check_publication(*, year: int, holidays: Sequence[HolidayRange], makeup_workdays: Sequence[MakeupDay],
                      notice: str) -> None:
    """Raise the first problem of an arrangement as a :class:`DomainError` naming the entry."""
    if not (notice or "").strip():
        raise DomainError("calendar.notice_required", "请填写通知标题（例如：国务院办公厅关于2027年部分节假日安排的通知）",
                          field="notice")
    problems = check_arrangement(year, holidays, makeup_workdays)
    if problems:
        p = problems[0]
        where = "" if p.entry == "year" else f"第 {p.index + 1} 个{ENTRY_LABELS[p.entry]}："
        raise DomainError(p.code, where + p.message, field=p.entry)


@transaction.atomic
def calendar_publish_year(*, actor: Actor | None, year: int,
                          holidays: Iterable[HolidayRange | tuple[date, date, str]],
                          makeup_workdays: Iterable[MakeupDay | tuple[date, str]], notice: str,
                          replace: bool = False) -> CalendarChange | None:
    """Publish (or, with ``replace``, correct) the national arrangement of ``year``.

    Any center administrator may enter the State Council notice: the check is
    ``calendar.publish`` in the actor's own region. Refuses a year already published unless
    ``replace``, make-up days that are not weekends, days outside the year (a New Year holiday
    may start in the last two weeks of the December before), overlapping ranges, and days
    another year's publication already holds. Returns the change, or None when a replacement
    changes nothing.
    """
    _authorize(actor, None)
    holiday_list, makeup_list = _as_holidays(holidays), _as_makeup(makeup_workdays)
    notice = (notice or "").strip()[:255]
    check_publication(year=year, holidays=holiday_list, makeup_workdays=makeup_list, notice=notice)
    rows = expand(holiday_list, makeup_list)

    number = _lock_and_next_number()
    national = Calendar.objects.get(region__isnull=True)
    existing = PublishedYear.objects.filter(calendar=national, year=year).first()
    if existing is not None and not replace:
        raise Conflict("calendar.year_published",
                       f"{year} 年的节假日安排已于 {existing.published_at:%Y-%m-%d} 发布；如需更正，请选择“替换已发布的安排”",
                       field="year")
    old_rows = []
    if existing is not None:
        old_rows = sorted((d.day, d.kind, d.name) for d in existing.days.all())
        if old_rows == rows and existing.notice == notice:
            return None
    taken = (CalendarDay.objects.filter(calendar=national, day__in=[r[0] for r in rows])
             .exclude(published_year=existing).select_related("published_year").first()
             if rows else None)
    if taken is not None:
        owner = taken.published_year.year if taken.published_year else "?"
        raise DomainError("calendar.day_taken",
                          f"{taken.day.isoformat()} 已属于 {owner} 年的安排（{taken.name}），不能再列入 {year} 年",
                          field="holidays" if any(r[0] == taken.day and r[1] == "holiday" for r in rows)
                          else "makeup_workdays")

    who = _actor_fields(actor)
    if existing is None:
        published = PublishedYear.objects.create(
            calendar=national, year=year, notice=notice, published_at=now(),
            published_by=who["actor"], published_by_label=who["actor_label"])
    else:
        published = existing
        published.days.all().delete()
        published.notice, published.published_at = notice, now()
        published.published_by, published.published_by_label = who["actor"], who["actor_label"]
        published.save(update_fields=["notice", "published_at", "published_by", "published_by_label"])
    CalendarDay.objects.bulk_create([
        CalendarDay(calendar=national, day=day, kind=kind, name=name, published_year=published)
        for day, kind, name in rows
    ])
    old_set, new_set = set(old_rows), set(rows)
    change = CalendarChange.objects.create(
        number=number, calendar=national, region_code="", kind=CalendarChange.Kind.PUBLISH_YEAR, year=year,
        added=[_day_dict(*r) for r in sorted(new_set - old_set)],
        removed=[_day_dict(*r) for r in sorted(old_set - new_set)],
        note=("更正" if existing is not None else "发布") + f"：{notice}", **who)
    schedule_retiming(change)
    return change


def _region(region_code: str) -> Region:
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise NotFound(f"区划 {region_code} 不存在", code="region.not_found", field="region_code")
    return region


def _inherited_kind(region: Region, day: date) -> str:
    """How the calendars above ``region`` class ``day`` (workday, weekend, holiday, makeup_workday)."""
    parent_code = region.parent.code if region.parent_id else None
    try:
        return snapshot_for(parent_code).day_kind(day)
    except CalendarRangeError:
        return "workday" if day.weekday() < 5 else "weekend"


@transaction.atomic
def calendar_override_day(*, actor: Actor | None, region_code: str, day: date, kind: str,
                          name: str) -> CalendarChange | None:
    """Set a region's own holiday or extra working day on ``day`` (its subregions inherit it).

    Needs ``calendar.publish`` for that region. Refuses a day that would change nothing (a
    holiday on a day the calendar above already has off, an extra working day on a working
    day). Returns None when the region already has exactly this day.
    """
    region = _region(region_code)
    _authorize(actor, region)
    name = (name or "").strip()[:64]
    if kind not in DayKind.values:
        raise DomainError("calendar.kind_invalid", f"类型须为 holiday（放假）或 makeup_workday（调休上班）：{kind!r}",
                          field="kind")
    if not name:
        raise DomainError("calendar.name_required", "请填写名称，例如：三月三", field="name")
    if not isinstance(day, date) or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DomainError("calendar.day_invalid", f"日期须在 {FIRST_YEAR} 至 {LAST_YEAR} 年之间", field="day")
    inherited = _inherited_kind(region, day)
    working = inherited in ("workday", "makeup_workday")
    if kind == DayKind.HOLIDAY and not working:
        raise DomainError("calendar.override_no_effect",
                          f"{day.isoformat()} 在上级日历中已是休息日，无需设为放假", field="day")
    if kind == DayKind.MAKEUP_WORKDAY and working:
        raise DomainError("calendar.override_no_effect",
                          f"{day.isoformat()} 在上级日历中已是工作日，无需设为调休上班", field="day")

    number = _lock_and_next_number()
    calendar, _ = Calendar.objects.get_or_create(region=region, defaults={"name": f"{region.name}工作日历"})
    existing = CalendarDay.objects.filter(calendar=calendar, day=day).first()
    removed = []
    if existing is not None:
        if existing.kind == kind and existing.name == name:
            return None
        removed = [_day_dict(existing.day, existing.kind, existing.name)]
        existing.kind, existing.name = kind, name
        existing.save(update_fields=["kind", "name"])
    else:
        CalendarDay.objects.create(calendar=calendar, day=day, kind=kind, name=name)
    change = CalendarChange.objects.create(
        number=number, calendar=calendar, region_code=region.code, kind=CalendarChange.Kind.OVERRIDE_ADD,
        year=day.year, added=[_day_dict(day, kind, name)], removed=removed,
        note=f"{region.name}：{day.isoformat()} {name}", **_actor_fields(actor))
    schedule_retiming(change)
    return change


@transaction.atomic
def calendar_remove_override(*, actor: Actor | None, region_code: str, day: date) -> CalendarChange | None:
    """Remove a region's own day; the calendar above applies again. None when there was none."""
    region = _region(region_code)
    _authorize(actor, region)
    number = _lock_and_next_number()
    existing = CalendarDay.objects.filter(calendar__region=region, day=day).select_related("calendar").first()
    if existing is None:
        return None
    removed = [_day_dict(existing.day, existing.kind, existing.name)]
    calendar = existing.calendar
    existing.delete()
    change = CalendarChange.objects.create(
        number=number, calendar=calendar, region_code=region.code, kind=CalendarChange.Kind.OVERRIDE_REMOVE,
        year=day.year, added=[], removed=removed, note=f"{region.name}：撤销 {day.isoformat()} {removed[0]['name']}",
        **_actor_fields(actor))
    schedule_retiming(change)
    return change
