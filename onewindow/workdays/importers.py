"""Reading a holiday arrangement from a file: the plain text format and iCal. No Django, no I/O.

The text format (documented in docs/calendar.md), one statement a line, ``#`` starts a comment::

    year 2027
    notice 国务院办公厅关于2027年部分节假日安排的通知
    holiday 2027-01-01 元旦
    holiday 2027-02-06..2027-02-14 春节
    workday 2027-02-15 春节调休

iCal (.ics): every all-day VEVENT is one holiday range (DTEND exclusive, as RFC 5545 says) or, if
its SUMMARY contains 班 (上班, 补班), one or more make-up working days.

Both readers return the years they found with the line of every entry, and a list of problems
with line numbers; :func:`check_parsed` adds the rule problems of :mod:`.rules` on the same lines.
A caller saves nothing unless the problem list is empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .rules import LEAD_IN_DAYS, HolidayRange, MakeupDay, check_arrangement


@dataclass
class ParsedYear:
    """One year's arrangement read from a file, with the line of each entry."""

    year: int
    line: int
    notice: str = ""
    holidays: list[HolidayRange] = field(default_factory=list)
    holiday_lines: list[int] = field(default_factory=list)
    makeup_workdays: list[MakeupDay] = field(default_factory=list)
    makeup_lines: list[int] = field(default_factory=list)

    def default_notice(self) -> str:
        return self.notice or f"国务院办公厅关于{self.year}年部分节假日安排的通知"


@dataclass(frozen=True)
class ImportProblem:
    """A problem at ``line`` (1-based; 0 when it concerns the whole file)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"第 {self.line} 行：{self.message}" if self.line else self.message


@dataclass
class ParseResult:
    years: list[ParsedYear]
    problems: list[ImportProblem]


_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
KEYWORDS = {
    "year": "year", "年度": "year",
    "notice": "notice", "通知": "notice",
    "holiday": "holiday", "放假": "holiday",
    "workday": "workday", "上班": "workday", "调休": "workday",
}


def decode(data: bytes) -> tuple[str | None, list[ImportProblem]]:
    """Text from UTF-8 bytes (a BOM is allowed), or a problem naming the line that is not UTF-8."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [ImportProblem(line, "文件不是 UTF-8 编码，请另存为 UTF-8 后再导入")]


