"""Tickets and calling: numbering per queue per day, priorities, the window rules (general and
backup windows), recall, skip after N calls, transfer, linking the case, and every refusal."""

from __future__ import annotations

import pytest

from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.hall import duty_services, selectors, services
from onewindow.hall.models import CallRecord, Ticket
from onewindow.hall.rules import Priority, TicketState

from .helpers import at

pytestmark = pytest.mark.django_db


def sign_in_all(lobby, when=None):
    for clerk, window in ((lobby.clerk1, lobby.w1), (lobby.clerk2, lobby.w2), (lobby.clerk3, lobby.w3)):
        duty_services.sign_in(window=window, actor=clerk, at=when or at(8, 55))


def test_numbers_count_per_queue_per_day(lobby):
    a1 = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    a2 = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 1))
    b1 = services.ticket_issue(queue_id=lobby.queue_b.pk, at=at(9, 2))
    tomorrow = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0, day=(2026, 9, 29)))
    assert [a1.label, a2.label, b1.label, tomorrow.label] == ["A001", "A002", "B001", "A001"]


def test_the_estimate_counts_the_tickets_ahead_and_the_staffed_windows(lobby):
    sign_in_all(lobby)
    services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 1))
    third = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 2))
    # two ahead × 10 minutes (the default) / three windows calling A (01, 02 as backup, 03)
    assert third.estimated_wait_minutes == 7


def test_a_closed_queue_gives_no_ticket(lobby):
    lobby.queue_a.is_open = False
    lobby.queue_a.save()
    with pytest.raises(Conflict) as exc:
        services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    assert exc.value.code == "hall.queue_closed"


def test_an_unknown_priority_reason_is_refused(lobby):
    with pytest.raises(DomainError) as exc:
        services.ticket_issue(queue_id=lobby.queue_a.pk, priority_reason="vip", at=at(9, 0))
    assert exc.value.field == "priority_reason"


def test_a_guide_of_another_county_may_not_issue(lobby):
    with pytest.raises(PermissionDenied):
        services.ticket_issue(queue_id=lobby.queue_a.pk, actor=lobby.hall.outsider, at=at(9, 0))


def test_calling_without_signing_in_is_refused(lobby):
    services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    with pytest.raises(Conflict) as exc:
        services.call_next(window=lobby.w1, actor=lobby.clerk1, at=at(9, 1))
    assert exc.value.code == "hall.window_unstaffed"


def test_signing_in_at_a_window_one_is_not_on_duty_at_is_refused(lobby):
    with pytest.raises(PermissionDenied):
        duty_services.sign_in(window=lobby.w2, actor=lobby.clerk1, at=at(8, 55))


def test_calls_go_in_arrival_order_and_priorities_first(lobby):
    sign_in_all(lobby)
    first = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    elderly = services.ticket_issue(queue_id=lobby.queue_a.pk, priority_reason="elderly", at=at(9, 5))
    second = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 6))
    order = []
    for minute in (10, 20, 30):
        ticket = services.call_next(window=lobby.w3, actor=lobby.clerk3, at=at(9, minute))
        services.ticket_serve(ticket_id=ticket.pk, window=lobby.w3, actor=lobby.clerk3, at=at(9, minute, 30))
        order.append(ticket.pk)
    assert order == [elderly.pk, first.pk, second.pk]


def test_an_appointment_ticket_is_first_only_from_its_slot(lobby):
    sign_in_all(lobby)
    walk_in = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    booked = services.ticket_issue(queue_id=lobby.queue_a.pk, priority=Priority.APPOINTMENT,
                                   priority_from=at(10, 0), source=Ticket.Source.APPOINTMENT, at=at(9, 1))
    early = services.call_next(window=lobby.w3, actor=lobby.clerk3, at=at(9, 30))
    assert early.pk == walk_in.pk
    services.ticket_serve(ticket_id=early.pk, window=lobby.w3, actor=lobby.clerk3, at=at(9, 31))
    walk_in2 = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 40))
    at_slot = services.call_next(window=lobby.w3, actor=lobby.clerk3, at=at(10, 0))
    assert at_slot.pk == booked.pk
    assert walk_in2.pk != at_slot.pk


