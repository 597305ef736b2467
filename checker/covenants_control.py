"""The holders' put on a change of control: is the event a Change of Control (and, where the
indenture requires one, a Triggering Event with a Rating Decline), and when are the notice and
the repurchase due?

2003 Senior Notes (OC p.49 L3400-3437): more than 50% of the Voting Stock or all or
substantially all assets; notice within 30 days; repurchase 30-60 days after the notice.
1997 Senior Notes (PS L1421-1463, L1711-1735, L1914-1930): 50% or more (and four other
events) plus a Rating Decline within 90 days of public notice; notice within 30 days of the
Triggering Event; repurchase not more than 45 days after the notice. Days are calendar days.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from checker.covenants_model import comparison_words, exceeds


def _plus(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


class ControlTerms(NamedTuple):
    indenture: str
    threshold_percent: Decimal | None
    comparison: str | None
    rating_decline_required: bool | None
    rating_window_days: int | None
    notice_days: int | None
    repurchase_min_days: int | None
    repurchase_max_days: int | None
    covered_events: frozenset[str] | None = None


class ControlEvent(NamedTuple):
    id: str
    kind: str | None
    occurred_on: dt.date | None
    voting_power_percent: Decimal | None = None
    public_notice_on: dt.date | None = None
    rating_decline: bool | None = None
    rating_decline_on: dt.date | None = None
    notice_mailed_on: dt.date | None = None
    repurchase_date: dt.date | None = None
    illustrative: bool = False


class ControlTest(NamedTuple):
    indenture: str
    event: str
    kind: str | None
    occurred_on: dt.date | None
    is_change_of_control: bool | None
    triggered: bool | None
    trigger_date: dt.date | None
    notice_deadline: dt.date | None
    notice_mailed_on: dt.date | None
    repurchase_date: dt.date | None
    repurchase_earliest: dt.date | None
    repurchase_latest: dt.date | None
    computation: str
    illustrative: bool


def change_of_control_test(terms: ControlTerms, event: ControlEvent) -> ControlTest:
    steps: list[str] = []
    is_coc: bool | None = None
    if event.kind is None:
        steps.append("the kind of event is not stated")
    elif terms.covered_events is not None and event.kind not in terms.covered_events:
        is_coc = False
        steps.append(f"a {event.kind} event is not within this indenture's definition")
    elif event.kind == "voting_power":
        if event.voting_power_percent is None or terms.threshold_percent is None:
            steps.append("the voting power acquired or the threshold is not stated")
        else:
            is_coc = exceeds(event.voting_power_percent, terms.threshold_percent, terms.comparison)
            steps.append(f"{event.voting_power_percent}% of the voting power is "
                         f"{'' if is_coc else 'not '}{comparison_words(terms.comparison)} "
                         f"{terms.threshold_percent}%")
    else:
        is_coc = True
        steps.append(f"a {event.kind} event is a Change of Control")
    triggered: bool | None = is_coc
    trigger = event.occurred_on if is_coc else None
    if is_coc and terms.rating_decline_required is not False:
        if terms.rating_decline_required is None:
            triggered, trigger = None, None
            steps.append("whether a rating decline is also required is not stated")
        else:
            triggered, trigger = _rating(terms, event, steps)
    if is_coc and event.occurred_on is None:
        triggered, trigger = None, None
        steps.append("the date of the change of control is not stated")
    deadline = earliest = latest = None
    if triggered and trigger is not None and terms.notice_days is not None:
        deadline = _plus(trigger, terms.notice_days)
        steps.append(f"notice due within {terms.notice_days} days after {trigger}, by {deadline}")
    if triggered and event.notice_mailed_on is not None:
        if terms.repurchase_min_days is not None:
            earliest = _plus(event.notice_mailed_on, terms.repurchase_min_days)
        if terms.repurchase_max_days is not None:
            latest = _plus(event.notice_mailed_on, terms.repurchase_max_days)
        window = " and ".join(x for x in (
            f"no earlier than {earliest} ({terms.repurchase_min_days} days)" if earliest else "",
            f"no later than {latest} ({terms.repurchase_max_days} days)" if latest else "") if x)
        steps.append(f"notice mailed {event.notice_mailed_on}; repurchase date {window} after it")
    if triggered is False:
        steps.append("no repurchase obligation arises")
    return ControlTest(indenture=terms.indenture, event=event.id, kind=event.kind,
                       occurred_on=event.occurred_on, is_change_of_control=is_coc,
                       triggered=triggered, trigger_date=trigger if triggered else None,
                       notice_deadline=deadline, notice_mailed_on=event.notice_mailed_on,
                       repurchase_date=event.repurchase_date, repurchase_earliest=earliest,
                       repurchase_latest=latest, computation="; ".join(steps),
                       illustrative=event.illustrative)


def _rating(terms: ControlTerms, event: ControlEvent, steps: list[str]
            ) -> tuple[bool | None, dt.date | None]:
    """PS L1914-1918: a Rating Decline on or within N days after public notice of the
    change of control (or of the intention to effect one)."""
    if event.rating_decline is False:
        steps.append("no Rating Decline: not a Change of Control Triggering Event")
        return False, None
    start = event.public_notice_on or event.occurred_on
    if event.rating_decline is None or event.rating_decline_on is None or start is None \
            or terms.rating_window_days is None:
        steps.append("whether (and when) a Rating Decline occurred within the window is not stated")
        return None, None
    end = _plus(start, terms.rating_window_days)
    if not start <= event.rating_decline_on <= end:
        steps.append(f"the rating decline on {event.rating_decline_on} is outside the "
                     f"{terms.rating_window_days}-day window {start}–{end} (the window is "
                     f"extended while a review with negative implications continues: not modelled)")
        return False, None
    trigger = max(event.rating_decline_on, event.occurred_on or event.rating_decline_on)
    steps.append(f"Rating Decline on {event.rating_decline_on}, within {terms.rating_window_days} "
                 f"days of {start}: Triggering Event on {trigger}")
    return True, trigger
