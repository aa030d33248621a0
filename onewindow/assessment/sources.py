"""The automatic fact sources of the assessment (issue 20, item 1): cases over the promised limit,
red warnings, supervision orders, efficiency warnings, substantiated complaints, bad ratings
rectified or not, fees off the schedule and inspection findings.

Each fact is read once as a :class:`Fact` — the day it happened (local, Asia/Shanghai), the
window, department, staff member and region it concerns, and its evidence (the record's number
and page) — and then counted to whichever kind of subject a scheme assesses: the window, the
staff member, the department, or the township center whose area the fact's region lies in. One
loader thus serves up to four registered sources (``window_overdue_cases``,
``department_overdue_cases`` …), and a fact that names no subject of a kind is simply not counted
for that kind.

Reads only: other apps' models and constants, never their services (layers import downward).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple
from urllib.parse import quote

from django.db.models import Count, QuerySet
from django.urls import reverse

from onewindow.core.timesource import SHANGHAI
from onewindow.organization.models import Region

from .facts import Evidence, FactSource, Occurrence, Period, register
from .rules import SubjectKind


class Fact(NamedTuple):
    """One thing that happened, with the units it concerns and where it can be seen. (A named
    tuple, as :class:`~.facts.Evidence`: a month's late cases are a hundred thousand facts.)"""

    day: date
    region_code: str
    evidence: Evidence
    window_id: int | None = None
    department_id: int | None = None
    staff_id: int | None = None


@dataclass(frozen=True)
class Tally:
    """``n`` facts sharing the same units: what a sample is counted from. The database groups the
    rows (one per window, department, staff member and region met), so a month of two million
    cases is a few thousand tallies, never two million Python objects."""

    region_code: str
    n: int
    window_id: int | None = None
    department_id: int | None = None
    staff_id: int | None = None


Loader = Callable[[Period, Region], list[Fact]]
TallyLoader = Callable[[Period, Region], list[Tally]]


def _bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's first and last local days as the moments [start, end)."""
    return (datetime.combine(period.first, time.min, tzinfo=SHANGHAI),
            datetime.combine(period.last + timedelta(days=1), time.min, tzinfo=SHANGHAI))


def _local(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def _townships(region: Region) -> list[tuple[int, str]]:
    """The township centers under ``region`` as (id, code prefix), longest prefix first."""
    rows = Region.objects.filter(parent=region, has_center=True).only("id", "code")
    return sorted(((t.id, t.prefix) for t in rows), key=lambda t: -len(t[1]))


def _keyer(kind: SubjectKind, region: Region) -> Callable[[Fact | Tally], int | None]:
    """How a fact (or a tally) finds its subject of ``kind`` (None: it concerns no subject of that kind)."""
    if kind == SubjectKind.WINDOW:
        return lambda f: f.window_id
    if kind == SubjectKind.STAFF:
        return lambda f: f.staff_id
    if kind == SubjectKind.DEPARTMENT:
        return lambda f: f.department_id
    townships = _townships(region)

    def township(f: Fact | Tally) -> int | None:
        return next((tid for tid, prefix in townships if f.region_code.startswith(prefix)), None)

    return township


def _group(facts: list[Fact], kind: SubjectKind, region: Region) -> list[Occurrence]:
    key = _keyer(kind, region)
    per_subject: dict[int, list[Fact]] = {}
    for fact in facts:
        subject_id = key(fact)
        if subject_id is not None:
            per_subject.setdefault(subject_id, []).append(fact)
    return [Occurrence(sid, len(found), tuple(f.evidence for f in sorted(found, key=lambda f: (f.day, f.evidence.label))))
            for sid, found in sorted(per_subject.items())]


def _count(tallies: list[Tally], kind: SubjectKind, region: Region) -> dict[int, int]:
    key = _keyer(kind, region)
    counts: dict[int, int] = {}
    for tally in tallies:
        subject_id = key(tally)
        if subject_id is not None:
            counts[subject_id] = counts.get(subject_id, 0) + tally.n
    return counts


BothLoader = Callable[[Period, Region], tuple[list[Fact], list[Tally]]]


def _register(fact: str, label: str, loader: Loader, kinds: tuple[SubjectKind, ...], *,
              sample: TallyLoader | None = None, sample_label: str = "", both: BothLoader | None = None) -> None:
    """Register ``<kind>_<fact>`` for each kind: the facts of ``loader`` counted to that kind (and,
    with ``both``, the facts and the sample from one read)."""
    for kind in kinds:
        def function(period: Period, region: Region, kind: SubjectKind = kind) -> list[Occurrence]:
            return _group(loader(period, region), kind, region)

        counter = together = None
        if sample is not None:
            def counter(period: Period, region: Region, kind: SubjectKind = kind) -> dict[int, int]:
                return _count(sample(period, region), kind, region)

        if both is not None:
            def together(period: Period, region: Region,
                         kind: SubjectKind = kind) -> tuple[list[Occurrence], dict[int, int]]:
                found, tallies = both(period, region)
                return _group(found, kind, region), _count(tallies, kind, region)

        register(FactSource(f"{kind.value}_{fact}", label, kind, function, sample=counter,
                            sample_label=sample_label, together=together))


# -- cases over the promised limit (cases; the kernel's promised Deadline row) -------------------------


_CASE_URL_MARK = "0CASE0"
_URL_SAFE = "!$&'()*+,;=/~:@"  # what Django's reverse leaves unquoted in a path argument


def _case_urls() -> Callable[[str], str]:
    """The case page's address for a number: reversed once, then filled in (a month's late cases
    are tens of thousands, and a reverse each costs more than reading them)."""
    template = reverse("workbench:case", args=[_CASE_URL_MARK])
    head, tail = template.split(_CASE_URL_MARK)

    def url(number: str) -> str:
        # Case numbers are letters, digits and hyphens: quoting them is the exception.
        plain = number.isascii() and number.replace("-", "").isalnum()
        return f"{head}{number if plain else quote(number, safe=_URL_SAFE)}{tail}"

    return url


def _regions_under(region: Region) -> dict[int, str]:
    """The region and every region in its area (its code prefix), id → code: the case queries
    filter on the ids, so they need no join on the regions (a province's month is millions of rows)."""
    return dict(Region.objects.filter(code__startswith=region.prefix).values_list("id", "code"))


def _late_rows(period: Period, regions: dict[int, str]) -> list[tuple[str, datetime, date, int | None, int | None, int]]:
    """(number, concluded_at, promised date, window, department, region id) of the cases concluded in
    the period after the promised date of their kernel Deadline row.

    On PostgreSQL one join of the cases and their deadline rows, the late ones kept by the server
    (a province's month: two million cases, a hundred thousand late; as set-based as the bare
    aggregate the benchmark compares it with). Elsewhere the same rows by the ORM (a semi-join and
    a subquery per late case)."""
    from django.db import connection
    from django.db.models import Exists, OuterRef, Subquery
    from django.db.models.functions import TruncDate

    from onewindow.cases.deadlines import SUBJECT as CASE
    from onewindow.cases.models import Case
    from onewindow.lifecycle.deadlines import Kind
    from onewindow.lifecycle.models import Deadline

    start, end = _bounds(period)
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT c.number, c.concluded_at, d.due_on, c.window_id, c.department_id, c.region_id "
                f"FROM {quote(Case._meta.db_table)} c JOIN {quote(Deadline._meta.db_table)} d "
                f"ON d.subject_type = %s AND d.subject_id = c.id AND d.kind = %s AND d.key = '' "
                f"WHERE c.region_id = ANY(%s) AND c.concluded_at >= %s AND c.concluded_at < %s "
                f"AND d.due_on < (c.concluded_at AT TIME ZONE %s)::date ORDER BY c.concluded_at, c.id",
                [CASE, Kind.PROMISED.value, list(regions), start, end, str(SHANGHAI)])
            return list(cursor.fetchall())
    promised = Deadline.objects.filter(subject_type=CASE, subject_id=OuterRef("id"), kind=Kind.PROMISED, key="")
    late = promised.filter(due_on__lt=OuterRef("concluded_day"))
    return list(Case.objects.filter(region_id__in=list(regions), concluded_at__gte=start, concluded_at__lt=end)
                .annotate(concluded_day=TruncDate("concluded_at", tzinfo=SHANGHAI)).filter(Exists(late))
                .annotate(promised_on=Subquery(promised.values("due_on")[:1]))
                .values_list("number", "concluded_at", "promised_on", "window_id", "department_id", "region_id")
                .order_by("concluded_at", "id"))


def _late_facts(region: Region, rows: list[tuple[str, date, date, int | None, int | None, str]]) -> list[Fact]:
    """(number, local day of conclusion, promised date, window, department, region code) of late
    cases as facts, their days late counted in the (scored) region's working-day calendar."""
    days = _LateDays(region)
    facts = []
    for number, day, promised_on, window_id, department_id, region_code in rows:
        _, tail = days.words(f"{day.isoformat()} {promised_on.isoformat()}")
        facts.append(Fact(day, region_code, Evidence(number + tail, days.url(number)), window_id, department_id))
    return facts


# The collecting aggregate of migration assessment.0009: array_agg without a combine function (before
# PostgreSQL 16) keeps the month's scan off the parallel workers.
COLLECT = "onewindow_collect"


def _concluded_scan(period: Period, region: Region) -> tuple[list[Fact], list[Tally]]:
    """The late cases and the sample (every case concluded in the period, per window, department
    and region) from one read. On PostgreSQL one aggregate over the join of the month's cases and
    their promised deadline rows — the same parallel scan as the bare aggregate the benchmark
    compares it with — the late ones collected per group as "number conclusion-day promised-day";
    elsewhere the two reads apart."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return _overdue_cases(period, region), _concluded_tally(period, region)
    from onewindow.cases.deadlines import SUBJECT as CASE
    from onewindow.cases.models import Case
    from onewindow.lifecycle.deadlines import Kind
    from onewindow.lifecycle.models import Deadline

    start, end = _bounds(period)
    regions = _regions_under(region)
    quote = connection.ops.quote_name
    local_day = "(c.concluded_at AT TIME ZONE %(tz)s)::date"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.window_id, c.department_id, c.region_id, count(*), "
            f"{COLLECT}(ARRAY[c.number || to_char({local_day}, ' YYYY-MM-DD') || to_char(d.due_on, ' YYYY-MM-DD')]) "
            f"FILTER (WHERE d.due_on < {local_day}) "
            f"FROM {quote(Case._meta.db_table)} c LEFT JOIN {quote(Deadline._meta.db_table)} d "
            f"ON d.subject_type = %(case)s AND d.subject_id = c.id AND d.kind = %(kind)s AND d.key = '' "
            f"WHERE c.region_id = ANY(%(regions)s) AND c.concluded_at >= %(start)s AND c.concluded_at < %(end)s "
            f"GROUP BY c.window_id, c.department_id, c.region_id",
            {"tz": str(SHANGHAI), "case": CASE, "kind": Kind.PROMISED.value, "regions": list(regions),
             "start": start, "end": end})
        groups = cursor.fetchall()
    tallies, late = [], []
    days = _LateDays(region)
    for window_id, department_id, region_id, n, found in groups:
        code = regions[region_id]
        tallies.append(Tally(code, n, window_id=window_id, department_id=department_id))
        for text in found or ():
            # " YYYY-MM-DD YYYY-MM-DD" closes every text: the number is what precedes it.
            day, tail = days.words(text[-21:])
            number = text[:-22]
            late.append(Fact(day, code, Evidence(number + tail, days.url(number)), window_id, department_id))
    return late, tallies


class _LateDays:
    """The words of a late case's evidence after its number, drawn once per (conclusion day,
    promised day) pair — a month's late cases share a few hundred — with the days late counted in
    the scored region's working-day calendar."""

    def __init__(self, region: Region) -> None:
        from onewindow.workdays.selectors import snapshot_for

        self.calendar = snapshot_for(region.code)
        self.url = _case_urls()
        self.seen: dict[str, tuple[date, str]] = {}

    def words(self, days: str) -> tuple[date, str]:
        """``days`` is "YYYY-MM-DD YYYY-MM-DD" (concluded, promised): the conclusion day and the words."""
        found = self.seen.get(days)
        if found is None:
            found = self.seen[days] = self._draw(date.fromisoformat(days[:10]), date.fromisoformat(days[11:]))
        return found

    def _draw(self, day: date, promised_on: date) -> tuple[date, str]:
        from onewindow.workdays.arithmetic import CalendarRangeError

        try:
            late_days = f"，超期 {self.calendar.workdays_between(promised_on, day)} 个工作日"
        except CalendarRangeError:
            late_days = ""
        return day, f" 承诺期限 {promised_on.isoformat()}，{day.isoformat()} 办结{late_days}"


