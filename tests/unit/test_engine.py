"""Engine statuses: pass, fail, not_applicable, not_evaluable, error — and never a crash."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from checker.document import load_document_text
from checker.engine import evaluate, law_date, select_packs
from checker.errors import RulePackError
from checker.findings import Status
from checker.rulepack import load_pack

DOC = """\
schema_version: 1
offer: {id: t, as_of: 2003-01-08T00:01:00-05:00}
timeline: {commencement: 2003-01-08T00:01:00-05:00}
classes:
  - {id: A, outstanding: 1000, sought: 100, original_issue_price: "24.00"}
  - {id: B, outstanding: 2000, sought: 300}
"""


def pack(tmp_path: Path, rules: str, params: str = "", variables: str = "",
         effective: str = '{from: "1990-01-01"}') -> Path:
    body = "\n".join(["id: p", "title: P", "version: 1.0.0", f"effective: {effective}",
                      params, variables, "rules:", ""]) + textwrap.indent(textwrap.dedent(rules), "  ") + textwrap.dedent("""\
        tests:
          - {name: t, rule: r.one, facts: {}, expect: pass}
        """)
    path = tmp_path / "p.yaml"
    path.write_text(body)
    return path


def run(tmp_path, rules, doc=DOC, **kw):
    p = load_pack(pack(tmp_path, rules, **kw))
    d = load_document_text(doc, "doc.yaml")
    return evaluate(d, p.rules, d.get(("offer", "as_of")))


RULE = """\
- id: r.one
  title: One
  severity: error
  cite: [{authority: T}]
  expr: {expr}
"""


def one(tmp_path, expr, extra="", **kw):
    rules = RULE.replace("{expr}", expr) + extra
    return run(tmp_path, rules, **kw)


def test_pass_and_fail(tmp_path):
    assert [f.status for f in one(tmp_path, '"classes[0].sought == 100"')] == [Status.PASS]
    assert [f.status for f in one(tmp_path, '"classes[0].sought == 101"')] == [Status.FAIL]


def test_missing_fact_is_not_evaluable_never_pass(tmp_path):
    findings = one(tmp_path, '"classes.all(c, c.original_issue_price != \'\')"')
    assert findings[0].status is Status.NOT_EVALUABLE
    assert "original_issue_price" in findings[0].missing[0]


def test_needs_lists_missing_paths(tmp_path):
    rules = """\
- id: r.one
  title: One
  severity: error
  cite: [{authority: T}]
  for_each: [{var: c, in: classes}]
  needs: [c.original_issue_price]
  expr: "true"
