"""Rule-pack loading: every problem is a RulePackError naming file, line and rule."""

from __future__ import annotations


import pytest

from checker.errors import RulePackError
from checker.rulepack import load_pack, load_packs

HEAD = """\
id: p
title: P
version: 1.0.0
effective: {from: "1990-01-01"}
"""
RULE = """\
  - id: r.one
    title: One
    severity: error
    cite: [{authority: T}]
    expr: "true"
"""
TESTS = """\
tests:
  - {name: t, rule: r.one, facts: {}, expect: pass}
"""


def write(tmp_path, text, name="p.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_valid_pack_loads(tmp_path):
    pack = load_pack(write(tmp_path, HEAD + "rules:\n" + RULE + TESTS))
    assert [r.id for r in pack.rules] == ["r.one"] and len(pack.sha256) == 64


@pytest.mark.parametrize("text,fragment,line", [
    (HEAD + "rules:\n" + RULE.replace("severity: error", "severity: fatal") + TESTS,
     "rule r.one: 'fatal' is not one of", 8),
    (HEAD + "rules:\n" + RULE + "    expresion: x\n" + TESTS, "unknown key 'expresion'", 11),
    (HEAD + "rules:\n" + RULE + TESTS.replace("rule: r.one", "rule: r.two"),
     "names rule 'r.two', which this pack does not define", 12),
    (HEAD + "variables:\n  a: variables.b\n  b: variables.a\nrules:\n" + RULE + TESTS,
     "cycle", 6),
    (HEAD + "rules:\n" + RULE.replace('expr: "true"', 'expr: "params.nope == 1"') + TESTS,
     "unknown parameter params.nope", 10),
    (HEAD + "rules:\n" + RULE + "    for_each: [{var: c, in: \"classes[].x\"}]\n" + TESTS,
     "must name one list", 11),
    (HEAD + "rules:\n" + RULE + "    for_each: [{var: classes, in: classes}]\n" + TESTS,
     "shadows", 11),
    (HEAD + "rules:\n" + RULE.replace('expr: "true"', 'expr: "variables.ghost"') + TESTS,
     "unknown variable variables.ghost", 10),
    (HEAD.replace('"1990-01-01"', '"1990-02-30"') + "rules:\n" + RULE + TESTS,
     "not a real date", 4),
    (HEAD + "rules:\n" + RULE.replace('expr: "true"', 'expr: "offer.issuer.nmae == \'\'"') + TESTS,
     "offer.issuer.nmae", 10),
])
def test_pack_errors_name_line_and_rule(tmp_path, text, fragment, line):
    path = write(tmp_path, text)
    with pytest.raises(RulePackError) as info:
        load_pack(path)
    message = str(info.value)
    assert fragment in message, message
    assert message.startswith(f"{path}:{line}:"), message
    assert "\n" not in message


def test_duplicate_rule_ids_across_packs(tmp_path):
    write(tmp_path, HEAD + "rules:\n" + RULE + TESTS, "a.yaml")
    write(tmp_path, HEAD.replace("id: p", "id: q") + "rules:\n" + RULE + TESTS, "b.yaml")
    with pytest.raises(RulePackError, match="rule id 'r.one' is also defined"):
        load_packs([tmp_path])


def test_duplicate_pack_ids(tmp_path):
    write(tmp_path, HEAD + "rules:\n" + RULE + TESTS, "a.yaml")
    write(tmp_path, HEAD + "rules:\n" + RULE.replace("r.one", "r.two")
          + TESTS.replace("r.one", "r.two"), "b.yaml")
    with pytest.raises(RulePackError, match="pack id 'p' is also used"):
        load_packs([tmp_path])


def test_loop_variables_compile_to_indexed_reads(tmp_path):
    text = HEAD + "rules:\n" + RULE.replace(
        'expr: "true"', 'expr: "c.sought > 0 && classes.all(c, c.sought >= 0)"') + \
        "    for_each: [{var: c, in: classes}]\n" + TESTS
    pack = load_pack(write(tmp_path, text))
    rule = pack.rules[0]
    assert rule.expr_source.startswith("c.sought")  # shown to counsel as written
    compiled = rule.expr.source
    assert "(__list_classes[__i_c]).sought > 0" in compiled
    assert "classes.all(c, c.sought >= 0)" in compiled  # the comprehension's own c is untouched
