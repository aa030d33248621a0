"""Two staff act on one request at once (PostgreSQL only): the request row is locked, one action
wins, the other reads the new state and is refused. The second worker meets the first at a barrier
just before it asks for the lock, while the first holds it uncommitted."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from onewindow.core.errors import DomainError
from onewindow.openness import services as s
from onewindow.openness.models import DisclosureRequest, DisclosureRequestEvent
from onewindow.organization.rules import Role

from .helpers import applicant, at

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: two writers at once"),
    pytest.mark.django_db(transaction=True),
]


def test_a_reply_and_a_withdrawal_at_once_one_wins(two_counties):
    a = two_counties.a
    reviewer = a.staff[Role.REVIEWER]
    req = s.request_file(department_id=a.market.id, channel="online", applicant=applicant(), description="x",
                         delivery="electronic", at=at(date(2026, 3, 2)))
    table = f'"{DisclosureRequest._meta.db_table}"'
    about_to_lock = threading.Barrier(2, timeout=30)
    out: list[object] = []

    def second_worker() -> None:
        met = False

        def meet_before_the_lock(execute, sql, params, many, context):
            nonlocal met
            if not met and "FOR UPDATE" in sql.upper() and table in sql:
                met = True
                about_to_lock.wait()
            return execute(sql, params, many, context)

        try:
            with connection.execute_wrapper(meet_before_the_lock):
                out.append(s.withdraw(request_id=req.id, actor=reviewer, at=at(date(2026, 3, 3), 11)))
        except BaseException as exc:  # reported below
            out.append(exc)
        finally:
            connection.close()

    with transaction.atomic():
        s.reply(request_id=req.id, answer="disclosed", actor=reviewer, at=at(date(2026, 3, 3), 10))
        thread = threading.Thread(target=second_worker)
        thread.start()
        about_to_lock.wait()  # the second worker now waits for this transaction's lock
    thread.join(timeout=30)
    assert not thread.is_alive()
    [second] = out
    assert isinstance(second, DomainError), second
    assert second.code == "disclosure.transition_refused.withdraw"
    assert DisclosureRequest.objects.get(pk=req.pk).state == "replied"
    assert DisclosureRequestEvent.objects.filter(request=req).count() == 2
