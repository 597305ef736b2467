"""Unit and property tests for checker.calendar and its data tables."""

from __future__ import annotations

import doctest
import importlib.util
import json
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import checker.calendar as calendar_module
from checker import calendar_data
from checker.calendar import (
    NEW_YORK,
    RANGE_END,
    RANGE_START,
    BusinessCalendar,
    CalendarRangeError,
    CalendarSettings,
    add_business_days,
    add_trading_days,
    business_day_ordinal,
    business_days_between,
    calendar_for,
    closures_between,
    end_of_business_day,
    first_business_day_on_or_after,
    is_business_day,
    is_trading_day,
    new_york_date,
    new_york_datetime,
    next_business_day,
    next_trading_day,
    previous_business_day,
    previous_trading_day,
    sec_calendar,
    start_of_business_day,
    to_new_york,
    trading_day_ordinal,
    trading_days_between,
    xnas_calendar,
)

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "checker" / "data"

ALL_SETTINGS = [
    CalendarSettings(),
    CalendarSettings(inauguration_day_is_holiday=False),
    CalendarSettings(closures_are_holidays=True),
    CalendarSettings(inauguration_day_is_holiday=False, closures_are_holidays=True),
    CalendarSettings(kind="xnas"),
]
in_range = st.dates(min_value=RANGE_START, max_value=date(2048, 12, 31))  # room for 401 business days ahead
calendars = st.sampled_from(ALL_SETTINGS).map(calendar_for)
# No example database: runs do not depend on local state (a failure prints its example).
property_test = settings(database=None, deadline=None)


def _regeneration_script() -> ModuleType:
    pytest.importorskip("holidays")
    spec = importlib.util.spec_from_file_location("regenerate_calendars", REPO / "scripts" / "regenerate_calendars.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reference_closed(cal: BusinessCalendar) -> set[date]:
    """Non-business weekdays, computed naively from the tables (the reference model)."""
    s = cal.settings
    if s.kind == "xnas":
        return {e.date for e in calendar_data.xnas_holidays()}
    closed = {e.date for e in calendar_data.federal_holidays()}
    if s.inauguration_day_is_holiday:
        closed |= {d.date for d in calendar_data.inauguration_days()}
    if s.closures_are_holidays:
        closed |= {c.date for c in calendar_data.closures()}
    return closed


def _reference_is_open(cal: BusinessCalendar, day: date) -> bool:
    return day.weekday() < 5 and day not in _reference_closed(cal)


# -- the tables equal the library ----------------------------------------------------


@pytest.mark.parametrize("filename", ["federal_holidays.json", "xnas_holidays.json"])
def test_generated_table_equals_holidays_library_byte_for_byte(filename: str) -> None:
    script = _regeneration_script()
    expected = script.tables()[DATA / filename]
    actual = (DATA / filename).read_text(encoding="utf-8")
    stored_version = json.loads(actual)["holidays_package_version"]
    if stored_version != script.HOLIDAYS_VERSION:
        # Data must still match; only the recorded version may differ.
        expected_rows = json.loads(expected)
        actual_rows = json.loads(actual)
        expected_rows.pop("holidays_package_version")
        actual_rows.pop("holidays_package_version")
        assert actual_rows == expected_rows, (
            f"{filename} (holidays {stored_version}) differs from holidays {script.HOLIDAYS_VERSION}: "
            "run scripts/regenerate_calendars.py and review the diff"
        )
    else:
        assert actual == expected, f"{filename} is stale: run scripts/regenerate_calendars.py"


@settings(max_examples=25, deadline=None, database=None)
@given(st.integers(min_value=RANGE_START.year, max_value=RANGE_END.year))
def test_holiday_table_equals_library_for_any_year(year: int) -> None:
    holidays = pytest.importorskip("holidays")
    years = [year - 1, year, year + 1]
    library_federal = {d for d in holidays.US(years=years, observed=True) if d.year == year}
    library_xnas = {d for d in holidays.financial_holidays("XNAS", years=years) if d.year == year}
    assert {e.date for e in calendar_data.federal_holidays() if e.date.year == year} == library_federal
    assert {e.date for e in calendar_data.xnas_holidays() if e.date.year == year} == library_xnas


def test_regeneration_script_check_mode_reports_fresh_tables() -> None:
    script = _regeneration_script()
    assert script.main(["--check"]) == 0


def test_inauguration_days_match_rule_and_library_dc() -> None:
    script = _regeneration_script()
    names = {e.date: e.name for e in calendar_data.federal_holidays()}
    by_rule = calendar_data.compute_inauguration_days(RANGE_START.year, RANGE_END.year, names)
    assert list(calendar_data.inauguration_days()) == by_rule
    assert [d.date for d in by_rule] == script.library_inauguration_days()
    assert {d.date.year for d in by_rule} == set(range(1993, 2050, 4))
    coinciding = {d.date: d.coincides_with for d in by_rule if d.coincides_with}
    assert set(coinciding) == {date(1997, 1, 20), date(2013, 1, 21), date(2025, 1, 20), date(2041, 1, 21)}


def _statutory_holidays(year: int) -> set[date]:
    """5 U.S.C. 6103(a) computed independently, with the 6103(b)/EO 11582 weekend rule."""

    def nth_weekday(month: int, weekday: int, n: int) -> date:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))

    def last_monday_may() -> date:
        last = date(year, 5, 31)
        return last - timedelta(days=last.weekday())

    fixed = [date(year, 1, 1), date(year, 7, 4), date(year, 11, 11), date(year, 12, 25)]
    if year >= 2021:
        fixed.append(date(year, 6, 19))
    days = {
        nth_weekday(1, 0, 3), nth_weekday(2, 0, 3), last_monday_may(), nth_weekday(9, 0, 1),
        nth_weekday(10, 0, 2), nth_weekday(11, 3, 4),
    }
    for day in fixed:
        shift = {5: -1, 6: 1}.get(day.weekday(), 0)
        days.add(day + timedelta(days=shift))
    next_new_year = date(year + 1, 1, 1)
    if next_new_year.weekday() == 5:  # observed on Friday Dec 31 (6103(b))
        days.add(next_new_year - timedelta(days=1))
    return {d for d in days if d.year == year}


