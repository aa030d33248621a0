"""A session's user comes with its staff record in one statement (``accounts.backends``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.accounts.backends import UserBackend
from onewindow.organization.permissions import staff_of


def test_the_user_and_the_staff_record_are_one_read(hall, django_assert_num_queries):
    backend = UserBackend()
    with django_assert_num_queries(1):
        user = backend.get_user(hall.clerk.user.id)
        assert staff_of(user) == hall.clerk
        assert staff_of(user).name == hall.clerk.name
    citizen = get_user_model().objects.create_user("citizen", password="x-long-password-1")
    with django_assert_num_queries(1):
        assert staff_of(backend.get_user(citizen.id)) is None  # no second read to learn it
    assert backend.get_user(987654) is None
    citizen.is_active = False
    citizen.save()
    assert backend.get_user(citizen.id) is None  # as ModelBackend: inactive users have no session


def test_a_staff_page_reads_its_user_once(client, hall):
    client.force_login(hall.clerk.user)
    client.get("/staff/")  # warm the caches every request does not repeat
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/staff/").status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(reads) == 1
    assert '"organization_staff"' in reads[0]
    assert not [q for q in queries.captured_queries if q["sql"].startswith('SELECT "organization_staff"."id"')
                and 'WHERE "organization_staff"."user_id"' in q["sql"]]
