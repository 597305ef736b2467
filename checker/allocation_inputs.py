"""Inputs to the class-level allocation, and the demand per consideration they add up to.

One TenderLine per tenders.totals row; the election decides which consideration its
shares count for: cash, notes, a combination (designated shares, the rest to the
default election), or unspecified (the default election: OC p.4 L603-606; p.26
L1966-1969). With no default (none) such shares are not validly tendered. Shares
whose holders ticked the oversubscription-allocation box are attributed to each
consideration in proportion (exact fractions).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

CASH, NOTES = "cash", "notes"
KINDS = (CASH, NOTES)


# ---------------------------------------------------------------- inputs

class TenderLine(NamedTuple):
    """One tenders.totals row: shares tendered for one class and election."""

    id: str
    election: str | None  # cash | notes | combination | unspecified; None: not stated
    shares: int | None
    cash_designated: int | None = None  # combination rows
    notes_designated: int | None = None
    box_shares: int | None = None  # holders who ticked the oversubscription-allocation box
    guaranteed_delivery: int | None = None


class PoolTerms(NamedTuple):
    """One consideration option of a class: its share maximum and dollar cap."""

    option: str
    kind: str  # cash | notes
    max_shares: int | None
    cap_amount: Decimal | None
    per_share: Decimal | None  # cash price, or note principal, per share
    integral_multiple: Decimal | None = None  # notes: issued in multiples of this
    instrument: str | None = None


class Recorded(NamedTuple):
    """tenders.acceptance for one class: what the issuer accepted or elects to accept."""

    accepted: int | None = None
    cash: int | None = None
    notes: int | None = None
    factor: Decimal | None = None
    excess_cash: int = 0  # excess over sought elected for cash (raises that maximum)
    excess_notes: int = 0


class Policy(NamedTuple):
    default_election: str | None  # cash | notes | none; None: not stated
    allocation_offered: bool | None  # the oversubscription-allocation box exists
    denominator: str | None  # offering_document | letter_of_transmittal; None: not stated
    oversubscription_allocation: str | None  # pro_rata | not_stated | None


class ClassInput(NamedTuple):
    id: str
    sought: int | None
    outstanding: int | None
    lines: tuple[TenderLine, ...]
    pools: tuple[PoolTerms, ...]
    recorded: Recorded | None = None


# ---------------------------------------------------------------- demand

class Demand:
    """What one class's tender rows add up to, per consideration (filled in by tender_demand)."""

    shares: dict[str, int]
    box: dict[str, Fraction | None]
    unelected: int
    invalid: int
    known: bool
    gd: int | None

    __slots__ = ("box", "gd", "invalid", "known", "shares", "unelected")

    def __init__(self, shares: dict[str, int], box: dict[str, Fraction | None], unelected: int = 0,
                 invalid: int = 0, known: bool = True, gd: int | None = 0) -> None:
        self.shares = shares
        self.box = box
        self.unelected = unelected
        self.invalid = invalid
        self.known = known
        self.gd = gd


def tender_demand(ci: ClassInput, default: str | None, gaps: list[str]) -> Demand:
    d = Demand({k: 0 for k in KINDS}, {k: Fraction(0) for k in KINDS})
    for line in ci.lines:
        if line.shares is None:
            gaps.append(f"tender row {line.id} states no shares")
            d.known = False
            continue
        if line.guaranteed_delivery is not None and d.gd is not None:
            d.gd += line.guaranteed_delivery
        else:
            d.gd = None
        parts: dict[str, int] = {}
        if line.election in KINDS:
            parts[line.election] = line.shares
        elif line.election == "combination":
            c, n = line.cash_designated or 0, line.notes_designated or 0
            if c + n > line.shares:
                gaps.append(f"tender row {line.id} designates {c + n:,} shares for cash and notes "
                            f"but tenders only {line.shares:,}")
                d.known = False
                continue
            parts = {CASH: c, NOTES: n, "default": line.shares - c - n}
        elif line.election == "unspecified":
            parts["default"] = line.shares
        else:
            gaps.append(f"tender row {line.id} states no election")
            d.known = False
            continue
        if parts.get("default"):
            d.unelected += parts["default"]
            if default in KINDS:
                parts[default] = parts.get(default, 0) + parts["default"]
            elif default == "none":
                d.invalid += parts["default"]
            else:
                gaps.append("consideration.default_election is not stated, so shares without a "
                            "valid election cannot be assigned")
                d.known = False
        parts.pop("default", None)
        for kind, n in parts.items():
            d.shares[kind] += n
            share = (None if line.box_shares is None else
                     Fraction(line.box_shares * n, line.shares) if line.shares else Fraction(0))
            current = d.box[kind]
            d.box[kind] = None if current is None or share is None else current + share
    return d
