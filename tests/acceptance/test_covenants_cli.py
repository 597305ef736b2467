"""`offercheck check` on the Dynex covenant examples: capacity and headroom per indenture and
transaction, the debt tests for the notes issuance, the ban on a further preferred tender."""

from __future__ import annotations

import json

import pytest

from tests.acceptance.conftest import ROOT

DYNEX = "examples/dynex-2003/offer.yaml"
WHAT_IF_2003 = "examples/dynex-2003/covenants-what-if.yaml"
WHAT_IF_1997 = "examples/dynex-2003/ind1997-what-if.yaml"
FINDINGS_SCHEMA = json.loads((ROOT / "schemas" / "findings.schema.json").read_text())


def covenant_findings(cli, path: str, *extra: str) -> tuple[int, dict[tuple[str, str | None], dict]]:
    import jsonschema

    result = cli("check", path, "--select", "covenant.*", "--format", "json", *extra)
    assert result.code in (0, 1), result.stderr
    report = json.loads(result.stdout)
    jsonschema.Draft202012Validator(FINDINGS_SCHEMA).validate(report)
    return result.code, {(f["rule_id"], f["instance"]): f for f in report["findings"]}


def cites(finding: dict, document: str, lines: str) -> bool:
    return any(c.get("document") == document and c.get("lines") == lines for c in finding["citations"])


def test_dynex_the_offer_itself_is_outside_the_2003_indenture(cli):
    code, found = covenant_findings(cli, DYNEX)
    for tx in ("cash-tender", "exchange"):
        f = found[("covenant.restricted-payments.capacity", f"indenture-2003/{tx}")]
        assert f["status"] == "pass"
        assert "Not a Restricted Payment under indenture-2003" in f["message"]
        # ...and says what later payments would need: the 2002 REIT taxable income (gap 13).
        assert "capacity unknown (not stated: REIT taxable income for tax year(s) 2002)" in f["message"]
        assert cites(f, "002_4ed9c231e2f0199b.txt", "3478-3497")
    # Whether the 1997 indenture still binds is not in the seeds (X50): never a pass.
    f = found[("covenant.restricted-payments.capacity", "indenture-1997/cash-tender")]
    assert f["status"] == "not_evaluable" and f["missing"] == ["indentures[1].status"]
    exposure = found[("covenant.events-of-default.judgment-exposure", "indenture-2003/bcm-suit")]
    assert (exposure["status"], exposure["severity"]) == ("fail", "warning")
    assert "judgment threshold of $40,000,000.00 or more (headroom $0.00)" in exposure["message"]
    assert code == 1  # the 1997 indenture's not-evaluable findings are errors


def test_what_if_2003_capacity_headroom_and_the_ban_on_a_further_tender(cli):
    code, found = covenant_findings(cli, WHAT_IF_2003)
    buyback = found[("covenant.restricted-payments.capacity", "indenture-2003/preferred-buyback")]
    assert buyback["status"] == "pass"
    # 3,000,000 (2002 REIT taxable income, illustrative) + 1,000,000 = 4,000,000; − 750,000.
    assert ("$750,000.00 fits within the remaining restricted-payment capacity $4,000,000.00: "
            "headroom after $3,250,000.00") in buyback["message"]
    assert "(illustrative figures)" in buyback["message"]
    later = found[("covenant.restricted-payments.capacity", "indenture-2003/later-tender")]
    assert later["status"] == "fail"
    assert ("$50,521,775.50 exceeds the remaining restricted-payment capacity $3,250,000.00: "
            "headroom after -$47,271,775.50") in later["message"]
    ban = found[("covenant.no-further-preferred-tender", "indenture-2003/later-tender")]
    assert ban["status"] == "fail" and "BLOCKED, exceeding the capacity by $47,271,775.50" in ban["message"]
    assert cites(ban, "002_4ed9c231e2f0199b.txt", "3499-3501")
    assert found[("covenant.no-further-preferred-tender", "indenture-2003/preferred-buyback")]["status"] == "pass"
    reading = found[("covenant.restricted-payments.reit-carve-out-reading", "indenture-2003/preferred-buyback")]
    assert reading["status"] == "pass" and "Counting them: used $2,700,000.00, headroom after $550,000.00" in reading["message"]
    for rule in ("covenant.change-of-control.notice-window", "covenant.change-of-control.repurchase-window"):
        assert found[(rule, "indenture-2003/group-acquires-majority")]["status"] == "pass"
    for rule in ("covenant.affiliate-transactions.board-approval", "covenant.affiliate-transactions.fairness-opinion"):
        assert found[(rule, "indenture-2003/servicing-agreement")]["status"] == "pass"
    assert code == 1


