"""Facts for findings: the ones an instance rests on, and the ones it lacks.

A finding lists the facts behind it (its instance, then every path its
expressions read, with loop wildcards bound to the instance's items); a
not_evaluable finding names the concrete paths that are missing and, for derived
facts, the calculator's own reason.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

from checker.cel_refs import ANY_ITEM
from checker.document import OfferDocument
from checker.findings import Fact
from checker.rulepack import Rule, split_path
from checker.schema_index import schema_index
from checker.yamlsource import PathKey, format_path

MAX_FACTS_PER_PATH = 12


def qualify_missing(name: str, bindings: dict[str, PathKey], document: OfferDocument
                    ) -> str:
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


@functools.lru_cache(maxsize=4096)
def _need_parts(need: str) -> tuple[str, ...]:
    return tuple(split_path(need))


def derived_explanations(document: OfferDocument, missing: tuple[PathKey, ...]) -> str:
    """Why a calculator left a derived fact out, in its own words.

    A calculator that cannot compute a value omits it (so the rule is not_evaluable) and
    says why in the record's `computation` (e.g. which input fact is missing); a path such
    as derived.conditions.index_tests[0].reference_close means little to counsel alone.
    """
    said: list[str] = []
    for path in missing:
        if path[:1] != ("derived",) or len(path) < 3:
            continue
        record = document.get(path[:-1])  # the record that should hold the fact
        text = record.get("computation") if isinstance(record, dict) else None
        if isinstance(text, str) and text not in said:
            said.append(text)
    return "".join(" " + text for text in said)


def planned_need(need: str) -> tuple[str | None, tuple[str, ...] | None]:
    """How an instance walks `need`: (its first part, a loop variable or a root; the parts
    after it), for first_missing once the loop variable is bound; (None, None) for a need
    with '[]', which missing_paths walks."""
    parts = _need_parts(need)
    if ANY_ITEM in parts:
        return None, None
    return parts[0], parts[1:]


def first_missing(document: OfferDocument, parts: tuple[Any, ...]) -> PathKey | None:
    """The first absent prefix of a concrete path (no '[]'), or None: missing_paths' answer
    for such a path, without its set-up (each instance checks its needs this way)."""
    node: Any = document.values
    prefix: PathKey = ()
    if parts and parts[0] == "derived":
        node, parts, prefix = document.derived_cache, parts[1:], ("derived",)
    for k, part in enumerate(parts):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return prefix + parts[:k + 1]
    return None


def missing_paths(document: OfferDocument, need: str, bindings: dict[str, PathKey]) -> list[PathKey]:
    """The concrete paths of `need` (with '[]' meaning every item) absent from the document."""
    parts = _need_parts(need)
    if parts and parts[0] in bindings:
        parts = tuple(bindings[parts[0]]) + parts[1:]
    if ANY_ITEM not in parts:  # the common need, one path: walk it without building paths
        first = first_missing(document, parts)
        return [] if first is None else [first]
    root, prefix = document.values, ()
    if parts and parts[0] == "derived":
        root, parts, prefix = document.derived_cache, parts[1:], ("derived",)
    out: list[PathKey] = []
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
                out.append(path + (part,))
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


def instance_facts(rule: Rule, document: OfferDocument, bindings: dict[str, PathKey]
                   ) -> tuple[Fact, ...]:
    """The facts a finding rests on: the instance, then every path its expressions read.

    Expansions and Fact objects are cached on the document: the same paths recur in
    every instance of a rule and across rules.
    """
    seen: dict[PathKey, Fact] = {}
    paths: list[tuple] = [tuple(concrete) for concrete in bindings.values()]
    for ref in rule.fact_paths:
        if ref.via in bindings:  # the item of this instance: its index for the loop's '[]'
            item = bindings[ref.via]
            paths.append(tuple(item) + ref.parts[len(item) - 1:])
        else:  # a root's chain, or a loop's item where the instance has none: every item
            paths.append((ref.root,) + ref.parts)
    cache = document.fact_cache
    for bound in paths:
        facts = cache.get(bound)
        if facts is None:
            facts = cache[bound] = _expand_facts(document, bound)
        for fact_path, fact in facts:
            seen.setdefault(fact_path, fact)
    return tuple(seen.values())


def _expand_facts(document: OfferDocument, pattern: tuple) -> tuple[tuple[PathKey, Fact], ...]:
    out: list[tuple[PathKey, Fact]] = []
    for path, value in _concrete_values(document, pattern, MAX_FACTS_PER_PATH):
        if value is _MISSING:
            continue
        if isinstance(value, dict) and "id" in value:
            path, value = path + ("id",), value["id"]
        source = None if path[:1] == ("derived",) else str(document.span(path))
        out.append((path, Fact(format_path(path), _json_value(value), source)))
    return tuple(out)


def _concrete_values(document: OfferDocument, pattern: tuple, limit: int
                     ) -> list[tuple[PathKey, Any]]:
    """The first `limit` concrete paths of `pattern` ('[]' = every item), each with its value
    (_MISSING where the document has none). A path counts toward the limit whether or
    not the document has a value there; a wildcard over something that is not a list or
    map gives no path. One walk reads each node once, not once per path below it."""
    derived = pattern[:1] == ("derived",)
    if ANY_ITEM not in pattern:  # one path (most patterns, once bound): no walk to set up
        return [(pattern, document.get(pattern, _MISSING))][:limit]
    out: list[tuple[PathKey, Any]] = []
    if derived:
        _walk(document.derived_cache, ("derived",), 1, pattern, limit, out)
    else:
        _walk(document.values, (), 0, pattern, limit, out)
    return out[:limit]


def _walk(node: Any, path: PathKey, k: int, pattern: tuple, limit: int,
          out: list[tuple[PathKey, Any]]) -> None:
    """_concrete_values' walk from `node` (at `path`, pattern[k:] still to follow). A
    function of its own, not a closure calling itself: that is a reference cycle per walk,
    which only the garbage collector frees."""
    if k == len(pattern):
        out.append((path, node))
        return
    head = pattern[k]
    if head == ANY_ITEM:
        if isinstance(node, list):
            items: Any = enumerate(node)
        elif isinstance(node, dict):
            items = node.items()
        else:
            return
        for key, item in items:
            _walk(item, path + (key,), k + 1, pattern, limit, out)
            if len(out) >= limit:
                return
        return
    try:
        child = node[head]
    except (KeyError, IndexError, TypeError):
        child = _MISSING
    _walk(child, path + (head,), k + 1, pattern, limit, out)


_MISSING = object()