def test_the_general_window_calls_its_queues_by_rank(lobby):
    sign_in_all(lobby)
    b = services.ticket_issue(queue_id=lobby.queue_b.pk, at=at(9, 0))
    a = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 1))
    assert services.call_next(window=lobby.w1, actor=lobby.clerk1, at=at(9, 2)).pk == a.pk
    services.ticket_serve(ticket_id=a.pk, window=lobby.w1, actor=lobby.clerk1, at=at(9, 3))
    assert services.call_next(window=lobby.w1, actor=lobby.clerk1, at=at(9, 4)).pk == b.pk


def test_the_backup_window_takes_the_other_queue_only_when_its_own_is_empty(lobby):
    sign_in_all(lobby)
    a = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    b = services.ticket_issue(queue_id=lobby.queue_b.pk, at=at(9, 1))
    assert services.call_next(window=lobby.w2, actor=lobby.clerk2, at=at(9, 2)).pk == b.pk
    services.ticket_serve(ticket_id=b.pk, window=lobby.w2, actor=lobby.clerk2, at=at(9, 3))
    assert services.call_next(window=lobby.w2, actor=lobby.clerk2, at=at(9, 4)).pk == a.pk


def test_nobody_waiting_gives_none_and_finishes_the_served_ticket(lobby):
    sign_in_all(lobby)
    t = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    services.call_next(window=lobby.w3, actor=lobby.clerk3, at=at(9, 1))
    services.ticket_serve(ticket_id=t.pk, window=lobby.w3, actor=lobby.clerk3, at=at(9, 2))
    assert services.call_next(window=lobby.w3, actor=lobby.clerk3, at=at(9, 12)) is None
    t.refresh_from_db()
    assert t.state == TicketState.DONE
    assert t.finished_at == at(9, 12)


def test_recall_then_skip_after_n_calls(lobby):
    sign_in_all(lobby)
    t = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    services.call_next(window=lobby.w3, actor=lobby.clerk3, at=at(9, 1))
    with pytest.raises(Conflict) as early:
        services.ticket_skip(ticket_id=t.pk, window=lobby.w3, actor=lobby.clerk3, at=at(9, 2))
    assert early.value.code == "hall.skip_too_early"
    with pytest.raises(Conflict) as busy:
        services.call_next(window=lobby.w3, actor=lobby.clerk3, at=at(9, 2))
    assert busy.value.code == "hall.current_not_finished"
    services.ticket_recall(ticket_id=t.pk, window=lobby.w3, actor=lobby.clerk3, at=at(9, 3))
    services.ticket_recall(ticket_id=t.pk, window=lobby.w3, actor=lobby.clerk3, at=at(9, 4))
    skipped = services.ticket_skip(ticket_id=t.pk, window=lobby.w3, actor=lobby.clerk3, at=at(9, 5))
    assert skipped.state == TicketState.SKIPPED
    kinds = list(CallRecord.objects.filter(ticket=t).values_list("kind", flat=True))
    assert kinds == ["call", "recall", "recall", "skip"]


def test_call_next_skips_a_ticket_called_often_enough(lobby):
    sign_in_all(lobby)
    t = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    services.call_next(window=lobby.w3, actor=lobby.clerk3, at=at(9, 1))
    for minute in (2, 3):
        services.ticket_recall(ticket_id=t.pk, window=lobby.w3, actor=lobby.clerk3, at=at(9, minute))
    assert services.call_next(window=lobby.w3, actor=lobby.clerk3, at=at(9, 4)) is None
    t.refresh_from_db()
    assert t.state == TicketState.SKIPPED


