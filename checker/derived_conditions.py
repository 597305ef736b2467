"""Offer conditions measured from facts: rules read them as ``derived.conditions.*``.

Two measures need more than a comparison, so they are computed here, exactly:

- ``index_tests``: an index-decline condition ("any decline in either the Dow Jones
  Industrial Average or the Standard and Poor's Index ... by an amount in excess of
  10% measured from the close of business on January 2, 2003", OC p.33 L2456-2458)
  over the closes in ``market.indices``. A close triggers it when it is *below*
  (100 − threshold)% of the reference close (exactly 10% down does not). The test
  window runs from the first trading day after the reference date to the last close
  known at ``offer.as_of`` and not after the expiration time. "Not triggered" is only
  published when every Nasdaq trading day in the window has a close: a missing close
  could hide the trigger, so the rule goes not_evaluable rather than pass.
- ``ownership_tests``: a "more than 5% of a class" condition with a Schedule 13G
  carve-out (OC p.33 L2465-2477) against ``market.beneficial_owners``, under three
  readings of "shall have acquired" (an acquisition after the reference date; any
  holding above the threshold; the passive crossing a non-tendering holder makes when
  the offer retires the shares sought). ``any_triggered`` is published only when it
  is decided: true as soon as one reading triggers, false only when none can.

Percentages shown are rounded half-up to two places for display; every comparison is
exact (``shares × 100 > threshold × base``).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from checker.derived import calculator
from checker.document import OfferDocument

#: When an index close is struck, New York time (the close of regular trading).
CLOSE_TIME = dt.time(16, 0)
MAX_DAYS_LISTED = 8


@calculator("conditions")
def conditions_facts(document: OfferDocument) -> dict[str, Any]:
    conditions = document.get(("conditions",)) or []
    index_rows: list[dict[str, Any]] = []
    ownership_rows: list[dict[str, Any]] = []
    for cond in conditions:
        if not isinstance(cond, dict) or "id" not in cond:
            continue
        measure = cond.get("measure")
        if measure == "index_decline" or (measure is None and cond.get("indices")):
            for index_id in cond.get("indices") or []:
                index_rows.append(index_test(document, cond, index_id))
        if measure == "ownership_threshold":
            for owner in document.get(("market", "beneficial_owners")) or []:
                ownership_rows.append(ownership_test(document, cond, owner))
    return {"index_tests": index_rows, "ownership_tests": ownership_rows}


# ---------------------------------------------------------------- index decline

def index_test(document: OfferDocument, cond: dict[str, Any], index_id: str) -> dict[str, Any]:
    row: dict[str, Any] = {"id": f"{cond['id']}.{index_id}", "condition": cond["id"], "index": index_id}
    index = (document.get(("market", "indices")) or {}).get(index_id)
    gaps: list[str] = []
    if not isinstance(index, dict):
        row["computation"] = f"Index {index_id}: market.indices.{index_id} is not in the document."
        return row
    title = index.get("title") or index_id
    row["title"] = title
    threshold = cond.get("threshold_percent")
    reference_date = cond.get("reference_date") or index.get("reference_date")
    if index.get("reference_date") and cond.get("reference_date") and \
            index["reference_date"] != cond["reference_date"]:
        gaps.append(f"the index's reference date {index['reference_date']} differs from the condition's "
                    f"{cond['reference_date']}")
        reference_date = None
    reference_close = index.get("reference_close")
    if isinstance(threshold, Decimal):
        row["threshold_percent"] = threshold
    else:
        gaps.append(f"conditions[{cond['id']}].threshold_percent is missing")
    if isinstance(reference_date, dt.date):
        row["reference_date"] = reference_date
    else:
        gaps.append("the reference date is missing")
    if isinstance(reference_close, Decimal):
        row["reference_close"] = reference_close
    else:
        gaps.append(f"market.indices.{index_id}.reference_close (the close on the reference date) is missing")
    reading = _index_reading(document, index_id, title)
    if gaps:
        row["computation"] = f"{title}: cannot be measured: " + "; ".join(gaps) + "." + reading
        return row
    assert isinstance(threshold, Decimal) and isinstance(reference_close, Decimal)
    assert isinstance(reference_date, dt.date)
    floor_percent = Decimal(100) - threshold
    threshold_close = reference_close * floor_percent / 100
    row["threshold_close"] = threshold_close
    closes = {_date_key(d): v for d, v in (index.get("closes") or {}).items()
              if _date_key(d) is not None and isinstance(v, Decimal)}
    last_day, last_basis = _last_close_day(document)
    first_day = reference_date + dt.timedelta(days=1)
    in_window = sorted(d for d in closes if d > reference_date and (last_day is None or d <= last_day))
    triggers = [d for d in in_window if closes[d] * 100 < reference_close * floor_percent]
    row["closes_counted"] = len(in_window)
    if in_window:
        low = min(in_window, key=lambda d: (closes[d], d))
        row.update(lowest_close=closes[low], lowest_close_date=low,
                   decline_percent=_display_percent((reference_close - closes[low]) * 100 / reference_close))
    text = (f"{title}: reference close {_level(reference_close)} on {_day(reference_date)}; a close below "
            f"{_exact(threshold_close)} ({floor_percent}% of it, a decline in excess of {threshold}%) triggers "
            f"the condition.")
    missing: list[dt.date] = []
    if last_day is not None:
        row["window_first_day"], row["window_last_day"] = first_day, last_day
        missing = [d for d in _trading_days(first_day, last_day) if d not in closes]
        row["missing_trading_days"] = len(missing)
        text += f" Window: trading days {_day(first_day)} to {_day(last_day)} ({last_basis})."
    else:
        text += " The window's end is unknown (no offer.as_of and no expiration)."
    if in_window:
        text += (f" {len(in_window)} close(s) in it; lowest {_level(closes[low])} on {_day(low)}, "
                 f"{row['decline_percent']}% below the reference.")
    else:
        text += " No close in it."
    if triggers:
        first = triggers[0]
        row.update(triggered=True, first_trigger_date=first, first_trigger_close=closes[first])
        text += f" TRIGGERED: {_level(closes[first])} on {_day(first)} is below {_exact(threshold_close)}."
    elif last_day is not None and not missing:
        row["triggered"] = False
        text += " Not triggered: every close in the window is at or above the threshold."
    elif missing:
        shown = ", ".join(_day(d) for d in missing[:MAX_DAYS_LISTED])
        more = f" and {len(missing) - MAX_DAYS_LISTED} more" if len(missing) > MAX_DAYS_LISTED else ""
        text += (f" Cannot conclude it was not triggered: no close for {len(missing)} trading day(s) "
                 f"({shown}{more}).")
    ignored = sorted(d for d in closes if last_day is not None and d > last_day)
    if ignored:
        text += f" {len(ignored)} close(s) after the window not counted."
    row["computation"] = text + reading
    return row


def _index_reading(document: OfferDocument, index_id: str, title: str) -> str:
    lowered = title.lower()
    if "industrial" not in lowered or not ("standard and poor" in lowered or "s&p" in lowered):
        return ""
    reading = document.get(("settings", "policy", "sp500_index_reading"))
    if reading:
        return f" Index read as {reading} (settings.policy.sp500_index_reading)."
    return (f" The text names \"{title}\": it may mean the S&P 500 composite or the S&P Industrials; "
            f"settings.policy.sp500_index_reading is unset, so the closes under {index_id} are used as given.")


def _last_close_day(document: OfferDocument) -> tuple[dt.date | None, str]:
    """The last trading day whose close is known at offer.as_of and struck before expiration."""
    from checker.calendar import new_york_datetime, to_new_york

    bounds: list[tuple[dt.datetime, str]] = []
    as_of = document.get(("offer", "as_of"))
    if isinstance(as_of, dt.datetime):
        bounds.append((as_of, "closes known at offer.as_of"))
    expiration = _expiration(document)
    if expiration is not None:
        bounds.append((expiration, "closes before the expiration time"))
    if not bounds:
        return None, ""
    moment, basis = min(bounds, key=lambda b: b[0])
    local = to_new_york(moment)
    day = local.date()
    if local < new_york_datetime(day, CLOSE_TIME) or not _is_trading_day(day):
        day = _previous_trading_day(day)
    return day, basis


def _expiration(document: OfferDocument) -> dt.datetime | None:
    terminated = document.get(("timeline", "terminated_at"))
    if isinstance(terminated, dt.datetime):
        return terminated
    from checker.timeline import compute_timeline

    expiration = compute_timeline(document).facts.get("expiration")
    return expiration if isinstance(expiration, dt.datetime) else None


def _trading_days(first: dt.date, last: dt.date) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        if _is_trading_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _is_trading_day(day: dt.date) -> bool:
    from checker.calendar import is_trading_day

    return is_trading_day(day)


def _previous_trading_day(day: dt.date) -> dt.date:
    from checker.calendar import previous_trading_day

    return previous_trading_day(day)


# ---------------------------------------------------------------- beneficial ownership

def ownership_test(document: OfferDocument, cond: dict[str, Any], owner: dict[str, Any]) -> dict[str, Any]:
    owner_id = owner.get("id", "?")
    name = owner.get("name") or owner_id
    class_id = owner.get("class")
    row: dict[str, Any] = {"id": f"{cond['id']}.{owner_id}", "condition": cond["id"], "owner": owner_id,
                           "name": name}
    if class_id is not None:
        row["class"] = class_id
    threshold = cond.get("threshold_percent")
    percent = owner.get("percent")
    if not isinstance(threshold, Decimal) or not isinstance(percent, Decimal):
        row["computation"] = (f"{name}: cannot be measured: "
                              + ("the condition's threshold_percent is missing" if not isinstance(threshold, Decimal)
                                 else f"market.beneficial_owners[{owner_id}].percent is missing") + ".")
        return row
    row.update(threshold_percent=threshold, percent=percent)
    over = percent > threshold
    row["over_threshold"] = over
    head = f"{name} holds {percent}% of class {class_id}" + (
        f" ({owner['shares']:,} shares" + (f", as of {_day(owner['as_of'])})" if owner.get("as_of") else ")")
        if isinstance(owner.get("shares"), int) else "")
    text = [head + (f", more than {threshold}%." if over else f", not more than {threshold}%.")]

    carve_out, why = _carve_out(owner)
    if carve_out is not None:
        row["carve_out"] = carve_out
    text.append(why)

    readings: dict[str, bool | None] = {}
    # Reading 1: an acquisition after the reference date takes (or keeps) the owner above the threshold.
    acquired = owner.get("acquired_after_reference_date")
    if not over:
        readings["acquisition"] = False
    elif acquired is False:
        readings["acquisition"] = False
    elif acquired is True:
        readings["acquisition"] = None if carve_out is None else not carve_out
    else:
        readings["acquisition"] = None
    # Reading 2: any beneficial ownership above the threshold outside the carve-out, however acquired.
    readings["holding"] = False if not over else (None if carve_out is None else not carve_out)
    # Reading 3: the passive crossing after the offer retires the shares sought (holder does not tender).
    # The passive increase counts as the acquisition: no 13G carve-out survives a rise of 2
    # points or more over the holding at the reference date (or now, if that is not stated).
    after = _after_offer(document, owner, threshold)
    if after is not None:
        after_percent, after_over, after_text, shares, remaining = after
        row.update(percent_after_offer=after_percent, over_threshold_after_offer=after_over)
        base = owner.get("percent_at_reference_date")
        base = base if isinstance(base, Decimal) else percent
        rise_two_points = shares * 100 >= (base + 2) * remaining
        if not after_over:
            readings["passive"] = False
        elif rise_two_points:
            readings["passive"] = True
            after_text += (f" That is 2 points or more above {base}%, so no Schedule 13G carve-out can cover "
                           "it under this reading.")
        else:
            readings["passive"] = None if carve_out is None else not carve_out
        text.append(after_text)
    text.append(_readings_text(readings, threshold))

    triggered = [k for k, v in readings.items() if v is True]
    undecided = [k for k, v in readings.items() if v is None]
    if triggered:
        row["any_triggered"] = True
    elif not undecided:
        row["any_triggered"] = False
    if triggered:
        row["triggered_readings"] = ", ".join(triggered)
    if undecided:
        row["undetermined_readings"] = ", ".join(undecided)
    row["computation"] = " ".join(t for t in text if t)
    return row


def _carve_out(owner: dict[str, Any]) -> tuple[bool | None, str]:
    """The Schedule 13G carve-out: 13G on file at the reference date, < 2 more points, no switch to 13D."""
    on_file = owner.get("schedule_13g_on_file_at_reference_date")
    if on_file is False:
        return False, "No Schedule 13G was on file at the reference date, so the carve-out does not apply."
    if on_file is None:
        return None, ("Whether a Schedule 13G was on file at the reference date is not stated, so the 13G "
                      "carve-out cannot be applied.")
    if owner.get("schedule_13d_filed") is True:
        return False, "A Schedule 13G was on file, but the owner changed to Schedule 13D: no carve-out."
    before = owner.get("percent_at_reference_date")
    if not isinstance(before, Decimal):
        return None, ("A Schedule 13G was on file; the percentage at the reference date is not stated, so the "
                      "additional 2% cannot be measured.")
    increase = owner["percent"] - before
    if increase >= 2:
        return False, (f"A Schedule 13G was on file, but the holding rose {increase} points since the reference "
                       f"date ({before}% to {owner['percent']}%), 2 or more: no carve-out.")
    if owner.get("schedule_13d_filed") is None:
        return None, ("A Schedule 13G was on file and the holding rose less than 2 points; whether the owner "
                      "changed to Schedule 13D is not stated.")
    return True, (f"Carved out: a Schedule 13G was on file, the holding rose {increase} points (less than 2) "
                  f"and the owner did not change to Schedule 13D.")


def _after_offer(document: OfferDocument, owner: dict[str, Any], threshold: Decimal
                 ) -> tuple[Decimal, bool, str, int, int] | None:
    shares = owner.get("shares")
    cls = next((c for c in document.get(("classes",)) or [] if c.get("id") == owner.get("class")), None)
    if not isinstance(shares, int) or cls is None:
        return None
    outstanding, sought = cls.get("outstanding"), cls.get("sought")
    if not isinstance(outstanding, int) or not isinstance(sought, int) or outstanding <= sought:
        return None
    remaining = outstanding - sought
    over = shares * 100 > threshold * remaining
    percent = _display_percent(Decimal(shares) * 100 / remaining)
    return percent, over, (f"If the owner does not tender and the offer buys all {sought:,} shares sought, "
                           f"{shares:,} of the {remaining:,} remaining shares is {percent}%"
                           + (f", more than {threshold}%." if over else ".")), shares, remaining


def _readings_text(readings: dict[str, bool | None], threshold: Decimal) -> str:
    names = {"acquisition": "an acquisition after the reference date",
             "holding": f"any holding above {threshold}% outside the carve-out",
             "passive": "the passive crossing after the offer"}
    verdict = {True: "triggered", False: "not triggered", None: "undetermined"}
    return "Readings of \"shall have acquired\": " + "; ".join(
        f"{names[k]}: {verdict[v]}" for k, v in readings.items()) + "."


# ---------------------------------------------------------------- formatting

def _display_percent(value: Decimal) -> Decimal:
    """Two decimal places, half-up: for display only."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _level(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def _exact(value: Decimal) -> str:
    """An exact decimal with thousands separators and no trailing zeros (818.127, 4,500)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-')):,}"
    return sign + whole + (f".{frac}" if frac else "")


def _date_key(key: Any) -> dt.date | None:
    if isinstance(key, dt.date):
        return key
    try:
        return dt.date.fromisoformat(str(key))
    except ValueError:
        return None


def _day(day: dt.date) -> str:
    return day.strftime("%a %Y-%m-%d")
