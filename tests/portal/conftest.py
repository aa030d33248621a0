"""Fixtures of the portal tests.

``demo``: the demo county loaded once per module, inside a transaction rolled back when the
module is done (as tests/demo does), so modules share nothing. (tests/conftest.py empties the
process caches around each test: the search index and the rate limiter's counts.)
"""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from onewindow.demo.loader import DemoReport, load_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo county for this module (rolled back afterwards)."""
    with django_db_blocker.unblock(), transaction.atomic():
        started = time.monotonic()
        report = load_demo()
        report.seconds = time.monotonic() - started
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db) -> DemoReport:
    return demo