def _overdue_cases(period: Period, region: Region) -> list[Fact]:
    """Cases concluded in the period (by the local day of conclusion) after the promised date of
    their kernel Deadline row, days late counted in the region's working-day calendar. The database
    keeps only the late ones: a month's on-time cases never reach Python."""
    regions = _regions_under(region)
    return _late_facts(region, [(number, _local(concluded_at), promised_on, window_id, department_id, regions[region_id])
                        for number, concluded_at, promised_on, window_id, department_id, region_id
                        in _late_rows(period, regions)])


def _tallies(qs: QuerySet[Any], regions: dict[int, str], *columns: str) -> list[Tally]:
    """``qs`` (rows of ``regions``, by id) grouped by region and ``columns`` (``window_id``,
    ``department_id``, ``staff_id``), counted by the database."""
    rows = qs.order_by().values("region_id", *columns).annotate(n=Count("id"))
    return [Tally(regions[row["region_id"]], row["n"], window_id=row.get("window_id"),
                  department_id=row.get("department_id"), staff_id=row.get("staff_id")) for row in rows]


def _concluded_tally(period: Period, region: Region) -> list[Tally]:
    """The sample of the late-case items: the cases concluded in the period, counted by the database
    per window, department and region."""
    from onewindow.cases.models import Case

    start, end = _bounds(period)
    regions = _regions_under(region)
    return _tallies(Case.objects.filter(region_id__in=list(regions), concluded_at__gte=start, concluded_at__lt=end),
                    regions, "window_id", "department_id")


