"""The monthly roll-up of the statistics rows (issue 14): a region's indicators read from it equal
those counted from the rows themselves — on a generated set of rows, after rows move between
buckets and months, after a backfill, and against a rebuild from scratch."""

from __future__ import annotations

import io
import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Q

from onewindow.cases import services as cs
from onewindow.organization.models import Region
from onewindow.organization.rules import region_prefix
from onewindow.supervision import indicators as ind
from onewindow.supervision import rollup
from onewindow.supervision import selectors as sel
from onewindow.supervision import services as sv
from onewindow.supervision.case_checks import write_facts
from onewindow.supervision.models import CaseFact, FactRollup
from onewindow.supervision.selectors import Unit
from tests.cases.helpers import accepted_case, at, review_all, submit

pytestmark = pytest.mark.django_db

FIRST = date(2025, 11, 1)
PERIODS = [
    (date(2025, 1, 1), date(2026, 12, 31)),  # every month whole
    (date(2025, 11, 1), date(2025, 11, 30)),  # one whole month
    (date(2025, 11, 17), date(2026, 2, 9)),  # whole months with days either side
    (date(2025, 12, 3), date(2025, 12, 29)),  # no whole month: the rows only
    (date(2026, 1, 31), date(2026, 3, 1)),  # one whole month, one day either side
    (date(2026, 2, 14), date(2026, 2, 14)),
]


def _random_fact(rng: random.Random, case_id: int, regions: list[int], department: int) -> dict[str, Any]:
    accepted = FIRST + timedelta(days=rng.randint(0, 120))
    concluded = rng.random() < 0.8
    on_time = rng.choice([None, True, True, False]) if concluded else None
    return {"case_id": case_id, "region_id": rng.choice(regions), "department_id": department, "accepted_on": accepted,
            "concluded_on": accepted + timedelta(days=rng.randint(0, 40)) if concluded else None,
            "finished_on": None, "on_time": on_time, "early": (on_time and rng.random() < 0.5) if concluded else None,
            "is_instant": rng.random() < 0.2, "visits": rng.randint(0, 2),
            "workdays": rng.randint(0, 12) if concluded else None,
            "compression": rng.choice([0.5, 0.75, 1.0, 0.6, None]) if concluded else None}


def _write(facts: list[dict[str, Any]]) -> None:
    names = [f.attname for f in CaseFact._meta.concrete_fields]
    write_facts({name: [f.get(name) for f in facts] for name in names})


def _regions(hall) -> list[Region]:
    return [Region.objects.get(code="990000000000"), Region.objects.get(code="990100000000"), hall.county,
            hall.other_county, *Region.objects.filter(parent=hall.county)]


def _assert_rollup_equals_rows(hall) -> None:
    for region in _regions(hall):
        below = Region.objects.filter(code__startswith=region_prefix(region.code)).values("id")
        for first, last in PERIODS:
            raw = sel.fact_counts(Q(region_id__in=below), [(first, last)])
            assert sel.region_fact_counts(region, first, last) == raw, (region.code, first, last)
            # … and so the indicator set, to the last bit
            from_rows = ind.IndicatorInputs(accepted=raw[0], concluded=sel._in_order(raw[1]), yellow=0, red=0,
                                            severe=0, orders=[], efficiency_warnings=0, today=last)
            from_rollup = sel.indicator_inputs(Unit("region", region), first, last, today=last)
            assert ind.compute(from_rollup).as_dict() == ind.compute(from_rows).as_dict()
    # and the roll-up kept in step is the one a rebuild computes
    kept = Counter({rollup.key_of(r): r.n for r in FactRollup.objects.all()})
    rollup.rebuild()
    assert Counter({rollup.key_of(r): r.n for r in FactRollup.objects.all()}) == kept


def _cases(hall, n: int) -> list[int]:
    return [submit(hall, at(2026, 9, 28)).id for _ in range(n)]


