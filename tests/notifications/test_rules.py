"""Pure rules: phone numbers, backoff, masking. No database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onewindow.notifications.rules import (
    backoff,
    is_mainland_mobile,
    is_secret_kind,
    mask_recipient,
    normalize_phone,
)


@pytest.mark.parametrize("raw, expected", [
    ("13800138000", "13800138000"),
    (" 138 0013 8000 ", "13800138000"),
    ("+86 138-0013-8000", "13800138000"),
    ("8613800138000", "13800138000"),
    ("0086（138）00138000", "13800138000"),
    ("+1 415 555 0100", "+14155550100"),  # not ours to fix: left for the check to refuse
])
def test_phone_numbers_are_normalized(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("value, ok", [
    ("13800138000", True), ("19912345678", True), ("12800138000", False), ("1380013800", False),
    ("138001380000", False), ("23800138000", False), ("1380013800a", False), ("", False),
])
def test_only_11_digit_mainland_mobiles_pass(value, ok):
    assert is_mainland_mobile(value) is ok


def test_backoff_doubles_from_one_minute_and_stops_at_an_hour():
    minutes = [backoff(n) / timedelta(minutes=1) for n in range(1, 11)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    assert backoff(10_000) == timedelta(minutes=60)


def test_recipients_are_masked_by_channel():
    assert mask_recipient("sms", "13800138000") == "138****8000"
    assert mask_recipient("email", "zhang.san@example.cn") == "z***@example.cn"
    assert mask_recipient("sms", "") == ""


def test_login_codes_are_secret_case_notices_are_not():
    assert is_secret_kind("auth.otp")
    assert not is_secret_kind("case.accepted")