def test_federal_table_matches_5_usc_6103_on_every_weekday() -> None:
    table = {e.date for e in calendar_data.federal_holidays() if e.date.weekday() < 5}
    statute = set().union(*(_statutory_holidays(y) for y in range(RANGE_START.year, RANGE_END.year + 1)))
    assert table == statute
    assert date(2021, 6, 18) in table and date(2020, 6, 19) not in table  # Juneteenth from 2021
    assert date(2021, 12, 31) in table  # New Year's Day 2022 (Saturday) observed


def test_tables_are_versioned_and_sorted() -> None:
    for filename in ("federal_holidays.json", "xnas_holidays.json", "closures.json"):
        text = (DATA / filename).read_text(encoding="utf-8")
        table = json.loads(text)
        assert text.endswith("}\n")
        assert table["version"] == 1 and table["generated_by"]
        assert table["range"] == {"start": "1990-01-01", "end": "2050-12-31"}
        rows = table.get("holidays", table.get("closures"))
        keys = [(r["date"], r.get("kind", "")) for r in rows]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert set(calendar_data.table_provenance()) == {"federal_holidays.json", "xnas_holidays.json", "closures.json"}


def test_closures_table_is_cited_and_consistent_with_xnas() -> None:
    closures = calendar_data.closures()
    assert all(c.source and c.name and c.date.weekday() < 5 for c in closures)
    market = {c.date for c in closures if c.kind == "market_closure"}
    recurring = ("New Year", "Martin Luther", "Washington", "Good Friday", "Memorial", "Juneteenth",
                 "Independence", "Labor", "Thanksgiving", "Christmas")
    unscheduled = {e.date for e in calendar_data.xnas_holidays() if not e.name.startswith(recurring)}
    assert market == unscheduled
    assert {date(2001, 9, d) for d in (11, 12, 13, 14)} <= market
    by_date = {(c.date, c.kind): c for c in closures}
    for unverified in (date(2001, 12, 24), date(2003, 12, 26)):
        entry = by_date[(unverified, "executive_order_closure")]
        assert not entry.verified and "[unverified]" in entry.source
    assert {c.date for c in closures} & {e.date for e in calendar_data.federal_holidays()} == set()


