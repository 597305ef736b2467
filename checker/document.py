"""Offer-state documents: load (safe YAML with line marks), validate, convert.

After loading, values are exact Python types chosen by the schema's ``$defs``:
money/decimal/percent → ``Decimal``, shares/count → ``int``, datetime → aware
``datetime`` (New York unless an offset is written), date → ``date``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from checker.errors import DocumentError, SourceSpan
from checker.schema_index import SchemaIndex, schema_index, schema_sha256
from checker.yamlsource import LoadedSource, PathKey, SourceMap, format_path, load_file, load_text

DEFAULT_TIMEZONE = "America/New_York"
OFFER_STATE_SCHEMA = "offer-state.schema.json"
MAX_ERRORS_REPORTED = 20

_DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})?$")


class OfferDocument:
    """One offer at one moment: converted values plus where each came from.

    The parse the values were converted from is not kept: only its source map. A run
    over many documents keeps each one, and a second copy of every list and map would
    double what the garbage collector walks.
    """

    __slots__ = ("path", "sha256", "values", "source_map", "timezone", "cel_views",
                 "derived_cache", "fact_cache")

    def __init__(self, path: str, sha256: str, values: dict[str, Any], source_map: SourceMap,
                 timezone: ZoneInfo):
        self.path = path
        self.sha256 = sha256
        self.values = values
        self.source_map = source_map
        self.timezone = timezone
        # Per-document memos of the engine: converted views, calculators' results, facts.
        self.cel_views: dict[frozenset[str], dict[str, Any]] = {}
        self.derived_cache: dict[str, Any] = {}
        self.fact_cache: dict[tuple, Any] = {}

    def __repr__(self) -> str:
        return f"OfferDocument({self.path!r}, sha256={self.sha256[:12]!r})"

    def span(self, path: PathKey) -> SourceSpan:
        return self.source_map.span_for(path)

    def get(self, path: PathKey, default: Any = None) -> Any:
        """The value at path; paths under "derived" read the calculators' results."""
        node: Any = self.values
        if path and path[0] == "derived":
            node, path = self.derived_cache, path[1:]
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return default
        return node


def load_document(path: str, *, text: str | bytes | None = None) -> OfferDocument:
    """Load, validate and convert one offer-state document; raise DocumentError."""
    # A file's parse is reused from an earlier run of the same bytes (yamlsource.load_bytes):
    # a document checked again and again need not be parsed again and again.
    loaded = load_text(text, path, DocumentError) if text is not None else \
        load_file(path, DocumentError, cache_kind="offer-state-parse")
    return document_from_source(loaded)


def document_from_source(loaded: LoadedSource) -> OfferDocument:
    """Validate and convert already-parsed YAML (a file, or a rule test's facts)."""
    path = loaded.path
    from checker import cache

    schema_sha = schema_sha256(OFFER_STATE_SCHEMA)
    if cache.known_valid("offer-state", schema_sha, loaded.sha256):
        errors: list[DocumentError] = []
    else:
        errors = validation_errors(loaded)
        if not errors:
            cache.remember_valid("offer-state", schema_sha, loaded.sha256)
    if errors:
        raise errors[0] if len(errors) == 1 else DocumentErrors(errors)
    timezone = _document_timezone(loaded)
    values = _Converter(loaded, timezone, schema_index(OFFER_STATE_SCHEMA)).convert()
    return OfferDocument(path, loaded.sha256, values, loaded.source_map, timezone)


class DocumentErrors(DocumentError):
    """Several independent problems in one document, each one line."""

    def __init__(self, errors: list[DocumentError]):
        super().__init__(errors[0].message, errors[0].span, errors[0].path)
        self.errors = errors

    def lines(self) -> list[str]:
        return [str(e) for e in self.errors]

    def __str__(self) -> str:
        return str(self.errors[0]) + (f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else "")


def validation_errors(loaded: LoadedSource) -> list[DocumentError]:
    """Schema errors as one-line DocumentErrors, in file order (see document_errors.py)."""
    from checker.document_errors import validation_errors

    return validation_errors(loaded)


def _hint(kind: str) -> str:
    """How to write a value of this kind, for an error message (rare: kept out of the import)."""
    from checker.document_errors import KIND_HINTS

    return KIND_HINTS.get(kind, kind)


