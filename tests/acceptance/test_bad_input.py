"""Every kind of bad input: one line naming file:line, exit 2 (3 for packs), no traceback,
nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.acceptance.conftest import MINIMAL_OFFER, assert_one_line_error

OUT = "report.json"


def check(cli, tmp_path: Path, doc: Path, *extra: str):
    out = tmp_path / OUT
    result = cli("check", str(doc), "--format", "json", "--output", str(out), *extra)
    assert not out.exists(), "a report was written despite the error"
    assert not list(tmp_path.glob(".report.json.*")), "a temporary file was left behind"
    return result


def write(tmp_path: Path, text: str, name: str = "offer.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("text,line,fragments", [
    ("schema_version: 1\noffer: {id: x\n", 3, ["malformed YAML"]),
    (MINIMAL_OFFER.replace("  id: tiny\n", "  id: tiny\n  isuer: X\n"), 4,
     ["offer.isuer", "unknown key 'isuer'"]),
    (MINIMAL_OFFER.replace("outstanding: 1000", "outstanding: lots"), 7,
     ["classes[0].outstanding", "not a whole number of shares"]),
    (MINIMAL_OFFER.replace('price_per_share: "24.00"', "price_per_share: 24.5"), 15,
     ["price_per_share", "is a float", '"24.5"']),
    (MINIMAL_OFFER.replace("as_of: 2003-01-08T00:01:00-05:00", "as_of: 2003-01-08T00:01:00"), 4,
     ["offer.as_of", "no UTC offset"]),
    (MINIMAL_OFFER.replace("as_of: 2003-01-08T00:01:00-05:00", "as_of: 2003-02-30T00:01:00-05:00"), 4,
     ["offer.as_of", "not a real date-time"]),
    (MINIMAL_OFFER.replace("outstanding: 1000", "outstanding: -5"), 7,
     ["classes[0].outstanding", "between 0 and 10^15"]),
    (MINIMAL_OFFER.replace("outstanding: 1000", "outstanding: 99999999999999999999999"), 7,
     ["classes[0].outstanding", "between 0 and 10^15"]),
    (MINIMAL_OFFER.replace("  id: tiny\n", "  id: tiny\n  id: again\n"), 4, ["duplicate key 'id'"]),
    (MINIMAL_OFFER.replace('cap_amount: "2400"', "cap_amount: 2400.0"), 17,
     ["cap_amount", "is a float"]),
    (MINIMAL_OFFER.replace("outstanding: 1000", "outstanding: 1000.0"), 7,
     ["classes[0].outstanding", "is a float", "an integer"]),
], ids=["malformed-yaml", "unknown-key", "wrong-type", "float-money", "naive-datetime",
        "impossible-date", "negative-shares", "huge-number", "duplicate-key",
        "whole-float-money", "whole-float-shares"])
def test_bad_documents(cli, tmp_path, text, line, fragments):
    doc = write(tmp_path, text)
    result = check(cli, tmp_path, doc)
    assert_one_line_error(result, 2, f"{doc}:{line}:", *fragments)
    validated = cli("validate", str(doc))
    assert validated.code == 2 and f"{doc}:{line}:" in validated.stderr


def test_naive_datetime_accepted_when_timezone_is_explicit(cli, tmp_path):
    text = MINIMAL_OFFER.replace("as_of: 2003-01-08T00:01:00-05:00",
                                 "as_of: 2003-01-08T00:01:00\n  timezone: America/New_York")
    assert cli("validate", str(write(tmp_path, text))).code == 0


def test_nonexistent_local_time_rejected(cli, tmp_path):
    text = MINIMAL_OFFER.replace("as_of: 2003-01-08T00:01:00-05:00",
                                 "as_of: 2003-04-06T02:30:00\n  timezone: America/New_York")
    result = cli("validate", str(write(tmp_path, text)))
    assert result.code == 2 and "daylight-saving gap" in result.stderr


def test_alias_bomb(cli, tmp_path):
    lines = ["schema_version: 1", "offer: {id: bomb}",
             'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(8):
        prev, cur = chr(97 + i), chr(98 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    doc = write(tmp_path, "\n".join(lines) + "\n")
    result = check(cli, tmp_path, doc)
    assert_one_line_error(result, 2, str(doc), "expands to more than")


def test_fifty_megabyte_document(cli, tmp_path):
    doc = tmp_path / "huge.yaml"
    with doc.open("w") as handle:
        handle.write("schema_version: 1\noffer: {id: huge}\nnote: \"")
        handle.write("x" * (50 * 1024 * 1024))
        handle.write("\"\n")
    result = check(cli, tmp_path, doc)
    assert_one_line_error(result, 2, f"{doc}:1:1:", "limit is")


def test_missing_file(cli, tmp_path):
    result = check(cli, tmp_path, tmp_path / "nope.yaml")
    assert_one_line_error(result, 2, "nope.yaml", "no such file")


def test_not_a_mapping(cli, tmp_path):
    result = check(cli, tmp_path, write(tmp_path, "- 1\n- 2\n"))
    assert_one_line_error(result, 2, "mapping")


PACK = """\
id: tiny-pack
title: Tiny
version: 1.0.0
effective: {{from: "1990-01-01"}}
rules:
  - id: tiny.rule
    title: A rule
    severity: error
    cite: [{{authority: Test}}]
    expr: {expr}
