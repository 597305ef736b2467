"""Run the YAML test cases every rule pack carries (facts → expected status).

Used by ``offercheck rules test`` and collected by pytest (tests/conftest.py), so
the same cases gate CI either way. A case expecting ``fail`` that gets ``error``
fails: a broken rule must never look like a caught violation.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Iterator, NamedTuple

from checker.document import DocumentErrors, document_from_source
from checker.engine import evaluate
from checker.errors import DocumentError, RulePackError
from checker.findings import Finding
from checker.rulepack import Pack, TestCase
from checker.yamlsource import LoadedSource


class CaseResult(NamedTuple):
    pack: Pack
    case: TestCase
    passed: bool
    detail: str
    findings: list[Finding]

    @property
    def name(self) -> str:
        return f"{self.pack.id}::{self.case.rule}::{self.case.name}"


def _facts_source(case: TestCase) -> LoadedSource:
    data = copy.deepcopy(case.facts)
    data.setdefault("schema_version", 1)
    offer = data.setdefault("offer", {})
    if isinstance(offer, dict):
        offer.setdefault("id", "test-case")
    src = case.facts_source
    return LoadedSource(src.path, src.sha256, data, src.source_map)


def run_case(pack: Pack, case: TestCase) -> CaseResult:
    try:
        document = document_from_source(_facts_source(case))
    except DocumentErrors as exc:
        raise RulePackError(f"test {case.name!r}: facts are not a valid offer-state document: "
                            f"{exc.errors[0].path}: {exc.errors[0].message}", exc.errors[0].span) from None
    except DocumentError as exc:
        raise RulePackError(f"test {case.name!r}: facts are not a valid offer-state document: "
                            f"{exc.path}: {exc.message}" if exc.path else exc.message, exc.span) from None
    rule = next(r for r in pack.rules if r.id == case.rule)
    as_of = document.get(("offer", "as_of"))
    findings = evaluate(document, [rule], as_of if isinstance(as_of, dt.datetime) else None)
    if case.instance is not None:
        findings = [f for f in findings if f.instance == case.instance]
    if not findings:
        return CaseResult(pack, case, False, "no finding produced"
                          + (f" for instance {case.instance!r}" if case.instance else ""), findings)
    wrong = [f for f in findings if f.status.value != case.expect]
    if wrong:
        got = ", ".join(f"{f.instance or '-'}: {f.status.value} ({f.message})" for f in wrong)
        return CaseResult(pack, case, False, f"expected {case.expect}, got {got}", findings)
    if case.message_contains and not any(case.message_contains in f.message for f in findings):
        return CaseResult(pack, case, False, f"no message contains {case.message_contains!r}: "
                          + " | ".join(f.message for f in findings), findings)
    return CaseResult(pack, case, True, "ok", findings)


def run_all(packs: list[Pack]) -> Iterator[CaseResult]:
    for pack in packs:
        for case in pack.tests:
            yield run_case(pack, case)


REQUIRED_OUTCOMES = ("pass", "fail", "not_evaluable")


def coverage_gaps(packs: list[Pack]) -> list[str]:
    """Rules lacking a test that makes them pass, fail and go not_evaluable."""
    gaps: list[str] = []
    for pack in packs:
        for rule in pack.rules:
            have = {case.expect for case in pack.tests if case.rule == rule.id}
            lacking = [o for o in REQUIRED_OUTCOMES if o not in have]
            if lacking:
                gaps.append(f"{pack.id}::{rule.id}: no test expecting {', '.join(lacking)} "
                            f"({rule.span})")
    return gaps
