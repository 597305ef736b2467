"""Facts for findings: the calculators' own reasons for a derived fact they left out."""

from __future__ import annotations

from checker.document import load_document_text
from checker.engine_facts import derived_explanations

DOC = "schema_version: 1\noffer: {id: t}\n"


def _document(derived):
    document = load_document_text(DOC)
    document.derived_cache.update(derived)
    return document


def test_a_missing_derived_fact_brings_its_records_computation():
    document = _document({"conditions": {"index_tests": [
        {"computation": "DJIA: the reference close is missing."},
        {"computation": "S&P 500: the reference close is missing."}]}})
    missing = (("derived", "conditions", "index_tests", 1, "reference_close"),
               ("derived", "conditions", "index_tests", 1, "triggered"),
               ("derived", "conditions", "index_tests", 0, "reference_close"))
    assert derived_explanations(document, missing) == (
        " S&P 500: the reference close is missing. DJIA: the reference close is missing.")


def test_nothing_is_added_without_a_record_or_for_document_facts():
    document = _document({"conditions": {"index_tests": [{"triggered": None}]}})
    assert derived_explanations(document, (
        ("derived", "conditions", "index_tests", 0, "reference_close"),  # the record says nothing
        ("derived", "conditions", "index_tests", 3, "reference_close"),  # no such record
        ("derived", "nowhere", "x"),  # no such calculator
        ("derived", "conditions"),  # too short to name a record
        ("classes", 0, "sought"))) == ""  # not a derived fact


def test_concrete_values_expand_wildcards_count_missing_paths_and_stop_at_the_limit():
    from checker.engine_facts import _MISSING, _concrete_values
    from checker.document import load_document_text

    document = load_document_text(
        "schema_version: 1\noffer: {id: t}\n"
        "classes: [{id: A, sought: 1}, {id: B}, {id: C, sought: 3}]\n", "doc.yaml")
    values = _concrete_values(document, ("classes", "[]", "sought"), 12)
    assert values == [(("classes", 0, "sought"), 1), (("classes", 1, "sought"), _MISSING),
                      (("classes", 2, "sought"), 3)]
    # A missing path still counts toward the limit, as the facts list has always counted.
    assert _concrete_values(document, ("classes", "[]", "sought"), 2)[-1][1] is _MISSING
    # A wildcard over a missing list or a scalar gives nothing; a plain missing path, itself.
    assert _concrete_values(document, ("tenders", "[]", "x"), 12) == []
    assert _concrete_values(document, ("offer", "id", "[]"), 12) == []
    assert _concrete_values(document, ("timeline", "commencement"), 12) == [
        (("timeline", "commencement"), _MISSING)]
