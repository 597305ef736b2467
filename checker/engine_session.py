"""Run a rule's CEL programs: one context per document, a pack's params and variables.

engine.evaluate builds one Session per document and one PackRun per pack; a
PackRun runs a program and turns whatever happens into an Outcome (ok, missing
fact, error), so that one rule's failure never crashes the run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from checker.expr import CallLog, cel_module, cel_value
from checker.rulepack import Pack, Rule, loop_list


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

    Building a context converts every fact into CEL values, so it is built once;
    what differs per pack (params, computed variables) and per instance (loop
    indexes) is served through the variable resolver from `bound`.
    """

    def __init__(self, view: dict[str, Any], as_of: dt.datetime | None, derived: dict[str, Any],
                 rules: list[Rule]):
        self.log = CallLog()
        variables = dict(view)
        variables["derived"] = derived
        if as_of is not None:
            variables["as_of"] = as_of.astimezone(dt.timezone.utc)
        for rule in rules:
            loop_vars = {fe.var for fe in rule.for_each}
            for loop in rule.for_each:
                if loop.path[0] not in loop_vars:
                    variables[loop_list(loop.path)] = _view_get(variables, loop.path)
        self.context = cel_module().Context(variables=variables, functions=self.log.functions())
        self.bound: dict[str, Any] = {}
        self.context.set_variable_resolver(self.bound.get)


class PackRun:
    """A pack's view of the session: its params, and its variables computed lazily, once."""

    def __init__(self, pack: Pack, session: Session):
        self.pack = pack
        self.session = session
        self.log = session.log
        self.context = session.context
        self.bound = session.bound
        self.params = cel_value(pack.params)
        self.computed: dict[str, Outcome] = {}
        self.variables: dict[str, Any] = {}

    def activate(self) -> None:
        self.bound["params"] = self.params
        self.bound["variables"] = self.variables

    def run(self, program: Any) -> Outcome:
        self.log.error = None
        try:
            return Outcome("ok", program.execute(self.context))
        except KeyError as exc:
            return Outcome("missing", str(exc.args[0]) if exc.args else "?")
        except RuntimeError as exc:
            if self.log.error:
                return Outcome("error", self.log.error)
            text = str(exc)
            if text.startswith("Undefined variable or function"):
                name = text.split("'")[1] if "'" in text else text
                return Outcome("missing_root", name)
            return Outcome("error", text.splitlines()[0] if text else type(exc).__name__)
        except Exception as exc:  # never let one rule crash the run
            if self.log.error:
                return Outcome("error", self.log.error)
            text = str(exc).split(". ")[0] or type(exc).__name__
            return Outcome("error", f"{type(exc).__name__}: {text}")

    def ensure_variables(self, names: frozenset[str]) -> Outcome | None:
        """Compute the named variables (and what they use); return the first failure."""
        for name in sorted(names):
            outcome = self._variable(name)
            if outcome.kind != "ok":
                return outcome
        return None

    def _variable(self, name: str) -> Outcome:
        if name in self.computed:
            return self.computed[name]
        var = self.pack.variables[name]
        failure = self.ensure_variables(var.uses)
        outcome = failure or self.run(var.program)
        self.computed[name] = outcome
        if outcome.kind == "ok":
            self.variables[name] = outcome.value
        return outcome
