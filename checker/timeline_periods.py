"""Timeline sections that bound how long the offer must stay open.

Commencement and the 20-business-day minimum; the scheduled and extended
expirations with the extension-notice deadline after each; each amendment's
minimum-open period; and the required expiration (the latest of them, periods
running concurrently). See :mod:`checker.timeline` for the conventions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from checker.calendar import NEW_YORK, deadline_day
from checker.timeline import (
    CITE_COMMENCEMENT,
    CITE_CONCURRENT,
    CITE_FIVE_DAYS,
    CITE_MINIMUM,
    CITE_NOTICE,
    CITE_SCHEDULE_TO,
    CITE_TEN_DAYS,
    Context,
    Event,
    Reading,
    at_time,
    cite,
    day_text,
    end_of_day,
    local_date,
    ny,
    skipped_days,
)

MINIMUM_BUSINESS_DAYS = 20
TEN = "ten_business_days"
FIVE = "five_business_days"
NONE = "none"
TEN_DAY_KINDS = {"consideration_increase": "an increase in the consideration",
                 "consideration_decrease": "a decrease in the consideration",
                 "amount_sought_decrease": "a decrease in the amount sought",
                 "soliciting_fee_change": "a change in the dealer's soliciting fee"}
FIVE_DAY_KINDS = {"condition_change": "a change in a condition",
                  "other_material": "another material change"}
NO_PERIOD_KINDS = {"extension": "an extension", "termination": "a termination",
                   "other_nonmaterial": "a change that is not material"}


def commencement_and_minimum(ctx: Context) -> None:
    commenced = ctx.get("timeline", "commencement")
    if not isinstance(commenced, dt.datetime):
        ctx.gap("timeline.commencement is missing: no period counted from commencement is computed")
        return
    cal = ctx.minimum_calendar
    day = local_date(commenced)
    day_one = cal.first_business_day_on_or_after(day)
    ctx.commencement_day, ctx.day_one = day, day_one
    note = "" if day == day_one else f"; {day_text(day)} is not a business day, so day 1 is the next one (C3)"
    clock = commenced.astimezone(NEW_YORK).time()
    if clock != dt.time(0, 1):
        note += f"; the document gives {clock.strftime('%H:%M')}, commencement is 12:01 a.m. (C5)"
    ctx.facts.update(commencement=commenced, commencement_day=day, day_one=day_one)
    ctx.add(Event("commencement", commenced, f"Commencement (business day 1 = {day_text(day_one)})",
                  cite(CITE_COMMENCEMENT, ctx.document_cite("timeline", "cite")),
                  f"The means to tender were first published, sent or given on {day_text(day)}: the offer "
                  f"commences at 12:01 a.m. that day (C5) and that day is day 1 of every period counted "
                  f"from commencement (C2){note}.", kind="commencement", business_day=1 if day == day_one else None))

    last = cal.add_business_days(day, MINIMUM_BUSINESS_DAYS)
    end = end_of_day(last)
    skipped = skipped_days(cal, day, last)
    text = (f"Day 1 = {day_text(day_one)}, day {MINIMUM_BUSINESS_DAYS} = {day_text(last)}"
            + (f" ({skipped})" if skipped else "")
            + f"; the period ends at 12:00 midnight ending day {MINIMUM_BUSINESS_DAYS} (C4), {ny(end)}."
            " An expiration at 5:00 p.m. on that day is too early; 11:59 p.m. is one minute short.")
    ctx.facts["minimum_period"] = {"business_days": MINIMUM_BUSINESS_DAYS, "last_day": last, "end": end,
                                   "last_minute": at_time(last, 23, 59), "computation": text}
    ctx.add(Event("minimum-period-end", end,
                  f"End of the {MINIMUM_BUSINESS_DAYS}-business-day minimum offering period "
                  f"(business day {MINIMUM_BUSINESS_DAYS} = {day_text(last)})",
                  CITE_MINIMUM, text, kind="period_end", business_day=MINIMUM_BUSINESS_DAYS))


def _expiration_text(ctx: Context, moment: dt.datetime) -> tuple[str, int | None, bool]:
    day = deadline_day(moment)
    is_bd = ctx.minimum_calendar.is_business_day(day)
    number = ctx.ordinal(day)
    if number is not None:
        where = f"falls on business day {number} ({day_text(day)}, counting {day_text(ctx.day_one)} as day 1)"
    elif not is_bd:
        where = f"falls on {day_text(day)}, which is not a business day"
    else:
        where = f"falls on {day_text(day)}"
    return f"{ny(moment)} {where}", number, is_bd


def _vs_minimum(ctx: Context, moment: dt.datetime) -> str:
    minimum = ctx.facts.get("minimum_period")
    if minimum is None:
        return ""
    end = minimum["end"]
    if moment >= end:
        after = ctx.minimum_calendar.business_days_between(minimum["last_day"], deadline_day(moment),
                                                           include_start=False)
        return (f"It is {after} business day(s) after day {MINIMUM_BUSINESS_DAYS} ({day_text(minimum['last_day'])})"
                if after else f"It is the end of day {MINIMUM_BUSINESS_DAYS} itself") + \
            f", at or after the end of the minimum period ({ny(end)})."
    short = end - moment
    hours, rest = divmod(int(short.total_seconds()) // 60, 60)
    return (f"It is {hours} h {rest:02d} min before the end of the minimum period ({ny(end)}, "
            f"midnight ending day {MINIMUM_BUSINESS_DAYS}).")


def _notice_deadline(ctx: Context, previous: dt.datetime) -> tuple[dt.date, dt.datetime, str]:
    """Rule 14e-1(d): 9:00 a.m. ET next business day, or the first exchange opening if earlier."""
    s = ctx.settings
    day = deadline_day(previous)
    notice_day = ctx.deadline_calendar.next_business_day(day)
    nine = at_time(notice_day, 9)
    classes = ctx.get("classes") or []
    listed = [c.get("id") for c in classes
              if isinstance(c.get("listing"), dict) and c["listing"].get("national_securities_exchange") is True]
    unknown = [c.get("id") for c in classes
               if not isinstance(c.get("listing"), dict)
               or c["listing"].get("national_securities_exchange") is None]
    opening = s.exchange_first_opening_time
    opening_at = at_time(notice_day, opening.hour, opening.minute)
    text = (f"Rule 14e-1(d): notice by 9:00 a.m. Eastern time on the next business day after the scheduled "
            f"expiration date ({day_text(day)}), {day_text(notice_day)}")
    source = "" if any(u.name == "counting.exchange_first_opening_time" and u.source == "document"
                       for u in s.used) else ", default"
    if s.extension_notice_deadline == "nine_am":
        return notice_day, nine, text + " (settings.counting.extension_notice_deadline = nine_am)."
    if listed or (unknown and opening_at < nine):
        who = ((f"class {listed[0]} is" if len(listed) == 1 else f"classes {', '.join(listed)} are")
               + " listed on a national securities exchange" if listed else
               f"the listing of class {', '.join(unknown)} is not stated and could be an exchange")
        deadline = min(nine, opening_at)
        governs = "9:00 a.m. is earlier and governs" if deadline == nine else "the opening is earlier and governs"
        return notice_day, deadline, (text + f"; {who}, first opening {opening.strftime('%H:%M')} "
                                      f"(settings.counting.exchange_first_opening_time{source}): {governs}.")
    if unknown:
        return notice_day, nine, text + (f"; no class is shown as listed on a national securities exchange, "
                                         f"and an exchange's first opening ({opening.strftime('%H:%M')}, "
                                         f"settings.counting.exchange_first_opening_time{source}) would be "
                                         "later than 9:00 a.m. anyway.")
    return notice_day, nine, text + ("; no class is listed on a national securities exchange, so the "
                                     "first-opening alternative does not apply.")


def expirations_and_notices(ctx: Context) -> None:
    scheduled = ctx.get("timeline", "scheduled_expiration")
    extensions = ctx.get("timeline", "extensions") or []
    doc_cite = ctx.document_cite("timeline", "cite")
    current: dt.datetime | None = scheduled if isinstance(scheduled, dt.datetime) else None
    if current is None:
        ctx.gap("timeline.scheduled_expiration is missing: no expiration or extension-notice deadline")
    else:
        ctx.facts["scheduled_expiration"] = current
    rows: list[dict[str, Any]] = []
    stops = [("scheduled", "Scheduled expiration", current, doc_cite)]
    for i, ext in enumerate(extensions):
        eid = ext.get("id", str(i))
        row: dict[str, Any] = {"id": eid}
        previous = ext.get("previous_expiration") or current
        new = ext.get("new_expiration")
        if isinstance(previous, dt.datetime):
            notice_day, deadline, text = _notice_deadline(ctx, previous)
            row.update(previous_expiration=previous, previous_expiration_day=deadline_day(previous),
                       notice_day=notice_day, notice_deadline=deadline,
                       notice_computation=f"{text} Deadline: {ny(deadline)}.")
        if isinstance(ext.get("announced_at"), dt.datetime):
            row["announced_at"] = announced = ext["announced_at"]
            if "notice_deadline" in row:
                margin = int((row["notice_deadline"] - announced).total_seconds()) // 60
                verdict = (f"{abs(margin)} min after the deadline" if margin < 0 else
                           f"{margin} min before the deadline" if margin else "exactly at the deadline")
                row["announcement_computation"] = f"Announced {ny(announced)}, {verdict} ({ny(row['notice_deadline'])})."
                ctx.add(Event(f"extension.{eid}.announced", announced,
                              f"Extension {eid} announced" + (f" (to {ny(new)})" if isinstance(new, dt.datetime) else ""),
                              cite(CITE_NOTICE, ctx.document_cite("timeline", "extensions", i, "cite")),
                              row["announcement_computation"], kind="milestone"))
        if isinstance(new, dt.datetime):
            row["new_expiration"] = new
        rows.append(row)
        current = new if isinstance(new, dt.datetime) else None
        stops.append((f"ext-{eid}", f"Expiration as extended by {eid}", current,
                      ctx.document_cite("timeline", "extensions", i, "cite")))
    ctx.facts["extensions"] = rows
    for key, label, moment, doc in stops:
        if moment is None:
            continue
        text, number, _ = _expiration_text(ctx, moment)
        comparison = _vs_minimum(ctx, moment)
        ctx.add(Event(f"expiration.{key}", moment, label, cite(CITE_MINIMUM, doc),
                      f"{text}. {comparison}".strip(), kind="expiration", business_day=number))
        notice_day, deadline, notice_text = _notice_deadline(ctx, moment)
        ctx.add(Event(f"extension-notice.{key}", deadline,
                      f"Extension-notice deadline for the {ny(moment)} expiration",
                      cite(CITE_NOTICE, ctx.document_cite("timeline", "stated_terms", "cite")),
                      notice_text + " The notice must state the approximate number of securities deposited "
                      "to date.", kind="notice_deadline", business_day=ctx.ordinal(notice_day)))
    if current is None and (extensions or scheduled is not None):
        ctx.gap("an extension has no new_expiration: the current expiration is unknown")
        return
    if current is None:
        return
    text, number, is_bd = _expiration_text(ctx, current)
    ctx.expiration = current
    ctx.facts.update(expiration=current, expiration_day=deadline_day(current), expiration_is_business_day=is_bd,
                     expiration_computation=f"Expiration {text}.", expiration_vs_minimum=_vs_minimum(ctx, current))
    if number is not None:
        ctx.facts["expiration_business_day"] = number


def _classify(ctx: Context, amendment: dict[str, Any]) -> tuple[str | None, str]:
    """(period, reason): TEN, FIVE, NONE, or None when the facts cannot decide it."""
    changes = amendment.get("changes")
    material = amendment.get("material")
    if not changes:
        if material is True:
            return FIVE, "a material change (amendments[].material)"
        if material is False:
            return NONE, "not material (amendments[].material is false) and no change listed"
        return None, "the amendment lists no changes and does not say whether it is material"
    ten, five, none, unknown = [], [], [], []
    for change in changes:
        kind = change.get("kind")
        if kind in TEN_DAY_KINDS:
            ten.append(TEN_DAY_KINDS[kind])
        elif kind in FIVE_DAY_KINDS:
            five.append(FIVE_DAY_KINDS[kind])
        elif kind in NO_PERIOD_KINDS:
            none.append(NO_PERIOD_KINDS[kind])
        elif kind in ("amount_sought_increase", "cap_change"):
            verdict, why = _two_percent(ctx, change)
            (ten if verdict is True else none if verdict is False else unknown).append(why)
        elif kind == "condition_waiver":
            cond = next((c for c in ctx.get("conditions") or [] if c.get("id") == change.get("condition")), {})
            if cond.get("material") is False and material is not True:
                none.append(f"the waiver of condition {cond.get('id')}, which the document marks not material")
            else:
                five.append(f"the waiver of a material condition ({change.get('condition') or 'unnamed'})"
                            + ("" if cond.get("material") is True else
                               "; materiality not stated, treated as material (holder-protective)"))
        else:
            unknown.append(f"change {change.get('id')} has no kind")
    if ten:
        return TEN, "; ".join(ten)
    if unknown:
        return None, "; ".join(unknown)
    if five or material is True:
        return FIVE, "; ".join(five) or "a material change (amendments[].material)"
    return NONE, "; ".join(none)


def _two_percent(ctx: Context, change: dict[str, Any]) -> tuple[bool | None, str]:
    """Is an increase in the amount sought a 'change' (more than 2% of the class)? C12."""
    old, new = change.get("old_shares"), change.get("new_shares")
    if isinstance(old, int) and isinstance(new, int) and new < old:
        return True, f"a decrease in the amount sought ({old:,} to {new:,} shares)"
    class_id = change.get("class")
    if class_id is None and change.get("option"):
        options = ctx.get("consideration", "options") or []
        class_id = next((o.get("class") for o in options if o.get("id") == change["option"]), None)
    cls = next((c for c in ctx.get("classes") or [] if c.get("id") == class_id), {})
    outstanding = cls.get("outstanding")
    if not (isinstance(old, int) and isinstance(new, int) and isinstance(outstanding, int)):
        return None, (f"change {change.get('id')}: whether the increase exceeds 2% of the class needs "
                      "old_shares, new_shares and the class's outstanding shares")
    increase = new - old
    within = increase * 50 <= outstanding  # increase <= 2% of outstanding, exactly
    two_pct = f"2% of {outstanding:,} outstanding = {outstanding * 2 / 100:,.2f}"
    if within:
        return False, (f"an increase of {increase:,} shares in class {class_id}, within {two_pct}: not a change "
                       "under the 2% proviso (C12)")
    return True, f"an increase of {increase:,} shares in class {class_id}, more than {two_pct}"


def amendments(ctx: Context) -> None:
    s = ctx.settings
    rows: list[dict[str, Any]] = []
    for i, amendment in enumerate(ctx.get("amendments") or []):
        aid = amendment.get("id", str(i))
        row: dict[str, Any] = {"id": aid}
        rows.append(row)
        doc = ctx.document_cite("amendments", i, "cite")
        published = amendment.get("first_published_at")
        period, reason = _classify(ctx, amendment)
        row["period_reason"] = reason
        if period is not None:
            row["period"] = period
        if not isinstance(published, dt.datetime):
            ctx.gap(f"amendment {aid}: first_published_at is missing, so its period cannot be counted")
            continue
        day = local_date(published)
        row.update(first_published_at=published, publication_day=day)
        number = ctx.ordinal(day)
        if number is not None:
            row["publication_business_day"] = number
        where = f"business day {number}" if number else day_text(day)
        ctx.add(Event(f"amendment.{aid}.published", published, f"Amendment {aid} first published ({where})",
                      cite(CITE_TEN_DAYS if period == TEN else CITE_FIVE_DAYS, doc),
                      f"Notice first published, sent or given {ny(published)}: day 1 of any period it starts "
                      f"(C2). Classified as {reason}.", kind="milestone", business_day=number))
        if period is None:
            ctx.gap(f"amendment {aid}: its minimum-open period cannot be determined ({reason})")
            continue
        if period != NONE or amendment.get("material") is True:
            _schedule_to_event(ctx, amendment, aid, published, doc)
        if period == NONE:
            row["computation"] = f"Amendment {aid} starts no minimum-open period: {reason}."
            continue
        n = 10 if period == TEN else s.material_change_min_business_days
        cal = ctx.minimum_calendar
        inclusive, exclusive = cal.add_business_days(day, n), cal.add_business_days(day, n, inclusive=False)
        binding = exclusive if s.change_period_counting == "exclusive" else inclusive
        reading = "exclusive" if s.change_period_counting == "exclusive" else "inclusive"
        skipped = skipped_days(cal, day, exclusive)
        basis = (f"{n} business days from first publication ({reason}); " +
                 ("Rule 14e-1(b)/13e-4(f)(1)(ii)" if period == TEN else
                  f"about {n} business days as a general rule (C&DI 101.17; "
                  "settings.counting.material_change_min_business_days)"))
        text = (f"{basis}. Inclusive reading (publication day {day_text(day)} is day 1, C2/C7): day {n} = "
                f"{day_text(inclusive)}, open through {ny(end_of_day(inclusive))}. Exclusive reading (day 1 is the "
                f"next business day; Solomon guide, C7): day {n} = {day_text(exclusive)}, open through "
                f"{ny(end_of_day(exclusive))}" + (f" ({skipped})" if skipped else "") +
                f". Binding: the {reading} reading (settings.counting.change_period_counting = "
                f"{s.change_period_counting}).")
        row.update(business_days=n, reading=reading, last_day=binding, open_until=end_of_day(binding),
                   last_day_inclusive=inclusive, open_until_inclusive=end_of_day(inclusive),
                   last_day_exclusive=exclusive, open_until_exclusive=end_of_day(exclusive),
                   exclusive_reading_shown=s.change_period_counting == "both", computation=text)
        ctx.add(Event(f"amendment.{aid}.open-until", end_of_day(binding),
                      f"Offer must stay open after amendment {aid}: through {day_text(binding)} "
                      f"({n} business days, {reading})",
                      cite(CITE_TEN_DAYS if period == TEN else CITE_FIVE_DAYS, CITE_CONCURRENT, doc), text,
                      (Reading("publication day is day 1 (inclusive)", end_of_day(inclusive)),
                       Reading("day after publication is day 1 (exclusive)", end_of_day(exclusive))),
                      kind="period_end", business_day=ctx.ordinal(binding)))
    ctx.facts["amendments"] = rows


def _schedule_to_event(ctx: Context, amendment: dict[str, Any], aid: str, published: dt.datetime,
                       doc: str) -> None:
    filing_id = amendment.get("filing")
    filing = next((f for f in ctx.get("filings") or [] if f.get("id") == filing_id), None)
    if filing is None:
        status = ("no Schedule TO amendment is recorded for it (amendments[].filing)" if filing_id is None
                  else f"filing {filing_id} is not in filings[]")
    else:
        when = filing.get("filed_at") or filing.get("filed_on") or filing.get("filed_no_later_than")
        shown = ny(when) if isinstance(when, dt.datetime) else (day_text(when) if when else "date not stated")
        status = f"reported by {filing.get('form') or 'filing'} {filing_id}, filed {shown}"
    ctx.add(Event(f"amendment.{aid}.schedule-to", published,
                  f"Schedule TO amendment reporting amendment {aid}: promptly",
                  cite(CITE_SCHEDULE_TO, doc),
                  "An amendment to Schedule TO must report a material change promptly; the rule sets no fixed "
                  f"period, so this is the date of the change. Here: {status}.", kind="filing",
                  business_day=ctx.ordinal(local_date(published))))


def required_expiration(ctx: Context) -> None:
    parts: list[tuple[dt.datetime, str]] = []
    minimum = ctx.facts.get("minimum_period")
    if minimum:
        parts.append((minimum["end"], f"{MINIMUM_BUSINESS_DAYS}-business-day minimum: {ny(minimum['end'])}"))
    undetermined = []
    for row in ctx.facts.get("amendments", []):
        if "open_until" in row:
            parts.append((row["open_until"], f"amendment {row['id']} ({row['business_days']} business days, "
                                             f"{row['reading']}): {ny(row['open_until'])}"))
        elif row.get("period") != NONE:
            undetermined.append(row["id"])
    if not parts:
        return
    latest, _ = max(parts, key=lambda p: p[0])
    text = ("Periods run concurrently (C6), so the latest governs: " + "; ".join(t for _, t in parts) + ".")
    if undetermined:
        text += f" Not counted (period undetermined): amendment {', '.join(undetermined)}; this is a lower bound."
    else:
        ctx.facts.update(required_expiration=latest, required_expiration_computation=text)
    if ctx.expiration is not None:
        text += (f" The current expiration, {ny(ctx.expiration)}, is "
                 + ("at or after it." if ctx.expiration >= latest else "EARLIER."))
    ctx.add(Event("required-expiration", latest,
                  ("Earliest lawful expiration" if not undetermined else "Earliest lawful expiration (at least)"),
                  cite(CITE_CONCURRENT, "Rules 13e-4(f)(1) [M], 14e-1(a), (b)"), text, kind="period_end",
                  business_day=ctx.ordinal(deadline_day(latest))))


def closures(ctx: Context) -> None:
    """Closures that are not 6103 holidays, inside the period the offer counts (C13).

    From business day 1 to the later of the current and the required expiration. Each says
    whether the minimum-period calendar counted it, so a rule can warn that a period was
    counted through a day the markets or the government were closed.
    """
    if ctx.day_one is None:
        return
    ends = [moment for moment in (ctx.expiration, ctx.facts.get("required_expiration")) if moment]
    if not ends:
        return
    last = deadline_day(max(ends))
    if last < ctx.day_one:
        return
    rows = []
    for c in ctx.minimum_calendar.closures_between(ctx.day_one, last):
        row = {"id": c.date.isoformat(), "date": c.date, "name": c.name, "kind": c.kind, "source": c.source,
               "counted_as_business_day": bool(c.counted_as_business_day)}
        if c.counted_as_business_day:
            row["business_day"] = ctx.ordinal(c.date)
        rows.append(row)
    ctx.facts["closures"] = rows
