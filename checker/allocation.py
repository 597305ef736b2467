"""Class-level proration and consideration allocation over tender totals: exact, pure Python.

The Dynex offering circular (OC) allocates an oversubscribed series in two steps
(OC p.4 L587-601; p.25 L1895-1944; LT L350-372):

1. **Series proration.** If more shares of a series are validly tendered and not
   withdrawn (T) than sought (N: shares sought plus any excess the issuer elects to
   accept, OC p.25 L1910-1918), every holder's shares are accepted at the fraction
   N / T, "disregarding fractions", cash and notes alike.
2. **Consideration proration.** If, after step 1, the shares for one consideration
   exceed that consideration's share maximum, they are accepted at maximum / D. The
   OC's denominator D is the shares tendered for it *and accepted* (after step 1);
   the letter of transmittal's is the shares *tendered* for it (catalog X34). Holders
   who ticked the oversubscription-allocation box have their cut-back shares moved to
   the other consideration's spare capacity (OC p.25-26 L1946-1964). The circular
   gives no method when that demand exceeds the spare (catalog gap 3).

This module works on **class totals** (one figure per class and election), not on a
tender book: every floor is taken once per class, so each accepted figure is an upper
bound of what per-holder flooring gives, and notes principal is floored to the note
multiple once per class (per-holder flooring on the book can only lower it).

Roundings, each named where it happens: shares are floored ("disregarding
fractions"); note principal is floored to the instrument's integral multiple, the rest
being cash in lieu; factors are exact fractions, shown as decimals rounded half-up to
six places for display only. Nothing here reads the document: see
checker/derived_allocation.py.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import NamedTuple

from checker.allocation_inputs import (CASH, KINDS, NOTES, ClassInput, Demand, Policy, PoolTerms,
                                       Recorded, TenderLine, tender_demand)
from checker.allocation_text import allocation_computation, class_computation, pool_computation

__all__ = ["CASH", "NOTES", "KINDS", "ClassInput", "Policy", "PoolTerms", "Recorded", "TenderLine",
           "ClassResult", "PoolResult", "allocate_class"]

OFFERING_DOCUMENT, LETTER_OF_TRANSMITTAL = "offering_document", "letter_of_transmittal"
TWO_PERCENT = Fraction(2, 100)


# ---------------------------------------------------------------- results

class PoolResult(NamedTuple):
    id: str
    class_id: str
    kind: str
    instrument: str | None
    demand: int | None  # shares tendered for this consideration (defaults included)
    box_shares: Fraction | None
    after_series: int | None  # demand after series proration, floored
    max_shares: int | None
    excess_added: int
    capacity: int | None  # max_shares + excess elected for this consideration
    oversubscribed: bool | None
    factor_offering_document: Fraction | None
    factor_letter_of_transmittal: Fraction | None
    readings_differ: bool | None
    reading: str | None  # the denominator definition applied
    factor: Fraction | None
    accepted_own: int | None  # accepted from this consideration's own electors
    cut_back: int | None
    box_cut_back: int | None  # of cut_back, shares whose holders ticked the box
    spare: int | None  # capacity left after own electors
    moved_out: int | None  # box shares moved to the other consideration
    moved_in: int | None
    accepted_computed: int | None
    accepted_recorded: int | None
    per_share: Decimal | None
    cap_amount: Decimal | None
    integral_multiple: Decimal | None
    computation: str
    allocation_computation: str | None = None

    @property
    def accepted(self) -> int | None:
        """The figure checked against the limits: recorded if recorded, else computed."""
        return self.accepted_recorded if self.accepted_recorded is not None else self.accepted_computed

    @property
    def returned(self) -> int | None:
        if None in (self.demand, self.accepted_own, self.moved_out):
            return None
        return self.demand - self.accepted_own - self.moved_out  # type: ignore[operator]

    @property
    def amount(self) -> Decimal | None:
        """Cash paid, or note principal before flooring to the multiple."""
        if self.accepted is None or self.per_share is None:
            return None
        return self.per_share * self.accepted

    @property
    def principal_issued(self) -> Decimal | None:
        """Notes: principal floored to the integral multiple once for the class (an upper bound)."""
        if self.kind != NOTES or self.amount is None or not self.integral_multiple:
            return None
        return floor_to(self.amount, self.integral_multiple)

    @property
    def cap_used(self) -> Decimal | None:
        return self.amount if self.kind == CASH else self.principal_issued


class ClassResult(NamedTuple):
    id: str
    tendered: int | None  # T: validly tendered and not withdrawn
    invalid_shares: int  # no valid election and no default: not validly tendered
    unelected_shares: int | None  # deemed to elect the default consideration
    guaranteed_delivery_shares: int | None
    default_election: str | None
    sought: int | None
    excess_elected: int
    acceptance_limit: int | None  # N = sought + excess elected
    oversubscribed: bool | None
    series_factor: Fraction | None
    outstanding: int | None
    pools: tuple[PoolResult, ...]
    accepted_recorded: int | None
    factor_recorded: Decimal | None
    computation: str
    gaps: tuple[str, ...]

    @property
    def accepted_computed(self) -> int | None:
        values = [p.accepted_computed for p in self.pools]
        return None if None in values or not self.pools else sum(values)  # type: ignore[arg-type]

    @property
    def accepted(self) -> int | None:
        return self.accepted_recorded if self.accepted_recorded is not None else self.accepted_computed

    @property
    def series_accepted(self) -> int | None:
        """min(T, N): the most the series proration lets the issuer accept."""
        if self.tendered is None or self.acceptance_limit is None:
            return None
        return min(self.tendered, self.acceptance_limit)

    @property
    def excess(self) -> int | None:
        if self.accepted is None or self.sought is None:
            return None
        return max(0, self.accepted - self.sought)

    @property
    def excess_limit(self) -> int | None:
        """floor(2% × outstanding): excess accepted within it needs no extension."""
        return None if self.outstanding is None else floor(self.outstanding * TWO_PERCENT)

    @property
    def factor_recorded_matches(self) -> bool | None:
        if self.factor_recorded is None or self.series_factor is None:
            return None
        return factor_matches(self.series_factor, self.factor_recorded)


# ---------------------------------------------------------------- arithmetic

def floor(value: Fraction) -> int:
    """Whole shares, "disregarding fractions"."""
    return value.numerator // value.denominator


def floor_to(amount: Decimal, step: Decimal) -> Decimal:
    """Round down to a multiple of step (note denominations; the rest is cash in lieu)."""
    return (amount / step).to_integral_value(rounding=ROUND_FLOOR) * step


def factor_matches(exact: Fraction, recorded: Decimal) -> bool:
    """A recorded factor agrees if it is the exact factor rounded (half-up) or truncated
    to the places it is recorded with."""
    places = max(0, -recorded.as_tuple().exponent)  # type: ignore[operator]
    step = Decimal(1).scaleb(-places)
    value = Decimal(exact.numerator) / Decimal(exact.denominator)
    return recorded in (value.quantize(step, rounding=ROUND_HALF_UP),
                        value.quantize(step, rounding=ROUND_FLOOR))


# ---------------------------------------------------------------- allocation

def allocate_class(ci: ClassInput, policy: Policy) -> ClassResult:
    gaps: list[str] = []
    rec = ci.recorded or Recorded()
    excess = {CASH: rec.excess_cash, NOTES: rec.excess_notes}
    dem = tender_demand(ci, policy.default_election, gaps)
    tendered = sum(dem.shares.values()) if dem.known else None
    limit = None if ci.sought is None else ci.sought + rec.excess_cash + rec.excess_notes
    if ci.sought is None:
        gaps.append(f"classes[{ci.id}].sought is not stated")
    oversub = factor = None
    if tendered is not None and limit is not None:
        oversub = tendered > limit
        factor = Fraction(limit, tendered) if oversub else Fraction(1)
    terms = {p.kind: p for p in ci.pools if p.kind in KINDS}
    kinds = [k for k in KINDS if k in terms or (dem.known and dem.shares[k] > 0)]
    stage = {k: _pool_stage(ci, k, terms.get(k), dem if dem.known else None, factor, excess[k],
                            policy, gaps) for k in kinds}
    moves = _moves(stage, policy, gaps)
    pools = tuple(_finish(ci, k, terms.get(k), stage[k], moves, rec) for k in kinds)
    result = ClassResult(
        id=ci.id, tendered=tendered, invalid_shares=dem.invalid,
        unelected_shares=dem.unelected if dem.known or dem.unelected else None,
        guaranteed_delivery_shares=dem.gd, default_election=policy.default_election,
        sought=ci.sought, excess_elected=rec.excess_cash + rec.excess_notes, acceptance_limit=limit,
        oversubscribed=oversub, series_factor=factor, outstanding=ci.outstanding, pools=pools,
        accepted_recorded=rec.accepted, factor_recorded=rec.factor, computation="", gaps=tuple(gaps))
    return result._replace(computation=class_computation(result))


class _Stage:
    """One consideration of a class part-way through the allocation (filled in by _pool_stage)."""

    demand: int | None
    box: Fraction | None
    after_series: int | None
    capacity: int | None
    oversubscribed: bool | None
    f_oc: Fraction | None
    f_lt: Fraction | None
    differ: bool | None
    reading: str | None
    factor: Fraction | None
    accepted_own: int | None
    cut_back: int | None
    box_cut_back: int | None

    __slots__ = ("accepted_own", "after_series", "box", "box_cut_back", "capacity", "cut_back", "demand",
                 "differ", "f_lt", "f_oc", "factor", "oversubscribed", "reading")

    def __init__(self, demand: int | None, box: Fraction | None, after_series: int | None,
                 capacity: int | None) -> None:
        self.demand = demand
        self.box = box
        self.after_series = after_series
        self.capacity = capacity
        # The proration figures, set by _pool_stage once they are known.
        self.oversubscribed = None
        self.f_oc = None
        self.f_lt = None
        self.differ = None
        self.reading = None
        self.factor = None
        self.accepted_own = None
        self.cut_back = None
        self.box_cut_back = None


def _pool_stage(ci: ClassInput, kind: str, terms: PoolTerms | None, dem: Demand | None,
                series: Fraction | None, excess: int, policy: Policy, gaps: list[str]) -> _Stage:
    demand = dem.shares[kind] if dem else None
    box = dem.box[kind] if dem else None
    after = None if demand is None or series is None else floor(demand * series)
    maximum = terms.max_shares if terms else None
    if maximum is None:
        gaps.append(f"class {ci.id} has no {kind} share maximum (consideration.options[].max_shares)")
    capacity = None if maximum is None else maximum + excess
    s = _Stage(demand, box, after, capacity)
    if after is None or capacity is None:
        return s
    s.oversubscribed = after > capacity
    if not s.oversubscribed:
        s.reading, s.factor, s.accepted_own, s.cut_back, s.box_cut_back = None, Fraction(1), after, 0, 0
        return s
    s.f_oc = Fraction(capacity, after)
    s.f_lt = Fraction(capacity, demand)  # type: ignore[arg-type]
    s.differ = after != demand
    s.reading = policy.denominator or (OFFERING_DOCUMENT if not s.differ else None)
    if s.reading is None:
        gaps.append(f"class {ci.id} {kind}: the offering circular and the letter of transmittal give "
                    "different consideration-proration denominators and "
                    "settings.policy.consideration_proration_denominator is not set")
        return s
    s.factor = s.f_oc if s.reading == OFFERING_DOCUMENT else s.f_lt
    s.accepted_own = capacity if s.reading == OFFERING_DOCUMENT else floor(after * s.f_lt)
    s.cut_back = after - s.accepted_own
    if box is not None and demand:
        s.box_cut_back = floor(s.cut_back * box / demand)
    return s


def _moves(stage: dict[str, _Stage], policy: Policy, gaps: list[str]) -> dict[str, int | None]:
    """Shares moved out of each consideration into the other's spare capacity."""
    out: dict[str, int | None] = {k: 0 for k in stage}
    for kind, s in stage.items():
        other = stage.get(NOTES if kind == CASH else CASH)
        if s.oversubscribed is not True:
            out[kind] = 0 if s.oversubscribed is False else None
            continue
        if s.cut_back is None:
            out[kind] = None
            continue
        spare = _spare(other)
        if spare == 0 or s.cut_back == 0 or policy.allocation_offered is False:
            out[kind] = 0
            continue
        if s.box_cut_back is None or spare is None or policy.allocation_offered is None:
            out[kind] = None
            what = ("consideration.oversubscription_allocation_offered is not stated"
                    if policy.allocation_offered is None else
                    "the other consideration's spare capacity is unknown" if spare is None else
                    "oversubscription_box_shares is missing on a tender row")
            gaps.append(f"{kind} shares cut back may move to the other consideration, but {what}")
            continue
        if s.box_cut_back <= spare:
            out[kind] = s.box_cut_back
        elif policy.oversubscription_allocation == "pro_rata":
            out[kind] = spare
        else:
            out[kind] = None
            gaps.append(f"{kind}: box holders' demand {s.box_cut_back:,} exceeds the spare {spare:,}; "
                        "the offer states no allocation method (catalog gap 3) and "
                        "settings.policy.oversubscription_allocation is not pro_rata")
    return out


