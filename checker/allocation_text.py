"""The computations of checker/allocation.py in words and numbers, for findings.

Counsel read these, so every figure names where it comes from and every rounding is
named. Kept apart from the arithmetic so each module stays small.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checker.allocation import ClassResult, PoolResult

FACTOR_PLACES = 6
READING_NAMES = {
    "offering_document": "the offering circular's denominator (shares tendered for it and accepted "
                         "after series proration, OC p.25 L1941-1944)",
    "letter_of_transmittal": "the letter of transmittal's denominator (shares tendered for it, "
                             "LT L368-372)",
}


def factor_text(value: Fraction) -> str:
    """A factor for display: rounded half-up to six places (the exact fraction is kept)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal(1).scaleb(-FACTOR_PLACES), rounding=ROUND_HALF_UP))


def sh(n: int | None) -> str:
    return "?" if n is None else f"{n:,}"


def money(d: Decimal | None) -> str:
    if d is None:
        return "?"
    places = max(2, -d.as_tuple().exponent)  # type: ignore[operator]
    return f"${d:,.{places}f}"


def two_percent_text(outstanding: int | None, limit: int | None) -> str:
    if outstanding is None or limit is None:
        return "2% of the class outstanding: ? (outstanding not stated)"
    exact = Decimal(outstanding) * 2 / 100
    return (f"2% of {outstanding:,} outstanding = {exact:,.2f}, disregarding fractions "
            f"{limit:,}")


def class_computation(c: ClassResult) -> str:
    parts: list[str] = []
    demand = " + ".join(f"{p.kind} {sh(p.demand)}" for p in c.pools)
    extra = []
    if c.unelected_shares:
        extra.append(f"{c.unelected_shares:,} without a valid election, deemed "
                     + (c.default_election or "?") if c.default_election != "none" else
                     f"{c.unelected_shares:,} without a valid election and no default: not validly tendered")
    if c.guaranteed_delivery_shares:
        extra.append(f"{c.guaranteed_delivery_shares:,} of them by guaranteed delivery")
    parts.append(f"Class {c.id}: T = {sh(c.tendered)} shares validly tendered and not withdrawn"
                 + (f" ({demand}" + ("; " + "; ".join(extra) if extra else "") + ")" if demand else "")
                 + ".")
    n = f"sought {sh(c.sought)}"
    if c.excess_elected:
        n += f" + excess elected {c.excess_elected:,} = {sh(c.acceptance_limit)}"
    parts.append(f"N = {n}.")
    if c.series_factor is not None:
        if c.oversubscribed:
            parts.append(f"T exceeds N: the series is oversubscribed; series factor N/T = "
                         f"{sh(c.acceptance_limit)}/{sh(c.tendered)} = {factor_text(c.series_factor)}"
                         f" (exact fraction kept; shown rounded half-up to {FACTOR_PLACES} places).")
            parts.append("After series proration, disregarding fractions once per class: "
                         + ", ".join(f"{p.kind} {sh(p.after_series)}" for p in c.pools) + ".")
        else:
            parts.append("T does not exceed N: every share validly tendered is within the series "
                         "maximum (factor 1).")
    accepted = " + ".join(f"{p.kind} {sh(p.accepted_computed)}" for p in c.pools)
    parts.append(f"Accepted (computed from class totals; per-holder flooring on a tender book can "
                 f"only lower it): {accepted} = {sh(c.accepted_computed)}.")
    if c.accepted_recorded is not None:
        parts.append(f"Accepted as recorded in tenders.acceptance: {c.accepted_recorded:,}.")
    parts.append(f"Excess over sought {sh(c.excess)}; {two_percent_text(c.outstanding, c.excess_limit)}.")
    if c.gaps:
        parts.append("Not computed: " + "; ".join(c.gaps) + ".")
    return " ".join(parts)


