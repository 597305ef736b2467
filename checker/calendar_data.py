"""Versioned holiday and closure tables behind :mod:`checker.calendar`.

The tables live in ``checker/data/`` and are plain JSON so that a reviewer can
read a diff of them:

- ``federal_holidays.json``: Federal holidays under 5 U.S.C. 6103(a), observed
  under 6103(b) and Executive Order 11582 (Saturday -> preceding Friday, Sunday ->
  following Monday), as produced by ``holidays.US(observed=True)``; plus, in a
  separate list, Inauguration Day (6103(c)), which is a holiday only in the
  "Inauguration Day area" and so is a setting, never a silent choice.
- ``xnas_holidays.json``: Nasdaq (XNAS) non-trading weekdays, as produced by
  ``holidays.financial_holidays('XNAS')`` (includes unscheduled closures).
- ``closures.json``: hand-curated, cited non-6103 closures (market closures and
  Executive-Order closures of the Federal government). Under convention C13 these
  are business days unless a setting says otherwise; they are reported as warnings.

It also holds what the tables are selected by: :class:`CalendarSettings`, the
supported range and :class:`CalendarRangeError`.

Both generated tables are written by ``scripts/regenerate_calendars.py``; the
``holidays`` package is used only there and in the tests, never at run time.
This module is pure standard library.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

#: First and last date every table covers. Dates outside raise CalendarRangeError.
RANGE_START = date(1990, 1, 1)
RANGE_END = date(2050, 12, 31)

#: Closure kinds. ``inauguration_day`` is synthesised from the federal table.
MARKET_CLOSURE = "market_closure"
EXECUTIVE_ORDER_CLOSURE = "executive_order_closure"
INAUGURATION_DAY = "inauguration_day"
CLOSURE_KINDS = frozenset({MARKET_CLOSURE, EXECUTIVE_ORDER_CLOSURE})

#: Calendar kinds: SEC business days, Nasdaq trading days.
SEC = "sec"
XNAS = "xnas"

_DATA_PACKAGE = "checker"
_DATA_DIR = "data"


class HolidayEntry(NamedTuple):
    """One dated entry of a holiday table (a date may carry several joined names)."""

    date: date
    name: str


class InaugurationDay(NamedTuple):
    """Inauguration Day under 5 U.S.C. 6103(c) as observed (Sunday -> Monday).

    ``coincides_with`` names the 6103(a) holiday already falling that day (e.g.
    MLK Day in 1997, 2013, 2025, 2041), in which case no extra day off is given.
    """

    date: date
    name: str
    coincides_with: str | None


class Closure(NamedTuple):
    """A day the government or the markets were closed though it was not a 6103 holiday.

    ``counted_as_business_day`` is filled in by the calendar that reports the
    closure (``BusinessCalendar.closures_between``): whether that calendar, with
    its settings, counted the day as a business (or trading) day. In the raw
    table it is ``None``.
    """

    date: date
    name: str
    kind: str
    source: str
    verified: bool
    counted_as_business_day: bool | None = None


class CalendarRangeError(ValueError):
    """A date (given or computed) lies outside the range the holiday tables cover."""


def range_error(day: date, what: str = "") -> CalendarRangeError:
    """The error for ``day`` outside the supported range (``what`` says how it was reached)."""
    return CalendarRangeError(
        f"{what}{day.isoformat()} is outside the supported calendar range "
        f"{RANGE_START.isoformat()}..{RANGE_END.isoformat()} (the Federal and Nasdaq holiday tables cover no more)"
    )


def as_date(value: object) -> date:
    """Accept a ``date`` (or subclass); refuse a ``datetime``, whose calendar date depends on its zone."""
    if isinstance(value, datetime):
        raise TypeError(f"expected a date, got the datetime {value!r}; convert it with new_york_date() first")
    if isinstance(value, date):
        return date(value.year, value.month, value.day)
    raise TypeError(f"expected a datetime.date, got {type(value).__name__}: {value!r}")


class CalendarSettings:
    """How a calendar counts. Hashable, so calendars are cached per settings.

    - ``kind``: ``"sec"`` (business days, Rule 13e-4(a)(3)) or ``"xnas"``
      (Nasdaq trading days, e.g. guaranteed-delivery periods).
    - ``inauguration_day_is_holiday``: count Inauguration Day (5 U.S.C. 6103(c))
      as a non-business day. Default True (holder-protective for minimum periods,
      sec-rules.md section 10). Ignored for ``xnas``: markets open that day.
    - ``closures_are_holidays``: treat the non-6103 closures of ``closures.json``
      (both kinds) as non-business days. Default False (C13). Ignored for
      ``xnas``, whose table already holds the actual market closures.
    - ``extra_non_business_days``: further dates treated as non-business days
      (an offer-state document's ``settings.calendar.extra_non_business_days``,
      e.g. a closure for which the SEC granted relief). Stored sorted and
      de-duplicated, so equal sets give the same cached calendar. Ignored for
      ``xnas``.

    A plain class rather than a dataclass (whose creation costs start-up time):
    immutable, equal and hashed by its four fields, validated and normalised here.
    """

    kind: str
    inauguration_day_is_holiday: bool
    closures_are_holidays: bool
    extra_non_business_days: tuple[date, ...]

    __slots__ = _fields = ("kind", "inauguration_day_is_holiday", "closures_are_holidays",
                           "extra_non_business_days")

    def __init__(self, kind: str = SEC, inauguration_day_is_holiday: bool = True,
                 closures_are_holidays: bool = False, extra_non_business_days: tuple[date, ...] = ()) -> None:
        if kind not in (SEC, XNAS):
            raise ValueError(f"calendar kind must be 'sec' or 'xnas', not {kind!r}")
        for name, value in (("inauguration_day_is_holiday", inauguration_day_is_holiday),
                            ("closures_are_holidays", closures_are_holidays)):
            if not isinstance(value, bool):
                raise TypeError(f"{name} must be a bool, not {value!r}")
        extra = extra_non_business_days
        if isinstance(extra, (str, bytes)) or not isinstance(extra, (tuple, list, set, frozenset)):
            raise TypeError(f"extra_non_business_days must be a sequence of dates, not {extra!r}")
        # Immutable: set once here, through object.__setattr__ (sorted, unique, plain dates).
        setattr_ = object.__setattr__
        setattr_(self, "kind", kind)
        setattr_(self, "inauguration_day_is_holiday", inauguration_day_is_holiday)
        setattr_(self, "closures_are_holidays", closures_are_holidays)
        setattr_(self, "extra_non_business_days", tuple(sorted({as_date(d) for d in extra})))

    def _key(self) -> tuple[str, bool, bool, tuple[date, ...]]:
        return (self.kind, self.inauguration_day_is_holiday, self.closures_are_holidays,
                self.extra_non_business_days)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: CalendarSettings is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: CalendarSettings is immutable")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple[type[CalendarSettings], tuple[str, bool, bool, tuple[date, ...]]]:
        return (self.__class__, self._key())  # copy and pickle through __init__

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"CalendarSettings({fields})"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> CalendarSettings:
        """Build settings from a mapping; an unknown key is an error, never ignored."""
        known = set(cls._fields)
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown calendar setting(s) {unknown}; known: {sorted(known)}")
        return cls(**values)


def _read_json(filename: str) -> dict[str, Any]:
    path = resources.files(_DATA_PACKAGE).joinpath(_DATA_DIR, filename)
    with path.open("r", encoding="utf-8") as handle:
        table: dict[str, Any] = json.load(handle)
    return table


@cache
def load_table(filename: str) -> dict[str, Any]:
    """Return the parsed JSON table ``checker/data/<filename>`` (read once, cached).

    Callers must not mutate the returned dict.
    """
    table = _read_json(filename)
    declared = table.get("range")
    if declared is not None and (
        declared.get("start") != RANGE_START.isoformat() or declared.get("end") != RANGE_END.isoformat()
    ):
        raise ValueError(
            f"{filename} covers {declared}, expected {RANGE_START}..{RANGE_END}; "
            "regenerate it with scripts/regenerate_calendars.py"
        )
    return table


@cache
def federal_holidays() -> tuple[HolidayEntry, ...]:
    """5 U.S.C. 6103(a) holidays, observed, over the supported range (weekend dates included)."""
    return tuple(
        HolidayEntry(date.fromisoformat(row["date"]), row["name"])
        for row in load_table("federal_holidays.json")["holidays"]
    )


@cache
def inauguration_days() -> tuple[InaugurationDay, ...]:
    """Inauguration Days (5 U.S.C. 6103(c)) over the supported range, as stored in the table."""
    return tuple(
        InaugurationDay(date.fromisoformat(row["date"]), row["name"], row["coincides_with"])
        for row in load_table("federal_holidays.json")["inauguration_days"]
    )


@cache
def xnas_holidays() -> tuple[HolidayEntry, ...]:
    """Nasdaq non-trading days other than weekends over the supported range."""
    return tuple(
        HolidayEntry(date.fromisoformat(row["date"]), row["name"])
        for row in load_table("xnas_holidays.json")["holidays"]
    )


@cache
def closures() -> tuple[Closure, ...]:
    """The hand-curated non-6103 closures of ``closures.json``, sorted by date then kind."""
    rows = load_table("closures.json")["closures"]
    result = []
    for row in rows:
        if row["kind"] not in CLOSURE_KINDS:
            raise ValueError(f"closures.json: unknown kind {row['kind']!r} on {row['date']}")
        result.append(
            Closure(
                date=date.fromisoformat(row["date"]),
                name=row["name"],
                kind=row["kind"],
                source=row["source"],
                verified=bool(row["verified"]),
            )
        )
    result.sort(key=lambda closure: (closure.date, closure.kind))
    return tuple(result)


def table_provenance() -> dict[str, Any]:
    """Version facts of the loaded tables, for reports (what data produced a finding)."""
    out: dict[str, Any] = {}
    for filename in ("federal_holidays.json", "xnas_holidays.json", "closures.json"):
        table = load_table(filename)
        out[filename] = {
            key: table[key] for key in ("version", "generated_by", "holidays_package_version") if key in table
        }
    return out


def compute_inauguration_days(
    first_year: int, last_year: int, federal_holiday_names: dict[date, str]
) -> list[InaugurationDay]:
    """Inauguration Day by rule, 5 U.S.C. 6103(c).

    January 20 of each fourth year after 1965; when January 20 is a Sunday, the
    next day. When that day is already a 6103(a) holiday (MLK Day), no extra day
    is given, which we record in ``coincides_with``. A Saturday Jan 20 gets no
    substitute day (6103(c) provides one only for Sunday).

    >>> [d.date.isoformat() for d in compute_inauguration_days(2009, 2017, {})]
    ['2009-01-20', '2013-01-21', '2017-01-20']
    """
    days: list[InaugurationDay] = []
    for year in range(first_year, last_year + 1):
        if year <= 1965 or (year - 1965) % 4 != 0:
            continue
        day = date(year, 1, 20)
        if day.weekday() == 6:  # Sunday -> Monday
            day += timedelta(days=1)
        days.append(InaugurationDay(day, "Inauguration Day", federal_holiday_names.get(day)))
    return days