def _document_timezone(loaded: LoadedSource) -> ZoneInfo:
    offer = loaded.data.get("offer") or {}
    name = offer.get("timezone", DEFAULT_TIMEZONE)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DocumentError(f"unknown time zone {name!r} (use an IANA name such as "
                            f"America/New_York)", loaded.source_map.span_for(("offer", "timezone")),
                            "offer.timezone") from None


class _Converter:
    """Walks the document with its schema and turns strings into exact values."""

    def __init__(self, loaded: LoadedSource, timezone: ZoneInfo, index: SchemaIndex):
        self.loaded = loaded
        self.timezone = timezone
        self.index = index
        offer = loaded.data.get("offer") or {}
        self.timezone_explicit = "timezone" in offer

    def convert(self) -> dict[str, Any]:
        return self.walk(self.loaded.data, self.index.schema, ())

    def fail(self, path: PathKey, message: str) -> DocumentError:
        return DocumentError(message, self.loaded.source_map.span_for(path), format_path(path))

    def walk(self, value: Any, schema: dict[str, Any] | None, path: PathKey) -> Any:
        kind = self.index.kind_of(schema)
        if kind is not None:
            return self.scalar(kind, value, path)
        if isinstance(value, dict):
            return {k: self.walk(v, self.index.child(schema, k) if schema else None, path + (k,))
                    for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v, self.index.child(schema, i) if schema else None, path + (i,))
                    for i, v in enumerate(value)]
        return value

    def scalar(self, kind: str, value: Any, path: PathKey) -> Any:
        if isinstance(value, float):
            # JSON Schema counts 4000000.0 as an integer; we do not: it was written as a
            # float, and floats are how money goes wrong.
            raise self.fail(path, f"{value!r} is a float; write it as "
                                  f"{'an integer' if kind in ('shares', 'count') else 'a quoted string'}"
                                  f" ({_hint(kind)})")
        if kind in ("money", "nonnegative_money", "decimal", "percent"):
            try:
                return Decimal(value) if isinstance(value, (str, int)) else value
            except InvalidOperation:  # the schema pattern makes this unreachable; belt and braces
                raise self.fail(path, f"{value!r} is not {_hint(kind)}") from None
        if kind == "date":
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise self.fail(path, f"{value!r} is not a real calendar date") from None
        if kind == "datetime":
            return self.datetime(value, path)
        return value

    def datetime(self, value: str, path: PathKey) -> dt.datetime:
        m = _DATETIME_RE.match(value)
        if not m:
            raise self.fail(path, f"{value!r} is not {_hint('datetime')}")
        year, month, day, hour, minute = (int(g) for g in m.groups()[:5])
        second = int(m.group(6) or 0)
        micro = int((m.group(7) or "0").ljust(6, "0"))
        try:
            naive = dt.datetime(year, month, day, hour, minute, second, micro)
        except ValueError as exc:
            raise self.fail(path, f"{value!r} is not a real date-time ({exc})") from None
        offset = m.group(8)
        if offset is None:
            if not self.timezone_explicit:
                raise self.fail(path, f"{value!r} has no UTC offset; write one (e.g. -05:00 for "
                                      f"New York standard time) or set offer.timezone")
            aware = naive.replace(tzinfo=self.timezone)
            # A wall-clock time that does not exist (spring-forward gap) or exists twice
            # (fall-back) is ambiguous for a legal deadline: refuse it.
            round_trip = aware.astimezone(dt.timezone.utc).astimezone(self.timezone)
            if round_trip.replace(tzinfo=None) != naive:
                raise self.fail(path, f"{value!r} does not exist in {self.timezone.key} "
                                      f"(daylight-saving gap); write an explicit offset")
            if naive.replace(fold=1).replace(tzinfo=self.timezone).utcoffset() != aware.utcoffset():
                raise self.fail(path, f"{value!r} is ambiguous in {self.timezone.key} "
                                      f"(daylight-saving overlap); write an explicit offset")
            return aware
        if offset == "Z":
            tz = dt.timezone.utc
        else:
            sign = 1 if offset[0] == "+" else -1
            hours, minutes = int(offset[1:3]), int(offset[4:6])
            if hours > 23 or minutes > 59:
                raise self.fail(path, f"{value!r} has an impossible UTC offset")
            tz = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
        return naive.replace(tzinfo=tz)


def load_document_text(text: str, name: str = "<string>") -> OfferDocument:
    return load_document(name, text=text)
