"""Every deadline of an offer, each with its computation and its citation.

``compute_timeline(document)`` is pure: no I/O, no wall clock. It reads the
offer-state document's timeline, amendments, withdrawal terms and settings and
returns a :class:`Timeline`: a sorted tuple of :class:`Event` (what counsel reads:
``offercheck timeline``) and ``facts``, the same numbers as plain values for the
rules (published to them as ``derived.timeline.*`` by
:mod:`checker.derived_timeline`; shape in ``schemas/derived.schema.json``).

Counting follows conventions C1-C13 of ``shared/domain/sec-rules.md``: the day
of the triggering event is day 1 (the next business day if it is not one); an
N-business-day period ends at 12:00 midnight ending day N; periods run
concurrently. Where the law is ambiguous the computation gives both readings and
the document's ``settings.counting`` picks the binding one; every default is
named in :data:`DEFAULTS` and shown in the computation text, never silent.

What cannot be computed (a missing fact) is left out of ``facts`` (so rules
reading it go not_evaluable) and listed in ``gaps``.
"""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache
from typing import Any, NamedTuple

from checker.calendar import (
    NEW_YORK,
    BusinessCalendar,
    calendar_for,
    deadline_day,
    format_new_york,
    xnas_calendar,
)
from checker.calendar_data import CalendarSettings, federal_holidays, inauguration_days
from checker.document import OfferDocument

#: Event kinds, in the order they sort when two events share an instant.
KINDS = ("commencement", "milestone", "period_end", "expiration", "withdrawal", "notice_deadline",
         "filing", "delivery", "payment", "purchase_bar")

_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}

#: settings.counting defaults (sec-rules.md C7, C9, C10, C11; C&DI 101.17). The schema
#: states the same defaults (tests/unit/test_timeline.py checks they agree).
DEFAULTS: dict[str, Any] = {
    "change_period_counting": "both",
    "withdrawal_backstop_reading": "both",
    "purchase_bar_counting": "exclusive",
    "extension_notice_deadline": "first_exchange_opening_if_earlier",
    "exchange_first_opening_time": "09:30",
    "material_change_min_business_days": 5,
}

# Citations of the law. [M] marks text sec-rules.md could not verify against the CFR.
CITE_BUSINESS_DAY = "Rules 13e-4(a)(3), 14d-1(g)(3) [M]"
CITE_COMMENCEMENT = "Rule 13e-4(a)(4) [M]; Rule 14d-2(a)"
CITE_MINIMUM = "Rule 13e-4(f)(1)(i) [M]; Rule 14e-1(a); " + CITE_BUSINESS_DAY
CITE_TEN_DAYS = "Rule 14e-1(b); Rule 13e-4(f)(1)(ii) [M]"
CITE_FIVE_DAYS = "Rules 13e-4(d)(2), 13e-4(e)(3) [M]; Release 34-24296 (1987); C&DI 101.17"
CITE_CONCURRENT = "Rule 13e-4(f)(7) [M] (periods run concurrently)"
CITE_NOTICE = "Rule 14e-1(d) [M]"
CITE_WITHDRAW_OPEN = "Rule 13e-4(f)(2)(i) [M]"
CITE_WITHDRAW_BACKSTOP = "Rule 13e-4(f)(2)(ii) [M]"
CITE_PROMPT = "Rule 13e-4(f)(5); Rule 14e-1(c)"
CITE_PURCHASE_BAR = "Rule 13e-4(f)(6) [M]"
CITE_SCHEDULE_TO = "Rule 13e-4(c)(3) [M]; Rule 13e-4(d)(2) [M]"


class Reading(NamedTuple):
    """One reading of an ambiguous deadline: what it assumes, and the instant it gives."""

    label: str
    at: dt.datetime


class Event:
    """One dated event or deadline. ``at`` is aware, New York time.

    A plain class with slots rather than a dataclass (whose creation costs start-up time);
    treat it as immutable.
    """

    id: str
    at: dt.datetime
    label: str
    citation: str
    computation: str
    readings: tuple[Reading, ...]
    kind: str
    business_day: int | None  # ordinal counted from commencement (day 1), when defined

    __slots__ = ("at", "business_day", "citation", "computation", "id", "kind", "label", "readings")

    def __init__(self, id: str, at: dt.datetime, label: str, citation: str, computation: str,
                 readings: tuple[Reading, ...] = (), kind: str = "milestone", business_day: int | None = None):
        self.id = id
        # Whatever offset a document wrote, events are in New York time.
        self.at = at.astimezone(NEW_YORK)
        self.label = label
        self.citation = citation
        self.computation = computation
        self.readings = tuple(Reading(r.label, r.at.astimezone(NEW_YORK)) for r in readings)
        self.kind = kind
        self.business_day = business_day

    @property
    def day(self) -> dt.date:
        """The New York day the event falls on (midnight belongs to the day it ends)."""
        return deadline_day(self.at)

    @property
    def display(self) -> str:
        return format_new_york(self.at)


