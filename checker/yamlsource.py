"""Safe YAML (and JSON) loading that remembers where every value came from.

PyYAML's ``CSafeLoader`` composes the node graph (C speed); we then build plain
Python values ourselves so that we can:

* record the file/line/column of every key and value (findings and SARIF point at them),
* reject duplicate mapping keys (YAML silently keeps the last one: a typo trap),
* bound alias expansion (the "billion laughs" bomb), nesting depth and input size,
* keep YAML timestamps as the strings the user wrote, so the schema and our own
  date checks see exactly that text (PyYAML would otherwise build naive datetimes).

JSON is read through the same path: JSON documents are YAML flow documents.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from checker.errors import OfferCheckError, SourceSpan

try:  # the C loader is much faster; fall back only where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml ships with PyYAML wheels
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# Limits. A 50 MB offer-state document is not a real document: it is an attack or a mistake.
MAX_INPUT_BYTES = 8 * 1024 * 1024
# Values built, counting every alias expansion; bounds "billion laughs" style bombs.
MAX_VALUES = 250_000
MAX_DEPTH = 100

PathKey = tuple[str | int, ...]

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SCALAR_BUILDER = yaml.constructor.SafeConstructor()


@dataclass
class SourceMap:
    """Spans of values and of mapping keys, by path (("classes", 0, "sought"))."""

    file: str
    values: dict[PathKey, SourceSpan] = field(default_factory=dict)
    keys: dict[PathKey, SourceSpan] = field(default_factory=dict)

    def span_for(self, path: PathKey, prefer_key: bool = False) -> SourceSpan:
        """The span of the value at path, or of its nearest enclosing value."""
        probe = tuple(path)
        while True:
            if prefer_key and probe in self.keys:
                return self.keys[probe]
            if probe in self.values:
                return self.values[probe]
            if not probe:
                return SourceSpan(self.file, 1, 1)
            probe = probe[:-1]


@dataclass
class LoadedSource:
    path: str
    sha256: str
    data: Any
    source_map: SourceMap


def _span(file: str, node: yaml.Node) -> SourceSpan:
    return SourceSpan(file, node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, file: str, error_class: type[OfferCheckError]):
        self.file = file
        self.error_class = error_class
        self.count = 0
        self.source_map = SourceMap(file)

    def fail(self, node: yaml.Node, message: str, path: PathKey = ()) -> OfferCheckError:
        return self.error_class(message, _span(self.file, node), format_path(path) or None)

    def build(self, node: yaml.Node, path: PathKey, depth: int, active: set[int]) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.fail(node, f"document expands to more than {MAX_VALUES:,} values "
                                  "(YAML aliases nested too deeply?); refusing to load it", path)
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nesting deeper than {MAX_DEPTH} levels", path)
        self.source_map.values.setdefault(path, _span(self.file, node))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if id(node) in active:
            raise self.fail(node, "recursive YAML alias", path)
        active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, path + (i,), depth + 1, active)
                        for i, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path, depth, active)
        finally:
            active.discard(id(node))
        raise self.fail(node, f"unsupported YAML node {node.tag}", path)  # pragma: no cover

    def scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        if node.tag in (_TIMESTAMP_TAG, _STR_TAG):
            return node.value  # keep dates as written; the schema and loader check them
        if not node.tag.startswith("tag:yaml.org,2002:"):
            raise self.fail(node, f"YAML tag {node.tag!r} is not allowed", path)
        try:
            return _SCALAR_BUILDER.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise self.fail(node, f"bad YAML scalar: {exc.problem or exc}", path) from None

    def mapping(self, node: yaml.MappingNode, path: PathKey, depth: int, active: set[int]) -> dict:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                raise self.fail(key_node, "YAML merge keys ('<<') are not supported; "
                                          "write the keys out", path)
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, "mapping keys must be plain strings", path)
            key = key_node.value if key_node.tag in (_STR_TAG, _TIMESTAMP_TAG) else \
                str(self.scalar(key_node, path))
            if key in out:
                first = self.source_map.keys[path + (key,)]
                raise self.fail(key_node, f"duplicate key {key!r} (first defined at line "
                                          f"{first.line})", path + (key,))
            self.source_map.keys[path + (key,)] = _span(self.file, key_node)
            out[key] = self.build(value_node, path + (key,), depth + 1, active)
        return out


def format_path(path: PathKey) -> str:
    """("classes", 0, "sought") -> "classes[0].sought"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load_text(text: bytes | str, file: str,
              error_class: type[OfferCheckError] = OfferCheckError,
              max_bytes: int = MAX_INPUT_BYTES) -> LoadedSource:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    if len(raw) > max_bytes:
        raise error_class(f"file is {len(raw):,} bytes; the limit is {max_bytes:,} bytes",
                          SourceSpan(file, 1, 1))
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error_class(f"not UTF-8 text (byte {exc.start})", SourceSpan(file, 1, 1)) from None
    loader = _Loader(decoded)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        span = SourceSpan(file, mark.line + 1, mark.column + 1) if mark else SourceSpan(file, 1, 1)
        raise error_class(f"malformed YAML: {exc.problem or exc.context}", span) from None
    except yaml.YAMLError as exc:
        raise error_class(f"malformed YAML: {exc}", SourceSpan(file, 1, 1)) from None
    finally:
        loader.dispose()
    builder = _Builder(file, error_class)
    data = None if node is None else builder.build(node, (), 0, set())
    return LoadedSource(file, hashlib.sha256(raw).hexdigest(), data, builder.source_map)


