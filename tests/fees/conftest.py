"""Fixtures of the fees tests: the cases' hall with fees on its committed item, and a finance officer."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from onewindow.catalog.models import FeeItem
from onewindow.organization.models import Staff
from onewindow.organization.rules import Role

from .helpers import add_fees, staff


@dataclass
class FeeHall:
    hall: object
    fees: dict[str, FeeItem]
    finance: Staff  # the center administrator's posting: reconciles and closes the day
    admin2: Staff  # a second approver in the county (center administrator)


@pytest.fixture
def fh(hall) -> FeeHall:
    return FeeHall(hall=hall, fees=add_fees(hall.item), finance=staff("finance", hall.county, Role.CENTER_ADMIN),
                   admin2=staff("admin2", hall.county, Role.CENTER_ADMIN))