class SettingUsed(NamedTuple):
    """A counting or calendar setting, the value applied, and where it came from."""

    name: str
    value: str
    source: str  # "document" or "default"


class Timeline:
    """An offer's events, sorted, with the settings applied and the facts for the rules.

    A plain class with slots rather than a dataclass (whose creation costs start-up time).
    """

    offer_id: str
    title: str | None
    as_of: dt.datetime | None
    settings: tuple[SettingUsed, ...]
    events: tuple[Event, ...]
    facts: dict[str, Any]
    gaps: tuple[str, ...]

    __slots__ = ("as_of", "events", "facts", "gaps", "offer_id", "settings", "title")

    def __init__(self, offer_id: str, title: str | None, as_of: dt.datetime | None,
                 settings: tuple[SettingUsed, ...], events: tuple[Event, ...], facts: dict[str, Any],
                 gaps: tuple[str, ...] = ()):
        self.offer_id = offer_id
        self.title = title
        self.as_of = as_of
        self.settings = settings
        self.events = events
        self.facts = facts
        self.gaps = gaps


class TimelineSettings(NamedTuple):
    change_period_counting: str
    withdrawal_backstop_reading: str
    purchase_bar_counting: str
    extension_notice_deadline: str
    exchange_first_opening_time: dt.time
    material_change_min_business_days: int
    prompt_payment_business_days: int | None
    inauguration_day_is_holiday: bool | None
    extra_non_business_days: tuple[dt.date, ...]
    used: tuple[SettingUsed, ...]


def resolve_settings(document: OfferDocument) -> TimelineSettings:
    counting = document.get(("settings", "counting")) or {}
    calendar = document.get(("settings", "calendar")) or {}
    used: list[SettingUsed] = []
    values: dict[str, Any] = {}
    for name, default in DEFAULTS.items():
        given = name in counting
        values[name] = counting[name] if given else default
        used.append(SettingUsed(f"counting.{name}", str(values[name]), "document" if given else "default"))
    prompt = counting.get("prompt_payment_business_days")
    used.append(SettingUsed("counting.prompt_payment_business_days",
                            str(prompt) if prompt is not None else "settlement cycle in force [M]",
                            "document" if prompt is not None else "default"))
    inauguration = calendar.get("inauguration_day_is_holiday")
    used.append(SettingUsed(
        "calendar.inauguration_day_is_holiday",
        str(inauguration).lower() if inauguration is not None else
        "unset: non-business day for minimum periods and the purchase bar, business day for "
        "withdrawal and notice deadlines (holder-protective each way)",
        "document" if inauguration is not None else "default"))
    extra = tuple(calendar.get("extra_non_business_days") or ())
    if extra:
        used.append(SettingUsed("calendar.extra_non_business_days",
                                ", ".join(d.isoformat() for d in sorted(extra)), "document"))
    hours, minutes = (int(x) for x in values["exchange_first_opening_time"].split(":"))
    return TimelineSettings(
        change_period_counting=values["change_period_counting"],
        withdrawal_backstop_reading=values["withdrawal_backstop_reading"],
        purchase_bar_counting=values["purchase_bar_counting"],
        extension_notice_deadline=values["extension_notice_deadline"],
        exchange_first_opening_time=dt.time(hours, minutes),
        material_change_min_business_days=int(values["material_change_min_business_days"]),
        prompt_payment_business_days=prompt, inauguration_day_is_holiday=inauguration,
        extra_non_business_days=extra, used=tuple(used))


