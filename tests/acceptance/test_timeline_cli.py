"""`offercheck timeline` end to end, and `offercheck check` on the Dynex amendment variants."""

from __future__ import annotations

import datetime as dt
import json
import re

import jsonschema
import pytest

from tests.acceptance.conftest import ROOT, assert_one_line_error

DYNEX = "examples/dynex-2003/offer.yaml"
TIMELINE_SCHEMA = json.loads((ROOT / "schemas" / "timeline.schema.json").read_text())
EXAMPLES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").rglob("*.yaml"))


def timeline_json(cli, path: str) -> dict:
    result = cli("timeline", path, "--format", "json")
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    jsonschema.Draft202012Validator(
        TIMELINE_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).validate(report)
    return report


def test_dynex_text_lists_the_deadlines_counsel_asks_for(cli):
    result = cli("timeline", DYNEX)
    assert result.code == 0 and result.stderr == ""
    text = result.stdout
    # One table row per deadline: when, business-day ordinal, what.
    for row in (r"Wed 2003-01-08 00:01 EST\s+1\s+Commencement",
                r"Wed 2003-02-05 24:00 EST\s+20\s+End of the",            # business day 20, at midnight
                r"Tue 2003-02-11 17:00 EST\s+24\s+Scheduled",
                r"Wed 2003-02-12 09:00 EST\s+25\s+Extension-notice",      # 9:00 a.m. next business day
                r"Thu 2003-03-06 24:00 EST\s+40\s+Withdrawal",  # 40-business-day backstop
                r"Tue 2003-03-11 24:00 EST\s+43\s+Withdrawal right"):     # the offer's "after March 11"
        assert re.search(row, text), row
    # The backstop row carries the other reading in its label and in its readings.
    assert "(reading B:" in text and "excluded: Fri 2003-03-07 24:00 EST" in " ".join(text.split())
    assert text.rstrip().endswith("13 events")
    assert max(len(line) for line in text.splitlines()) <= 120


@pytest.mark.parametrize("example", EXAMPLES)
def test_json_follows_the_schema_for_every_example(cli, example):
    report = timeline_json(cli, example)
    assert report["input"]["path"] == example and report["events"]
    instants = [dt.datetime.fromisoformat(e["at"]) for e in report["events"]]
    assert instants == sorted(instants)
    assert len({e["id"] for e in report["events"]}) == len(report["events"])


def test_dynex_json_events(cli):
    events = {e["id"]: e for e in timeline_json(cli, DYNEX)["events"]}
    assert (events["minimum-period-end"]["day"], events["minimum-period-end"]["business_day"]) == ("2003-02-05", 20)
    assert events["extension-notice.scheduled"]["at"] == "2003-02-12T09:00:00-05:00"
    backstop = events["withdrawal.backstop"]
    assert backstop["day"] == "2003-03-06"
    assert [r["at"] for r in backstop["readings"]] == ["2003-03-07T00:00:00-05:00", "2003-03-08T00:00:00-05:00"]
    assert events["purchase-bar.end"]["day"] == "2003-02-26"


def test_ics_has_one_event_per_deadline_with_stable_uids_and_no_wall_clock(cli):
    from icalendar import Calendar

    report = timeline_json(cli, DYNEX)
    result = cli("timeline", DYNEX, "--format", "ics")
    assert result.code == 0
    calendar = Calendar.from_ical(result.stdout)
    items = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(items) == len(report["events"])
    uids = [str(i["uid"]) for i in items]
    assert uids == [f"dynex-2003.{e['id']}@offercheck" for e in report["events"]]
    assert {i["dtstamp"].dt.isoformat() for i in items} == {"2003-01-08T05:01:00+00:00"}  # offer.as_of
    minimum = items[[e["id"] for e in report["events"]].index("minimum-period-end")]
    assert minimum["dtstart"].dt.isoformat() == "2003-02-06T05:00:00+00:00"
    assert "Citation: Rule 13e-4(f)(1)(i)" in str(minimum["description"])


@pytest.mark.parametrize("fmt", ["text", "json", "ics"])
def test_same_input_gives_byte_identical_output(cli, tmp_path, fmt):
    outputs = []
    for i in range(2):
        out = tmp_path / f"timeline{i}.{fmt}"
        result = cli("timeline", DYNEX, "--format", fmt, "--output", str(out))
        assert result.code == 0 and result.stdout == ""
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0]


def test_bad_inputs_are_one_line_errors_and_write_nothing(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\noffer: {id: x, bogus: 1}\n")
    out = tmp_path / "out.ics"
    assert_one_line_error(cli("timeline", str(bad), "--format", "ics", "-o", str(out)), 2, "bad.yaml:2", "bogus")
    assert not out.exists()
    assert_one_line_error(cli("timeline", str(tmp_path / "missing.yaml")), 2, "no such file")
    assert_one_line_error(cli("timeline", DYNEX, "-o", DYNEX), 2, "refusing to overwrite")
    assert cli("timeline", DYNEX, "--format", "pdf").code == 2


def test_a_document_without_dates_says_what_is_missing(cli, minimal_offer):
    result = cli("timeline", str(minimal_offer))
    assert result.code == 0
    assert "No deadline could be computed" in result.stdout
    assert "Not computed: timeline.commencement is missing" in result.stdout