def pool_computation(p: PoolResult) -> str:
    parts = [f"{p.id}: {sh(p.demand)} shares tendered for {p.kind}"]
    if p.after_series is not None and p.after_series != p.demand:
        parts.append(f"{sh(p.after_series)} after series proration")
    cap = f"maximum {sh(p.max_shares)} shares"
    if p.excess_added:
        cap += f" + {p.excess_added:,} excess elected = {sh(p.capacity)}"
    parts.append(cap)
    text = "; ".join(parts)
    if p.oversubscribed:
        text += f": oversubscribed by {sh(_minus(p.after_series, p.capacity))}"
        text += (f". Factor by the offering circular {sh(p.capacity)}/{sh(p.after_series)} = "
                 f"{factor_text(p.factor_offering_document)}"  # type: ignore[arg-type]
                 f"; by the letter of transmittal {sh(p.capacity)}/{sh(p.demand)} = "
                 f"{factor_text(p.factor_letter_of_transmittal)}")  # type: ignore[arg-type]
        if p.reading:
            text += f"; applied: {READING_NAMES[p.reading]}"
            if not p.readings_differ:
                text += " (both readings agree: no series proration)"
        else:
            text += "; not applied: the two readings differ and no policy chooses one"
        text += (f". Accepted from {p.kind} electors {sh(p.accepted_own)} (disregarding fractions); "
                 f"cut back {sh(p.cut_back)}, of which {sh(p.box_cut_back)} ticked the "
                 "oversubscription-allocation box")
    elif p.oversubscribed is False:
        text += f": within it, spare {sh(p.spare)}"
    if p.moved_in:
        text += f"; {p.moved_in:,} shares moved in from the other consideration"
    text += f". Accepted {sh(p.accepted_computed)}"
    if p.accepted_recorded is not None:
        text += f" (recorded: {p.accepted_recorded:,})"
    text += "."
    if p.kind == "cash":
        text += (f" Cash {sh(p.accepted)} × {money(p.per_share)} = {money(p.amount)} "
                 f"against the cap {money(p.cap_amount)}.")
    else:
        text += (f" Principal {sh(p.accepted)} × {money(p.per_share)} = {money(p.amount)}, floored to "
                 f"{money(p.integral_multiple)} multiples once for the class = {money(p.principal_issued)}"
                 f" (an upper bound: per-holder flooring can only lower it; the remainder is cash in "
                 f"lieu) against the cap {money(p.cap_amount)}.")
    return text


def allocation_computation(p: PoolResult) -> str | None:
    """How this consideration's cut-back box shares were (or could not be) moved."""
    if not p.oversubscribed:
        return None
    if p.box_cut_back is None:
        return (f"{p.id}: the box holders' share of the {sh(p.cut_back)} shares cut back is unknown "
                "(oversubscription_box_shares missing, or the factor is undetermined).")
    if p.moved_out is None:
        return (f"{p.id}: {p.box_cut_back:,} box shares cut back exceed the other consideration's spare "
                "capacity (or it is unknown); the offer states no allocation method (catalog gap 3), so "
                "the allocation is not computed. Set settings.policy.oversubscription_allocation: "
                "pro_rata to allocate the spare pro rata.")
    if p.box_cut_back == 0:
        return f"{p.id}: none of the {sh(p.cut_back)} shares cut back ticked the box; all are returned."
    if p.moved_out == p.box_cut_back:
        return (f"{p.id}: all {p.moved_out:,} box shares cut back move to the other consideration "
                f"(its spare capacity is enough); {sh(p.returned)} shares are returned.")
    if p.moved_out == 0:
        return f"{p.id}: the other consideration has no spare capacity; {sh(p.returned)} shares are returned."
    return (f"{p.id}: {p.box_cut_back:,} box shares cut back exceed the spare capacity; {p.moved_out:,} "
            f"move pro rata (settings.policy.oversubscription_allocation: pro_rata) and "
            f"{sh(p.returned)} are returned.")


def _minus(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a - b
