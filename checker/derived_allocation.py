"""Class-level proration as derived facts: rules read it as ``derived.allocation.*``.

Reads the offer's tender totals (tenders.totals), the classes' sought and outstanding
shares, the consideration options' maxima and caps, any recorded acceptance
(tenders.acceptance) and the policy settings, and publishes what
:mod:`checker.allocation` computes. Shape: the ``allocation`` property of
``schemas/derived.schema.json``. A figure that cannot be computed from the facts is
left out, so a rule reading it goes not_evaluable. Before any tender is recorded
(no tenders.totals, or an empty list) the lists are empty and the rules that loop
over them are not_applicable.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from checker.derived import calculator
from checker.document import OfferDocument

# The allocation kernel (checker.allocation and its inputs and text modules) is imported
# where it is used: before any tender is recorded, this calculator publishes empty lists
# and a check need not load it (about 10 ms of start-up).
if TYPE_CHECKING:
    from checker.allocation import ClassInput, ClassResult, Policy, PoolResult, PoolTerms, Recorded


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dec(value: Any) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


@calculator("allocation")
def allocation_facts(document: OfferDocument) -> dict[str, Any]:
    totals = document.get(("tenders", "totals")) or []
    out: dict[str, Any] = {"classes": [], "pools": [], "instruments": []}
    if not totals:
        return out
    from checker.allocation import NOTES, allocate_class

    results = [allocate_class(ci, _policy(document)) for ci in class_inputs(document)]
    out["classes"] = [_class_facts(r) for r in results]
    pools = [p for r in results for p in r.pools]
    out["pools"] = [_pool_facts(p) for p in pools]
    out["instruments"] = _instrument_facts(document, pools)
    _put(out, "cash_paid_total", _total([p.amount for p in pools if p.kind != NOTES]))
    _put(out, "notes_principal_total", _total([p.principal_issued for p in pools if p.kind == NOTES]))
    return out


def _total(amounts: list[Decimal | None]) -> Decimal | None:
    """The sum, or None if the list is empty or any amount is unknown."""
    known = [a for a in amounts if a is not None]
    return sum(known, Decimal(0)) if amounts and len(known) == len(amounts) else None


def _policy(document: OfferDocument) -> Policy:
    from checker.allocation import Policy

    policy = document.get(("settings", "policy")) or {}
    offered = document.get(("consideration", "oversubscription_allocation_offered"))
    return Policy(default_election=document.get(("consideration", "default_election")),
                  allocation_offered=offered if isinstance(offered, bool) else None,
                  denominator=policy.get("consideration_proration_denominator"),
                  oversubscription_allocation=policy.get("oversubscription_allocation"))


def class_inputs(document: OfferDocument) -> list[ClassInput]:
    """One input per class, plus one per class id that only tender rows name."""
    from checker.allocation import KINDS, ClassInput, TenderLine

    classes = document.get(("classes",)) or []
    options = document.get(("consideration", "options")) or []
    instruments = {i.get("id"): i for i in document.get(("consideration", "instruments")) or []}
    totals = document.get(("tenders", "totals")) or []
    acceptance = document.get(("tenders", "acceptance")) or []
    ids = [c["id"] for c in classes] + [t["class"] for t in totals
                                         if t["class"] not in {c["id"] for c in classes}]
    out = []
    for cid in dict.fromkeys(ids):
        cls: dict[str, Any] = next((c for c in classes if c["id"] == cid), {})
        lines = tuple(TenderLine(
            id=t["id"], election=t.get("election"), shares=_int(t.get("shares")),
            cash_designated=_int(t.get("cash_designated_shares")),
            notes_designated=_int(t.get("notes_designated_shares")),
            box_shares=_int(t.get("oversubscription_box_shares")),
            guaranteed_delivery=_int(t.get("guaranteed_delivery_shares")))
            for t in totals if t["class"] == cid)
        pools = tuple(_terms(o, instruments) for o in options
                      if o.get("class") == cid and o.get("kind") in KINDS)
        out.append(ClassInput(cid, _int(cls.get("sought")), _int(cls.get("outstanding")), lines,
                              pools, _recorded([a for a in acceptance if a["class"] == cid])))
    return out


def _terms(option: dict[str, Any], instruments: dict[Any, dict[str, Any]]) -> PoolTerms:
    from checker.allocation import NOTES, PoolTerms

    kind = option["kind"]
    instrument = instruments.get(option.get("instrument"), {}) if kind == NOTES else {}
    return PoolTerms(
        option=option["id"], kind=kind, max_shares=_int(option.get("max_shares")),
        cap_amount=_dec(option.get("cap_amount")),
        per_share=_dec(option.get("principal_per_share" if kind == NOTES else "price_per_share")),
        integral_multiple=_dec(instrument.get("integral_multiple")),
        instrument=option.get("instrument") if kind == NOTES else None)


def _recorded(rows: list[dict[str, Any]]) -> Recorded | None:
    """tenders.acceptance rows for one class (several rows are added together)."""
    if not rows:
        return None
    from checker.allocation import Recorded

    def total(key: str) -> int | None:
        values = [_int(r.get(key)) for r in rows if key in r]
        return sum(values) if values and None not in values else None  # type: ignore[arg-type]

    factors = [_dec(r.get("proration_factor")) for r in rows if "proration_factor" in r]
    return Recorded(accepted=total("accepted_shares"), cash=total("cash_shares"),
                    notes=total("notes_shares"), factor=factors[0] if len(factors) == 1 else None,
                    excess_cash=total("excess_elected_cash_shares") or 0,
                    excess_notes=total("excess_elected_notes_shares") or 0)


def _put(out: dict[str, Any], key: str, value: Any, parts: tuple[int | None, int | None] = (None, None)
         ) -> None:
    """Publish a value, leaving out what was not computed. A factor is published as a display
    decimal and, as key_fraction, the unreduced numerator/denominator it was computed from."""
    if isinstance(value, Fraction):
        from checker.allocation_text import factor_text

        out[key] = factor_text(value)
        top, bottom = parts
        if value == 1:
            text = "1"
        elif top is not None and bottom is not None:
            text = f"{top:,}/{bottom:,}"
        else:
            text = f"{value.numerator:,}/{value.denominator:,}"
        out[key + "_fraction"] = text
    elif value is not None:
        out[key] = value


def _class_facts(c: ClassResult) -> dict[str, Any]:
    from checker.allocation_text import two_percent_text

    out: dict[str, Any] = {"id": c.id, "computation": c.computation}
    for key, value in (
            ("tendered", c.tendered), ("invalid_shares", c.invalid_shares),
            ("unelected_shares", c.unelected_shares),
            ("guaranteed_delivery_shares", c.guaranteed_delivery_shares),
            ("default_election", c.default_election), ("sought", c.sought),
            ("excess_elected", c.excess_elected), ("acceptance_limit", c.acceptance_limit),
            ("oversubscribed", c.oversubscribed),
            ("series_accepted", c.series_accepted), ("accepted", c.accepted),
            ("accepted_computed", c.accepted_computed), ("accepted_recorded", c.accepted_recorded),
            ("factor_recorded", c.factor_recorded),
            ("factor_recorded_matches", c.factor_recorded_matches), ("outstanding", c.outstanding),
            ("excess", c.excess), ("excess_limit_two_percent", c.excess_limit)):
        _put(out, key, value)
    _put(out, "series_factor", c.series_factor, (c.acceptance_limit, c.tendered))
    if c.accepted is not None:
        out["accepted_basis"] = "recorded" if c.accepted_recorded is not None else "computed"
    if c.excess is not None and c.excess_limit is not None:
        out["excess_within_two_percent"] = c.excess <= c.excess_limit
        out["two_percent_computation"] = two_percent_text(c.outstanding, c.excess_limit)
    recorded = [p.accepted_recorded for p in c.pools]
    if c.accepted_recorded is not None and c.pools and None not in recorded:
        out["recorded_pools_sum"] = sum(recorded)  # type: ignore[arg-type]
    if c.gaps:
        out["gaps"] = "; ".join(c.gaps)
    return out


def _pool_facts(p: PoolResult) -> dict[str, Any]:
    out: dict[str, Any] = {"id": p.id, "class": p.class_id, "kind": p.kind,
                           "computation": p.computation}
    box = None if p.box_shares is None else p.box_shares.numerator // p.box_shares.denominator
    for key, value in (
            ("instrument", p.instrument), ("demand", p.demand), ("oversubscription_box_shares", box),
            ("after_series", p.after_series), ("max_shares", p.max_shares),
            ("excess_added", p.excess_added), ("capacity", p.capacity),
            ("oversubscribed", p.oversubscribed),
            ("readings_differ", p.readings_differ), ("denominator_reading", p.reading),
            ("accepted_own", p.accepted_own), ("cut_back", p.cut_back),
            ("box_cut_back", p.box_cut_back), ("spare", p.spare), ("moved_out", p.moved_out),
            ("moved_in", p.moved_in), ("accepted", p.accepted),
            ("accepted_computed", p.accepted_computed), ("accepted_recorded", p.accepted_recorded),
            ("returned", p.returned), ("per_share", p.per_share), ("cap_amount", p.cap_amount),
            ("amount", p.amount), ("principal_issued", p.principal_issued),
            ("cap_used", p.cap_used), ("allocation_computation", p.allocation_computation)):
        _put(out, key, value)
    _put(out, "factor_offering_document", p.factor_offering_document, (p.capacity, p.after_series))
    _put(out, "factor_letter_of_transmittal", p.factor_letter_of_transmittal, (p.capacity, p.demand))
    own = (p.capacity, p.after_series if p.reading == "offering_document" else p.demand)
    _put(out, "factor", p.factor, own)
    if p.accepted is not None:
        out["accepted_basis"] = "recorded" if p.accepted_recorded is not None else "computed"
    if p.principal_issued is not None and p.amount is not None:
        out["cash_in_lieu_at_least"] = p.amount - p.principal_issued
    return out


def _instrument_facts(document: OfferDocument, pools: list[PoolResult]) -> list[dict[str, Any]]:
    from checker.allocation import NOTES
    from checker.allocation_text import money

    out = []
    instruments = document.get(("consideration", "instruments")) or []
    for instrument in instruments:
        mine = [p for p in pools if p.kind == NOTES and p.instrument == instrument["id"]]
        if not mine:
            continue
        row: dict[str, Any] = {"id": instrument["id"]}
        limit = _dec(instrument.get("aggregate_principal_limit"))
        _put(row, "aggregate_principal_limit", limit)
        total = _total([p.principal_issued for p in mine])
        parts = " + ".join(f"{p.id} {money(p.principal_issued)}" for p in mine)
        if total is not None:
            row["principal_issued_total"] = total
            if limit is not None:
                row["headroom"] = limit - total
            parts += f" = {money(total)}"
        row["computation"] = (f"{instrument['id']}: principal issued (class level, each floored to the "
                              f"note multiple: an upper bound) {parts}; aggregate limit {money(limit)}.")
        out.append(row)
    return out
