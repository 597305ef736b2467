"""Evaluate rules against one offer-state document and yield findings.

Status semantics (DESIGN §5): ``when`` false → not_applicable; a missing fact
(``needs``, or a key the expression reads that the document lacks) →
not_evaluable with the paths; any other runtime failure → error; otherwise the
expression's boolean gives pass or fail. Nothing here can turn a failure into a
pass, and nothing here raises for a problem in one rule.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
from collections.abc import Iterator
from typing import Any, NamedTuple

from checker.derived import compute as compute_derived_raw
from checker.document import OfferDocument
from checker.engine_facts import (derived_explanations, first_missing, instance_facts, missing_paths,
                                  qualify_missing)
from checker.engine_instances import instances
from checker.engine_plan import RulePlan, plan_for
from checker.engine_view import FactView
from checker.engine_session import Outcome, PackRun, Session
from checker.findings import Finding, Status
from checker.rulepack import Pack, Rule
from checker.yamlsource import PathKey, format_path


class LawDate(NamedTuple):
    """The date whose law applies (bitemporal: the law in force when the offer commenced)."""

    date: dt.date | None
    basis: str


def law_date(document: OfferDocument, as_of: dt.datetime | None) -> LawDate:
    commencement = document.get(("timeline", "commencement"))
    if isinstance(commencement, dt.datetime):
        return LawDate(commencement.astimezone(document.timezone).date(), "timeline.commencement")
    if as_of is not None:
        return LawDate(as_of.astimezone(document.timezone).date(),
                       "as_of (the document gives no timeline.commencement)")
    return LawDate(None, "no timeline.commencement and no as_of: every pack applied")


def select_packs(packs: list[Pack], when: LawDate) -> tuple[list[Pack], list[Pack]]:
    if when.date is None:
        return list(packs), []
    chosen = [p for p in packs if p.in_force_on(when.date)]
    return chosen, [p for p in packs if p not in chosen]


# Translating a plan's programs costs ~50 ms once (this machine) and then saves ~4 ms a
# document: a run switches after as many documents as it takes to earn that back, so a
# run of a few documents never pays for a translation it cannot recoup, and a long one
# pays at most twice what switching at once would have cost it.
TRANSLATE_FROM = 12


def evaluate(document: OfferDocument, rules: list[Rule], as_of: dt.datetime | None,
             rewrite: bool = True, python: bool | None = None) -> list[Finding]:
    """All findings, in a deterministic order (rule id, then instance order).

    rewrite=False evaluates the programs as compiled, without the alias rewriting
    (engine_plan): slower, and the reference the rewriting is tested against.
    python: run programs translated to Python where they translate (cel_python), CEL
    deciding every case the translation leaves to it. The default does so from the
    TRANSLATE_FROM-th document a plan evaluates, unless OFFERCHECK_CEL_ONLY is set: then
    every program runs in CEL.
    """
    plan = plan_for(rules, rewrite)
    view = FactView(document, plan.trimmer, compute_derived(document, plan.calculators))
    runs: dict[str, PackRun] = {}
    if python is None:
        python = plan.evaluated >= TRANSLATE_FROM - 1 and not os.environ.get("OFFERCHECK_CEL_ONLY")
    session = Session(view, as_of, plan, python)
    plan.evaluated += 1
    findings: list[Finding] = []
    # The CEL extension prints Python callback failures to stderr; we report them in
    # findings instead, so keep them off the user's terminal.
    with contextlib.redirect_stderr(io.StringIO()):
        for rule in plan.rules:
            run = runs.get(rule.pack.id)
            if run is None:
                run = runs[rule.pack.id] = PackRun(rule.pack, session)
            run.activate()
            planned = plan.by_rule[id(rule)]
            if rule.for_each:
                findings.extend(_evaluate_rule(planned, run, document))
            else:  # one instance: no generator of instances to go through
                findings.append(_evaluate_instance(planned, run, document, None, {}, None))
    return findings


def compute_derived(document: OfferDocument, names: frozenset[str]) -> dict[str, Any]:
    """Derived facts for the calculators the rules read, cached on the document."""
    cache = document.derived_cache
    missing = set(names) - set(cache)
    if missing:
        cache.update(compute_derived_raw(document, missing))
    return {name: cache[name] for name in names if name in cache}


def _evaluate_rule(planned: RulePlan, run: PackRun, document: OfferDocument) -> Iterator[Finding]:
    for label, bindings, failure in instances(planned, run, document):
        if failure is not None and failure.kind == "none":
            yield _finding(planned, None, Status.NOT_APPLICABLE, failure.value, document, bindings)
            continue
        # The loop variables are bound in the context while this instance is evaluated:
        # engine_instances.instances yields from inside its loops.
        yield _evaluate_instance(planned, run, document, label or None, bindings, failure)


def _evaluate_instance(planned: RulePlan, run: PackRun, document: OfferDocument, label: str | None,
                       bindings: dict[str, PathKey], failure: Outcome | None) -> Finding:
    rule = planned.rule
    if failure is not None:
        return _not_good(planned, label, bindings, document, failure, "for_each")
    if planned.variables:
        bad = run.ensure_variables(planned.variables)
        if bad is not None:
            return _not_good(planned, label, bindings, document, bad, "variables")
    if planned.when is not None:
        applies = run.value(planned.when)
        if type(applies) is Outcome:
            return _not_good(planned, label, bindings, document, applies, "when")
        if applies is not True:
            if applies is not False:
                return _finding(planned, label, Status.ERROR, f"Rule error in when: returned "
                                f"{applies!r}, not a boolean", document, bindings)
            return _finding(planned, label, Status.NOT_APPLICABLE, planned.not_applicable,
                            document, bindings)
    if planned.needs:
        missing: tuple[PathKey, ...] = ()
        for need, head, tail in planned.needs:
            if tail is None:  # a need with '[]': every item's path
                found = missing_paths(document, need, bindings)
                if found:
                    missing += tuple(found)
                continue
            first = first_missing(document, (bindings[head] if head in bindings else (head,)) + tail)
            if first is not None:
                missing += (first,)
        if missing:
            names = tuple(format_path(m) for m in missing)
            return _finding(planned, label, Status.NOT_EVALUABLE,
                            "Cannot evaluate: missing fact(s) " + ", ".join(names) + "."
                            + derived_explanations(document, missing), document, bindings, names)
    result = run.value(planned.expr)
    if type(result) is Outcome:
        return _not_good(planned, label, bindings, document, result, "expr")
    if not isinstance(result, bool):
        return _finding(planned, label, Status.ERROR, f"Rule error in expr: returned "
                        f"{result!r}, not a boolean", document, bindings)
    status = Status.PASS if result else Status.FAIL
    # The message is computed on first access, with this instance's loop indexes restored.
    return _Finding(planned, label, status, None, document, bindings, (), run)


def _not_good(planned: RulePlan, label: str | None, bindings: dict[str, PathKey],
              document: OfferDocument, outcome: Outcome, stage: str) -> Finding:
    if outcome.kind in ("missing", "missing_root"):
        path = outcome.value if outcome.kind == "missing_root" else \
            qualify_missing(outcome.value, bindings, document)
        return _finding(planned, label, Status.NOT_EVALUABLE,
                        f"Cannot evaluate: the fact {path} is missing.", document, bindings, (path,))
    return _finding(planned, label, Status.ERROR, f"Rule error in {stage}: {outcome.value}",
                    document, bindings)


class _Finding(Finding):
    """A finding that explains itself when asked: its message (pass or fail) and the facts
    behind it are computed on first access, from the instance it was judged on.

    The explanation lives in the finding's own slots rather than in closures: a run over
    many documents keeps every finding, and the garbage collector walks all they hold.
    """

    __slots__ = ("planned", "document", "bindings", "run")

    def __init__(self, planned: RulePlan, label: str | None, status: Status, message: str | None,
                 document: OfferDocument, bindings: dict[str, PathKey], missing: tuple[str, ...],
                 run: PackRun | None):
        # Every slot of Finding, set here rather than through its keyword arguments: a run
        # makes one finding per rule instance (tests serialize findings, so a slot Finding
        # gains and this misses fails them).
        rule = planned.rule
        self.rule_id = rule.id
        self.title = rule.title
        self.status = status
        self.severity = rule.severity
        self.pack = planned.ref
        self.instance = label
        self.citations = rule.citations
        self.missing = missing
        self.remedy = rule.remedy
        self.tags = rule.tags
        self.details = None
        self.explain_message = message
        self.explain_facts = None
        self.planned = planned
        self.document = document
        self.bindings = bindings
        self.run = run

    def _explain_message(self) -> str:
        # The instance's loop indexes, in planned.indexes order: the last part of each
        # loop variable's concrete path (a tuple per finding kept would cost more).
        indexes = tuple([self.bindings[fe.var][-1] for fe in self.planned.rule.for_each])
        return _message(self.planned, self.run, self.status, indexes)

    def _explain_facts(self) -> tuple[Any, ...]:
        return instance_facts(self.planned.rule, self.document, self.bindings)


def _message(planned: RulePlan, run: PackRun, status: Status, indexes: tuple[int, ...]) -> str:
    rule = planned.rule
    if planned.message_expr is not None:
        run.activate()
        run.bound.update(zip(planned.indexes, indexes))
        with contextlib.redirect_stderr(io.StringIO()):
            text = run.run(planned.message_expr)
        if text.kind == "ok" and isinstance(text.value, str):
            return text.value
        note = f" (message_expr failed: {text.value})" if text.kind != "ok" else ""
        base = rule.message if status is Status.FAIL and rule.message else rule.title
        return base + note
    if status is Status.FAIL:
        return rule.message or f"Requirement not met: {rule.title}."
    return f"Requirement met: {rule.title}."


def _finding(planned: RulePlan, label: str | None, status: Status, message: str,
             document: OfferDocument, bindings: dict[str, PathKey], missing: tuple[str, ...] = ()
             ) -> Finding:
    """A finding whose message is known now (a pass or fail's is computed when read)."""
    return _Finding(planned, label, status, message, document, bindings, missing, None)
