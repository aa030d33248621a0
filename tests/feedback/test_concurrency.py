"""Two staff members act on one work order at once (PostgreSQL: two connections). The order row is
locked by the first; the second is refused on the state it then finds (or, sending the version it
read, told to reload) — never a lost update."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from onewindow.core.errors import DomainError
from onewindow.feedback import services as svc
from onewindow.feedback.models import WorkOrder
from tests.cases.helpers import at

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: two writers at once"),
    pytest.mark.django_db(transaction=True),
]


def test_two_claims_at_once_one_wins_the_other_is_told(hall, people):
    order = svc.order_receive(region=hall.county, kind="inquiry", content="咨询", actor=people.admin,
                              at=at(2026, 10, 12))
    svc.order_dispatch(order_id=order.id, department_id=hall.dept.id, actor=people.admin, at=at(2026, 10, 12))
    locked = threading.Barrier(2, timeout=30)
    table = f'"{WorkOrder._meta.db_table}"'
    results: dict[str, object] = {}

    def first() -> None:
        met = False

        def hold_the_lock(execute, sql, params, many, context):
            nonlocal met
            result = execute(sql, params, many, context)
            if not met and "FOR UPDATE" in sql and table in sql:
                met = True
                locked.wait()  # the second one starts now, while this row is locked
            return result

        try:
            with connection.execute_wrapper(hold_the_lock):
                results["first"] = svc.order_claim(order_id=order.id, actor=hall.reviewer, at=at(2026, 10, 13),
                                                   expected_version=1)
        except BaseException as exc:  # reported below
            results["first"] = exc
        finally:
            connection.close()

    def second() -> None:
        locked.wait()
        try:
            results["second"] = svc.order_claim(order_id=order.id, actor=hall.chief, at=at(2026, 10, 13),
                                                expected_version=1)
        except BaseException as exc:  # reported below
            results["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert isinstance(results["first"], WorkOrder)
    assert isinstance(results["second"], DomainError)
    assert results["second"].code == "record.stale"
    assert WorkOrder.objects.get(pk=order.id).handler_id == hall.reviewer.id
