"""Restricted-payment capacity under bond indentures: exact, pure calculators.

An issuer tender offer is a payment to shareholders, and an indenture's
"Limitation on Restricted Payments" caps such payments at a basket:

    capacity = builder baskets (cumulative REIT taxable income since a baseline,
               net proceeds of capital stock sold since the indenture)
             + a fixed basket
    remaining = capacity − restricted payments already counted

(OC p.50 L3478-3497 for the 2003 Senior Notes; PS L1519-1585 for the 1997 notes.)

Payments are tested **in date order**, each against the capacity left after every
earlier one, so two payments that each fit alone do not both pass when together
they exceed the basket. Some payments do not use the basket: a distribution
necessary to keep REIT status, a separately permitted payment (PS (i)-(iv)), and
the offer's own purchase when the offer is what creates the indenture.

Everything here is ``Decimal`` arithmetic without rounding; the only roundings
are the named display roundings in checker.covenants_model. A figure that cannot be computed (an
input is missing) is ``None`` — never zero — so the rule reading it goes
not_evaluable.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Callable, Iterable

from checker.covenants_model import (  # noqa: F401  (re-exported: the covenant vocabulary)
    FUTURE_PREFERRED_PURCHASE_KINDS, NO_DEFAULT_INFO, OFFER_KINDS, PERMITTED_LABELS,
    RESTRICTED_PAYMENT_KINDS, ZERO, Capacity, DefaultStatus, Payment, PeriodFigure,
    RestrictedPaymentTerms, RestrictedPaymentTest, days_between, floor_to_places, money_text,
    percent_floor_2dp, ratio_floor_2dp)
from checker.covenants_permitted import payment_basis


# ------------------------------------------------------------------ capacity

def capacity_on(terms: RestrictedPaymentTerms, day: dt.date | None, reit_years: Iterable[PeriodFigure],
                equity_sales: Iterable[PeriodFigure] | None) -> Capacity:
    """The basket on `day`: REIT taxable income for the tax years ended by then + stock
    proceeds (if the covenant counts them) + the fixed basket.

    REIT tax years are calendar years (Code §859(a)); the tax year ending on Dec 31 of
    year Y counts if it ends after the baseline and on or before `day`. Every such year
    must be stated: a missing year makes the sum unknown, not smaller.
    """
    missing: list[str] = []
    illustrative = False
    reit: Decimal | None = None
    years_text = ""
    if terms.reit_income_after is None:
        # No baseline stated: no REIT-income builder. Leaving a builder out can only shrink
        # the capacity, so this reading never turns a failure into a pass.
        reit = ZERO
        years_text = "no REIT taxable income builder stated"
    elif day is None:
        missing.append("the payment date")
    else:
        by_year = {f.period_end.year: f for f in reit_years
                   if f.period_end.month == 12 and f.period_end.day == 31}
        needed = [y for y in range(terms.reit_income_after.year, day.year + 1)
                  if dt.date(y, 12, 31) > terms.reit_income_after and dt.date(y, 12, 31) <= day]
        lacking = [y for y in needed if y not in by_year]
        years_text = _years(needed)
        if lacking:
            missing.append(f"REIT taxable income for tax year(s) {_years(lacking)}")
        else:
            reit = sum((by_year[y].amount for y in needed), ZERO)
            illustrative |= any(by_year[y].illustrative for y in needed)
    equity: Decimal | None = ZERO
    if terms.includes_equity_proceeds:
        sales = [f for f in (equity_sales or ()) if day is None or f.period_end <= day]
        if equity_sales is None:
            equity = None
            missing.append("net proceeds of capital stock sales since the indenture")
        else:
            equity = sum((f.amount for f in sales), ZERO)
            illustrative |= any(f.illustrative for f in sales)
    if terms.fixed_basket is None:
        missing.append("the fixed basket")
    return Capacity(reit, years_text, equity, terms.fixed_basket, tuple(missing), illustrative)


def _years(years: list[int]) -> str:
    if not years:
        return "none ended yet"
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 2:
        return f"{years[0]}-{years[-1]}"
    return ", ".join(str(y) for y in years)


def capacity_text(terms: RestrictedPaymentTerms, cap: Capacity) -> str:
    parts: list[str] = []
    if cap.reit_taxable_income is not None and terms.reit_income_after is not None:
        parts.append(f"cumulative REIT taxable income for tax years ending after "
                     f"{terms.reit_income_after} ({cap.reit_tax_years}) "
                     f"{money_text(cap.reit_taxable_income)}")
    if terms.includes_equity_proceeds and cap.equity_proceeds is not None:
        parts.append(f"net proceeds of capital stock sold since the indenture "
                     f"{money_text(cap.equity_proceeds)}")
    if cap.fixed_basket is not None:
        parts.append(f"fixed basket {money_text(cap.fixed_basket)}")
    total = cap.total
    if total is None:
        return "capacity unknown (not stated: " + "; ".join(cap.missing) + ")"
    note = " (illustrative figures)" if cap.illustrative else ""
    return "capacity = " + " + ".join(parts) + f" = {money_text(total)}{note}"


# ------------------------------------------------------------------ the sequence

def restricted_payment_tests(terms: RestrictedPaymentTerms, proposed: list[Payment],
                             ledger: list[Payment] | None, reit_years: list[PeriodFigure],
                             equity_sales: list[PeriodFigure] | None,
                             defaults_on: Callable[[dt.date], DefaultStatus]
                             ) -> list[RestrictedPaymentTest]:
    """Test each proposed payment, in date order, against the capacity left by earlier ones.

    `ledger` is the indenture's record of payments already made (None: not stated, so
    the amount already used is unknown). Undated proposed payments cannot be placed in
    the sequence: they, and every other payment's "used before", are unknown.
    """
    order = sorted(range(len(proposed)), key=lambda k: (_test_date(proposed[k]) or dt.date.max, k))
    undated = any(_test_date(p) is None for p in proposed)
    counted = _Counter(terms)
    if ledger is None:
        counted.unknown = True
    results: dict[int, RestrictedPaymentTest] = {}
    for k in order:
        payment = proposed[k]
        day = _test_date(payment)
        cap = capacity_on(terms, day, reit_years, equity_sales)
        past = [p for p in (ledger or []) if p.date is None or day is None or p.date <= day]
        used, used_strict, exempt_before, used_text = counted.used(past, day)
        if undated:
            used = used_strict = None
        default = defaults_on(day) if day is not None and terms.requires_no_default else (
            DefaultStatus(False) if not terms.requires_no_default else NO_DEFAULT_INFO)
        basis, met, note = payment_basis(terms, payment, cap, used, default)
        counts = counted.counts(basis, lenient=True)
        test = RestrictedPaymentTest(
            indenture=terms.indenture, transaction=payment.id, kind=payment.kind, test_date=day,
            amount=payment.amount, basis=basis, permitted_basis=payment.permitted_basis,
            permitted_conditions_met=met, counts_toward_total=counts, capacity=cap,
            used_before=used,
            used_before_counting_exempt=used_strict if terms.exempt_count_toward_total is None
            and exempt_before else None,
            exempt_distributions_before=exempt_before, blocked_by_default=default.blocked,
            defaults_continuing=default.ids, computation="", permitted_note=note,
            illustrative=cap.illustrative or payment.illustrative)
        results[k] = _with_text(terms, test, used_text)
        counted.add(payment, basis)
    return [results[k] for k in range(len(proposed))]


def _test_date(p: Payment) -> dt.date | None:
    # A dividend under PS (i) is tested when declared; everything else when paid.
    if p.permitted_basis == "declared_dividend_within_window" and p.declared_on is not None:
        return p.declared_on
    return p.date


class _Counter:
    """What earlier payments have used of the basket, under both REIT carve-out readings."""

    __slots__ = ("terms", "proposed", "unknown")

    def __init__(self, terms: RestrictedPaymentTerms) -> None:
        self.terms = terms
        self.proposed: list[tuple[Payment, str]] = []   # earlier proposed payments, with bases
        self.unknown = False                            # the ledger of payments made is not stated

    def counts(self, basis: str, lenient: bool) -> bool:
        if basis == "basket":
            return True
        if basis == "permitted":
            return self.terms.permitted_excluded_from_total is not True
        if basis == "reit_distribution":
            stated = self.terms.exempt_count_toward_total
            return (not lenient) if stated is None else stated
        return False  # outside

    def used(self, past: list[Payment], day: dt.date | None
             ) -> tuple[Decimal | None, Decimal | None, int, str]:
        lenient = strict = ZERO
        exempt = 0
        items: list[str] = []
        unknown = self.unknown
        entries = [(p, _ledger_basis(self.terms, p)) for p in past] + self.proposed
        for payment, basis in entries:
            if basis == "reit_distribution":
                exempt += 1
            if not self.counts(basis, lenient=False):
                continue
            if payment.amount is None:
                unknown = True
                continue
            strict += payment.amount
            if self.counts(basis, lenient=True):
                lenient += payment.amount
                items.append(f"{payment.id} {money_text(payment.amount)}")
        if unknown:
            return None, None, exempt, ""
        return lenient, strict, exempt, ", ".join(items) if items else "none"

    def add(self, payment: Payment, basis: str) -> None:
        self.proposed.append((payment, basis))


def _ledger_basis(terms: RestrictedPaymentTerms, p: Payment) -> str:
    if p.reit_distribution_required and terms.reit_distributions_exempt:
        return "reit_distribution"
    if p.permitted_basis and p.permitted_basis in terms.permitted_payments:
        return "permitted"  # made and entered as permitted: taken as stated
    return "basket"


def _with_text(terms: RestrictedPaymentTerms, t: RestrictedPaymentTest, used_text: str
               ) -> RestrictedPaymentTest:
    cap = capacity_text(terms, t.capacity)
    remaining = t.capacity_remaining
    amount = money_text(t.amount) if t.amount is not None else "an unstated amount"
    if t.basis == "outside":
        why = ("the offer itself issues these notes: its own purchase and exchange, paid at "
               "closing, create the indenture; the covenant restricts payments made while the "
               "notes are outstanding"
               if terms.issued_by_offer and t.kind in OFFER_KINDS else
               f"the payment date precedes the indenture (dated {terms.dated})")
        text = f"Not a Restricted Payment under {terms.indenture}: {why}. For later payments, {cap}."
    elif t.basis == "reit_distribution":
        counted = {True: "it counts toward the total (as stated)",
                   False: "it does not count toward the total (as stated)",
                   None: "whether it counts toward the total is not stated (see the "
                         "reit-carve-out-reading rule)"}[terms.exempt_count_toward_total]
        text = (f"Distribution necessary to keep REIT status: the covenant does not prohibit it; "
                f"{counted}. {cap}.")
    elif t.basis == "permitted":
        text = (f"{t.permitted_note[0].upper()}{t.permitted_note[1:]}; "
                + ("excluded from the basket total" if not t.counts_toward_total
                   else "counted toward the basket total") + f". {cap}.")
    else:
        used = (f"used before = {money_text(t.used_before)} ({used_text})"
                if t.used_before is not None else "used before unknown (a payment amount or "
                "date, or the ledger of payments made, is not stated)")
        head = ""
        if remaining is not None and t.amount is not None:
            head = (f"; remaining {money_text(remaining)} − this payment {amount} = headroom "
                    f"{money_text(remaining - t.amount)}")
        text = f"{cap[0].upper()}{cap[1:]}; {used}{head}."
        if t.permitted_note:
            text += f" ({t.permitted_note[0].upper()}{t.permitted_note[1:]}.)"
    return t._replace(computation=text)
