"""The demo county's case load: about a hundred case histories relative to today, replayed like real ones.

``manage.py load_demo`` (and so ``make run``) calls :func:`load_demo_cases` after the organization
and the catalog. Every history is written relative to ``today`` on the county's working-day
calendar ("accepted 9 working days ago") and replayed with
:func:`onewindow.cases.importer.case_import` by the demo center administrator (``admin``), each
event at its own moment by the demo login that holds the posting and authorization for it. So
every permission, transition and clock rule runs on the demo as it runs on live work; a history
that breaks one is a bug in this file, and the whole load stops with nothing saved.

What a newcomer finds, as of the day of the load:

- fresh applications waiting for acceptance at the general window 01 (``clerk``) and at dedicated
  windows; one-time supplement notices outstanding; supplemented applications; refusals;
- instant items concluded on the spot; committed cases in review at every point of their
  promised limit: comfortably inside it, yellow (near it), red (past it), past the statutory
  limit; stages claimed by reviewers, cases waiting for the chief representative's decision,
  extension requests waiting for the chief, extensions granted; special procedures running and
  ended; joint items with parallel stages in several departments, one waiting on a co-handler with
  its extension request waiting for the county government head (``xianzhang``, 行政许可法
  第四十二条第二款), one extended by him; deemed acceptances;
- granted cases waiting for the certificate, certificates waiting for delivery, and concluded
  cases delivered at the window, by post and electronically, each with its signed certificate;
  a denial and withdrawals.

``clerk``, ``reviewer`` and ``chief`` (工商局) each find work in their inbox.

Idempotence: the demo regions get their case load once — while they hold no case at all. Any
case there (a demo case, or one a visitor made while trying the demo) means the load has run or
the county is in use, and a second ``load_demo`` changes nothing. Nothing new is stored to mark
demo cases: every case of a demo region is demo data (its region is ``is_demo``). To start over,
delete the database (``var/onewindow.sqlite3``) and run ``make run`` again.

Determinism: histories, applicants and times depend only on ``today`` (a seeded random per
history); case numbers follow from the empty county. Every moment lies between 09:00 and 17:00
Asia/Shanghai on a working day strictly before ``today``, so the services never see a future time.

The module has two halves: pure planning (dates, moments, fictional applicants, the stories and
the import records they become) and the load itself (reading the catalog facts, importing,
counting).
"""

from __future__ import annotations

import random
import time as clock_time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from django.db import transaction

from onewindow.cases.importer import ImportRejected, case_import
from onewindow.cases.models import Case
from onewindow.cases.states import OPEN, STATUS_LABELS, Status
from onewindow.cases.timing import clock_of
from onewindow.catalog.models import ServiceItem
from onewindow.core.identity import USCC_ALPHABET, id_number_check_char, uscc_check_char
from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.core.timesource import now as current_time
from onewindow.documents.models import Certificate
from onewindow.organization.models import Staff
from onewindow.workdays.selectors import snapshot_for

from .errors import DemoDataError

DEMO_COUNTY = "990121000000"
DEMO_TOWN = "990121100000"
SECOND_COUNTY = "990123000000"  # 青禾县: a small second county, so that isolation shows on demo data
IMPORTER = "admin"  # the demo center administrator replays every history of 云溪县 (CASE_IMPORT)
# A center administrator may import only into their own county: each county has its importer.
IMPORTERS = {DEMO_COUNTY[:6]: IMPORTER, SECOND_COUNTY[:6]: "qh.admin"}

# Office hours of the hall: every demo moment lies in [09:00, 17:00) Shanghai time.
OPENING = time(9, 0)
LAST_MINUTE = 8 * 60 - 10  # no event later than 16:50

# --- pure: dates and moments -------------------------------------------------------------------


class WorkdayCalendar(Protocol):
    """What the planning needs of :class:`onewindow.workdays.arithmetic.CalendarSnapshot`."""

    def add_workdays(self, start: date, n: int) -> date: ...

    def workdays_between(self, a: date, b: date) -> int: ...

    def is_workday(self, d: date) -> bool: ...


