"""Shared pieces of the covenant calculators: kinds, named roundings, money text, threshold
wording, and the plain immutable records the restricted-payment sequence reads and returns.

Everything is exact ``Decimal``; the only roundings are the named display roundings here.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal
from typing import NamedTuple

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


def exceeds(amount: Decimal, threshold: Decimal, comparison: str | None) -> bool:
    """True when amount reaches the threshold as worded ("in excess of" is greater_than,
    "or more" at_least); unset wording reads "or more", the stricter reading."""
    return amount > threshold if comparison == "greater_than" else amount >= threshold


def comparison_words(comparison: str | None) -> str:
    return "more than" if comparison == "greater_than" else "at least"


def threshold_words(threshold: Decimal, comparison: str | None) -> str:
    """"$25,000,000.00 or more" / "more than $10,000,000.00", as the indentures word them."""
    if comparison == "greater_than":
        return f"more than {money_text(threshold)}"
    return f"{money_text(threshold)} or more"


# ------------------------------------------------------------------ inputs

class RestrictedPaymentTerms:
    """One indenture's restricted-payments covenant, as the document states it.

    A plain class rather than a NamedTuple: the unit tests build variants from
    ``terms.__dict__``, so instances keep one. Treat it as immutable."""

    def __init__(self,
                 indenture: str,
                 reit_income_after: dt.date | None,       # baseline: tax years ending after it
                 includes_equity_proceeds: bool,
                 fixed_basket: Decimal | None,
                 requires_no_default: bool,               # unset in the document → True (safe)
                 reit_distributions_exempt: bool,
                 exempt_count_toward_total: bool | None,  # None: the documents do not say (gap 11)
                 permitted_payments: frozenset[str] = frozenset(),
                 permitted_excluded_from_total: bool | None = None,
                 dividend_window_days: int | None = None,
                 issued_by_offer: bool = False,
                 dated: dt.date | None = None) -> None:
        self.indenture = indenture
        self.reit_income_after = reit_income_after
        self.includes_equity_proceeds = includes_equity_proceeds
        self.fixed_basket = fixed_basket
        self.requires_no_default = requires_no_default
        self.reit_distributions_exempt = reit_distributions_exempt
        self.exempt_count_toward_total = exempt_count_toward_total
        self.permitted_payments = permitted_payments
        self.permitted_excluded_from_total = permitted_excluded_from_total
        self.dividend_window_days = dividend_window_days
        self.issued_by_offer = issued_by_offer
        self.dated = dated


class PeriodFigure(NamedTuple):
    """A dated figure: REIT taxable income for a tax year, or stock-sale proceeds."""

    period_end: dt.date
    amount: Decimal
    illustrative: bool = False


class Payment(NamedTuple):
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


class DefaultStatus(NamedTuple):
    """Defaults continuing on a date: blocked is None when the defaults are not stated."""

    blocked: bool | None
    ids: tuple[str, ...] = ()


NO_DEFAULT_INFO = DefaultStatus(None)


# ------------------------------------------------------------------ results

class Capacity(NamedTuple):
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


class RestrictedPaymentTest(NamedTuple):
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
