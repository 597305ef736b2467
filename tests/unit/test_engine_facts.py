"""Facts for findings: the calculators' own reasons for a derived fact they left out."""

from __future__ import annotations

from checker.document import load_document_text
from checker.cel_refs import ANY_ITEM
from checker.engine_facts import derived_explanations, first_missing

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


def test_first_missing_names_the_first_absent_prefix():
    document = load_document_text(
        "schema_version: 1\noffer: {id: t}\nclasses: [{id: A, sought: 1}]\n", "doc.yaml")
    document.derived_cache.update({"offer_totals": {"cash_cap_total": 5}})
    assert first_missing(document, ("classes", 0, "sought")) is None
    assert first_missing(document, ("classes", 0, "outstanding")) == ("classes", 0, "outstanding")
    assert first_missing(document, ("classes", 3, "sought")) == ("classes", 3)  # no such item
    assert first_missing(document, ("classes", 0, "id", "x")) == ("classes", 0, "id", "x")  # a scalar
    assert first_missing(document, ("tenders", "totals")) == ("tenders",)
    assert first_missing(document, ("derived", "offer_totals", "cash_cap_total")) is None
    assert first_missing(document, ("derived", "offer_totals", "notes")) == (
        "derived", "offer_totals", "notes")
    assert first_missing(document, ("derived", "timeline", "x")) == ("derived", "timeline")


def test_a_need_is_split_so_that_its_loop_variable_is_bound_as_missing_paths_binds_it():
    """The plan's split of each need (planned_need), bound per instance, against
    missing_paths on every need of the bundled rules, over the Dynex document, bound at
    every item of its loops."""
    from pathlib import Path

    from checker.document import load_document
    from checker.engine import compute_derived
    from checker.engine_facts import missing_paths, planned_need
    from checker.engine_plan import plan_for
    from checker.resources import bundled_rules_dir
    from checker.rulepack import load_packs, select_rules

    rules = select_rules(load_packs([bundled_rules_dir()]))
    document = load_document(str(Path(__file__).parents[2] / "examples/dynex-2003/offer.yaml"))
    compute_derived(document, plan_for(rules).calculators)
    compared = found = 0
    for rule in rules:
        for need in rule.needs:
            head, tail = planned_need(need)
            if tail is None:
                continue
            loop = next((fe for fe in rule.for_each if fe.var == head), None)
            items = document.get(loop.pattern[:-1] if loop else ()) if loop else None
            for bindings in ([{head: loop.pattern[:-1] + (i,)} for i in range(len(items))]
                             if loop and isinstance(items, list) and ANY_ITEM not in loop.pattern[:-1]
                             else [{}]):
                expected = missing_paths(document, need, bindings)
                path = bindings.get(head, (head,)) + tail
                assert [first_missing(document, path)] == (expected or [None]), (rule.id, need)
                compared += 1
                found += bool(expected)
    assert compared > 100 and found > 5, (compared, found)
