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
are the named display roundings below. A figure that cannot be computed (an
input is missing) is ``None`` — never zero — so the rule reading it goes
not_evaluable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Callable, Iterable

ZERO = Decimal(0)

# Proposed-transaction kinds that are Restricted Payments (OC L3511-3531; PS L1942-1962):
# dividends and distributions, and purchases or retirements of capital stock for value.
RESTRICTED_PAYMENT_KINDS = ("dividend", "preferred_tender_cash", "preferred_exchange_notes",
                            "preferred_tender_future", "preferred_repurchase")
# The offer's own purchase and exchange: when the offer issues an indenture's notes, these
# are the transaction that creates it, not payments made "while the Senior Notes are
# outstanding" (OC p.50 L3480-3482; the OC calls only *future* tenders prohibited, L3499-3501).
OFFER_KINDS = ("preferred_tender_cash", "preferred_exchange_notes")
FUTURE_PREFERRED_PURCHASE_KINDS = ("preferred_tender_future", "preferred_repurchase")

PERMITTED_LABELS = {
    "declared_dividend_within_window": "(i) dividend paid within the window after a compliant declaration",
    "equity_refunding": "(ii) retirement out of a concurrent sale of equity",
    "subordinated_refinancing": "(iii) refinancing of subordinated debt",
    "preferred_dividends_with_coverage": "(iv) preferred dividends with the Coverage Ratio met",
}


# ------------------------------------------------------------------ named roundings and text

def floor_to_places(value: Decimal, places: int) -> Decimal:
    """Round toward minus infinity to `places` decimals (display only, never in a test)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_FLOOR)


def ratio_floor_2dp(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator / denominator rounded down to 0.01, for showing a ratio; None if ÷0."""
    if denominator == 0:
        return None
    return floor_to_places(numerator / denominator, 2)


