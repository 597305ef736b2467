"""Totals over an offer's consideration: a small calculator, and the template for others."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from checker.derived import calculator
from checker.document import OfferDocument


@calculator("offer_totals")
def offer_totals(document: OfferDocument) -> dict[str, Any]:
    options = document.get(("consideration", "options")) or []
    classes = document.get(("classes",)) or []
    out: dict[str, Any] = {}
    for kind, key in (("cash", "cash_cap_total"), ("notes", "notes_cap_total")):
        caps = [o.get("cap_amount") for o in options if o.get("kind") == kind]
        if caps and all(isinstance(c, Decimal) for c in caps):
            out[key] = sum(caps, Decimal(0))
    sought = [c.get("sought") for c in classes]
    if sought and all(isinstance(s, int) for s in sought):
        out["shares_sought_total"] = sum(sought)
    return out
