"""SEC business days, Nasdaq trading days and New York time.

Rule 13e-4(a)(3) and Rule 14d-1(g)(3) (17 CFR 240.13e-4, 240.14d-1): a *business
day* is any day other than a Saturday, Sunday or Federal holiday, and consists of
the time period from 12:01 a.m. through 12:00 midnight Eastern Time. In computing
a period, the day of the triggering event counts as day 1; when the event falls
on a day that is not a business day, day 1 is the first business day after it
(conventions C1-C3 of ``shared/domain/sec-rules.md``). An N-business-day minimum
ends at 12:00 midnight ending day N (C4).

Federal holidays are 5 U.S.C. 6103(a) as observed (C13), frozen from the
``holidays`` package into ``checker/data`` (see :mod:`checker.calendar_data`).
Two points are settings, never silent choices (:class:`CalendarSettings`):

- Inauguration Day (6103(c)) is a holiday only in the Washington area. Default:
  *not* a business day, which is holder-protective for minimum-open periods.
- Market and Executive-Order closures that are not 6103 holidays (2001-09-11..14,
  2001-12-24, ...). Default: business days (C13), reported by
  :meth:`BusinessCalendar.closures_between` so rules can warn.

Every lookup is O(1): the calendar precomputes, over 1990-01-01..2050-12-31, a
flag per day, a cumulative count of business days and the ordered list of
business days. Dates outside that range raise :class:`CalendarRangeError`.
Nothing here reads the wall clock.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from functools import cache
from itertools import accumulate, compress
from typing import Any
from zoneinfo import ZoneInfo

from checker import calendar_data
from checker.calendar_data import (
    INAUGURATION_DAY,
    RANGE_END,
    RANGE_START,
    XNAS,
    CalendarRangeError,
    CalendarSettings,
    Closure,
    HolidayEntry,
    InaugurationDay,
    as_date,
    range_error,
)

__all__ = [  # noqa: RUF022 (grouped: types, factory, business days, trading days, New York time)
    "NEW_YORK", "RANGE_START", "RANGE_END", "BusinessCalendar", "CalendarRangeError", "CalendarSettings",
    "Closure", "calendar_for", "sec_calendar", "xnas_calendar",
    "is_business_day", "business_day_ordinal", "add_business_days", "business_days_between",
    "next_business_day", "previous_business_day", "first_business_day_on_or_after", "start_of_business_day",
    "end_of_business_day", "closures_between",
    "is_trading_day", "trading_day_ordinal", "add_trading_days", "trading_days_between", "next_trading_day",
    "previous_trading_day",
    "to_new_york", "new_york_date", "new_york_datetime", "deadline_day", "format_new_york",
]

#: Rule 13e-4(a)(3) / 14d-1(g)(3) time is Eastern Time, i.e. New York civil time.
NEW_YORK = ZoneInfo("America/New_York")
_ONE_DAY = timedelta(days=1)


class BusinessCalendar:
    """Business days (kind ``sec``) or trading days (kind ``xnas``) with O(1) arithmetic.

    Build one through :func:`calendar_for` (cached). All methods take and return
    ``datetime.date``; "business day" below means "trading day" for ``xnas``.
    """

    __slots__ = ("_base", "_count_before", "_days", "_open", "_size", "_special", "_special_dates", "settings")

    def __init__(self, settings: CalendarSettings | None = None) -> None:
        self.settings = settings = settings or CalendarSettings()
        closed = self._holiday_ordinals(settings)
        self._base = base = RANGE_START.toordinal()
        self._size = size = RANGE_END.toordinal() - base + 1
        # _open[i]: day base+i is a business day. _count_before[i]: business days
        # strictly before day base+i (length size+1). _days[k]: ordinal of the
        # (k+1)-th business day of the range. Built with whole-list operations (a
        # repeated Monday-Friday week, then the holidays cleared) rather than a loop
        # over 22,000 days: a calendar is built on the first run of every process.
        first_weekday = (base + 6) % 7  # ordinal 1 (0001-01-01) is a Monday
        week = [True] * 5 + [False] * 2
        week = week[first_weekday:] + week[:first_weekday]
        self._open: list[bool] = (week * (size // 7 + 1))[:size]
        for ordinal in closed:
            if base <= ordinal < base + size:
                self._open[ordinal - base] = False
        self._count_before: list[int] = list(accumulate(self._open, initial=0))
        self._days: list[int] = list(compress(range(base, base + size), self._open))
        self._special = self._special_days()
        self._special_dates = [closure.date for closure in self._special]

    @staticmethod
    def _holiday_ordinals(settings: CalendarSettings) -> set[int]:
        if settings.kind == XNAS:
            return set(_table_ordinals(calendar_data.xnas_holidays))
        closed = set(_table_ordinals(calendar_data.federal_holidays))
        if settings.inauguration_day_is_holiday:
            closed.update(_table_ordinals(calendar_data.inauguration_days))
        if settings.closures_are_holidays:
            closed.update(_table_ordinals(calendar_data.closures))
        closed.update(day.toordinal() for day in settings.extra_non_business_days)
        return closed

    def _special_days(self) -> list[Closure]:
        """Weekday closures and Inauguration Days, each flagged with whether this calendar counts it."""
        return [
            closure._replace(counted_as_business_day=self._open[closure.date.toordinal() - self._base])
            for closure in _special_day_candidates()
        ]

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.settings!r})"

    # -- helpers --------------------------------------------------------------

    def _index(self, day: date) -> int:
        if day.__class__ is not date:
            day = as_date(day)
        i = day.toordinal() - self._base
        if i < 0 or i >= self._size:
            raise range_error(day)
        return i

    def _business_day_at(self, k: int, start: date, what: str) -> date:
        if 0 <= k < len(self._days):
            return date.fromordinal(self._days[k])
        beyond = RANGE_END + _ONE_DAY if k >= 0 else RANGE_START - _ONE_DAY
        raise range_error(beyond, f"{what} from {start.isoformat()} falls beyond the range: ")

    # -- queries ----------------------------------------------------------------

    def is_business_day(self, day: date) -> bool:
        """True if ``day`` is not a Saturday, Sunday or holiday of this calendar (13e-4(a)(3))."""
        return self._open[self._index(day)]

    def first_business_day_on_or_after(self, day: date) -> date:
        """``day`` itself if it is a business day, else the next one (day 1 under C3)."""
        return self._business_day_at(self._count_before[self._index(day)], day, "first business day")

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after ``day`` (e.g. the 14e-1(d) extension-notice day)."""
        return self._business_day_at(self._count_before[self._index(day) + 1], day, "next business day")

    def previous_business_day(self, day: date) -> date:
        """The last business day strictly before ``day``."""
        return self._business_day_at(self._count_before[self._index(day)] - 1, day, "previous business day")

    def add_business_days(self, start: date, n: int, *, inclusive: bool = True) -> date:
        """The date of business day ``n`` of a period triggered on ``start`` (``n >= 1``).

        ``inclusive=True`` (C2, 14d-1(g)(3)): ``start`` is day 1 if it is a business
        day, else the next business day is day 1 (C3). ``inclusive=False`` is the
        exclusive reading (C7, C9 reading B, C11): day 1 is the first business day
        strictly after ``start``. The period ends at midnight ending the returned day.

        >>> sec = sec_calendar()
        >>> sec.add_business_days(date(2003, 1, 8), 20)   # O1, Dynex 20-BD minimum
        datetime.date(2003, 2, 5)
        >>> sec.add_business_days(date(2003, 1, 8), 20, inclusive=False)
        datetime.date(2003, 2, 6)
        >>> sec.add_business_days(date(2003, 1, 8), 40)   # O3, withdrawal backstop day 40
        datetime.date(2003, 3, 6)
        """
        if n < 1:
            raise ValueError(f"n must be >= 1 (day 1 is the first counted day), got {n!r}")
        i = self._index(start)
        k = self._count_before[i if inclusive else i + 1] + n - 1
        return self._business_day_at(k, start, f"business day {n}")

    def business_day_ordinal(self, start: date, day: date, *, inclusive: bool = True) -> int:
        """Which business day ``day`` is in a period triggered on ``start`` (day 1 as in add_business_days).

        Inverse of :meth:`add_business_days`. Raises ValueError if ``day`` is not a
        business day or precedes day 1 (use :meth:`business_days_between` to count
        through an arbitrary date).

        >>> sec_calendar().business_day_ordinal(date(2003, 1, 8), date(2003, 2, 11))   # O2, Dynex expiry
        24
        """
        i = self._index(start)
        j = self._index(day)
        if not self._open[j]:
            raise ValueError(f"{day.isoformat()} is not a business day, so it has no business-day ordinal")
        first = self._count_before[i if inclusive else i + 1]
        k = self._count_before[j]
        if k < first:
            raise ValueError(f"{day.isoformat()} precedes day 1 of the period triggered on {start.isoformat()}")
        return k - first + 1

    def business_days_between(
        self, first: date, last: date, *, include_start: bool = True, include_end: bool = True
    ) -> int:
        """Count business days d with ``first <= d <= last`` (each bound can be made exclusive).

        Default closed interval: for a business day ``last``, this equals
        ``business_day_ordinal(first, last)``. ``last < first`` raises ValueError
        (an inverted period is a caller error, not zero days); an empty interval
        (``first == last`` with a bound excluded) counts 0.

        >>> sec_calendar().business_days_between(date(2003, 1, 8), date(2003, 2, 11))
        24
        """
        i = self._index(first)
        j = self._index(last)
        if j < i:
            raise ValueError(f"period ends ({last.isoformat()}) before it starts ({first.isoformat()})")
        low = i if include_start else i + 1
        high = j + 1 if include_end else j
        return self._count_before[high] - self._count_before[low] if high > low else 0

    def non_business_weekdays(self, first: date, last: date) -> list[date]:
        """The Monday-to-Friday days d with ``first <= d <= last`` that are not business days.

        The holidays (and setting-made closures) a count skipped, for computation texts.
        An inverted interval (``last < first``) has none.

        >>> sec_calendar().non_business_weekdays(date(2003, 1, 8), date(2003, 2, 5))
        [datetime.date(2003, 1, 20)]
        """
        i = self._index(first)
        j = self._index(last)
        base, is_open = self._base, self._open
        # (ordinal + 6) % 7 is the weekday, Monday = 0 (as in __init__).
        return [date.fromordinal(base + k) for k in range(i, j + 1) if not is_open[k] and (base + k + 6) % 7 < 5]

    def start_of_business_day(self, day: date) -> datetime:
        """12:01 a.m. New York time on business day ``day`` (13e-4(a)(3); commencement, 14d-2(a))."""
        if not self.is_business_day(day):
            raise ValueError(f"{day.isoformat()} is not a business day")
        return datetime.combine(day, time(0, 1), tzinfo=NEW_YORK)

    def end_of_business_day(self, day: date) -> datetime:
        """12:00 midnight ending business day ``day``: 00:00 New York time of the next calendar day (C1, C4).

        >>> sec_calendar().end_of_business_day(date(2003, 2, 5)).isoformat()
        '2003-02-06T00:00:00-05:00'
        """
        if not self.is_business_day(day):
            raise ValueError(f"{day.isoformat()} is not a business day")
        return datetime.combine(day + _ONE_DAY, time(0), tzinfo=NEW_YORK)

    def closures_between(self, first: date, last: date) -> list[Closure]:
        """Weekday closures and Inauguration Days with ``first <= date <= last``, for warnings.

        Each item is a :class:`Closure` of kind ``market_closure``,
        ``executive_order_closure`` or ``inauguration_day`` (only those not
        already a 6103(a) holiday), with ``counted_as_business_day`` saying
        whether this calendar counted it. Rules warn on the counted ones (C13)
        and, for Inauguration Day, show both readings (sec-rules.md section 10).
        """
        i = self._index(first)
        j = self._index(last)
        if j < i:
            raise ValueError(f"period ends ({last.isoformat()}) before it starts ({first.isoformat()})")
        low = bisect_left(self._special_dates, first)
        high = bisect_right(self._special_dates, last)
        return self._special[low:high]