"""
    findings = run(tmp_path, rules)
    assert [(f.instance, f.status) for f in findings] == [("A", Status.PASS), ("B", Status.NOT_EVALUABLE)]
    assert findings[1].missing == ("classes[1].original_issue_price",)


def test_runtime_error_is_error_status(tmp_path):
    findings = one(tmp_path, '"classes[0].sought / 0 == 1"')
    assert findings[0].status is Status.ERROR


def test_domain_function_error_is_reported_with_reason(tmp_path, capsys):
    findings = one(tmp_path, '"money.eq(\'abc\', \'1\')"')
    assert findings[0].status is Status.ERROR
    assert "money.eq" in findings[0].message and "not a decimal" in findings[0].message
    assert capsys.readouterr().err == ""  # the CEL extension's stderr noise is contained


def test_non_boolean_result_is_error(tmp_path):
    assert one(tmp_path, '"classes[0].sought"')[0].status is Status.ERROR


def test_when_false_is_not_applicable(tmp_path):
    findings = one(tmp_path, '"false"', extra='  when: "size(classes) > 5"\n'
                                               '  applies_when: the offer has more than five classes\n')
    assert findings[0].status is Status.NOT_APPLICABLE
    assert findings[0].message == ("Not applicable: the rule applies only when "
                                   "the offer has more than five classes.")


def test_when_without_plain_language_is_a_pack_error(tmp_path):
    with pytest.raises(RulePackError, match=r"p\.yaml:\d+:\d+: .*'when' needs 'applies_when'"):
        one(tmp_path, '"false"', extra='  when: "size(classes) > 5"\n')


def test_nested_loop_over_the_same_record_keeps_one_label(tmp_path):
    rules = RULE.replace("{expr}", '"k.sought > 0"') + \
        "  for_each: [{var: c, in: classes}, {var: k, in: classes, where: 'k.id == c.id'}]\n"
    assert [f.instance for f in run(tmp_path, rules)] == ["A", "B"]


def test_labels_do_not_repeat_what_outer_items_say():
    from checker.engine_instances import extend_label
    assert extend_label(("ext-1",), "ext-1") == ("ext-1",)
    assert extend_label(("e-ownership", "igdaloff-A"), "e-ownership.igdaloff-A") == ("e-ownership", "igdaloff-A")
    assert extend_label(("c-vii",), "c-vii.djia") == ("c-vii.djia",)
    assert extend_label(("A",), "A-cash") == ("A", "A-cash")


def test_empty_inner_loop_names_the_inner_list(tmp_path):
    rules = RULE.replace("{expr}", '"true"') + \
        "  for_each: [{var: c, in: classes}, {var: a, in: amendments, where: 'a.id == c.id'}]\n"
    findings = run(tmp_path, rules, doc=DOC + "amendments: [{id: x}]\n")
    assert [f.status for f in findings] == [Status.NOT_APPLICABLE]
    assert "nothing to check in amendments that match the rule's filter" in findings[0].message


def test_for_each_over_empty_list_is_not_applicable(tmp_path):
    rules = RULE.replace("{expr}", '"false"') + "  for_each: [{var: x, in: amendments}]\n"
    findings = run(tmp_path, rules, doc=DOC + "amendments: []\n")
    assert [f.status for f in findings] == [Status.NOT_APPLICABLE]


def test_for_each_over_missing_list_is_not_evaluable(tmp_path):
    rules = RULE.replace("{expr}", '"false"') + "  for_each: [{var: x, in: amendments}]\n"
    assert [f.status for f in run(tmp_path, rules)] == [Status.NOT_EVALUABLE]


def test_variables_are_lazy_and_shared(tmp_path):
    variables = 'variables:\n  total: "classes.map(c, c.sought).sum()"\n  unused: "nosuch.thing"'
    with pytest.raises(RulePackError, match="unknown name 'nosuch'"):
        one(tmp_path, '"variables.total == 400"', variables=variables)
    variables = 'variables:\n  total: "shares.sum(classes.map(c, c.sought))"\n  broken: "1 / 0 == 1"'
    assert one(tmp_path, '"variables.total == 400"', variables=variables)[0].status is Status.PASS


def test_params_visible(tmp_path):
    params = 'params:\n  limit: {value: 100}'
    assert one(tmp_path, '"classes[0].sought <= params.limit"', params=params)[0].status is Status.PASS


def test_facts_carry_source_lines(tmp_path):
    finding = one(tmp_path, '"classes[0].sought == 100"')[0]
    fact = next(f for f in finding.facts if f.path == "classes[0].sought")
    assert fact.source == "doc.yaml:5:40" and fact.value == 100


def test_effective_dates_select_packs(tmp_path):
    p = load_pack(pack(tmp_path, RULE.replace("{expr}", '"true"'),
                       effective='{from: "2000-01-24", to: "2003-01-01"}'))
    d = load_document_text(DOC, "doc.yaml")
    when = law_date(d, None)
    assert when.date == dt.date(2003, 1, 8) and when.basis == "timeline.commencement"
    chosen, skipped = select_packs([p], when)
    assert chosen == [] and skipped == [p]


def test_as_of_is_readable_by_rules(tmp_path):
    findings = one(tmp_path, '"as_of < timeline.commencement + duration(\'1h\')"')
    assert findings[0].status is Status.PASS


def test_rules_read_derived_facts(tmp_path):
    doc = DOC.replace("classes:", "consideration:\n  options:\n"
                      "    - {id: A-n, class: A, kind: notes, cap_amount: \"100\"}\n"
                      "    - {id: B-n, class: B, kind: notes, cap_amount: \"25\"}\nclasses:")
    findings = one(tmp_path, '"money.eq(derived.offer_totals.notes_cap_total, \'125\')"', doc=doc)
    assert findings[0].status is Status.PASS
    fact = next(f for f in findings[0].facts if f.path.startswith("derived"))
    assert (fact.path, fact.value, fact.source) == ("derived.offer_totals.notes_cap_total", "125", None)


def test_derived_fact_missing_input_is_not_evaluable(tmp_path):
    findings = one(tmp_path, '"money.eq(derived.offer_totals.notes_cap_total, \'125\')"')
    assert findings[0].status is Status.NOT_EVALUABLE


def test_unknown_derived_fact_is_a_load_error(tmp_path):
    with pytest.raises(RulePackError, match="derived-facts schema defines no fact 'derived.offer_totals.nope'"):
        one(tmp_path, '"derived.offer_totals.nope == 1"')


def test_missing_key_read_in_a_comprehension_is_not_blamed_on_the_loop_item(tmp_path):
    # `a.first_published_at` is read from a comprehension item, not from the bound class c:
    # the finding must not say classes[0].first_published_at (the class schema has no such field).
    rules = """\
