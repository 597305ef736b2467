"""The result of one `offercheck check` run, as plain data for the reporters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from checker import TOOL_NAME, __version__
from checker.findings import BLOCKING_STATUSES, Finding, Severity, Status, summarize

SCHEMA_VERSION = 1


class InputResult:
    """One input document's findings, and the law applied to it."""

    __slots__ = ("path", "sha256", "law_date", "law_date_basis", "packs_applied",
                 "packs_not_in_force", "findings")

    def __init__(self, path: str, sha256: str, law_date: dt.date | None, law_date_basis: str,
                 packs_applied: list[str], packs_not_in_force: list[str], findings: list[Finding]):
        self.path = path
        self.sha256 = sha256
        self.law_date = law_date
        self.law_date_basis = law_date_basis
        self.packs_applied = packs_applied
        self.packs_not_in_force = packs_not_in_force
        self.findings = findings


class Report:
    """A run: the moment checked, the packs loaded, and each input's result."""

    __slots__ = ("as_of", "packs", "inputs")

    def __init__(self, as_of: dt.datetime | None, packs: list[dict[str, Any]],
                 inputs: list[InputResult] | None = None):
        self.as_of = as_of
        self.packs = packs
        self.inputs = inputs if inputs is not None else []

    @property
    def findings(self) -> list[Finding]:
        return [f for i in self.inputs for f in i.findings]

    def summary(self) -> dict[str, int]:
        return summarize(self.findings)

    def blocking(self, fail_on: Severity) -> list[Finding]:
        return [f for f in self.findings
                if f.status in BLOCKING_STATUSES and f.severity.rank >= fail_on.rank]

    def has_rule_errors(self) -> bool:
        return any(f.status is Status.ERROR for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": TOOL_NAME, "version": __version__},
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "inputs": [{
                "path": i.path,
                "sha256": i.sha256,
                "law_date": i.law_date.isoformat() if i.law_date else None,
                "law_date_basis": i.law_date_basis,
                "packs_applied": i.packs_applied,
                "packs_not_in_force": i.packs_not_in_force,
            } for i in self.inputs],
            "packs": self.packs,
            "findings": [dict(f.to_dict(), input=i.path) for i in self.inputs for f in i.findings],
            "summary": self.summary(),
        }
