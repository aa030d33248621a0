"""``__any`` (one array parameter on PostgreSQL) selects exactly the rows ``__in`` selects."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.organization.models import Department, Region


@pytest.fixture
def regions(db) -> list[Region]:
    province = Region.objects.create(code="990000000000", name="演示省", level=1)
    counties = [Region.objects.create(code=f"9901{n:02d}000000", name=f"县{n}", level=3, parent=province)
                for n in range(1, 6)]
    for region in counties:
        for n in range(2):
            Department.objects.create(region=region, code=f"D{n}", name=f"{region.name}部门{n}", order=n)
    return [province, *counties]


@pytest.mark.parametrize("values", [[], [None], [1], [2, 2, None, 4], list(range(-3, 40))])
def test_any_selects_what_in_selects(regions: list[Region], values: list[int | None]) -> None:
    base = regions[0].id
    ids = [base + v - 1 if v is not None and v > 0 else v for v in values]
    assert sorted(Region.objects.filter(id__any=ids).values_list("id", flat=True)) == sorted(
        Region.objects.filter(id__in=ids).values_list("id", flat=True))
    assert Region.objects.exclude(id__any=ids).count() == Region.objects.exclude(id__in=ids).count()


def test_any_on_a_foreign_key_by_field_and_by_attname(regions: list[Region]) -> None:
    wanted = [regions[1].id, regions[3].id, regions[3].id]
    expected = sorted(Department.objects.filter(region_id__in=wanted).values_list("id", flat=True))
    assert len(expected) == 4
    assert sorted(Department.objects.filter(region_id__any=wanted).values_list("id", flat=True)) == expected
    assert sorted(Department.objects.filter(region__any=wanted).values_list("id", flat=True)) == expected
    assert Department.objects.filter(region_id__any=wanted).update(order=9) == 4


def test_any_with_a_subquery_is_in_with_a_subquery(regions: list[Region]) -> None:
    inner = Region.objects.filter(code__endswith="3000000").values("id")
    assert list(Department.objects.filter(region_id__any=inner).values_list("id", flat=True)) == list(
        Department.objects.filter(region_id__in=inner).values_list("id", flat=True))


def test_on_postgresql_the_list_travels_as_one_parameter(regions: list[Region]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite: __any is __in")
    with CaptureQueriesContext(connection) as queries:
        assert Region.objects.filter(id__any=list(range(5000))).count() == len(regions)
    sql = queries[0]["sql"]  # as psycopg rendered it: the list is one array literal, not 5 000 placeholders
    assert "= ANY('{0,1,2," in sql
    assert " IN (" not in sql