# -- tables shared by every calendar (computed once per process) -------------------


@cache
def _table_ordinals(table: Callable[[], tuple[HolidayEntry | InaugurationDay | Closure, ...]]) -> frozenset[int]:
    """The date ordinals of one holiday table (``table`` is its calendar_data loader)."""
    return frozenset(entry.date.toordinal() for entry in table())


@cache
def _special_day_candidates() -> tuple[Closure, ...]:
    """Weekday closures and Inauguration Days (those not already a 6103(a) holiday) in the range,
    sorted by date then kind; each calendar flags whether it counts them (_special_days)."""
    inaugurations = [
        Closure(day.date, day.name, INAUGURATION_DAY, "5 U.S.C. 6103(c); sec-rules.md section 10", True)
        for day in calendar_data.inauguration_days()
        if day.coincides_with is None
    ]
    special = [
        closure
        for closure in (*calendar_data.closures(), *inaugurations)
        if closure.date.weekday() < 5 and RANGE_START <= closure.date <= RANGE_END
    ]
    special.sort(key=lambda closure: (closure.date, closure.kind))
    return tuple(special)


# -- factory and defaults ---------------------------------------------------------


@cache
def _build(settings: CalendarSettings) -> BusinessCalendar:
    return BusinessCalendar(settings)