def percent_floor_2dp(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """100 × numerator / denominator rounded down to 0.01 percentage points; None if ÷0."""
    if denominator == 0:
        return None
    return floor_to_places(numerator * 100 / denominator, 2)


def money_text(value: Decimal) -> str:
    """$1,234.50 — cents at least, and any finer digits the figure really has."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    exponent = value.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{sign}${value:,.{places}f}"


def days_between(start: dt.date, end: dt.date) -> int:
    return (end - start).days


# ------------------------------------------------------------------ inputs

@dataclass(frozen=True)
class RestrictedPaymentTerms:
    """One indenture's restricted-payments covenant, as the document states it."""

    indenture: str
    reit_income_after: dt.date | None        # baseline: tax years ending after this date
    includes_equity_proceeds: bool
    fixed_basket: Decimal | None
    requires_no_default: bool                # unset in the document → True (the safe reading)
    reit_distributions_exempt: bool
    exempt_count_toward_total: bool | None   # None: the documents do not say (gap 11)
    permitted_payments: frozenset[str] = frozenset()
    permitted_excluded_from_total: bool | None = None
    dividend_window_days: int | None = None
    issued_by_offer: bool = False
    dated: dt.date | None = None


@dataclass(frozen=True)
class PeriodFigure:
    """A dated figure: REIT taxable income for a tax year, or stock-sale proceeds."""

    period_end: dt.date
    amount: Decimal
    illustrative: bool = False


@dataclass(frozen=True)
class Payment:
    """A proposed payment, or (past=True) one already made and entered in the ledger."""

    id: str
    kind: str
    date: dt.date | None
    amount: Decimal | None
    reit_distribution_required: bool = False
    permitted_basis: str | None = None
    declared_on: dt.date | None = None
    concurrent_equity_proceeds: Decimal | None = None
    refinancing_conditions_met: bool | None = None
    coverage_met: bool | None = None         # PS (iv): from covenants_ratios.preferred_dividend_coverage
    coverage_text: str = ""
    illustrative: bool = False
    past: bool = False


@dataclass(frozen=True)
class DefaultStatus:
    """Defaults continuing on a date: blocked is None when the defaults are not stated."""

    blocked: bool | None
    ids: tuple[str, ...] = ()


NO_DEFAULT_INFO = DefaultStatus(None)


# ------------------------------------------------------------------ results

@dataclass(frozen=True)
class Capacity:
    reit_taxable_income: Decimal | None
    reit_tax_years: str
    equity_proceeds: Decimal | None
    fixed_basket: Decimal | None
    missing: tuple[str, ...]
    illustrative: bool

    @property
    def total(self) -> Decimal | None:
        parts = (self.reit_taxable_income, self.equity_proceeds, self.fixed_basket)
        return None if any(p is None for p in parts) else sum(parts, ZERO)  # type: ignore[arg-type]


@dataclass(frozen=True)
class RestrictedPaymentTest:
    indenture: str
    transaction: str
    kind: str
    test_date: dt.date | None
    amount: Decimal | None
    basis: str                      # outside | reit_distribution | permitted | basket
    permitted_basis: str | None
    permitted_conditions_met: bool | None
    counts_toward_total: bool
    capacity: Capacity
    used_before: Decimal | None
    used_before_counting_exempt: Decimal | None   # only when the REIT carve-out reading is open
    exempt_distributions_before: int
    blocked_by_default: bool | None
    defaults_continuing: tuple[str, ...]
    computation: str
    permitted_note: str = ""
    illustrative: bool = False

    @property
    def capacity_remaining(self) -> Decimal | None:
        total = self.capacity.total
        return None if total is None or self.used_before is None else total - self.used_before

    @property
    def headroom_after(self) -> Decimal | None:
        remaining = self.capacity_remaining
        if remaining is None:
            return None
        if not self.counts_toward_total:
            return remaining
        return None if self.amount is None else remaining - self.amount

    @property
    def headroom_after_counting_exempt(self) -> Decimal | None:
        total = self.capacity.total
        if total is None or self.used_before_counting_exempt is None or self.amount is None:
            return None
        return total - self.used_before_counting_exempt - (self.amount if self.basis == "basket" else ZERO)


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
        basis, met, note = _basis(terms, payment, cap, used, default)
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


@dataclass
class _Counter:
    """What earlier payments have used of the basket, under both REIT carve-out readings."""

    terms: RestrictedPaymentTerms
    proposed: list[tuple[Payment, str]] = field(default_factory=list)
    unknown: bool = False

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


def _basis(terms: RestrictedPaymentTerms, p: Payment, cap: Capacity, used: Decimal | None,
           default: DefaultStatus) -> tuple[str, bool | None, str]:
    """(basis, permitted conditions met, note) for one proposed payment."""
    if terms.issued_by_offer and p.kind in OFFER_KINDS:
        return "outside", None, ""
    if terms.dated is not None and p.date is not None and p.date < terms.dated:
        return "outside", None, ""
    if p.reit_distribution_required and p.kind == "dividend" and terms.reit_distributions_exempt:
        return "reit_distribution", None, ""
    if not p.permitted_basis:
        return "basket", None, ""
    label = PERMITTED_LABELS.get(p.permitted_basis, p.permitted_basis)
    if p.permitted_basis not in terms.permitted_payments:
        return "basket", False, (f"{terms.indenture} does not permit {label}; "
                                 f"the payment must fit the basket")
    met, why = _permitted_conditions(terms, p, cap, used, default)
    if met:
        return "permitted", True, f"permitted under {label}: {why}"
    if met is None:
        return "basket", None, (f"claimed under {label}, but {why}; "
                                f"until shown, it is tested against the basket")
    return "basket", False, f"not permitted under {label}: {why}; it must fit the basket"


def _permitted_conditions(terms: RestrictedPaymentTerms, p: Payment, cap: Capacity,
                          used: Decimal | None, default: DefaultStatus) -> tuple[bool | None, str]:
    basis = p.permitted_basis
    if basis == "declared_dividend_within_window":
        if p.declared_on is None or p.date is None or terms.dividend_window_days is None:
            return None, "the declaration date, payment date or window is not stated"
        days = days_between(p.declared_on, p.date)
        if not 0 <= days <= terms.dividend_window_days:
            return False, (f"paid {days} days after declaration on {p.declared_on}, outside "
                           f"the {terms.dividend_window_days}-day window")
        remaining = None if cap.total is None or used is None else cap.total - used
        if remaining is None or p.amount is None or default.blocked is None:
            return None, "compliance at the declaration date cannot be computed"
        if default.blocked:
            return False, f"a default was continuing at declaration ({', '.join(default.ids)})"
        if p.amount > remaining:
            return False, (f"at declaration {money_text(p.amount)} exceeded the remaining "
                           f"capacity {money_text(remaining)}")
        return True, (f"paid {days} days after declaration on {p.declared_on}; at declaration "
                      f"{money_text(p.amount)} fitted the remaining capacity {money_text(remaining)}")
    # (ii)-(iv) require that no Default be continuing or result (PS L1578-1581).
    if default.blocked:
        return False, f"a default is continuing ({', '.join(default.ids)})"
    if basis == "equity_refunding":
        if p.concurrent_equity_proceeds is None or p.amount is None:
            return None, "the proceeds of the concurrent equity sale are not stated"
        if p.concurrent_equity_proceeds < p.amount:
            return False, (f"concurrent equity proceeds {money_text(p.concurrent_equity_proceeds)} "
                           f"are less than the payment {money_text(p.amount)}")
        met, why = True, (f"funded by concurrent equity proceeds "
                          f"{money_text(p.concurrent_equity_proceeds)}")
    elif basis == "subordinated_refinancing":
        if p.refinancing_conditions_met is None:
            return None, "whether conditions (A)-(D) of (iii) are met is not stated"
        met, why = p.refinancing_conditions_met, "conditions (A)-(D) of (iii) stated as " + (
            "met" if p.refinancing_conditions_met else "not met")
    elif basis == "preferred_dividends_with_coverage":
        if p.coverage_met is None:
            return None, p.coverage_text or "the Coverage Ratio cannot be computed"
        met, why = p.coverage_met, p.coverage_text
    else:
        return False, f"unknown permitted basis {basis!r}"
    if met and default.blocked is None:
        return None, why + "; but whether a default is continuing is not stated"
    return met, why


def _with_text(terms: RestrictedPaymentTerms, t: RestrictedPaymentTest, used_text: str
               ) -> RestrictedPaymentTest:
    from dataclasses import replace

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
    return replace(t, computation=text)
