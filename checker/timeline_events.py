"""Timeline sections about holders' rights and what follows expiration.

Withdrawal rights (until expiration; the 40-business-day backstop, both
readings, against the date the offer states); prompt payment; the Rule
13e-4(f)(6) purchase bar (both readings); guaranteed delivery; the depositary
account; the expected Closing Date. See :mod:`checker.timeline`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from checker.calendar import deadline_day
from checker.timeline import (
    CITE_PROMPT,
    CITE_PURCHASE_BAR,
    CITE_WITHDRAW_BACKSTOP,
    CITE_WITHDRAW_OPEN,
    Context,
    Event,
    Reading,
    cite,
    day_text,
    end_of_day,
    local_date,
    ny,
    skipped_days,
)

BACKSTOP_BUSINESS_DAYS = 40
PURCHASE_BAR_BUSINESS_DAYS = 10

#: The standard settlement cycle (Exchange Act Rule 15c6-1), used as the default
#: meaning of "promptly" [M]: (first day in force, business days).
SETTLEMENT_CYCLES = ((dt.date(1995, 6, 7), 3), (dt.date(2017, 9, 5), 2), (dt.date(2024, 5, 28), 1))


def settlement_cycle(day: dt.date) -> int:
    """Business days of the standard settlement cycle in force on ``day`` (T+5 before June 1995)."""
    days = 5
    for start, cycle in SETTLEMENT_CYCLES:
        if day >= start:
            days = cycle
    return days


def withdrawal(ctx: Context) -> None:
    doc = ctx.document_cite("withdrawal", "cite")
    if ctx.expiration is not None:
        stated = ctx.get("withdrawal", "before_expiration")
        note = {True: "The offer states this right.", False: "The offer does NOT state this right.",
                None: "The document does not say whether the offer states it."}[stated]
        ctx.add(Event("withdrawal.until-expiration", ctx.expiration,
                      "Withdrawal rights during the offer end at expiration",
                      cite(CITE_WITHDRAW_OPEN, doc),
                      f"Tendered securities may be withdrawn at any time while the offer remains open, "
                      f"that is until {ny(ctx.expiration)} as extended. {note}", kind="withdrawal",
                      business_day=ctx.facts.get("expiration_business_day")))
    if ctx.commencement_day is None:
        return
    s, cal, start = ctx.settings, ctx.deadline_calendar, ctx.commencement_day
    day_a = cal.add_business_days(start, BACKSTOP_BUSINESS_DAYS)
    day_b = cal.add_business_days(start, BACKSTOP_BUSINESS_DAYS, inclusive=False)
    first_a, first_b = cal.next_business_day(day_a), cal.next_business_day(day_b)
    reading = s.withdrawal_backstop_reading
    required = end_of_day(day_b if reading == "commencement_excluded" else day_a)
    which = {"commencement_is_day_1": "reading A", "commencement_excluded": "reading B",
             "both": "the earlier, reading A (C9)"}[reading]
    skipped = skipped_days(cal, start, first_b)
    text = (f"Tenders not yet accepted for payment may be withdrawn after {BACKSTOP_BUSINESS_DAYS} business days "
            f"from commencement" + (f" ({skipped})" if skipped else "") + ". Reading A (commencement "
            f"{day_text(start)} is day 1, C2/C9): day {BACKSTOP_BUSINESS_DAYS} = {day_text(day_a)}, so the right "
            f"exists from 12:01 a.m. {day_text(first_a)} (business day {_number(ctx, first_a)}). Reading B "
            f"(commencement day excluded): day {BACKSTOP_BUSINESS_DAYS} = {day_text(day_b)}, right from "
            f"{day_text(first_b)} (business day {_number(ctx, first_b)}). Required: {which} "
            f"(settings.counting.withdrawal_backstop_reading = {reading}).")
    backstop_text = text
    facts: dict[str, Any] = {
        "day_40_inclusive": day_a, "right_from_inclusive": end_of_day(day_a), "first_business_day_inclusive": first_a,
        "day_40_exclusive": day_b, "right_from_exclusive": end_of_day(day_b), "first_business_day_exclusive": first_b,
        "reading": reading, "required_right_from": required}
    stated = ctx.get("withdrawal", "after_date_if_not_accepted")
    if isinstance(stated, dt.date):
        from_day = cal.first_business_day_on_or_after(stated + dt.timedelta(days=1))
        facts.update(stated_after=stated, stated_right_from=end_of_day(stated), stated_first_business_day=from_day)
        number = _number(ctx, from_day)
        if isinstance(number, int):
            facts["stated_business_day"] = number
        stated_text = (f"The offer states \"after {day_text(stated)}\": the right starts {day_text(from_day)} "
                       f"(business day {number}); " + _lateness(ctx, stated, first_a, "reading A") + "; "
                       + _lateness(ctx, stated, first_b, "reading B") + ".")
        text += " " + stated_text
        ctx.add(Event("withdrawal.stated", end_of_day(stated),
                      f"Withdrawal right after non-acceptance as the offer states it: after {day_text(stated)} "
                      f"(from {day_text(from_day)}, business day {number})",
                      cite(CITE_WITHDRAW_BACKSTOP, doc), stated_text, kind="withdrawal",
                      business_day=ctx.ordinal(stated, cal)))
    accepted = ctx.get("timeline", "accepted_for_payment_at")
    if isinstance(accepted, dt.datetime) and accepted < required:
        text += (f" Moot in practice: shares were accepted for payment on {ny(accepted)}, before the right "
                 "arose.")
    facts["computation"] = text
    ctx.facts["withdrawal"] = facts
    ctx.add(Event("withdrawal.backstop", required,
                  f"Withdrawal backstop: business day {BACKSTOP_BUSINESS_DAYS} = {day_text(day_a)}, right from "
                  f"{day_text(first_a)} (reading B: day {BACKSTOP_BUSINESS_DAYS} = {day_text(day_b)}, "
                  f"right from {day_text(first_b)})",
                  CITE_WITHDRAW_BACKSTOP, backstop_text,
                  (Reading("commencement is day 1", end_of_day(day_a)),
                   Reading("commencement day excluded", end_of_day(day_b))),
                  kind="withdrawal", business_day=BACKSTOP_BUSINESS_DAYS))


def _number(ctx: Context, day: dt.date) -> int | str:
    number = ctx.ordinal(day, ctx.deadline_calendar)
    return number if number is not None else "n/a"


def _lateness(ctx: Context, stated: dt.date, required_first: dt.date, reading: str) -> str:
    """How many business days the stated right starts after the required one."""
    cal = ctx.deadline_calendar
    if stated < required_first:
        early = cal.business_days_between(stated, required_first, include_end=False, include_start=False)
        return f"{early} business day(s) earlier than {reading} (at least as generous)" if early else \
            f"no later than {reading}"
    late = cal.business_days_between(required_first, stated)
    if not late:
        return f"no later than {reading}"
    days = [required_first]
    while len(days) < late:
        days.append(cal.next_business_day(days[-1]))
    return f"{late} business day(s) later than {reading} ({', '.join(day_text(d) for d in days)})"


def after_expiration(ctx: Context) -> None:
    terminated = ctx.get("timeline", "terminated_at")
    end = terminated if isinstance(terminated, dt.datetime) else ctx.expiration
    if end is None:
        ctx.gap("no expiration or termination time: prompt payment, the purchase bar and guaranteed "
                "delivery are not computed")
        return
    how = "termination" if end is terminated else "expiration"
    day = deadline_day(end)
    _prompt_payment(ctx, day, how)
    if ctx.get("offer", "subject_security") != "debt":
        _purchase_bar(ctx, day, how)
    _guaranteed_delivery(ctx, day)
    closing = ctx.get("timeline", "expected_closing_no_later_than")
    if isinstance(closing, dt.date):
        pay = ctx.facts.get("payment", {}).get("pay_by_day")
        note = ""
        if pay is not None and closing > pay:
            later = ctx.deadline_calendar.business_days_between(pay, closing, include_start=False)
            note = (f" It is {later} business day(s) after the prompt-payment date ({day_text(pay)}): if payment "
                    "takes that long, \"promptly\" needs support.")
        ctx.add(Event("closing.expected", end_of_day(closing), "Expected payment and issuance (\"Closing Date\")",
                      cite(CITE_PROMPT, ctx.document_cite("timeline", "cite")),
                      f"The offer expects payment and issuance no later than {day_text(closing)}.{note}",
                      kind="payment", business_day=ctx.ordinal(closing)))


def _prompt_payment(ctx: Context, day: dt.date, how: str) -> None:
    given = ctx.settings.prompt_payment_business_days
    n = given if given is not None else settlement_cycle(day)
    basis = ("settings.counting.prompt_payment_business_days" if given is not None else
             f"default [M]: the standard settlement cycle in force on {day_text(day)}, T+{n} "
             "(Rule 15c6-1); set settings.counting.prompt_payment_business_days to override")
    cal = ctx.deadline_calendar
    pay_by = cal.add_business_days(day, n, inclusive=False)
    text = (f"Consideration must be paid, or tendered securities returned, promptly after {how} "
            f"({day_text(day)}); \"promptly\" has no fixed period. Counted here as {n} business day(s) after "
            f"{how}: {day_text(pay_by)} ({basis}).")
    paid = ctx.get("timeline", "payment_at")
    if isinstance(paid, dt.datetime):
        after = cal.business_days_between(day, local_date(paid), include_start=False)
        text += f" Paid {ny(paid)}: {after} business day(s) after {how}."
    ctx.facts["payment"] = {"termination_day": day, "business_days": n, "pay_by_day": pay_by,
                            "pay_by": end_of_day(pay_by), "computation": text}
    ctx.add(Event("payment.prompt", end_of_day(pay_by),
                  f"Prompt payment or return of tendered securities ({n} business days after {how})",
                  cite(CITE_PROMPT, ctx.document_cite("timeline", "cite")), text, kind="payment",
                  business_day=ctx.ordinal(pay_by)))


def _purchase_bar(ctx: Context, day: dt.date, how: str) -> None:
    cal, n = ctx.minimum_calendar, PURCHASE_BAR_BUSINESS_DAYS
    inclusive, exclusive = cal.add_business_days(day, n), cal.add_business_days(day, n, inclusive=False)
    reading = ctx.settings.purchase_bar_counting
    last = exclusive if reading == "exclusive" else inclusive
    skipped = skipped_days(cal, day, exclusive)
    text = (f"No purchases of the subject securities (nor, in an exchange offer, of the securities offered) "
            f"otherwise than in the offer until {n} business days after the date of {how}, {day_text(day)}. "
            f"Inclusive reading ({day_text(day)} is day 1): through {day_text(inclusive)}. Exclusive reading "
            f"(\"after the date of termination\"; conservative, C11): through {day_text(exclusive)}"
            + (f" ({skipped})" if skipped else "") + f". Binding: {reading} (settings.counting."
            f"purchase_bar_counting); purchases permitted from {day_text(last + dt.timedelta(days=1))}, "
            f"after midnight ending {day_text(last)}.")
    ctx.facts["purchase_bar"] = {"termination_day": day, "last_day_inclusive": inclusive,
                                 "last_day_exclusive": exclusive, "reading": reading, "last_day": last,
                                 "purchases_allowed_from": end_of_day(last), "computation": text}
    ctx.add(Event("purchase-bar.end", end_of_day(last),
                  f"End of the issuer purchase bar: through {day_text(last)} ({reading}); purchases from "
                  f"{day_text(last + dt.timedelta(days=1))}",
                  CITE_PURCHASE_BAR, text,
                  (Reading(f"{how} day is day 1 (inclusive)", end_of_day(inclusive)),
                   Reading(f"day after {how} is day 1 (exclusive)", end_of_day(exclusive))),
                  kind="purchase_bar", business_day=ctx.ordinal(last)))


def _guaranteed_delivery(ctx: Context, day: dt.date) -> None:
    terms = ctx.get("timeline", "stated_terms") or {}
    n, calendar_name = terms.get("guaranteed_delivery_days"), terms.get("guaranteed_delivery_calendar")
    if not isinstance(n, int) or n < 1 or calendar_name is None:
        return
    if calendar_name == "business_days":
        cal, unit, note = ctx.deadline_calendar, "business days", ""
    else:
        cal = ctx.trading_calendar
        unit = "NYSE trading days" if calendar_name == "nyse_trading_days" else "Nasdaq trading days"
        note = (" NYSE trading days are counted on the Nasdaq calendar (the same scheduled holidays); check any "
                "unscheduled closure." if calendar_name == "nyse_trading_days" else "")
    last = cal.add_business_days(day, n, inclusive=False)
    text = (f"A notice of guaranteed delivery received at the expiration ({day_text(day)}) must be followed by "
            f"the securities and documents within {n} {unit} after the date of receipt: by the end of "
            f"{day_text(last)}.{note}")
    ctx.facts["guaranteed_delivery"] = {"days": n, "calendar": calendar_name, "last_day": last,
                                        "deliver_by": end_of_day(last), "computation": text}
    ctx.add(Event("guaranteed-delivery", end_of_day(last),
                  f"Guaranteed delivery: last day for items after a notice received at expiration ({n} {unit})",
                  cite("offer's stated terms", ctx.document_cite("timeline", "stated_terms", "cite")), text,
                  kind="delivery", business_day=ctx.ordinal(last)))


def dtc_account(ctx: Context) -> None:
    n = (ctx.get("timeline", "stated_terms") or {}).get("dtc_account_within_business_days")
    if ctx.commencement_day is None or not isinstance(n, int) or n < 1:
        return
    cal, day = ctx.deadline_calendar, ctx.commencement_day
    last, inclusive = cal.add_business_days(day, n, inclusive=False), cal.add_business_days(day, n)
    text = (f"The offer states the depositary account is opened within {n} business days after the date of the "
            f"offer ({day_text(day)}): by the end of {day_text(last)} (\"after\": the offer date is not counted; "
            f"counting it would give {day_text(inclusive)}).")
    opened = ctx.get("timeline", "dtc_account_established_at")
    if isinstance(opened, dt.datetime):
        text += f" Opened {ny(opened)}: " + ("on time." if opened <= end_of_day(last) else "LATE.")
    ctx.facts["dtc_account"] = {"business_days": n, "last_day": last, "deadline": end_of_day(last),
                                "computation": text}
    ctx.add(Event("dtc-account", end_of_day(last), f"Depositary (DTC) account opened ({n} business days)",
                  cite("offer's stated terms", ctx.document_cite("timeline", "stated_terms", "cite")), text,
                  (Reading("offer date excluded", end_of_day(last)), Reading("offer date is day 1", end_of_day(inclusive))),
                  kind="filing", business_day=ctx.ordinal(last)))