def workday_before(calendar: WorkdayCalendar, today: date, k: int) -> date:
    """The working day ``k`` working days before ``today`` (k ≥ 1), counted as the clock counts.

    That is the working day d < today with exactly k working days in (d, today] — so a case
    accepted on d has k working days behind it today, and ``promised − k`` left (DESIGN.md §4
    rule 2). On a working day this is the k-th working day before today; on a weekend or holiday
    the day after which k working days have passed (one working day before a Saturday is
    Thursday: Friday is the day that has passed). A few bisections, never a loop over days.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    span = 2 * k + 14
    while True:
        start = today - timedelta(days=span)
        counted = calendar.workdays_between(start, today)
        if counted > k:
            # The working days in (start, today] are the 1st … counted-th after start: keep k of them.
            return calendar.add_workdays(start, counted - k)
        span *= 2


def office_moment(day: date, minutes: int) -> datetime:
    """``minutes`` after 09:00 Shanghai time on ``day``, as an aware datetime in UTC.

    UTC because the case row's ``concluded_at`` is projected into the hash-chained event as text:
    a +08:00 moment read back from the database as UTC would no longer match it (reported to the
    cases app; see ``verify_case``).
    """
    if not 0 <= minutes <= LAST_MINUTE:
        raise ValueError(f"{minutes} minutes after 09:00 is outside office hours")
    local = datetime.combine(day, OPENING, tzinfo=SHANGHAI) + timedelta(minutes=minutes)
    return local.astimezone(UTC)


def timetable(days: Sequence[date], rng: random.Random) -> list[datetime]:
    """One office-hours moment per event, for events whose days are in order (not decreasing).

    The first event of a day falls between 09:00 and 11:30, each further one of the same day 10
    to 40 minutes after the one before, so the events of a history keep their order.
    """
    moments: list[datetime] = []
    previous: date | None = None
    minutes = 0
    for day in days:
        if previous is not None and day < previous:
            raise ValueError(f"events out of order: {day} after {previous}")
        minutes = rng.randrange(0, 150) if day != previous else minutes + rng.randrange(10, 40)
        moments.append(office_moment(day, minutes))
        previous = day
    return moments


# --- pure: fictional applicants ------------------------------------------------------------------

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN_MALE = ("建国", "志强", "国平", "晓峰", "文斌", "立新", "俊杰", "浩然", "明轩", "德明", "卫东", "海波",
               "永军", "振华", "子豪", "家乐", "宏伟", "春生", "学文", "世杰", "长青", "一鸣", "瑞峰", "宇航")
_GIVEN_FEMALE = ("秀英", "丽娟", "海燕", "春梅", "桂兰", "玉珍", "雅婷", "子涵", "欣怡", "雨桐", "淑芬", "红霞",
                 "晓雯", "美玲", "慧敏", "思琪", "梦瑶", "丽华", "彩云", "静怡", "佳琪", "晓燕", "翠萍", "婉清")
_BRANDS = ("青禾", "云峰", "溪源", "明远", "瑞丰", "和顺", "鼎盛", "嘉禾", "恒泰", "润泽", "兴农", "金穗", "翠谷",
           "永安", "康宁", "启航", "汇通", "宏达", "福临", "山海", "碧泉", "锦程", "长丰", "星辰", "百川", "德信")
# The demo county's code is the area part of every fictional ID number: 99 is no real province.
_AREA = DEMO_COUNTY[:6]
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def fictional_id_number(rng: random.Random, *, born: date, male: bool) -> str:
    """A resident ID number (GB 11643) of the demo county: area, birth date, sequence, check."""
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)  # odd for men, even for women
    first17 = f"{_AREA}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_number_check_char(first17)


def _org_code(rng: random.Random) -> str:
    """A 9-character organization code (GB 11714) with its own check character."""
    body = "".join(rng.choice(_ORG_CODE_ALPHABET[:10]) for _ in range(2)) + "".join(
        rng.choice(_ORG_CODE_ALPHABET) for _ in range(6))
    value = sum(_ORG_CODE_ALPHABET.index(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - value % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def fictional_credit_code(rng: random.Random, prefix: str) -> str:
    """A unified social credit code (GB 32100) registered in the demo county.

    ``prefix`` is the registering authority and kind: 91 a company, 92 an individual business,
    93 a farmers' cooperative, 51 a social organization, 52 a private non-enterprise unit.
    """
    first17 = f"{prefix}{_AREA}{_org_code(rng)}"
    assert all(c in USCC_ALPHABET for c in first17)
    return first17 + uscc_check_char(first17)


def fictional_mobile(rng: random.Random) -> str:
    """A mainland mobile number 1[3-9]xxxxxxxxx (the demo sends nothing: messages stay in the outbox)."""
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str


def fictional_person(rng: random.Random, *, today: date, youngest: int = 22, oldest: int = 70,
                     male: bool | None = None) -> Person:
    male = rng.random() < 0.5 if male is None else male
    age_days = rng.randrange(youngest * 366, oldest * 365)
    born = today - timedelta(days=age_days)
    name = rng.choice(_SURNAMES) + rng.choice(_GIVEN_MALE if male else _GIVEN_FEMALE)
    return Person(name, fictional_id_number(rng, born=born, male=male))


@dataclass(frozen=True)
class Party:
    """Who applies: a person, or an organization (``name`` may hold ``{brand}``) with a credit-code prefix."""

    org_name: str = ""
    code_prefix: str = "91"
    with_agent: bool = False
    elderly: bool = False  # e.g. the senior citizen's card: 60 or older

    def applicant(self, rng: random.Random, today: date) -> dict[str, str]:
        """The importer's ``applicant`` mapping (the fields of ``onewindow.cases.rules.Applicant``)."""
        phone = fictional_mobile(rng)
        if not self.org_name:
            who = fictional_person(rng, today=today, youngest=60 if self.elderly else 22,
                                   oldest=85 if self.elderly else 68)
            return {"kind": "person", "name": who.name, "id_type": "resident_id", "id_number": who.id_number,
                    "phone": phone}
        boss = fictional_person(rng, today=today, youngest=28, oldest=62)
        result = {"kind": "company", "name": self.org_name.format(brand=rng.choice(_BRANDS)), "id_type": "uscc",
                  "id_number": fictional_credit_code(rng, self.code_prefix), "phone": phone,
                  "legal_representative": boss.name}
        if self.with_agent:
            agent = fictional_person(rng, today=today, youngest=22, oldest=50)
            result |= {"agent_name": agent.name, "agent_id_number": agent.id_number}
        return result


PERSON = Party()


def org(name: str, prefix: str = "91", *, agent: bool = False) -> Party:
    return Party(org_name=name, code_prefix=prefix, with_agent=agent)


# --- pure: the catalog facts a story needs -------------------------------------------------------

CLERK, REVIEWER, CHIEF = "clerk", "reviewer", "chief_representative"
GOVERNMENT_HEAD = "xianzhang"  # the demo login of 云溪县人民政府负责人 (organization.yaml)


@dataclass(frozen=True)
class StageFacts:
    order: int
    name: str
    department: str
    role: str
    two_signatures: bool = False
    parallel_group: int | None = None


@dataclass(frozen=True)
class ItemFacts:
    """One demo item as its current version describes it."""

    code: str
    name: str
    region: str
    department: str
    windows: tuple[str, ...]
    handling: str
    statutory: int
    promised: int
    special_procedures: tuple[str, ...]
    delivery_methods: tuple[str, ...]
    materials: tuple[tuple[str, bool], ...]  # (name, required), in the guide's order
    stages: tuple[StageFacts, ...]
    is_joint: bool = False  # 联办件: the extension is the county government head's (第四十二条第二款)

    @property
    def review_stages(self) -> tuple[StageFacts, ...]:
        """The stages completed by an opinion (acceptance and decision are actions of their own)."""
        return tuple(s for s in self.stages if s.role not in (CLERK, CHIEF))

    def stage(self, which: int | str) -> StageFacts:
        """A review stage by its place among the review stages (1 …) or by its department code."""
        stages = self.review_stages
        if isinstance(which, int):
            if not 1 <= which <= len(stages):
                raise ValueError(f"{self.name} has no review stage {which}")
            return stages[which - 1]
        found = [s for s in stages if s.department == which]
        if len(found) != 1:
            raise ValueError(f"{self.name} has {len(found)} review stages of {which}")
        return found[0]

    def material(self, fragment: str) -> str:
        found = [name for name, _ in self.materials if fragment in name]
        if len(found) != 1:
            raise ValueError(f"{self.name}: {len(found)} materials match {fragment!r}")
        return found[0]


