"""Hostile and random input never crashes the checker.

Whatever the bytes, loading a document either succeeds or raises DocumentError (a
one-line error with file:line, exit 2); and any document that loads is evaluated by every
bundled pack without an exception (a rule that cannot cope says status `error`; it never
takes the run down). Derandomized, so CI sees the same examples every time.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.document import load_document_text
from checker.errors import DocumentError
from checker.findings import Status
from checker.rulepack import load_packs
from checker.run import run_check
from dynex_mutations import DYNEX, PATHS, ROOT, deleted, replaced

PACKS = load_packs([ROOT / "rules"])
FUZZ = settings(derandomize=True, deadline=None, max_examples=60,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["2003-02-30", "2003-02-11T17:00:00", "2003-02-11T17:00:00-05:00", "24.50",
                     "-1", "1e400", "NaN", "0.0000001", "99999999999999999999999.99", "", "[]"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=12), inner, max_size=3)), max_leaves=8)


def _yaml(data: Any) -> str:
    def plain(node: Any) -> Any:  # dates and Decimals as YAML scalars
        if isinstance(node, dict):
            return {k: plain(v) for k, v in node.items()}
        if isinstance(node, list):
            return [plain(v) for v in node]
        return str(node) if isinstance(node, Decimal) else node
    return yaml.safe_dump(plain(data), sort_keys=False, allow_unicode=True)


def _check_survives(text: str) -> None:
    try:
        document = load_document_text(text, "fuzz.yaml")
    except DocumentError as error:
        line = str(error)
        assert "\n" not in line and line.startswith("fuzz.yaml"), line
        return
    report = run_check([document], PACKS)
    assert report.findings, "a document that loads is evaluated"
    for finding in report.findings:
        assert isinstance(finding.message, str)
        assert finding.status in Status


@FUZZ
@given(st.text(max_size=400))
def test_any_text_loads_or_is_a_one_line_document_error(text):
    _check_survives(text)


@FUZZ
@given(st.sampled_from(PATHS), values)
def test_one_changed_fact_never_crashes_the_run(path, value):
    _check_survives(_yaml(replaced(DYNEX, path, value)))


@FUZZ
@given(st.sampled_from(PATHS))
def test_one_deleted_fact_never_crashes_the_run(path):
    _check_survives(_yaml(deleted(DYNEX, path)))


PACK_TEMPLATE = """\
id: fuzz-pack
title: Fuzz
version: 1.0.0
effective: {{from: "1990-01-01"}}
rules:
  - id: fuzz.rule
    title: A rule
    severity: error
    cite: [{{authority: Test}}]
    for_each: [{{var: c, in: classes}}]
    expr: {expr}
tests:
  - {{name: t, rule: fuzz.rule, facts: {{}}, expect: pass}}
"""
CEL_PIECES = st.sampled_from([
    "c.sought", "c.outstanding", "classes", "size(", ")", "(", "[", "]", ".all(x, ", ".map(x, ",
    "x", "1", "0", "-1", "'a'", "1.5", "+", "-", "*", "/", "%", "==", "<", "&&", "||", "!", "?", ":",
    "money.add(", "money.percent_of(", "shares.floor_percent(", "bd.add(", "fmt.money(", ", ",
    "'24.50'", "'2003-02-30'", "9223372036854775807", "true", "null", "has(c.sought)", "as_of",
    "int(", "string(", "timestamp(", "duration(", "'x'.matches(", "'(a*)*b'",
])
from checker.errors import RulePackError  # noqa: E402
from checker.rulepack import load_pack  # noqa: E402
from checker.engine import evaluate  # noqa: E402

SMALL_DOC = load_document_text(
    "schema_version: 1\noffer: {id: t, as_of: 2003-01-08T00:01:00-05:00}\n"
    "timeline: {commencement: 2003-01-08T00:01:00-05:00}\n"
    "classes: [{id: A, outstanding: 1000, sought: 100}, {id: B, outstanding: 0, sought: 0}]\n", "doc.yaml")


@FUZZ
@given(st.lists(CEL_PIECES, min_size=1, max_size=12).map("".join))
def test_any_rule_expression_loads_or_is_a_pack_error_and_never_crashes_evaluation(tmp_path_factory, expr):
    path = tmp_path_factory.mktemp("pack") / "p.yaml"
    path.write_text(PACK_TEMPLATE.format(expr=yaml.safe_dump(expr).strip().removesuffix("\n...")))
    try:
        pack = load_pack(path)
    except RulePackError as error:
        assert "\n" not in str(error) and str(path) in str(error)
        return
    for finding in evaluate(SMALL_DOC, pack.rules, SMALL_DOC.get(("offer", "as_of"))):
        assert finding.status in Status and isinstance(finding.message, str)