tests:
  - {{name: t, rule: tiny.rule, facts: {{}}, expect: pass}}
"""


def pack_dir(tmp_path: Path, expr: str) -> Path:
    d = tmp_path / "rules"
    d.mkdir()
    (d / "pack.yaml").write_text(PACK.format(expr=expr))
    return d


def test_bad_cel_in_pack(cli, tmp_path, minimal_offer):
    rules = pack_dir(tmp_path, '"classes.size() >"')
    result = check(cli, tmp_path, minimal_offer, "--rules", str(rules))
    assert_one_line_error(result, 3, f"{rules / 'pack.yaml'}:10:", "rule tiny.rule", "invalid CEL")


def test_pack_referencing_undefined_fact(cli, tmp_path, minimal_offer):
    rules = pack_dir(tmp_path, '"classes.all(c, c.outstandng > 0)"')
    result = check(cli, tmp_path, minimal_offer, "--rules", str(rules))
    assert_one_line_error(result, 3, f"{rules / 'pack.yaml'}:10:", "rule tiny.rule",
                          "classes[].outstandng", "outstanding")


def test_pack_with_unknown_root(cli, tmp_path, minimal_offer):
    rules = pack_dir(tmp_path, '"clases.size() > 0"')
    result = check(cli, tmp_path, minimal_offer, "--rules", str(rules))
    assert_one_line_error(result, 3, "unknown name 'clases'")


def test_empty_rules_directory(cli, tmp_path, minimal_offer):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = check(cli, tmp_path, minimal_offer, "--rules", str(empty))
    assert_one_line_error(result, 3, str(empty), "no rule packs")


def test_select_matching_nothing_is_an_error(cli, tmp_path, minimal_offer):
    result = check(cli, tmp_path, minimal_offer, "--select", "no.such.*")
    assert_one_line_error(result, 3, "no rule selected")


@pytest.mark.parametrize("args,fragment", [
    (["--as-of", "yesterday"], "--as-of"),
    (["--as-of", "2003-02-11T17:00:00"], "no UTC offset"),
    (["--format", "xml"], "xml"),
    (["--fail-on", "panic"], "panic"),
])
def test_usage_errors(cli, tmp_path, minimal_offer, args, fragment):
    result = check(cli, tmp_path, minimal_offer, *args)
    assert result.code == 2 and fragment in result.stderr and "Traceback" not in result.stderr


def test_output_never_overwrites_an_input(cli, tmp_path, minimal_offer):
    before = minimal_offer.read_text()
    result = cli("check", str(minimal_offer), "--output", str(minimal_offer))
    assert_one_line_error(result, 2, "refusing to overwrite")
    assert minimal_offer.read_text() == before


def test_json_documents_are_accepted_and_errors_name_lines(cli, tmp_path):
    good = tmp_path / "offer.json"
    good.write_text('{\n  "schema_version": 1,\n  "offer": {"id": "j"},\n'
                    '  "classes": [{"id": "A", "sought": 5, "outstanding": 100}]\n}\n')
    assert cli("validate", str(good)).code == 0
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "schema_version": 1,\n  "offer": {"id": "j"},\n'
                   '  "classes": [{"id": "A", "sought": 5.5}]\n}\n')
    result = cli("validate", str(bad))
    assert result.code == 2 and f"{bad}:4:" in result.stderr and "sought" in result.stderr


def test_deeply_nested_cel_is_a_one_line_pack_error(cli, tmp_path, minimal_offer):
    rules = pack_dir(tmp_path, '"' + "(" * 300 + "1" + ")" * 300 + ' == 1"')
    result = check(cli, tmp_path, minimal_offer, "--rules", str(rules))
    assert_one_line_error(result, 3, "rule tiny.rule", "invalid CEL")
    assert len(result.stderr.splitlines()[0]) < 400


def _nested_over_literals(depth: int, size: int = 100) -> str:
    literal = "[" + ",".join(str(i) for i in range(size)) + "]"
    return "".join(f"{literal}.all(v{d}, " for d in range(depth)) + "true" + ")" * depth


def test_cpu_bomb_expression_is_refused_at_load(cli, tmp_path, minimal_offer):
    """Five comprehensions nested over 100-item literals would run for hours in native code
    that cannot be interrupted; the loader refuses them, naming the file, line and rule."""
    rules = pack_dir(tmp_path, '"' + _nested_over_literals(5) + '"')
    result = check(cli, tmp_path, minimal_offer, "--rules", str(rules))
    assert_one_line_error(result, 3, f"{rules / 'pack.yaml'}:10:", "rule tiny.rule",
                          "nested comprehensions", "the limit is 100,000")


def test_cpu_bomb_through_variables_is_refused(cli, tmp_path, minimal_offer):
    """Doubling a list through variables, then nesting over it, is counted too."""
    literal = "[" + ",".join(str(i) for i in range(50)) + "]"
    d = tmp_path / "rules"
    d.mkdir()
    text = PACK.format(expr='"variables.v3.all(a, variables.v3.all(b, true))"').replace(
        "rules:\n", f"variables:\n  v0: \"{literal}\"\n  v1: variables.v0 + variables.v0\n"
                    "  v2: variables.v1 + variables.v1\n  v3: variables.v2 + variables.v2\nrules:\n", 1)
    (d / "pack.yaml").write_text(text)
    result = check(cli, tmp_path, minimal_offer, "--rules", str(d))
    assert_one_line_error(result, 3, "rule tiny.rule", "640,000 steps (800 x 800)", "the limit is 100,000")


def test_modest_nesting_over_literals_is_allowed(cli, tmp_path, minimal_offer):
    rules = pack_dir(tmp_path, '"' + _nested_over_literals(2) + '"')
    result = cli("check", str(minimal_offer), "--rules", str(rules), "--format", "json")
    assert result.code == 0, result.stderr
    assert '"pass": 1' in result.stdout


def test_overlong_list_is_refused(cli, tmp_path):
    """A document list is capped (schema maxItems) so nested rule loops stay fast."""
    items = "".join(f"  - {{id: C{i}}}\n" for i in range(1001))
    result = check(cli, tmp_path, write(tmp_path, "schema_version: 1\noffer: {id: t}\nclasses:\n" + items))
    assert_one_line_error(result, 2, "offer.yaml:4:3: classes: a list of 1,001 items; at most 1,000")