# The demo logins by department and role, as organization.yaml names them (``mzj.reviewer`` …).
_LOGIN_ROLE = {CLERK: "clerk", REVIEWER: "reviewer", CHIEF: "chief"}
_LOGIN_OVERRIDES = {
    ("GSJ", REVIEWER): "reviewer",  # the README's reviewer login works for 工商局
    ("GSJ", CHIEF): "chief",
    ("SHSW", CLERK): "town.clerk", ("JJFZ", CLERK): "town.clerk",
    # The township centre has no reviewers: its chief representative reviews and decides.
    ("SHSW", REVIEWER): "town.chief", ("JJFZ", REVIEWER): "town.chief",
    ("SHSW", CHIEF): "town.chief", ("JJFZ", CHIEF): "town.chief",
}
# Who receives at a window that serves several departments.
_WINDOW_CLERKS = {(DEMO_COUNTY, "01"): "clerk", (DEMO_COUNTY, "18"): "lb.clerk", (DEMO_TOWN, "01"): "town.clerk",
                  (SECOND_COUNTY, "01"): "qh.clerk", (SECOND_COUNTY, "02"): "qh.clerk"}


# 青禾县's few logins (its department codes repeat 云溪县's: logins are looked up by county first).
_SECOND_COUNTY_LOGINS = {
    ("GSJ", CLERK): "qh.clerk", ("MZJ", CLERK): "qh.clerk",
    ("GSJ", REVIEWER): "qh.reviewer", ("GSJ", CHIEF): "qh.chief",
    ("MZJ", REVIEWER): "qh.mzj.reviewer", ("MZJ", CHIEF): "qh.mzj.chief",
}


def login(department: str, role: str, region: str = DEMO_COUNTY) -> str:
    """The demo login posted to ``role`` in ``department`` (of the county of ``region``)."""
    if region[:6] == SECOND_COUNTY[:6]:
        return _SECOND_COUNTY_LOGINS[(department, role)]
    return _LOGIN_OVERRIDES.get((department, role), f"{department.lower()}.{_LOGIN_ROLE[role]}")


# --- pure: stories -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    ago: int  # working days before today (see workday_before)
    action: str  # a name of onewindow.cases.actions.ACTIONS, or "deemed_accepted"
    actor: str | None
    params: Mapping[str, Any] = field(default_factory=dict)


_OPINIONS = ("申请材料齐全，符合法定形式，经审查符合法定条件，同意。", "经审查，申请人符合条件，拟同意，请领导审定。",
             "材料真实有效，符合相关规定，建议准予。")
_SITE_OPINIONS = ("经现场核查，场所、设施与申请材料一致，符合要求。", "现场核查情况属实，符合条件。")


