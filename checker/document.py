"""Offer-state documents: load (safe YAML with line marks), validate, convert.

After loading, values are exact Python types chosen by the schema's ``$defs``:
money/decimal/percent → ``Decimal``, shares/count → ``int``, datetime → aware
``datetime`` (New York unless an offset is written), date → ``date``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from checker.errors import DocumentError, SourceSpan
from checker.schema_index import SchemaIndex, load_schema, schema_index, schema_sha256
from checker.yamlsource import LoadedSource, PathKey, format_path, load_file, load_text

DEFAULT_TIMEZONE = "America/New_York"
OFFER_STATE_SCHEMA = "offer-state.schema.json"
MAX_ERRORS_REPORTED = 20

_DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})?$")


@dataclass
class OfferDocument:
    """One offer at one moment: converted values plus where each came from."""

    path: str
    sha256: str
    values: dict[str, Any]
    source: LoadedSource
    timezone: ZoneInfo
    cel_views: dict[frozenset[str], dict[str, Any]] = field(default_factory=dict, repr=False)
    derived_cache: dict[str, Any] = field(default_factory=dict, repr=False)
    fact_cache: dict[tuple, Any] = field(default_factory=dict, repr=False)

    def span(self, path: PathKey) -> SourceSpan:
        return self.source.source_map.span_for(path)

    def get(self, path: PathKey, default: Any = None) -> Any:
        """The value at path; paths under "derived" read the calculators' results."""
        node: Any = self.derived_cache if path[:1] == ("derived",) else self.values
        if path[:1] == ("derived",):
            path = path[1:]
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return default
        return node


@lru_cache(maxsize=None)
def _validator() -> Any:
    # Imported here: jsonschema is the heaviest import on the check path.
    from jsonschema import Draft202012Validator

    schema = load_schema(OFFER_STATE_SCHEMA)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


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
    return OfferDocument(path, loaded.sha256, values, loaded, timezone)


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
    """Schema errors as one-line DocumentErrors, in file order."""
    if not isinstance(loaded.data, dict):
        return [DocumentError("an offer-state document is a mapping with 'schema_version' and "
                              "'offer' at the top", SourceSpan(loaded.path, 1, 1))]
    index = schema_index(OFFER_STATE_SCHEMA)
    out: list[DocumentError] = []
    for error in _validator().iter_errors(loaded.data):
        out.append(_explain(error, loaded, index))
    out.sort(key=lambda e: (e.span.line, e.span.column) if e.span else (0, 0))
    return out[:MAX_ERRORS_REPORTED]


_KIND_HINTS = {
    "money": "an exact dollar amount: a string like \"24.50\" or an integer",
    "nonnegative_money": "a non-negative exact dollar amount: a string like \"24.50\" or an integer",
    "decimal": "an exact decimal: a string like \"1.05\" or an integer",
    "percent": "percent points as a string like \"9.50\" (9.50%) or an integer",
    "datetime": "a date-time like 2003-02-11T17:00:00-05:00",
    "date": "a date like 2003-02-11",
    "shares": "a whole number of shares between 0 and 10^15",
    "count": "a whole, non-negative number",
    "id": "an identifier: letters, digits, '.', '_' or '-' (max 64), starting with a letter or digit",
}


def _explain(error: Any, loaded: LoadedSource, index: SchemaIndex) -> DocumentError:
    path = tuple(error.absolute_path)
    smap = loaded.source_map
    kind = index.kind_of(error.schema) if isinstance(error.schema, dict) else None
    if kind is None and error.validator in ("type", "pattern", "minimum", "maximum"):
        kind = index.kind_of(index.lookup(path)) if path else None
    instance = error.instance
    if error.validator == "additionalProperties":
        extra = sorted(set(instance) - set(error.schema.get("properties", {})))
        key = extra[0] if extra else None
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        span = smap.span_for(path + (key,), prefer_key=True) if key else smap.span_for(path)
        return DocumentError(f"unknown key {key!r}; allowed here: {allowed}", span,
                             format_path(path + ((key,) if key else ())))
    if error.validator == "required":
        return DocumentError(error.message.replace("is a required property",
                                                   "is required here"),
                             smap.span_for(path), format_path(path) or "(top level)")
    if isinstance(instance, float) and kind in ("money", "nonnegative_money", "decimal", "percent"):
        return DocumentError(f"{instance!r} is a float; floats are inexact, write it as a "
                             f"quoted string such as \"{instance}\" ({_KIND_HINTS[kind]})",
                             smap.span_for(path), format_path(path))
    if kind in _KIND_HINTS and error.validator in ("type", "pattern", "minimum", "maximum",
                                                   "format", "maxLength"):
        return DocumentError(f"{_short(instance)} is not {_KIND_HINTS[kind]}",
                             smap.span_for(path), format_path(path))
    if error.validator == "maxItems":
        return DocumentError(f"a list of {len(instance):,} items; at most {error.validator_value:,} "
                             "are allowed here (the limit keeps every check fast)",
                             smap.span_for(path), format_path(path))
    if error.validator == "enum":
        options = ", ".join(repr(o) for o in error.validator_value)
        return DocumentError(f"{_short(instance)} is not one of {options}",
                             smap.span_for(path), format_path(path))
    return DocumentError(error.message if len(error.message) < 300 else error.message[:300] + "…",
                         smap.span_for(path), format_path(path) or None)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
                                  f" ({_KIND_HINTS.get(kind, kind)})")
        if kind in ("money", "nonnegative_money", "decimal", "percent"):
            try:
                return Decimal(value) if isinstance(value, (str, int)) else value
            except InvalidOperation:  # the schema pattern makes this unreachable; belt and braces
                raise self.fail(path, f"{value!r} is not {_KIND_HINTS[kind]}") from None
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
            raise self.fail(path, f"{value!r} is not {_KIND_HINTS['datetime']}")
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
