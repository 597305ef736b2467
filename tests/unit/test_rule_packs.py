"""pytest collects every rule pack's YAML test cases (the same ones `offercheck rules test` runs)."""

from __future__ import annotations

import pytest

from checker.resources import bundled_rules_dir
from checker.rulepack import load_packs
from checker.ruletests import coverage_gaps, run_case

PACKS = load_packs([bundled_rules_dir()])
CASES = [(pack, case) for pack in PACKS for case in pack.tests]


@pytest.mark.parametrize("pack,case", CASES, ids=[f"{p.id}::{c.rule}::{c.name}" for p, c in CASES])
def test_rule_case(pack, case):
    result = run_case(pack, case)
    assert result.passed, result.detail


def test_every_rule_has_pass_fail_and_not_evaluable_cases():
    assert coverage_gaps(PACKS) == []


def test_bundled_rules_exist():
    assert len([r for p in PACKS for r in p.rules]) >= 10
