"""Run a rule's CEL programs: one context per document, a pack's params and variables.

engine.evaluate builds one Session per document and one PackRun per pack; a
PackRun runs a program and turns whatever happens into an Outcome (ok, missing
fact, error), so that one rule's failure never crashes the run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from checker.cel_aliases import ALIAS_PREFIX, Alias
from checker.engine_plan import Plan, PlannedProgram
from checker.expr import CallLog, cel_module, cel_value
from checker.rulepack import Pack, loop_list


def _view_get(view: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = view
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return []  # missing: the loop reports it from the document itself
        node = node[part]
    return node


class Outcome:
    __slots__ = ("kind", "value")

    def __init__(self, kind: str, value: Any):
        self.kind = kind  # "ok" | "missing" | "error"
        self.value = value


class Session:
    """One CEL context per document, shared by every pack.

    The context holds, converted once, what the plan's rewritten programs read: an
    alias per member chain (cel_aliases), the roots they read whole, and `as_of`.
    Everything else a program may read (the original roots and loop lists, for the
    original programs the engine falls back to; params and variables; loop indexes)
    is served from a PackRun's `bound` through the variable resolver, converted only
    when read.
    """

    def __init__(self, view: dict[str, Any], as_of: dt.datetime | None, derived: dict[str, Any],
                 plan: Plan):
        self.log = CallLog()
        self.plan = plan
        facts = dict(view)
        facts["derived"] = derived
        registered: dict[str, Any] = {}
        if as_of is not None:
            registered["as_of"] = as_of.astimezone(dt.timezone.utc)
        for root in plan.registry.bare_roots:
            if root in facts:
                registered[root] = facts[root]
        self.params: dict[str, dict[str, Any]] = {}
        for name, alias in plan.aliases:
            value = _alias_value(alias, facts, plan)
            if value is not _UNBOUND:
                registered[name] = value
        # For the original programs: every root and loop list not registered above,
        # served through the resolver (converted when read: only a fallback reads them).
        # Without the rewriting (the reference run), they are registered as before it.
        originals = dict(facts)
        for rule in plan.rules:
            loop_vars = {fe.var for fe in rule.for_each}
            for loop in rule.for_each:
                if loop.path[0] not in loop_vars:
                    originals[loop_list(loop.path)] = _view_get(facts, loop.path)
        if not plan.rewrite:
            registered.update(originals)
        self.fallback = {k: v for k, v in originals.items() if k not in registered}
        self.context = cel_module().Context(variables=registered, functions=self.log.functions())


_UNBOUND = object()


def _alias_value(alias: Alias, facts: dict[str, Any], plan: Plan) -> Any:
    """The value an alias holds for this document, or _UNBOUND if its path cannot be followed."""
    if alias.kind == "param":
        pack = plan.packs[alias.parts[0]]
        return cel_value(pack.params[alias.field]) if alias.field in pack.params else _UNBOUND
    if alias.kind == "variable":
        return _UNBOUND  # computed per pack, lazily: served by PackRun.bound
    node: Any = facts
    for part in alias.parts:
        if not isinstance(node, dict) or part not in node:
            return _UNBOUND
        node = node[part]
    field = alias.field
    if alias.kind == "path":
        return node
    if alias.kind == "field":
        if not isinstance(node, dict):
            return _UNBOUND
        # Only has() reads it, and has() asks whether the key exists, not what it holds:
        # a marker instead of the value saves converting, say, a whole list.
        return {field: True} if field in node else {}
    if not isinstance(node, list):  # a column over something that is not a list
        return _UNBOUND
    return [({field: item[field]} if field in item else {}) if isinstance(item, dict) else item
            for item in node]


class PackRun:
    """A pack's view of the session: its params, and its variables computed lazily, once."""

    def __init__(self, pack: Pack, session: Session):
        self.pack = pack
        self.session = session
        self.plan = session.plan
        self.log = session.log
        self.context = session.context
        self.bound: dict[str, Any] = dict(session.fallback)
        self.params = cel_value(pack.params)
        self.computed: dict[str, Outcome] = {}
        self.variables: dict[str, Any] = {}
        self.bound["params"] = self.params
        self.bound["variables"] = self.variables

    def activate(self) -> None:
        self.context.set_variable_resolver(self.bound.get)

    def run(self, program: Any) -> Outcome:
        self.log.error = None
        try:
            return Outcome("ok", program.execute(self.context))
        except Exception as exc:  # never let one rule crash the run
            outcome = self._failure(exc)
        if outcome.kind == "missing_root" and outcome.value.startswith(ALIAS_PREFIX) and \
                isinstance(program, PlannedProgram):
            # An alias the document cannot fill: the original program says why.
            self.log.error = None
            try:
                return Outcome("ok", program.original.execute(self.context))
            except Exception as exc:
                return self._failure(exc)
        return outcome

    def _failure(self, exc: Exception) -> Outcome:
        if isinstance(exc, KeyError):
            return Outcome("missing", str(exc.args[0]) if exc.args else "?")
        if self.log.error:
            return Outcome("error", self.log.error)
        if isinstance(exc, RuntimeError):
            text = str(exc)
            if text.startswith("Undefined variable or function"):
                name = text.split("'")[1] if "'" in text else text
                return Outcome("missing_root", name)
            return Outcome("error", text.splitlines()[0] if text else type(exc).__name__)
        text = str(exc).split(". ")[0] or type(exc).__name__
        return Outcome("error", f"{type(exc).__name__}: {text}")

    def ensure_variables(self, names: tuple[str, ...]) -> Outcome | None:
        """Compute the named variables (and what they use); return the first failure."""
        for name in names:
            outcome = self.computed.get(name)
            if outcome is None:
                outcome = self._variable(name)
            if outcome.kind != "ok":
                return outcome
        return None

    def _variable(self, name: str) -> Outcome:
        var = self.pack.variables[name]
        failure = self.ensure_variables(tuple(sorted(var.uses)))
        outcome = failure or self.run(self.plan.variables[(self.pack.id, name)])
        self.computed[name] = outcome
        if outcome.kind == "ok":
            self.variables[name] = outcome.value
            alias = self.plan.variable_alias.get((self.pack.id, name))
            if alias is not None and outcome.value is not None:
                self.bound[alias] = cel_value(outcome.value)
        return outcome
