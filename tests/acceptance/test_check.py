"""`offercheck check` end to end on the bundled examples."""

from __future__ import annotations

import json

import jsonschema
import pytest

from tests.acceptance.conftest import ROOT

DYNEX = "examples/dynex-2003/offer.yaml"
FINDINGS_SCHEMA = json.loads((ROOT / "schemas" / "findings.schema.json").read_text())


def findings_json(cli, *args):
    result = cli("check", *args, "--format", "json")
    assert result.code in (0, 1), result.stderr
    report = json.loads(result.stdout)
    jsonschema.Draft202012Validator(
        FINDINGS_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(report)
    return result, report


def test_dynex_json_is_valid_and_exit_code_follows_findings(cli):
    result, report = findings_json(cli, DYNEX)
    blocking = [f for f in report["findings"]
                if f["status"] in ("fail", "not_evaluable") and f["severity"] == "error"]
    assert result.code == (1 if blocking else 0)
    assert report["schema_version"] == 1 and report["tool"]["name"] == "offercheck"
    assert report["inputs"][0]["law_date"] == "2003-01-08"
    assert report["inputs"][0]["law_date_basis"] == "timeline.commencement"
    assert sum(report["summary"].values()) == len(report["findings"])


def test_dynex_reports_the_series_b_round_up_as_a_warning(cli):
    _, report = findings_json(cli, DYNEX)
    b = [f for f in report["findings"]
         if f["rule_id"] == "offer.caps.cash-cap-equals-price-times-maximum" and f["instance"] == "B-cash"]
    assert len(b) == 1 and b[0]["status"] == "fail" and b[0]["severity"] == "warning"
    assert "rounded up by $0.50" in b[0]["message"]
    assert any(fact["path"].endswith("cap_amount") and fact["value"] == "6687937"
               and fact["source"].startswith(DYNEX + ":") for fact in b[0]["facts"])
    notes = [f for f in report["findings"] if f["rule_id"] == "offer.notes.total-within-indenture-limit"]
    assert [f["status"] for f in notes] == ["pass"] and "headroom $25.00" in notes[0]["message"]


def test_same_input_gives_byte_identical_output(cli, tmp_path):
    outputs = []
    for fmt in ("json", "text"):
        for i in range(2):
            out = tmp_path / f"{fmt}{i}"
            result = cli("check", DYNEX, "--format", fmt, "--output", str(out))
            assert result.code in (0, 1) and result.stdout == ""
            outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[2] == outputs[3]


def test_fail_on_warning_turns_warnings_into_exit_1(cli):
    assert cli("check", DYNEX, "--fail-on", "warning", "--format", "json").code == 1


def test_select_and_ignore(cli):
    _, report = findings_json(cli, DYNEX, "--select", "offer.caps.*", "--ignore", "*covers*")
    ids = {f["rule_id"] for f in report["findings"]}
    assert ids == {"offer.caps.cash-cap-equals-price-times-maximum",
                   "offer.caps.notes-cap-equals-rounded-principal"}


def test_as_of_option_overrides_document(cli):
    _, report = findings_json(cli, DYNEX, "--as-of", "2003-02-11T17:00:00-05:00")
    assert report["as_of"] == "2003-02-11T17:00:00-05:00"


def test_text_output_has_summary_line(cli):
    result = cli("check", DYNEX)
    assert result.code in (0, 1)
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("pass=") and "findings" in last


def test_text_output_keeps_every_bracketed_word(cli):
    """Instance labels and caveats in brackets are text, never swallowed as rich markup."""
    result = cli("check", DYNEX, "--select", "cond.five-percent-holder", "--select", "sec.13e-4.c.*")
    # the rule column wraps "cond.five-percent-holder[" / "e-ownership/igdaloff-A]"
    assert "cond.five-percent-holder[" in result.stdout and "e-ownership/igdaloff-A]" in result.stdout
    assert "[date assumed]" in result.stdout


@pytest.mark.parametrize("example,expect_code", [
    ("examples/clean-offer/offer.yaml", 0),
    ("examples/broken-offer/offer.yaml", 1),
])
def test_teaching_examples(cli, example, expect_code):
    if not (ROOT / example).exists():
        pytest.skip(f"{example} not written yet")
    result, report = findings_json(cli, example)
    assert result.code == expect_code
    statuses = {f["status"] for f in report["findings"]}
    if expect_code == 0:
        assert statuses <= {"pass", "not_applicable"}, [
            (f["rule_id"], f["status"], f["message"]) for f in report["findings"]
            if f["status"] not in ("pass", "not_applicable")]
    else:
        failed = {f["rule_id"] for f in report["findings"] if f["status"] == "fail"}
        assert len(failed) >= 3, failed


def test_validate_accepts_all_examples(cli):
    examples = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").rglob("*.yaml"))
    result = cli("validate", *examples)
    assert result.code == 0, result.stderr


def test_rules_list_and_show(cli):
    listed = cli("rules", "list", "--format", "json")
    rules = json.loads(listed.stdout)
    assert listed.code == 0 and any(r["id"] == "offer.notes.total-within-indenture-limit" for r in rules)
    shown = cli("rules", "show", "offer.notes.total-within-indenture-limit")
    assert shown.code == 0
    for fragment in ("002_4ed9c231e2f0199b.txt L3264-3265 p.47", "expr:", "for each n in",
                     "pack: offer-terms"):
        assert fragment in shown.stdout
    assert cli("rules", "show", "no.such.rule").code == 2


def test_rules_test_ends_with_counts(cli):
    result = cli("rules", "test")
    assert result.code == 0
    last = result.stdout.strip().splitlines()[-1]
    passed, failed = last.split(", ")
    assert passed.endswith("passed") and failed == "0 failed" and int(passed.split()[0]) > 30


def test_multiple_inputs_in_one_run(cli, minimal_offer):
    _, report = findings_json(cli, DYNEX, str(minimal_offer))
    assert [i["path"] for i in report["inputs"]] == [DYNEX, str(minimal_offer)]
    assert {f["input"] for f in report["findings"]} == {DYNEX, str(minimal_offer)}


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_run_over_many_documents_reports_as_cel_alone_would(cli, fmt):
    """Once a run has checked engine.TRANSLATE_FROM documents, programs run translated to
    Python (cel_python): the report is byte for byte the one CEL alone gives
    (OFFERCHECK_CEL_ONLY). Every example, three times over, so most are checked translated."""
    from checker.engine import TRANSLATE_FROM

    examples = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").glob("*/*.yaml")) * 3
    assert len(examples) > 2 * TRANSLATE_FROM
    translated = cli("check", *examples, "--format", fmt)
    cel_only = cli("check", *examples, "--format", fmt, env={"OFFERCHECK_CEL_ONLY": "1"})
    assert translated.code == cel_only.code == 1
    assert translated.stdout == cel_only.stdout
    assert translated.stdout.count("\n") > 100


def test_python_dash_m_checker_works(cli):
    assert cli("--version").stdout.startswith("offercheck")
