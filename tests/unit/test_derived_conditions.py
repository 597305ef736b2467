"""The conditions calculator: index declines and beneficial ownership, exact and never guessing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from checker.derived import compute
from checker.document import load_document_text

HEAD = """\
schema_version: 1
offer: {id: t, as_of: AS_OF}
timeline: {commencement: 2003-01-08T00:01:00-05:00, scheduled_expiration: 2003-02-11T17:00:00-05:00}
"""

INDEX_DOC = HEAD + """\
conditions:
  - {id: c7, kind: objective, status: pending, measure: index_decline, threshold_percent: 10,
     reference_date: 2003-01-02, indices: [djia]}
market:
  indices:
    djia:
      title: Dow Jones Industrial Average
      reference_date: 2003-01-02
      reference_close: "8607.52"
      closes: CLOSES
"""


def index_row(closes: str, as_of: str = "2003-01-08T09:00:00-05:00") -> dict:
    doc = load_document_text(INDEX_DOC.replace("AS_OF", as_of).replace("CLOSES", closes), "t.yaml")
    rows = compute(doc, {"conditions"})["conditions"]["index_tests"]
    assert len(rows) == 1
    return rows[0]


def test_threshold_is_exact_and_a_close_at_it_does_not_trigger():
    # 90% of 8,607.52 is 7,746.768 exactly; 7,746.77 is above it, 7,746.76 below.
    row = index_row('{"2003-01-03": "8000.00", "2003-01-06": "7746.77", "2003-01-07": "7800.00"}')
    assert row["threshold_close"] == Decimal("7746.768")
    assert row["triggered"] is False and row["lowest_close"] == Decimal("7746.77")
    assert row["window_first_day"] == dt.date(2003, 1, 3) and row["window_last_day"] == dt.date(2003, 1, 7)
    row = index_row('{"2003-01-03": "8000.00", "2003-01-06": "7746.76"}')
    assert row["triggered"] is True and row["first_trigger_date"] == dt.date(2003, 1, 6)


def test_a_missing_trading_day_leaves_the_verdict_open_unless_another_close_triggers():
    row = index_row('{"2003-01-03": "8000.00", "2003-01-07": "7800.00"}')  # Mon 01-06 missing
    assert "triggered" not in row and row["missing_trading_days"] == 1
    assert "Mon 2003-01-06" in row["computation"]
    row = index_row('{"2003-01-03": "7000.00"}')
    assert row["triggered"] is True


def test_window_ends_at_the_last_close_known_at_as_of():
    # As of 09:00 on Jan 8 the Jan 8 close is not struck yet; at 17:00 it is.
    assert index_row('{"2003-01-03": "8000", "2003-01-06": "8000", "2003-01-07": "8000"}',
                     "2003-01-08T09:00:00-05:00")["triggered"] is False
    row = index_row('{"2003-01-03": "8000", "2003-01-06": "8000", "2003-01-07": "8000"}',
                    "2003-01-08T17:00:00-05:00")
    assert "triggered" not in row and row["window_last_day"] == dt.date(2003, 1, 8)


def test_window_never_runs_past_the_expiration_time():
    closes = {dt.date(2003, 1, 2) + dt.timedelta(days=i) for i in range(1, 60)}
    text = "{" + ", ".join(f'"{d.isoformat()}": "8000.00"' for d in sorted(closes)) + "}"
    text = text.replace('"2003-02-12": "8000.00"', '"2003-02-12": "7000.00"')  # after expiry: ignored
    row = index_row(text, "2003-03-01T12:00:00-05:00")
    assert row["window_last_day"] == dt.date(2003, 2, 11) and row["triggered"] is False
    assert "after the window not counted" in row["computation"]


def test_missing_reference_close_publishes_no_verdict():
    doc = load_document_text(HEAD.replace("AS_OF", "2003-01-08T00:01:00-05:00") + """\
conditions: [{id: c7, kind: objective, measure: index_decline, threshold_percent: 10, reference_date: 2003-01-02,
              indices: [sp500]}]
market: {indices: {sp500: {title: Standard and Poor's Index of 500 Industrial Companies, reference_date: 2003-01-02}}}
""", "t.yaml")
    row = compute(doc, {"conditions"})["conditions"]["index_tests"][0]
    assert "triggered" not in row and "reference_close" not in row
    assert "S&P Industrials" in row["computation"]  # the index-name ambiguity is shown


OWNER_DOC = HEAD.replace("AS_OF", "2003-01-08T00:01:00-05:00") + """\
classes: [{id: B, outstanding: 1378707, sought: 662944}]
conditions: [{id: e, kind: event, measure: ownership_threshold, threshold_percent: 5}]
market:
  beneficial_owners: [OWNER]
"""


def owner_row(owner: str) -> dict:
    doc = load_document_text(OWNER_DOC.replace("OWNER", owner), "t.yaml")
    return compute(doc, {"conditions"})["conditions"]["ownership_tests"][0]


def test_passive_crossing_after_the_offer_triggers_that_reading_exactly():
    # 61,000 of 715,763 remaining = 8.5224...%: above 5% and 2+ points above 4.42%.
    row = owner_row("{id: i, name: I, class: B, shares: 61000, percent: '4.42', percent_at_reference_date: '4.42', "
                    "acquired_after_reference_date: false}")
    assert row["over_threshold"] is False and row["over_threshold_after_offer"] is True
    assert row["percent_after_offer"] == Decimal("8.52")
    assert row["any_triggered"] is True and row["triggered_readings"] == "passive"


def test_thirteen_g_carve_out_needs_every_element():
    base = "{id: f, name: F, class: B, percent: '6.00', percent_at_reference_date: '5.50', acquired_after_reference_date: true"
    assert owner_row(base + ", schedule_13g_on_file_at_reference_date: true, schedule_13d_filed: false}")["any_triggered"] is False
    assert owner_row(base + ", schedule_13g_on_file_at_reference_date: true, schedule_13d_filed: true}")["any_triggered"] is True
    assert owner_row(base + ", schedule_13g_on_file_at_reference_date: false}")["any_triggered"] is True
    unknown = owner_row(base + "}")  # 13G status not stated: undecided, never a pass
    assert "any_triggered" not in unknown and "holding" in unknown["undetermined_readings"]


def test_two_point_increase_defeats_the_carve_out():
    row = owner_row("{id: f, name: F, class: B, percent: '7.50', percent_at_reference_date: '5.50', "
                    "schedule_13g_on_file_at_reference_date: true, schedule_13d_filed: false, "
                    "acquired_after_reference_date: true}")
    assert row["carve_out"] is False and row["any_triggered"] is True