def calendar_for(settings: CalendarSettings | Mapping[str, Any] | None = None) -> BusinessCalendar:
    """The (cached) calendar for ``settings``: a CalendarSettings, a mapping of its fields, or None (defaults)."""
    if settings is None:
        settings = CalendarSettings()
    elif not isinstance(settings, CalendarSettings):
        settings = CalendarSettings.from_mapping(settings)
    return _build(settings)


# Built once: rule functions (bd.*, td.*) ask for these calendars on every call.
_SEC_SETTINGS = CalendarSettings()
_XNAS_SETTINGS = CalendarSettings(kind=XNAS)


def sec_calendar() -> BusinessCalendar:
    """The default SEC business-day calendar (Inauguration Day a holiday, closures counted)."""
    return _build(_SEC_SETTINGS)


def xnas_calendar() -> BusinessCalendar:
    """The Nasdaq trading-day calendar."""
    return _build(_XNAS_SETTINGS)


_sec: BusinessCalendar | None = None
_xnas: BusinessCalendar | None = None


def _default_sec() -> BusinessCalendar:
    global _sec
    _sec = sec_calendar()
    return _sec


def _default_xnas() -> BusinessCalendar:
    global _xnas
    _xnas = xnas_calendar()
    return _xnas


# -- module-level functions on the default calendars (see the methods for semantics) --


