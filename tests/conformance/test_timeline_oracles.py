"""Timeline-level oracles: the timeline computed FROM DOCUMENTS reproduces sec-rules.md section 6.

tests/conformance/test_calendar_oracles.py checks the calendar arithmetic; these
tests check that checker.timeline reads the facts (commencement, expirations,
amendments, withdrawal terms, termination) and applies the conventions to them:
O1-O4, O9-O19, the Dynex calendar of section 7 and The Limited 1999 (O5, O6).
Where the law is ambiguous both readings are asserted.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from checker.calendar import NEW_YORK
from checker.document import load_document, load_document_text
from checker.engine import evaluate
from checker.findings import Status
from checker.rulepack import load_pack
from checker.timeline import Timeline, compute_timeline

ROOT = Path(__file__).resolve().parents[2]
D = dt.date


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NEW_YORK)


def timeline_of(timeline: dict[str, Any] | None = None, **sections: Any) -> Timeline:
    data = {"schema_version": 1, "offer": {"id": "oracle"}, **sections}
    if timeline is not None:
        data["timeline"] = timeline
    return compute_timeline(load_document_text(json.dumps(data), "oracle.json"))


def dynex(**sections: Any) -> Timeline:
    timeline = {"commencement": "2003-01-08T00:01:00-05:00", "scheduled_expiration": "2003-02-11T17:00:00-05:00"}
    timeline.update(sections.pop("timeline", {}))
    return timeline_of(timeline, **sections)


def ten_day_change(published: str) -> dict[str, Any]:
    return dynex(amendments=[{"id": "change", "first_published_at": published,
                              "changes": [{"id": "c", "kind": "consideration_increase"}]}]).facts["amendments"][0]


def test_o1_minimum_period_ends_midnight_ending_wed_feb_5() -> None:
    facts = compute_timeline(load_document(str(ROOT / "examples/dynex-2003/offer.yaml"))).facts
    assert facts["day_one"] == D(2003, 1, 8)
    assert facts["minimum_period"]["last_day"] == D(2003, 2, 5)
    assert facts["minimum_period"]["end"] == ny(2003, 2, 6, 0, 0)


def test_o2_dynex_expiry_is_business_day_24() -> None:
    facts = dynex().facts
    assert facts["expiration_business_day"] == 24 and facts["expiration_day"] == D(2003, 2, 11)
    assert facts["required_expiration"] == ny(2003, 2, 6, 0, 0) < facts["expiration"]


def test_o3_o4_withdrawal_backstop_both_readings_against_march_11() -> None:
    w = dynex(withdrawal={"after_date_if_not_accepted": "2003-03-11"}).facts["withdrawal"]
    # O3 reading A: day 40 = Thu 03-06, right from 12:01 a.m. Fri 03-07.
    assert (w["day_40_inclusive"], w["first_business_day_inclusive"]) == (D(2003, 3, 6), D(2003, 3, 7))
    assert w["right_from_inclusive"] == ny(2003, 3, 7, 0, 0)
    # O3 reading B: day 40 = Fri 03-07, right from Mon 03-10.
    assert (w["day_40_exclusive"], w["first_business_day_exclusive"]) == (D(2003, 3, 7), D(2003, 3, 10))
    # O4: the stated right starts Wed 03-12 = BD 44; 3 BD after reading A, 2 after reading B.
    assert w["stated_first_business_day"] == D(2003, 3, 12) and w["stated_business_day"] == 44
    assert w["stated_right_from"] > w["required_right_from"] == w["right_from_inclusive"]
    assert "3 business day(s) later than reading A (Fri 2003-03-07, Mon 2003-03-10, Tue 2003-03-11)" in w["computation"]
    assert "2 business day(s) later than reading B (Mon 2003-03-10, Tue 2003-03-11)" in w["computation"]


@pytest.mark.parametrize("oracle,expiry,deadline", [
    ("O9", "2003-02-11T17:00:00-05:00", (2003, 2, 12, 9, 0)),
    ("O10", "2003-02-14T17:00:00-05:00", (2003, 2, 18, 9, 0)),   # Mon 02-17 Presidents' Day
    ("O11", "2003-01-17T17:00:00-05:00", (2003, 1, 21, 9, 0)),   # Mon 01-20 MLK Day
])
def test_o9_o11_extension_notice_deadline(oracle: str, expiry: str, deadline: tuple[int, ...]) -> None:
    t = timeline_of({"scheduled_expiration": expiry,
                     "extensions": [{"id": "x", "new_expiration": "2003-03-31T17:00:00-05:00"}]})
    assert t.facts["extensions"][0]["notice_deadline"] == ny(*deadline), oracle
    notice = next(e for e in t.events if e.id == "extension-notice.scheduled")
    assert notice.at == ny(*deadline)


@pytest.mark.parametrize("oracle,published,inclusive,exclusive", [
    ("O12", "2003-01-23T09:00:00-05:00", D(2003, 2, 5), D(2003, 2, 6)),    # BD 11
    ("O13", "2003-01-22T09:00:00-05:00", D(2003, 2, 4), D(2003, 2, 5)),    # BD 10
    ("O14", "2003-02-04T09:00:00-05:00", D(2003, 2, 18), D(2003, 2, 19)),  # BD 19, holiday skipped
    ("O15", "2003-02-11T09:00:00-05:00", D(2003, 2, 25), D(2003, 2, 26)),  # BD 24, the expiry day
])
def test_o12_o15_ten_business_days_after_a_change(oracle: str, published: str, inclusive: dt.date,
                                                  exclusive: dt.date) -> None:
    row = ten_day_change(published)
    assert (row["last_day_inclusive"], row["last_day_exclusive"]) == (inclusive, exclusive), oracle
    assert row["open_until"] == dt.datetime.combine(inclusive + dt.timedelta(days=1), dt.time(0), tzinfo=NEW_YORK)


def test_o12_no_extension_needed_and_o13_floor_governs() -> None:
    # O12: a change on BD 11 needs the offer open through 02-05, which the 20-BD floor already requires.
    t = dynex(amendments=[{"id": "c", "first_published_at": "2003-01-23T09:00:00-05:00",
                           "changes": [{"id": "c", "kind": "consideration_increase"}]}])
    assert t.facts["required_expiration"] == t.facts["minimum_period"]["end"] == ny(2003, 2, 6, 0, 0)
    # O13: BD 10 -> 02-04; the 20-BD floor of 02-05 governs.
    t = dynex(amendments=[{"id": "c", "first_published_at": "2003-01-22T09:00:00-05:00",
                           "changes": [{"id": "c", "kind": "consideration_increase"}]}])
    assert t.facts["required_expiration"] == ny(2003, 2, 6, 0, 0)


def test_o16_about_five_business_days_after_a_material_change() -> None:
    t = dynex(amendments=[{"id": "m", "first_published_at": "2003-02-04T09:00:00-05:00", "material": True}])
    row = t.facts["amendments"][0]
    assert row["period"] == "five_business_days" and row["last_day"] == D(2003, 2, 10)


@pytest.mark.parametrize("oracle,commenced,day_one,day_20", [
    ("O17", "2003-01-11T00:01:00-05:00", D(2003, 1, 13), D(2003, 2, 10)),   # Saturday
    ("O18", "2003-01-20T00:01:00-05:00", D(2003, 1, 21), D(2003, 2, 18)),   # MLK Day
])
def test_o17_o18_commencement_on_a_non_business_day(oracle: str, commenced: str, day_one: dt.date,
                                                    day_20: dt.date) -> None:
    t = timeline_of({"commencement": commenced})
    assert t.facts["day_one"] == day_one and t.facts["minimum_period"]["last_day"] == day_20, oracle
    commencement = next(e for e in t.events if e.id == "commencement")
    assert "is not a business day, so day 1 is the next one (C3)" in commencement.computation


def test_o19_purchase_bar_after_termination_both_readings() -> None:
    bar = dynex().facts["purchase_bar"]
    assert bar["termination_day"] == D(2003, 2, 11)
    assert (bar["last_day_inclusive"], bar["last_day_exclusive"]) == (D(2003, 2, 25), D(2003, 2, 26))
    assert bar["reading"] == "exclusive" and bar["purchases_allowed_from"] == ny(2003, 2, 27, 0, 0)


def test_section_7_dynex_calendar_ordinals_in_the_events() -> None:
    t = compute_timeline(load_document(str(ROOT / "examples/dynex-2003/offer.yaml")))
    by_id = {e.id: e for e in t.events}
    assert by_id["commencement"].business_day == 1
    assert (by_id["minimum-period-end"].day, by_id["minimum-period-end"].business_day) == (D(2003, 2, 5), 20)
    assert (by_id["expiration.scheduled"].day, by_id["expiration.scheduled"].business_day) == (D(2003, 2, 11), 24)
    assert (by_id["extension-notice.scheduled"].at, by_id["extension-notice.scheduled"].business_day) == \
        (ny(2003, 2, 12, 9, 0), 25)
    assert (by_id["withdrawal.backstop"].day, by_id["withdrawal.backstop"].business_day) == (D(2003, 3, 6), 40)
    assert [r.at for r in by_id["withdrawal.backstop"].readings] == [ny(2003, 3, 7, 0, 0), ny(2003, 3, 8, 0, 0)]
    assert (by_id["withdrawal.stated"].day, by_id["withdrawal.stated"].business_day) == (D(2003, 3, 11), 43)
    assert by_id["dtc-account"].day == D(2003, 1, 10)                # TIMING.DTC_ACCOUNT_2BD
    assert by_id["guaranteed-delivery"].day == D(2003, 2, 14)        # 3 Nasdaq trading days


THE_LIMITED_1999 = {
    # "open from May 4, 1999 until it expires at 12:00 midnight, New York City time, on
    # Tuesday, June 1, 1999"; "may be withdrawn after July 2, 1999 unless previously accepted
    # for payment" (sec-rules.md section 1.1, O5, O6).
    "timeline": {"commencement": "1999-05-04T00:01:00-04:00", "scheduled_expiration": "1999-06-02T00:00:00-04:00"},
    "withdrawal": {"before_expiration": True, "after_date_if_not_accepted": "1999-07-02"},
}


def test_o5_the_limited_1999_expires_at_midnight_ending_business_day_20() -> None:
    t = timeline_of(**THE_LIMITED_1999)
    f = t.facts
    assert f["expiration_day"] == D(1999, 6, 1) and f["expiration_business_day"] == 20
    assert f["expiration"] == f["minimum_period"]["end"] == ny(1999, 6, 2, 0, 0)
    assert "Mon 1999-05-31 (Memorial Day)" in f["minimum_period"]["computation"]
    # The extension notice after a midnight expiry is due 9:00 a.m. on June 2, not June 3.
    assert next(e for e in t.events if e.id == "extension-notice.scheduled").at == ny(1999, 6, 2, 9, 0)


def test_o5_the_limited_1999_is_compliant_under_the_rules() -> None:
    document = load_document_text(json.dumps({"schema_version": 1, "offer": {"id": "limited-1999"},
                                              **THE_LIMITED_1999}), "limited.json")
    pack = load_pack(ROOT / "rules" / "sec" / "timing.yaml")
    rules = [r for r in pack.rules if r.id.startswith("sec.13e-4.f1i.") or r.id == "sec.13e-4.a3.expiration-on-business-day"]
    findings = evaluate(document, rules, None)
    assert {f.rule_id: f.status for f in findings} == {
        "sec.13e-4.a3.expiration-on-business-day": Status.PASS,
        "sec.13e-4.f1i.twenty-business-days": Status.PASS,
        "sec.13e-4.f1i.twenty-business-days-through-midnight": Status.PASS,
    }


def test_o6_the_limited_stated_backstop_is_business_day_43() -> None:
    w = timeline_of(**THE_LIMITED_1999).facts["withdrawal"]
    assert w["day_40_inclusive"] == D(1999, 6, 29)
    assert w["stated_after"] == D(1999, 7, 2)
    # The stated right starts after BD 43 (July 2), i.e. on Tue July 6 (July 5 observed Independence Day).
    assert w["stated_first_business_day"] == D(1999, 7, 6) and w["stated_business_day"] == 44
