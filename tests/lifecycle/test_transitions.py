"""The kernel's transition table, with no database: the case table and the order table are its users."""

from __future__ import annotations

from enum import StrEnum

import pytest

from onewindow.cases import states
from onewindow.lifecycle.transitions import Move, Refused, TransitionTable, lawful
from onewindow.supervision import rules as r


class S(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    DONE = "done"


class A(StrEnum):
    CREATE = "create"
    SEND = "send"
    FINISH = "finish"
    NOTE = "note"


TABLE = TransitionTable(name="memo", noun="备忘", state_labels={S.DRAFT: "草稿", S.SENT: "已发", S.DONE: "完成"},
                        terminal=frozenset({S.DONE}), moves={
                            A.CREATE: Move(frozenset({None}), S.DRAFT, "memo.write", "起草"),
                            A.SEND: Move(frozenset({S.DRAFT}), S.SENT, "memo.send", "发送"),
                            A.FINISH: Move(frozenset({S.SENT}), S.DONE, "memo.finish", "办结"),
                            A.NOTE: Move(frozenset({S.DRAFT, S.SENT}), None, None, "备注"),
                        })


def test_a_move_leads_to_its_target_and_a_keeping_move_keeps_the_state():
    assert TABLE.next_state(A.CREATE, None) == S.DRAFT
    assert TABLE.next_state(A.SEND, S.DRAFT) == S.SENT
    assert TABLE.next_state(A.NOTE, S.SENT) == S.SENT


def test_a_move_the_table_lacks_is_refused_with_its_code_and_the_state_in_words():
    with pytest.raises(Refused) as caught:
        TABLE.next_state(A.FINISH, S.DRAFT)
    assert caught.value.code == "memo.transition_refused.finish"
    assert caught.value.message == "备忘当前状态为“草稿”，不能办结"


def test_actions_from_a_state_and_those_an_actor_may_take():
    assert TABLE.actions_from(S.DRAFT) == [A.SEND, A.NOTE]
    assert TABLE.actions_from(S.DONE) == []
    assert lawful(TABLE, S.DRAFT, permitted=lambda perm: perm != "memo.send") == [A.NOTE]


def test_check_catches_a_state_without_label_and_one_no_move_names():
    TABLE.check()
    TransitionTable("case", "办件", states.TRANSITIONS, states.STATUS_LABELS, states.TERMINAL).check()
    r.ORDER_TABLE.check()
    broken = TransitionTable("x", "x", {A.SEND: Move(frozenset({S.DRAFT}), S.SENT)}, {S.DRAFT: "草稿"})
    with pytest.raises(ValueError, match="without a label"):
        broken.check()
    unreachable = TransitionTable("x", "x", {A.SEND: Move(frozenset({S.DRAFT}), S.SENT)},
                                  {S.DRAFT: "草稿", S.SENT: "已发", S.DONE: "完成"})
    with pytest.raises(ValueError, match="no move names"):
        unreachable.check()


def test_the_case_table_answers_as_before():
    assert states.next_status(states.Action.ACCEPT, states.Status.SUBMITTED) == states.Status.IN_REVIEW
    with pytest.raises(states.TransitionRefused) as caught:
        states.next_status(states.Action.DELIVER, states.Status.SUBMITTED)
    assert caught.value.code == "case.transition_refused.deliver"
    assert str(caught.value) == "办件当前状态为“已收件”，不能执行此操作"
    assert caught.value.status == states.Status.SUBMITTED


def test_the_order_table_answers_as_before():
    assert r.next_order_state(r.OrderAction.REPLY, "issued") == r.OrderState.REPLIED
    assert r.next_order_state(r.OrderAction.CLOSE, "issued") is None
    assert r.order_refusal(r.OrderAction.CLOSE, "issued") == "督办单当前状态为“待回复”，不能销号"
