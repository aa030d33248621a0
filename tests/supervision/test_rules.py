"""The pure rules, without a database: boundaries, identities, settings, the small helpers."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from io import BytesIO

import pytest
from openpyxl import load_workbook

from onewindow.lifecycle.deadlines import Kind
from onewindow.supervision import charts, exports
from onewindow.supervision import rules as r
from onewindow.supervision.rules import Code

D = date(2026, 10, 19)  # a promised due date


def row(kind="promised", due=D, yellow=None, state="open", lapses=None, key=""):
    return r.DeadlineRow(1, "case", 1, kind, key, state, due, yellow, lapses)


def holds(dl, today):
    return r.deadline_holds(dl, r.DEFAULT_DEADLINE_RULES[Kind(dl.kind)], today)


@pytest.mark.parametrize("today,promised,statutory", [
    (date(2026, 10, 15), None, None),
    (date(2026, 10, 16), Code.PROMISED_NEAR, None),
    (D, Code.PROMISED_NEAR, None),  # the due date itself is still within the promise
    (date(2026, 10, 20), Code.PROMISED_OVERDUE, None),
    (date(2026, 11, 2), Code.PROMISED_OVERDUE, None),
    (date(2026, 11, 3), Code.PROMISED_OVERDUE, Code.STATUTORY_OVERDUE),
])
def test_deadline_rules_by_day(today, promised, statutory):
    assert holds(row(yellow=date(2026, 10, 16)), today) == promised
    assert holds(row(kind="statutory", due=date(2026, 11, 2)), today) == statutory


def test_deadline_rules_stop_once_the_owner_closes_the_row():
    assert holds(row(state="closed"), date(2026, 12, 1)) is None
    issuance = row(kind="issuance", due=date(2026, 11, 5))
    assert holds(issuance, date(2026, 11, 5)) is None
    assert holds(issuance, date(2026, 11, 6)) == Code.ISSUANCE_OVERDUE
    assert holds(row(kind="issuance", due=date(2026, 11, 5), state="closed"), date(2026, 12, 1)) is None
    # a paused case's promised due date is frozen (None): neither near nor over it
    assert holds(row(due=None), date(2026, 12, 1)) is None


def test_a_stage_is_watched_only_while_the_case_is_within_its_promise():
    stage = row(kind="stage", due=date(2026, 10, 9), lapses=D, key="2")
    assert holds(stage, date(2026, 10, 9)) is None
    assert holds(stage, date(2026, 10, 10)) == Code.STAGE_OVERDUE
    assert holds(stage, date(2026, 10, 20)) is None  # the promised deadline's red warning speaks for it
    assert holds(row(kind="stage", due=date(2026, 10, 9), lapses=D, state="closed"), date(2026, 10, 10)) is None


def test_an_order_reply_row_is_overdue_the_day_after_its_due_date():
    reply = row(kind="reply", due=D)
    assert holds(reply, D) is None
    assert holds(reply, date(2026, 10, 20)) == Code.DEADLINE_OVERDUE
    assert holds(row(kind="reply", due=D, state="closed"), date(2026, 10, 20)) is None


def test_calendar_is_due_from_the_first_of_december():
    assert r.calendar_due(date(2026, 11, 30), []) is None
    assert r.calendar_due(date(2026, 12, 1), []) == 2027
    assert r.calendar_due(date(2026, 12, 31), [2027]) is None


def test_one_time_notice():
    facts = [r.EventFact(2, "supplement_requested", D, 1, {"materials": ["营业执照副本"]}),
             r.EventFact(3, "supplemented", D, 1, {}),
             r.EventFact(4, "supplement_requested", D, 1, {"materials": ["营业执照副本"]}),  # a repeat: allowed
             r.EventFact(6, "supplement_requested", D, 1, {"materials": [{"name": "申请书"}, "营业执照副本"]})]
    [(ev, added)] = r.repeated_supplement_notices(facts)
    assert ev.seq == 6
    assert added == ["申请书"]


def test_skipped_stages_ignore_instant_decisions():
    facts = [r.EventFact(2, "stage_completed", D, 1, {"stage": 2}),
             r.EventFact(3, "decided", D, 1, {"outcome": "grant"})]
    [(ev, missing)] = r.skipped_stages(facts, [2, 3])
    assert missing == [3]
    assert r.skipped_stages([r.EventFact(3, "decided", D, 1, {"instant": True})], [2]) == []
    assert r.required_permission("decided", {}) == "case.decide"
    assert r.required_permission("decided", {"instant": True}) == "case.accept"
    assert r.required_permission("stage_completed", {}) is None


def test_double_intake_needs_overlap_and_another_window_or_region():
    a = r.Intake(1, region_id=1, window_id=1, accepted_on=date(2026, 10, 1), closed_on=date(2026, 10, 10))
    later = r.Intake(2, region_id=1, window_id=2, accepted_on=date(2026, 10, 11), closed_on=None)
    overlapping = r.Intake(3, region_id=1, window_id=2, accepted_on=date(2026, 10, 10), closed_on=None)
    same_window = r.Intake(4, region_id=1, window_id=1, accepted_on=date(2026, 10, 5), closed_on=None)
    elsewhere = r.Intake(5, region_id=2, window_id=None, accepted_on=date(2026, 10, 5), closed_on=None)
    assert r.double_intakes(a, [a, later, overlapping, same_window, elsewhere]) == [overlapping, elsewhere]


def test_target_keys_make_the_identity():
    assert r.target_key(r.Target.CASE, case_id=7) == "case:7"
    assert r.target_key(r.Target.WINDOW, window_id=3, department_id=2, case_id=7) == "window:3/case:7"
    assert r.target_key(r.Target.WINDOW, window_id=None, department_id=2, case_id=7) == "department:2/case:7"
    assert r.target_key(r.Target.CENTER, region_id=9) == "region:9"
    with pytest.raises(ValueError):
        r.target_key(r.Target.CASE)
    f = r.Finding(rule=Code.PROMISED_OVERDUE, subject="2026-10-19", region_id=1, case_id=7, message="m")
    assert f.identity == (Code.PROMISED_OVERDUE, "case:7", "2026-10-19")


def test_every_rule_is_described_with_its_basis_and_a_statutory_breach_is_severe():
    assert set(r.RULES) == set(Code)
    for rule in r.RULES.values():
        assert rule.description
        assert rule.basis
        assert rule.name
    assert r.RULES[Code.STATUTORY_OVERDUE].severe
    assert r.RULES[Code.STATUTORY_OVERDUE].level == r.Level.RED
    assert r.RULES[Code.DEEMED_ACCEPTANCE].target == r.Target.WINDOW
    assert r.RULES[Code.CALENDAR_UNPUBLISHED].target == r.Target.CENTER


def test_settings_follow_the_nearest_center_and_default_otherwise():
    county = r.make_config(enabled=[Code.PROMISED_OVERDUE], yellow_share="0.8", min_cases_for_ranking=5,
                           order_reply_workdays=3)
    configs = {"990121000000": county}
    assert r.config_for("990121001000", configs) is county  # a township follows its county
    assert r.config_for("990122000000", configs) == r.DEFAULTS
    assert county.yellow_share == Fraction(4, 5)
    assert not county.is_enabled(Code.PROMISED_NEAR)
    assert r.DEFAULTS.yellow_share == Fraction(9, 10)
    assert r.DEFAULTS.min_cases_for_ranking == 20
    with pytest.raises(ValueError):
        r.make_config(enabled=["nonsense"], yellow_share=None, min_cases_for_ranking=None, order_reply_workdays=None)
    with pytest.raises(ValueError):
        r.make_config(enabled=None, yellow_share="1.2", min_cases_for_ranking=None, order_reply_workdays=None)


def test_order_transitions():
    assert r.next_order_state(r.OrderAction.REPLY, "issued") == r.OrderState.REPLIED
    assert r.next_order_state(r.OrderAction.REPLY, "returned") == r.OrderState.REPLIED
    assert r.next_order_state(r.OrderAction.CLOSE, "issued") is None
    assert r.next_order_state(r.OrderAction.RETURN, "closed") is None
    assert "已销号" in r.order_refusal(r.OrderAction.CLOSE, "closed")


def test_charts_are_escaped_svg_without_script():
    svg = charts.stacked_bars("<b>", "d", ["a&b", "c"], [charts.Series("黄牌", "#d4a017", [1, 2]),
                                                      charts.Series("红牌", "#b22222", [0, 3])])
    assert svg.startswith("<svg")
    assert "<script" not in svg
    assert "&lt;b&gt;" in svg
    assert "a&amp;b" in svg
    assert svg.count("<rect") >= 3
    line = charts.lines("t", "d", ["1", "2", "3"], [charts.Series("合计", "#000", [0, 5, 2])])
    assert "<path" in line
    assert "合计" in line
    assert "<svg" in charts.stacked_bars("t", "d", [], [])  # nothing to draw is still a chart


def test_exports_write_one_sheet_per_table():
    data = exports.workbook([exports.Sheet("甲", ["列"], [[1], [date(2026, 1, 2)]], note="说明"),
                             exports.Sheet("乙", ["a", "b"], [])])
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["甲", "乙"]
    assert [row for row in book["甲"].iter_rows(values_only=True)][:2] == [("说明",), ("列",)]
