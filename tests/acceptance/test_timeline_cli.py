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
    assert report["input"]["path"] == example
    assert report["events"] or report["gaps"]  # either deadlines, or why there are none
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


# ---------------------------------------------------------------- the Dynex amendment variants

VARIANTS = {
    "examples/dynex-2003/amendment-increase-no-extension.yaml": (1, {
        "sec.14e-1.b.ten-business-days-after-change": ("fail", "must stay open through the end of Fri 2003-02-14"),
        "sec.13e-4.f1i.twenty-business-days": ("pass", "business day 24"),
    }),
    "examples/dynex-2003/amendment-increase-extended.yaml": (0, {
        "sec.14e-1.b.ten-business-days-after-change": ("pass", "which is long enough"),
        "sec.14e-1.b.ten-business-days-exclusive-reading": ("pass", "satisfies both readings"),
        "sec.14e-1.d.extension-notice": ("pass", "30 min before the deadline (Wed 2003-02-12 09:00 EST)"),
        "sec.14e-1.d.extension-states-deposits": ("pass", "C (847,648)"),
        "sec.13e-4.a3.expiration-on-business-day": ("pass", "business day 28"),
    }),
    "examples/dynex-2003/amendment-increase-late-extension-notice.yaml": (1, {
        "sec.14e-1.d.extension-notice": ("fail", "30 min after the deadline (Wed 2003-02-12 09:00 EST)"),
        "sec.14e-1.b.ten-business-days-after-change": ("pass", "which is long enough"),
    }),
}


def test_variants_are_generated_from_offer_yaml():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_dynex_variants", ROOT / "scripts" / "make_dynex_variants.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in module.VARIANTS:
        current = (ROOT / "examples" / "dynex-2003" / name).read_text(encoding="utf-8")
        assert current == module.build(name), f"{name} is stale: run python scripts/make_dynex_variants.py"
    assert sorted(f"examples/dynex-2003/{n}" for n in module.VARIANTS) == sorted(VARIANTS)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variant_verdicts(cli, variant):
    expected_exit, expected = VARIANTS[variant]
    result = cli("check", variant, "--select", "sec.*", "--format", "json")
    assert result.code == expected_exit, result.stdout[-2000:] + result.stderr
    findings = json.loads(result.stdout)["findings"]
    for rule_id, (status, fragment) in expected.items():
        [finding] = [f for f in findings if f["rule_id"] == rule_id]
        assert finding["status"] == status and fragment in finding["message"], finding


def test_extended_variant_timeline_shows_the_amendment_and_the_extension(cli):
    events = {e["id"]: e for e in timeline_json(cli, "examples/dynex-2003/amendment-increase-extended.yaml")["events"]}
    open_until = events["amendment.a-cash-price-increase.open-until"]
    assert (open_until["day"], open_until["business_day"]) == ("2003-02-14", 27)
    assert [r["display"] for r in open_until["readings"]] == ["Fri 2003-02-14 24:00 EST", "Tue 2003-02-18 24:00 EST"]
    assert events["expiration.ext-ext-1"]["display"] == "Tue 2003-02-18 24:00 EST"
    assert events["extension.ext-1.announced"]["display"] == "Wed 2003-02-12 08:30 EST"
    assert events["extension-notice.ext-ext-1"]["display"] == "Wed 2003-02-19 09:00 EST"
    assert events["required-expiration"]["day"] == "2003-02-14"