# -- supervision: red warnings, orders (督办单), efficiency warnings (效能告诫) ---------------------------


def _red_warnings(period: Period, region: Region) -> list[Fact]:
    """Red warnings fired in the period, counted to the window, staff member and department they
    are held against."""
    from onewindow.supervision.models import Warning
    from onewindow.supervision.rules import RULES, Level

    start, end = _bounds(period)
    rows = (Warning.objects.filter(region__code__startswith=region.prefix, level=Level.RED, fired_at__gte=start,
                                   fired_at__lt=end)
            .values_list("id", "rule", "target_key", "fired_at", "window_id", "department_id", "staff_id",
                         "region__code").order_by("fired_at", "id"))
    return [Fact(_local(fired), code,
                 Evidence(f"{_local(fired):%Y-%m-%d} 红牌预警：{RULES[rule].name}（{target}）",
                          reverse("workbench:supervision:warning", args=[wid])),
                 window_id=window_id, department_id=department_id, staff_id=staff_id)
            for wid, rule, target, fired, window_id, department_id, staff_id, code in rows]


def _supervision_orders(period: Period, region: Region) -> list[Fact]:
    """督办单 issued in the period to a department."""
    from onewindow.supervision.models import SupervisionOrder

    start, end = _bounds(period)
    rows = (SupervisionOrder.objects.filter(region__code__startswith=region.prefix, issued_at__gte=start,
                                            issued_at__lt=end)
            .values_list("id", "number", "subject", "issued_at", "department_id", "region__code")
            .order_by("issued_at", "id"))
    return [Fact(_local(issued), code, Evidence(f"{number} {subject}",
                                                reverse("workbench:supervision:order", args=[oid])),
                 department_id=department_id)
            for oid, number, subject, issued, department_id, code in rows]


