"""The pure fee rules: computation, waivers, payment codes, money parsing, reconciliation matching
(with hypothesis: everything sums to the fen, every injected mismatch is found and no false one)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.fees.matching import MismatchKind, Recorded, Row, reconcile
from onewindow.fees.money import parse_yuan, round_fen, yuan
from onewindow.fees.numbering import payment_code, valid_payment_code
from onewindow.fees.rules import (
    BILL_TABLE,
    WAIVERS,
    BillAction,
    BillState,
    Method,
    Request,
    RuleError,
    Schedule,
    Tier,
    compute,
    gross_fen,
    reduction_fen,
)

FIXED = Schedule(1, "登记费", "依据", "每件80元", Method.FIXED, fixed_fen=8000, waivable=True)
PER_UNIT = Schedule(2, "交易手续费", "依据", "每平方米3元", Method.PER_UNIT, fen_per_unit=300, unit="平方米")
TIERED = Schedule(3, "测绘费", "依据", "分段", Method.TIERED, unit="平方米",
                  tiers=(Tier(Decimal(100), 100), Tier(None, 50)))


def test_the_transition_table_is_complete():
    BILL_TABLE.check()


def test_a_paid_bill_cannot_be_paid_again():
    assert not BILL_TABLE.allows(BillAction.PAY, BillState.PAID)


def test_a_fixed_fee_is_its_amount_whatever_the_quantity():
    assert compute([FIXED], [Request(1, Decimal(5))]).total_fen == 8000


def test_a_per_unit_fee_is_price_times_quantity():
    assert gross_fen(PER_UNIT, Decimal("90.5")) == 27150


def test_a_tiered_fee_charges_each_tier_at_its_price():
    # 100 ㎡ at 1 元 and 20 ㎡ at 0.5 元
    assert gross_fen(TIERED, Decimal(120)) == 10000 + 1000


def test_a_tiered_fee_within_the_first_tier():
    assert gross_fen(TIERED, Decimal(30)) == 3000


def test_a_fraction_of_a_fen_is_rounded_half_up_once():
    assert gross_fen(TIERED, Decimal("100.01")) == 10001  # 10000 + 0.5 fen → 10001


def test_a_waiver_takes_its_share_with_its_basis():
    line = compute([FIXED], [Request(1, waiver="disabled")]).lines[0]
    assert (line.reduction_fen, line.net_fen) == (4000, 4000)


def test_the_waiver_basis_is_on_the_line():
    line = compute([FIXED], [Request(1, waiver="small_micro")]).lines[0]
    assert "财税〔2014〕101号" in line.waiver_basis


def test_a_fee_off_the_schedule_is_refused():
    with pytest.raises(RuleError) as caught:
        compute([FIXED], [Request(99)])
    assert caught.value.code == "fees.off_schedule"


def test_a_waiver_on_a_fee_that_is_not_waivable_is_refused():
    with pytest.raises(RuleError) as caught:
        compute([PER_UNIT], [Request(2, Decimal(1), "dibao")])
    assert caught.value.code == "fees.not_waivable"


@pytest.mark.parametrize("quantity", ["0", "-1", "1.005", "NaN"])
def test_a_quantity_must_be_positive_with_two_decimals(quantity):
    with pytest.raises(RuleError) as caught:
        compute([PER_UNIT], [Request(2, Decimal(quantity))])
    assert caught.value.code == "fees.quantity_invalid"


def test_a_fee_twice_on_one_bill_is_refused():
    with pytest.raises(RuleError) as caught:
        compute([FIXED], [Request(1), Request(1)])
    assert caught.value.code == "fees.line_twice"


@pytest.mark.parametrize(("text", "fen"), [("0", 0), ("80", 8000), ("80.5", 8050), ("1,234.56", 123456)])
def test_yuan_are_parsed_to_fen(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["1.234", "-1", "abc", "", "inf"])
def test_bad_yuan_are_refused(text):
    with pytest.raises(ValueError):
        parse_yuan(text)


def test_a_payment_code_carries_check_digits():
    code = payment_code("990121", 2026, 17)
    assert valid_payment_code(code)


def test_a_mistyped_payment_code_fails_its_check():
    code = payment_code("990121", 2026, 17)
    assert not valid_payment_code(code[:10] + str((int(code[10]) + 1) % 10) + code[11:])


quantities = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)
prices = st.integers(min_value=1, max_value=10_000_000)


@settings(max_examples=200, deadline=None)
@given(fixed=prices, per_unit=prices, low=prices, high=prices, upto=quantities, q1=quantities, q2=quantities,
       waivers=st.lists(st.sampled_from(["", *WAIVERS]), min_size=3, max_size=3))
def test_bills_and_waivers_always_sum_to_the_fen(fixed, per_unit, low, high, upto, q1, q2, waivers):
    schedule = [Schedule(1, "a", "b", "c", Method.FIXED, fixed_fen=fixed, waivable=True),
                Schedule(2, "a", "b", "c", Method.PER_UNIT, fen_per_unit=per_unit, waivable=True),
                Schedule(3, "a", "b", "c", Method.TIERED, tiers=(Tier(upto, low), Tier(None, high)), waivable=True)]
    bill = compute(schedule, [Request(1, waiver=waivers[0]), Request(2, q1, waivers[1]), Request(3, q2, waivers[2])])
    assert bill.total_fen == bill.gross_fen - bill.reduction_fen
    assert bill.total_fen == sum(line.net_fen for line in bill.lines)
    assert all(0 <= line.reduction_fen <= line.gross_fen for line in bill.lines)
    assert all(isinstance(line.net_fen, int) for line in bill.lines)
    # the exact (unrounded) amount is never more than half a fen away per line
    exact = Decimal(fixed) + q1 * per_unit + min(q2, upto) * low + max(q2 - upto, 0) * high
    assert abs(Decimal(bill.gross_fen) - exact) <= Decimal("1.0")


@settings(max_examples=200, deadline=None)
@given(paid=st.integers(min_value=1, max_value=10**9), parts=st.lists(st.integers(min_value=1, max_value=10**6),
                                                                       max_size=10))
def test_refunds_never_exceed_and_always_sum_to_what_was_paid(paid, parts):
    # the services' rule: each refund at most what is left; what is left plus refunded is what was paid
    left, refunded = paid, []
    for part in parts:
        if part <= left:
            refunded.append(part)
            left -= part
    assert left + sum(refunded) == paid
    assert left >= 0


@given(fen=st.integers(min_value=-10**12, max_value=10**12))
def test_yuan_text_round_trips(fen):
    text = yuan(abs(fen))
    assert parse_yuan(text) == abs(fen)


def test_round_fen_is_half_up():
    assert (round_fen(Decimal("0.5")), round_fen(Decimal("1.49"))) == (1, 1)


def test_reduction_never_exceeds_the_fee():
    assert reduction_fen(1, WAIVERS["small_micro"]) == 1


# -- reconciliation ------------------------------------------------------------------------------


def test_a_clean_day_has_no_mismatch():
    result = reconcile([Row(2, "A", 100)], [Recorded(1, "A", 100)], {"A": 100})
    assert (result.matched, result.mismatches) == (((2, 1),), ())


@st.composite
def days(draw):
    """A day of recorded payments and the statement the bank should send, then injected faults;
    returns (rows, recorded, bills, expected mismatch kinds as a multiset)."""
    n = draw(st.integers(min_value=0, max_value=12))
    amounts = draw(st.lists(st.integers(min_value=1, max_value=10**7), min_size=n, max_size=n))
    codes = [f"{i:020d}" for i in range(n)]
    bills = dict(zip(codes, amounts, strict=True))
    recorded = [Recorded(i + 1, c, a) for i, (c, a) in enumerate(zip(codes, amounts, strict=True))]
    rows = [Row(i + 2, c, a) for i, (c, a) in enumerate(zip(codes, amounts, strict=True))]
    expected: list[tuple[MismatchKind, str]] = []
    line = n + 2
    faults = draw(st.lists(st.sampled_from(list(MismatchKind)), max_size=6))
    touched: set[str] = set()
    for kind in faults:
        free = [r for r in rows if r.payment_code not in touched]
        if kind == MismatchKind.UNKNOWN_CODE:
            code = f"9{line:019d}"
            rows.append(Row(line, code, draw(st.integers(min_value=1, max_value=10**6))))
        elif kind == MismatchKind.PAID_TWICE and free:
            victim = draw(st.sampled_from(free))
            code = victim.payment_code
            rows.append(Row(line, code, victim.amount_fen))
        elif kind == MismatchKind.AMOUNT_DIFFERS and free:
            victim = draw(st.sampled_from(free))
            code = victim.payment_code
            delta = draw(st.sampled_from([-1, 1, 100]))
            wrong = victim.amount_fen + delta if victim.amount_fen + delta > 0 else victim.amount_fen + 1
            rows = [Row(r.line, r.payment_code, wrong) if r is victim else r for r in rows]
        elif kind == MismatchKind.MISSING_FROM_STATEMENT and free:
            victim = draw(st.sampled_from(free))
            code = victim.payment_code
            rows = [r for r in rows if r is not victim]
        else:
            continue
        touched.add(code)
        expected.append((kind, code))
        line += 1
    return rows, recorded, bills, expected


@settings(max_examples=300, deadline=None)
@given(day=days())
def test_reconciliation_finds_every_injected_mismatch_and_no_false_one(day):
    rows, recorded, bills, expected = day
    result = reconcile(rows, recorded, bills)
    found = sorted((m.kind.value, m.payment_code) for m in result.mismatches)
    wanted = sorted((k.value, c) for k, c in expected)
    # an amount that differs on a recorded payment is one mismatch; the payment is not also "missing"
    assert found == wanted
