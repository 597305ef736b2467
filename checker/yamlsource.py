"""Safe YAML (and JSON) loading that remembers where every value came from.

PyYAML's ``CSafeLoader`` composes the node graph (C speed); we then build plain
Python values ourselves so that we can:

* record the file/line/column of every key and value (findings and SARIF point at them),
* reject duplicate mapping keys (YAML silently keeps the last one: a typo trap),
* bound alias expansion (the "billion laughs" bomb), nesting depth and input size,
* keep YAML timestamps as the strings the user wrote, so the schema and our own
  date checks see exactly that text (PyYAML would otherwise build naive datetimes).

JSON is read through the same path: JSON documents are YAML flow documents.

The PyYAML part lives in yamlparse.py, imported only when bytes are actually parsed:
load_bytes can reuse the parse of identical bytes from an earlier run (cache.py).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from checker import cache
from checker.errors import OfferCheckError, SourceSpan

# Limits. A 50 MB offer-state document is not a real document: it is an attack or a mistake.
MAX_INPUT_BYTES = 8 * 1024 * 1024
# Values built, counting every alias expansion; bounds "billion laughs" style bombs.
MAX_VALUES = 250_000
MAX_DEPTH = 100

PathKey = tuple[str | int, ...]


class SourceMap:
    """Spans of values and of mapping keys, by path (("classes", 0, "sought")).

    The tables may hold (line, column) pairs instead of SourceSpans: a span is made when
    its path is first asked for, since a report points at a few hundred of a document's
    thousands of values. The `values` and `keys` attributes always give SourceSpans.
    """

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by content

    def __init__(self, file: str, values: dict[PathKey, Any] | None = None,
                 keys: dict[PathKey, Any] | None = None):
        self.file = file
        # path -> SourceSpan, or (line, column) until asked for
        self._values: dict[PathKey, Any] = {} if values is None else values
        self._keys: dict[PathKey, Any] = {} if keys is None else keys
        self._pairs_left = True  # until values and keys have been made all SourceSpans

    @property
    def values(self) -> dict[PathKey, SourceSpan]:
        self._all_spans()
        return self._values

    @property
    def keys(self) -> dict[PathKey, SourceSpan]:
        self._all_spans()
        return self._keys

    def _all_spans(self) -> None:
        if self._pairs_left:
            for table in (self._values, self._keys):
                for path, where in table.items():
                    if where.__class__ is tuple:
                        table[path] = SourceSpan(self.file, *where)  # replaces a value: no resize
            self._pairs_left = False

    def _span(self, table: dict[PathKey, Any], path: PathKey) -> SourceSpan:
        where = table[path]
        if where.__class__ is tuple:
            where = table[path] = SourceSpan(self.file, *where)
        return where

    def span_for(self, path: PathKey, prefer_key: bool = False) -> SourceSpan:
        """The span of the value at path, or of its nearest enclosing value."""
        probe = tuple(path)
        while True:
            if prefer_key and probe in self._keys:
                return self._span(self._keys, probe)
            if probe in self._values:
                return self._span(self._values, probe)
            if not probe:
                return SourceSpan(self.file, 1, 1)
            probe = probe[:-1]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, SourceMap)
        return (self.file, self.values, self.keys) == (other.file, other.values, other.keys)

    def __repr__(self) -> str:
        return f"SourceMap(file={self.file!r}, values={self.values!r}, keys={self.keys!r})"


class LoadedSource(NamedTuple):
    path: str
    sha256: str
    data: Any
    source_map: SourceMap


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
    from checker.yamlparse import parse

    data, source_map = parse(decoded, file, error_class)
    return LoadedSource(file, cache.sha256(raw).hexdigest(), data, source_map)


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
    if cache_kind is None or len(raw) > max_bytes or not cache.enabled():
        return load_text(raw, name, error_class, max_bytes)
    sha = cache.sha256(raw).hexdigest()
    key = sha + ":" + _parser_fingerprint()
    stored = cache.load_json(cache_kind, key)
    if isinstance(stored, dict):
        try:
            data = stored["data"]
            return LoadedSource(name, sha, data, _recorded_map(name, data, stored["values"], stored["keys"]))
        except (KeyError, TypeError, ValueError, StopIteration, RecursionError):
            pass  # a damaged record: parse the bytes again
    loaded = load_text(raw, name, error_class, max_bytes)
    from checker.yamlparse import parse_record  # imported by load_text already

    record = parse_record(loaded)
    if record is not None:
        cache.store_json(cache_kind, key, record)
    return loaded


# A parse record holds the data and, for the source map, only lines and columns: the
# paths are those of the data's values and mapping keys, in document order (the order
# the parser met them), so they are walked again rather than stored (a third of the size).
# yamlparse.parse_record makes it, after a parse (a run that reads records never needs it).

def _recorded_map(name: str, data: Any, values: list[int], keys: list[int]) -> SourceMap:
    """The source map of a parse record (see yamlparse._positions); raises on a damaged one."""
    value_at: dict[PathKey, tuple[int, int]] = {}
    key_at: dict[PathKey, tuple[int, int]] = {}
    next_value = iter(values).__next__
    next_key = iter(keys).__next__

    def walk(value: Any, path: PathKey) -> None:
        value_at[path] = (next_value(), next_value())
        if value.__class__ is dict:
            for k, item in value.items():
                child = path + (k,)
                key_at[child] = (next_key(), next_key())
                walk(item, child)
        elif value.__class__ is list:
            for i, item in enumerate(value):
                walk(item, path + (i,))

    walk(data, ())
    if 2 * len(value_at) != len(values) or 2 * len(key_at) != len(keys) or \
            not all(n.__class__ is int for n in values) or not all(n.__class__ is int for n in keys):
        raise ValueError("not the positions of this data")
    return SourceMap(name, value_at, key_at)


@lru_cache(maxsize=1)
def _parser_fingerprint() -> str:
    """What a parse depends on besides the bytes: the parser's code and the PyYAML install.

    The code is this module and yamlparse.py (the builder, the record format). PyYAML is
    identified by where its __init__.py is and its size and mtime (an upgrade rewrites it),
    without importing it: not importing PyYAML is what the cache is for."""
    import importlib.util
    import os

    digest = cache.sha256()
    here = Path(__file__).resolve().parent
    for name in ("yamlsource.py", "yamlparse.py"):
        digest.update((here / name).read_bytes())
    spec = importlib.util.find_spec("yaml")
    origin = spec.origin if spec is not None and spec.origin else ""
    if origin:
        st = os.stat(origin)
        digest.update(f"{origin}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()