def test_runtime_imports_no_holidays_package_and_reads_no_clock() -> None:
    code = "import sys, checker.calendar as c; c.is_business_day(c.RANGE_START); print('holidays' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False"
    for module in (calendar_module, calendar_data):
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        for forbidden in ("import holidays", ".now(", ".today(", "time.time(", "utcnow"):
            assert forbidden not in source, (module.__name__, forbidden)


def test_doctests() -> None:
    for module in (calendar_module, calendar_data):
        assert doctest.testmod(module).failed == 0


# -- whole-range reference check ------------------------------------------------------


@pytest.mark.parametrize("cal_settings", ALL_SETTINGS, ids=repr)
def test_every_day_of_the_range_matches_the_reference_model(cal_settings: CalendarSettings) -> None:
    cal = calendar_for(cal_settings)
    closed = _reference_closed(cal)
    day, count = RANGE_START, 0
    while day <= RANGE_END:
        expected = day.weekday() < 5 and day not in closed
        assert cal.is_business_day(day) is expected, day
        count += expected
        day += timedelta(days=1)
    assert cal.business_days_between(RANGE_START, RANGE_END) == count


# -- semantics ------------------------------------------------------------------------


def test_business_days_between_bounds() -> None:
    mon, fri = date(2003, 1, 13), date(2003, 1, 17)
    assert business_days_between(mon, fri) == 5
    assert business_days_between(mon, fri, include_start=False) == 4
    assert business_days_between(mon, fri, include_end=False) == 4
    assert business_days_between(mon, fri, include_start=False, include_end=False) == 3
    assert business_days_between(mon, mon) == 1
    assert business_days_between(mon, mon, include_start=False) == 0
    assert business_days_between(mon, mon, include_start=False, include_end=False) == 0
    sat, sun = date(2003, 1, 11), date(2003, 1, 12)
    assert business_days_between(sat, sun) == 0
    with pytest.raises(ValueError, match="before it starts"):
        business_days_between(fri, mon)


def test_ordinal_errors_and_n_must_be_positive() -> None:
    with pytest.raises(ValueError, match="not a business day"):
        business_day_ordinal(date(2003, 1, 8), date(2003, 1, 20))
    with pytest.raises(ValueError, match="precedes day 1"):
        business_day_ordinal(date(2003, 1, 8), date(2003, 1, 7))
    with pytest.raises(ValueError, match="precedes day 1"):
        business_day_ordinal(date(2003, 1, 8), date(2003, 1, 8), inclusive=False)
    assert business_day_ordinal(date(2003, 1, 8), date(2003, 1, 9), inclusive=False) == 1
    for n in (0, -3):
        with pytest.raises(ValueError, match="n must be >= 1"):
            add_business_days(date(2003, 1, 8), n)


def test_next_previous_and_first_on_or_after() -> None:
    assert next_business_day(date(2003, 1, 17)) == date(2003, 1, 21)
    assert previous_business_day(date(2003, 1, 21)) == date(2003, 1, 17)
    assert first_business_day_on_or_after(date(2003, 1, 8)) == date(2003, 1, 8)
    assert first_business_day_on_or_after(date(2003, 2, 15)) == date(2003, 2, 18)


@pytest.mark.parametrize(
    "call",
    [
        lambda: is_business_day(date(1989, 12, 29)),
        lambda: is_business_day(date(2051, 1, 2)),
        lambda: add_business_days(date(2050, 12, 20), 30),
        lambda: next_business_day(date(2050, 12, 30)),
        lambda: previous_business_day(date(1990, 1, 2)),
        lambda: business_days_between(date(1989, 1, 1), date(2003, 1, 1)),
        lambda: closures_between(date(2003, 1, 1), date(2060, 1, 1)),
        lambda: add_trading_days(date(2050, 12, 30), 5),
    ],
)
def test_out_of_range_raises_calendar_range_error(call: object) -> None:
    with pytest.raises(CalendarRangeError, match=r"outside the supported calendar range 1990-01-01\.\.2050-12-31"):
        call()  # type: ignore[operator]


