"""JSON output; its schema is schemas/findings.schema.json."""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C version when available
from typing import Any, Callable

from checker.report import Report
from checker.reporters import Reporter, register


@register("json")
class JsonReporter(Reporter):
    def render(self, report: Report, *, color: bool = False, width: int = 120) -> str:
        return dumps_indented(report.to_dict()) + "\n"


class _NotPlain(Exception):
    pass


def dumps_indented(value: Any) -> str:
    """Exactly ``json.dumps(value, indent=2, ensure_ascii=False)``, about twice as fast.

    With an indent, the json module encodes in pure Python through generators (11 ms
    for the Dynex report). Plain data (str keys; str, int, bool, None, list, tuple and
    dict values) is written here; anything else (floats, say) goes to json.dumps.
    """
    parts: list[str] = []
    try:
        _encode(value, "\n", parts.append)
    except _NotPlain:
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(parts)


def _encode(value: Any, newline: str, emit: Callable[[str], None]) -> None:
    # The order of the tests is json.encoder's: a str subclass is a str, a bool is not an int.
    if isinstance(value, str):
        emit(encode_basestring(value))
    elif value is None:
        emit("null")
    elif value is True:
        emit("true")
    elif value is False:
        emit("false")
    elif isinstance(value, int):
        emit(int.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            emit("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise _NotPlain
            emit(separator + encode_basestring(key) + ": ")
            separator = "," + inner
            _encode(item, inner, emit)
        emit(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            emit("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            emit(separator)
            separator = "," + inner
            _encode(item, inner, emit)
        emit(newline + "]")
    else:
        raise _NotPlain
