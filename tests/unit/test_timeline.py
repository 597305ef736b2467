"""checker.timeline: settings, classification, readings, derived-fact shape, invariants."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.calendar import NEW_YORK, add_business_days, is_business_day
from checker.derived import compute
from checker.document import load_document, load_document_text
from checker.timeline import DEFAULTS, Event, Reading, compute_timeline, resolve_settings
from checker.timeline_events import settlement_cycle

ROOT = Path(__file__).resolve().parents[2]
DYNEX = ROOT / "examples" / "dynex-2003" / "offer.yaml"
DERIVED_SCHEMA = json.loads((ROOT / "schemas" / "derived.schema.json").read_text())
OFFER_SCHEMA = json.loads((ROOT / "schemas" / "offer-state.schema.json").read_text())


def doc(**sections: Any):
    data = {"schema_version": 1, "offer": {"id": "t"}, **sections}
    return load_document_text(json.dumps(data), "test.json")


def dynex_like(**extra: Any):
    timeline = {"commencement": "2003-01-08T00:01:00-05:00", "scheduled_expiration": "2003-02-11T17:00:00-05:00"}
    timeline.update(extra.pop("timeline", {}))
    return doc(timeline=timeline, **extra)


def event(timeline, event_id: str) -> Event:
    return next(e for e in timeline.events if e.id == event_id)


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NEW_YORK)


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def test_counting_defaults_agree_with_the_offer_state_schema():
    counting = OFFER_SCHEMA["$defs"]["counting_settings"]["properties"]
    for name, value in DEFAULTS.items():
        if "default" in counting[name]:
            assert counting[name]["default"] == value, name
    assert set(DEFAULTS) <= set(counting)


def test_settings_report_their_source():
    used = {u.name: u for u in resolve_settings(load_document(str(DYNEX))).used}
    assert used["counting.change_period_counting"].source == "document"
    assert used["counting.purchase_bar_counting"].source == "default"
    assert used["counting.purchase_bar_counting"].value == "exclusive"
    assert used["calendar.inauguration_day_is_holiday"].value == "false"


def test_events_are_new_york_time_and_sorted():
    t = compute_timeline(load_document(str(DYNEX)))
    assert all(e.at.tzinfo is NEW_YORK for e in t.events)
    assert [e.at for e in t.events] == sorted(e.at for e in t.events)
    assert len({e.id for e in t.events}) == len(t.events)
    e = Event("x", dt.datetime(2003, 2, 6, 5, 0, tzinfo=dt.timezone.utc), "l", "c", "c",
              (Reading("r", dt.datetime(2003, 2, 6, 5, tzinfo=dt.timezone.utc)),))
    assert e.display == "Wed 2003-02-05 24:00 EST" and e.day == dt.date(2003, 2, 5)
    assert e.readings[0].at.tzinfo is NEW_YORK


def test_derived_facts_match_the_declared_schema():
    schema = {**DERIVED_SCHEMA["properties"]["timeline"], "$defs": DERIVED_SCHEMA["$defs"]}
    validator = jsonschema.Draft202012Validator(schema)
    documents = [load_document(str(p)) for p in sorted((ROOT / "examples").rglob("*.yaml"))]
    documents.append(dynex_like(amendments=[{"id": "a", "first_published_at": "2003-02-03T08:00:00-05:00",
                                             "changes": [{"id": "c", "kind": "consideration_increase"}]}],
                                timeline={"extensions": [{"id": "e", "new_expiration": "2003-02-19T00:00:00-05:00",
                                                          "announced_at": "2003-02-12T08:30:00-05:00"}]}))
    for document in documents:
        facts = compute(document, {"timeline"})["timeline"]
        errors = [e.message for e in validator.iter_errors(jsonable(facts))]
        assert errors == [], (document.path, errors)


def test_missing_commencement_leaves_periods_out_and_says_why():
    t = doc(timeline={"scheduled_expiration": "2003-02-11T17:00:00-05:00"})
    timeline = compute_timeline(t)
    assert "minimum_period" not in timeline.facts and "withdrawal" not in timeline.facts
    assert any("commencement" in gap for gap in timeline.gaps)
    assert timeline.facts["expiration"] == dt.datetime(2003, 2, 11, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert "expiration_business_day" not in timeline.facts


def test_extension_chain_and_unknown_new_expiration():
    t = compute_timeline(dynex_like(timeline={"extensions": [
        {"id": "e1", "new_expiration": "2003-02-14T17:00:00-05:00", "announced_at": "2003-02-12T08:00:00-05:00"},
        {"id": "e2", "new_expiration": "2003-02-21T17:00:00-05:00", "announced_at": "2003-02-18T08:00:00-05:00"}]}))
    e1, e2 = t.facts["extensions"]
    assert e1["notice_deadline"] == ny(2003, 2, 12, 9, 0)
    assert e2["previous_expiration"] == ny(2003, 2, 14, 17, 0)
    assert e2["notice_deadline"] == ny(2003, 2, 18, 9, 0)  # O10: Presidents' Day
    assert t.facts["expiration"] == ny(2003, 2, 21, 17, 0) and t.facts["expiration_business_day"] == 31
    assert {e.id for e in t.events} >= {"extension-notice.scheduled", "extension-notice.ext-e1",
                                        "extension-notice.ext-e2", "expiration.ext-e2"}
    unknown = compute_timeline(dynex_like(timeline={"extensions": [{"id": "e1"}]}))
    assert "expiration" not in unknown.facts and any("new_expiration" in g for g in unknown.gaps)


def test_exchange_opening_setting():
    listed = [{"id": "A", "listing": {"national_securities_exchange": True}}]
    default = compute_timeline(dynex_like(classes=listed))
    assert event(default, "extension-notice.scheduled").at == ny(2003, 2, 12, 9, 0)
    assert "9:00 a.m. is earlier and governs" in event(default, "extension-notice.scheduled").computation
    early = compute_timeline(dynex_like(classes=listed, settings={"counting": {"exchange_first_opening_time": "08:00"}}))
    assert event(early, "extension-notice.scheduled").at == ny(2003, 2, 12, 8, 0)
    nine = compute_timeline(dynex_like(classes=listed, settings={"counting": {
        "exchange_first_opening_time": "08:00", "extension_notice_deadline": "nine_am"}}))
    assert event(nine, "extension-notice.scheduled").at == ny(2003, 2, 12, 9, 0)


@pytest.mark.parametrize("change,period", [
    ({"kind": "consideration_increase"}, "ten_business_days"),
    ({"kind": "amount_sought_decrease"}, "ten_business_days"),
    ({"kind": "soliciting_fee_change"}, "ten_business_days"),
    ({"kind": "other_material"}, "five_business_days"),
    ({"kind": "condition_waiver", "condition": "x"}, "five_business_days"),   # materiality unstated
    ({"kind": "other_nonmaterial"}, "none"),
    ({"kind": "extension"}, "none"),
    # 2% of 1,000,000 = 20,000 exactly: not a change (C12); one more share is.
    ({"kind": "amount_sought_increase", "class": "A", "old_shares": 400000, "new_shares": 420000}, "none"),
    ({"kind": "amount_sought_increase", "class": "A", "old_shares": 400000, "new_shares": 420001}, "ten_business_days"),
    ({"kind": "cap_change", "option": "A-cash", "old_shares": 100, "new_shares": 90}, "ten_business_days"),
    ({"kind": "amount_sought_increase", "class": "A"}, None),
])
def test_amendment_classification(change, period):
    t = compute_timeline(dynex_like(
        classes=[{"id": "A", "outstanding": 1000000}],
        consideration={"options": [{"id": "A-cash", "class": "A", "kind": "cash"}]},
        amendments=[{"id": "a", "first_published_at": "2003-02-04T08:00:00-05:00",
                     "changes": [{"id": "c", **change}]}]))
    row = t.facts["amendments"][0]
    assert row.get("period") == period, row["period_reason"]
    if period is None:
        assert "required_expiration" not in t.facts
        assert event(t, "required-expiration").label.endswith("(at least)")


def test_change_period_readings_and_setting():
    amendment = [{"id": "a", "first_published_at": "2003-02-04T08:00:00-05:00",
                  "changes": [{"id": "c", "kind": "consideration_decrease"}]}]
    both = compute_timeline(dynex_like(amendments=amendment)).facts["amendments"][0]
    assert (both["last_day_inclusive"], both["last_day_exclusive"]) == (dt.date(2003, 2, 18), dt.date(2003, 2, 19))  # O14
    assert both["reading"] == "inclusive" and both["exclusive_reading_shown"] is True
    exclusive = compute_timeline(dynex_like(amendments=amendment, settings={
        "counting": {"change_period_counting": "exclusive"}})).facts
    row = exclusive["amendments"][0]
    assert row["reading"] == "exclusive" and row["last_day"] == dt.date(2003, 2, 19)
    assert row["exclusive_reading_shown"] is False
    assert exclusive["required_expiration"] == ny(2003, 2, 20, 0, 0)
    five = compute_timeline(dynex_like(amendments=[{"id": "m", "material": True,
                                                    "first_published_at": "2003-02-04T08:00:00-05:00"}],
                                       settings={"counting": {"material_change_min_business_days": 3}}))
    assert five.facts["amendments"][0]["last_day"] == dt.date(2003, 2, 6)


def test_schedule_to_event_names_the_filing():
    t = compute_timeline(dynex_like(
        amendments=[{"id": "a", "first_published_at": "2003-02-04T08:00:00-05:00", "filing": "to-a1",
                     "changes": [{"id": "c", "kind": "consideration_increase"}]}],
        filings=[{"id": "to-a1", "form": "SC TO-I/A", "filed_at": "2003-02-04T16:00:00-05:00"}]))
    assert "reported by SC TO-I/A to-a1, filed Tue 2003-02-04 16:00 EST" in event(t, "amendment.a.schedule-to").computation


def test_inauguration_day_unset_is_holder_protective_each_way():
    # 2005-01-20 (Thursday) falls in both periods of an offer commenced 2005-01-03.
    base = {"timeline": {"commencement": "2005-01-03T00:01:00-05:00"}}
    unset = compute_timeline(doc(**base)).facts
    assert unset["minimum_period"]["last_day"] == dt.date(2005, 2, 1)          # not a business day: later
    assert unset["withdrawal"]["day_40_inclusive"] == dt.date(2005, 3, 1)      # a business day: earlier
    explicit = compute_timeline(doc(**base, settings={"calendar": {"inauguration_day_is_holiday": True}})).facts
    assert explicit["minimum_period"]["last_day"] == dt.date(2005, 2, 1)
    assert explicit["withdrawal"]["day_40_inclusive"] == dt.date(2005, 3, 2)
    assert "Inauguration Day" in unset["minimum_period"]["computation"]


def test_closures_and_extra_days_are_named_in_the_computation():
    sept = compute_timeline(doc(timeline={"commencement": "2001-09-06T00:01:00-04:00"})).facts  # O8
    assert sept["minimum_period"]["last_day"] == dt.date(2001, 10, 3)
    assert "counting as business days Tue 2001-09-11" in sept["minimum_period"]["computation"]
    relieved = compute_timeline(doc(timeline={"commencement": "2001-09-06T00:01:00-04:00"}, settings={
        "calendar": {"extra_non_business_days": ["2001-09-11", "2001-09-12", "2001-09-13", "2001-09-14"]}})).facts
    assert relieved["minimum_period"]["last_day"] == dt.date(2001, 10, 10)  # four days later; Columbus Day skipped
    assert "settings.calendar.extra_non_business_days" in relieved["minimum_period"]["computation"]


def test_prompt_payment_default_is_the_settlement_cycle_and_a_setting_overrides():
    assert [settlement_cycle(dt.date(y, 6, 1)) for y in (1994, 2003, 2018, 2025)] == [5, 3, 2, 1]
    assert compute_timeline(dynex_like()).facts["payment"]["pay_by_day"] == dt.date(2003, 2, 14)
    t = compute_timeline(dynex_like(settings={"counting": {"prompt_payment_business_days": 5}}))
    assert t.facts["payment"]["pay_by_day"] == dt.date(2003, 2, 19)
    assert "[M]" not in t.facts["payment"]["computation"]


def test_debt_offers_have_no_purchase_bar_and_termination_moves_the_bar():
    assert "purchase_bar" not in compute_timeline(dynex_like(offer={"id": "t", "subject_security": "debt"})).facts
    t = compute_timeline(dynex_like(timeline={"terminated_at": "2003-01-31T10:00:00-05:00"})).facts
    assert t["purchase_bar"]["termination_day"] == dt.date(2003, 1, 31)


def test_acceptance_before_the_backstop_is_noted_as_moot():
    t = compute_timeline(dynex_like(timeline={"accepted_for_payment_at": "2003-02-21T09:00:00-05:00"},
                                    withdrawal={"after_date_if_not_accepted": "2003-03-11"}))
    assert "Moot in practice" in t.facts["withdrawal"]["computation"]


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2045, 12, 31)),
       st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=23))
def test_timeline_invariants(commenced, published_after, hour):
    publication = commenced + dt.timedelta(days=published_after)
    document = doc(
        timeline={"commencement": f"{commenced.isoformat()}T00:01:00-05:00",
                  "scheduled_expiration": f"{(commenced + dt.timedelta(days=30)).isoformat()}T17:00:00-05:00"},
        amendments=[{"id": "a", "first_published_at": f"{publication.isoformat()}T{hour:02d}:00:00-05:00",
                     "changes": [{"id": "c", "kind": "consideration_increase"}]}],
        settings={"calendar": {"inauguration_day_is_holiday": True}})
    f = compute_timeline(document).facts
    minimum = f["minimum_period"]
    assert is_business_day(minimum["last_day"]) and minimum["last_day"] == add_business_days(commenced, 20)
    row = f["amendments"][0]
    # The readings differ by one business day when the trigger day is one, else coincide (C3).
    assert is_business_day(row["last_day_inclusive"])
    assert (row["last_day_inclusive"] < row["last_day_exclusive"]) == is_business_day(row["publication_day"])
    assert f["required_expiration"] == max(minimum["end"], row["open_until"])
    w = f["withdrawal"]
    assert (w["day_40_inclusive"] < w["day_40_exclusive"]) == is_business_day(commenced)
    assert w["required_right_from"] == w["right_from_inclusive"]
    bar = f["purchase_bar"]
    assert bar["last_day_exclusive"] == bar["last_day"]
    assert (bar["last_day_inclusive"] < bar["last_day_exclusive"]) == is_business_day(bar["termination_day"])