def _efficiency_warnings(period: Period, region: Region) -> list[Fact]:
    """效能告诫 issued in the period, counted to whom each names: the staff member and/or the
    department (a warning to a person is not also counted to their department)."""
    from onewindow.supervision.models import EfficiencyWarning

    start, end = _bounds(period)
    rows = (EfficiencyWarning.objects.filter(region__code__startswith=region.prefix, issued_at__gte=start,
                                             issued_at__lt=end)
            .values_list("number", "reason", "issued_at", "staff_id", "department_id", "region__code")
            .order_by("issued_at", "id"))
    base = reverse("workbench:supervision:efficiency")
    facts = []
    for number, reason, issued, staff_id, department_id, code in rows:
        day = _local(issued)
        facts.append(Fact(day, code, Evidence(f"{number} 效能告诫：{reason[:40]}", f"{base}?from={day}&to={day}"),
                          staff_id=staff_id, department_id=department_id))
    return facts


# -- feedback: substantiated complaints, bad ratings rectified or not --------------------------------------


def _substantiated_complaints(period: Period, region: Region) -> list[Fact]:
    """Complaint work orders answered in the period as substantiated (投诉属实): the answer is when
    the complaint is found true, so that is the day it counts."""
    from onewindow.feedback.models import WorkOrder
    from onewindow.feedback.rules import OrderKind

    start, end = _bounds(period)
    rows = (WorkOrder.objects.filter(region__code__startswith=region.prefix, kind=OrderKind.COMPLAINT,
                                     substantiated=True, answered_at__gte=start, answered_at__lt=end)
            .values_list("id", "number", "topic", "answered_at", "about_staff_id", "department_id", "region__code")
            .order_by("answered_at", "id"))
    return [Fact(_local(answered), code,
                 Evidence(f"{number} 投诉属实" + (f"：{topic}" if topic else ""),
                          reverse("workbench:feedback:order", args=[oid])),
                 staff_id=staff_id, department_id=department_id)
            for oid, number, topic, answered, staff_id, department_id, code in rows]