- id: r.one
  title: One
  severity: error
  cite: [{authority: T}]
  for_each: [{var: c, in: classes}]
  expr: "amendments.all(a, a.first_published_at < timeline.commencement)"
"""
    doc = DOC + "amendments: [{id: a1}]\n"
    findings = run(tmp_path, rules, doc=doc)
    assert findings[0].status is Status.NOT_EVALUABLE
    assert findings[0].missing == ("first_published_at",)
    # A key the bound object's schema defines is still named at that object.
    rules = RULE.replace("{expr}", '"c.original_issue_price != \'\'"') + "  for_each: [{var: c, in: classes}]\n"
    findings = run(tmp_path, rules)
    assert findings[1].missing == ("classes[1].original_issue_price",)


def _param_pack(tmp_path: Path, pack_id: str, value: str) -> Path:
    """A pack whose rule reads its param only in its original program: the fact its
    rewritten program reads through an alias is missing, so the original program runs."""
    path = tmp_path / f"{pack_id}.yaml"
    path.write_text(textwrap.dedent(f"""\
        id: {pack_id}
        title: P
        version: 1.0.0
        effective: {{from: "1990-01-01"}}
        params:
          p: {{value: "{value}", description: which pack}}
        rules:
          - id: {pack_id}.one
            title: One
            severity: error
            cite: [{{authority: T}}]
            expr: "timeline.payment_at == '' || params.p == 'A'"
        tests:
          - {{name: t, rule: {pack_id}.one, facts: {{}}, expect: pass}}
        """))
    return path


@pytest.mark.parametrize("python", [False, True])
def test_each_pack_reads_its_own_params_when_programs_fall_back(tmp_path, python):
    """CEL's || is commutative over errors: the missing fact fails the rule only where the
    pack's own param makes the other side false."""
    rules = load_pack(_param_pack(tmp_path, "a", "A")).rules + \
        load_pack(_param_pack(tmp_path, "b", "B")).rules
    document = load_document_text(DOC, "doc.yaml")
    findings = evaluate(document, rules, document.get(("offer", "as_of")), python=python)
    assert [(f.rule_id, f.status) for f in findings] == [
        ("a.one", Status.PASS), ("b.one", Status.NOT_EVALUABLE)]


def test_cel_only_runs_every_program_in_cel(tmp_path, monkeypatch):
    """OFFERCHECK_CEL_ONLY: no translation is made or run, and the findings are the same."""
    from checker import engine_session

    modes = []
    original_init = engine_session.Session.__init__

    def recording_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        modes.append(self.python)

    monkeypatch.setattr(engine_session.Session, "__init__", recording_init)
    from checker.engine import TRANSLATE_FROM

    rules = load_pack(_param_pack(tmp_path, "a", "A")).rules
    count = TRANSLATE_FROM + 2
    documents = [load_document_text(DOC, f"doc{n}.yaml") for n in range(count)]
    translated = [evaluate(d, rules, d.get(("offer", "as_of"))) for d in documents]
    assert modes == [False] * (TRANSLATE_FROM - 1) + [True] * 3  # from the TRANSLATE_FROM-th on
    monkeypatch.setenv("OFFERCHECK_CEL_ONLY", "1")
    cel_only = [evaluate(d, rules, d.get(("offer", "as_of"))) for d in documents]
    assert modes[count:] == [False] * count
    assert [[(f.rule_id, f.status, f.message) for f in batch] for batch in cel_only] == \
        [[(f.rule_id, f.status, f.message) for f in batch] for batch in translated]


def test_a_document_checked_with_a_fallback_context_is_freed(tmp_path):
    """The extension's Context hides what it holds from the garbage collector: a resolver
    that held its session strongly kept every such document alive for good."""
    import gc

    from checker.engine_session import Session

    rules = load_pack(_param_pack(tmp_path, "a", "A")).rules
    document = load_document_text(DOC, "doc.yaml")
    findings = evaluate(document, rules, document.get(("offer", "as_of")), python=True)
    assert [f.status for f in findings] == [Status.PASS]
    sessions = [f.run.session for f in findings]
    assert all(s._context is not None for s in sessions)  # the program fell back to CEL
    del findings, sessions, document
    gc.collect()
    assert not [o for o in gc.get_objects() if type(o) is Session]