def test_what_if_1997_basket_and_debt_tests_for_the_notes_issuance(cli):
    code, found = covenant_findings(cli, WHAT_IF_1997)
    # $25,000,000 basket (REIT income and stock proceeds illustrative $0) − 2001 tenders
    # $19,998,368 = $5,001,632; the cash tender then the exchange, in that order (X50).
    cash = found[("covenant.restricted-payments.capacity", "indenture-1997/cash-tender")]
    assert cash["status"] == "fail"
    assert "remaining restricted-payment capacity $5,001,632.00: headroom after -$14,998,368.00" in cash["message"]
    exchange = found[("covenant.restricted-payments.capacity", "indenture-1997/exchange")]
    assert exchange["status"] == "fail" and "headroom after -$44,998,368.00" in exchange["message"]
    assert cites(cash, "004_2fb0ebc28053776b.txt", "1519-1533, 1942-1962")
    ratio = found[("covenant.debt-incurrence.150-percent", "indenture-1997/notes-issuance")]
    assert ratio["status"] == "pass"
    assert ("pro forma adjusted indebtedness $30,094,000.00 is 16.34% of adjusted tangible net worth "
            "$184,142,578.00, within 150% ($276,213,867.00): headroom $246,119,867.00") in ratio["message"]
    coverage = found[("covenant.debt-incurrence.coverage-2x", "indenture-1997/notes-issuance")]
    assert coverage["status"] == "fail"
    assert "coverage 0.06 to 1 is BELOW 2 to 1: income headroom -$20,137,000.00" in coverage["message"]
    assert cites(coverage, "004_2fb0ebc28053776b.txt", "1511-1517")
    assert code == 1


def test_text_report_shows_the_ban_with_its_citation(cli):
    result = cli("check", WHAT_IF_2003, "--select", "covenant.no-further-preferred-tender")
    assert result.code == 1
    assert "covenant.no-further-prefe" in result.stdout  # the table may wrap the id
    assert "BLOCKED" in result.stdout and "L3499-3501" in result.stdout
    assert "pass=1 fail=1" in result.stdout


def test_covenant_packs_pass_their_own_cases(cli):
    result = cli("rules", "test", "rules/covenants")
    assert result.code == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1].endswith("passed, 0 failed")


@pytest.mark.parametrize("typo,fragment", [
    ("    restricted_payments_mad: []\n", "restricted_payments_mad"),
    ("", "float"),
])
def test_bad_covenant_facts_are_one_line_errors(cli, tmp_path, typo, fragment):
    text = (ROOT / WHAT_IF_2003).read_text()
    marker = "    change_of_control_events:\n"
    bad = tmp_path / "bad.yaml"
    if typo:
        bad.write_text(text.replace(marker, typo + marker, 1))
    else:  # a percent written as a float
        bad.write_text(text.replace('voting_power_percent: "50.01"', "voting_power_percent: 50.01", 1))
    result = cli("check", str(bad))
    assert result.code == 2, result.stdout + result.stderr
    line = result.stderr.strip().splitlines()[0]
    assert str(bad) in line and fragment in line and "Traceback" not in result.stderr
