"""Fixtures of the API tests.

``demo_api``: both demo counties with their case load, and how each role calls the API
(:func:`tests.api.helpers.make_callers`), once per module inside a transaction rolled back when
the module is done.
"""

from __future__ import annotations

import pytest
from django.core import signals
from django.db import close_old_connections, transaction
from django.test import override_settings

from onewindow.demo.loader import load_demo
from tests.api.helpers import make_callers


@pytest.fixture(scope="module")
def demo_api(django_db_setup, django_db_blocker, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    # Schemathesis calls the WSGI application itself, whose request signals would close the test's
    # database connection after each request (Django's test client unhooks them the same way).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), override_settings(ONEWINDOW_KEY_DIR=keys), transaction.atomic():
            load_demo(with_cases=True)
            yield make_callers()
            transaction.set_rollback(True)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
