"""Load a rule pack the compiled-pack cache does not hold: validate it, then compile every
CEL expression, its cost, and every fact path it reads.

rulepack.load_pack comes here only on a cache miss (a run whose packs are all recorded
never compiles this module): load_uncached validates the pack's YAML against the
rule-pack schema, then PackCompiler compiles it. A pack that names a fact the
offer-state or derived-facts schema does not define, reads an unknown parameter or
variable, or nests comprehensions that could run for minutes is refused with file, line
and rule id, so a typo in a rule can never silently pass.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from checker import cache, rulepack_cache
from checker.cel_cost import MAX_ITERATIONS, list_size_estimate
from checker.cel_cost import estimate as estimate_cost
from checker.cel_paths import (ANY_ITEM, CelSyntaxError, PathRef, field_names, references,
                               substitute_bound)
from checker.errors import RulePackError, SourceSpan
from checker.expr import FUNCTION_NAMESPACES, compile_expression
from checker.findings import Citation, Severity
from checker.resources import schema_path
from checker.rulepack import (ForEach, Pack, Rule, TestCase, Variable, loop_index, loop_list,
                              split_path)
from checker.schema_index import SchemaIndex, schema_index, schema_sha256
from checker.yamlsource import LoadedSource, PathKey, format_path, load_bytes

# Names every expression may read besides the document's sections.
BUILTIN_ROOTS = ("params", "variables", "as_of", "derived")


def load_uncached(raw: bytes, path: str) -> Pack:
    """The pack in `raw` (read from `path`), validated and compiled, then recorded in the
    caches; or RulePackError."""
    loaded = load_bytes(raw, path, RulePackError, cache_kind="rule-pack-parse")
    data = loaded.data
    smap = loaded.source_map
    if not isinstance(data, dict):
        raise RulePackError("a rule pack is a mapping with id, title, version, effective, rules "
                            "and tests", SourceSpan(path, 1, 1))
    schema_sha = schema_sha256("rule-pack.schema.json")
    if cache.known_valid("rule-pack", schema_sha, loaded.sha256):
        errors = []
    else:
        errors = sorted(_pack_validator().iter_errors(data),
                        key=lambda e: smap.span_for(tuple(e.absolute_path)).line)
    if errors:
        e = errors[0]
        where = tuple(e.absolute_path)
        rule_id = _rule_id_at(data, where)
        message = e.message if len(e.message) < 300 else e.message[:300] + "…"
        if e.validator == "additionalProperties":
            extra = sorted(set(e.instance) - set(e.schema.get("properties", {})))
            if extra:
                where = where + (extra[0],)
                message = f"unknown key {extra[0]!r}; allowed: {', '.join(sorted(e.schema.get('properties', {})))}"
        elif e.validator == "dependentRequired":
            given = next(k for k, needed in e.validator_value.items()
                         if k in e.instance and any(n not in e.instance for n in needed))
            wanted = next(n for n in e.validator_value[given] if n not in e.instance)
            where = where + (given,)
            message = (f"'{given}' needs '{wanted}' beside it"
                       + (" (the condition in plain language, shown when the rule does not apply)"
                          if wanted == "applies_when" else ""))
        raise RulePackError((f"rule {rule_id}: " if rule_id else "") + message,
                            smap.span_for(where, prefer_key=True), format_path(where) or None)
    pack = PackCompiler(loaded, schema_index()).compile()
    # Recorded only after the pack also compiled and passed its fact-path checks.
    cache.remember_valid("rule-pack", schema_sha, loaded.sha256)
    rulepack_cache.store(pack)
    return pack


def _rule_id_at(data: dict[str, Any], where: PathKey) -> str | None:
    if len(where) >= 2 and where[0] == "rules" and isinstance(where[1], int):
        try:
            return data["rules"][where[1]].get("id")
        except (IndexError, AttributeError):
            return None
    return None


@functools.lru_cache(maxsize=1)
def _pack_validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_path("rule-pack.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _citation(raw: dict[str, Any]) -> Citation:
    return Citation(**{k: raw.get(k) for k in ("authority", "document", "lines", "page", "quote", "url")})


def _date(text: str, span: SourceSpan) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RulePackError(f"{text!r} is not a real date", span) from None


class PackCompiler:
    """Turns one loaded, schema-valid pack into a Pack, or raises RulePackError."""

    def __init__(self, loaded: LoadedSource, index: SchemaIndex):
        self.loaded = loaded
        self.index = index
        self.data = loaded.data
        self.smap = loaded.source_map
        self.roots = set(index.property_names(index.schema))
        self.variable_sizes: dict[str, int] = {}  # list_size's estimates, by variable name

    def span(self, path: PathKey) -> SourceSpan:
        return self.smap.span_for(path)

    def compile(self) -> Pack:
        d = self.data
        eff = d["effective"]
        pack = Pack(
            id=d["id"], title=d["title"], version=d["version"], sha256=self.loaded.sha256,
            path=self.loaded.path,
            effective_from=_date(eff["from"], self.span(("effective", "from"))),
            effective_to=_date(eff["to"], self.span(("effective", "to"))) if eff.get("to") else None,
            effective_basis=eff.get("basis"), description=d.get("description"),
            authority=tuple(_citation(c) for c in d.get("authority", [])),
            params={k: v["value"] for k, v in d.get("params", {}).items()},
            param_meta=d.get("params", {}), variables={}, rules=[])
        for name, source in d.get("variables", {}).items():
            pack.variables[name] = self.variable(pack, name, source)
        self.check_variable_cycles(pack)
        for i, raw in enumerate(d["rules"]):
            pack.rules.append(self.rule(pack, raw, ("rules", i)))
        pack._tests = self.tests(pack)
        return pack

    def tests(self, pack: Pack) -> list[TestCase]:
        rule_ids = {r.id for r in pack.rules}
        out: list[TestCase] = []
        for i, raw in enumerate(self.data["tests"]):
            if raw["rule"] not in rule_ids:
                raise RulePackError(f"test {raw['name']!r} names rule {raw['rule']!r}, which this "
                                    f"pack does not define", self.span(("tests", i, "rule")))
            out.append(TestCase(raw["name"], raw["rule"], raw["facts"], raw["expect"],
                                raw.get("instance"), raw.get("message_contains"),
                                self.span(("tests", i)),
                                functools.partial(self._subsource, ("tests", i, "facts"))))
        return out

    def _subsource(self, prefix: PathKey) -> LoadedSource:
        """The test case's facts as a source of their own, with spans in the pack file."""
        from checker.yamlsource import SourceMap

        n = len(prefix)
        sub = SourceMap(self.loaded.path,
                        {k[n:]: v for k, v in self.smap.values.items() if k[:n] == prefix},
                        {k[n:]: v for k, v in self.smap.keys.items() if k[:n] == prefix})
        data = self.data
        for part in prefix:
            data = data[part]
        return LoadedSource(self.loaded.path, self.loaded.sha256, data, sub)

    def program(self, source: str, where: PathKey, rule_id: str | None, field_name: str) -> Any:
        try:
            program = compile_expression(source)
        except ValueError as exc:
            label = f"rule {rule_id}: {field_name}" if rule_id else field_name
            raise RulePackError(f"{label}: invalid CEL: {exc}", self.span(where)) from None
        self.check_cost(source, where, rule_id, field_name)
        return program

    def check_cost(self, source: str, where: PathKey, rule_id: str | None, field_name: str) -> None:
        """Refuse an expression whose nested comprehensions could run for minutes (cel_cost.py)."""
        try:
            cost = estimate_cost(source, self.list_size)
        except CelSyntaxError:
            return  # the path check reports it
        if cost.iterations > MAX_ITERATIONS:
            label = f"rule {rule_id}: {field_name}" if rule_id else field_name
            sizes = " x ".join(f"{n:,}" for n in cost.sizes)
            raise RulePackError(
                f"{label}: nested comprehensions over lists the expression builds could take "
                f"{cost.iterations:,} steps ({sizes}); the limit is {MAX_ITERATIONS:,}",
                self.span(where))

    def list_size(self, root: str, name: str) -> int:
        """Length of a params list, or an upper estimate of a variables list (for check_cost)."""
        if root == "params":
            value = self.data.get("params", {}).get(name, {}).get("value")
            return len(value) if isinstance(value, list) else 1
        if root != "variables":
            return 1
        sizes = self.variable_sizes
        if name not in sizes:
            sizes[name] = 1  # while computing: a cycle is reported by check_variable_cycles
            source = self.data.get("variables", {}).get(name)
            sizes[name] = list_size_estimate(source, self.list_size) if isinstance(source, str) else 1
        return sizes[name]

    def variable(self, pack: Pack, name: str, source: str) -> Variable:
        where = ("variables", name)
        program = self.program(source, where, None, f"variables.{name}")
        refs = self.check_paths(pack, source, {}, where, None, f"variables.{name}")
        uses = frozenset(r.parts[0] for r in refs if r.root == "variables" and r.parts)
        calculators = frozenset(r.parts[0] for r in refs if r.root == "derived" and r.parts)
        return Variable(name, program, source, uses, calculators, frozenset(field_names(source)))

    def variable_closure(self, pack: Pack, names: frozenset[str]) -> frozenset[str]:
        """The variables named, and every variable they read, transitively."""
        out: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name not in out and name in pack.variables:
                out.add(name)
                todo.extend(pack.variables[name].uses)
        return frozenset(out)

    def check_variable_cycles(self, pack: Pack) -> None:
        def visit(name: str, trail: tuple[str, ...]) -> None:
            if name in trail:
                cycle = " -> ".join(trail + (name,))
                raise RulePackError(f"variables refer to each other in a cycle: {cycle}",
                                    self.span(("variables", name)))
            for used in pack.variables[name].uses:
                visit(used, trail + (name,))
        for name in pack.variables:
            visit(name, ())

    def rule(self, pack: Pack, raw: dict[str, Any], where: PathKey) -> Rule:
        rid = raw["id"]
        bound: dict[str, tuple[str, tuple[str, ...]] | None] = {}
        loops: list[ForEach] = []
        all_refs: list[PathRef] = []
        # Loop variables are compiled into indexed reads (c → classes[__i_c]) so that an
        # instance is selected by binding one integer, not by converting an object.
        replacements: dict[str, str] = {}

        def compiled(source: str, at: PathKey, label: str) -> Any:
            if not replacements:
                return self.program(source, at, rid, label)
            try:
                program = compile_expression(substitute_bound(source, replacements))
                self.check_cost(source, at, rid, label)
                return program
            except ValueError:
                self.program(source, at, rid, label)  # the error, about the source as written
                raise

        for j, fe in enumerate(raw.get("for_each", [])):
            fe_where = where + ("for_each", j)
            parts = tuple(split_path(fe["in"]))
            if ANY_ITEM in parts:
                raise RulePackError(f"rule {rid}: for_each.in must name one list, without '[]' "
                                    f"(nest another for_each instead)", self.span(fe_where + ("in",)))
            ref = PathRef(parts[0], parts[1:], 0)
            self.check_ref(pack, ref, bound, fe_where + ("in",), rid, "for_each.in")
            if fe["var"] in bound or fe["var"] in self.roots or fe["var"] in BUILTIN_ROOTS:
                raise RulePackError(f"rule {rid}: for_each variable {fe['var']!r} shadows another "
                                    f"name", self.span(fe_where + ("var",)))
            resolved = self.resolve(ref, bound)
            bound[fe["var"]] = (resolved[0], resolved[1] + (ANY_ITEM,)) if resolved else None
            if parts[0] in replacements:  # a list inside an outer loop's item
                head = f"({replacements[parts[0]]})" + "".join("." + p for p in parts[1:])
            else:  # a list at a fixed path: the engine binds it once as a top-level alias
                head = loop_list(parts)
            replacements[fe["var"]] = head + f"[{loop_index(fe['var'])}]"
            where_program = None
            if fe.get("where"):
                where_program = compiled(fe["where"], fe_where + ("where",), "for_each.where")
                all_refs += self.check_paths(pack, fe["where"], bound, fe_where + ("where",), rid,
                                             "for_each.where")
            item = bound[fe["var"]]
            loops.append(ForEach(fe["var"], parts, where_program, fe.get("where"),
                                 (item[0],) + item[1] if item else ()))
        expr = compiled(raw["expr"], where + ("expr",), "expr")
        all_refs += self.check_paths(pack, raw["expr"], bound, where + ("expr",), rid, "expr")
        when = message_expr = None
        if raw.get("when"):
            when = compiled(raw["when"], where + ("when",), "when")
            all_refs += self.check_paths(pack, raw["when"], bound, where + ("when",), rid, "when")
        if raw.get("message_expr"):
            message_expr = compiled(raw["message_expr"], where + ("message_expr",), "message_expr")
            all_refs += self.check_paths(pack, raw["message_expr"], bound, where + ("message_expr",),
                                         rid, "message_expr")
        for k, need in enumerate(raw.get("needs", [])):
            parts = tuple(split_path(need))
            ref = PathRef(parts[0], parts[1:], 0)
            self.check_ref(pack, ref, bound, where + ("needs", k), rid, "needs")
            if parts[0] == "derived" and len(parts) > 1:
                all_refs.append(ref)
        uses = self.variable_closure(pack, frozenset(
            r.parts[0] for r in all_refs if r.root == "variables" and r.parts))
        facts = tuple(r for r in all_refs if r.root not in ("params", "variables", "as_of"))
        calculators = frozenset(r.parts[0] for r in all_refs if r.root == "derived" and r.parts)
        calculators |= frozenset(c for name in uses for c in pack.variables[name].calculators)
        return Rule(
            id=rid, title=raw["title"], description=raw.get("description"),
            severity=Severity(raw["severity"]), expr=expr, expr_source=raw["expr"],
            when=when, when_source=raw.get("when"), applies_when=raw.get("applies_when"), message=raw.get("message"),
            message_expr=message_expr, message_expr_source=raw.get("message_expr"),
            needs=tuple(raw.get("needs", [])), for_each=tuple(loops),
            citations=tuple(_citation(c) for c in raw["cite"]), remedy=raw.get("remedy"),
            tags=tuple(raw.get("tags", [])), span=self.span(where), pack=pack,
            fact_paths=_dedupe(facts), variables_used=uses, calculators=calculators,
            field_names=frozenset(n for src in _sources(raw) for n in field_names(src)))

    def resolve(self, ref: PathRef, bound: dict[str, Any]) -> tuple[str, tuple[str, ...]] | None:
        if ref.root in bound:
            target = bound[ref.root]
            return None if target is None else (target[0], target[1] + ref.parts)
        return (ref.root, ref.parts)

    def check_paths(self, pack: Pack, source: str, bound: dict[str, Any], where: PathKey,
                    rule_id: str | None, field_name: str) -> list[PathRef]:
        try:
            refs = references(source, bound, FUNCTION_NAMESPACES)
        except CelSyntaxError as exc:
            raise RulePackError(f"rule {rule_id}: {field_name}: {exc}", self.span(where)) from None
        resolved: list[PathRef] = []
        for ref in refs:
            # references() has already substituted bound names with their paths.
            self.check_ref(pack, ref, {}, where, rule_id, field_name)
            resolved.append(ref)
        return resolved

    def check_ref(self, pack: Pack, ref: PathRef, bound: dict[str, Any], where: PathKey,
                  rule_id: str | None, field_name: str) -> None:
        label = (f"rule {rule_id}: " if rule_id else "") + f"{field_name}: "
        target = self.resolve(ref, bound)
        if target is None:
            return  # bound to something we cannot follow statically
        root, parts = target
        if root == "params":
            if parts and parts[0] not in pack.params:
                raise RulePackError(f"{label}unknown parameter params.{parts[0]} (defined: "
                                    f"{', '.join(sorted(pack.params)) or 'none'})", self.span(where))
            return
        if root == "variables":
            if parts and parts[0] not in pack.variables and parts[0] not in self.data.get("variables", {}):
                raise RulePackError(f"{label}unknown variable variables.{parts[0]} (defined: "
                                    f"{', '.join(sorted(self.data.get('variables', {}))) or 'none'})",
                                    self.span(where))
            return
        if root == "as_of":
            return
        if root == "derived":
            self.check_schema_path(schema_index("derived.schema.json"), "derived", parts, label, where)
            return
        if root not in self.roots:
            raise RulePackError(f"{label}unknown name {root!r}: not a section of the offer-state "
                                f"document ({', '.join(sorted(self.roots))}), a parameter, a "
                                f"variable or a for_each variable", self.span(where))
        self.check_schema_path(self.index, root, (root,) + parts, label, where, skip_root=True)

    def check_schema_path(self, index: SchemaIndex, root: str, parts: tuple[str, ...], label: str,
                          where: PathKey, skip_root: bool = False) -> None:
        """Walk parts through the schema; a step it does not define is a load error."""
        node: dict[str, Any] | None = index.schema
        walked = [root]
        if skip_root:
            node = index.child(node, root)
            parts = parts[1:]
        for part in parts:
            child = index.child(node, part) if node is not None else None
            if child is None:
                shown = _dotted(walked)
                if part == ANY_ITEM:
                    problem = f"{shown} is not a list"
                else:
                    fields = index.property_names(node) if node is not None else []
                    kind = "derived-facts" if root == "derived" else "offer-state"
                    problem = (f"the {kind} schema defines no fact {_dotted(walked + [part])!r}"
                               + (f"; fields of {shown}: {', '.join(fields)}" if fields else ""))
                raise RulePackError(label + problem, self.span(where))
            node = child
            walked.append(part)




def _sources(raw: dict[str, Any]) -> list[str]:
    out = [raw[k] for k in ("expr", "when", "message_expr") if raw.get(k)]
    out += [fe["where"] for fe in raw.get("for_each", []) if fe.get("where")]
    return out


def _dotted(parts: list[str]) -> str:
    out = ""
    for p in parts:
        out += ANY_ITEM if p == ANY_ITEM else (f".{p}" if out else p)
    return out


def _dedupe(refs: tuple[PathRef, ...] | list[PathRef]) -> tuple[PathRef, ...]:
    seen: dict[tuple[str, tuple[str, ...], str | None], PathRef] = {}
    for r in refs:
        seen.setdefault((r.root, r.parts, r.via), r)
    # Keep only the longest chains: 'c.sought' makes 'c' (classes[] through c) add nothing.
    keys = list(seen)
    out = [seen[k] for k in keys
           if not any(o != k and o[0] == k[0] and o[2] == k[2] and o[1][:len(k[1])] == k[1]
                      for o in keys)]
    return tuple(out)
