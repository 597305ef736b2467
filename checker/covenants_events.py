"""Events of default and the default blocker for restricted payments.

All dates are calendar dates; "within N days" means on or before the date N calendar days
later. Amount thresholds are compared as the indenture words them ("in excess of" vs "or
more", seed-catalog X51).

Sources: 2003 Senior Notes (OC p.51 L3572-3593), 1997 Senior Notes (PS L2002-2018; the
default blocker PS L1521-1525, OC p.50 L3486-3487). Affiliate transactions are in
checker.covenants_affiliates, change of control in checker.covenants_control.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from checker.covenants_model import ZERO, DefaultStatus, exceeds, money_text, threshold_words

COMPANY_WIDE_KINDS = ("other_debt_payment", "other_debt_acceleration", "judgment", "pending_claim")
OWN_KINDS = ("interest_payment", "principal_payment", "covenant_breach", "bankruptcy", "other")


def _plus(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


class DefaultTerms(NamedTuple):
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


class DefaultRecord(NamedTuple):
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


class EventOfDefaultTest(NamedTuple):
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
