"""The facts as CEL sees them: converted, trimmed to what the rules can read, on demand.

Converting facts into CEL values costs time in proportion to their size, and offer
documents carry much prose (quotes, citations) no rule reads. Objects with fixed
properties keep only keys some expression names; data maps (keys chosen by the
document) and lists are kept whole. Object-valued sections the document omits read
as empty maps, so that ``has(settings.rounding)`` is simply false; reading a field of
one is still a missing fact. Omitted list sections stay absent: reading one is a
missing fact.

FactView converts only the subtrees asked for (the engine asks for the paths its
aliases read, see cel_aliases); `whole()` gives every section, as the original
programs read them, and is built only if one of them has to run.
"""

from __future__ import annotations

from typing import Any

from checker.document import OfferDocument
from checker.expr import cel_value
from checker.schema_index import SchemaIndex

ABSENT = object()  # no value at that path


class FactView:
    def __init__(self, document: OfferDocument, trimmer: Trimmer, derived: dict[str, Any]):
        self.document = document
        self.trimmer = trimmer
        self.names = trimmer.names
        self.derived = derived  # the calculators' raw output
        self.index = trimmer.index

    def value(self, parts: tuple[str, ...]) -> Any:
        """The CEL value at a path (its first part a section or "derived"), or ABSENT."""
        node, schema = self._node(parts)
        if node is ABSENT:
            return ABSENT
        return cel_value(node) if parts[0] == "derived" else self.trimmer.trim(node, schema)

    def raw(self, parts: tuple[str, ...]) -> Any:
        """The fact at a path as the document (or a calculator) holds it, or ABSENT: a map or
        list as it is, untrimmed and unconverted, for the programs translated to Python
        (cel_python, with `kept`), which convert what they read; a single value converted."""
        node, _ = self._node(parts)
        if node is ABSENT or type(node) in _AS_IS or type(node) in (dict, list):
            return node
        return cel_value(node)

    def item(self, parts: tuple[str, ...], at: int) -> tuple[int, Any] | Any:
        """(the list's length, its item `at` as CEL sees it) for the list at a path, or ABSENT:
        what value(parts)[at] would give, converting only that item."""
        node, schema = self._node(parts)
        if type(node) is not list or not 0 <= at < len(node):
            return ABSENT
        # A derived list has no schema (see _node): trimming without one is cel_value.
        return len(node), self.trimmer.trim(node[at], self.trimmer.child(schema, at))

    def present(self, parts: tuple[str, ...], field: str) -> Any:
        """{field: True} if the object at `parts` has `field`, {} if not, ABSENT if no object."""
        node, _ = self._node(parts)
        if not isinstance(node, dict):
            return ABSENT
        return {field: True} if field in node else {}

    def whole(self) -> dict[str, Any]:
        """Every section (and "derived"), converted: what the original programs read."""
        document = self.document
        view = document.cel_views.get(self.names)
        if view is None:
            index = self.index
            view = self.trimmer.trim(document.values, index.schema)
            for name in index.property_names(index.schema):
                if name not in view and _is_object(index, index.child(index.schema, name)):
                    view[name] = {}
            document.cel_views[self.names] = view
        out = dict(view)
        out["derived"] = cel_value(self.derived)
        return out

    def _node(self, parts: tuple[str, ...]) -> tuple[Any, dict[str, Any] | None]:
        index, trimmer = self.index, self.trimmer
        if parts[0] == "derived":
            node: Any = self.derived
            schema = None
        else:
            node = self.document.values
            schema = index.schema
            if parts[0] not in node and _is_object(index, index.child(schema, parts[0])):
                node = {parts[0]: {}}  # an omitted object section reads as {}
        for part in parts[1:] if parts[0] == "derived" else parts:
            if not isinstance(node, dict) or part not in node:
                return ABSENT, None
            node = node[part]
            schema = trimmer.child(schema, part)
        return node, schema


def _is_object(index: SchemaIndex, node: dict[str, Any] | None) -> bool:
    return node is not None and "properties" in index.deref(node)


class Trimmer:
    """Converts facts to CEL values, keeping in fixed-property objects only the names the
    rules read ("id" always). Made once per rule selection; it remembers what it learns
    of each schema node, since every document walks the same nodes."""

    def __init__(self, index: SchemaIndex, names: frozenset[str] | None):
        self.index = index
        self.names = names
        self._nodes: dict[int, tuple[dict[str, Any] | None, dict[str, Any], Any, Any]] = {}

    def _node(self, schema: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any], Any, Any]:
        """(kept, properties, item schema, schema of other keys) of a node; for an object
        with fixed properties, `kept` maps each name it keeps (every name a rule reads, and
        "id") to that property's schema, so that trimming asks one question per key."""
        found = self._nodes.get(id(schema))
        if found is None:
            node = self.index.deref(schema)
            extra = node.get("additionalProperties")
            extra = extra if isinstance(extra, dict) else None
            props = node.get("properties", {})
            kept = None
            if "properties" in node and extra is None and self.names is not None:
                kept = {name: props.get(name) for name in self.names | {"id"}}
            found = self._nodes[id(schema)] = (kept, props, node.get("items"), extra)
        return found

    def child(self, schema: dict[str, Any] | None, part: str | int) -> dict[str, Any] | None:
        """SchemaIndex.child, remembered."""
        if schema is None:
            return None
        _, props, items, extra = self._node(schema)
        if isinstance(part, int):
            return items
        return props.get(part, extra)

    def trim(self, value: Any, schema: dict[str, Any] | None) -> Any:
        # Most nodes are strings, ints and booleans, which CEL takes as they are: they are
        # passed through here rather than by a call each (this runs per node per document).
        if type(value) in _AS_IS:
            return value
        if isinstance(value, dict):
            if schema is None:
                return cel_value(value)
            kept, props, _, extra = self._node(schema)
            trim = self.trim
            if kept is not None:
                return {k: v if type(v) in _AS_IS else trim(v, kept[k])
                        for k, v in value.items() if k in kept}
            return {k: v if type(v) in _AS_IS else trim(v, props.get(k, extra))
                    for k, v in value.items()}
        if isinstance(value, list):
            if schema is None:
                return cel_value(value)
            item = self._node(schema)[2]
            return [v if type(v) in _AS_IS else self.trim(v, item) for v in value]
        return cel_value(value)


_AS_IS = frozenset({str, int, bool, type(None)})
