"""The fees demo: bills in every state, yesterday's reconciliation with two deliberate mismatches,
the finance officer's login; idempotent."""

from __future__ import annotations

import pytest
from django.test import override_settings

from onewindow.demo.loader import load_demo
from onewindow.fees import demo
from onewindow.fees.models import Bill, Reconciliation
from onewindow.lifecycle.selectors import verify_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(tmp_path):
    with override_settings(ONEWINDOW_KEY_DIR=tmp_path):
        load_demo()
        return demo.load_demo()


def test_the_demo_has_bills_in_every_state(loaded):
    states = set(Bill.objects.values_list("state", flat=True))
    assert states == {"draft", "issued", "paid", "cancelled", "superseded", "refunded"}


def test_the_demo_day_has_two_mismatches_for_the_finance_officer(loaded):
    rec = Reconciliation.objects.get()
    assert (sorted(rec.mismatches.values_list("kind", flat=True)), rec.state) == (
        ["missing_from_statement", "unknown_code"], "open")


def test_the_demo_chains_verify(loaded):
    assert all(r.ok for r in verify_all("bill"))


def test_the_demo_loads_once(loaded):
    count = Bill.objects.count()
    again = demo.load_demo()
    assert (Bill.objects.count(), "未重复加载" in again) == (count, True)


def test_the_second_county_bills_its_real_estate_registration_too(loaded):
    bills = Bill.objects.filter(region__code=demo.SECOND_COUNTY)
    assert sorted(bills.values_list("state", flat=True)) == ["issued", "paid"]
    assert {b.department.code for b in bills} == {"GTJ"}
    assert "青禾县缴款通知书 2 张" in loaded