def test_range_error_is_a_value_error_and_names_the_date() -> None:
    with pytest.raises(ValueError, match="2051-01-02"):
        is_business_day(date(2051, 1, 2))
    assert is_business_day(RANGE_START) is False and is_business_day(date(1990, 1, 2)) is True


def test_datetimes_and_other_types_are_refused() -> None:
    with pytest.raises(TypeError, match="new_york_date"):
        is_business_day(datetime(2003, 1, 8, 12, 0))
    with pytest.raises(TypeError):
        add_business_days("2003-01-08", 20)  # type: ignore[arg-type]


def test_settings_factory_and_validation() -> None:
    assert calendar_for() is sec_calendar() is calendar_for(CalendarSettings())
    assert calendar_for({"kind": "xnas"}) is xnas_calendar()
    assert calendar_for({"closures_are_holidays": True}) is calendar_for(CalendarSettings(closures_are_holidays=True))
    with pytest.raises(ValueError, match="unknown calendar setting"):
        calendar_for({"closure_are_holidays": True})
    with pytest.raises(ValueError, match="kind"):
        CalendarSettings(kind="nyse")
    with pytest.raises(TypeError):
        CalendarSettings(closures_are_holidays="yes")  # type: ignore[arg-type]
    assert "closures_are_holidays=False" in repr(sec_calendar())


def test_inauguration_day_setting_both_readings() -> None:
    day = date(2005, 1, 20)  # Thursday
    assert not is_business_day(day)
    counting = calendar_for({"inauguration_day_is_holiday": False})
    assert counting.is_business_day(day)
    assert add_business_days(date(2005, 1, 3), 20) == date(2005, 2, 1)
    assert counting.add_business_days(date(2005, 1, 3), 20) == date(2005, 1, 31)
    [default_notice] = closures_between(date(2005, 1, 1), date(2005, 1, 31))
    assert default_notice.kind == "inauguration_day" and default_notice.counted_as_business_day is False
    [counted_notice] = counting.closures_between(date(2005, 1, 1), date(2005, 1, 31))
    assert counted_notice.counted_as_business_day is True
    # 2013 and 2025: Inauguration Day coincides with MLK Day, no extra day and no notice.
    assert closures_between(date(2013, 1, 1), date(2013, 1, 31)) == []
    assert closures_between(date(2025, 1, 15), date(2025, 1, 31)) == []
    assert is_business_day(date(2013, 1, 22)) and is_business_day(date(2025, 1, 21))
    assert is_trading_day(day)  # markets open on Inauguration Day


def test_executive_order_closures_are_business_days_by_default_and_reported() -> None:
    assert is_business_day(date(2001, 12, 24))
    assert not calendar_for({"closures_are_holidays": True}).is_business_day(date(2001, 12, 24))
    [notice] = closures_between(date(2001, 12, 20), date(2001, 12, 31))
    assert notice.kind == "executive_order_closure" and notice.verified is False and notice.counted_as_business_day
    both = closures_between(date(2004, 6, 11), date(2004, 6, 11))
    assert {c.kind for c in both} == {"executive_order_closure", "market_closure"}
    xnas_view = xnas_calendar().closures_between(date(2004, 6, 11), date(2004, 6, 11))
    assert {(c.kind, c.counted_as_business_day) for c in xnas_view} == {
        ("executive_order_closure", False), ("market_closure", False)}
    with pytest.raises(ValueError):
        closures_between(date(2004, 6, 12), date(2004, 6, 11))


# -- trading days -----------------------------------------------------------------------