@dataclass
class Story:
    """One case history, written step by step in working days before today.

    The methods add the events of the importer's record with the demo login that may perform
    each (the department's clerk, reviewer or chief representative); ``by`` names another.
    Steps must be added in the order they happened.
    """

    key: str
    item: ItemFacts
    party: Party
    received: int
    window: str | None = None
    clerk: str = ""
    submitted_by: str = ""
    channel: str = "window"
    urgent: bool = False
    missing: tuple[str, ...] = ()
    steps: list[Step] = field(default_factory=list)
    claimed: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.window is None and self.channel != "proxy":
            self.window = self.item.windows[0]
        if not self.clerk:
            self.clerk = (_WINDOW_CLERKS.get((self.item.region, self.window or ""))
                          or login(self.item.department, CLERK, self.item.region))
        self.submitted_by = self.submitted_by or self.clerk
        for name in self.missing:
            if name not in dict(self.item.materials):
                raise ValueError(f"{self.key}: {name!r} is not a material of {self.item.name}")

    def _add(self, ago: int, action: str, actor: str | None, **params: Any) -> Story:
        if self.steps and ago > self.steps[-1].ago:
            raise ValueError(f"{self.key}: {action} {ago} working days ago is before the step before it")
        if ago > self.received:
            raise ValueError(f"{self.key}: {action} before the application was received")
        self.steps.append(Step(ago, action, actor, params))
        return self

    @property
    def _chief(self) -> str:
        return login(self.item.department, CHIEF, self.item.region)

    @property
    def _reviewer(self) -> str:
        return login(self.item.department, REVIEWER, self.item.region)

    # intake
    def accept(self, ago: int, *, by: str | None = None) -> Story:
        return self._add(ago, "accept", by or self.clerk, note="材料齐全，符合法定形式，予以受理。")

    def ask_supplement(self, ago: int, note: str = "请于收到本告知书后补齐上述材料。") -> Story:
        if not self.missing:
            raise ValueError(f"{self.key}: a supplement notice needs the missing materials")
        return self._add(ago, "request_supplement", self.clerk, materials=list(self.missing), note=note)

    def supplement(self, ago: int) -> Story:
        return self._add(ago, "supplement", self.clerk, materials=list(self.missing), at_window=True)

    def refuse(self, ago: int, reason: str, legal_basis: str, where_to_apply: str = "") -> Story:
        return self._add(ago, "refuse", self.clerk, reason=reason, legal_basis=legal_basis,
                         where_to_apply=where_to_apply)

    def on_the_spot(self, ago: int) -> Story:
        return self._add(ago, "conclude_instant", self.clerk, result="当场办结")

    def deemed(self, ago: int) -> Story:
        return self._add(ago, "deemed_accepted", None)

    # review
    def claim(self, ago: int, stage: int | str, *, by: str | None = None) -> Story:
        facts = self.item.stage(stage)
        who = by or login(facts.department, REVIEWER, self.item.region)
        self.claimed[facts.order] = who
        return self._add(ago, "claim", who, stage_order=facts.order)

    def sign(self, ago: int, stage: int | str, *, by: str | None = None) -> Story:
        """One opinion on a stage: completes it, or is its first signature if it needs two."""
        facts = self.item.stage(stage)
        who = by or self.claimed.get(facts.order) or login(facts.department, REVIEWER, self.item.region)
        if facts.two_signatures and facts.order in self.claimed:
            # A claimed two-signature stage cannot get its second signature (reported to the cases app).
            raise ValueError(f"{self.key}: do not claim the two-signature stage {facts.name}")
        opinions = _SITE_OPINIONS if "核查" in facts.name or "验收" in facts.name else _OPINIONS
        return self._add(ago, "complete_stage", who, stage_order=facts.order,
                         opinion=opinions[(len(self.steps) + facts.order) % len(opinions)])

    def review(self, ago: int, stage: int | str, *, second: int | None = None) -> Story:
        """Complete a stage: the department's reviewer, and for a verification stage the chief
        representative's second signature (行政许可法 第三十四条), ``second`` days ago (default: same day)."""
        facts = self.item.stage(stage)
        self.sign(ago, stage)
        if facts.two_signatures:
            self.sign(ago if second is None else second, stage, by=login(facts.department, CHIEF, self.item.region))
        return self

    def review_all(self, ago: int) -> Story:
        for stage in range(1, len(self.item.review_stages) + 1):
            self.review(ago, stage)
        return self

    def special(self, ago: int, reason: str, workdays: int, procedure: str | None = None) -> Story:
        kind = procedure or self.item.special_procedures[0]
        return self._add(ago, "start_special_procedure", self._reviewer, procedure=kind, reason=reason,
                         announced_workdays=workdays)

    def end_special(self, ago: int, result: str) -> Story:
        return self._add(ago, "end_special_procedure", self._reviewer, result=result)

    def ask_extension(self, ago: int, workdays: int, reason: str) -> Story:
        if self.item.is_joint:  # the lead department's chief asks the county government head
            return self._add(ago, "request_joint_extension", self._chief, workdays=workdays, reason=reason)
        return self._add(ago, "request_extension", self._reviewer, workdays=workdays, reason=reason)

    def extend(self, ago: int, workdays: int, reason: str) -> Story:
        if self.item.is_joint:  # 行政许可法 第四十二条第二款: 本级人民政府负责人
            return self._add(ago, "approve_joint_extension", GOVERNMENT_HEAD, workdays=workdays, reason=reason)
        return self._add(ago, "grant_extension", self._chief, workdays=workdays, reason=reason)

    # decision and result
    def grant(self, ago: int) -> Story:
        return self._add(ago, "decide", self._chief, grant=True, reasons="符合法定条件、标准，准予许可。")

    def deny(self, ago: int, reasons: str) -> Story:
        return self._add(ago, "decide", self._chief, grant=False, reasons=reasons)

    def certificate(self, ago: int) -> Story:
        return self._add(ago, "issue_certificate", self.clerk)

    def deliver(self, ago: int, method: str, tracking_number: str = "") -> Story:
        if method not in self.item.delivery_methods:
            raise ValueError(f"{self.key}: {self.item.name} is not delivered by {method}")
        note = {"window": "申请人本人到窗口领取", "post": "EMS邮寄送达", "electronic": "电子证照已推送至申请人账户"}[method]
        return self._add(ago, "deliver", self.clerk, method=method, tracking_number=tracking_number, note=note)

    def withdraw(self, ago: int, reason: str) -> Story:
        return self._add(ago, "withdraw", self.clerk, reason=reason)

    # the record
    def record(self, calendar: WorkdayCalendar, today: date) -> dict[str, Any]:
        """The importer's record of this history (JSON-ready: times as ISO 8601 strings)."""
        rng = random.Random(f"onewindow-demo:{today.isoformat()}:{self.key}")
        days = [workday_before(calendar, today, self.received)]
        days += [workday_before(calendar, today, step.ago) for step in self.steps]
        moments = [m.isoformat() for m in timetable(days, rng)]
        missing = set(self.missing)
        materials = [{"name": name, "state": "missing" if name in missing else
                      "received" if required or rng.random() < 0.5 else "not_applicable"}
                     for name, required in self.item.materials]
        events = []
        for step, at in zip(self.steps, moments[1:], strict=True):
            event: dict[str, Any] = {"action": step.action, "at": at, **step.params}
            if step.actor is not None:
                event["actor"] = step.actor
            events.append(event)
        return {
            "item_code": self.item.code, "applicant": self.party.applicant(rng, today), "materials": materials,
            "channel": self.channel, "window_number": self.window, "is_urgent": self.urgent,
            # 村代办: the villager signed the authorization on the township's e-signature pad.
            **({"authorization": {"kind": "esign", "reference": f"ES-{self.key}"}} if self.channel == "proxy" else {}),
            "submitted_at": moments[0], "submitted_by": self.submitted_by, "events": events,
        }

    def logins(self) -> set[str]:
        return {self.submitted_by, self.clerk} | {s.actor for s in self.steps if s.actor}


def _tracking(rng: random.Random) -> str:
    """An EMS-style tracking number (13 characters)."""
    return f"11{rng.randrange(10**11):011d}"