def _parse_date(text: str) -> date | None:
    m = _DATE.match(text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def parse_text(text: str) -> ParseResult:
    """Read the text format; see the module docstring."""
    years: list[ParsedYear] = []
    problems: list[ImportProblem] = []
    current: ParsedYear | None = None
    seen_years: dict[int, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        word, _, rest = line.partition(" ")
        keyword = KEYWORDS.get(word.lower())
        rest = rest.strip()
        if keyword is None:
            problems.append(ImportProblem(number, f"无法识别的语句“{word}”，应为 year、notice、holiday 或 workday"))
            continue
        if keyword == "year":
            if not re.fullmatch(r"\d{4}", rest):
                problems.append(ImportProblem(number, f"年度应为四位数字：“{rest}”"))
                current = None
                continue
            year = int(rest)
            if year in seen_years:
                problems.append(ImportProblem(number, f"{year} 年在第 {seen_years[year]} 行已出现过"))
                current = None
                continue
            seen_years[year] = number
            current = ParsedYear(year=year, line=number)
            years.append(current)
            continue
        if current is None:
            problems.append(ImportProblem(number, "请先用“year 年度”说明这些日期属于哪一年"))
            continue
        if keyword == "notice":
            if not rest:
                problems.append(ImportProblem(number, "notice 后应写通知标题"))
            current.notice = rest[:255]
            continue
        when, _, name = rest.partition(" ")
        name = name.strip()
        if not name:
            problems.append(ImportProblem(number, f"缺少名称，例如：{word} {when or '2027-02-06'} 春节"))
            continue
        if keyword == "holiday":
            start_text, sep, end_text = when.partition("..")
            start = _parse_date(start_text)
            end = _parse_date(end_text) if sep else start
            if start is None or end is None:
                problems.append(ImportProblem(
                    number, f"日期“{when}”无法识别，应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD"))
                continue
            current.holidays.append(HolidayRange(start, end, name))
            current.holiday_lines.append(number)
        else:
            day = _parse_date(when)
            if day is None:
                problems.append(ImportProblem(number, f"日期“{when}”无法识别，应为 YYYY-MM-DD"))
                continue
            current.makeup_workdays.append(MakeupDay(day, name))
            current.makeup_lines.append(number)
    if not years and not problems:
        problems.append(ImportProblem(0, "文件中没有任何年度安排（应以“year 2027”这样的一行开始）"))
    for parsed in years:
        if not parsed.holidays and not parsed.makeup_workdays:
            problems.append(ImportProblem(parsed.line, f"{parsed.year} 年没有任何放假或调休上班日"))
    return ParseResult(years, problems)


def parse_ics(data: bytes) -> ParseResult:
    """Read an iCal file: all-day VEVENTs, 班 in SUMMARY for make-up days, DTEND exclusive."""
    import icalendar  # only the importer needs it

    text, problems = decode(data)
    if text is None:
        return ParseResult([], problems)
    lines = text.splitlines()
    event_lines = [i for i, line in enumerate(lines, start=1) if line.strip().upper() == "BEGIN:VEVENT"]
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError as exc:
        return ParseResult([], [ImportProblem(_guess_line(lines, str(exc)), f"无法解析 iCal 文件：{exc}")])
    calname = str(calendar.get("X-WR-CALNAME", "")).strip()
    by_year: dict[int, ParsedYear] = {}

    def year_entry(year: int, line: int) -> ParsedYear:
        if year not in by_year:
            notice = f"{calname}（{year}年）" if calname else f"国务院办公厅关于{year}年部分节假日安排的通知（iCal 导入）"
            by_year[year] = ParsedYear(year=year, line=line, notice=notice[:255])
        return by_year[year]

    for k, event in enumerate(calendar.walk("VEVENT")):
        line = event_lines[k] if k < len(event_lines) else 0
        label = f"第 {k + 1} 个事件"
        if event.errors:
            prop, message = event.errors[0]
            problems.append(ImportProblem(_property_line(lines, line, prop), f"{label}的 {prop} 无法识别：{message}"))
            continue
        summary = str(event.get("SUMMARY", "")).strip()
        if not summary:
            problems.append(ImportProblem(line, f"{label}缺少 SUMMARY（名称）"))
            continue
        if "RRULE" in event:
            problems.append(ImportProblem(line, f"{label}“{summary}”是重复事件，不支持 RRULE，请逐年列出"))
            continue
        start_prop = event.get("DTSTART")
        if start_prop is None:
            problems.append(ImportProblem(line, f"{label}“{summary}”缺少 DTSTART"))
            continue
        start = start_prop.dt
        if isinstance(start, datetime) or not isinstance(start, date):
            problems.append(ImportProblem(_property_line(lines, line, "DTSTART"),
                                          f"{label}“{summary}”不是全天事件（DTSTART 应为 VALUE=DATE）"))
            continue
        end_prop = event.get("DTEND")
        if end_prop is not None:
            end_exclusive = end_prop.dt
            if isinstance(end_exclusive, datetime) or not isinstance(end_exclusive, date):
                problems.append(ImportProblem(_property_line(lines, line, "DTEND"),
                                              f"{label}“{summary}”的 DTEND 不是日期（应为 VALUE=DATE）"))
                continue
        elif event.get("DURATION") is not None:
            end_exclusive = start + event.get("DURATION").dt
        else:
            end_exclusive = start + timedelta(days=1)
        if end_exclusive <= start:
            problems.append(ImportProblem(line, f"{label}“{summary}”的结束日不晚于开始日（DTEND 不含当天）"))
            continue
        end = end_exclusive - timedelta(days=1)
        if "班" in summary:
            day = start
            while day <= end:
                entry = year_entry(_notice_year(day, day, summary), line)
                entry.makeup_workdays.append(MakeupDay(day, summary))
                entry.makeup_lines.append(line)
                day += timedelta(days=1)
        else:
            entry = year_entry(_notice_year(start, end, summary), line)
            entry.holidays.append(HolidayRange(start, end, summary))
            entry.holiday_lines.append(line)
    if not by_year and not problems:
        problems.append(ImportProblem(0, "iCal 文件中没有任何全天事件（VEVENT）"))
    return ParseResult([by_year[y] for y in sorted(by_year)], problems)


def _notice_year(start: date, end: date, summary: str) -> int:
    """The notice a day belongs to: a range reaching into January, or a late-December 元旦 day, is next year's."""
    if end.year > start.year:
        return end.year
    if start.month == 12 and start.day > 31 - LEAD_IN_DAYS and "元旦" in summary:
        return start.year + 1
    return start.year


def _property_line(lines: list[str], event_line: int, prop: str) -> int:
    """The line of ``prop`` inside the event that starts at ``event_line``, else the event's line."""
    if event_line <= 0:
        return 0
    for i in range(event_line, len(lines)):
        stripped = lines[i].strip().upper()
        if stripped == "END:VEVENT":
            break
        if stripped.startswith(prop.upper() + ":") or stripped.startswith(prop.upper() + ";"):
            return i + 1
    return event_line


def _guess_line(lines: list[str], message: str) -> int:
    """The first line whose text the parser quoted in its message, else 0."""
    for i, line in enumerate(lines, start=1):
        if line.strip() and repr(line.strip())[1:-1] in message:
            return i
    return 0


def check_parsed(result: ParseResult) -> list[ImportProblem]:
    """The reading problems plus every rule problem of each year, sorted by line."""
    problems = list(result.problems)
    for parsed in result.years:
        for p in check_arrangement(parsed.year, parsed.holidays, parsed.makeup_workdays):
            if p.entry == "holidays":
                line = parsed.holiday_lines[p.index]
            elif p.entry == "makeup_workdays":
                line = parsed.makeup_lines[p.index]
            else:
                line = parsed.line
            problems.append(ImportProblem(line, p.message))
    return sorted(problems, key=lambda p: p.line)


def parse_file(name: str, data: bytes) -> ParseResult:
    """Read ``data`` as iCal when the name ends in .ics (or the content says so), else as text."""
    if name.lower().endswith((".ics", ".ical", ".ifb")) or data.lstrip(b"\xef\xbb\xbf \r\n").startswith(b"BEGIN:VCALENDAR"):
        return parse_ics(data)
    text, problems = decode(data)
    if text is None:
        return ParseResult([], problems)
    return parse_text(text)


@dataclass(frozen=True)
class FormProblem:
    """A problem of the publish form: the field (year, notice, holidays, makeup_workdays) and line."""

    field: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"第 {self.line} 行：{self.message}" if self.line else self.message


def parse_form(year_text: str, notice: str, holidays_text: str, makeup_text: str) -> tuple[ParsedYear | None,
                                                                                          list[FormProblem]]:
    """The publish page's fields: holidays one a line (``2027-02-06..2027-02-14 春节`` or
    ``2027-01-01 元旦``), make-up days one a line (``2027-02-15 春节调休``); line numbers count
    within each box. Rule problems of :mod:`.rules` are included."""
    problems: list[FormProblem] = []
    year_text = (year_text or "").strip()
    if not re.fullmatch(r"\d{4}", year_text):
        return None, [FormProblem("year", 0, f"年度应为四位数字：“{year_text}”")]
    parsed = ParsedYear(year=int(year_text), line=0, notice=(notice or "").strip()[:255])
    if not parsed.notice:
        problems.append(FormProblem("notice", 0, "请填写通知标题"))
    for number, raw in enumerate((holidays_text or "").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        when, _, name = line.partition(" ")
        start_text, sep, end_text = when.partition("..")
        start = _parse_date(start_text)
        end = _parse_date(end_text) if sep else start
        if start is None or end is None:
            problems.append(FormProblem("holidays", number,
                                        f"日期“{when}”无法识别，应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD"))
        elif not name.strip():
            problems.append(FormProblem("holidays", number, f"缺少节日名称，例如：{when} 春节"))
        else:
            parsed.holidays.append(HolidayRange(start, end, name.strip()))
            parsed.holiday_lines.append(number)
    for number, raw in enumerate((makeup_text or "").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        when, _, name = line.partition(" ")
        day = _parse_date(when)
        if day is None:
            problems.append(FormProblem("makeup_workdays", number, f"日期“{when}”无法识别，应为 YYYY-MM-DD"))
        elif not name.strip():
            problems.append(FormProblem("makeup_workdays", number, f"缺少名称，例如：{when} 春节调休"))
        else:
            parsed.makeup_workdays.append(MakeupDay(day, name.strip()))
            parsed.makeup_lines.append(number)
    if not parsed.holidays and not problems:
        problems.append(FormProblem("holidays", 0, "请至少填写一个放假区间"))
    for p in check_arrangement(parsed.year, parsed.holidays, parsed.makeup_workdays):
        if p.entry == "holidays":
            problems.append(FormProblem("holidays", parsed.holiday_lines[p.index], p.message))
        elif p.entry == "makeup_workdays":
            problems.append(FormProblem("makeup_workdays", parsed.makeup_lines[p.index], p.message))
        else:
            problems.append(FormProblem("year", 0, p.message))
    return parsed, problems
