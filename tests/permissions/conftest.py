"""Fixtures of the permission tests.

``demo_matrix``: both demo counties (云溪县 and 青禾县) with their case load, a supervision sweep,
an order per county, and the applicant accounts and files the authorization matrix needs
(:mod:`tests.permissions.helpers`), loaded once per module inside a transaction rolled back when
the module is done. Each test runs in a savepoint of it (pytest-django's ``db``), so a cell that
changes something leaves nothing for the next.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from tests.permissions.helpers import MatrixWorld, build_matrix_world


@pytest.fixture(scope="module")
def demo_matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    with django_db_blocker.unblock(), override_settings(ONEWINDOW_KEY_DIR=keys), transaction.atomic():
        yield build_matrix_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(demo_matrix, db, settings) -> MatrixWorld:
    """The demo world, with the stored files of its scans and uploads in this test's MEDIA_ROOT."""
    demo_matrix.write_files(settings.MEDIA_ROOT)
    return demo_matrix