def test_good_friday_and_veterans_day_differ_between_calendars() -> None:
    good_friday, veterans = date(2003, 4, 18), date(2003, 11, 11)
    assert is_business_day(good_friday) and not is_trading_day(good_friday)
    assert not is_business_day(veterans) and is_trading_day(veterans)
    assert is_trading_day(date(2003, 10, 13)) and not is_business_day(date(2003, 10, 13))  # Columbus Day
    assert is_business_day(date(2021, 12, 31)) is False and is_trading_day(date(2021, 12, 31))
    assert is_trading_day(date(1997, 1, 20)) and not is_trading_day(date(1998, 1, 19))  # MLK from 1998
    assert not any(is_trading_day(date(2001, 9, d)) for d in (11, 12, 13, 14))


def test_trading_day_arithmetic() -> None:
    # Guaranteed delivery: "within three trading days after" Thu 2003-04-17 skips Good Friday.
    assert add_trading_days(date(2003, 4, 17), 3, inclusive=False) == date(2003, 4, 23)
    assert add_trading_days(date(2003, 4, 17), 3) == date(2003, 4, 22)
    assert next_trading_day(date(2003, 4, 17)) == date(2003, 4, 21)
    assert previous_trading_day(date(2003, 4, 21)) == date(2003, 4, 17)
    assert trading_days_between(date(2003, 4, 14), date(2003, 4, 18)) == 4
    assert trading_day_ordinal(date(2003, 4, 14), date(2003, 4, 21)) == 5


# -- New York time -----------------------------------------------------------------------


def test_new_york_time_helpers() -> None:
    assert start_of_business_day(date(2003, 1, 8)) == datetime(2003, 1, 8, 0, 1, tzinfo=NEW_YORK)
    summer = end_of_business_day(date(2003, 7, 3))
    assert summer == datetime(2003, 7, 4, 0, 0, tzinfo=NEW_YORK) and summer.utcoffset() == timedelta(hours=-4)
    assert end_of_business_day(date(2003, 2, 5)).astimezone(UTC) == datetime(2003, 2, 6, 5, tzinfo=UTC)
    for not_open in (date(2003, 1, 11), date(2003, 1, 20)):
        with pytest.raises(ValueError, match="not a business day"):
            end_of_business_day(not_open)
        with pytest.raises(ValueError, match="not a business day"):
            start_of_business_day(not_open)
    utc_evening = datetime(2003, 1, 9, 4, 59, tzinfo=UTC)
    assert to_new_york(utc_evening) == datetime(2003, 1, 8, 23, 59, tzinfo=NEW_YORK)
    assert to_new_york(utc_evening).tzinfo is NEW_YORK
    assert new_york_date(utc_evening) == date(2003, 1, 8)
    assert new_york_date(datetime(2003, 1, 9, 9, 0, tzinfo=ZoneInfo("Europe/London"))) == date(2003, 1, 9)
    with pytest.raises(ValueError, match="naive"):
        to_new_york(datetime(2003, 1, 8, 12, 0))
    assert new_york_datetime(date(2003, 2, 12), time(9, 0)).isoformat() == "2003-02-12T09:00:00-05:00"
    with pytest.raises(ValueError):
        new_york_datetime(date(2003, 2, 12), time(9, 0, tzinfo=UTC))


# -- properties ----------------------------------------------------------------------------


@property_test
@given(calendars, in_range, st.integers(min_value=1, max_value=400), st.booleans())
def test_counting_and_adding_are_inverse(cal: BusinessCalendar, start: date, n: int, inclusive: bool) -> None:
    end = cal.add_business_days(start, n, inclusive=inclusive)
    assert cal.business_day_ordinal(start, end, inclusive=inclusive) == n
    assert cal.business_days_between(start, end, include_start=inclusive) == n


@property_test
@given(calendars, in_range, st.integers(min_value=1, max_value=400), st.booleans())
def test_results_are_business_days_and_monotonic(cal: BusinessCalendar, start: date, n: int, inclusive: bool) -> None:
    end = cal.add_business_days(start, n, inclusive=inclusive)
    following = cal.add_business_days(start, n + 1, inclusive=inclusive)
    assert cal.is_business_day(end) and _reference_is_open(cal, end)
    assert start <= end < following and cal.next_business_day(end) == following
    assert end > start or (inclusive and n == 1)
    gap = end + timedelta(days=1)
    while gap < following:
        assert not cal.is_business_day(gap)
        gap += timedelta(days=1)


