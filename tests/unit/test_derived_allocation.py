"""derived.allocation (checker/derived_allocation.py): shape, omissions, the document mapping."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from checker.derived import compute
from checker.document import load_document, load_document_text

ROOT = Path(__file__).resolve().parents[2]
DERIVED_SCHEMA = json.loads((ROOT / "schemas" / "derived.schema.json").read_text())

OPTIONS = [
    {"id": "A-cash", "class": "A", "kind": "cash", "price_per_share": "24.00", "max_shares": 40, "cap_amount": "960"},
    {"id": "A-notes", "class": "A", "kind": "notes", "principal_per_share": "25.20", "max_shares": 60,
     "cap_amount": "1500", "instrument": "sn"},
]
TOTALS = [{"id": "A-cash", "class": "A", "election": "cash", "shares": 30, "oversubscription_box_shares": 0},
          {"id": "A-notes", "class": "A", "election": "notes", "shares": 170, "oversubscription_box_shares": 100}]


def doc(**sections: Any):
    data = {"schema_version": 1, "offer": {"id": "t"},
            "classes": [{"id": "A", "sought": 100, "outstanding": 1000}],
            "consideration": {"default_election": "cash", "oversubscription_allocation_offered": True,
                              "options": OPTIONS,
                              "instruments": [{"id": "sn", "integral_multiple": "25",
                                               "aggregate_principal_limit": "1500"}]},
            "settings": {"policy": {"consideration_proration_denominator": "offering_document"}},
            "tenders": {"totals": TOTALS}}
    data.update(sections)
    return load_document_text(json.dumps(data), "test.json")


def allocation(document) -> dict[str, Any]:
    return compute(document, {"allocation"})["allocation"]


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return format(value, "f") if isinstance(value, Decimal) else value


def test_published_figures():
    a = allocation(doc())
    (c,) = a["classes"]
    cash, notes = a["pools"]
    assert (c["tendered"], c["series_factor"], c["series_factor_fraction"]) == (200, "0.500000", "100/200")
    assert (c["accepted"], c["accepted_basis"], c["excess"], c["excess_limit_two_percent"]) == (89, "computed", 0, 20)
    assert (notes["factor"], notes["factor_fraction"], notes["factor_letter_of_transmittal_fraction"]) == (
        "0.705882", "60/85", "60/170")
    assert (notes["moved_out"], cash["moved_in"], cash["accepted"], notes["returned"]) == (14, 14, 29, 96)
    assert notes["principal_issued"] == Decimal("1500") and notes["cash_in_lieu_at_least"] == Decimal("12.00")
    assert a["instruments"] == [{"id": "sn", "aggregate_principal_limit": Decimal("1500"),
                                 "principal_issued_total": Decimal("1500"), "headroom": Decimal("0"),
                                 "computation": a["instruments"][0]["computation"]}]
    assert a["cash_paid_total"] == Decimal("696.00") and a["notes_principal_total"] == Decimal("1500")


@pytest.mark.parametrize("tenders", [{}, {"totals": []}, {"source": "none received yet"}])
def test_before_any_tender_the_lists_are_empty(tenders):
    assert allocation(doc(tenders=tenders)) == {"classes": [], "pools": [], "instruments": []}


def test_what_cannot_be_computed_is_left_out():
    a = allocation(doc(settings={}))  # the two denominators differ and no policy chooses
    notes = a["pools"][1]
    assert "factor" not in notes and "accepted" not in notes and "denominator_reading" not in notes
    assert notes["readings_differ"] is True and "not set" in a["classes"][0]["gaps"]
    assert "accepted" not in a["classes"][0] and "notes_principal_total" not in a
    a = allocation(doc(classes=[{"id": "A"}]))
    assert {"sought", "series_factor", "excess", "excess_limit_two_percent"}.isdisjoint(a["classes"][0])


def test_recorded_acceptance_and_excess_are_read():
    a = allocation(doc(tenders={"totals": TOTALS, "acceptance": [
        {"id": "A", "class": "A", "accepted_shares": 125, "cash_shares": 65, "notes_shares": 60,
         "proration_factor": "0.625", "excess_elected_cash_shares": 25}]}))
    (c,) = a["classes"]
    assert (c["acceptance_limit"], c["series_factor_fraction"], c["factor_recorded_matches"]) == (125, "125/200", True)
    assert (c["accepted"], c["accepted_basis"], c["recorded_pools_sum"], c["excess"]) == (125, "recorded", 125, 25)
    assert c["excess_within_two_percent"] is False
    assert a["pools"][0]["capacity"] == 65 and a["pools"][0]["accepted_basis"] == "recorded"


def test_tenders_for_an_unknown_class_are_not_dropped():
    a = allocation(doc(tenders={"totals": TOTALS + [{"id": "Z", "class": "Z", "election": "cash", "shares": 5}]}))
    z = a["classes"][-1]
    assert z["id"] == "Z" and z["tendered"] == 5 and "sought" not in z


def test_derived_facts_match_the_declared_schema():
    schema = {**DERIVED_SCHEMA["properties"]["allocation"], "$defs": DERIVED_SCHEMA["$defs"]}
    validator = jsonschema.Draft202012Validator(schema)
    documents = [load_document(str(p)) for p in sorted((ROOT / "examples").rglob("*.yaml"))]
    documents += [doc(), doc(settings={}), doc(classes=[{"id": "A"}])]
    for document in documents:
        facts = allocation(document)
        errors = [e.message for e in validator.iter_errors(jsonable(facts))]
        assert errors == [], (document.path, errors)
