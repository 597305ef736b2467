"""Covenant calculators: hand-computed capacities and ratios, boundaries, and invariants.

Every expected figure below was worked by hand (the arithmetic is in the comment beside
it); the seeds' own figures are cited where they are used.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.covenants import (DefaultStatus, Payment, PeriodFigure, RestrictedPaymentTerms,
                               capacity_on, floor_to_places, money_text, percent_floor_2dp,
                               ratio_floor_2dp, restricted_payment_tests)
from checker.covenants_affiliates import AffiliateDeal, AffiliateTerms, affiliate_tests
from checker.covenants_control import ControlEvent, ControlTerms, change_of_control_test
from checker.covenants_events import (DefaultRecord, DefaultTerms, default_status,
                                      event_of_default_tests)
from checker.covenants_ratios import (BalanceSheet, Debt, DebtTerms, FourQuarters,
                                      debt_incurrence_tests, preferred_dividend_coverage)

day = dt.date.fromisoformat
NO_DEFAULT = DefaultStatus(False)

# The 2003 Senior Notes covenant (OC p.50 L3486-3497): REIT taxable income for tax years
# ended after Dec 31, 2001, plus $1 million; no default under this indenture.
IND2003 = RestrictedPaymentTerms(
    indenture="ind03", reit_income_after=day("2001-12-31"), includes_equity_proceeds=False,
    fixed_basket=D(1000000), requires_no_default=True, reit_distributions_exempt=True,
    exempt_count_toward_total=None)
# The 1997 Senior Notes covenant (PS L1519-1585): after Dec 31, 1996, plus stock proceeds,
# plus $25 million; permitted payments (i)-(iv) excluded from the total.
IND1997 = RestrictedPaymentTerms(
    indenture="ind97", reit_income_after=day("1996-12-31"), includes_equity_proceeds=True,
    fixed_basket=D(25000000), requires_no_default=True, reit_distributions_exempt=True,
    exempt_count_toward_total=None,
    permitted_payments=frozenset({"declared_dividend_within_window", "equity_refunding",
                                  "subordinated_refinancing", "preferred_dividends_with_coverage"}),
    permitted_excluded_from_total=True, dividend_window_days=60)

TI_2002 = [PeriodFigure(day("2002-12-31"), D(4000000))]
TI_1997_2002 = [PeriodFigure(day(f"{y}-12-31"), D(v)) for y, v in
                ((1997, 6000000), (1998, 4000000), (1999, -2000000), (2000, 0),
                 (2001, 1000000), (2002, 1000000))]
LEDGER_1997 = [Payment("tenders-2001", "ledger", day("2001-12-31"), D(19998368), past=True)]


def pay(id_: str, amount: str | int | None, on: str | None = "2003-09-30",
        kind: str = "preferred_tender_future", **kw) -> Payment:
    return Payment(id_, kind, day(on) if on else None,
                   D(amount) if amount is not None else None, **kw)


def run(terms=IND2003, proposed=(), ledger=(), years=TI_2002, sales=None, defaults=NO_DEFAULT):
    return restricted_payment_tests(terms, list(proposed), None if ledger is None else list(ledger),
                                    list(years), sales, lambda _d: defaults)


# ------------------------------------------------------------------ named roundings

def test_named_roundings_round_down_and_show_cents():
    assert floor_to_places(D("-0.005"), 2) == D("-0.01")
    assert str(ratio_floor_2dp(D(9000000), D(4500000))) == "2.00"
    assert ratio_floor_2dp(D(723000), D(10430000)) == D("0.06")       # 0.0693... down
    assert percent_floor_2dp(D(30094000), D(184142578)) == D("16.34")  # 16.3427...% down
    assert ratio_floor_2dp(D(1), D(0)) is None
    assert money_text(D("-49521775.5")) == "-$49,521,775.50"
    assert money_text(D("25.725")) == "$25.725"


# ------------------------------------------------------------------ capacity

def test_capacity_2003_is_reit_income_since_2002_plus_one_million():
    cap = capacity_on(IND2003, day("2003-09-30"), TI_2002, None)
    assert (cap.reit_taxable_income, cap.equity_proceeds, cap.total) == (D(4000000), 0, D(5000000))
    assert cap.reit_tax_years == "2002"


def test_capacity_1997_adds_all_three_builders():
    # 6,000,000 + 4,000,000 − 2,000,000 + 0 + 1,000,000 + 1,000,000 = 10,000,000 REIT income;
    # + 2,000,000 stock proceeds + 25,000,000 = 37,000,000.
    sales = [PeriodFigure(day("1998-12-31"), D(2000000))]
    cap = capacity_on(IND1997, day("2003-02-28"), TI_1997_2002, sales)
    assert (cap.reit_taxable_income, cap.equity_proceeds, cap.total) == (
        D(10000000), D(2000000), D(37000000))
    assert cap.reit_tax_years == "1997-2002"


def test_capacity_counts_only_tax_years_ended_by_the_payment():
    # A payment on 2002-06-30: no tax year after 2001 has ended: capacity is the $1 million.
    assert capacity_on(IND2003, day("2002-06-30"), [], None).total == D(1000000)
    # On 2003-12-31 the 2003 year has ended and must be stated.
    cap = capacity_on(IND2003, day("2003-12-31"), TI_2002, None)
    assert cap.total is None and cap.missing == ("REIT taxable income for tax year(s) 2003",)


def test_capacity_with_a_missing_year_or_builder_is_unknown_not_smaller():
    cap = capacity_on(IND2003, day("2003-09-30"), [], None)
    assert cap.total is None and "2002" in cap.missing[0]
    cap = capacity_on(IND1997, day("2003-02-28"), TI_1997_2002, None)
    assert cap.total is None and "capital stock" in cap.missing[0]


def test_cumulative_losses_reduce_capacity_below_the_fixed_basket():
    cap = capacity_on(IND2003, day("2003-09-30"), [PeriodFigure(day("2002-12-31"), D(-3000000))], None)
    assert cap.total == D(-2000000)
    [t] = run(proposed=[pay("x", 1)], years=[PeriodFigure(day("2002-12-31"), D(-3000000))])
    assert t.capacity_remaining == D(-2000000) and t.headroom_after == D(-2000001)


# ------------------------------------------------------------------ the sequence

def test_exactly_at_capacity_passes_and_one_cent_over_fails():
    [at] = run(proposed=[pay("t", 5000000)])
    assert (at.basis, at.capacity_remaining, at.headroom_after) == ("basket", D(5000000), D(0))
    [over] = run(proposed=[pay("t", "5000000.01")])
    assert over.headroom_after == D("-0.01")


def test_1997_remaining_after_the_2001_tenders():
    # 37,000,000 − 19,998,368 (2001 tenders, OC p.45 L3177-3184) = 17,001,632.
    sales = [PeriodFigure(day("1998-12-31"), D(2000000))]
    [t] = run(IND1997, [pay("cash-tender", 17001632, "2003-02-28", "preferred_tender_cash")],
              LEDGER_1997, TI_1997_2002, sales)
    assert (t.used_before, t.capacity_remaining, t.headroom_after) == (D(19998368), D(17001632), 0)


def test_each_fits_alone_but_not_together_in_date_order():
    dividend = pay("dividend", 3000000, "2003-06-30", "dividend")
    tender = pay("tender", 2500000, "2003-09-30")
    # Document order puts the later tender first; the test order is by date.
    t_tender, t_dividend = run(proposed=[tender, dividend])
    assert (t_dividend.used_before, t_dividend.headroom_after) == (0, D(2000000))
    assert (t_tender.used_before, t_tender.headroom_after) == (D(3000000), D(-500000))
    assert run(proposed=[tender])[0].headroom_after == D(2500000)   # alone it fits


def test_ledger_entries_after_the_payment_date_are_not_counted():
    ledger = [Payment("later", "ledger", day("2004-01-15"), D(999999), past=True)]
    [t] = run(proposed=[pay("t", 1)], ledger=ledger)
    assert t.used_before == 0


def test_unknown_ledger_or_amount_or_date_makes_used_unknown():
    assert run(proposed=[pay("t", 1)], ledger=None)[0].used_before is None
    first, second = run(proposed=[pay("a", None, "2003-06-30", "dividend"), pay("b", 1)])
    assert first.used_before == 0 and second.used_before is None
    undated, dated = run(proposed=[pay("a", 1, None, "dividend"), pay("b", 1)])
    assert undated.test_date is None and dated.used_before is None


def test_reit_distribution_is_exempt_and_both_readings_are_kept():
    reit = pay("reit", 9000000, "2003-03-31", "dividend", reit_distribution_required=True)
    tender = pay("tender", 4500000, "2003-09-30")
    t_reit, t_tender = run(proposed=[reit, tender])
    assert (t_reit.basis, t_reit.counts_toward_total) == ("reit_distribution", False)
    assert t_tender.used_before == 0 and t_tender.headroom_after == D(500000)
    assert t_tender.used_before_counting_exempt == D(9000000)
    assert t_tender.headroom_after_counting_exempt == D(-8500000)
    # A covenant that says they count has one reading only.
    stated = RestrictedPaymentTerms(**{**IND2003.__dict__, "exempt_count_toward_total": True})
    _, t = run(stated, [reit, tender])
    assert t.used_before == D(9000000) and t.used_before_counting_exempt is None


def test_a_tender_is_never_a_reit_distribution():
    [t] = run(proposed=[pay("t", 1, reit_distribution_required=True)])
    assert t.basis == "basket"


def test_the_offer_that_creates_the_indenture_is_outside_it():
    terms = RestrictedPaymentTerms(**{**IND2003.__dict__, "issued_by_offer": True})
    cash, exchange, later = run(terms, [pay("cash", 20000000, "2003-02-28", "preferred_tender_cash"),
                                        pay("exchange", 30000000, "2003-02-28", "preferred_exchange_notes"),
                                        pay("later", 1000000)])
    assert cash.basis == exchange.basis == "outside"
    assert later.used_before == 0 and later.headroom_after == D(4000000)
    dated = RestrictedPaymentTerms(**{**IND2003.__dict__, "dated": day("2003-02-28")})
    assert run(dated, [pay("early", 1, "2003-01-15", "dividend")])[0].basis == "outside"


def test_permitted_iv_is_excluded_from_the_total_and_keeps_capacity():
    # Coverage (7,500,000 + 1,000,000 + 500,000) / (3,000,000 + 1,500,000) = 2.00 exactly.
    period = FourQuarters(day("2002-12-31"), D(7500000), D(3000000), D(1000000))
    met, text = preferred_dividend_coverage(period, D(500000), D(2))
    assert met is True and "= 2.00 to 1" in text
    short = FourQuarters(day("2002-12-31"), D("7499999.99"), D(3000000), D(1000000))
    assert preferred_dividend_coverage(short, D(500000), D(2))[0] is False
    assert preferred_dividend_coverage(None, D(500000), D(2))[0] is None
    sales = [PeriodFigure(day("1998-12-31"), D(0))]
    div = pay("div", 50000000, "2003-03-31", "dividend",
              permitted_basis="preferred_dividends_with_coverage", coverage_met=True, coverage_text=text)
    t_div, t_next = run(IND1997, [div, pay("next", 1)], [], TI_1997_2002, sales)
    assert (t_div.basis, t_div.counts_toward_total) == ("permitted", False)
    assert t_div.headroom_after == t_div.capacity_remaining == D(35000000)
    assert t_next.used_before == 0


def test_permitted_basis_failing_or_unknown_falls_back_to_the_basket():
    sales = [PeriodFigure(day("1998-12-31"), D(0))]
    failed = pay("div", 1, "2003-03-31", "dividend", permitted_basis="preferred_dividends_with_coverage",
                 coverage_met=False, coverage_text="1.50 to 1")
    unknown = pay("div2", 1, "2003-04-30", "dividend", permitted_basis="subordinated_refinancing")
    t_failed, t_unknown = run(IND1997, [failed, unknown], [], TI_1997_2002, sales)
    assert (t_failed.basis, t_failed.permitted_conditions_met) == ("basket", False)
    assert (t_unknown.basis, t_unknown.permitted_conditions_met) == ("basket", None)
    assert t_unknown.used_before == 1   # the failed claim used the basket
    [t] = run(IND2003, [failed])       # 2003 lists no permitted payments
    assert t.permitted_conditions_met is False and "does not permit" in t.permitted_note


def test_permitted_i_is_tested_at_declaration_within_60_days():
    sales = [PeriodFigure(day("1998-12-31"), D(0))]
    # Declared 2003-03-01 when it fitted; paid day 60 (2003-04-30): permitted.
    ok = pay("div", 1000000, "2003-04-30", "dividend", permitted_basis="declared_dividend_within_window",
             declared_on=day("2003-03-01"))
    [t] = run(IND1997, [ok], [], TI_1997_2002, sales)
    assert (t.basis, t.test_date) == ("permitted", day("2003-03-01"))
    late = pay("div", 1000000, "2003-05-01", "dividend", permitted_basis="declared_dividend_within_window",
               declared_on=day("2003-03-01"))
    [t] = run(IND1997, [late], [], TI_1997_2002, sales)
    assert t.basis == "basket" and "61 days" in t.permitted_note


def test_permitted_ii_needs_concurrent_equity_proceeds_covering_the_payment():
    sales = [PeriodFigure(day("1998-12-31"), D(0))]
    covered = pay("r", 5000000, "2003-03-31", permitted_basis="equity_refunding",
                  concurrent_equity_proceeds=D(5000000))
    short = pay("r", 5000000, "2003-03-31", permitted_basis="equity_refunding",
                concurrent_equity_proceeds=D("4999999.99"))
    assert run(IND1997, [covered], [], TI_1997_2002, sales)[0].basis == "permitted"
    assert run(IND1997, [short], [], TI_1997_2002, sales)[0].permitted_conditions_met is False
    blocked = run(IND1997, [covered], [], TI_1997_2002, sales, DefaultStatus(True, ("d",)))[0]
    assert blocked.basis == "basket" and blocked.blocked_by_default is True


def test_default_blocker_scope_and_thresholds():
    eod = DefaultTerms("ind03", 30, 0, 90, D(25000000), "at_least", False, D(40000000),
                       "at_least", 60, True)
    on = day("2003-09-30")
    own = [DefaultRecord("missed", "interest_payment", "ind03", "this_indenture", day("2003-08-31"))]
    assert default_status(eod, "this_indenture", own, [], [], on) == DefaultStatus(True, ("missed",))
    cured = [DefaultRecord("missed", "interest_payment", "ind03", "this_indenture", day("2003-08-31"),
                           cured_on=day("2003-09-15"))]
    assert default_status(eod, "this_indenture", cured, [], [], on).blocked is False
    small = [DefaultRecord("repo", "other_debt_payment", "ind03", "other_indebtedness",
                           day("2003-09-01"), amount=D(1000000))]
    # A $1 million default on other debt is no Default under the 2003 indenture ($25M or more)
    # but is a default "under any Indebtedness" for the 1997 indenture.
    assert default_status(eod, "this_indenture", [], [], small, on).blocked is False
    assert default_status(eod, "any_indebtedness", [], [], small, on).blocked is True
    claim = [DefaultRecord("bcm", "pending_claim", "ind03", None, day("2000-03-01"), amount=D(40000000))]
    assert default_status(eod, "any_indebtedness", [], [], claim, on).blocked is False
    assert default_status(eod, "this_indenture", None, [], [], on).blocked is None


# ------------------------------------------------------------------ debt incurrence

RATIO = DebtTerms("ind97", D(150), D(2), "unsecured_indebtedness")


def test_150_percent_boundary_and_seed_pro_forma():
    sheet = [BalanceSheet(day("2002-09-30"), D(0), D(20000000))]
    [at] = debt_incurrence_tests(RATIO, [Debt("n", day("2003-02-28"), D(30000000), False)], sheet, [])
    assert (at.limit_amount, at.headroom, at.ratio_percent) == (D(30000000), 0, D("150.00"))
    [over] = debt_incurrence_tests(RATIO, [Debt("n", day("2003-02-28"), D("30000000.01"))], sheet, [])
    assert over.headroom == D("-0.01")
    # OC p.11 (thousands): recourse debt 94 → 30,094 pro forma; equity 234,142,578 (p.36)
    # less the $50,000,000 retired = 184,142,578; 150% = 276,213,867; headroom 246,119,867.
    seed = [BalanceSheet(day("2002-09-30"), D(94000), D(234142578), illustrative=True)]
    [t] = debt_incurrence_tests(RATIO, [Debt("n", day("2003-02-28"), D(30000000), False,
                                             net_worth_change=D(-50000000))], seed, [])
    assert (t.indebtedness_pro_forma, t.net_worth_pro_forma, t.limit_amount, t.headroom) == (
        D(30094000), D(184142578), D(276213867), D(246119867))
    assert t.ratio_percent == D("16.34") and t.illustrative


def test_debt_is_cumulative_in_date_order():
    sheet = [BalanceSheet(day("2002-09-30"), D(0), D(20000000))]
    debts = [Debt("second", day("2003-03-31"), D(20000000), True),
             Debt("first", day("2003-02-28"), D(20000000), True)]
    second, first = debt_incurrence_tests(RATIO, debts, sheet, [])
    assert first.headroom == D(10000000) and second.earlier_debt == D(20000000)
    assert second.headroom == D(-10000000)


def test_coverage_boundary_and_seed_fy2001_pro_forma():
    quarters = [FourQuarters(day("2002-12-31"), D(6000000), D(1000000))]
    [t] = debt_incurrence_tests(RATIO, [Debt("n", day("2003-02-28"), D(1), False,
                                             interest_change=D(2000000))], [], quarters)
    assert (t.coverage_applies, t.coverage_ratio, t.coverage_income_headroom) == (True, D("2.00"), 0)
    # OC p.13 (thousands), FY2001: net loss (3,085) + recourse interest 7,580 − extraordinary
    # gain 2,972 = 1,523 income available; pro forma −800 income, +2,850 interest:
    # 723 / 10,430 = 0.069 → 0.06 to 1; needs 20,860; headroom −20,137.
    fy2001 = [FourQuarters(day("2001-12-31"), D(1523000), D(7580000), illustrative=True)]
    [t] = debt_incurrence_tests(RATIO, [Debt("n", day("2003-02-28"), D(30000000), False,
                                             interest_change=D(2850000), income_change=D(-800000))],
                                [], fy2001)
    assert (t.income_available_pro_forma, t.interest_expense_pro_forma) == (D(723000), D(10430000))
    assert t.coverage_ratio == D("0.06") and t.coverage_income_headroom == D(-20137000)


def test_coverage_covers_unsecured_debt_only_and_needs_to_know():
    quarters = [FourQuarters(day("2002-12-31"), D(6000000), D(1000000))]
    [secured] = debt_incurrence_tests(RATIO, [Debt("n", day("2003-02-28"), D(1), True)], [], quarters)
    assert secured.coverage_applies is False
    [unknown] = debt_incurrence_tests(RATIO, [Debt("n", day("2003-02-28"), D(1), None)], [], quarters)
    assert unknown.coverage_applies is None
    [permitted] = debt_incurrence_tests(RATIO, [Debt("n", day("2003-02-28"), D(1), permitted=True)],
                                        [], quarters)
    assert permitted.coverage_applies is False and permitted.headroom is None


# ------------------------------------------------------------------ affiliate transactions

AFF2003 = AffiliateTerms("ind03", D(3000000), "unanimous", D(5000000), "independent_financial_advisor",
                         "greater_than", opinion_before_consummation=True, opinion_filed_required=True,
                         ordinary_course_exempt_from_opinion=True)


def test_affiliate_thresholds_are_in_excess_of_and_aggregate_common_plans():
    [at] = affiliate_tests(AFF2003, [AffiliateDeal("a", day("2003-06-30"), D(3000000))])
    assert (at.board_required, at.board_ok, at.fairness_required) == (False, True, False)
    [over] = affiliate_tests(AFF2003, [AffiliateDeal("a", day("2003-06-30"), D("3000000.01"),
                                                     board_approval="majority")])
    assert (over.board_required, over.board_ok) == (True, False)
    a, b = affiliate_tests(AFF2003, [AffiliateDeal("a", None, D(2000000), "plan"),
                                     AffiliateDeal("b", None, D(1500000), "plan")])
    assert a.aggregate == b.aggregate == D(3500000) and a.board_required and a.board_ok is None


def test_fairness_opinion_must_precede_consummation_and_be_filed():
    good = AffiliateDeal("a", day("2003-06-30"), D(6000000), board_approval="unanimous",
                         opinion_from="nationally_recognized_investment_bank",
                         opinion_on=day("2003-06-30"), opinion_filed=True)
    assert affiliate_tests(AFF2003, [good])[0].fairness_ok is True
    late = AffiliateDeal("a", day("2003-06-30"), D(6000000), opinion_from="independent_financial_advisor",
                         opinion_on=day("2003-07-01"), opinion_filed=True)
    assert affiliate_tests(AFF2003, [late])[0].fairness_ok is False
    unfiled = AffiliateDeal("a", day("2003-06-30"), D(6000000), opinion_from="independent_financial_advisor",
                            opinion_on=day("2003-06-01"))
    assert affiliate_tests(AFF2003, [unfiled])[0].fairness_ok is None


# ------------------------------------------------------------------ change of control

COC2003 = ControlTerms("ind03", D(50), "greater_than", False, None, 30, 30, 60)
COC1997 = ControlTerms("ind97", D(50), "at_least", True, 90, 30, None, 45)


def test_change_of_control_thresholds_more_than_vs_or_more():
    at_50 = ControlEvent("e", "voting_power", day("2004-03-01"), D(50))
    assert change_of_control_test(COC2003, at_50).is_change_of_control is False
    assert change_of_control_test(COC1997, at_50).is_change_of_control is True
    t = change_of_control_test(COC2003, ControlEvent("e", "voting_power", day("2004-03-01"), D("50.01"),
                                                     notice_mailed_on=day("2004-03-31")))
    assert (t.triggered, t.notice_deadline) == (True, day("2004-03-31"))
    assert (t.repurchase_earliest, t.repurchase_latest) == (day("2004-04-30"), day("2004-05-30"))


def test_1997_needs_a_rating_decline_within_90_days_of_public_notice():
    base = dict(kind="voting_power", occurred_on=day("2004-03-01"), voting_power_percent=D(60),
                public_notice_on=day("2004-02-15"), rating_decline=True)
    t = change_of_control_test(COC1997, ControlEvent("e", **base, rating_decline_on=day("2004-05-15"),
                                                     notice_mailed_on=day("2004-06-14")))
    # Feb 15 + 90 days = May 15, 2004 (a leap year): on the last day of the window.
    assert (t.triggered, t.trigger_date, t.notice_deadline) == (True, day("2004-05-15"), day("2004-06-14"))
    assert t.repurchase_latest == day("2004-07-29")
    late = change_of_control_test(COC1997, ControlEvent("e", **base, rating_decline_on=day("2004-05-16")))
    assert late.triggered is False
    unknown = change_of_control_test(COC1997, ControlEvent("e", "voting_power", day("2004-03-01"), D(60)))
    assert unknown.triggered is None


# ------------------------------------------------------------------ events of default

EOD2003 = DefaultTerms("ind03", 30, 0, 90, D(25000000), "at_least", False, D(40000000), "at_least",
                       60, True)
EOD1997 = DefaultTerms("ind97", 30, 0, 60, D(10000000), "greater_than", True, D(10000000),
                       "greater_than", 60, False)


def _prong(tests, prong):
    return next(t for t in tests if t.prong == prong)


def test_cross_default_or_more_vs_in_excess_with_acceleration():
    debt = [DefaultRecord("repo", "other_debt_payment", "x", "other_indebtedness", day("2003-06-01"),
                          amount=D(25000000))]
    on = day("2003-06-30")
    assert _prong(event_of_default_tests(EOD2003, [], debt, on), "cross_default").is_event_of_default
    assert not _prong(event_of_default_tests(EOD1997, [], debt, on), "cross_default").is_event_of_default
    accelerated = [DefaultRecord("repo", "other_debt_acceleration", "x", "other_indebtedness",
                                 day("2003-06-01"), accelerated_on=day("2003-06-15"),
                                 amount=D("10000000.01"))]
    assert _prong(event_of_default_tests(EOD1997, [], accelerated, on), "cross_default").is_event_of_default


def test_judgments_count_after_60_days_net_of_insurance():
    j = [DefaultRecord("bcm", "judgment", "x", None, day("2003-01-01"), amount=D(40000000))]
    assert not _prong(event_of_default_tests(EOD2003, [], j, day("2003-03-01")), "judgments").is_event_of_default
    assert _prong(event_of_default_tests(EOD2003, [], j, day("2003-03-02")), "judgments").is_event_of_default
    insured = [DefaultRecord("bcm", "judgment", "x", None, day("2003-01-01"), amount=D(40000000),
                             insured_amount=D(1))]
    assert not _prong(event_of_default_tests(EOD2003, [], insured, day("2003-03-02")),
                      "judgments").is_event_of_default


def test_interest_grace_30_days_and_covenant_cure_after_notice():
    own = [DefaultRecord("int", "interest_payment", "ind03", "this_indenture", day("2003-05-31")),
           DefaultRecord("cov", "covenant_breach", "ind03", "this_indenture", day("2003-03-15"),
                         notice_given_on=day("2003-04-01"))]
    before = event_of_default_tests(EOD2003, own, [], day("2003-06-29"))
    assert not _prong(before, "payment").is_event_of_default
    assert not _prong(before, "covenant_cure").is_event_of_default
    after = event_of_default_tests(EOD2003, own, [], day("2003-06-30"))
    assert _prong(after, "payment").eod_date == day("2003-06-30") and _prong(after, "payment").is_event_of_default
    assert _prong(after, "covenant_cure").is_event_of_default


def test_defaults_not_stated_leave_the_prongs_unknown():
    tests = event_of_default_tests(EOD2003, None, [], day("2003-06-30"))
    assert [t.is_event_of_default for t in tests] == [None, None]


# ------------------------------------------------------------------ properties

amounts = st.decimals(min_value=D("0.01"), max_value=D(30_000_000), places=2)


@settings(max_examples=200, deadline=None)
@given(income=st.decimals(min_value=0, max_value=D(20_000_000), places=2),
       steps=st.lists(st.tuples(amounts, st.sampled_from(["basket", "reit", "permitted"])),
                      min_size=1, max_size=8))
def test_capacity_never_negative_after_a_permitted_payment(income, steps):
    """Make each basket payment only if it fits; permitted and exempt payments are always made.
    Then the remaining capacity is never negative, and a permitted or exempt payment leaves
    it exactly where it was."""
    years = [PeriodFigure(day(f"{y}-12-31"), D(0)) for y in range(1997, 2002)] + [
        PeriodFigure(day("2002-12-31"), income)]
    sales = [PeriodFigure(day("1998-12-31"), D(0))]
    made: list[Payment] = []
    for k, (amount, kind) in enumerate(steps):
        on = (day("2003-03-01") + dt.timedelta(days=k)).isoformat()
        candidate = {
            "basket": pay(f"p{k}", amount, on, "dividend"),
            "reit": pay(f"p{k}", amount, on, "dividend", reit_distribution_required=True),
            "permitted": pay(f"p{k}", amount, on, "dividend", permitted_basis="equity_refunding",
                             concurrent_equity_proceeds=amount),
        }[kind]
        last = run(IND1997, made + [candidate], [], years, sales)[-1]
        if last.basis == "basket" and last.headroom_after < 0:
            continue  # the issuer does not make a payment that would breach the covenant
        made.append(candidate)
        assert last.capacity_remaining >= 0 and last.headroom_after >= 0
        if last.basis != "basket":
            assert last.headroom_after == last.capacity_remaining


@settings(max_examples=200, deadline=None)
@given(income=st.decimals(min_value=0, max_value=D(10_000_000), places=2),
       first=st.decimals(min_value=D("0.01"), max_value=D(11_000_000), places=2),
       second=st.decimals(min_value=D("0.01"), max_value=D(11_000_000), places=2),
       swap=st.booleans())
def test_two_that_fit_alone_do_not_both_pass_when_together_they_exceed(income, first, second, swap):
    years = [PeriodFigure(day("2002-12-31"), income)]
    capacity = income + 1000000
    a = pay("a", first, "2003-06-30", "dividend")
    b = pay("b", second, "2003-09-30")
    order = [b, a] if swap else [a, b]
    results = {t.transaction: t for t in run(proposed=order, years=years)}
    passes = [results[x].headroom_after >= 0 for x in ("a", "b")]
    if first + second > capacity:
        assert not all(passes)
    else:
        assert all(passes)
    # Each alone is judged against the whole capacity.
    assert (run(proposed=[b], years=years)[0].headroom_after >= 0) == (second <= capacity)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(amounts, st.integers(min_value=0, max_value=300)), min_size=1, max_size=6),
       st.randoms(use_true_random=False))
def test_results_do_not_depend_on_document_order(items, rnd):
    proposed = [pay(f"p{k}", amount, (day("2003-01-01") + dt.timedelta(days=offset)).isoformat(), "dividend")
                for k, (amount, offset) in enumerate(items)]
    shuffled = list(proposed)
    rnd.shuffle(shuffled)
    key = lambda ts: {t.transaction: (t.used_before, t.headroom_after) for t in ts}  # noqa: E731
    # Same-day payments keep document order between them, so compare only distinct dates.
    if len({p.date for p in proposed}) == len(proposed):
        assert key(run(proposed=proposed)) == key(run(proposed=shuffled))


@settings(max_examples=100, deadline=None)
@given(worth=st.decimals(min_value=D(1), max_value=D(100_000_000), places=2),
       first=amounts, second=amounts)
def test_debt_each_fitting_alone_fails_together_when_over_the_limit(worth, first, second):
    sheet = [BalanceSheet(day("2002-09-30"), D(0), worth)]
    limit = worth * 150 / 100
    t1, t2 = debt_incurrence_tests(RATIO, [Debt("a", day("2003-01-31"), first, True),
                                           Debt("b", day("2003-02-28"), second, True)], sheet, [])
    assert (t1.headroom >= 0) == (first <= limit)
    assert (t2.headroom >= 0) == (first + second <= limit)


# ------------------------------------------------------------------ published shape

def test_derived_covenants_match_the_derived_schema():
    from jsonschema import Draft202012Validator

    from checker.derived import compute
    from checker.document import load_document
    from checker.expr import cel_value
    from checker.resources import schema_path

    schema = json.loads(schema_path("derived.schema.json").read_text(encoding="utf-8"))
    sub = {"$defs": schema["$defs"], **schema["properties"]["covenants"]}
    validator = Draft202012Validator(sub)
    for path in ("examples/dynex-2003/offer.yaml", "examples/dynex-2003/covenants-what-if.yaml",
                 "examples/dynex-2003/ind1997-what-if.yaml"):
        published = compute(load_document(path), {"covenants"})["covenants"]
        errors = list(validator.iter_errors(cel_value(published)))
        assert errors == [], (path, errors[0].message if errors else None)
        assert any(published.values()), path


@pytest.mark.parametrize("status", ["retired", "defeased"])
def test_retired_and_defeased_indentures_bind_nothing(status, tmp_path):
    from checker.derived import compute
    from checker.document import load_document_text

    doc = load_document_text(f"""\
