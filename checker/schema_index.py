"""Walks the project's JSON Schemas by path.

The offer-state schema is the one vocabulary shared by the document loader (which
converts values by their ``$defs`` kind: money → Decimal, datetime → aware
datetime, ...) and the rule-pack loader (which refuses CEL expressions that read
fact paths the schema does not define). Both ask this index.

Paths are sequences of property names, with ``[]`` for "any item of a list" or
"any value of a map".
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from checker.resources import schema_path

# The $defs whose values the loader converts; the names are part of the schema contract.
VALUE_KINDS = ("money", "nonnegative_money", "shares", "count", "decimal", "percent",
               "datetime", "date", "id", "text")
ANY_ITEM = "[]"


class SchemaIndex:
    def __init__(self, schema: dict[str, Any]):
        self.schema = schema
        self.defs: dict[str, Any] = schema.get("$defs", {})
        self._kind_by_id = {id(node): name for name, node in self.defs.items()}

    def deref(self, node: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/$defs/"):
                raise ValueError(f"unsupported $ref {ref!r}")
            node = self.defs[ref[len("#/$defs/"):]]
            seen += 1
            if seen > 32:
                raise ValueError("$ref cycle")
        return node

    def kind_of(self, node: dict[str, Any] | None) -> str | None:
        """The value kind (a $defs name in VALUE_KINDS) a schema node stands for."""
        if node is None:
            return None
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            name = ref[len("#/$defs/"):]
            if name in VALUE_KINDS:
                return name
            return self.kind_of(self.defs.get(name))
        kind = self._kind_by_id.get(id(node))
        return kind if kind in VALUE_KINDS else None

    def child(self, node: dict[str, Any], part: str | int) -> dict[str, Any] | None:
        """The schema of node's child `part` (a property name, an index, or ANY_ITEM)."""
        node = self.deref(node)
        if isinstance(part, int) or part == ANY_ITEM:
            if "items" in node:
                return node["items"]
            extra = node.get("additionalProperties")
            if part == ANY_ITEM and isinstance(extra, dict):
                return extra
            return None
        props = node.get("properties", {})
        if part in props:
            return props[part]
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            return extra
        return None

    def lookup(self, parts: Iterable[str | int]) -> dict[str, Any] | None:
        node: dict[str, Any] | None = self.schema
        for part in parts:
            if node is None:
                return None
            node = self.child(node, part)
        return node

    def is_list(self, node: dict[str, Any]) -> bool:
        return "items" in self.deref(node)

    def is_map(self, node: dict[str, Any]) -> bool:
        return isinstance(self.deref(node).get("additionalProperties"), dict)

    def property_names(self, node: dict[str, Any]) -> list[str]:
        return sorted(self.deref(node).get("properties", {}))


@lru_cache(maxsize=None)
def _schema_text(name: str) -> str:
    return Path(schema_path(name)).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    return json.loads(_schema_text(name))


@lru_cache(maxsize=None)
def schema_sha256(name: str) -> str:
    """The schema file's sha256 (it keys the caches: see cache.file_sha256)."""
    from checker.cache import file_sha256

    return file_sha256(Path(schema_path(name)))


@lru_cache(maxsize=None)
def schema_index(name: str = "offer-state.schema.json") -> SchemaIndex:
    return SchemaIndex(load_schema(name))