def test_generated_rows_and_their_moves_count_the_same_in_the_rollup(hall):
    rng = random.Random(14)
    # a township's rows count in it, its county, city and province (nine significant digits)
    township = Region.objects.create(code=hall.county.code[:6] + "101000", name="临溪镇", level=4, parent=hall.county)
    regions = [hall.county.id, hall.other_county.id, township.id]
    ids = _cases(hall, 60)
    facts = [_random_fact(rng, i, regions, hall.dept.id) for i in ids]
    _write(facts[:40])
    _write(facts[40:])
    counties = FactRollup.objects.filter(region_id__in=regions)
    assert counties.count() < CaseFact.objects.count() * 2
    # every region above counts its whole subtree in rows of its own, no more than its counties'
    province = Region.objects.get(code="990000000000")
    for above in (province, Region.objects.get(code="990100000000")):
        own = FactRollup.objects.filter(region=above)
        assert 0 < own.count() <= counties.count()
        assert sum(own.filter(concluded=False).values_list("n", flat=True)) == CaseFact.objects.count()
    _assert_rollup_equals_rows(hall)
    # rows change: concluded at last, moved to other buckets, months and regions, or written again as they are
    for f in rng.sample(facts, 30):
        f.update(_random_fact(rng, f["case_id"], regions, hall.dept.id))
    _write(facts[::2])
    _write(facts[1::2])
    _write(facts[:10])  # the same values again: nothing moves
    _assert_rollup_equals_rows(hall)


def test_the_sweep_and_the_backfill_keep_the_rollup(hall, watchers):
    instant = cs.case_submit(actor=hall.clerk, item_code=hall.instant_item.implementation_code,
                             applicant=hall.applicant(), materials=hall.checklist(), at=at(2026, 9, 28))
    cs.case_conclude_instant(case_id=instant.id, actor=hall.clerk, at=at(2026, 9, 28, 11))
    case = accepted_case(hall)
    assert sv.facts_backfill() == 2  # one concluded, one accepted
    county = FactRollup.objects.filter(region=hall.county)
    assert county.filter(concluded=False).get().n == 2
    assert county.filter(concluded=True).get().n == 1
    # … counted in its city and province too
    assert set(FactRollup.objects.filter(concluded=True).values_list("region__code", "n")) == {
        (hall.county.code, 1), ("990100000000", 1), ("990000000000", 1)}
    # the case concludes: the sweep completes its row and the roll-up follows it into a bucket
    case = review_all(hall, case, at(2026, 10, 8))
    cs.case_decide(case_id=case.id, actor=hall.chief, grant=True, at=at(2026, 10, 9))
    cs.case_issue_certificate(case_id=case.id, actor=hall.chief, at=at(2026, 10, 9, 11))
    cs.case_deliver(case_id=case.id, actor=hall.clerk, method="window", at=at(2026, 10, 12))
    sv.sweep(now=at(2026, 10, 12, 12))
    assert sum(FactRollup.objects.filter(region=hall.county, concluded=True).values_list("n", flat=True)) == 2
    _, county = sel.indicators_for(watchers.supervisor, "region", hall.county.code, date(2026, 9, 1),
                                   date(2026, 12, 31))
    assert (county["accepted"].value, county["concluded"].value, county["avg_workdays"].value) == (2, 2, 1.5)
    _assert_rollup_equals_rows(hall)
    # a backfill that leaves the roll-up alone, then its rebuild: the same table
    assert sv.facts_backfill(keep_rollup=False) == 2
    _assert_rollup_equals_rows(hall)
    # the command rebuilds a roll-up gone out of step
    FactRollup.objects.filter(concluded=True).delete()
    out = io.StringIO()
    call_command("supervision_backfill_facts", "--rebuild-rollup", stdout=out)
    assert "已写入 2 条" in out.getvalue()
    assert sum(FactRollup.objects.filter(region=hall.county, concluded=True).values_list("n", flat=True)) == 2
    _assert_rollup_equals_rows(hall)
