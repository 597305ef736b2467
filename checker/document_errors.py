"""Why an offer-state document fails its schema: one line per problem, in file order.

Only a document that fails (or is seen for the first time) is validated here; a document
that passed before is known from the validation cache (cache.py), so this module and
jsonschema are imported only when needed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from checker.document import MAX_ERRORS_REPORTED, OFFER_STATE_SCHEMA
from checker.errors import DocumentError, SourceSpan
from checker.schema_index import SchemaIndex, load_schema, schema_index
from checker.yamlsource import LoadedSource, format_path


@lru_cache(maxsize=None)
def _validator() -> Any:
    # Imported here: jsonschema is the heaviest import on the check path.
    from jsonschema import Draft202012Validator

    schema = load_schema(OFFER_STATE_SCHEMA)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


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


KIND_HINTS = {
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
                             f"quoted string such as \"{instance}\" ({KIND_HINTS[kind]})",
                             smap.span_for(path), format_path(path))
    if kind in KIND_HINTS and error.validator in ("type", "pattern", "minimum", "maximum",
                                                   "format", "maxLength"):
        return DocumentError(f"{_short(instance)} is not {KIND_HINTS[kind]}",
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