def demo_stories(item: Callable[..., ItemFacts]) -> list[Story]:
    """Every demo history. ``item(name)`` gives the facts of the demo item of that name in 云溪县,
    ``item(name, SECOND_COUNTY)`` in 青禾县.

    The numbers are working days before today. The promised (P) and statutory (S) limits are
    the catalog's; a case accepted k working days ago has P − k working days left: yellow when
    that is at most ceil(10 % × P) (at least 1) and not negative, red below zero, statutory
    breach once k > S (DESIGN.md §4 rule 9).
    """
    rng = random.Random("onewindow-demo-tracking")
    stories: list[Story] = []

    def story(key: str, name: str, party: Party = PERSON, **kwargs: Any) -> Story:
        s = Story(key, item(name), party, **kwargs)
        stories.append(s)
        return s

    # -- 1. fresh applications waiting for acceptance --------------------------------------------
    story("fresh-01", "社会团体成立登记", org("云溪县茶叶产业协会", "51"), received=1, window="01")
    story("fresh-02", "劳务派遣经营许可", org("云溪县{brand}人力资源有限公司", agent=True), received=2, window="01")
    story("fresh-03", "医师执业注册", received=1, window="01")
    story("fresh-04", "前期物业服务收费标准核定", org("云溪县{brand}物业服务有限公司"), received=3, window="01")
    story("fresh-05", "出版物零售业务经营许可", org("云溪县{brand}书店有限公司"), received=2, window="01")
    story("fresh-06", "结合民用建筑修建防空地下室审批", org("云溪县{brand}房地产开发有限公司", agent=True), received=1,
          window="01", urgent=True)
    story("fresh-07", "有限责任公司设立登记", received=1, window="02")
    story("fresh-08", "食品经营许可证核发", org("云溪县{brand}餐饮管理有限公司"), received=2, window="04", urgent=True)
    story("fresh-09", "不动产转移登记", received=1, window="05")
    story("fresh-10", "建筑工程施工许可证核发", org("云溪县{brand}建设工程有限公司", agent=True), received=3,
          window="06")
    story("fresh-11", "道路货物运输经营许可", org("云溪县{brand}物流有限公司"), received=2, window="11")
    # A village proxy agent (村代办员) files for a villager at the township centre.
    story("fresh-12", "临时救助审批（小额）", received=1, channel="proxy", submitted_by="agent")

    # -- 2. the one-time supplement notice (一次告知) ---------------------------------------------
    s = story("supplement-01", "民办非企业单位成立登记", org("云溪县{brand}养老服务中心", "52"), received=3,
              window="01")
    s.missing = (s.item.material("验资报告"),)
    s.ask_supplement(3)
    s = story("supplement-02", "个体工商户设立登记（营业执照）", received=2, window="01")  # 我要开餐馆, at the general window
    s.missing = (s.item.material("经营场所"),)
    s.ask_supplement(2)
    s = story("supplement-03", "公共场所卫生许可证核发", org("云溪县{brand}酒店有限公司"), received=4, window="01")
    s.missing = (s.item.material("检测或者评价报告"),)
    s.ask_supplement(3)
    s = story("supplement-04", "商品房预售许可", org("云溪县{brand}置业有限公司", agent=True), received=2,
              window="07")
    s.missing = (s.item.material("施工进度"),)
    s.ask_supplement(1)
    # supplemented: back in the acceptance queue, a new 5-day window from the supplement
    s = story("supplemented-01", "人力资源服务许可", org("云溪县{brand}人才服务有限公司"), received=6, window="01")
    s.missing = (s.item.material("场所"),)
    s.ask_supplement(6).supplement(2)
    s = story("supplemented-02", "食品经营许可证延续", org("云溪县{brand}食品有限公司"), received=4, window="04")
    s.missing = (s.item.material("食品经营许可证"),)
    s.ask_supplement(4).supplement(1)
    s = story("supplemented-03", "烟花爆竹经营（零售）许可", org("云溪县{brand}百货商行", "92"), received=9, window="14")
    s.missing = (s.item.material("安全"),)
    s.ask_supplement(9).supplement(7).accept(7).review(4, 1)

    # -- 3. refused (不予受理), with reasons, legal basis and where to apply instead -------------
    story("refused-01", "采矿许可证新立登记（县级发证矿种）", org("云溪县{brand}矿业有限公司"), received=5).refuse(
        5, "申请开采的矿种（萤石）不属于县级自然资源主管部门的登记发证权限",
        "《中华人民共和国行政许可法》第三十二条第一款第（二）项；《矿产资源开采登记管理办法》第三条",
        "演示市自然资源和规划局政务服务窗口")
    s = story("refused-02", "文艺表演团体设立审批", org("云溪县{brand}文化传媒有限公司"), received=12, window="01")
    s.missing = (s.item.material("演员"),)
    s.ask_supplement(12).refuse(
        6, "申请人书面表示无法提供演员的文艺表演能力证明，申请材料不符合法定形式",
        "《中华人民共和国行政许可法》第三十二条第一款第（四）项；《营业性演出管理条例》第六条")
    story("refused-03", "出租汽车驾驶员从业资格注册", received=4, window="11").refuse(
        4, "申请人尚未取得出租汽车驾驶员从业资格证，不符合注册条件",
        "《出租汽车驾驶员从业资格管理规定》第十七条", "先参加演示市道路运输管理机构组织的从业资格考试")

    # -- 4. instant items concluded on the spot (即办件) ------------------------------------------
    story("instant-01", "结婚登记", received=2, window="08").on_the_spot(2)
    story("instant-02", "结婚登记", received=7, window="08").on_the_spot(7)
    story("instant-03", "个体工商户设立登记（营业执照）", received=1, window="01").on_the_spot(1)
    story("instant-04", "个体工商户设立登记（营业执照）", received=4, window="02").on_the_spot(4)
    story("instant-05", "个体工商户设立登记（营业执照）", received=10, window="03", clerk="gsj.clerk2").on_the_spot(10)
    story("instant-06", "社会保障卡申领", received=3, window="01").on_the_spot(3)
    story("instant-07", "不动产登记资料查询", received=2, window="05").on_the_spot(2)
    story("instant-08", "道路运输证配发", org("云溪县{brand}运输有限公司"), received=5, window="11").on_the_spot(5)
    story("instant-09", "林木采伐许可证核发（农民自用材）", received=6, window="13").on_the_spot(6)
    story("instant-10", "老年人优待证办理", Party(elderly=True), received=3).on_the_spot(3)
    story("instant-11", "老年人优待证办理", Party(elderly=True), received=4, channel="proxy",
          submitted_by="agent").on_the_spot(4)

    # -- 5. in review, comfortably inside the promised limit --------------------------------------
    story("review-01", "社会团体成立登记", org("云溪县{brand}书画家协会", "51"), received=4, window="01").accept(
        3).claim(2, 1)
    story("review-02", "劳务派遣经营许可", org("云溪县{brand}企业管理有限公司"), received=2, window="09").accept(2)
    story("review-03", "医师执业注册", received=5, window="01").accept(4).review(1, 1)  # waiting for wsj.chief
    # 工商局: the reviewer's claimed stage, an open stage, the chief's decisions
    story("review-04", "广告发布登记", org("云溪县{brand}广告传媒有限公司"), received=1, window="02").accept(1).claim(
        1, 1)
    story("review-05", "广告发布登记", org("云溪县{brand}文化传播有限公司"), received=2, window="03",
          clerk="gsj.clerk2").accept(2)
    story("review-06", "合伙企业设立登记", org("云溪县{brand}咨询服务合伙企业（普通合伙）"), received=1,
          window="02").accept(1).claim(1, 1)
    story("review-07", "有限责任公司设立登记", received=1, window="02").accept(1)  # due today: yellow, chief decides
    story("review-08", "农民专业合作社设立登记", received=2, window="03", clerk="gsj.clerk2").accept(2)  # red
    story("review-09", "公司变更登记", org("云溪县{brand}商贸有限公司"), received=5, window="02").accept(5)  # breach
    story("review-10", "合伙企业设立登记", org("云溪县{brand}投资合伙企业（有限合伙）", agent=True), received=3,
          window="02").accept(3).review(2, 1)  # stage done, past the promise: the chief decides
    story("review-11", "不动产抵押权登记", org("云溪县{brand}农村商业银行股份有限公司"), received=2,
          window="05").accept(2).claim(1, 1)
    # the township: the chief representative reviews and decides
    story("review-12", "临时救助审批（小额）", received=2).accept(2).review(1, 1)

    # -- 6. yellow: at most ceil(10 % × P) working days left ---------------------------------------
    story("yellow-01", "社会团体成立登记", org("云溪县{brand}摄影家协会", "51"), received=20,
          window="01").accept(19).claim(15, 1)  # P 20: 1 left
    story("yellow-02", "最低生活保障审批", received=7, window="01").accept(6).review(2, 1)  # P 7: 1 left, chief decides
    story("yellow-03", "人力资源服务许可", org("云溪县{brand}职业介绍有限公司"), received=10, window="01").accept(9)
    s = story("yellow-04", "食品经营许可证核发", org("云溪县{brand}餐饮有限公司"), received=10, window="04")
    s.accept(9).review(6, 1).sign(3, 2)  # verification: first signature, waiting for the second
    story("yellow-05", "出版物零售业务经营许可", org("云溪县{brand}文具书店", "92"), received=11,
          window="15").accept(10)  # due today

    # -- 7. red: past the promised due date, inside the statutory limit ---------------------------
    story("red-01", "特困人员救助供养审批", received=18, window="01").accept(17).review(10, 1)  # P 15, S 20
    story("red-02", "价格争议调解", received=19, window="15").accept(18).claim(16, 1)  # P 15, S 20
    story("red-03", "不动产转移登记", received=9, window="05").accept(8).review(5, 1)  # P 5, S 30
    story("red-04", "特种设备使用登记", org("云溪县{brand}电梯工程有限公司"), received=6, window="14").accept(6)
    story("red-05", "林木采伐许可证核发（商品材）", org("云溪县{brand}林业开发有限公司"), received=9,
          window="13").deemed(3)  # 视为受理: no decision within 5 working days, the clock runs from receipt

    # -- 8. statutory breach: past the statutory due date ----------------------------------------
    story("breach-01", "最低生活保障审批", received=13, window="01").accept(12).claim(11, 1)  # S 10
    story("breach-02", "失业保险金申领", received=13, window="09").accept(13).review(9, 1)  # S 10: chief decides
    s = story("breach-03", "商品房预售许可", org("云溪县{brand}房地产开发有限公司"), received=15, window="07")
    s.accept(14).review(10, 1)  # S 10: the verification stage still open
    story("breach-04", "代理记账机构设立审批", org("云溪县{brand}财务咨询有限公司"), received=12,
          window="16").accept(11)
    story("breach-05", "涉案财物价格认定", received=8, window="15").deemed(2)  # S 7 from the receipt

    # -- 9. extensions (延期, 行政许可法 第四十二条) -------------------------------------------------
    story("extension-01", "合伙企业设立登记", org("云溪县{brand}农业发展合伙企业（普通合伙）"), received=2,
          window="03", clerk="gsj.clerk2").accept(2).claim(2, 1).ask_extension(
        1, 5, "合伙人出资中含以知识产权作价出资，需函询评估机构核实评估报告")  # waiting for chief
    story("extension-02", "建设项目环境影响报告表审批", org("云溪县{brand}新材料有限公司"), received=15,
          window="12").accept(14).claim(12, 1).ask_extension(
        1, 10, "项目涉及饮用水水源保护区边界，需征求县水利局意见")  # P 15: yellow, waiting for hbj.chief
    story("extension-03", "医疗机构设置审批（床位100张以下）", org("云溪县{brand}医院有限公司"), received=25,
          window="10").accept(24).ask_extension(20, 10, "设置规划布局需提请县卫生健康委员会主任办公会研究").extend(
        19, 10, "设置规划布局需提请县卫生健康委员会主任办公会研究，同意延长10个工作日")  # P 20 + 10: 6 left

    # -- 10. special procedures (特别程序, 行政许可法 第四十五条): the clocks stop -------------------
    story("special-01", "殡葬设施建设审批", org("云溪县{brand}公墓管理有限公司"), received=11,
          window="08").accept(10).review(6, 1).special(5, "选址涉及生态保护红线，需组织专家评审", 10)
    story("special-02", "建设项目环境影响报告书审批", org("云溪县{brand}化工有限公司"), received=21,
          window="12").accept(20).special(8, "项目环境影响较大，依法组织听证会听取公众意见", 20, "hearing")
    story("special-03", "出租汽车经营资格许可（经营权配置）", org("云溪县{brand}出租汽车有限公司"), received=9,
          window="11").accept(8).special(6, "新增出租汽车经营权通过公开招标方式配置", 15)
    story("special-04", "森林植物及其产品调运检疫证书核发", received=4, window="13").accept(3).special(
        2, "调运的苗木需进行产地检疫", 3)
    # ended: the clock runs again from the end date
    story("special-05", "工伤认定", received=36, window="09").accept(35).special(
        30, "需对受伤职工进行劳动能力及伤情鉴定", 15).end_special(12, "演示市劳动能力鉴定委员会已出具鉴定结论").review(5, 1)
    s = story("special-06", "公共场所卫生许可证核发", org("云溪县{brand}游泳馆有限公司"), received=16,
              window="10")
    s.accept(15).review(13, 1).special(12, "需对游泳池水质进行卫生检测", 5).end_special(
        6, "检测结果符合《游泳场所卫生规范》").review(5, 2).grant(3).certificate(2).deliver(1, "window")

    # -- 11. joint items (联办件): parallel stages in several departments --------------------------
    s = story("joint-01", "户外广告设施设置审批", org("云溪县{brand}广告有限公司"), received=6, window="18")
    s.accept(6).review(4, "ZJJ", second=3).sign(2, "GSJ", by="gsj.reviewer")  # the reviewer can countersign
    s = story("joint-02", "娱乐场所经营许可证核发", org("云溪县{brand}娱乐有限公司"), received=9, window="01")
    s.accept(8).review(5, "WGXJ").review(4, "HBJ", second=3)  # 卫生局 still open
    s.ask_extension(2, 10, "卫生部门需现场核查，报请县人民政府负责人批准延期")  # waits in xianzhang's inbox
    s = story("joint-03", "建设项目用地预审与选址意见书核发（并联审查）", org("云溪县{brand}新能源科技有限公司"),
              received=13, window="05")
    s.accept(12).review(9, "GTJ").review(8, "ZJJ").review(8, "HBJ").review(6, "LYJ")  # gtj.chief decides
    s = story("joint-04", "建设工程竣工联合验收", org("云溪县{brand}置业有限公司", agent=True), received=4,
              window="18")
    s.accept(4).sign(2, "ZJJ")
    s = story("joint-05", "乡村建设规划许可证核发", received=19, window="06")
    s.accept(18).review(14, "ZJJ").review(13, "GTJ").claim(12, "LYJ").ask_extension(
        4, 15, "宅基地涉及公益林地，需林业部门现场勘验").extend(3, 15, "涉及公益林地，同意延长15个工作日")
    s = story("joint-06", "燃气经营许可证核发", org("云溪县{brand}燃气有限公司"), received=21, window="06")
    s.accept(20).review(14, "ZJJ").review(12, "AJJ").review(10, "ZLJ").grant(8).certificate(7).deliver(5, "window")

    # -- 12. granted, waiting for the certificate (制证, 10 working days, 第四十四条) -------------------
    story("granted-01", "有限责任公司设立登记", received=3, window="02").accept(3).grant(2)
    story("granted-02", "社会团体变更登记", org("云溪县{brand}商会", "51"), received=10, window="01").accept(
        9).review(6, 1).grant(3)
    story("granted-03", "建筑工程施工许可证核发", org("云溪县{brand}建筑工程有限公司"), received=5,
          window="06").accept(4).review(3, 1).grant(2)

    # -- 13. certificate issued, waiting for delivery --------------------------------------------
    story("issued-01", "人民防空工程平时开发利用登记", org("云溪县{brand}停车管理有限公司"), received=7,
          window="01").accept(6).review(4, 1).grant(3).certificate(2)
    story("issued-02", "公司变更登记", org("云溪县{brand}科技有限公司"), received=4, window="02").accept(4).grant(
        3).certificate(2)
    story("issued-03", "食品经营许可证核发", org("云溪县{brand}餐饮店", "92"), received=15, window="04").accept(
        14).review(9, 1).review(6, 2).grant(3).certificate(1)

    # -- 14. concluded: delivered at the window, by post, electronically -------------------------
    story("done-01", "最低生活保障审批", received=21, window="01").accept(20).review(17, 1).grant(15).certificate(
        14).deliver(12, "window")
    story("done-02", "医师执业注册", received=26, window="01").accept(25).review(20, 1).grant(18).certificate(
        17).deliver(16, "post", _tracking(rng))
    story("done-03", "有限责任公司设立登记", received=12, window="02").accept(12).grant(11).certificate(11).deliver(
        11, "electronic")
    story("done-04", "不动产抵押权登记", org("云溪县{brand}农村商业银行股份有限公司"), received=9,
          window="05").accept(9).review(8, 1).grant(7).certificate(6).deliver(6, "window")
    story("done-05", "特种设备使用登记", org("云溪县{brand}机械制造有限公司"), received=30, window="14").accept(
        30).review(27, 1).grant(24).certificate(23).deliver(22, "post", _tracking(rng))  # decided late: red
    story("done-06", "代理记账机构设立审批", org("云溪县{brand}会计服务有限公司"), received=16,
          window="16").accept(15).review(12, 1).grant(11).certificate(10).deliver(9, "post", _tracking(rng))
    story("done-07", "煤矿企业主要负责人和安全生产管理人员安全生产知识和管理能力考核", received=14,
          window="17").accept(14).review(9, 1).grant(7).certificate(6).deliver(6, "window")
    story("done-08", "合伙企业设立登记", org("云溪县{brand}餐饮管理合伙企业（普通合伙）"), received=8,
          window="02").accept(8).review(7, 1).grant(7).certificate(6).deliver(5, "post", _tracking(rng))
    story("done-09", "道路货物运输经营许可", org("云溪县{brand}货运有限公司"), received=11, window="11").accept(
        11).review(8, 1).grant(7).certificate(7).deliver(6, "window")
    story("done-10", "临时救助审批（小额）", received=8).accept(8).review(7, 1).grant(6).certificate(
        6).deliver(5, "window")
    story("done-11", "劳务派遣经营许可", org("云溪县{brand}劳务服务有限公司"), received=22, window="01").accept(
        21).review(15, 1).grant(13).certificate(12).deliver(10, "post", _tracking(rng))

    # -- 15. a denial, withdrawals ------------------------------------------------------------------
    story("denied-01", "烟花爆竹经营（零售）许可", org("云溪县{brand}烟花爆竹零售店", "92"), received=16,
          window="14").accept(15).review(10, 1).review(9, 2).deny(
        8, "经现场核查，零售点与居民居住场所未有效隔离，不符合《烟花爆竹经营许可实施办法》第十七条规定的条件")
    story("withdrawn-01", "民办非企业单位成立登记", org("云溪县{brand}培训学校", "52"), received=9,
          window="01").accept(8).withdraw(3, "申请人书面申请撤回，拟调整举办者后重新申请")
    story("withdrawn-02", "药品经营许可证（零售）核发", org("云溪县{brand}大药房有限公司"), received=5,
          window="04").withdraw(4, "申请人决定变更经营场所，书面申请撤回")
    story("deemed-01", "建设项目环境影响报告表审批", org("云溪县{brand}包装材料有限公司"), received=7,
          window="12").deemed(1)  # P 15 from the receipt: plenty left

    # -- 青禾县: a small case load of its own, so that isolation between counties shows on the demo --
    def second(key: str, name: str, party: Party = PERSON, **kwargs: Any) -> Story:
        s = Story(f"qh-{key}", item(name, SECOND_COUNTY), party, **kwargs)
        stories.append(s)
        return s

    second("fresh-01", "临时救助审批", received=1, window="01")
    second("fresh-02", "食品经营许可证核发", org("青禾县{brand}餐饮有限公司"), received=2, window="02")
    second("instant-01", "个体工商户设立登记（营业执照）", received=3, window="01").on_the_spot(3)
    second("review-01", "临时救助审批", received=2, window="01").accept(2)
    second("review-02", "食品经营许可证核发", org("青禾县{brand}食品商行", "92"), received=3, window="02").accept(
        3).claim(2, 1)
    second("granted-01", "临时救助审批", received=6, window="01").accept(6).review_all(4).grant(3)
    second("red-01", "临时救助审批", received=8, window="01").accept(7)  # P 5: two working days past it
    second("red-02", "食品经营许可证核发", org("青禾县{brand}超市有限公司"), received=12, window="02").accept(12)  # P 10
    return stories