schema_version: 1
offer: {{id: t, as_of: 2003-06-30T12:00:00-04:00}}
indentures:
  - id: old
    status: {status}
    covenants: {{restricted_payments: {{present: true, fixed_basket: 0}}}}
proposed_transactions:
  - {{id: t, kind: preferred_tender_future, date: 2003-09-30, amount: 1}}
""")
    assert compute(doc, {"covenants"})["covenants"]["restricted_payment_tests"] == []


def test_period_totals_of_restricted_payments_are_counted_too():
    from checker.derived import compute
    from checker.document import load_document_text

    doc = load_document_text("""\
schema_version: 1
offer: {id: t, as_of: 2003-06-30T12:00:00-04:00}
indentures:
  - id: ind03
    status: outstanding
    covenants: {restricted_payments: {present: true, reit_taxable_income_tax_years_after: 2001-12-31,
                                      fixed_basket: 1000000}}
    financials:
      - {id: ti-2002, kind: tax_year, period_end: 2002-12-31, reit_taxable_income: 4000000}
      - {id: q1-2003, kind: fiscal_quarter, period_end: 2003-03-31, restricted_payments_made: 1500000}
    defaults: []
proposed_transactions:
  - {id: t, kind: preferred_tender_future, date: 2003-09-30, amount: 1}
""")
    [test] = compute(doc, {"covenants"})["covenants"]["restricted_payment_tests"]
    # No ledger list, but a period total: used $1,500,000 of the $5,000,000 capacity.
    assert (test["used_before"], test["capacity_remaining"]) == (D(1500000), D(3500000))
