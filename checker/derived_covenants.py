"""Publish indenture covenant tests as derived facts: ``derived.covenants.*``.

For every indenture that is (or may be) in force — status proposed, outstanding or
not stated; retired and defeased indentures bind nothing — and every proposed
transaction of a kind its covenants restrict, this runs the exact calculators in
checker.covenants* and publishes one test per (indenture, transaction) with the
numbers and the computation in words. A transaction that names ``indenture_refs``
is tested against those indentures only.

Each list item's ``id`` is the transaction (or event, or prong), so a rule looping
``for i in indentures, t in derived.covenants.<list> where t.indenture == i.id``
reports instances such as ``indenture-2003/later-tender``. Figures that cannot be
computed are left out, so the rules reading them go not_evaluable.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from checker.covenants import (RESTRICTED_PAYMENT_KINDS, PeriodFigure, Payment,
                               RestrictedPaymentTerms, restricted_payment_tests)
from checker.covenants_affiliates import AffiliateDeal, AffiliateTerms, affiliate_tests
from checker.covenants_control import ControlEvent, ControlTerms, change_of_control_test
from checker.covenants_events import (COMPANY_WIDE_KINDS, DefaultRecord, DefaultTerms,
                                      default_status, event_of_default_tests)
from checker.covenants_ratios import (DEBT_KINDS, BalanceSheet, Debt, DebtTerms, FourQuarters,
                                      debt_incurrence_tests, preferred_dividend_coverage)
from checker.derived import calculator
from checker.document import OfferDocument

IN_FORCE = (None, "proposed", "outstanding")


@calculator("covenants")
def covenants(document: OfferDocument) -> dict[str, Any]:
    indentures = [i for i in document.get(("indentures",)) or [] if i.get("status") in IN_FORCE]
    transactions = document.get(("proposed_transactions",)) or []
    as_of = document.get(("offer", "as_of"))
    day = as_of.astimezone(document.timezone).date() if isinstance(as_of, dt.datetime) else None
    company = _company_records(document.get(("indentures",)) or [])
    out: dict[str, list[dict[str, Any]]] = {
        "restricted_payment_tests": [], "debt_incurrence_tests": [],
        "affiliate_transaction_tests": [], "change_of_control_tests": [],
        "event_of_default_tests": []}
    for ind in indentures:
        start = {name: len(items) for name, items in out.items()}
        covs = ind.get("covenants") or {}
        mine = [t for t in transactions if "indenture_refs" not in t or ind["id"] in t["indenture_refs"]]
        eod_terms = _default_terms(ind["id"], covs.get("events_of_default"))
        own = _own_records(ind)
        if _present(covs.get("restricted_payments")):
            out["restricted_payment_tests"] += _restricted(ind, covs, mine, eod_terms, own,
                                                           indentures, company)
        if _present(covs.get("debt_incurrence")):
            out["debt_incurrence_tests"] += _debt(ind, covs["debt_incurrence"], mine)
        if _present(covs.get("affiliate_transactions")):
            out["affiliate_transaction_tests"] += _affiliates(ind, covs["affiliate_transactions"], mine)
        if _present(covs.get("change_of_control")):
            terms = _control_terms(ind["id"], covs["change_of_control"])
            for raw in ind.get("change_of_control_events") or []:
                out["change_of_control_tests"].append(_publish(
                    change_of_control_test(terms, _control_event(raw)), id=raw["id"],
                    as_of_date=day))
        if covs.get("events_of_default") is not None:
            for test in event_of_default_tests(eod_terms, own, company, day):
                out["event_of_default_tests"].append(_publish(test, headroom=test.headroom))
        # Each test carries the indenture's status under the same key, so that a rule reading
        # indentures[].status of an indenture that lacks one reports that fact as missing.
        for name, items in out.items():
            for item in items[start[name]:]:
                item["status"] = ind.get("status") or "not_stated"
    return out


def _present(section: dict[str, Any] | None) -> bool:
    return section is not None and section.get("present") is not False


def _illustrative(raw: dict[str, Any]) -> bool:
    return raw.get("illustrative") is True


# ------------------------------------------------------------------ restricted payments

def _restricted(ind: dict[str, Any], covs: dict[str, Any], mine: list[dict[str, Any]],
                eod_terms: DefaultTerms, own: list[DefaultRecord] | None,
                indentures: list[dict[str, Any]], company: list[DefaultRecord]) -> list[dict[str, Any]]:
    rp = covs["restricted_payments"]
    debt = covs.get("debt_incurrence") or {}
    terms = RestrictedPaymentTerms(
        indenture=ind["id"], reit_income_after=rp.get("reit_taxable_income_tax_years_after"),
        includes_equity_proceeds=rp.get("includes_equity_proceeds") is True,
        fixed_basket=rp.get("fixed_basket"),
        requires_no_default=rp.get("requires_no_default") is not False,
        reit_distributions_exempt=rp.get("reit_distributions_exempt") is True,
        exempt_count_toward_total=rp.get("exempt_distributions_count_toward_total"),
        permitted_payments=frozenset(rp.get("permitted_payments") or ()),
        permitted_excluded_from_total=rp.get("permitted_payments_excluded_from_total"),
        dividend_window_days=rp.get("dividend_payment_window_days"),
        issued_by_offer=ind.get("issued_by_offer") is True, dated=ind.get("dated"))
    financials = ind.get("financials") or []
    reit_years = [PeriodFigure(f["period_end"], f["reit_taxable_income"], _illustrative(f))
                  for f in financials if f.get("kind") == "tax_year"
                  and "period_end" in f and "reit_taxable_income" in f]
    sales = [PeriodFigure(f["period_end"], f["net_proceeds_of_capital_stock_sales"], _illustrative(f))
             for f in financials if "period_end" in f and "net_proceeds_of_capital_stock_sales" in f]
    interest_key = ("interest_expense" if debt.get("coverage_applies_to") == "all_indebtedness"
                    else "unsecured_interest_expense")
    quarters = _quarters(financials, interest_key)
    proposed = [_payment(t, quarters, rp.get("preferred_dividend_min_coverage_ratio"))
                for t in mine if t.get("kind") in RESTRICTED_PAYMENT_KINDS]
    ledger_raw = ind.get("restricted_payments_made")
    ledger = None if ledger_raw is None else [
        Payment(id=r["id"], kind="ledger", date=r.get("date"), amount=r.get("amount"),
                reit_distribution_required=r.get("reit_distribution_required") is True,
                permitted_basis=r.get("permitted_basis"), illustrative=_illustrative(r), past=True)
        for r in ledger_raw]
    # Period totals (financials[].restricted_payments_made) count too, dated at the period's
    # end: a payment recorded there must never be ignored. Record each payment only once.
    totals = [Payment(id=f["id"], kind="ledger", date=f.get("period_end"),
                      amount=f["restricted_payments_made"], illustrative=_illustrative(f), past=True)
              for f in financials if "restricted_payments_made" in f]
    if totals:
        ledger = (ledger or []) + totals
    others_own = [r for other in indentures if other["id"] != ind["id"]
                  for r in (_own_records(other) or [])]

    def defaults_on(day: dt.date):
        return default_status(eod_terms, rp.get("default_scope"), own, others_own, company, day)

    tests = restricted_payment_tests(terms, proposed, ledger, reit_years,
                                     sales if sales else None, defaults_on)
    return [_publish(t, id=t.transaction, reit_taxable_income=t.capacity.reit_taxable_income,
                     reit_tax_years=t.capacity.reit_tax_years or None,
                     equity_proceeds=t.capacity.equity_proceeds,
                     fixed_basket=t.capacity.fixed_basket, capacity=t.capacity.total,
                     capacity_remaining=t.capacity_remaining, headroom_after=t.headroom_after,
                     headroom_after_counting_exempt=t.headroom_after_counting_exempt,
                     defaults_continuing=", ".join(t.defaults_continuing) or None,
                     capacity_missing="; ".join(t.capacity.missing) or None,
                     permitted_note=t.permitted_note or None,
                     illustrative=t.illustrative)
            for t in tests]


def _payment(t: dict[str, Any], quarters: list[FourQuarters], min_ratio: Decimal | None) -> Payment:
    met, text = None, ""
    if t.get("permitted_basis") == "preferred_dividends_with_coverage":
        when = t.get("declared_on") or t.get("date")
        period = max((q for q in quarters if when is not None and q.period_end < when),
                     key=lambda q: q.period_end, default=None)
        met, text = preferred_dividend_coverage(period, t.get("amount"), min_ratio)
    return Payment(id=t["id"], kind=t["kind"], date=t.get("date"), amount=t.get("amount"),
                   reit_distribution_required=t.get("reit_distribution_required") is True,
                   permitted_basis=t.get("permitted_basis"), declared_on=t.get("declared_on"),
                   concurrent_equity_proceeds=t.get("concurrent_equity_proceeds"),
                   refinancing_conditions_met=t.get("refinancing_conditions_met"),
                   coverage_met=met, coverage_text=text, illustrative=_illustrative(t))


def _quarters(financials: list[dict[str, Any]], interest_key: str) -> list[FourQuarters]:
    return [FourQuarters(f["period_end"], f.get("income_available_for_interest"),
                         f.get(interest_key), f.get("preferred_dividends"), _illustrative(f))
            for f in financials if f.get("kind") == "four_quarters" and "period_end" in f]


# ------------------------------------------------------------------ debt incurrence

def _debt(ind: dict[str, Any], cov: dict[str, Any], mine: list[dict[str, Any]]) -> list[dict[str, Any]]:
    terms = DebtTerms(ind["id"], cov.get("max_debt_to_tangible_net_worth_percent"),
                      cov.get("min_interest_coverage_ratio"), cov.get("coverage_applies_to"))
    financials = ind.get("financials") or []
    sheets = [BalanceSheet(f["period_end"], f["adjusted_consolidated_indebtedness"],
                           f["adjusted_consolidated_tangible_net_worth"], _illustrative(f))
              for f in financials if "period_end" in f
              and "adjusted_consolidated_indebtedness" in f
              and "adjusted_consolidated_tangible_net_worth" in f]
    key = ("interest_expense" if terms.coverage_applies_to == "all_indebtedness"
           else "unsecured_interest_expense")
    zero = Decimal(0)
    debts = [Debt(t["id"], t.get("date"), t.get("amount"), t.get("secured"),
                  t.get("permitted_indebtedness") is True, t.get("debt_repaid", zero),
                  t.get("pro_forma_interest_expense_change"), t.get("pro_forma_income_change", zero),
                  t.get("pro_forma_net_worth_change", zero), _illustrative(t))
             for t in mine if t.get("kind") in DEBT_KINDS]
    tests = debt_incurrence_tests(terms, debts, sheets, _quarters(financials, key))
    return [_publish(t, id=t.transaction, headroom=t.headroom,
                     coverage_income_headroom=t.coverage_income_headroom) for t in tests]


# ------------------------------------------------------------------ affiliate transactions

def _affiliates(ind: dict[str, Any], cov: dict[str, Any], mine: list[dict[str, Any]]
                ) -> list[dict[str, Any]]:
    terms = AffiliateTerms(
        ind["id"], cov.get("board_approval_threshold"), cov.get("board_approval"),
        cov.get("fairness_opinion_threshold"), cov.get("fairness_opinion_from"),
        cov.get("threshold_comparison"),
        resolution_filed_required=cov.get("resolution_filed_with_trustee_required") is True,
        opinion_before_consummation=cov.get("fairness_opinion_before_consummation") is True,
        opinion_filed_required=cov.get("fairness_opinion_filed_with_trustee_required") is True,
        ordinary_course_exempt_from_opinion=cov.get("ordinary_course_exempt_from_opinion") is True,
        exemptions=frozenset(cov.get("exemptions") or ()))
    deals = [AffiliateDeal(t["id"], t.get("date"), t.get("amount"), t.get("common_plan"),
                           t.get("board_approval"), t.get("resolution_filed_with_trustee"),
                           t.get("fairness_opinion_from"), t.get("fairness_opinion_on"),
                           t.get("fairness_opinion_filed_with_trustee"), t.get("ordinary_course"),
                           t.get("affiliate_exemption"), _illustrative(t))
             for t in mine if t.get("kind") == "affiliate_transaction" or t.get("affiliate_involved")]
    return [_publish(t, id=t.transaction, related=", ".join(t.related) or None)
            for t in affiliate_tests(terms, deals)]


# ------------------------------------------------------------------ change of control, defaults

def _control_terms(indenture: str, cov: dict[str, Any]) -> ControlTerms:
    covered = cov.get("covered_events")
    return ControlTerms(indenture, cov.get("voting_power_threshold_percent"),
                        cov.get("threshold_comparison"), cov.get("rating_decline_required"),
                        cov.get("rating_decline_window_days"), cov.get("notice_within_days"),
                        cov.get("repurchase_min_days_after_notice"),
                        cov.get("repurchase_max_days_after_notice"),
                        frozenset(covered) if covered is not None else None)


def _control_event(raw: dict[str, Any]) -> ControlEvent:
    return ControlEvent(raw["id"], raw.get("kind"), raw.get("occurred_on"),
                        raw.get("voting_power_percent"), raw.get("public_notice_on"),
                        raw.get("rating_decline"), raw.get("rating_decline_on"),
                        raw.get("notice_mailed_on"), raw.get("repurchase_date"), _illustrative(raw))


def _default_terms(indenture: str, cov: dict[str, Any] | None) -> DefaultTerms:
    cov = cov or {}
    return DefaultTerms(indenture, cov.get("interest_grace_days"), cov.get("principal_grace_days"),
                        cov.get("covenant_cure_days_after_notice"), cov.get("cross_default_threshold"),
                        cov.get("cross_default_comparison"),
                        cov.get("cross_default_requires_acceleration") is True,
                        cov.get("judgment_threshold"), cov.get("judgment_comparison"),
                        cov.get("judgment_discharge_days"), cov.get("judgment_net_of_insurance") is True)


def _record(owner: str, raw: dict[str, Any]) -> DefaultRecord:
    return DefaultRecord(raw["id"], raw.get("kind"), owner, raw.get("under"), raw.get("began_on"),
                         raw.get("notice_given_on"), raw.get("cured_on"), raw.get("accelerated_on"),
                         raw.get("amount"), raw.get("insured_amount"), _illustrative(raw))


def _own_records(ind: dict[str, Any]) -> list[DefaultRecord] | None:
    raw = ind.get("defaults")
    if raw is None:
        return None
    return [_record(ind["id"], r) for r in raw if r.get("kind") not in COMPANY_WIDE_KINDS]


def _company_records(indentures: list[dict[str, Any]]) -> list[DefaultRecord]:
    seen: dict[str, DefaultRecord] = {}
    for ind in indentures:
        for r in ind.get("defaults") or []:
            if r.get("kind") in COMPANY_WIDE_KINDS:
                seen.setdefault(r["id"], _record(ind["id"], r))
    return list(seen.values())


# ------------------------------------------------------------------ output

def _publish(obj: Any, **extra: Any) -> dict[str, Any]:
    """A result record (a NamedTuple) as a derived item: plain values, nothing None (unknown)."""
    out: dict[str, Any] = {}
    for name, value in zip(obj._fields, obj):
        if isinstance(value, tuple):
            if hasattr(value, "_fields"):
                continue  # a nested result (e.g. the Capacity): its figures are published as extras
            value = ", ".join(str(v) for v in value) or None
        out[name] = value
    out.update(extra)
    return {k: v for k, v in out.items() if v is not None and v != ""}