def demo_records(stories: Iterable[Story], calendar_of: Callable[[str], WorkdayCalendar],
                 today: date) -> list[tuple[str, dict[str, Any]]]:
    """``(key, record)`` of every story, on the calendar of each item's region."""
    return [(s.key, s.record(calendar_of(s.item.region), today)) for s in stories]


# --- the load --------------------------------------------------------------------------------------


_WARNING_LABELS = {"normal": "正常", "yellow": "黄牌", "red": "红牌", "statutory_breach": "超过法定期限"}


@dataclass
class DemoCaseReport:
    """What the demo regions hold after the case load (counted from the database)."""

    today: date
    histories: int  # the histories this module describes
    imported: int  # imported now (0 when the load was skipped)
    skipped: str = ""  # why nothing was imported, if nothing was
    seconds: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)
    by_warning: dict[str, int] = field(default_factory=dict)  # open cases, as of the load
    certificates: int = 0

    @property
    def cases(self) -> int:
        return sum(self.by_status.values())

    def summary(self) -> str:
        """One line in Chinese with the counts."""
        statuses = "、".join(f"{STATUS_LABELS[s]}{self.by_status[s]}件" for s in Status if s in self.by_status)
        warnings = "、".join(f"{label}{self.by_warning[level]}件" for level, label in _WARNING_LABELS.items()
                             if level in self.by_warning)
        head = (f"已存在演示办件，未重复载入（{self.skipped}）；" if self.skipped else
                f"导入{self.imported}件（{self.seconds:.1f}秒，以{self.today:%Y年%m月%d日}为今日）；")
        return f"{head}共{self.cases}件：{statuses}；在办件预警：{warnings or '无'}；证照{self.certificates}份"


