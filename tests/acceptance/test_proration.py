"""`offercheck check` on the Dynex offer at expiration: proration factors and the 2% position."""

from __future__ import annotations

import json

EXPIRATION = "examples/dynex-2003/expiration.yaml"


def proration_findings(cli, path=EXPIRATION):
    result = cli("check", path, "--select", "offer.proration.*", "--format", "json")
    assert result.code in (0, 1), result.stderr
    return {(f["rule_id"], f["instance"]): f for f in json.loads(result.stdout)["findings"]}


def test_expiration_reports_series_factors_and_two_percent_position_per_class(cli):
    found = proration_findings(cli)
    factors = {"A": "492,425/738,586 = 0.666713", "B": "662,944/1,081,765 = 0.612836",
               "C": "683,703/880,180 = 0.776776"}
    limits = {"A": "2% of 992,038 outstanding = 19,840.76, disregarding fractions 19,840",
              "B": "2% of 1,378,707 outstanding = 27,574.14, disregarding fractions 27,574",
              "C": "2% of 1,383,532 outstanding = 27,670.64, disregarding fractions 27,670"}
    for cls, factor in factors.items():
        series = found[("offer.proration.series-pro-rata", cls)]
        assert series["status"] == "pass" and f"series factor {factor}" in series["message"]
        two = found[("offer.proration.excess-within-two-percent", cls)]
        assert two["status"] == "pass" and limits[cls] in two["message"] and "excess 0" in two["message"]
    assert {f["status"] for f in found.values()} <= {"pass", "not_applicable"}
    notes = found[("offer.proration.notes-total-within-limit", "senior-notes-2005")]
    assert "= $29,999,975.00" in notes["message"] and "headroom $25.00" in notes["message"]


def test_findings_name_the_tender_rows_they_rest_on(cli):
    found = proration_findings(cli)
    combo = found[("offer.proration.combination-designations", "C/C-combination")]
    assert any(f["path"].startswith("tenders.totals[") and f["source"].startswith(EXPIRATION + ":")
               for f in combo["facts"])


def test_at_commencement_the_proration_rules_are_not_applicable(cli):
    found = proration_findings(cli, "examples/dynex-2003/offer.yaml")
    assert found and {f["status"] for f in found.values()} == {"not_applicable"}