def _spare(s: _Stage | None) -> int | None:
    if s is None:
        return 0
    if s.oversubscribed is True:
        return 0
    if s.accepted_own is None or s.capacity is None:
        return None
    return s.capacity - s.accepted_own


def _finish(ci: ClassInput, kind: str, terms: PoolTerms | None, s: _Stage,
            moves: dict[str, int | None], rec: Recorded) -> PoolResult:
    other = NOTES if kind == CASH else CASH
    moved_out = moves.get(kind)
    moved_in = moves.get(other, 0) if other in moves else 0
    accepted = None
    if s.accepted_own is not None and moved_in is not None:
        accepted = s.accepted_own + moved_in
    result = PoolResult(
        id=terms.option if terms else f"{ci.id}-{kind}", class_id=ci.id, kind=kind,
        instrument=terms.instrument if terms else None, demand=s.demand, box_shares=s.box,
        after_series=s.after_series, max_shares=terms.max_shares if terms else None,
        excess_added=rec.excess_cash if kind == CASH else rec.excess_notes, capacity=s.capacity,
        oversubscribed=s.oversubscribed, factor_offering_document=s.f_oc,
        factor_letter_of_transmittal=s.f_lt, readings_differ=s.differ, reading=s.reading,
        factor=s.factor, accepted_own=s.accepted_own, cut_back=s.cut_back,
        box_cut_back=s.box_cut_back, spare=_spare(s) if s.oversubscribed is False else 0,
        moved_out=moved_out, moved_in=moved_in, accepted_computed=accepted,
        accepted_recorded=rec.cash if kind == CASH else rec.notes,
        per_share=terms.per_share if terms else None, cap_amount=terms.cap_amount if terms else None,
        integral_multiple=terms.integral_multiple if terms else None, computation="")
    return result._replace(computation=pool_computation(result),
                          allocation_computation=allocation_computation(result))
