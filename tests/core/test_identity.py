"""GB 11643 resident ID numbers: the check character and a plausible birth date. Pure, no database."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from onewindow.core.identity import EARLIEST_BIRTH, id_number_check_char, is_valid_id_number

TODAY = date(2026, 10, 12)


def id_number(born: date, area: str = "110105", sequence: int = 2) -> str:
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_number_check_char(first17)


def test_the_standard_example_is_valid():
    assert is_valid_id_number("11010519491231002X", today=TODAY)
    assert is_valid_id_number("11010519491231002x", today=TODAY)  # a lower-case check character


def test_a_wrong_check_character_or_an_impossible_day_is_refused():
    assert not is_valid_id_number("110105194912310021", today=TODAY)
    assert not is_valid_id_number("110105194902300021", today=TODAY)  # 30 February


def test_birth_dates_in_1800_or_2099_are_refused():
    assert not is_valid_id_number(id_number(date(1800, 1, 1)), today=TODAY)
    assert not is_valid_id_number(id_number(date(1899, 12, 31)), today=TODAY)
    assert not is_valid_id_number(id_number(date(2099, 1, 1)), today=TODAY)
    assert not is_valid_id_number(id_number(TODAY + timedelta(days=1)), today=TODAY)


def test_the_bounds_themselves_are_plausible():
    assert is_valid_id_number(id_number(EARLIEST_BIRTH), today=TODAY)
    assert is_valid_id_number(id_number(TODAY), today=TODAY)  # born today, registered today


def test_without_a_given_day_the_clock_decides():
    assert not is_valid_id_number(id_number(date.today() + timedelta(days=2)))
    assert is_valid_id_number(id_number(date(1990, 6, 1)))


@given(born=st.dates(min_value=EARLIEST_BIRTH, max_value=TODAY), sequence=st.integers(0, 999))
def test_every_plausible_birth_date_with_its_check_character_is_valid(born: date, sequence: int):
    assert is_valid_id_number(id_number(born, sequence=sequence), today=TODAY)


@given(born=st.one_of(st.dates(min_value=date(1000, 1, 1), max_value=EARLIEST_BIRTH - timedelta(days=1)),
                      st.dates(min_value=TODAY + timedelta(days=1), max_value=date(9999, 12, 31))))
def test_every_birth_date_outside_the_plausible_range_is_refused(born: date):
    assert not is_valid_id_number(id_number(born), today=TODAY)


@given(born=st.dates(min_value=EARLIEST_BIRTH, max_value=TODAY), position=st.integers(0, 16),
       digit=st.integers(1, 9))
def test_changing_one_digit_breaks_the_check(born: date, position: int, digit: int):
    valid = id_number(born)
    changed = valid[:position] + str((int(valid[position]) + digit) % 10) + valid[position + 1:]
    # A changed digit may still spell a plausible date; the check character catches it regardless.
    assert not is_valid_id_number(changed, today=TODAY)


def test_digits_other_than_ascii_are_refused():
    valid = id_number(date(1990, 6, 1))
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in valid[:17]) + valid[17]
    assert not is_valid_id_number(full_width, today=TODAY)
