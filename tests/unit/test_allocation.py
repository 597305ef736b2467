"""Class-level proration (checker/allocation.py): hand-computed examples and invariants."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from checker.allocation import (CASH, NOTES, ClassInput, Policy, PoolTerms, Recorded, TenderLine,
                                allocate_class)
from checker.allocation_text import factor_text

OC = Policy(default_election="cash", allocation_offered=True, denominator="offering_document",
            oversubscription_allocation="not_stated")


def small(*lines: TenderLine, recorded: Recorded | None = None, sought: int = 100) -> ClassInput:
    """100 sought of 1,000; cash max 40 at $24.00 (cap $960); notes max 60 at $25.20 (cap $1,500)."""
    return ClassInput("A", sought, 1000, lines, (
        PoolTerms("A-cash", CASH, 40, Decimal("960"), Decimal("24.00")),
        PoolTerms("A-notes", NOTES, 60, Decimal("1500"), Decimal("25.20"), Decimal(25), "sn")),
        recorded)


def pools(result):
    return {p.kind: p for p in result.pools}


SMALL_LINES = (TenderLine("c", "cash", 30, box_shares=0), TenderLine("n", "notes", 170, box_shares=100))


def test_small_fixture_by_hand():
    # T = 200 > 100: factor 1/2 → cash 15, notes 85; notes 85 > 60: 60/85; cut back 25,
    # box share floor(25 × 100/170) = 14 ≤ cash spare 25 → all move; cash 29, total 89.
    r = allocate_class(small(*SMALL_LINES), OC)
    c, n = pools(r)[CASH], pools(r)[NOTES]
    assert (r.tendered, r.oversubscribed, r.series_factor) == (200, True, Fraction(1, 2))
    assert (c.after_series, n.after_series) == (15, 85)
    assert (n.factor, n.factor_letter_of_transmittal, n.readings_differ) == (
        Fraction(60, 85), Fraction(60, 170), True)
    assert (n.accepted_own, n.cut_back, n.box_cut_back, n.moved_out) == (60, 25, 14, 14)
    assert (c.spare, c.moved_in, c.accepted, n.accepted, r.accepted) == (25, 14, 29, 60, 89)
    assert (c.returned, n.returned) == (15, 96)
    assert c.amount == Decimal("696.00") and n.amount == Decimal("1512.00")
    assert n.principal_issued == Decimal("1500") and n.cap_used == Decimal("1500")
    assert (r.excess, r.excess_limit) == (0, 20)
    assert "series factor N/T = 100/200 = 0.500000" in r.computation


def test_letter_of_transmittal_reading_and_gap_3():
    # LT: notes floor(85 × 60/170) = 30, cut back 55, box floor(55 × 100/170) = 32 > spare 25.
    lt = Policy("cash", True, "letter_of_transmittal", "not_stated")
    r = allocate_class(small(*SMALL_LINES), lt)
    n, c = pools(r)[NOTES], pools(r)[CASH]
    assert (n.accepted_own, n.cut_back, n.box_cut_back) == (30, 55, 32)
    assert n.moved_out is None and c.accepted_computed is None and r.accepted is None
    assert any("catalog gap 3" in g for g in r.gaps)
    r = allocate_class(small(*SMALL_LINES), Policy("cash", True, "letter_of_transmittal", "pro_rata"))
    assert (pools(r)[NOTES].moved_out, pools(r)[CASH].accepted) == (25, 40)


def test_readings_that_differ_are_not_applied_without_a_policy():
    r = allocate_class(small(*SMALL_LINES), Policy("cash", True, None, None))
    n = pools(r)[NOTES]
    assert n.readings_differ and n.reading is None and n.accepted_own is None
    # Without series proration the two readings agree, so no policy is needed.
    r = allocate_class(small(TenderLine("c", "cash", 10, box_shares=0),
                             TenderLine("n", "notes", 80, box_shares=0)), Policy("cash", True, None, None))
    n = pools(r)[NOTES]
    assert (n.readings_differ, n.reading, n.accepted, r.accepted) == (False, "offering_document", 60, 70)


def test_dynex_series_a_as_announced():
    # EXTERNAL (press release 2003-02-21): 231,639 cash and 506,947 notes tendered; 160,659
    # bought for cash, 309,503 exchanged for notes. N = 492,425 + 19,841 excess for notes.
    ci = ClassInput("A", 492425, 992038,
                    (TenderLine("c", "cash", 231639, box_shares=0), TenderLine("n", "notes", 506947, box_shares=0)),
                    (PoolTerms("A-cash", CASH, 202763, Decimal("4866312"), Decimal("24.00")),
                     PoolTerms("A-notes", NOTES, 289662, Decimal("7299475"), Decimal("25.20"), Decimal(25))),
                    Recorded(excess_notes=19841))
    r = allocate_class(ci, OC)
    c, n = pools(r)[CASH], pools(r)[NOTES]
    assert factor_text(r.series_factor) == "0.693577"
    assert (c.after_series, n.after_series, n.capacity) == (160659, 351606, 309503)
    assert (c.accepted, n.accepted, r.accepted) == (160659, 309503, 470162)
    assert n.principal_issued == Decimal("7799475") and n.principal_issued - n.cap_amount == Decimal("500000")
    assert (r.excess, r.excess_elected, r.excess_limit) == (0, 19841, 19840)


def test_dynex_series_a_at_expiration():
    ci = ClassInput("A", 492425, 992038,
                    (TenderLine("c", "cash", 231639, box_shares=0), TenderLine("n", "notes", 506947, box_shares=0)),
                    (PoolTerms("A-cash", CASH, 202763, Decimal("4866312"), Decimal("24.00")),
                     PoolTerms("A-notes", NOTES, 289662, Decimal("7299475"), Decimal("25.20"), Decimal(25))))
    r = allocate_class(ci, OC)
    assert factor_text(r.series_factor) == "0.666713"
    assert [p.after_series for p in r.pools] == [154436, 337988]
    assert [p.accepted for p in r.pools] == [154436, 289662]
    assert pools(r)[NOTES].principal_issued == Decimal("7299475")


def test_elections_defaults_and_designations():
    lines = (TenderLine("u", "unspecified", 20, box_shares=0),
             TenderLine("x", "combination", 50, cash_designated=20, notes_designated=25, box_shares=10))
    r = allocate_class(small(*lines), OC)
    assert (r.unelected_shares, r.tendered) == (25, 70)
    assert (pools(r)[CASH].demand, pools(r)[NOTES].demand) == (45, 25)
    assert pools(r)[NOTES].box_shares == Fraction(10 * 25, 50)
    none = allocate_class(small(*lines), Policy("none", True, None, None))
    assert (none.invalid_shares, none.tendered) == (25, 45)
    unknown = allocate_class(small(*lines), Policy(None, True, None, None))
    assert unknown.tendered is None and unknown.accepted is None
    bad = allocate_class(small(TenderLine("x", "combination", 10, cash_designated=8, notes_designated=3)), OC)
    assert bad.tendered is None and "designates 11" in bad.gaps[0]


def test_missing_facts_are_left_out():
    r = allocate_class(small(TenderLine("c", "cash", None)), OC)
    assert r.tendered is None and r.series_factor is None and r.accepted is None
    r = allocate_class(small(*SMALL_LINES, sought=None), OC)  # type: ignore[arg-type]
    assert r.acceptance_limit is None and r.excess is None
    r = allocate_class(ClassInput("A", 100, None, SMALL_LINES, ()), OC)
    assert r.excess_limit is None and all(p.capacity is None for p in r.pools)


def test_recorded_factor_is_compared_at_its_places():
    r = allocate_class(small(*SMALL_LINES, recorded=Recorded(factor=Decimal("0.50"))), OC)
    assert r.factor_recorded_matches is True
    r = allocate_class(small(TenderLine("c", "cash", 300, box_shares=0), recorded=Recorded(factor=Decimal("0.333"))), OC)
    assert r.factor_recorded_matches is True  # 1/3 truncated and rounded
    r = allocate_class(small(TenderLine("c", "cash", 300, box_shares=0), recorded=Recorded(factor=Decimal("0.34"))), OC)
    assert r.factor_recorded_matches is False


# ---------------------------------------------------------------- invariants

shares = st.integers(min_value=0, max_value=5_000_000)


@st.composite
def class_inputs(draw):
    sought = draw(st.integers(min_value=1, max_value=2_000_000))
    cash_max = draw(st.integers(min_value=0, max_value=sought))
    notes_max = draw(st.one_of(st.just(sought - cash_max), st.integers(min_value=0, max_value=sought)))
    lines = []
    for i, election in enumerate(draw(st.lists(st.sampled_from(["cash", "notes", "combination", "unspecified"]),
                                               min_size=1, max_size=5))):
        n = draw(shares)
        box = draw(st.integers(min_value=0, max_value=n))
        if election == "combination":
            c = draw(st.integers(min_value=0, max_value=n))
            d = draw(st.integers(min_value=0, max_value=n - c))
            lines.append(TenderLine(f"r{i}", election, n, c, d, box))
        else:
            lines.append(TenderLine(f"r{i}", election, n, box_shares=box))
    excess_cash = draw(st.integers(min_value=0, max_value=50_000))
    excess_notes = draw(st.integers(min_value=0, max_value=50_000))
    return ClassInput("A", sought, draw(st.integers(min_value=1, max_value=10_000_000)), tuple(lines), (
        PoolTerms("A-cash", CASH, cash_max, None, Decimal("24.50")),
        PoolTerms("A-notes", NOTES, notes_max, None, Decimal("25.725"), Decimal(25))),
        Recorded(excess_cash=excess_cash, excess_notes=excess_notes) if draw(st.booleans()) else None)


policies = st.builds(Policy, st.sampled_from(["cash", "notes"]), st.just(True),
                     st.sampled_from(["offering_document", "letter_of_transmittal"]), st.just("pro_rata"))


@settings(max_examples=400, deadline=None)
@given(class_inputs(), policies)
def test_invariants(ci, policy):
    r = allocate_class(ci, policy)
    assert r.tendered == sum(line.shares for line in ci.lines)
    assert 0 < r.series_factor <= 1
    assert r.accepted is not None
    assert r.accepted <= r.tendered  # never more than validly tendered
    assert r.accepted <= r.acceptance_limit  # never more than sought, unless excess is elected
    if r.excess_elected == 0:
        assert r.accepted <= ci.sought and r.excess == 0
    total = 0
    for p in r.pools:
        assert 0 <= p.factor <= 1
        assert 0 <= p.accepted <= p.capacity  # each consideration within its share maximum
        assert p.after_series <= p.demand and p.returned >= 0
        assert p.accepted_own + p.moved_out <= p.after_series
        total += p.accepted
        if p.kind == NOTES:
            assert p.principal_issued <= p.amount < p.principal_issued + 25
    assert total == r.accepted  # conservation: cash + notes = accepted
    moved = sum(p.moved_out for p in r.pools)
    assert moved == sum(p.moved_in for p in r.pools)
    # Series proration: floored once per consideration, so within one share per pool of min(T, N).
    assert min(r.tendered, r.acceptance_limit) - len(r.pools) <= sum(p.after_series for p in r.pools) \
        <= min(r.tendered, r.acceptance_limit)


oc_policies = st.builds(Policy, st.sampled_from(["cash", "notes"]), st.just(True),
                        st.just("offering_document"), st.just("pro_rata"))


@settings(max_examples=300, deadline=None)
@given(class_inputs(), oc_policies, st.integers(min_value=2, max_value=5))
def test_accepted_is_monotonic_when_every_tender_grows_in_proportion(ci, policy, k):
    """Under the offering circular's denominator. The letter of transmittal's applies its
    factor to shares already prorated, and is not monotonic (next test; catalog X34)."""
    before = allocate_class(ci, policy)
    scaled = tuple(TenderLine(x.id, x.election, x.shares * k,
                              None if x.cash_designated is None else x.cash_designated * k,
                              None if x.notes_designated is None else x.notes_designated * k,
                              x.box_shares * k) for x in ci.lines)
    after = allocate_class(ClassInput(ci.id, ci.sought, ci.outstanding, scaled, ci.pools, ci.recorded), policy)
    assert after.tendered >= before.tendered
    assert after.series_factor <= before.series_factor
    assert after.accepted >= before.accepted
    for b, a in zip(before.pools, after.pools):
        assert a.after_series >= b.after_series


@settings(max_examples=300, deadline=None)
@given(class_inputs(), policies)
def test_pools_stay_within_dollar_caps_set_like_the_offer_sets_them(ci, policy):
    """Caps stated as price × maximum (cash) and principal × maximum floored to $25 (notes,
    X01/X02): without an excess election, cash paid and principal issued stay within them."""
    from checker.allocation import floor_to

    pools_with_caps = tuple(PoolTerms(t.option, t.kind, t.max_shares,
                                      t.per_share * t.max_shares if t.kind == CASH
                                      else floor_to(t.per_share * t.max_shares, Decimal(25)),
                                      t.per_share, t.integral_multiple) for t in ci.pools)
    r = allocate_class(ClassInput(ci.id, ci.sought, ci.outstanding, ci.lines, pools_with_caps), policy)
    for p in r.pools:
        assert p.cap_used <= p.cap_amount


def test_the_letter_of_transmittal_reading_can_accept_fewer_when_more_are_tendered():
    # Cash only, 2 sought, cash maximum 1. T = 2: LT factor 1/2 → 1 accepted. T = 4: series
    # factor 2/4 → 2, then LT factor 1/4 → floor(0.5) = 0 accepted: the double proration of X34.
    lt = Policy("cash", True, "letter_of_transmittal", "pro_rata")
    terms = (PoolTerms("c", CASH, 1, None, Decimal(1)), PoolTerms("n", NOTES, 1, None, Decimal(1)))
    accepted = [allocate_class(ClassInput("A", 2, 1, (TenderLine("r", "cash", t, box_shares=0),), terms), lt).accepted
                for t in (2, 4)]
    assert accepted == [1, 0]


@settings(max_examples=300, deadline=None)
@given(class_inputs(), policies, st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=4))
def test_more_tenders_never_raise_the_series_factor(ci, policy, extra, row):
    assume(row < len(ci.lines))
    before = allocate_class(ci, policy)
    lines = list(ci.lines)
    x = lines[row]
    lines[row] = TenderLine(x.id, x.election, x.shares + extra, x.cash_designated, x.notes_designated, x.box_shares)
    after = allocate_class(ClassInput(ci.id, ci.sought, ci.outstanding, tuple(lines), ci.pools, ci.recorded), policy)
    assert after.tendered == before.tendered + extra
    assert after.series_factor <= before.series_factor
    # Exactly (before flooring) the series accepts min(T, N), which cannot fall.
    assert min(after.tendered, after.acceptance_limit) >= min(before.tendered, before.acceptance_limit)


@pytest.mark.parametrize("value,expected", [(Fraction(492425, 738586), "0.666713"),
                                            (Fraction(1, 3), "0.333333"), (Fraction(2, 3), "0.666667"),
                                            (Fraction(1), "1.000000")])
def test_factor_display_is_rounded_half_up_to_six_places(value, expected):
    assert factor_text(value) == expected
