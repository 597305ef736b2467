"""Run a rule's CEL programs: one context per document, a pack's params and variables.

engine.evaluate builds one Session per document and one PackRun per pack; a
PackRun runs a program and turns whatever happens into an Outcome (ok, missing
fact, error), so that one rule's failure never crashes the run.
"""

from __future__ import annotations

import datetime as dt
import weakref
from typing import Any

from checker.cel_aliases import ALIAS_PREFIX, Alias
from checker.cel_missing import Missing
from checker.engine_plan import Plan, PlannedProgram
from checker.engine_view import ABSENT, FactView
from checker.expr import cel_module, cel_value
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
    is served from the session's `bound` through the variable resolver, converted only
    when read.

    With `python`, programs run translated (cel_python) and read their values from
    `bound` directly, as the document holds them (lists and maps unconverted: the
    translated programs convert what they read); each alias is then worked out when
    first read (many belong to rules that do not apply), and the CEL context is made
    only if a program is left to CEL, holding, converted, only what such programs read.
    """

    def __init__(self, view: FactView, as_of: dt.datetime | None, plan: Plan, python: bool = False):
        self.log = plan.log
        self.plan = plan
        self.view = view
        self.python = python and plan.rewrite
        self._originals: dict[str, Any] | None = None
        self._serving_originals = False
        self._context: Any = None
        self._registered: dict[str, Any] = {}
        # lists registered with one item: (loop index, item index, fields kept or None)
        self._partial: dict[str, tuple[str, int, frozenset[str] | None]] = {}
        self._converted: dict[str, Any] = {}  # with `python`: CEL's view of what bound holds raw
        self.bound: dict[str, Any]  # what the resolver serves (and translated programs read)
        if self.python:
            self.bound = _LazyValues(self)
            if as_of is not None:
                self.bound["as_of"] = as_of.astimezone(dt.timezone.utc)
            return
        registered = self._registered
        if as_of is not None:
            registered["as_of"] = as_of.astimezone(dt.timezone.utc)
        for root in plan.registry.bare_roots:
            value = view.value((root,))
            if value is not ABSENT:
                registered[root] = value
        # A scalar is served through the resolver, converted only if a program reads it
        # (many are read by no rule that applies); a list or map is registered, converted
        # once, since converting it on every read would cost more. None cannot be served
        # (the resolver's "not mine"), so it is registered too.
        self.bound = {}
        for name, alias in plan.aliases:
            value = _alias_value(alias, view, plan)
            if value is ABSENT:
                continue
            if value is None or isinstance(value, (list, dict)):
                registered[name] = value
            else:
                self.bound[name] = value
        if not plan.rewrite:  # the reference run: the original programs, everything registered
            registered.update(self.originals())

    def value(self, name: str, raw: bool = False) -> Any:
        """What the name `name` holds for this document (an alias or a bare root), or ABSENT:
        as CEL sees it, or (raw) lists and maps as the document holds them."""
        alias = self.plan.alias_named.get(name)
        if alias is not None:
            if raw and alias.kind == "path":
                return self.view.raw(alias.parts)
            return _alias_value(alias, self.view, self.plan)
        if name in self.plan.registry.bare_roots:
            return self.view.raw((name,)) if raw else self.view.value((name,))
        return ABSENT

    def converted(self, name: str) -> Any:
        """With `python`: what `name` holds as CEL sees it (bound may hold it raw), or ABSENT."""
        found = self._converted.get(name, ABSENT)
        if found is ABSENT:
            alias = self.plan.alias_named.get(name)
            if alias is None and name not in self.plan.registry.bare_roots or \
                    alias is not None and alias.kind == "variable":
                # Held as CEL sees it: params, variables, loop indexes, as_of, what
                # serve_originals put in place (params and variables change from pack to pack).
                return self.bound.get(name, ABSENT)
            found = self._converted[name] = self.value(name)
        return found

    @property
    def context(self) -> Any:
        """The CEL context, made when a program first runs in CEL (see context_for)."""
        if self._context is None:
            self._context = cel_module().Context(variables=self._registered,
                                                 functions=self.plan.functions)
            self._context.set_variable_resolver(
                self.bound.get if not self.python else self.bound.resolve)  # type: ignore[attr-defined]
        return self._context

    def context_for(self, program: Any) -> Any:
        """The context, holding what `program` reads.

        Without `python`, the context registers every list and map (converting them all,
        ~1.7 ms for Dynex) and serves scalars through the resolver. With it, most
        documents never need a context, so it starts empty and registers, for each
        program left to CEL, the lists, maps and nulls that program names: the resolver
        converts a value each time it is read (a list read per loop item would be
        converted per item), and cannot serve a null.
        """
        context = self.context
        if self.python:
            added, bound, partial = self._registered, self.bound, self._partial
            for name, read in (program.names() if type(program) is PlannedProgram else {}).items():
                if name in _PER_PACK:
                    continue  # changes from pack to pack: always served by the resolver
                index, fields = read if read is not None else (None, None)
                at = bound.get(index) if index is not None else None
                if name in added and (name not in partial or partial[name] == (index, at, fields)):
                    continue  # registered whole, or holding what this program reads
                value = self._converted_item(name, at) if type(at) is int else ABSENT
                if value is not ABSENT:
                    # Read only as `name[index]` (and maybe only some of its fields): register
                    # just that item, in place so the list has its length, not the whole list.
                    length, item = value
                    if fields is not None and type(item) is dict:
                        item = {k: v for k, v in item.items() if k in fields}
                    value = [None] * length
                    value[at] = item
                    partial[name] = (index, at, fields)
                elif (value := self.converted(name)) is ABSENT:
                    continue
                elif value is None or isinstance(value, (list, dict)):
                    partial.pop(name, None)
                else:
                    continue
                context.add_variable(name, value)
                added[name] = value
        return context

    def _converted_item(self, name: str, at: int) -> tuple[int, Any] | Any:
        """(length, item `at` as CEL sees it) of the list `name` holds, or ABSENT if it is
        not a list of that length: converting one item, not the whole list."""
        if name in self._converted:
            whole = self._converted[name]
            return (len(whole), whole[at]) if type(whole) is list and 0 <= at < len(whole) \
                else ABSENT
        alias = self.plan.alias_named.get(name)
        if alias is None or alias.kind != "path":
            return ABSENT
        item = self.view.item(alias.parts, at)
        return ABSENT if item is ABSENT else item

    def serve_originals(self) -> None:
        """Make what the original programs read available through the resolver."""
        if not self._serving_originals:
            self.bound.update((k, v) for k, v in self.originals().items()
                              if k not in self._registered)
            self._serving_originals = True

    def originals(self) -> dict[str, Any]:
        """What the original programs read: every section, "derived" and the loop lists.

        Built the first time an original program has to run (a fact an alias could not
        reach), and served through the resolver, converted when read."""
        if self._originals is None:
            facts = self.view.whole()
            for rule in self.plan.rules:
                loop_vars = {fe.var for fe in rule.for_each}
                for loop in rule.for_each:
                    if loop.path[0] not in loop_vars:
                        facts[loop_list(loop.path)] = _view_get(facts, loop.path)
            self._originals = facts
        return self._originals


_PER_PACK = frozenset({"params", "variables"})  # what PackRun.activate puts in place


class _LazyValues(dict):
    """A session's values, each alias or bare root worked out when first read.

    It holds its session through a weak proxy: the session holds it (as `bound`, and
    through its CEL context's resolver, `resolve`). A cycle would keep the session, its
    view and the document alive after the last finding is dropped, until the garbage
    collector came by; through the extension's Context, which does not show the collector
    what it holds, for good. Whatever reads these values (a PackRun, a finding's run)
    holds the session itself."""

    __slots__ = ("session", "absent")

    def __init__(self, session: Session):
        super().__init__()
        self.session = weakref.proxy(session)
        self.absent: set[str] = set()

    def __missing__(self, name: str) -> Any:
        if name not in self.absent:
            value = self.session.value(name, raw=True)
            if value is not ABSENT:
                self[name] = value
                return value
            self.absent.add(name)
        raise KeyError(name)

    def resolve(self, name: str) -> Any:
        """The CEL resolver: the value, or None for "not mine".

        The extension asks the resolver first, even for a registered name: a registered
        name is left to the context, which holds it converted."""
        session = self.session
        if name in session._registered:
            return None
        value = session.converted(name)
        return None if value is ABSENT else value


def _alias_value(alias: Alias, view: FactView, plan: Plan) -> Any:
    """The value an alias holds for this document, or ABSENT if its path cannot be followed."""
    if alias.kind == "path":
        return view.value(alias.parts)
    if alias.kind == "field":
        return view.present(alias.parts, alias.field)
    if alias.kind == "param":
        params = plan.params[alias.parts[0]]
        return params[alias.field] if alias.field in params else ABSENT
    return ABSENT  # "variable": computed per pack, lazily, then served from Session.bound


class PackRun:
    """A pack's view of the session: its params, and its variables computed lazily, once."""

    def __init__(self, pack: Pack, session: Session):
        self.pack = pack
        self.session = session
        self.plan = session.plan
        self.log = session.log
        # One resolver dict for the whole session: variable aliases are named per pack, and
        # what differs per pack for the original programs (params, variables) is put in
        # place by activate().
        self.bound = session.bound
        self.params = self.plan.params[pack.id]
        self.computed: dict[str, Outcome] = {}
        self.variables: dict[str, Any] = {}
        self.python = session.python

    def activate(self) -> None:
        self.bound["params"] = self.params
        self.bound["variables"] = self.variables

    def keeps(self, program: PlannedProgram) -> bool | Outcome:
        """A loop filter's verdict on the current item: True, False (any value but true),
        or the Outcome saying why it could not be judged."""
        value = self.value(program)
        return value if type(value) is Outcome else value is True

    def run(self, program: Any) -> Outcome:
        value = self.value(program)
        return value if type(value) is Outcome else Outcome("ok", value)

    def value(self, program: Any) -> Any:
        """The program's value, or the Outcome saying why it has none (a program's value is
        never an Outcome: CEL and the translations give plain values). The common case, a
        translated program that returns, makes no Outcome."""
        if self.python and type(program) is PlannedProgram:
            translated = program.python
            if translated is None:
                translated = program.translated(self.plan.functions, self.plan.kept)
            if translated is not False:
                try:
                    return translated(self.bound)
                except Missing:  # a fact the document lacks: as CEL would order it?
                    found = self._strictly(program)
                    if found is not ABSENT:
                        return found
                except Exception:  # noqa: BLE001, S110 (a case the translation leaves to CEL)
                    pass
        self.log.error = None
        try:
            return program.execute(self.session.context_for(program))
        except Exception as exc:  # never let one rule crash the run
            outcome = self._failure(exc)
        if outcome.kind == "missing_root" and outcome.value.startswith(ALIAS_PREFIX) and \
                isinstance(program, PlannedProgram):
            # An alias the document cannot fill: the original program says why.
            self.session.serve_originals()
            self.log.error = None
            try:
                return program.original.execute(self.session.context_for(program))
            except Exception as exc:
                return self._failure(exc)
        return outcome

    def _strictly(self, program: PlannedProgram) -> Any:
        """The program's value or missing-fact Outcome from its strict translation, which
        reproduces the key CEL reports (cel_python.Missing); ABSENT: left to CEL."""
        strict = program.strictly_translated(self.plan.functions, self.plan.kept)
        if strict is False:
            return ABSENT
        try:
            return strict(self.bound)
        except Missing as missing:
            return Outcome("missing", missing.key)  # as _failure turns CEL's KeyError
        except Exception:  # noqa: BLE001 (a case the strict translation leaves to CEL)
            return ABSENT

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