def _ratings(period: Period, region: Region, *, bad: bool) -> list[Fact]:
    """Citizens' bad ratings given in the period: ``bad`` True → rectified (closed as 已整改),
    False → not rectified (anything else but a rating confirmed invalid)."""
    from onewindow.feedback.rules import BAD_LEVELS, LEVEL_LABELS, Level, Outcome, RectState

    qs = _citizen_ratings(period, region)
    rows = (qs.filter(level__in=[int(v) for v in BAD_LEVELS])
            .values_list("rated_at", "level", "region__code", "window_id", "department_id", "staff_id",
                         "rectification__id", "rectification__number", "rectification__state",
                         "rectification__outcome")
            .order_by("rated_at", "id"))
    facts = []
    for at, level, code, window_id, department_id, staff_id, rect_id, rect_number, state, outcome in rows:
        rectified = state == RectState.CLOSED and outcome == Outcome.RECTIFIED
        if state == RectState.INVALID or rectified != bad:
            continue
        day = _local(at)
        status = "已整改" if rectified else "未整改"
        label = f"{day:%Y-%m-%d} 差评（{LEVEL_LABELS[Level(level)]}）" + (f" 整改单{rect_number} {status}"
                                                                          if rect_number else f" {status}")
        url = reverse("workbench:feedback:rectification", args=[rect_id]) if rect_id else ""
        facts.append(Fact(day, code, Evidence(label, url), window_id=window_id, department_id=department_id,
                          staff_id=staff_id))
    return facts


def _bad_ratings_rectified(period: Period, region: Region) -> list[Fact]:
    return _ratings(period, region, bad=True)


def _bad_ratings_unrectified(period: Period, region: Region) -> list[Fact]:
    return _ratings(period, region, bad=False)


def _citizen_ratings(period: Period, region: Region) -> QuerySet[Any]:
    """Citizens' ratings given in the period (a default rating is no citizen's words)."""
    from onewindow.feedback.models import Rating
    from onewindow.feedback.rules import Channel

    start, end = _bounds(period)
    return (Rating.objects.filter(region__code__startswith=region.prefix, rated_at__gte=start, rated_at__lt=end)
            .exclude(channel=Channel.DEFAULT))


def _ratings_tally(period: Period, region: Region) -> list[Tally]:
    """The sample of the bad-rating items: every citizen's rating given in the period, counted by
    the database per window, department, staff member and region."""
    return _tallies(_citizen_ratings(period, region), _regions_under(region), "window_id", "department_id",
                    "staff_id")


# -- fees off the schedule ----------------------------------------------------------------------------------