class Context:
    """What the section calculators share: the document, settings, calendars, results so far."""

    def __init__(self, document: OfferDocument):
        self.document = document
        self.settings = resolve_settings(document)
        self.events: list[Event] = []
        self.facts: dict[str, Any] = {}
        self.gaps: list[str] = []
        self.commencement_day: dt.date | None = None  # the New York date of commencement
        self.day_one: dt.date | None = None
        self.expiration: dt.datetime | None = None
        self._calendars: dict[bool, BusinessCalendar] = {}  # by the unset Inauguration Day reading

    # Calendars are built on first use (each precomputes 61 years of days, ~1 ms), and
    # cached by checker.calendar per settings, so equal settings share one. The context
    # keeps the two it reads too: the sections ask for them dozens of times, and each
    # lookup would otherwise validate a fresh CalendarSettings.

    def _sec_calendar(self, unset_reading: bool) -> BusinessCalendar:
        cal = self._calendars.get(unset_reading)
        if cal is None:
            s = self.settings
            reading = unset_reading if s.inauguration_day_is_holiday is None else s.inauguration_day_is_holiday
            cal = self._calendars[unset_reading] = calendar_for(CalendarSettings(
                inauguration_day_is_holiday=reading, extra_non_business_days=s.extra_non_business_days))
        return cal

    @property
    def minimum_calendar(self) -> BusinessCalendar:
        """For minimum-open periods and the purchase bar: unset Inauguration Day is a holiday (later date)."""
        return self._sec_calendar(True)

    @property
    def deadline_calendar(self) -> BusinessCalendar:
        """For rights and notices: unset Inauguration Day is a business day (earlier date).

        Holder-protective each way, sec-rules.md section 10.
        """
        return self._sec_calendar(False)

    @property
    def trading_calendar(self) -> BusinessCalendar:
        return xnas_calendar()

    def get(self, *path: str | int) -> Any:
        return self.document.get(tuple(path))

    def add(self, event: Event) -> None:
        self.events.append(event)

    def gap(self, text: str) -> None:
        self.gaps.append(text)

    def ordinal(self, day: dt.date, calendar: BusinessCalendar | None = None) -> int | None:
        """Business-day ordinal of ``day`` counted from commencement (day 1), or None."""
        cal = calendar or self.minimum_calendar
        if self.commencement_day is None or day < self.commencement_day or not cal.is_business_day(day):
            return None
        return cal.business_day_ordinal(self.commencement_day, day)

    def document_cite(self, *path: str | int) -> str:
        """The document's own citation at path (a citation object), as 'oc p.30 L2266-2274'."""
        cite = self.get(*path)
        if not isinstance(cite, dict):
            return ""
        parts = [cite.get("document") or "document"]
        if cite.get("page"):
            parts.append(f"p.{cite['page']}")
        if cite.get("lines"):
            parts.append(f"L{cite['lines']}")
        return "offer: " + " ".join(parts)


def cite(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def day_text(day: dt.date) -> str:
    if day.__class__ is dt.date:
        return _date_text(day)
    return day.strftime("%a %Y-%m-%d")


@lru_cache(maxsize=1024)
def _date_text(day: dt.date) -> str:
    # Cached: a timeline names the same few days dozens of times, and strftime is slow.
    # Plain dates only: equal aware datetimes in two zones can fall on different days.
    return day.strftime("%a %Y-%m-%d")


def ny(moment: dt.datetime) -> str:
    return format_new_york(moment)


def at_time(day: dt.date, hours: int, minutes: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=NEW_YORK)


def end_of_day(day: dt.date) -> dt.datetime:
    """12:00 midnight ending ``day`` (00:00 New York time the next calendar day)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=NEW_YORK)


def local_date(moment: dt.datetime) -> dt.date:
    """The New York date an event happens on (an event at 00:00 happens on that new day)."""
    return moment.astimezone(NEW_YORK).date()


@cache
def _holiday_names() -> dict[dt.date, str]:
    """Name of each Federal holiday and Inauguration Day (built once; callers only read it)."""
    names = {h.date: h.name for h in federal_holidays()}
    names.update({d.date: "Inauguration Day" for d in inauguration_days()})
    return names


def skipped_days(calendar: BusinessCalendar, first: dt.date, last: dt.date) -> str:
    """Weekday non-business days in [first, last], named, for the computation text."""
    names = _holiday_names()
    out = [f"{day_text(day)} ({names.get(day, 'settings.calendar.extra_non_business_days')})"
           for day in calendar.non_business_weekdays(first, last)]
    notes = []
    if out:
        notes.append("skipping " + ", ".join(out))
    counted = [c for c in calendar.closures_between(first, last) if c.counted_as_business_day]
    if counted:
        notes.append("counting as business days " + ", ".join(
            f"{day_text(c.date)} ({c.name}; C13: not a 5 U.S.C. 6103 holiday)" for c in counted))
    return "; ".join(notes)


def compute_timeline(document: OfferDocument) -> Timeline:
    """The timeline of one offer-state document (see the module docstring)."""
    from checker import timeline_events, timeline_periods

    ctx = Context(document)
    timeline_periods.commencement_and_minimum(ctx)
    timeline_periods.expirations_and_notices(ctx)
    timeline_periods.amendments(ctx)
    timeline_periods.required_expiration(ctx)
    timeline_periods.closures(ctx)
    timeline_events.withdrawal(ctx)
    timeline_events.after_expiration(ctx)
    timeline_events.dtc_account(ctx)
    events = sorted(enumerate(ctx.events), key=lambda p: (p[1].at, _KIND_ORDER.get(p[1].kind, 99), p[0]))
    as_of = document.get(("offer", "as_of"))
    return Timeline(
        offer_id=document.get(("offer", "id")) or "offer", title=document.get(("offer", "title")),
        as_of=as_of if isinstance(as_of, dt.datetime) else None, settings=ctx.settings.used,
        events=tuple(e for _, e in events), facts=ctx.facts, gaps=tuple(ctx.gaps))