def load_demo_cases(*, today: date | None = None) -> DemoCaseReport:
    """Give the demo county its case load relative to ``today`` (default: today in Shanghai).

    Runs once: when a demo region already holds a case, nothing is imported (see the module
    docstring) and the report says so. Every history goes through
    :func:`onewindow.cases.importer.case_import` in one transaction: a history the rules reject
    raises :class:`~onewindow.demo.errors.DemoDataError` naming it, and nothing is saved.
    """
    started = clock_time.monotonic()
    real_today = local_date()
    today = today or real_today
    if today > real_today:
        raise ValueError(f"the demo's today ({today}) is in the future: the services refuse future times")
    stories = demo_stories(_item_facts())
    report = DemoCaseReport(today=today, histories=len(stories), imported=0)
    needed = set().union(*(s.logins() for s in stories)) | set(IMPORTERS.values())
    present = set(Staff.objects.filter(user__username__in=needed, region__is_demo=True)
                  .values_list("user__username", flat=True))
    if Case.objects.filter(region__is_demo=True).exists():
        report.skipped = "演示区划中已有办件"
    elif needed - present:
        report.skipped = f"缺少演示账户：{'、'.join(sorted(needed - present))}"
    else:
        importers = {county: Staff.objects.get(user__username=name, region__is_demo=True)
                     for county, name in IMPORTERS.items()}
        county_of = {s.key: s.item.region[:6] for s in stories}
        records = demo_records(stories, snapshot_for, today)
        with transaction.atomic():
            for key, record in records:
                try:
                    case_import(actor=importers[county_of[key]], record=record)
                except ImportRejected as exc:
                    details = "；".join(f"第{p.index + 1}个事件 {p.code}：{p.message}" for p in exc.problems)
                    raise DemoDataError(f"cases: {key}", details) from None
        report.imported = len(records)
    report.seconds = clock_time.monotonic() - started
    _count(report)
    return report


