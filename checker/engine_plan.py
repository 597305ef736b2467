"""What the engine works out once per rule selection, not once per document.

A Plan holds the rules in evaluation order, the field names and calculators they
read, and each CEL program rewritten to read its facts through aliases
(cel_aliases). `plan_for` caches plans by the identity of the rules, so a run
over many documents (or `rules test` over many cases of one rule) builds each
plan, and compiles each rewritten program, once.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from functools import lru_cache
from typing import Any

from checker import cache
from checker.cel_aliases import ALIAS_PREFIX, Alias, AliasRegistry, Loop, flatten
from checker.engine_facts import planned_need
from checker.engine_view import Trimmer
from checker.expr import CallLog, cel_value, compile_expression
from checker.findings import PackRef
from checker.rulepack import LOOP_INDEX_PREFIX, Rule, loop_index
from checker.schema_index import schema_index
from checker.yamlsource import PathKey, format_path

_CACHE_SIZE = 256


class PlannedProgram:
    """A rule's program rewritten to read aliases, compiled on first use.

    `original` is the program as the pack compiled it: the engine runs it when the
    rewritten one stops on an unbound alias (see cel_aliases), and in its place if the
    rewriting produced nothing new.
    """

    __slots__ = ("original", "source", "execute", "text", "python", "python_kept", "strict",
                 "_names")

    def __init__(self, original: Any, source: str | None, text: str):
        self.original = original
        self.text = text  # the pack's CEL text
        self.python: Any = None  # its Python translation (cel_python): None until asked for
        self.python_kept: frozenset[str] | None = None  # ... for this view of the facts
        self.strict: Any = None  # its strict translation, for a run that meets a missing key
        self._names: dict[str, tuple[str, frozenset[str] | None] | None] | None = None
        self.use(source)

    def use(self, source: str | None) -> None:
        self.source = source
        # After the first run, execute is the compiled program's own method: no extra call.
        self.execute = self._first_execute if source is not None else self._first_original

    def names(self) -> dict[str, tuple[str, frozenset[str] | None] | None]:
        """The identifiers the program (rewritten, or as written) may read from its context.

        For a name the program reads only as a loop item (`x[__i_v]`, always with the same
        loop index), the value is (that index, the item's fields it reads) — fields None if
        it uses the item otherwise than by `item.field...`; for any other name, None.
        """
        if self._names is None:
            from checker.cel_paths import tokenize

            names: dict[str, tuple[str, frozenset[str] | None] | None] = {}
            for text in (self.source, self.text):
                found = tokenize(text) if text else []
                tokens, kinds = [t.text for t in found], [t.kind for t in found]
                for i, kind in enumerate(kinds):
                    if kind != "ident":
                        continue
                    name = tokens[i]
                    read = _item_read(tokens, kinds, i)
                    if name in names:
                        known = names[name]
                        if known is None or read is None or known[0] != read[0]:
                            read = None
                        elif known[1] is None or read[1] is None:
                            read = (read[0], None)
                        else:
                            read = (read[0], known[1] | read[1])
                    names[name] = read
            self._names = names
        return self._names

    def translated(self, functions: dict[str, Any], kept: frozenset[str]) -> Any:
        """The program as a Python function (cel_python), or False if it cannot be translated.

        With `kept` (the names CEL's view of an object keeps: the plan's), the function may
        be given the facts as the document holds them (Session.value(raw=True))."""
        if self.python is None or self.python_kept is not kept:
            self.python_kept = kept
            self.strict = None
            from checker.cel_python import translate
            from checker.expr import FUNCTION_NAMESPACES

            self.python = translate(self.source or self.text, functions, FUNCTION_NAMESPACES,
                                    kept) or False
        return self.python

    def strictly_translated(self, functions: dict[str, Any], kept: frozenset[str]) -> Any:
        """The strict translation (cel_python.translate(strict=True)), or False; made when
        the translation first meets a missing key, for the `kept` of translated()."""
        if self.strict is None:
            from checker.cel_python import translate
            from checker.expr import FUNCTION_NAMESPACES

            self.strict = translate(self.source or self.text, functions, FUNCTION_NAMESPACES,
                                    kept, strict=True) or False
        return self.strict

    def _first_execute(self, context: Any) -> Any:
        self.execute = _compiled(self.source).execute
        return self.execute(context)

    def _first_original(self, context: Any) -> Any:
        # A pack's program may itself compile on first use (rulepack_cache.LazyProgram) and
        # then replace its execute: take the method only after that first run.
        result = self.original.execute(context)
        self.execute = self.original.execute
        return result


def _item_read(tokens: list[str], kinds: list[str], i: int
               ) -> tuple[str, frozenset[str] | None] | None:
    """How the identifier at i is read: (loop index, {field} or None) for `x[__i_v].field`
    (None for the field if the item is read otherwise), or None if not as a loop item."""
    after = tokens[i + 1:i + 4]
    if len(after) < 3 or after[0] != "[" or after[2] != "]" or \
            not after[1].startswith(LOOP_INDEX_PREFIX):
        return None
    j = i + 4
    grouped = i >= 1 and tokens[i - 1] == "(" and not (i >= 2 and kinds[i - 2] == "ident")
    if grouped and j < len(tokens) and tokens[j] == ")":
        j += 1  # `(x[__i_v])`, as the rewriting writes a loop item
    if j + 1 < len(tokens) and tokens[j] == "." and kinds[j + 1] == "ident" and \
            (j + 2 >= len(tokens) or tokens[j + 2] != "("):
        return after[1], frozenset({tokens[j + 1]})
    return after[1], None


@lru_cache(maxsize=4096)
def _compiled(source: str) -> Any:
    """One compiled program per rewritten text: rules often share a filter or a test."""
    return compile_expression(source)


class RulePlan:
    __slots__ = ("rule", "expr", "when", "message_expr", "wheres", "variables", "indexes", "ref",
                 "not_applicable", "needs", "nothing", "bindings")

    def __init__(self, rule: Rule, plan: "Plan"):
        loops = tuple(Loop(fe.var, fe.path, loop_index(fe.var)) for fe in rule.for_each)
        self.rule = rule
        self.expr = plan.program(rule.expr, rule.expr_source, loops, rule.pack.id)
        self.when = plan.program(rule.when, rule.when_source, loops, rule.pack.id)
        self.message_expr = plan.program(rule.message_expr, rule.message_expr_source, loops,
                                         rule.pack.id)
        self.wheres = tuple(plan.program(fe.where, fe.where_source, loops, rule.pack.id)
                            for fe in rule.for_each)
        self.variables = tuple(sorted(rule.variables_used))
        self.indexes = tuple(loop.index for loop in loops)  # what a lazy message must restore
        self.ref = plan.refs.setdefault(rule.pack.id, rule.pack.ref)
        self.not_applicable = f"Not applicable: the rule applies only when {rule.applies_when}."
        # (need, loop variable or first part, the parts after it; None where it has '[]')
        self.needs = tuple((need, *planned_need(need)) for need in rule.needs)
        # A loop that keeps no item (an Outcome "none"), per loop level, said once per plan.
        self.nothing = tuple(
            "Not applicable: the document lists nothing to check in " + format_path(fe.path)
            + (" that match the rule's filter" if fe.where is not None else "") + "."
            for fe in rule.for_each)
        # An instance's bindings (loop variable → concrete path), by its loop indexes: the
        # same for every document, so made once and shared, never changed. A finding keeps
        # its bindings, and a dict made per finding would live until the collector's next
        # full pass untracks it, counted meanwhile among the survivors that bring that pass
        # on (Dynex: 6 full passes over 1,000 documents' findings instead of 3 or 4).
        self.bindings: dict[tuple[int, ...], dict[str, PathKey]] = {}


class Plan:
    def __init__(self, rules: list[Rule], rewrite: bool = True):
        self.rewrite = rewrite
        self.evaluated = 0  # documents evaluated with this plan
        self.registry = AliasRegistry()
        self.roots = frozenset(schema_index().property_names(schema_index().schema)) | {"derived"}
        self.rules = tuple(sorted(rules, key=lambda r: r.id))
        self.names = frozenset().union(*(rule.read_names() for rule in rules)) if rules else frozenset()
        self.calculators = frozenset(c for rule in rules for c in rule.calculators)
        self.packs = {rule.pack.id: rule.pack for rule in self.rules}
        self.refs: dict[str, PackRef] = {}
        self.trimmer = Trimmer(schema_index(), self.names)
        self.kept = self.names | {"id"}  # what the trimmer keeps of an object's keys
        # The domain functions, wrapped once: documents are evaluated one after another
        # (and lazy messages one at a time), so one log of the last failure serves all.
        self.log = CallLog()
        self.functions = self.log.functions()
        self.params = {pack_id: cel_value(pack.params) for pack_id, pack in self.packs.items()}
        self._pending: list[tuple[PlannedProgram, str, tuple[Loop, ...], str]] = []
        self.variables: dict[tuple[str, str], PlannedProgram] = {}
        for rule in self.rules:
            for name, var in rule.pack.variables.items():
                key = (rule.pack.id, name)
                if key not in self.variables:
                    self.variables[key] = self.program(var.program, var.source, (), rule.pack.id)
        self.by_rule = {id(rule): RulePlan(rule, self) for rule in self.rules}
        if rewrite:
            self._rewrite_pending()
        self.aliases: tuple[tuple[str, Alias], ...] = tuple(
            (name, alias) for alias, name in self.registry.names.items())
        self.alias_named = dict(self.aliases)
        self.variable_alias = {(a.parts[0], a.field): name for name, a in self.aliases
                               if a.kind == "variable"}

    def program(self, original: Any, source: str | None, loops: tuple[Loop, ...], pack_id: str
                ) -> PlannedProgram | None:
        if original is None or source is None:
            return None
        planned = PlannedProgram(original, None, source)
        self._pending.append((planned, source, loops, pack_id))
        return planned

    def _rewrite_pending(self) -> None:
        """Rewrite every program, or take the rewriting from an earlier run of the same rules.

        Rewriting all ~280 bundled programs costs ~30 ms (tokenizing them), a tenth of a
        whole `check`; its result depends only on the sources, their loops, the schema's
        roots and this code, so it is kept in the cache (checker.cache) under a hash of those.
        """
        key = self._cache_key()
        record = cache.load_json(_CACHE_KIND, key) if key else None
        if not _apply_record(self, record):
            self.registry = AliasRegistry()
            rewritten = [flatten(source, loops, self.roots, pack_id, self.registry)
                         for _, source, loops, pack_id in self._pending]
            record = {
                "sources": [new if new != source else None
                            for new, (_, source, _, _) in zip(rewritten, self._pending)],
                "aliases": [[name, a.kind, list(a.parts), a.field]
                            for a, name in self.registry.names.items()],
                "bare_roots": sorted(self.registry.bare_roots),
            }
            _apply_record(self, record)
            if key:
                cache.store_json(_CACHE_KIND, key, record)
        self._pending = []

    def _cache_key(self) -> str | None:
        if not cache.enabled():
            return None
        from checker.rulepack_cache import fingerprint

        material = json.dumps([sorted(self.roots), fingerprint()] + [
            [source, pack_id, [[loop.var, list(loop.parts), loop.index] for loop in loops]]
            for _, source, loops, pack_id in self._pending], separators=(",", ":"))
        return cache.sha256(material.encode()).hexdigest()


_CACHE_KIND = "alias-plan"


def _apply_record(plan: Plan, record: Any) -> bool:
    """Fill the plan's programs and registry from a record; False if it does not fit."""
    try:
        sources = record["sources"]
        if len(sources) != len(plan._pending) or \
                not all(source is None or isinstance(source, str) for source in sources):
            return False
        registry = AliasRegistry()
        for name, kind, parts, field in record["aliases"]:
            if not (isinstance(name, str) and name.startswith(ALIAS_PREFIX)):
                return False
            registry.names[Alias(kind, tuple(parts), field)] = name
        registry.bare_roots = set(record["bare_roots"])
    except (TypeError, KeyError, ValueError):
        return False
    plan.registry = registry
    for (planned, _, _, _), source in zip(plan._pending, sources):
        planned.use(source)
    return True


_plans: OrderedDict[tuple[bool | int, ...], Plan] = OrderedDict()


def plan_for(rules: list[Rule], rewrite: bool = True) -> Plan:
    """The (cached) plan for these rule objects; the plan keeps them alive, so ids stay unique.

    rewrite=False runs every program as the pack compiled it: the reference semantics
    the rewritten programs must reproduce (tests compare the two).
    """
    key = (rewrite, *(id(rule) for rule in rules))
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = Plan(rules, rewrite)
        if len(_plans) > _CACHE_SIZE:
            _plans.popitem(last=False)
    return plan