def test_instances_at_the_same_indexes_share_their_bindings_across_documents(tmp_path):
    """A finding keeps its bindings; made once per rule and indexes, they are the same for
    every document (and never per finding: see RulePlan.bindings)."""
    rules = RULE.replace("{expr}", '"k.sought > 0"') + \
        "  for_each: [{var: c, in: classes}, {var: k, in: classes, where: 'k.id != c.id'}]\n"
    rules = load_pack(pack(tmp_path, rules)).rules
    three = DOC + "  - {id: C, outstanding: 10, sought: 1}\n"
    batches = [evaluate(d, rules, d.get(("offer", "as_of")))
               for d in (load_document_text(DOC, "two.yaml"), load_document_text(three, "three.yaml"))]
    assert [[(f.instance, f.bindings) for f in batch] for batch in batches] == [
        [("A/B", {"c": ("classes", 0), "k": ("classes", 1)}),
         ("B/A", {"c": ("classes", 1), "k": ("classes", 0)})],
        [("A/B", {"c": ("classes", 0), "k": ("classes", 1)}),
         ("A/C", {"c": ("classes", 0), "k": ("classes", 2)}),
         ("B/A", {"c": ("classes", 1), "k": ("classes", 0)}),
         ("B/C", {"c": ("classes", 1), "k": ("classes", 2)}),
         ("C/A", {"c": ("classes", 2), "k": ("classes", 0)}),
         ("C/B", {"c": ("classes", 2), "k": ("classes", 1)})]]
    first, second = batches
    assert first[0].bindings is second[0].bindings and first[1].bindings is second[2].bindings


@pytest.mark.parametrize("python", [False, True])
def test_evaluating_and_explaining_a_document_leave_no_reference_cycles(python):
    """Cyclic garbage waits for the collector: a closure calling itself, an exception kept
    in the frame its traceback holds, a session and its values holding each other. Per
    document it made the collector run more often over every finding a long run keeps,
    and kept each document of a run that drops its findings alive until then."""
    import gc

    from checker.document import load_document
    from checker.resources import bundled_rules_dir
    from checker.rulepack import load_packs, select_rules

    rules = select_rules(load_packs([bundled_rules_dir()]))
    documents = [load_document(str(Path(__file__).parents[2] / "examples/dynex-2003/offer.yaml"))
                 for _ in range(2)]
    gc.collect()
    gc.disable()
    try:
        findings = [evaluate(d, rules, None, python=python) for d in documents]
        assert gc.collect() == 0
        reports = [[finding.to_dict() for finding in batch] for batch in findings]  # messages, facts
        assert gc.collect() == 0
        assert len(findings[1]) == 169 and len(reports[1]) == 169
        del findings  # each document's session with them, by reference counts alone
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_facts_of_two_loops_over_one_list_are_each_loops_own_item(tmp_path):
    """`c` and `k` both range over classes: `k.sought` is the fact of k's item, not c's
    (both read the pattern classes[].sought; the finding once cited c's)."""
    rules = RULE.replace("{expr}", '"k.sought > c.outstanding / 100"') + \
        "  for_each: [{var: c, in: classes}, {var: k, in: classes, where: 'k.id != c.id'}]\n"
    findings = run(tmp_path, rules, doc=DOC + "  - {id: C, outstanding: 10, sought: 1}\n")
    assert [(f.instance, [(x.path, x.value) for x in f.facts if not x.path.endswith(".id")])
            for f in findings][:3] == [
        ("A/B", [("classes[1].sought", 300), ("classes[0].outstanding", 1000)]),
        ("A/C", [("classes[2].sought", 1), ("classes[0].outstanding", 1000)]),
        ("B/A", [("classes[0].sought", 100), ("classes[1].outstanding", 2000)])]


def test_a_comprehension_over_a_whole_list_cites_every_item_not_the_instances(tmp_path):
    """`classes.all(k, ...)` reads every class, whichever class the instance is for."""
    rules = RULE.replace("{expr}", '"classes.all(k, k.sought <= c.outstanding)"') + \
        "  for_each: [{var: c, in: classes}]\n"
    findings = run(tmp_path, rules)
    assert [[x.path for x in f.facts] for f in findings] == [
        ["classes[0].id", "classes[0].sought", "classes[1].sought", "classes[0].outstanding"],
        ["classes[1].id", "classes[0].sought", "classes[1].sought", "classes[1].outstanding"]]
