"""The core of `offercheck check`: documents + packs in, a Report out.

It takes its collaborators as arguments (loaded documents, loaded packs) so that
tests and benchmarks drive it without the CLI.
"""

from __future__ import annotations

import datetime as dt
from checker.document import OfferDocument
from checker.engine import evaluate, law_date, select_packs
from checker.errors import RulePackError, SourceSpan
from checker.findings import Severity
from checker.report import InputResult, Report
from checker.rulepack import Pack, select_rules


def document_as_of(document: OfferDocument, override: dt.datetime | None) -> dt.datetime | None:
    if override is not None:
        return override
    value = document.get(("offer", "as_of"))
    return value if isinstance(value, dt.datetime) else None


def run_check(documents: list[OfferDocument], packs: list[Pack],
              as_of: dt.datetime | None = None, select: tuple[str, ...] = (),
              ignore: tuple[str, ...] = ()) -> Report:
    if not select_rules(packs, select, ignore):
        raise RulePackError("no rule selected: check --select/--ignore and --rules",
                            SourceSpan("<command line>", 1, 1))
    report = Report(as_of=as_of, packs=[{
        "id": p.id, "version": p.version, "sha256": p.sha256, "path": p.path,
        "effective": {"from": p.effective_from.isoformat(),
                      "to": p.effective_to.isoformat() if p.effective_to else None},
    } for p in sorted(packs, key=lambda p: p.id)])
    for document in documents:
        moment = document_as_of(document, as_of)
        when = law_date(document, moment)
        in_force, not_in_force = select_packs(packs, when)
        rules = select_rules(in_force, select, ignore)
        findings = evaluate(document, rules, moment) if rules else []
        if not findings:
            raise RulePackError(f"no rule in force for {document.path} on {when.date} "
                                f"({when.basis}): a run that evaluates no rule proves nothing",
                                SourceSpan(document.path, 1, 1))
        report.inputs.append(InputResult(
            path=document.path, sha256=document.sha256, law_date=when.date,
            law_date_basis=when.basis, packs_applied=sorted(p.id for p in in_force),
            packs_not_in_force=sorted(p.id for p in not_in_force), findings=findings))
    if report.as_of is None and len(documents) == 1:
        # One document: its own offer.as_of is the run's moment.
        report.as_of = document_as_of(documents[0], None)
    return report


def exit_code(report: Report, fail_on: Severity) -> int:
    if report.has_rule_errors():
        return 3
    return 1 if report.blocking(fail_on) else 0
