"""Event covenants: affiliate transactions, change of control, events of default.

All dates are calendar dates and "within N days" means on or before the date N
calendar days later (the indentures count days, not business days). Amount
thresholds are compared as the indenture words them: "in excess of" is
greater_than, "or more" is at_least (seed-catalog X51 lists both).

Sources: 2003 Senior Notes (OC p.49-51 L3400-3593), 1997 Senior Notes
(PS L1421-1463, L1587-1609, L1711-1735, L1914-1930, L2002-2018).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from checker.covenants import ZERO, DefaultStatus, money_text

VOTE_RANK = {"none": 0, "majority": 1, "majority_including_disinterested": 2, "unanimous": 3}
COMPANY_WIDE_KINDS = ("other_debt_payment", "other_debt_acceleration", "judgment", "pending_claim")
OWN_KINDS = ("interest_payment", "principal_payment", "covenant_breach", "bankruptcy", "other")


def exceeds(amount: Decimal, threshold: Decimal, comparison: str | None) -> bool:
    """True when amount reaches the threshold as worded; unset wording reads "or more"
    (the stricter reading: the event fires at the threshold itself)."""
    return amount > threshold if comparison == "greater_than" else amount >= threshold


def comparison_words(comparison: str | None) -> str:
    return "more than" if comparison == "greater_than" else "at least"


def threshold_words(threshold: Decimal, comparison: str | None) -> str:
    """"$25,000,000.00 or more" / "more than $10,000,000.00", as the indentures word them."""
    if comparison == "greater_than":
        return f"more than {money_text(threshold)}"
    return f"{money_text(threshold)} or more"


def _plus(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


# ------------------------------------------------------------------ affiliate transactions

@dataclass(frozen=True)
class AffiliateTerms:
    indenture: str
    board_threshold: Decimal | None
    board_vote: str | None
    fairness_threshold: Decimal | None
    fairness_from: str | None
    comparison: str | None
    resolution_filed_required: bool = False
    opinion_before_consummation: bool = False
    opinion_filed_required: bool = False
    ordinary_course_exempt_from_opinion: bool = False
    exemptions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AffiliateDeal:
    id: str
    date: dt.date | None
    amount: Decimal | None
    common_plan: str | None = None
    board_approval: str | None = None
    resolution_filed: bool | None = None
    opinion_from: str | None = None
    opinion_on: dt.date | None = None
    opinion_filed: bool | None = None
    ordinary_course: bool | None = None
    exemption: str | None = None
    illustrative: bool = False


@dataclass(frozen=True)
class AffiliateTest:
    indenture: str
    transaction: str
    date: dt.date | None
    amount: Decimal | None
    related: tuple[str, ...]
    aggregate: Decimal | None
    exempt: bool
    board_threshold: Decimal | None
    board_required: bool | None
    board_ok: bool | None
    fairness_threshold: Decimal | None
    fairness_required: bool | None
    fairness_ok: bool | None
    board_computation: str
    fairness_computation: str
    illustrative: bool


def affiliate_tests(terms: AffiliateTerms, deals: list[AffiliateDeal]) -> list[AffiliateTest]:
    return [_affiliate(terms, deal, deals) for deal in deals]


def _affiliate(terms: AffiliateTerms, deal: AffiliateDeal, deals: list[AffiliateDeal]) -> AffiliateTest:
    group = [d for d in deals if deal.common_plan and d.common_plan == deal.common_plan] or [deal]
    amounts = [d.amount for d in group]
    aggregate = None if any(a is None for a in amounts) else sum(amounts, ZERO)  # type: ignore[arg-type]
    related = tuple(d.id for d in group if d.id != deal.id)
    plan = (f"aggregate with {', '.join(related)} (common plan {deal.common_plan}) "
            if related else "")
    shown = f"{plan}{money_text(aggregate)}" if aggregate is not None else "amount not stated"
    exempt = bool(deal.exemption and deal.exemption in terms.exemptions)
    common = dict(indenture=terms.indenture, transaction=deal.id, date=deal.date, amount=deal.amount,
                  related=related, aggregate=aggregate, exempt=exempt,
                  board_threshold=terms.board_threshold, fairness_threshold=terms.fairness_threshold,
                  illustrative=deal.illustrative)
    if exempt:
        text = f"exempt from the covenant ({deal.exemption})"
        return AffiliateTest(**common, board_required=False, board_ok=True, fairness_required=False,
                             fairness_ok=True, board_computation=text, fairness_computation=text)
    words = comparison_words(terms.comparison)
    # Board approval
    board_required = board_ok = None
    if aggregate is not None and terms.board_threshold is not None:
        board_required = exceeds(aggregate, terms.board_threshold, terms.comparison)
    if board_required is False:
        board_ok = True
        board_text = (f"{shown} is not {words} the {money_text(terms.board_threshold)} approval "  # type: ignore[arg-type]
                      f"threshold: no board approval needed; headroom "
                      f"{money_text(terms.board_threshold - aggregate)}")  # type: ignore[operator]
    elif board_required:
        need = terms.board_vote or "majority"
        given = deal.board_approval
        if given is None:
            board_text = f"{shown} needs {need} board approval; the approval given is not stated"
        elif VOTE_RANK.get(given, 0) < VOTE_RANK.get(need, 1):
            board_ok = False
            board_text = f"{shown} needs {need} board approval; given: {given}"
        elif terms.resolution_filed_required and deal.resolution_filed is not True:
            board_ok = None if deal.resolution_filed is None else False
            board_text = (f"{shown}: {given} approval given; the resolution must be filed with the "
                          f"Trustee: " + ("not stated" if board_ok is None else "not filed"))
        else:
            board_ok = True
            board_text = f"{shown} needs {need} board approval; given: {given}"
        board_text += f" ({words} {money_text(terms.board_threshold)})"  # type: ignore[arg-type]
    else:
        board_text = f"{shown}; board approval threshold " + (
            money_text(terms.board_threshold) if terms.board_threshold is not None else "not stated")
    # Fairness opinion
    fairness_required = fairness_ok = None
    if aggregate is not None and terms.fairness_threshold is not None:
        fairness_required = exceeds(aggregate, terms.fairness_threshold, terms.comparison)
        if fairness_required and terms.ordinary_course_exempt_from_opinion and deal.ordinary_course:
            fairness_required = False
    if fairness_required is False:
        fairness_ok = True
        fairness_text = (f"{shown}: no fairness opinion needed ("
                         + ("ordinary-course trade on arm's-length terms"
                            if deal.ordinary_course and terms.ordinary_course_exempt_from_opinion
                            and exceeds(aggregate, terms.fairness_threshold, terms.comparison)  # type: ignore[arg-type]
                            else f"not {words} {money_text(terms.fairness_threshold)}; headroom "  # type: ignore[arg-type]
                            f"{money_text(terms.fairness_threshold - aggregate)}") + ")")  # type: ignore[operator]
    elif fairness_required:
        fairness_ok, fairness_text = _opinion(terms, deal, shown)
    else:
        fairness_text = f"{shown}; fairness opinion threshold " + (
            money_text(terms.fairness_threshold) if terms.fairness_threshold is not None
            else "not stated")
    return AffiliateTest(**common, board_required=board_required, board_ok=board_ok,
                         fairness_required=fairness_required, fairness_ok=fairness_ok,
                         board_computation=board_text, fairness_computation=fairness_text)


def _opinion(terms: AffiliateTerms, deal: AffiliateDeal, shown: str) -> tuple[bool | None, str]:
    need = terms.fairness_from or "independent_financial_advisor"
    head = (f"{shown} is {comparison_words(terms.comparison)} "
            f"{money_text(terms.fairness_threshold)}: a fairness opinion from {need} is needed")  # type: ignore[arg-type]
    given = deal.opinion_from
    if given is None:
        return None, head + "; whether one was obtained is not stated"
    acceptable = {"independent_financial_advisor": ("independent_financial_advisor",
                                                    "nationally_recognized_investment_bank"),
                  "nationally_recognized_investment_bank": ("nationally_recognized_investment_bank",)}
    if given not in acceptable.get(need, (need,)):
        return False, head + f"; given: {given}"
    if terms.opinion_before_consummation:
        if deal.opinion_on is None or deal.date is None:
            return None, head + "; the opinion date or the transaction date is not stated"
        if deal.opinion_on > deal.date:
            return False, head + f" before consummation; dated {deal.opinion_on}, after {deal.date}"
    if terms.opinion_filed_required and deal.opinion_filed is not True:
        return (None if deal.opinion_filed is None else False), \
            head + "; filing with the Trustee " + ("not stated" if deal.opinion_filed is None
                                                   else "not made")
    return True, head + f"; obtained from {given}" + (
        f" on {deal.opinion_on}" if deal.opinion_on else "")


# ------------------------------------------------------------------ change of control

@dataclass(frozen=True)
class ControlTerms:
    indenture: str
    threshold_percent: Decimal | None
    comparison: str | None
    rating_decline_required: bool | None
    rating_window_days: int | None
    notice_days: int | None
    repurchase_min_days: int | None
    repurchase_max_days: int | None
    covered_events: frozenset[str] | None = None


@dataclass(frozen=True)
class ControlEvent:
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


@dataclass(frozen=True)
class ControlTest:
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


# ------------------------------------------------------------------ events of default

@dataclass(frozen=True)
class DefaultTerms:
    indenture: str
    interest_grace_days: int | None
    principal_grace_days: int | None
    cure_days_after_notice: int | None
    cross_threshold: Decimal | None
    cross_comparison: str | None
    cross_requires_acceleration: bool
    judgment_threshold: Decimal | None
    judgment_comparison: str | None
    judgment_days: int | None
    judgment_net_of_insurance: bool


@dataclass(frozen=True)
class DefaultRecord:
    id: str
    kind: str | None
    owner: str                        # the indenture whose list records it
    under: str | None = None
    began_on: dt.date | None = None
    notice_given_on: dt.date | None = None
    cured_on: dt.date | None = None
    accelerated_on: dt.date | None = None
    amount: Decimal | None = None
    insured_amount: Decimal | None = None
    illustrative: bool = False

    def continuing_on(self, day: dt.date) -> bool:
        return (self.began_on is None or self.began_on <= day) and \
            (self.cured_on is None or self.cured_on > day)

    def net(self, net_of_insurance: bool) -> Decimal | None:
        if self.amount is None:
            return None
        return self.amount - (self.insured_amount or ZERO) if net_of_insurance else self.amount


@dataclass(frozen=True)
class EventOfDefaultTest:
    id: str
    indenture: str
    prong: str
    record: str | None
    as_of_date: dt.date | None
    amount: Decimal | None
    threshold: Decimal | None
    is_event_of_default: bool | None
    eod_date: dt.date | None
    computation: str
    illustrative: bool

    @property
    def headroom(self) -> Decimal | None:
        return None if self.amount is None or self.threshold is None else self.threshold - self.amount


def _aggregate(records: list[DefaultRecord], net: bool) -> Decimal | None:
    values = [r.net(net) for r in records]
    return None if any(v is None for v in values) else sum(values, ZERO)  # type: ignore[arg-type]


def _cross(terms: DefaultTerms, company: list[DefaultRecord], day: dt.date) -> list[DefaultRecord]:
    return [r for r in company if r.kind in ("other_debt_payment", "other_debt_acceleration")
            and r.continuing_on(day) and (not terms.cross_requires_acceleration or
                                          (r.accelerated_on is not None and r.accelerated_on <= day))]


def event_of_default_tests(terms: DefaultTerms, own: list[DefaultRecord] | None,
                           company: list[DefaultRecord], day: dt.date | None
                           ) -> list[EventOfDefaultTest]:
    """Per indenture: the cross-default and judgment prongs in aggregate, then one test per
    payment default, covenant breach and pending claim. `own` None: defaults not stated."""
    out: list[EventOfDefaultTest] = []

    def add(id_: str, prong: str, record: str | None, amount: Decimal | None,
            threshold: Decimal | None, eod: bool | None, eod_date: dt.date | None, text: str,
            illustrative: bool = False) -> None:
        out.append(EventOfDefaultTest(id_, terms.indenture, prong, record, day, amount, threshold,
                                      eod, eod_date, text, illustrative))

    if own is None or day is None:
        why = "the indenture's defaults are not stated" if own is None else "no as-of date"
        add("cross-default", "cross_default", None, None, terms.cross_threshold, None, None, why)
        add("judgments", "judgments", None, None, terms.judgment_threshold, None, None, why)
        return out
    # Cross-default on borrowed money.
    cross = _cross(terms, company, day)
    total = _aggregate(cross, False)
    if terms.cross_threshold is None or total is None:
        add("cross-default", "cross_default", None, total, terms.cross_threshold, None, None,
            "the cross-default threshold or a defaulted amount is not stated")
    else:
        hit = exceeds(total, terms.cross_threshold, terms.cross_comparison)
        listed = ", ".join(f"{r.id} {money_text(r.amount)}" for r in cross) or "none"  # type: ignore[arg-type]
        add("cross-default", "cross_default", None, total, terms.cross_threshold, hit, day if hit else None,
            f"defaulted borrowed money{' that was accelerated' if terms.cross_requires_acceleration else ''}"
            f", continuing on {day}: {listed} = {money_text(total)} vs an event of default at "
            f"{threshold_words(terms.cross_threshold, terms.cross_comparison)}; "
            f"headroom {money_text(terms.cross_threshold - total)}",
            any(r.illustrative for r in cross))
    # Final judgments unpaid, unstayed for the period.
    judgments = [r for r in company if r.kind == "judgment" and r.continuing_on(day)]
    aged = [r for r in judgments if terms.judgment_days is not None and r.began_on is not None
            and _plus(r.began_on, terms.judgment_days) <= day]
    total = _aggregate(aged, terms.judgment_net_of_insurance)
    if terms.judgment_threshold is None or terms.judgment_days is None or total is None or \
            any(r.began_on is None for r in judgments):
        add("judgments", "judgments", None, total, terms.judgment_threshold, None, None,
            "the judgment threshold or period, or a judgment's amount or entry date, is not stated")
    else:
        hit = exceeds(total, terms.judgment_threshold, terms.judgment_comparison)
        young = [r for r in judgments if r not in aged]
        text = (f"final judgments unsatisfied and unstayed for {terms.judgment_days} days on {day}"
                f"{' (net of insurance)' if terms.judgment_net_of_insurance else ''}: "
                f"{', '.join(r.id for r in aged) or 'none'} = {money_text(total)} vs an event of "
                f"default at {threshold_words(terms.judgment_threshold, terms.judgment_comparison)}; "
                f"headroom "
                f"{money_text(terms.judgment_threshold - total)}")
        if young:
            text += "; still within the period: " + ", ".join(
                f"{r.id} (period ends {_plus(r.began_on, terms.judgment_days)})" for r in young)  # type: ignore[arg-type]
        add("judgments", "judgments", None, total, terms.judgment_threshold, hit, day if hit else None,
            text, any(r.illustrative for r in aged))
    for r in own:
        if r.kind in ("interest_payment", "principal_payment") and r.under != "other_indebtedness":
            out.append(_payment(terms, r, day))
        elif r.kind == "covenant_breach" and r.under != "other_indebtedness":
            out.append(_covenant(terms, r, day))
    for r in company:
        if r.kind == "pending_claim":
            out.append(_exposure(terms, r, day))
    return out


def _payment(terms: DefaultTerms, r: DefaultRecord, day: dt.date) -> EventOfDefaultTest:
    grace = terms.interest_grace_days if r.kind == "interest_payment" else terms.principal_grace_days
    what = "interest" if r.kind == "interest_payment" else "principal"
    if grace is None or r.began_on is None:
        return EventOfDefaultTest(r.id, terms.indenture, "payment", r.id, day, r.amount, None, None,
                                  None, f"the {what} grace period or the due date is not stated",
                                  r.illustrative)
    eod_date = _plus(r.began_on, grace)
    if r.cured_on is not None and r.cured_on < eod_date:
        hit, state = False, f"paid on {r.cured_on}, within the grace period"
    elif r.cured_on is not None and r.cured_on <= day:
        hit, state = True, f"paid only on {r.cured_on}: an Event of Default from {eod_date} until then"
    else:
        hit = day >= eod_date
        state = (f"unpaid on {day}: an Event of Default since {eod_date}" if hit else
                 f"unpaid on {day}: a Default; an Event of Default on {eod_date} "
                 f"({(eod_date - day).days} days left)")
    return EventOfDefaultTest(r.id, terms.indenture, "payment", r.id, day, r.amount, None, hit,
                              eod_date, f"{what} due {r.began_on}, grace {grace} days: {state}",
                              r.illustrative)


def _covenant(terms: DefaultTerms, r: DefaultRecord, day: dt.date) -> EventOfDefaultTest:
    cure = terms.cure_days_after_notice
    if cure is None:
        return EventOfDefaultTest(r.id, terms.indenture, "covenant_cure", r.id, day, None, None,
                                  None, None, "the cure period is not stated", r.illustrative)
    if r.notice_given_on is None:
        return EventOfDefaultTest(r.id, terms.indenture, "covenant_cure", r.id, day, None, None,
                                  False, None,
                                  f"breach from {r.began_on}; no notice given, so the {cure}-day "
                                  f"cure period has not started (a Default, not yet an Event of "
                                  f"Default)", r.illustrative)
    eod_date = _plus(r.notice_given_on, cure)
    if r.cured_on is not None and r.cured_on < eod_date:
        hit, state = False, f"cured on {r.cured_on}, within the period"
    else:
        hit = day >= eod_date and (r.cured_on is None or r.cured_on > eod_date)
        state = (f"uncured on {day}: an Event of Default since {eod_date}" if hit else
                 f"uncured on {day}: an Event of Default on {eod_date} "
                 f"({(eod_date - day).days} days left)")
    return EventOfDefaultTest(r.id, terms.indenture, "covenant_cure", r.id, day, None, None, hit,
                              eod_date, f"notice of breach given {r.notice_given_on}; "
                              f"{cure} days to cure: {state}", r.illustrative)


def _exposure(terms: DefaultTerms, r: DefaultRecord, day: dt.date) -> EventOfDefaultTest:
    amount = r.net(terms.judgment_net_of_insurance)
    if amount is None or terms.judgment_threshold is None:
        return EventOfDefaultTest(r.id, terms.indenture, "judgment_exposure", r.id, day, amount,
                                  terms.judgment_threshold, None, None,
                                  "the claimed amount or the judgment threshold is not stated",
                                  r.illustrative)
    hit = exceeds(amount, terms.judgment_threshold, terms.judgment_comparison)
    days = f" within {terms.judgment_days} days of entry" if terms.judgment_days is not None else ""
    return EventOfDefaultTest(
        r.id, terms.indenture, "judgment_exposure", r.id, day, amount, terms.judgment_threshold, hit,
        None, f"pending claim {money_text(amount)}"
        f"{' net of insurance' if terms.judgment_net_of_insurance and r.insured_amount else ''}: "
        f"a final judgment for the full claim, not vacated, discharged or stayed{days}, "
        f"{'would' if hit else 'would not'} reach the judgment threshold of "
        f"{threshold_words(terms.judgment_threshold, terms.judgment_comparison)} (headroom "
        f"{money_text(terms.judgment_threshold - amount)})", r.illustrative)


# ------------------------------------------------------------------ the default blocker

def default_status(terms: DefaultTerms | None, scope: str | None, own: list[DefaultRecord] | None,
                   others_own: list[DefaultRecord], company: list[DefaultRecord], day: dt.date
                   ) -> DefaultStatus:
    """Is a Default continuing on `day` for a restricted payment under this indenture?

    scope "this_indenture" (2003, OC L3486-3487): a Default or Event of Default under this
    indenture — its own payment and covenant defaults, and defaults on other debt or
    judgments large enough to become one. scope "any_indebtedness" (1997, PS L1521-1525):
    a default under any Indebtedness — every recorded payment, covenant and other-debt
    default, here or under another indenture. Pending claims never block.
    """
    if own is None:
        return DefaultStatus(None)
    ids = [r.id for r in own if r.kind in OWN_KINDS and r.continuing_on(day)]
    other_debt = [r for r in company if r.kind in ("other_debt_payment", "other_debt_acceleration")
                  and r.continuing_on(day)]
    judgments = [r for r in company if r.kind == "judgment" and r.continuing_on(day)]
    unknown = False
    if scope == "any_indebtedness":
        ids += [r.id for r in other_debt]
        ids += [r.id for r in others_own if r.kind in OWN_KINDS and r.continuing_on(day)]
    elif other_debt:
        cross = _cross(terms, company, day) if terms is not None else other_debt
        total = _aggregate(cross, False)
        if terms is None or terms.cross_threshold is None or total is None:
            unknown = True
        elif cross and exceeds(total, terms.cross_threshold, terms.cross_comparison):
            ids += [r.id for r in cross]
    if judgments:
        total = _aggregate(judgments, terms.judgment_net_of_insurance if terms else False)
        if terms is None or terms.judgment_threshold is None or total is None:
            unknown = True
        elif exceeds(total, terms.judgment_threshold, terms.judgment_comparison):
            ids += [r.id for r in judgments]
    ids = sorted(set(ids))
    if ids:
        return DefaultStatus(True, tuple(ids))
    return DefaultStatus(None) if unknown else DefaultStatus(False)
