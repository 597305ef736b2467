"""`offercheck rules doc`: docs/rules.md is the packs' current text, and says what counsel needs."""

from __future__ import annotations

import difflib

from checker.resources import bundled_rules_dir
from checker.rulepack import load_packs
from checker.rulesdoc import render
from tests.acceptance.conftest import ROOT

DOC = ROOT / "docs" / "rules.md"
REGENERATE = "offercheck rules doc --output docs/rules.md"


def fresh() -> str:
    return render(load_packs([bundled_rules_dir()]), ROOT)


def test_docs_rules_md_is_up_to_date_with_the_packs():
    expected = fresh()
    actual = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    if actual != expected:
        diff = list(difflib.unified_diff(actual.splitlines(), expected.splitlines(), "docs/rules.md",
                                         "fresh render", lineterm="", n=1))
        raise AssertionError(f"docs/rules.md is stale; run `{REGENERATE}`.\n" + "\n".join(diff[:60]))


def test_every_rule_is_documented_with_its_citations_and_parameters():
    text = fresh()
    for pack in load_packs([bundled_rules_dir()]):
        assert f"## {pack.id}\n" in text and f"from {pack.effective_from}" in text
        for rule in pack.rules:
            section = text.split(f"\n### {rule.id}\n", 1)[1].split("\n### ", 1)[0]
            assert f"severity `{rule.severity.value}`" in section
            for cite in rule.citations:
                assert cite.authority in section
                if cite.lines:
                    assert f"lines {cite.lines}" in section
    proration = text.split("\n### offer.proration.excess-within-two-percent\n", 1)[1].split("\n### ", 1)[0]
    assert "`params.excess_acceptance_percent_of_outstanding` = `2`" in proration
    assert "lines 1910-1918, p. 25" in proration and "expr:" in proration


def test_cli_writes_the_same_page_and_refuses_to_overwrite_a_pack(cli, tmp_path):
    out = tmp_path / "rules.md"
    result = cli("rules", "doc", "--output", str(out))
    assert result.code == 0 and result.stdout == "", result.stderr
    assert out.read_text(encoding="utf-8") == fresh()
    result = cli("rules", "doc", "--rules", "rules/offer/proration.yaml",
                 "--output", "rules/offer/proration.yaml")
    assert result.code == 2 and "refusing to overwrite" in result.stderr