@property_test
@given(calendars, in_range)
def test_neighbours_agree_with_reference(cal: BusinessCalendar, day: date) -> None:
    assert cal.is_business_day(day) is _reference_is_open(cal, day)
    after = cal.next_business_day(day)
    assert after > day and after == cal.add_business_days(day, 1, inclusive=False)
    assert all(not _reference_is_open(cal, day + timedelta(days=k)) for k in range(1, (after - day).days))
    first = cal.first_business_day_on_or_after(day)
    assert first == cal.add_business_days(day, 1)
    assert first == day if cal.is_business_day(day) else first == after
    if day > date(1990, 1, 10):
        before = cal.previous_business_day(day)
        assert before < day and cal.is_business_day(before) and cal.next_business_day(before) >= day


@property_test
@given(calendars, in_range, st.integers(min_value=0, max_value=60))
def test_between_matches_naive_count(cal: BusinessCalendar, first: date, span: int) -> None:
    last = first + timedelta(days=span)
    naive = sum(_reference_is_open(cal, first + timedelta(days=k)) for k in range(span + 1))
    assert cal.business_days_between(first, last) == naive
    assert cal.business_days_between(first, last, include_start=False) == naive - cal.is_business_day(first)
    if span:
        assert cal.business_days_between(first, last, include_end=False) == naive - cal.is_business_day(last)


@property_test
@given(calendars, in_range, st.integers(min_value=-3, max_value=60))
def test_non_business_weekdays_matches_naive_scan(cal: BusinessCalendar, first: date, span: int) -> None:
    last = first + timedelta(days=span)
    naive = [first + timedelta(days=k) for k in range(span + 1)
             if (first + timedelta(days=k)).weekday() < 5 and not _reference_is_open(cal, first + timedelta(days=k))]
    assert cal.non_business_weekdays(first, last) == naive


def test_extra_non_business_days_setting() -> None:
    # 2001-12-24 was an Executive-Order closure, a business day under C13 unless a
    # document lists it in settings.calendar.extra_non_business_days.
    day = date(2001, 12, 24)
    assert is_business_day(day)
    relieved = calendar_for({"extra_non_business_days": [day, day]})
    assert not relieved.is_business_day(day)
    assert relieved.settings.extra_non_business_days == (day,)
    assert relieved is calendar_for(CalendarSettings(extra_non_business_days=(day,)))
    assert relieved.add_business_days(date(2001, 12, 21), 2) == date(2001, 12, 26)
    assert calendar_for({"kind": "xnas", "extra_non_business_days": [day]}).is_business_day(date(2001, 12, 26))
    with pytest.raises(TypeError):
        CalendarSettings(extra_non_business_days="2001-12-24")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        CalendarSettings(extra_non_business_days=("2001-12-24",))  # type: ignore[arg-type]


def test_deadline_day_and_new_york_formatting() -> None:
    from checker.calendar import deadline_day, format_new_york

    midnight = datetime(2003, 2, 19, 0, 0, tzinfo=NEW_YORK)  # "12:00 midnight ... Tuesday, February 18"
    assert deadline_day(midnight) == date(2003, 2, 18)
    assert deadline_day(midnight + timedelta(minutes=1)) == date(2003, 2, 19)
    assert format_new_york(midnight) == "Tue 2003-02-18 24:00 EST"
    assert format_new_york(datetime(1999, 6, 2, 4, 0, tzinfo=ZoneInfo("UTC"))) == "Tue 1999-06-01 24:00 EDT"
    assert format_new_york(datetime(2003, 2, 11, 17, 0, tzinfo=NEW_YORK)) == "Tue 2003-02-11 17:00 EST"
    with pytest.raises(ValueError):
        deadline_day(datetime(2003, 2, 19))