def is_business_day(day: date) -> bool:
    """True if ``day`` is an SEC business day (default settings)."""
    return (_sec or _default_sec()).is_business_day(day)


def business_day_ordinal(start: date, day: date, *, inclusive: bool = True) -> int:
    """Ordinal of business day ``day`` in a period triggered on ``start`` (day 1 = start or next BD)."""
    return (_sec or _default_sec()).business_day_ordinal(start, day, inclusive=inclusive)


def add_business_days(start: date, n: int, *, inclusive: bool = True) -> date:
    """Business day ``n`` of a period triggered on ``start`` (C2 inclusive; ``inclusive=False`` exclusive)."""
    return (_sec or _default_sec()).add_business_days(start, n, inclusive=inclusive)


def business_days_between(first: date, last: date, *, include_start: bool = True, include_end: bool = True) -> int:
    """Business days in ``[first, last]`` (bounds optionally exclusive)."""
    return (_sec or _default_sec()).business_days_between(
        first, last, include_start=include_start, include_end=include_end
    )


def next_business_day(day: date) -> date:
    """The first SEC business day strictly after ``day``."""
    return (_sec or _default_sec()).next_business_day(day)


def previous_business_day(day: date) -> date:
    """The last SEC business day strictly before ``day``."""
    return (_sec or _default_sec()).previous_business_day(day)


def first_business_day_on_or_after(day: date) -> date:
    """``day`` if it is an SEC business day, else the next one."""
    return (_sec or _default_sec()).first_business_day_on_or_after(day)


def start_of_business_day(day: date) -> datetime:
    """12:01 a.m. New York time on business day ``day``."""
    return (_sec or _default_sec()).start_of_business_day(day)


def end_of_business_day(day: date) -> datetime:
    """12:00 midnight ending business day ``day`` (00:00 New York time the next calendar day)."""
    return (_sec or _default_sec()).end_of_business_day(day)


def closures_between(first: date, last: date) -> list[Closure]:
    """Closures and Inauguration Days in ``[first, last]`` as the default SEC calendar sees them."""
    return (_sec or _default_sec()).closures_between(first, last)


