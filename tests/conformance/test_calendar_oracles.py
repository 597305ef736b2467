"""Calendar-level oracles of shared/domain/sec-rules.md section 6 and the Dynex table of section 7.

Each test names its oracle. Where the law is ambiguous (O3, O8, O12-O15, O19)
both readings are asserted, as the design requires findings to show both.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from checker.calendar import (
    NEW_YORK,
    add_business_days,
    business_day_ordinal,
    business_days_between,
    calendar_for,
    closures_between,
    end_of_business_day,
    first_business_day_on_or_after,
    is_business_day,
    new_york_datetime,
    next_business_day,
    start_of_business_day,
)

DYNEX_COMMENCED = date(2003, 1, 8)
LIMITED_COMMENCED = date(1999, 5, 4)


def test_o1_dynex_twenty_business_day_minimum_ends_midnight_wed_feb_5() -> None:
    day_20 = add_business_days(DYNEX_COMMENCED, 20)
    assert day_20 == date(2003, 2, 5)
    assert day_20.strftime("%a") == "Wed"
    # "ends 24:00 ET": midnight ending day 20 is 00:00 New York time on Feb 6 (C1, C4).
    assert end_of_business_day(day_20) == datetime(2003, 2, 6, 0, 0, tzinfo=NEW_YORK)
    assert end_of_business_day(day_20).utcoffset() == timedelta(hours=-5)


def test_o2_dynex_expiry_is_business_day_24_and_satisfies_minimum() -> None:
    expiry = date(2003, 2, 11)
    assert business_day_ordinal(DYNEX_COMMENCED, expiry) == 24
    assert business_days_between(DYNEX_COMMENCED, expiry) == 24
    # 5:00 p.m. on day 24 is after midnight ending day 20 (C4).
    assert new_york_datetime(expiry, time(17, 0)) > end_of_business_day(add_business_days(DYNEX_COMMENCED, 20))


def test_o3_forty_business_day_withdrawal_backstop_both_readings() -> None:
    # Reading A (C2, commencement = day 1): day 40 = Thu 03-06; right from 12:01 a.m. Fri 03-07.
    day_40 = add_business_days(DYNEX_COMMENCED, 40)
    assert day_40 == date(2003, 3, 6)
    assert next_business_day(day_40) == date(2003, 3, 7)
    assert end_of_business_day(day_40) == datetime(2003, 3, 7, 0, 0, tzinfo=NEW_YORK)
    assert start_of_business_day(next_business_day(day_40)) == datetime(2003, 3, 7, 0, 1, tzinfo=NEW_YORK)
    # Reading B (commencement excluded): day 40 = Fri 03-07; right from Mon 03-10.
    day_40_b = add_business_days(DYNEX_COMMENCED, 40, inclusive=False)
    assert day_40_b == date(2003, 3, 7)
    assert next_business_day(day_40_b) == date(2003, 3, 10)


def test_o4_stated_backstop_march_11_is_bd_43_right_from_bd_44() -> None:
    assert business_day_ordinal(DYNEX_COMMENCED, date(2003, 3, 11)) == 43
    assert business_day_ordinal(DYNEX_COMMENCED, date(2003, 3, 12)) == 44
    # Three business days later than reading A (Mar 7, 10, 11), two later than reading B.
    assert business_days_between(date(2003, 3, 7), date(2003, 3, 11)) == 3
    assert business_days_between(date(2003, 3, 10), date(2003, 3, 11)) == 2


def test_o5_the_limited_1999_june_1_is_exactly_business_day_20() -> None:
    assert is_business_day(date(1999, 5, 31)) is False  # Memorial Day
    assert business_day_ordinal(LIMITED_COMMENCED, date(1999, 6, 1)) == 20
    assert add_business_days(LIMITED_COMMENCED, 20) == date(1999, 6, 1)
    # Zero slack: one day earlier would be day 19 (C2 + C4).
    assert business_day_ordinal(LIMITED_COMMENCED, date(1999, 5, 28)) == 19


def test_o6_the_limited_stated_backstop() -> None:
    assert add_business_days(LIMITED_COMMENCED, 40) == date(1999, 6, 29)
    assert business_day_ordinal(LIMITED_COMMENCED, date(1999, 7, 2)) == 43
    assert (date(1999, 7, 2) - LIMITED_COMMENCED).days + 1 == 60  # calendar day 60, May 4 = day 1


def test_o7_dynex_2001_cash_offer_expiry_is_bd_24() -> None:
    assert is_business_day(date(2001, 5, 28)) is False  # Memorial Day
    assert business_day_ordinal(date(2001, 5, 7), date(2001, 6, 8)) == 24


def test_o8_september_2001_market_closure_both_readings() -> None:
    commenced, expiry = date(2001, 9, 6), date(2001, 10, 4)
    # C13 default: 2001-09-11..14 count as business days.
    assert business_day_ordinal(commenced, expiry) == 21
    assert add_business_days(commenced, 20) == date(2001, 10, 3)
    reported = closures_between(commenced, expiry)
    assert [c.date for c in reported] == [date(2001, 9, d) for d in (11, 12, 13, 14)]
    assert all(c.kind == "market_closure" and c.counted_as_business_day for c in reported)
    # Alternative reading: closures excluded -> BD 17, non-compliant with the 20-BD minimum.
    excluding = calendar_for({"closures_are_holidays": True})
    assert excluding.business_day_ordinal(commenced, expiry) == 17
    assert excluding.add_business_days(commenced, 20) > expiry
    assert not any(c.counted_as_business_day for c in excluding.closures_between(commenced, expiry))


@pytest.mark.parametrize(
    ("oracle", "scheduled_expiry", "notice_day"),
    [
        ("O9", date(2003, 2, 11), date(2003, 2, 12)),
        ("O10", date(2003, 2, 14), date(2003, 2, 18)),  # Mon 02-17 Washington's Birthday
        ("O11", date(2003, 1, 17), date(2003, 1, 21)),  # Mon 01-20 MLK Day
    ],
)
def test_o9_o11_extension_notice_by_9am_next_business_day(
    oracle: str, scheduled_expiry: date, notice_day: date
) -> None:
    assert next_business_day(scheduled_expiry) == notice_day, oracle
    deadline = new_york_datetime(next_business_day(scheduled_expiry), time(9, 0))
    assert deadline == datetime.combine(notice_day, time(9, 0), tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("oracle", "notice", "ordinal", "inclusive_end", "exclusive_end"),
    [
        ("O12", date(2003, 1, 23), 11, date(2003, 2, 5), date(2003, 2, 6)),
        ("O13", date(2003, 1, 22), 10, date(2003, 2, 4), date(2003, 2, 5)),
        ("O14", date(2003, 2, 4), 19, date(2003, 2, 18), date(2003, 2, 19)),
        ("O15", date(2003, 2, 11), 24, date(2003, 2, 25), date(2003, 2, 26)),
    ],
)
def test_o12_o15_ten_business_days_after_a_change(
    oracle: str, notice: date, ordinal: int, inclusive_end: date, exclusive_end: date
) -> None:
    assert business_day_ordinal(DYNEX_COMMENCED, notice) == ordinal, oracle
    assert add_business_days(notice, 10) == inclusive_end, oracle  # C7 legal minimum
    assert add_business_days(notice, 10, inclusive=False) == exclusive_end, oracle  # Solomon reading


def test_o13_twenty_day_floor_governs() -> None:
    floor = add_business_days(DYNEX_COMMENCED, 20)
    assert max(floor, add_business_days(date(2003, 1, 22), 10)) == date(2003, 2, 5)
    assert max(floor, add_business_days(date(2003, 1, 22), 10, inclusive=False)) == date(2003, 2, 5)


def test_o16_about_five_business_days_after_material_change() -> None:
    assert add_business_days(date(2003, 2, 4), 5) == date(2003, 2, 10)


def test_o17_saturday_commencement_day_1_is_monday() -> None:
    sent = date(2003, 1, 11)
    assert first_business_day_on_or_after(sent) == date(2003, 1, 13)
    assert business_day_ordinal(sent, date(2003, 1, 13)) == 1
    assert add_business_days(sent, 20) == date(2003, 2, 10)
    # On a non-business day the two readings coincide (C3).
    assert add_business_days(sent, 20, inclusive=False) == date(2003, 2, 10)


def test_o18_holiday_commencement_day_1_is_next_business_day() -> None:
    sent = date(2003, 1, 20)  # MLK Day
    assert first_business_day_on_or_after(sent) == date(2003, 1, 21)
    assert add_business_days(sent, 20) == date(2003, 2, 18)


def test_o19_purchase_bar_after_termination_both_readings() -> None:
    terminated = date(2003, 2, 11)
    inclusive_bar = add_business_days(terminated, 10)
    exclusive_bar = add_business_days(terminated, 10, inclusive=False)
    assert inclusive_bar == date(2003, 2, 25)
    assert exclusive_bar == date(2003, 2, 26)  # conservative (C11)
    assert next_business_day(max(inclusive_bar, exclusive_bar)) == date(2003, 2, 27)


def test_o21_five_business_day_debt_tender_launch_is_day_1() -> None:
    launch = date(2015, 1, 6)
    assert business_day_ordinal(launch, launch) == 1
    assert add_business_days(launch, 5) == date(2015, 1, 12)


# sec-rules.md section 7, verbatim: business-day ordinals from Wed 2003-01-08 as day 1.
DYNEX_TABLE = """
01-06 --   01-07 --   01-08  1   01-09  2   01-10  3
01-13  4   01-14  5   01-15  6   01-16  7   01-17  8
01-20 HOL  01-21  9   01-22 10   01-23 11   01-24 12
01-27 13   01-28 14   01-29 15   01-30 16   01-31 17
02-03 18   02-04 19   02-05 20   02-06 21   02-07 22
02-10 23   02-11 24   02-12 25   02-13 26   02-14 27
02-17 HOL  02-18 28   02-19 29   02-20 30   02-21 31
02-24 32   02-25 33   02-26 34   02-27 35   02-28 36
03-03 37   03-04 38   03-05 39   03-06 40   03-07 41
03-10 42   03-11 43   03-12 44   03-13 45   03-14 46
"""


def _dynex_cells() -> list[tuple[date, str]]:
    tokens = DYNEX_TABLE.split()
    return [(date.fromisoformat(f"2003-{tokens[i]}"), tokens[i + 1]) for i in range(0, len(tokens), 2)]


@pytest.mark.parametrize(("day", "cell"), _dynex_cells(), ids=lambda value: str(value))
def test_dynex_calendar_table(day: date, cell: str) -> None:
    if cell == "HOL":
        assert not is_business_day(day)
    elif cell == "--":
        assert day < DYNEX_COMMENCED and is_business_day(day)
    else:
        ordinal = int(cell)
        assert business_day_ordinal(DYNEX_COMMENCED, day) == ordinal
        assert add_business_days(DYNEX_COMMENCED, ordinal) == day
        assert business_days_between(DYNEX_COMMENCED, day) == ordinal


def test_dynex_table_covers_every_weekday_and_no_weekend() -> None:
    cells = _dynex_cells()
    assert len(cells) == 50
    assert all(day.weekday() < 5 for day, _ in cells)
    assert [day for day, _ in cells] == sorted(day for day, _ in cells)
    assert closures_between(date(2003, 1, 6), date(2003, 3, 14)) == []  # no closure or Inauguration Day in window
