"""Evaluate rules against one offer-state document and yield findings.

Status semantics (DESIGN §5): ``when`` false → not_applicable; a missing fact
(``needs``, or a key the expression reads that the document lacks) →
not_evaluable with the paths; any other runtime failure → error; otherwise the
expression's boolean gives pass or fail. Nothing here can turn a failure into a
pass, and nothing here raises for a problem in one rule.
"""

from __future__ import annotations

import contextlib
import functools
import datetime as dt
import io
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterator

from checker.cel_paths import ANY_ITEM
from checker.document import OfferDocument
from checker.expr import CallLog, cel_module, cel_value
from checker.findings import Fact, Finding, Status
from checker.derived import compute as compute_derived_raw
from checker.schema_index import schema_index
from checker.rulepack import Pack, Rule, loop_index, loop_list, split_path
from checker.yamlsource import PathKey, format_path

MAX_FACTS_PER_PATH = 12


@dataclass(frozen=True)
class LawDate:
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


def _view_get(view: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = view
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return []  # missing: the loop reports it from the document itself
        node = node[part]
    return node


class _Outcome:
    __slots__ = ("kind", "value")

    def __init__(self, kind: str, value: Any):
        self.kind = kind  # "ok" | "missing" | "error"
        self.value = value


class _Session:
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


class _PackRun:
    """A pack's view of the session: its params, and its variables computed lazily, once."""

    def __init__(self, pack: Pack, session: _Session):
        self.pack = pack
        self.session = session
        self.log = session.log
        self.context = session.context
        self.bound = session.bound
        self.params = cel_value(pack.params)
        self.computed: dict[str, _Outcome] = {}
        self.variables: dict[str, Any] = {}

    def activate(self) -> None:
        self.bound["params"] = self.params
        self.bound["variables"] = self.variables

    def run(self, program: Any) -> _Outcome:
        self.log.error = None
        try:
            return _Outcome("ok", program.execute(self.context))
        except KeyError as exc:
            return _Outcome("missing", str(exc.args[0]) if exc.args else "?")
        except RuntimeError as exc:
            if self.log.error:
                return _Outcome("error", self.log.error)
            text = str(exc)
            if text.startswith("Undefined variable or function"):
                name = text.split("'")[1] if "'" in text else text
                return _Outcome("missing_root", name)
            return _Outcome("error", text.splitlines()[0] if text else type(exc).__name__)
        except Exception as exc:  # never let one rule crash the run
            if self.log.error:
                return _Outcome("error", self.log.error)
            text = str(exc).split(". ")[0] or type(exc).__name__
            return _Outcome("error", f"{type(exc).__name__}: {text}")

    def ensure_variables(self, names: frozenset[str]) -> _Outcome | None:
        """Compute the named variables (and what they use); return the first failure."""
        for name in sorted(names):
            outcome = self._variable(name)
            if outcome.kind != "ok":
                return outcome
        return None

    def _variable(self, name: str) -> _Outcome:
        if name in self.computed:
            return self.computed[name]
        var = self.pack.variables[name]
        failure = self.ensure_variables(var.uses)
        outcome = failure or self.run(var.program)
        self.computed[name] = outcome
        if outcome.kind == "ok":
            self.variables[name] = outcome.value
        return outcome


def evaluate(document: OfferDocument, rules: list[Rule], as_of: dt.datetime | None
             ) -> list[Finding]:
    """All findings, in a deterministic order (rule id, then instance order)."""
    names = frozenset().union(*(rule.read_names() for rule in rules)) if rules else frozenset()
    view = document_view(document, names)
    needed = frozenset(c for rule in rules for c in rule.calculators)
    derived = cel_value(compute_derived(document, needed))
    runs: dict[str, _PackRun] = {}
    session = _Session(view, as_of, derived, rules)
    findings: list[Finding] = []
    # The CEL extension prints Python callback failures to stderr; we report them in
    # findings instead, so keep them off the user's terminal.
    with contextlib.redirect_stderr(io.StringIO()):
        for rule in sorted(rules, key=lambda r: r.id):
            run = runs.get(rule.pack.id)
            if run is None:
                run = runs[rule.pack.id] = _PackRun(rule.pack, session)
            run.activate()
            findings.extend(_evaluate_rule(rule, run, document))
    return findings


def compute_derived(document: OfferDocument, names: frozenset[str]) -> dict[str, Any]:
    """Derived facts for the calculators the rules read, cached on the document."""
    cache = document.derived_cache
    missing = set(names) - set(cache)
    if missing:
        cache.update(compute_derived_raw(document, missing))
    return {name: cache[name] for name in names if name in cache}


def document_view(document: OfferDocument, names: frozenset[str] | None = None) -> dict[str, Any]:
    """The facts as CEL sees them, trimmed to the field names the rules can read.

    Converting facts into CEL values costs time in proportion to their size (every
    loop variable is converted when bound), and offer documents carry much prose
    (quotes, citations) no rule reads. Objects with fixed properties keep only keys
    some expression names; data maps (keys chosen by the document) and lists are
    kept whole. Object-valued sections the document omits are bound to empty maps, so
    that ``has(settings.rounding)`` is simply false; reading a field of one is still a
    missing fact. Omitted list sections stay unbound: reading one is a missing fact.
    """
    key = names if names is not None else frozenset({"*"})
    cached = document.cel_views.get(key)
    if cached is not None:
        return cached
    index = schema_index()
    view = _trim(document.values, index.schema, index, names)
    for name in index.property_names(index.schema):
        node = index.child(index.schema, name)
        if name not in view and node is not None and "properties" in index.deref(node):
            view[name] = {}
    document.cel_views[key] = view
    return view


def _trim(value: Any, schema: dict[str, Any] | None, index: Any, names: frozenset[str] | None) -> Any:
    if isinstance(value, dict):
        node = index.deref(schema) if schema is not None else None
        fixed = node is not None and "properties" in node and not isinstance(
            node.get("additionalProperties"), dict)
        return {k: _trim(v, index.child(node, k) if node is not None else None, index, names)
                for k, v in value.items()
                if names is None or not fixed or k in names or k == "id"}
    if isinstance(value, list):
        item = index.child(schema, 0) if schema is not None else None
        return [_trim(v, item, index, names) for v in value]
    return cel_value(value)


def _instances(rule: Rule, run: _PackRun, document: OfferDocument
               ) -> Iterator[tuple[str | None, dict[str, PathKey], _Outcome | None]]:
    """(instance label, loop var → concrete path, failure) for each combination."""
    if not rule.for_each:
        yield None, {}, None
        return

    reached = [0]  # the deepest loop entered: an empty result names that list, not the outer one

    def expand(level: int, label: tuple[str, ...], paths: dict[str, PathKey]
               ) -> Iterator[tuple[str | None, dict[str, PathKey], _Outcome | None]]:
        if level == len(rule.for_each):
            yield "/".join(label), dict(paths), None
            return
        reached[0] = max(reached[0], level)
        loop = rule.for_each[level]
        path = tuple(paths[loop.path[0]]) + loop.path[1:] if loop.path[0] in paths else loop.path
        items = document.get(path)
        if items is None:
            yield "/".join(label) or None, paths, _Outcome("missing", _dotted_parts(path))
            return
        index_name = loop_index(loop.var)
        for i, item in enumerate(items if isinstance(items, list) else []):
            run.bound[index_name] = i
            item_label = _extend_label(label, _label(item, i))
            if loop.where is not None:
                keep = run.run(loop.where)
                if keep.kind != "ok":
                    yield "/".join(item_label), paths, keep
                    continue
                if keep.value is not True:
                    continue
            paths[loop.var] = path + (i,)
            yield from expand(level + 1, item_label, paths)
            paths.pop(loop.var, None)

    produced = False
    for instance in expand(0, (), {}):
        produced = True
        yield instance
    if not produced:
        loop = rule.for_each[reached[0]]
        what = _dotted_parts(loop.path) + (" that match the rule's filter" if loop.where is not None else "")
        yield "", {}, _Outcome("none", what)


def _extend_label(label: tuple[str, ...], part: str) -> tuple[str, ...]:
    """Label a nested loop's item without repeating what the outer items already say.

    A derived record named after its source ('ext-1' → 'ext-1', 'e-ownership' + 'igdaloff-A'
    → 'e-ownership.igdaloff-A') adds nothing; one that refines the last item
    ('c-vii-index-decline' → 'c-vii-index-decline.djia') replaces it.
    """
    if any(part == ".".join(label[i:]) for i in range(len(label))):
        return label
    if label and part.startswith(label[-1] + "."):
        return label[:-1] + (part,)
    return label + (part,)


def _evaluate_rule(rule: Rule, run: _PackRun, document: OfferDocument) -> Iterator[Finding]:
    for label, bindings, failure in _instances(rule, run, document):
        if failure is not None and failure.kind == "none":
            yield _finding(rule, None, Status.NOT_APPLICABLE,
                           f"Not applicable: the document lists nothing to check in {failure.value}.",
                           document, bindings)
            continue
        # The loop variables are bound in the context while this instance is evaluated:
        # _instances yields from inside its loops.
        yield _evaluate_instance(rule, run, document, label or None, bindings, failure)


def _evaluate_instance(rule: Rule, run: _PackRun, document: OfferDocument, label: str | None,
                       bindings: dict[str, PathKey], failure: _Outcome | None) -> Finding:
    def finish(status: Status, message: Any, missing: tuple[str, ...] = ()) -> Finding:
        return _finding(rule, label, status, message, document, dict(bindings), missing)

    def not_good(outcome: _Outcome, stage: str) -> Finding:
        if outcome.kind in ("missing", "missing_root"):
            path = outcome.value if outcome.kind == "missing_root" else \
                _qualify(outcome.value, bindings, document)
            return finish(Status.NOT_EVALUABLE, f"Cannot evaluate: the fact {path} is missing.",
                          (path,))
        return finish(Status.ERROR, f"Rule error in {stage}: {outcome.value}")

    if failure is not None:
        return not_good(failure, "for_each")
    bad = run.ensure_variables(rule.variables_used)
    if bad is not None:
        return not_good(bad, "variables")
    if rule.when is not None:
        applies = run.run(rule.when)
        if applies.kind != "ok":
            return not_good(applies, "when")
        if applies.value is not True:
            if applies.value is not False:
                return finish(Status.ERROR, f"Rule error in when: returned {applies.value!r}, "
                                            "not a boolean")
            return finish(Status.NOT_APPLICABLE,
                          f"Not applicable: the rule applies only when {rule.applies_when}.")
    missing = tuple(m for need in rule.needs for m in _missing(document, need, bindings))
    if missing:
        return finish(Status.NOT_EVALUABLE,
                      "Cannot evaluate: missing fact(s) " + ", ".join(missing) + "."
                      + _derived_explanations(document, missing), missing)
    result = run.run(rule.expr)
    if result.kind != "ok":
        return not_good(result, "expr")
    if not isinstance(result.value, bool):
        return finish(Status.ERROR, f"Rule error in expr: returned {result.value!r}, not a boolean")
    status = Status.PASS if result.value else Status.FAIL
    # The message is computed on first access, with this instance's loop indexes.
    snapshot = {k: v for k, v in run.bound.items() if k.startswith("__i_")}
    return finish(status, lambda: _message(rule, run, status, snapshot))


def _message(rule: Rule, run: _PackRun, status: Status, snapshot: dict[str, int]) -> str:
    if rule.message_expr is not None:
        run.activate()
        run.bound.update(snapshot)
        with contextlib.redirect_stderr(io.StringIO()):
            text = run.run(rule.message_expr)
        if text.kind == "ok" and isinstance(text.value, str):
            return text.value
        note = f" (message_expr failed: {text.value})" if text.kind != "ok" else ""
        base = rule.message if status is Status.FAIL and rule.message else rule.title
        return base + note
    if status is Status.FAIL:
        return rule.message or f"Requirement not met: {rule.title}."
    return f"Requirement met: {rule.title}."


def _label(item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return item["id"]
    return str(index)


def _dotted_parts(parts: tuple[str, ...] | PathKey) -> str:
    return format_path(tuple(parts))


def _qualify(name: str, bindings: dict[str, PathKey], document: OfferDocument) -> str:
    """Name the missing key at the bound object that lacks it, when we can tell which.

    Only a bound object whose schema defines the key can lack it: a key read from an
    item of a comprehension (``rows.all(r, r.x ...)``) is not a field of the loop
    variables, and prefixing it with one would point counsel at the wrong fact.
    """
    for path in reversed(list(bindings.values())):
        bound = document.get(path)
        if isinstance(bound, dict) and name not in bound and _schema_defines(path, name):
            return f"{format_path(path)}.{name}"
    return name


def _schema_defines(path: PathKey, name: str) -> bool:
    """Does the schema of the object at `path` (offer-state, or derived.*) define property `name`?"""
    index = schema_index("derived.schema.json") if path[:1] == ("derived",) else schema_index()
    node = index.lookup(path[1:] if path[:1] == ("derived",) else path)
    return node is not None and name in index.deref(node).get("properties", {})


def _concrete(document: OfferDocument, parts: tuple[str, ...]) -> Iterator[PathKey]:
    """Expand '[]' wildcards against the document."""
    def walk(prefix: PathKey, rest: tuple[str, ...]) -> Iterator[PathKey]:
        if not rest:
            yield prefix
            return
        head, tail = rest[0], rest[1:]
        if head == ANY_ITEM:
            node = document.get(prefix)
            if isinstance(node, list):
                for i in range(len(node)):
                    yield from walk(prefix + (i,), tail)
            elif isinstance(node, dict):
                for k in node:
                    yield from walk(prefix + (k,), tail)
            return
        yield from walk(prefix + (head,), tail)
    yield from walk((), parts)


def _bind(parts: tuple[str, ...], bindings: dict[str, PathKey], loop_patterns: dict[str, tuple[str, ...]]
          ) -> tuple[str | int, ...]:
    """Replace the wildcard a loop variable stands for with its concrete index."""
    for var, concrete in bindings.items():
        pattern = loop_patterns[var]
        if parts[:len(pattern)] == pattern:
            return tuple(concrete) + parts[len(pattern):]
    return parts


@functools.lru_cache(maxsize=4096)
def _need_parts(need: str) -> tuple[str, ...]:
    return tuple(split_path(need))


def _derived_explanations(document: OfferDocument, missing: tuple[str, ...]) -> str:
    """Why a calculator left a derived fact out, in its own words.

    A calculator that cannot compute a value omits it (so the rule is not_evaluable) and
    says why in the record's `computation` (e.g. which input fact is missing); a path such
    as derived.conditions.index_tests[0].reference_close means little to counsel alone.
    """
    said: list[str] = []
    for path in missing:
        parts = tuple(int(p[1:-1]) if p.startswith("[") else p for p in _PATH_PART.findall(path))
        if parts[:1] != ("derived",) or len(parts) < 3:
            continue
        record = _walk(document.derived_cache, parts[1:-1])
        text = record.get("computation") if isinstance(record, dict) else None
        if isinstance(text, str) and text not in said:
            said.append(text)
    return "".join(" " + text for text in said)


_PATH_PART = re.compile(r"\[\d+\]|[^.\[\]]+")  # "derived.x[0].y" → derived, x, [0], y


def _walk(node: Any, parts: tuple) -> Any:
    for part in parts:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _missing(document: OfferDocument, need: str, bindings: dict[str, PathKey]) -> list[str]:
    """The concrete paths of `need` (with '[]' meaning every item) absent from the document."""
    parts = _need_parts(need)
    if parts and parts[0] in bindings:
        parts = tuple(bindings[parts[0]]) + parts[1:]
    root = document.derived_cache if parts[:1] == ("derived",) else document.values
    if parts[:1] == ("derived",):
        parts, prefix = parts[1:], ("derived",)
    else:
        prefix = ()
    out: list[str] = []
    # Iterative walk: (node, path so far, index into parts).
    stack: list[tuple[Any, PathKey, int]] = [(root, prefix, 0)]
    while stack:
        node, path, k = stack.pop()
        while k < len(parts):
            part = parts[k]
            if part == ANY_ITEM:
                if isinstance(node, list):
                    stack.extend((item, path + (i,), k + 1) for i, item in
                                 reversed(list(enumerate(node))))
                node = _MISSING
                break
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                out.append(format_path(path + (part,)))
                node = _MISSING
                break
            path = path + (part,)
            k += 1
        # a wildcard hands its items to the stack; a found leaf needs nothing more
    return out


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return "(" + ("list" if isinstance(value, list) else "object") + f" of {len(value)})"
    return value


def _facts(rule: Rule, document: OfferDocument, bindings: dict[str, PathKey]) -> tuple[Fact, ...]:
    """The facts a finding rests on: the instance, then every path its expressions read.

    Expansions and Fact objects are cached on the document: the same paths recur in
    every instance of a rule and across rules.
    """
    patterns = {fe.var: fe.pattern for fe in rule.for_each}
    seen: dict[PathKey, Fact] = {}
    paths: list[tuple] = [tuple(concrete) for concrete in bindings.values()]
    paths += [(r.root,) + r.parts for r in rule.fact_paths]
    cache = document.fact_cache
    for parts in paths:
        bound = _bind(tuple(parts), bindings, patterns) if bindings else tuple(parts)
        facts = cache.get(bound)
        if facts is None:
            facts = cache[bound] = _expand_facts(document, bound)
        for fact_path, fact in facts:
            seen.setdefault(fact_path, fact)
    return tuple(seen.values())


def _expand_facts(document: OfferDocument, pattern: tuple) -> tuple[tuple[PathKey, Fact], ...]:
    out: list[tuple[PathKey, Fact]] = []
    for path in itertools.islice(_concrete(document, pattern), MAX_FACTS_PER_PATH):
        value = document.get(path, _MISSING)
        if value is _MISSING:
            continue
        if isinstance(value, dict) and "id" in value:
            path, value = path + ("id",), value["id"]
        source = None if path[:1] == ("derived",) else str(document.span(path))
        out.append((path, Fact(format_path(path), _json_value(value), source)))
    return tuple(out)


_MISSING = object()


def _finding(rule: Rule, label: str | None, status: Status, message: Any, document: OfferDocument,
             bindings: dict[str, PathKey], missing: tuple[str, ...] = ()) -> Finding:
    return Finding(
        rule_id=rule.id, title=rule.title, status=status, severity=rule.severity,
        explain_message=message, pack=rule.pack.ref, instance=label, citations=rule.citations,
        explain_facts=lambda: _facts(rule, document, bindings), missing=missing,
        remedy=rule.remedy, tags=rule.tags)
