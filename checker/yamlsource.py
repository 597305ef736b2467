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

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from checker import cache
from checker.errors import OfferCheckError, SourceSpan

# Limits. A 50 MB offer-state document is not a real document: it is an attack or a mistake.
MAX_INPUT_BYTES = 8 * 1024 * 1024
# Values built, counting every alias expansion; bounds "billion laughs" style bombs.
MAX_VALUES = 250_000
MAX_DEPTH = 100

PathKey = tuple[str | int, ...]


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
            smap = SourceMap(name,
                             {tuple(p): SourceSpan(name, line, col) for p, line, col in stored["values"]},
                             {tuple(p): SourceSpan(name, line, col) for p, line, col in stored["keys"]})
            return LoadedSource(name, sha, stored["data"], smap)
        except (KeyError, TypeError, ValueError):
            pass  # a damaged record: parse the bytes again
    loaded = load_text(raw, name, error_class, max_bytes)
    # Only values that JSON gives back exactly are recorded (a !!binary scalar's bytes are
    # not): a parse read from the cache is the parse of the file, always.
    if _json_exact(loaded.data):
        cache.store_json(cache_kind, key, {
            "data": loaded.data,
            "values": [[list(p), s.line, s.column] for p, s in loaded.source_map.values.items()],
            "keys": [[list(p), s.line, s.column] for p, s in loaded.source_map.keys.items()],
        })
    return loaded


@lru_cache(maxsize=1)
def _parser_fingerprint() -> str:
    """What a parse depends on besides the bytes: this package's code and the PyYAML install.

    PyYAML is identified by where its __init__.py is and its size and mtime (an upgrade
    rewrites it), without importing it: not importing PyYAML is what the cache is for."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("yaml")
    origin = spec.origin if spec is not None and spec.origin else ""
    stamp = ""
    if origin:
        st = os.stat(origin)
        stamp = f"{origin}:{st.st_size}:{st.st_mtime_ns}"
    return cache.source_fingerprint(Path(__file__).resolve().parent) + ":" + stamp


def _json_exact(value: Any) -> bool:
    """True if json.loads(json.dumps(value)) gives back the same types and values."""
    if value is None or isinstance(value, (str, int, float)):  # bool is an int
        return True
    if type(value) is list:
        return all(_json_exact(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _json_exact(v) for k, v in value.items())
    return False
