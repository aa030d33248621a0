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
    keys, media = tmp_path_factory.mktemp("keys"), tmp_path_factory.mktemp("media")
    with (django_db_blocker.unblock(), override_settings(ONEWINDOW_KEY_DIR=keys, MEDIA_ROOT=media),
          transaction.atomic()):
        world = build_matrix_world()
        world.keep_files(media)
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(demo_matrix, db, settings) -> MatrixWorld:
    """The demo world, with the files stored while it was built (scans, uploads, the demo's photos
    and reports, sealed where private) in this test's MEDIA_ROOT."""
    demo_matrix.write_files(settings.MEDIA_ROOT)
    return demo_matrix