def load_file(path: str | Path, error_class: type[OfferCheckError] = OfferCheckError,
              max_bytes: int = MAX_INPUT_BYTES, cache_kind: str | None = None) -> LoadedSource:
    """Load a YAML/JSON file. With cache_kind, reuse the parse of identical content
    from an earlier run (rule packs: parsing their test facts dominates load time)."""
    raw = read_file(path, error_class, max_bytes)
    return load_bytes(raw, str(path), error_class, max_bytes, cache_kind)


def read_file(path: str | Path, error_class: type[OfferCheckError] = OfferCheckError,
              max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The file's bytes, or a one-line error (missing, a directory, unreadable, too big)."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:  # refuse before reading 50 MB into memory
            raise error_class(f"file is {size:,} bytes; the limit is {max_bytes:,} bytes",
                              SourceSpan(name, 1, 1))
        return p.read_bytes()
    except FileNotFoundError:
        raise error_class("no such file", SourceSpan(name, 1, 1)) from None
    except IsADirectoryError:
        raise error_class("is a directory, not a file", SourceSpan(name, 1, 1)) from None
    except PermissionError:
        raise error_class("permission denied", SourceSpan(name, 1, 1)) from None


def load_bytes(raw: bytes, name: str, error_class: type[OfferCheckError] = OfferCheckError,
               max_bytes: int = MAX_INPUT_BYTES, cache_kind: str | None = None) -> LoadedSource:
    """Parse bytes read by read_file (see load_file)."""
    if cache_kind is None:
        return load_text(raw, name, error_class, max_bytes)
    from checker import cache

    sha = hashlib.sha256(raw).hexdigest()
    stored = cache.load_json(cache_kind, sha)
    if isinstance(stored, dict) and "data" in stored:
        smap = SourceMap(name,
                         {tuple(p): SourceSpan(name, line, col) for p, line, col in stored["values"]},
                         {tuple(p): SourceSpan(name, line, col) for p, line, col in stored["keys"]})
        return LoadedSource(name, sha, stored["data"], smap)
    loaded = load_text(raw, name, error_class, max_bytes)
    cache.store_json(cache_kind, sha, {
        "data": loaded.data,
        "values": [[list(p), s.line, s.column] for p, s in loaded.source_map.values.items()],
        "keys": [[list(p), s.line, s.column] for p, s in loaded.source_map.keys.items()],
    })
    return loaded
