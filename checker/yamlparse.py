"""The YAML half of yamlsource: compose with PyYAML, then build values with their spans;
and the parse cache's record of what was built.

Kept apart so that a run whose inputs are all in the parse cache (see
yamlsource.load_bytes) neither imports PyYAML (~10 ms) nor compiles this module.
"""

from __future__ import annotations

from typing import Any

import yaml

from checker.errors import OfferCheckError, SourceSpan
from checker.yamlsource import MAX_DEPTH, MAX_VALUES, LoadedSource, PathKey, SourceMap, format_path

try:  # the C loader is much faster; fall back only where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml ships with PyYAML wheels
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SCALAR_BUILDER = yaml.constructor.SafeConstructor()


def _span(file: str, node: yaml.Node) -> SourceSpan:
    return SourceSpan(file, node.start_mark.line + 1, node.start_mark.column + 1)


def _position(node: yaml.Node) -> tuple[int, int]:
    """1-based line and column; the SourceMap makes a span of it when asked for."""
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self, file: str, error_class: type[OfferCheckError]):
        self.file = file
        self.error_class = error_class
        self.count = 0
        self.values: dict[PathKey, tuple[int, int]] = {}
        self.keys: dict[PathKey, tuple[int, int]] = {}

    def fail(self, node: yaml.Node, message: str, path: PathKey = ()) -> OfferCheckError:
        return self.error_class(message, _span(self.file, node), format_path(path) or None)

    def build(self, node: yaml.Node, path: PathKey, depth: int, active: set[int]) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.fail(node, f"document expands to more than {MAX_VALUES:,} values "
                                  "(YAML aliases nested too deeply?); refusing to load it", path)
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nesting deeper than {MAX_DEPTH} levels", path)
        self.values.setdefault(path, _position(node))
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
                first_line = self.keys[path + (key,)][0]
                raise self.fail(key_node, f"duplicate key {key!r} (first defined at line "
                                          f"{first_line})", path + (key,))
            self.keys[path + (key,)] = _position(key_node)
            out[key] = self.build(value_node, path + (key,), depth + 1, active)
        return out


def parse(decoded: str, file: str, error_class: type[OfferCheckError]) -> tuple[Any, SourceMap]:
    """The values of one YAML document and their source map; a one-line error if malformed."""
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
    return data, SourceMap(file, builder.values, builder.keys)


# ---------------------------------------------------------------- the parse record
# What yamlsource.load_bytes stores after a parse, and yamlsource._recorded_map reads back.

def parse_record(loaded: LoadedSource) -> dict[str, Any] | None:
    """The parse cache's record of `loaded`, or None if it cannot be recorded exactly.

    Only values that JSON gives back exactly are recorded (a !!binary scalar's bytes are
    not): a parse read from the cache is the parse of the file, always."""
    if not _json_exact(loaded.data):
        return None
    positions = _positions(loaded.data, loaded.source_map)
    if positions is None:
        return None
    return {"data": loaded.data, "values": positions[0], "keys": positions[1]}


def _positions(data: Any, source_map: SourceMap) -> tuple[list[int], list[int]] | None:
    """Line, column of every value, and of every mapping key, flat, in document order."""
    values: list[int] = []
    keys: list[int] = []

    def line_column(where: SourceSpan | tuple[int, int]) -> tuple[int, int]:
        return where if isinstance(where, tuple) else (where.line, where.column)

    def walk(value: Any, path: PathKey) -> None:
        values.extend(line_column(source_map._values[path]))
        if value.__class__ is dict:
            for k, item in value.items():
                child = path + (k,)
                keys.extend(line_column(source_map._keys[child]))
                walk(item, child)
        elif value.__class__ is list:
            for i, item in enumerate(value):
                walk(item, path + (i,))

    try:
        walk(data, ())
    except KeyError:
        return None  # not a map of this data: record nothing
    if len(values) != 2 * len(source_map._values) or len(keys) != 2 * len(source_map._keys):
        return None
    return values, keys


def _json_exact(value: Any) -> bool:
    """True if json.loads(json.dumps(value)) gives back the same types and values."""
    if value is None or isinstance(value, (str, int, float)):  # bool is an int
        return True
    if type(value) is list:
        return all(_json_exact(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _json_exact(v) for k, v in value.items())
    return False