def _item_facts() -> Callable[..., ItemFacts]:
    """The facts of the demo items by county and name, read once; an unknown or ambiguous name is a
    data error. Each county has its own catalog (the same item may be offered in both)."""
    items = (ServiceItem.objects.filter(region__is_demo=True, is_active=True, current_version__isnull=False)
             .select_related("region", "department", "current_version")
             .prefetch_related("windows", "current_version__materials", "current_version__stages"))
    by_name: dict[tuple[str, str], list[ItemFacts]] = {}
    for item in items:
        v = item.current_version
        facts = ItemFacts(
            code=item.implementation_code, name=v.name, region=item.region.code, department=item.department.code,
            windows=tuple(sorted(w.number for w in item.windows.all())), handling=v.handling_type,
            statutory=v.statutory_limit, promised=v.promised_limit,
            special_procedures=tuple(v.special_procedures or ()), delivery_methods=tuple(v.delivery_methods or ()),
            materials=tuple((m.name, m.required) for m in sorted(v.materials.all(), key=lambda m: m.order)),
            stages=tuple(StageFacts(s.order, s.name, s.department_code or item.department.code, s.role,
                                    s.requires_two_signatures, s.parallel_group)
                         for s in sorted(v.stages.all(), key=lambda s: s.order)),
            is_joint=v.is_joint,
        )
        by_name.setdefault((item.region.code[:6], v.name), []).append(facts)

    def item(name: str, county: str = DEMO_COUNTY) -> ItemFacts:
        found = by_name.get((county[:6], name), [])
        if len(found) != 1:
            raise DemoDataError(f"cases: {name}", f"演示事项目录中有{len(found)}个同名事项（应为1个）")
        return found[0]

    return item


def _count(report: DemoCaseReport) -> None:
    """Statuses of every demo case, warning levels of the open ones as of ``report.today``."""
    cases = list(Case.objects.filter(region__is_demo=True).select_related("region", "item_version"))
    report.by_status = dict(Counter(c.status for c in cases))
    as_of = current_time() if report.today == local_date() else datetime.combine(
        report.today, time(17, 0), tzinfo=SHANGHAI)
    report.by_warning = dict(Counter(str(clock_of(c, as_of).warning_level) for c in cases if c.status in OPEN))
    report.certificates = Certificate.objects.filter(case__region__is_demo=True).count()
