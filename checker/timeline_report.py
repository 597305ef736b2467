"""Render a Timeline as text (a dated table for a memo), JSON or iCalendar.

Deterministic: the same document gives byte-identical output. Nothing here reads
the wall clock: the iCalendar DTSTAMP is the document's ``offer.as_of`` (else its
commencement), and UIDs are derived from the offer id and the event id.
JSON follows ``schemas/timeline.schema.json``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from checker import __version__
from checker.calendar import format_new_york
from checker.timeline import Event, Timeline

FORMATS = ("text", "json", "ics")
SCHEMA_VERSION = 1
#: iCalendar DTSTAMP when the document gives neither offer.as_of nor a commencement.
FALLBACK_STAMP = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def render(timeline: Timeline, fmt: str, *, path: str, sha256: str, color: bool = False,
           width: int = 120) -> str:
    if fmt == "text":
        return render_text(timeline, path=path, color=color, width=width)
    if fmt == "json":
        return render_json(timeline, path=path, sha256=sha256)
    if fmt == "ics":
        return render_ics(timeline)
    raise ValueError(f"unknown timeline format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _readings(event: Event) -> str:
    return "; ".join(f"{r.label}: {format_new_york(r.at)}" for r in event.readings)


def render_text(timeline: Timeline, *, path: str, color: bool = False, width: int = 120) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from checker.reporters.console import report_console

    buffer = io.StringIO()
    console = report_console(buffer, width=width, color=color)
    title = timeline.title or timeline.offer_id
    console.print(Text(title, style="bold"))
    as_of = format_new_york(timeline.as_of) if timeline.as_of else "not stated"
    console.print(f"Offer {timeline.offer_id} ({path}); timeline as of {as_of}.", markup=False)
    console.print("Times are New York time; \"24:00\" is the midnight that ends the day. BD = business day "
                  "counted from commencement (day 1).", markup=False)
    table = Table(box=box.SIMPLE_HEAD, show_lines=True, expand=True, pad_edge=False)
    table.add_column("When (New York)", no_wrap=True, width=24)
    table.add_column("BD", justify="right", width=3)
    table.add_column("Deadline or event", overflow="fold", ratio=3)
    table.add_column("Computation", overflow="fold", ratio=6)
    table.add_column("Citation", overflow="fold", ratio=3)
    for event in timeline.events:
        computation = event.computation + (f"\nReadings: {_readings(event)}." if event.readings else "")
        table.add_row(event.display, str(event.business_day) if event.business_day else "",
                      event.label, computation, event.citation)
    if timeline.events:
        console.print(table)
    else:
        console.print("No deadline could be computed from this document.", markup=False)
    console.print("Settings: " + "; ".join(f"{s.name} = {s.value} ({s.source})" for s in timeline.settings),
                  markup=False)
    for gap in timeline.gaps:
        console.print(f"Not computed: {gap}.", markup=False)
    console.print(f"{len(timeline.events)} events", markup=False)
    return buffer.getvalue()


def _event_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.id, "kind": event.kind, "at": event.at.isoformat(), "day": event.day.isoformat(),
        "display": event.display, "business_day": event.business_day, "label": event.label,
        "computation": event.computation, "citation": event.citation,
        "readings": [{"label": r.label, "at": r.at.isoformat(), "display": format_new_york(r.at)}
                     for r in event.readings],
    }


def render_json(timeline: Timeline, *, path: str, sha256: str) -> str:
    report = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "offercheck", "version": __version__},
        "input": {"path": path, "sha256": sha256},
        "offer": {"id": timeline.offer_id, "title": timeline.title},
        "as_of": timeline.as_of.isoformat() if timeline.as_of else None,
        "timezone": "America/New_York",
        "settings": [{"name": s.name, "value": s.value, "source": s.source} for s in timeline.settings],
        "events": [_event_json(e) for e in timeline.events],
        "gaps": list(timeline.gaps),
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def _stamp(timeline: Timeline) -> dt.datetime:
    moment = timeline.as_of or timeline.facts.get("commencement") or FALLBACK_STAMP
    return moment.astimezone(dt.timezone.utc)


def render_ics(timeline: Timeline) -> str:
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    calendar = Calendar()
    calendar.add("prodid", f"-//offercheck {__version__}//timeline//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{timeline.title or timeline.offer_id} — deadlines")
    stamp = _stamp(timeline)
    for event in timeline.events:
        item = CalendarEvent()
        item.add("uid", f"{timeline.offer_id}.{event.id}@offercheck")
        item.add("dtstamp", stamp)
        # UTC instants: valid without a VTIMEZONE block and the same for every reader.
        item.add("dtstart", event.at.astimezone(dt.timezone.utc))
        item.add("summary", event.label)
        description = f"{event.display} (New York time)\n{event.computation}"
        if event.readings:
            description += f"\nReadings: {_readings(event)}."
        description += f"\nCitation: {event.citation}"
        item.add("description", description)
        item.add("categories", [event.kind])
        calendar.add_component(item)
    return calendar.to_ical().decode("utf-8")
