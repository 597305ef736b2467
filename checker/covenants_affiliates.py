"""Limitation on transactions with affiliates: the aggregate of related transactions under a
common plan against the board-approval and fairness-opinion thresholds, and the approval and
opinion obtained.

2003 Senior Notes (OC p.50-51 L3503-3556): in excess of $3 million, unanimous board approval
by resolution; in excess of $5 million, a prior favourable opinion from an independent
financial advisor, filed with the Trustee (ordinary-course trades excepted). 1997 Senior Notes
(PS L1587-1609): in excess of $5 million, a majority including the disinterested directors,
by resolution filed with the Trustee; in excess of $15 million, an opinion from a nationally
recognized investment banking firm.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from checker.covenants_model import ZERO, comparison_words, exceeds, money_text

VOTE_RANK = {"none": 0, "majority": 1, "majority_including_disinterested": 2, "unanimous": 3}


class AffiliateTerms(NamedTuple):
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


class AffiliateDeal(NamedTuple):
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


class AffiliateTest(NamedTuple):
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