def _off_schedule_fees(period: Period, region: Region) -> list[Fact]:
    """Attempts to bill a fee not on the item's schedule (目录外收费), counted to the person who
    tried, the department, and the window that received the case."""
    from onewindow.fees.models import OffScheduleAttempt

    start, end = _bounds(period)
    rows = (OffScheduleAttempt.objects.filter(region__code__startswith=region.prefix, attempted_at__gte=start,
                                              attempted_at__lt=end)
            .values_list("attempted_at", "fee_name", "amount_fen", "case__number", "case__window_id", "actor_id",
                         "department_id", "region__code").order_by("attempted_at", "id"))
    facts = []
    for at, fee_name, amount_fen, case_number, window_id, actor_id, department_id, code in rows:
        day = _local(at)
        amount = f" {amount_fen / 100:.2f}元" if amount_fen is not None else ""
        label = f"{day:%Y-%m-%d} 目录外收费“{fee_name}”{amount}" + (f"（办件{case_number}）" if case_number else "")
        url = reverse("fees:case", args=[case_number]) if case_number else ""
        facts.append(Fact(day, code, Evidence(label, url), window_id=window_id, department_id=department_id,
                          staff_id=actor_id))
    return facts


# -- inspection findings (worktasks: inspections, mystery and experience visits) ------------------------------


def _inspection_findings(period: Period, region: Region) -> list[Fact]:
    """Each checklist item found wanting at a window, on the day of the visit."""
    from onewindow.worktasks.models import Finding
    from onewindow.worktasks.rules import CRITERIA, INSPECTION_KINDS

    rows = (Finding.objects.filter(inspection__region__code__startswith=region.prefix,
                                   inspection__planned_on__range=(period.first, period.last))
            .values_list("inspection_id", "inspection__kind", "inspection__title", "inspection__planned_on",
                         "inspection__region__code", "window_id", "criterion", "note")
            .order_by("inspection__planned_on", "id"))
    return [Fact(day, code, Evidence(f"{day:%Y-%m-%d} {INSPECTION_KINDS.get(kind, kind)}“{title}”：{CRITERIA.get(criterion, criterion)} {note[:40]}",
                                     reverse("workbench:worktasks:checklist", args=[iid])), window_id=window_id)
            for iid, kind, title, day, code, window_id, criterion, note in rows]


# -- accountability decisions (问责: accountability_services) --------------------------------------------------


def _accountability(period: Period, region: Region) -> list[Fact]:
    """问责 decided in the period (by the local day of the decision), counted to the person and
    their department; a withdrawn or undecided proposal counts nowhere."""
    from .accountability_rules import MEASURE_LABELS, AccState, Measure
    from .models import Accountability

    start, end = _bounds(period)
    rows = (Accountability.objects.filter(region__code__startswith=region.prefix, state=AccState.DECIDED,
                                          decided_at__gte=start, decided_at__lt=end)
            .values_list("id", "number", "measure", "decided_at", "staff_id", "department_id", "region__code")
            .order_by("decided_at", "id"))
    return [Fact(_local(decided), code,
                 Evidence(f"{number} {MEASURE_LABELS[Measure(measure)]}",
                          reverse("assessment:accountability", args=[rid])),
                 staff_id=staff_id, department_id=department_id)
            for rid, number, measure, decided, staff_id, department_id, code in rows]


# -- monitoring points and citizen supervisors (monitoring_services) -----------------------------------------


def _observations(period: Period, region: Region, kind: str) -> list[Fact]:
    """Observations of ``kind`` filed in the period by the region's monitoring points and citizen
    supervisors, counted to the window and department they name; linked to their work order."""
    from .models import Observation
    from .monitoring_rules import OBSERVATION_KIND_LABELS, ObservationKind

    start, end = _bounds(period)
    rows = (Observation.objects.filter(region__code__startswith=region.prefix, kind=kind, filed_at__gte=start,
                                       filed_at__lt=end)
            .values_list("filed_at", "monitor__number", "monitor__name", "work_order_id", "work_order__number",
                         "window_id", "department_id", "region__code").order_by("filed_at", "id"))
    label = OBSERVATION_KIND_LABELS[ObservationKind(kind)]
    return [Fact(_local(filed), code,
                 Evidence(f"{_local(filed):%Y-%m-%d} {name}（{number}）反映{label}，工单{order_number}",
                          reverse("workbench:feedback:order", args=[order_id])),
                 window_id=window_id, department_id=department_id)
            for filed, number, name, order_id, order_number, window_id, department_id, code in rows]


def _monitor_problems(period: Period, region: Region) -> list[Fact]:
    return _observations(period, region, "problem")


def _monitor_praise(period: Period, region: Region) -> list[Fact]:
    return _observations(period, region, "praise")


