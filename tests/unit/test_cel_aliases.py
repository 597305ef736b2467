"""The alias rewriting (cel_aliases, engine_plan) is a shortcut, never a second semantics.

Rewritten programs read facts through per-document aliases; whenever an alias cannot
be bound the engine runs the original program. These tests pin the rewriting itself,
check every bundled program still compiles once rewritten, and compare whole runs with
and without the rewriting, and with the rewritten programs translated to Python
(cel_python): on the examples, and on Dynex documents with one fact changed or deleted
(hypothesis, derandomized), where missing and mistyped facts force the fallbacks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.cel_aliases import Alias, AliasRegistry, Loop, compact, flatten
from checker.document import load_document, load_document_text
from checker.engine import evaluate
from checker.engine_plan import plan_for
from checker.errors import DocumentError
from checker.expr import compile_expression
from checker.rulepack import load_packs, select_rules
from checker.run import document_as_of
from dynex_mutations import DYNEX, PATHS, deleted, replaced

ROOT = Path(__file__).resolve().parents[2]
RULES = select_rules(load_packs([ROOT / "rules"]))
ROOTS = frozenset({"classes", "consideration", "derived", "timeline", "settings"})
LOOP_C = (Loop("c", ("classes",), "__i_c"),)


def _flatten(source: str, loops: tuple[Loop, ...] = ()) -> tuple[str, dict[str, Alias]]:
    registry = AliasRegistry()
    out = flatten(source, loops, ROOTS, "p", registry)
    return out, {name: alias for alias, name in registry.names.items()}


def test_compact_keeps_tokens_and_drops_layout():
    assert compact("a - -1 &&\n    x in [1, 2] || 'a  b' == y.z") == "a- -1&&x in[1,2] ||'a  b'==y.z"


def test_a_member_chain_becomes_one_alias_of_its_whole_path():
    out, aliases = _flatten("derived.timeline.expiration_is_business_day")
    assert out == compact("__a0")
    assert aliases["__a0"] == Alias("path", ("derived", "timeline", "expiration_is_business_day"))


def test_has_reads_a_field_alias_so_presence_is_asked_of_the_same_key():
    out, aliases = _flatten("has(derived.timeline.payment) && has(settings.rounding)")
    assert out == compact("has(__a0.payment) && has(__a1.rounding)")
    assert aliases["__a0"] == Alias("field", ("derived", "timeline"), "payment")
    assert aliases["__a1"] == Alias("field", ("settings",), "rounding")


def test_a_loop_variable_reads_the_item_of_the_list_alias_at_the_loop_index():
    out, aliases = _flatten("c.sought > 0 && has(c.outstanding) && string(c) != ''", LOOP_C)
    assert out == compact("(__a0[__i_c]).sought > 0 && has((__a0[__i_c]).outstanding)"
                          " && string((__a0[__i_c])) != ''")
    assert aliases == {"__a0": Alias("path", ("classes",))}


def test_a_nested_loop_reads_through_the_outer_item():
    loops = LOOP_C + (Loop("o", ("c", "options"), "__i_o"),)
    out, _ = _flatten("o.price == c.id", loops)
    assert out == compact("((__a0[__i_c]).options[__i_o]).price == (__a0[__i_c]).id")


def test_method_calls_namespaces_comprehension_variables_and_unknown_roots_are_left_alone():
    source = ("consideration.options.filter(c, c.kind == 'cash').all(x, money.le(x.price, '1'))"
              " && size(classes) > 0 && other.thing")
    out, aliases = _flatten(source, LOOP_C)
    # The comprehension variable c shadows the loop variable c inside its macro.
    assert out == compact("__a0.filter(c, c.kind == 'cash').all(x, money.le(x.price, '1'))"
                          " && size(classes) > 0 && other.thing")
    assert aliases == {"__a0": Alias("path", ("consideration", "options"))}


def test_params_and_variables_are_read_one_value_at_a_time():
    out, aliases = _flatten("params.rate[variables.index] == variables.row.rate")
    assert out == compact("__a0[__a1] == __a2.rate")
    assert aliases["__a0"] == Alias("param", ("p",), "rate")
    assert aliases["__a2"] == Alias("variable", ("p",), "row")


def test_every_bundled_program_compiles_once_rewritten():
    plan = plan_for(RULES)
    programs = [p for rp in plan.by_rule.values()
                for p in (rp.expr, rp.when, rp.message_expr, *rp.wheres) if p is not None]
    programs += list(plan.variables.values())
    rewritten = [p.source for p in programs if p.source is not None]
    assert len(rewritten) > 200
    for source in rewritten:
        compile_expression(source)


def _outcomes(document, rewrite: bool, python: bool = False) -> list[tuple]:
    findings = evaluate(document, RULES, document_as_of(document, None), rewrite=rewrite,
                        python=python)
    return [(f.rule_id, f.instance, f.status.value, f.message, f.missing) for f in findings]


def _assert_same_every_way(document, label=None) -> None:
    """The reference run (programs as written, in CEL) against the rewritten programs in
    CEL and the rewritten programs translated to Python (cel_python)."""
    reference = _outcomes(document, False)
    assert _outcomes(document, True) == reference, label
    assert _outcomes(document, True, python=True) == reference, label


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*/*.yaml")), ids=lambda p: p.name)
def test_examples_give_the_same_findings_with_and_without_the_rewriting(path):
    _assert_same_every_way(load_document(path))


FUZZ = settings(derandomize=True, deadline=None, max_examples=25,
                suppress_health_check=[HealthCheck.too_slow])


def _same_both_ways(data) -> None:
    try:
        document = load_document_text(yaml.safe_dump(data, sort_keys=False), "fuzz.yaml")
    except DocumentError:
        return
    _assert_same_every_way(document)


@FUZZ
@given(st.sampled_from(PATHS))
def test_a_deleted_fact_gives_the_same_findings_with_and_without_the_rewriting(path):
    _same_both_ways(deleted(DYNEX, path))


@FUZZ
@given(st.sampled_from(PATHS), st.one_of(st.none(), st.booleans(), st.integers(-5, 10 ** 6),
                                         st.sampled_from(["", "x", "24.50", "2003-02-11"]),
                                         st.just([]), st.just({})))
def test_a_changed_fact_gives_the_same_findings_with_and_without_the_rewriting(path, value):
    _same_both_ways(replaced(DYNEX, path, value))


def _alias_paths() -> list[tuple]:
    """Every document path the bundled rules read through an alias, present in DYNEX;
    for a list (a loop's), each field the rules may read of its first item."""
    found = set()
    plan = plan_for(RULES)
    for alias in plan.registry.names:
        parts = alias.parts + ((alias.field,) if alias.kind == "field" else ())
        if alias.kind in ("path", "field") and parts[0] != "derived":
            node = DYNEX
            for part in parts:
                if isinstance(node, list):
                    node = node[part] if isinstance(part, int) and part < len(node) else None
                else:
                    node = node.get(part) if isinstance(node, dict) else None
            if node is not None:
                found.add(parts)
            if isinstance(node, list) and node and isinstance(node[0], dict):
                found.update(parts + (0, key) for key in node[0] if key in plan.names)
    return sorted(found, key=repr)


def test_deleting_each_fact_read_through_an_alias_gives_the_same_findings(monkeypatch):
    """Deletions aimed at the aliases, so that the fallback to the original program runs."""
    from checker import engine_session

    fallbacks = []
    original_failure = engine_session.PackRun._failure

    def counting_failure(self, exc):
        outcome = original_failure(self, exc)
        if outcome.kind == "missing_root" and outcome.value.startswith("__a"):
            fallbacks.append(outcome.value)  # an unbound alias: the original program runs next
        return outcome

    paths = _alias_paths()
    assert len(paths) > 20
    for path in paths:
        try:
            document = load_document_text(yaml.safe_dump(deleted(DYNEX, path), sort_keys=False),
                                          "fuzz.yaml")
        except DocumentError:
            continue  # a required fact: the document is refused before any rule runs
        monkeypatch.setattr(engine_session.PackRun, "_failure", counting_failure)
        rewritten = _outcomes(document, True)
        monkeypatch.setattr(engine_session.PackRun, "_failure", original_failure)
        assert rewritten == _outcomes(document, False), path
        assert _outcomes(document, True, python=True) == rewritten, path
    assert fallbacks, "no deletion made a rewritten program fall back: the test lost its point"


def test_a_plan_takes_its_rewriting_from_the_cache_only_when_the_record_fits(isolated_cache):
    from checker.engine_plan import Plan

    def summary(plan):
        programs = [p.source for rp in plan.by_rule.values()
                    for p in (rp.expr, rp.when, rp.message_expr, *rp.wheres) if p is not None]
        return programs, plan.aliases, plan.registry.bare_roots

    computed = Plan(RULES)  # a miss: rewrites and stores
    stored = list((isolated_cache / "json").iterdir())
    assert len(stored) == 1
    assert summary(Plan(RULES)) == summary(computed)  # a hit gives the same plan

    stored[0].write_text('{"sources": [1, 2], "aliases": [], "bare_roots": []}')
    assert summary(Plan(RULES)) == summary(computed)  # a record that does not fit is ignored


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*/*.yaml")), ids=lambda p: p.name)
def test_each_alias_holds_what_the_whole_view_holds_at_its_path(path):
    """FactView converts subtrees on demand; they must equal the same paths of the whole view."""
    from checker.engine import compute_derived
    from checker.engine_view import ABSENT, FactView

    plan = plan_for(RULES)
    document = load_document(path)
    view = FactView(document, plan.trimmer, compute_derived(document, plan.calculators))
    whole = view.whole()

    def walk(parts):
        node = whole
        for part in parts:
            if not isinstance(node, dict) or part not in node:
                return ABSENT
            node = node[part]
        return node

    checked = 0
    for alias, _ in plan.registry.names.items():
        if alias.kind == "path":
            assert view.value(alias.parts) == walk(alias.parts), alias
        elif alias.kind == "field":
            parent = walk(alias.parts)
            expected = ({alias.field: True} if alias.field in parent else {}) \
                if isinstance(parent, dict) else ABSENT
            assert view.present(alias.parts, alias.field) == expected, alias
        else:
            continue
        checked += 1
    assert checked > 100


def test_every_pack_test_case_gives_the_same_findings_every_way():
    """The packs' own test cases are small documents full of edge cases (missing, empty and
    mistyped facts): every bundled rule is run on each, so that fallbacks from several
    packs meet in one document."""
    from checker.document import document_from_source
    from checker.ruletests import _facts_source

    packs = load_packs([ROOT / "rules"])
    cases = [case for pack in packs for case in pack.tests]
    assert len(cases) > 300
    documents = 0
    for case in cases:
        try:
            document = document_from_source(_facts_source(case))
        except DocumentError:  # DocumentErrors too: the case's facts are refused
            continue
        documents += 1
        _assert_same_every_way(document, case.name)
    assert documents > 300