def is_trading_day(day: date) -> bool:
    """True if Nasdaq is open on ``day`` (Good Friday: closed though a business day; Veterans Day: open)."""
    return (_xnas or _default_xnas()).is_business_day(day)


def trading_day_ordinal(start: date, day: date, *, inclusive: bool = True) -> int:
    """Ordinal of trading day ``day`` in a period triggered on ``start``."""
    return (_xnas or _default_xnas()).business_day_ordinal(start, day, inclusive=inclusive)


def add_trading_days(start: date, n: int, *, inclusive: bool = True) -> date:
    """Trading day ``n`` counting from ``start``; "within N trading days after" X is ``inclusive=False``."""
    return (_xnas or _default_xnas()).add_business_days(start, n, inclusive=inclusive)


def trading_days_between(first: date, last: date, *, include_start: bool = True, include_end: bool = True) -> int:
    """Nasdaq trading days in ``[first, last]`` (bounds optionally exclusive)."""
    return (_xnas or _default_xnas()).business_days_between(
        first, last, include_start=include_start, include_end=include_end
    )


def next_trading_day(day: date) -> date:
    """The first Nasdaq trading day strictly after ``day``."""
    return (_xnas or _default_xnas()).next_business_day(day)


def previous_trading_day(day: date) -> date:
    """The last Nasdaq trading day strictly before ``day``."""
    return (_xnas or _default_xnas()).previous_business_day(day)


# -- New York time ------------------------------------------------------------------


def to_new_york(moment: datetime) -> datetime:
    """Convert an aware datetime to New York time; a naive one raises ValueError (its zone is unknown)."""
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: give a UTC offset or zone")
    return moment.astimezone(NEW_YORK)


def new_york_date(moment: datetime) -> date:
    """The New York calendar date of an aware instant (the day an event "occurs" for C2).

    >>> new_york_date(datetime(2003, 1, 9, 3, 0, tzinfo=ZoneInfo("UTC")))
    datetime.date(2003, 1, 8)
    """
    return to_new_york(moment).date()


def new_york_datetime(day: date, wall_time: time) -> datetime:
    """The aware datetime of New York wall-clock ``wall_time`` on ``day`` (e.g. 9:00 a.m. for 14e-1(d)).

    Ambiguous or skipped wall times (DST changes, 1:00-3:00 a.m.) resolve with fold=0.
    """
    if wall_time.tzinfo is not None:
        raise ValueError("wall_time must be naive: it is read as New York time")
    return datetime.combine(as_date(day) if day.__class__ is not date else day, wall_time, tzinfo=NEW_YORK)


def deadline_day(moment: datetime) -> date:
    """The day a deadline or expiration falls on, New York time.

    "12:00 midnight on Tuesday, February 18" is written 2003-02-19T00:00 but
    belongs to February 18: it is the end of that day (C1, C4). So an instant at
    exactly 00:00:00 New York time is the end of the previous day; any other
    instant is on its own New York date.

    >>> deadline_day(datetime(2003, 2, 19, 0, 0, tzinfo=NEW_YORK))
    datetime.date(2003, 2, 18)
    >>> deadline_day(datetime(2003, 2, 11, 17, 0, tzinfo=NEW_YORK))
    datetime.date(2003, 2, 11)
    """
    local = to_new_york(moment)
    if local.time() == time(0):
        return local.date() - _ONE_DAY
    return local.date()


def format_new_york(moment: datetime) -> str:
    """An instant as New York wall-clock text with weekday; midnight shown as 24:00 of the day it ends.

    >>> format_new_york(datetime(2003, 2, 6, 0, 0, tzinfo=NEW_YORK))
    'Wed 2003-02-05 24:00 EST'
    >>> format_new_york(datetime(2003, 2, 12, 14, 0, tzinfo=ZoneInfo("UTC")))
    'Wed 2003-02-12 09:00 EST'
    """
    local = to_new_york(moment)
    if local.time() == time(0):
        day = local.date() - _ONE_DAY
        return f"{day.strftime('%a %Y-%m-%d')} 24:00 {local.tzname()}"
    return local.strftime("%a %Y-%m-%d %H:%M %Z")
