"""Seed the national calendar from the ``chinesecalendar`` package, once, for every year it covers.

DESIGN.md §7: chinesecalendar 1.11.0 knows 2004–2026 and raises for later years, so it is read
here and never on a request path; later years are published by administrators (staff page or
``manage.py import_holidays``).

A New Year arrangement may start in December of the year before (the 2019 notice gives
2018-12-30 … 2019-01-01 and a make-up Saturday 2018-12-29): such December days are filed under
the following year's publication, as the notice itself lists them.
"""

from collections import defaultdict

from django.db import migrations
from django.utils import timezone

# The official names used in the State Council notices.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _notice_year(day, english_name):
    if day.month == 12 and english_name == "New Year's Day":
        return day.year + 1
    return day.year


def _chinese(english_name):
    import chinese_calendar

    if english_name in HOLIDAY_NAMES:
        return HOLIDAY_NAMES[english_name]
    for holiday in chinese_calendar.Holiday:
        if holiday.value == english_name:
            return holiday.chinese
    return english_name


def seed(apps, schema_editor):
    import chinese_calendar

    Calendar = apps.get_model("workdays", "Calendar")
    PublishedYear = apps.get_model("workdays", "PublishedYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarChange = apps.get_model("workdays", "CalendarChange")

    national, _ = Calendar.objects.get_or_create(region=None, defaults={"name": "全国工作日历"})
    by_year = defaultdict(list)
    for day, english in chinese_calendar.holidays.items():
        by_year[_notice_year(day, english)].append((day, "holiday", _chinese(english)))
    for day, english in chinese_calendar.workdays.items():
        by_year[_notice_year(day, english)].append((day, "makeup_workday", _chinese(english) + "调休"))

    now = timezone.now()
    version = CalendarChange.objects.order_by("-number").values_list("number", flat=True).first() or 0
    version_of = chinese_calendar.__version__
    for year in sorted(by_year):
        if PublishedYear.objects.filter(calendar=national, year=year).exists():
            continue
        published = PublishedYear.objects.create(
            calendar=national, year=year, published_at=now, published_by=None,
            published_by_label="数据迁移",
            notice=f"国务院办公厅关于{year}年部分节假日安排的通知（据 chinesecalendar {version_of} 导入）",
        )
        days = sorted(by_year[year])
        CalendarDay.objects.bulk_create([
            CalendarDay(calendar=national, day=day, kind=kind, name=name, published_year=published)
            for day, kind, name in days
        ])
        version += 1
        CalendarChange.objects.create(
            number=version, calendar=national, region_code="", kind="seed", year=year,
            added=[{"day": day.isoformat(), "kind": kind, "name": name} for day, kind, name in days],
            removed=[], actor=None, actor_label="数据迁移",
            note=f"据 chinesecalendar {version_of} 导入 {year} 年安排",
        )


def unseed(apps, schema_editor):
    Calendar = apps.get_model("workdays", "Calendar")
    CalendarChange = apps.get_model("workdays", "CalendarChange")
    national = Calendar.objects.filter(region=None).first()
    if national is None:
        return
    CalendarChange.objects.filter(calendar=national, kind="seed").delete()
    national.days.all().delete()
    national.published_years.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("workdays", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
