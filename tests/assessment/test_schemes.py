"""Schemes as data: bands checked, sources checked, versions by effective date, permissions."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.assessment import facts
from onewindow.assessment.rules import Band, Grade, PeriodKind, SubjectKind, check_bands, clamp, grade_for
from onewindow.assessment.selectors import scheme_in_force
from onewindow.assessment.services import ItemSpec, scheme_define
from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.organization.rules import Role

from .helpers import BANDS, NOV_1, STAFF_ITEMS, D


def define(county, *, by=None, effective_from=NOV_1, items=STAFF_ITEMS, bands=BANDS, base=None, cap=None,
           subject_kind=SubjectKind.STAFF):
    return scheme_define(by=by or county.staff[Role.CENTER_ADMIN], region=county.region, name="窗口人员月度考核",
                         period_kind=PeriodKind.MONTH, subject_kind=subject_kind, effective_from=effective_from,
                         base=base or D(100), cap=cap or D(110), items=items, bands=bands)


def test_bands_that_cover_zero_to_cap_pass_and_grade():
    check_bands(BANDS, D(110))
    assert grade_for(D(110), BANDS) == Grade.EXCELLENT
    assert grade_for(D(95), BANDS) == Grade.EXCELLENT
    assert grade_for(D("94.5"), BANDS) == Grade.GOOD
    assert grade_for(D(60), BANDS) == Grade.PASS
    assert grade_for(D(0), BANDS) == Grade.FAIL
    assert clamp(D(120), D(110)) == D(110)
    assert clamp(D(-4), D(110)) == D(0)


@pytest.mark.parametrize("bands, code", [
    ([Band(Grade.EXCELLENT, D(90), D(110)), Band(Grade.GOOD, D(85), D(95)),
      Band(Grade.PASS, D(60), D(85)), Band(Grade.FAIL, D(0), D(60))], "bands_overlap"),
    ([Band(Grade.EXCELLENT, D(96), D(110)), Band(Grade.GOOD, D(85), D(95)),
      Band(Grade.PASS, D(60), D(85)), Band(Grade.FAIL, D(0), D(60))], "bands_gap"),
    ([Band(Grade.EXCELLENT, D(95), D(100)), Band(Grade.FAIL, D(0), D(95))], "bands_range"),
    ([Band(Grade.EXCELLENT, D(10), D(110)), Band(Grade.FAIL, D(5), D(10))], "bands_range"),
    ([Band(Grade.EXCELLENT, D(95), D(95)), Band(Grade.FAIL, D(0), D(95))], "bands_inverted"),
    ([Band(Grade.FAIL, D(95), D(110)), Band(Grade.FAIL, D(0), D(95))], "bands_grade_repeated"),
    ([], "bands_missing"),
])
def test_bad_bands_are_refused_naming_the_rule(bands, code):
    with pytest.raises(DomainError) as e:
        check_bands(bands, D(110))
    assert (e.value.code, e.value.field, e.value.status) == (code, "bands", 400)


def test_a_scheme_is_stored_with_its_items_and_bands(two_counties):
    scheme = define(two_counties.a)
    assert [(i.code, i.points, i.is_manual) for i in scheme.items.all()] == [
        ("absence", D(-3), False), ("inspection", D(-2), True), ("commendation", D(1), True)]
    assert sorted(scheme.bands_list(), key=lambda b: b.low) == sorted(BANDS, key=lambda b: b.low)


def test_overlapping_bands_write_nothing(two_counties):
    bad = [Band(Grade.EXCELLENT, D(90), D(110)), Band(Grade.FAIL, D(0), D(95))]
    with pytest.raises(DomainError) as e:
        define(two_counties.a, bands=bad)
    assert e.value.code == "bands_overlap"
    from onewindow.assessment.models import Scheme
    assert not Scheme.objects.exists()


def test_unknown_or_mismatched_fact_source_is_refused(two_counties):
    with pytest.raises(DomainError) as e:
        define(two_counties.a, items=[ItemSpec("x", "某项", D(-1), source="no_such_fact")])
    assert (e.value.code, e.value.field) == ("fact_source_unknown", "source")
    with pytest.raises(DomainError) as e:
        define(two_counties.a, subject_kind=SubjectKind.WINDOW)
    assert e.value.code == "fact_source_subject"


@pytest.mark.parametrize("kwargs, code", [
    ({"base": D(120)}, "scheme_base_cap"),
    ({"items": [ItemSpec("a", "甲", D(-1)), ItemSpec("a", "乙", D(-2))]}, "item_code_repeated"),
    ({"items": [ItemSpec("a", "甲", D(0))]}, "item_points_zero"),
])
def test_unsound_schemes_are_refused(two_counties, kwargs, code):
    with pytest.raises(DomainError) as e:
        define(two_counties.a, **kwargs)
    assert e.value.code == code


def test_versions_by_effective_date(two_counties):
    county = two_counties.a
    old = define(county, effective_from=date(2026, 1, 1))
    new = define(county, effective_from=NOV_1)
    kw = {"region": county.region, "period_kind": PeriodKind.MONTH, "subject_kind": SubjectKind.STAFF}
    assert scheme_in_force(**kw, on=date(2026, 10, 31)) == old
    assert scheme_in_force(**kw, on=date(2026, 11, 30)) == new
    with pytest.raises(NotFound):
        scheme_in_force(**kw, on=date(2025, 12, 31))
    with pytest.raises(Conflict) as e:
        define(county, effective_from=NOV_1)
    assert e.value.status == 409


@pytest.mark.parametrize("who", [Role.CLERK, Role.SUPERVISOR, Role.CHIEF_REPRESENTATIVE])
def test_only_the_center_administrator_defines_schemes(two_counties, who):
    with pytest.raises(PermissionDenied):
        define(two_counties.a, by=two_counties.a.staff[who])


def test_another_countys_administrator_cannot_define_here(two_counties):
    with pytest.raises(PermissionDenied):
        define(two_counties.a, by=two_counties.b.staff[Role.CENTER_ADMIN])


def test_the_registry_names_its_sources():
    assert "unauthorised_absence" in facts.names()
    assert facts.get("unauthorised_absence").subject_kind == SubjectKind.STAFF