def test_transfer_to_a_window_puts_the_ticket_first_there(lobby):
    sign_in_all(lobby)
    t = services.ticket_issue(queue_id=lobby.queue_b.pk, at=at(9, 5))
    services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    services.call_next(window=lobby.w2, actor=lobby.clerk2, at=at(9, 6))
    moved = services.ticket_transfer(ticket_id=t.pk, window=lobby.w2, actor=lobby.clerk2, to_window=lobby.w3,
                                     at=at(9, 7))
    assert moved.state == TicketState.WAITING
    assert moved.queue_id == lobby.queue_a.pk  # window 03 calls A only
    assert services.call_next(window=lobby.w3, actor=lobby.clerk3, at=at(9, 8)).pk == t.pk


def test_transfer_to_an_unstaffed_window_is_refused(lobby):
    duty_services.sign_in(window=lobby.w2, actor=lobby.clerk2, at=at(8, 55))
    t = services.ticket_issue(queue_id=lobby.queue_b.pk, at=at(9, 0))
    services.call_next(window=lobby.w2, actor=lobby.clerk2, at=at(9, 1))
    with pytest.raises(Conflict) as exc:
        services.ticket_transfer(ticket_id=t.pk, window=lobby.w2, actor=lobby.clerk2, to_window=lobby.w3, at=at(9, 2))
    assert exc.value.code == "hall.window_unstaffed"


def test_transfer_to_another_queue(lobby):
    sign_in_all(lobby)
    t = services.ticket_issue(queue_id=lobby.queue_b.pk, at=at(9, 0))
    services.call_next(window=lobby.w2, actor=lobby.clerk2, at=at(9, 1))
    moved = services.ticket_transfer(ticket_id=t.pk, window=lobby.w2, actor=lobby.clerk2,
                                     to_queue_id=lobby.queue_a.pk, at=at(9, 2))
    assert moved.queue_id == lobby.queue_a.pk


def test_acting_on_a_ticket_of_another_window_is_refused(lobby):
    sign_in_all(lobby)
    t = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    services.call_next(window=lobby.w3, actor=lobby.clerk3, at=at(9, 1))
    with pytest.raises(Conflict) as exc:
        services.ticket_serve(ticket_id=t.pk, window=lobby.w1, actor=lobby.clerk1, at=at(9, 2))
    assert exc.value.code == "hall.ticket_moved"


def test_the_ticket_is_linked_to_its_case(lobby):
    from tests.cases.helpers import submit

    sign_in_all(lobby)
    t = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    services.call_next(window=lobby.w1, actor=lobby.clerk1, at=at(9, 1))
    services.ticket_serve(ticket_id=t.pk, window=lobby.w1, actor=lobby.clerk1, at=at(9, 2))
    case = submit(lobby.hall, at(9, 5))
    linked = services.ticket_link_case(ticket_id=t.pk, window=lobby.w1, actor=lobby.clerk1, case_number=case.number,
                                       at=at(9, 6))
    assert linked.case_id == case.pk
    assert selectors.visits_of_case(case.pk) == 1
    with pytest.raises(NotFound):
        services.ticket_link_case(ticket_id=t.pk, window=lobby.w1, actor=lobby.clerk1, case_number="NOPE", at=at(9, 7))


def test_the_board_shows_the_latest_calls_and_the_lines(lobby):
    sign_in_all(lobby)
    t = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 1))
    services.call_next(window=lobby.w3, actor=lobby.clerk3, at=at(9, 2))
    services.ticket_recall(ticket_id=t.pk, window=lobby.w3, actor=lobby.clerk3, at=at(9, 3))
    board = selectors.board(lobby.hall.county, at=at(9, 4))
    assert [(c.label, c.window, c.kind) for c in board.calls] == [("A001", "03", "recall"), ("A001", "03", "call")]
    line_a = next(line for line in board.lines if line.queue.pk == lobby.queue_a.pk)
    assert line_a.waiting == 1
    assert line_a.longest_wait_minutes == 3


def test_signing_out_stops_the_calls(lobby):
    sign_in_all(lobby)
    duty_services.sign_out(actor=lobby.clerk3, at=at(12, 0))
    services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(12, 1))
    with pytest.raises(Conflict):
        services.call_next(window=lobby.w3, actor=lobby.clerk3, at=at(12, 2))
