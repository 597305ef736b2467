"""Offer-state documents: exact values by schema kind, spans, and refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from checker.document import DocumentErrors, load_document, load_document_text
from checker.errors import DocumentError

BASE = "schema_version: 1\noffer:\n  id: x\n"


def test_values_are_converted_by_schema_kind():
    doc = load_document_text(BASE + """\
  as_of: 2003-01-08T00:01:00-05:00
classes:
  - {id: A, outstanding: 992038, original_issue_price: "24.00", outstanding_as_of: 2003-01-02}
consideration:
  options: [{id: A-cash, class: A, kind: cash, price_per_share: 24, max_shares: 1}]
""")
    cls = doc.values["classes"][0]
    assert cls["original_issue_price"] == Decimal("24.00") and isinstance(cls["outstanding"], int)
    assert cls["outstanding_as_of"] == dt.date(2003, 1, 2)
    assert doc.values["consideration"]["options"][0]["price_per_share"] == Decimal(24)
    as_of = doc.values["offer"]["as_of"]
    assert as_of.utcoffset() == dt.timedelta(hours=-5) and as_of.hour == 0 and as_of.minute == 1


def test_naive_datetimes_use_the_declared_timezone_with_dst():
    doc = load_document_text(BASE + "  timezone: America/New_York\n  as_of: 2003-07-08T09:00:00\n")
    assert doc.values["offer"]["as_of"].utcoffset() == dt.timedelta(hours=-4)  # EDT in July


def test_ambiguous_fall_back_time_is_refused():
    with pytest.raises(DocumentError, match="ambiguous"):
        load_document_text(BASE + "  timezone: America/New_York\n  as_of: 2003-10-26T01:30:00\n")


def test_unknown_timezone_is_refused():
    with pytest.raises(DocumentError, match="unknown time zone"):
        load_document_text(BASE + "  timezone: Mars/Olympus\n")


def test_impossible_offset_is_refused():
    with pytest.raises(DocumentError, match="offset"):
        load_document_text(BASE + "  as_of: 2003-01-08T00:01:00-25:00\n")


def test_several_errors_are_all_reported_in_file_order():
    with pytest.raises(DocumentErrors) as info:
        load_document_text(BASE + "  colour: red\nclasses:\n  - {id: A, sought: -1}\n", "m.yaml")
    lines = info.value.lines()
    assert len(lines) == 2 and lines[0].startswith("m.yaml:4:") and lines[1].startswith("m.yaml:6:")


def test_missing_required_top_level_keys():
    with pytest.raises(DocumentError, match="'schema_version' is required"):
        load_document_text("offer: {id: x}\n")


def test_spans_point_at_values(tmp_path):
    path = tmp_path / "o.yaml"
    path.write_text(BASE + "classes:\n  - id: A\n    sought: 5\n")
    doc = load_document(str(path))
    span = doc.span(("classes", 0, "sought"))
    assert (span.file, span.line, span.column) == (str(path), 6, 13)


def test_every_example_document_loads():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "examples"
    files = sorted(root.rglob("*.yaml"))
    assert files
    for f in files:
        load_document(str(f))
