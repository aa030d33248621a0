"""Fixtures of the API tests.

``demo_api``: both demo counties with their case load, and how each role calls the API
(:func:`tests.api.helpers.make_callers`), once per module inside a transaction rolled back when
the module is done.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from onewindow.demo.loader import load_demo
from tests.api.helpers import make_callers


@pytest.fixture(scope="module")
def demo_api(django_db_setup, django_db_blocker, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    with django_db_blocker.unblock(), override_settings(ONEWINDOW_KEY_DIR=keys), transaction.atomic():
        load_demo(with_cases=True)
        yield make_callers()
        transaction.set_rollback(True)