# -- shared deductions: a chief representative shares the windows' deductions (LEGAL-RULES §4) -----------


def _chief_shared_deductions(period: Period, region: Region) -> list[Occurrence]:
    """Per chief representative (首席代表) of a department a window serves: the window's deductions
    on the items its scheme marks ``shared_by_chief`` (not struck by an objection), read from the
    same period's window assessment, which must be scored first. ``weight`` is the points deducted,
    so the staff item's points are the share per deducted point (−0.5: half the deduction)."""
    from decimal import Decimal

    from onewindow.core.errors import DomainError
    from onewindow.organization.models import Posting, Window
    from onewindow.organization.rules import Role

    from .models import Assessment, LineItem

    assessment = Assessment.objects.filter(region=region, subject_kind=SubjectKind.WINDOW, first_day=period.first,
                                           last_day=period.last).first()
    if assessment is None:
        raise DomainError("shared_window_assessment_missing",
                          "首席代表连带扣分以同期窗口考核为依据，请先完成同期窗口考核计分", field="period")
    lines = (LineItem.objects.filter(score__assessment=assessment, item__shared_by_chief=True, struck=False,
                                     amount__lt=0).select_related("score", "item").order_by("score__subject_name", "id"))
    departments: dict[int, set[int]] = {}
    for window_id, department_id in Window.departments.through.objects.filter(
            window__region=region).values_list("window_id", "department_id"):
        departments.setdefault(window_id, set()).add(department_id)
    chiefs: dict[int, set[int]] = {}
    for department_id, staff_id in Posting.objects.filter(role=Role.CHIEF_REPRESENTATIVE, region=region,
                                                          department__isnull=False).values_list("department_id",
                                                                                                "staff_id"):
        chiefs.setdefault(department_id, set()).add(staff_id)
    url = reverse("assessment:detail", args=[assessment.pk])
    found: dict[int, list] = {}
    for line in lines:
        # A chief of two departments the window serves shares its deduction once.
        for staff_id in sorted(set().union(*(chiefs.get(d, set()) for d in departments.get(line.score.subject_id, ())))):
            found.setdefault(staff_id, []).append(line)
    return [Occurrence(staff_id, sum(line.count for line in shared),
                       tuple(Evidence(f"窗口{line.score.subject_name} {line.item.label} ×{line.count} {line.amount}",
                                      url) for line in shared),
                       weight=sum((-line.amount for line in shared), Decimal(0)))
            for staff_id, shared in sorted(found.items())]


W, S, D, T = SubjectKind.WINDOW, SubjectKind.STAFF, SubjectKind.DEPARTMENT, SubjectKind.TOWNSHIP


def register_all() -> None:
    """Register every source above (called once from the app's ``ready``)."""
    _register("overdue_cases", "超承诺时限办结（每件）", _overdue_cases, (W, D, T), sample=_concluded_tally,
              both=_concluded_scan,
              sample_label="办结件数")
    _register("red_warnings", "红牌预警（每次）", _red_warnings, (W, S, D, T))
    _register("supervision_orders", "督办单（每件）", _supervision_orders, (D, T))
    _register("efficiency_warnings", "效能告诫（每次）", _efficiency_warnings, (S, D, T))
    _register("substantiated_complaints", "投诉属实（每件）", _substantiated_complaints, (S, D, T))
    _register("bad_ratings_rectified", "差评已整改（每件）", _bad_ratings_rectified, (W, S, D, T),
              sample=_ratings_tally, sample_label="评价数")
    _register("bad_ratings_unrectified", "差评未整改（每件）", _bad_ratings_unrectified, (W, S, D, T),
              sample=_ratings_tally, sample_label="评价数")
    _register("off_schedule_fees", "目录外收费（每次）", _off_schedule_fees, (W, S, D, T))
    _register("inspection_findings", "督查发现问题（每项）", _inspection_findings, (W, T))
    _register("accountability", "问责（每次）", _accountability, (S, D, T))
    _register("monitor_problems", "监测点、监督员反映问题（每件）", _monitor_problems, (W, D, T))
    _register("monitor_praise", "监测点、监督员表扬（每件）", _monitor_praise, (W, D, T))
    register(FactSource("staff_chief_shared_deductions", "首席代表连带扣分（每扣 1 分）", S, _chief_shared_deductions))
