"""Ratio covenants: debt incurrence (150% of tangible net worth) and interest coverage.

The 1997 indenture (PS L1502-1517) lets the Company incur Indebtedness other than
Permitted Indebtedness only if, immediately after, Adjusted Consolidated
Indebtedness ≤ 150% of Adjusted Consolidated Tangible Net Worth; and Unsecured
Indebtedness only if Income Available for Interest Payments ÷ Interest Expense for
the four fiscal quarters most recently ended is at least 2 to 1, pro forma for the
new debt and the use of its proceeds. Its permitted payment (iv) uses the Coverage
Ratio, (IAIP + preferred dividends) ÷ (Interest Expense + preferred dividends)
(PS L1569-1576, L1750-1753).

The tests are exact: `debt × 100 ≤ net worth × percent` and `income ≥ ratio ×
interest`, never a rounded quotient. Ratios are shown rounded down to 0.01 (the
named display roundings in checker.covenants_model). Proposed debt is taken in date
order: each test includes the earlier proposed debt after the balance-sheet date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from checker.covenants_model import ZERO, money_text, percent_floor_2dp, ratio_floor_2dp

DEBT_KINDS = ("notes_issuance", "debt_incurrence")


class DebtTerms(NamedTuple):
    indenture: str
    max_percent: Decimal | None
    min_coverage: Decimal | None
    coverage_applies_to: str | None  # unsecured_indebtedness | all_indebtedness; None → all


class BalanceSheet(NamedTuple):
    period_end: dt.date
    indebtedness: Decimal          # Adjusted Consolidated Indebtedness
    tangible_net_worth: Decimal    # Adjusted Consolidated Tangible Net Worth
    illustrative: bool = False


class FourQuarters(NamedTuple):
    period_end: dt.date
    income_available: Decimal | None       # Income Available for Interest Payments
    interest_expense: Decimal | None       # as the covenant defines it
    preferred_dividends: Decimal | None = None
    illustrative: bool = False


class Debt(NamedTuple):
    id: str
    date: dt.date | None
    amount: Decimal | None
    secured: bool | None = None
    permitted: bool = False
    debt_repaid: Decimal = ZERO
    interest_change: Decimal | None = None       # annual interest on the new debt, net
    income_change: Decimal = ZERO                # effect of the use of proceeds on IAIP
    net_worth_change: Decimal = ZERO             # effect on tangible net worth at incurrence
    illustrative: bool = False


class DebtIncurrenceTest(NamedTuple):
    indenture: str
    transaction: str
    date: dt.date | None
    amount: Decimal | None
    permitted_indebtedness: bool
    balance_sheet_date: dt.date | None = None
    indebtedness: Decimal | None = None
    earlier_debt: Decimal | None = None
    indebtedness_pro_forma: Decimal | None = None
    net_worth: Decimal | None = None
    net_worth_pro_forma: Decimal | None = None
    limit_percent: Decimal | None = None
    limit_amount: Decimal | None = None
    ratio_percent: Decimal | None = None
    secured: bool | None = None
    coverage_applies: bool | None = None
    four_quarters_end: dt.date | None = None
    income_available_pro_forma: Decimal | None = None
    interest_expense_pro_forma: Decimal | None = None
    min_coverage: Decimal | None = None
    coverage_ratio: Decimal | None = None
    ratio_computation: str = ""
    coverage_computation: str = ""
    illustrative: bool = False

    @property
    def headroom(self) -> Decimal | None:
        if self.limit_amount is None or self.indebtedness_pro_forma is None:
            return None
        return self.limit_amount - self.indebtedness_pro_forma

    @property
    def coverage_income_headroom(self) -> Decimal | None:
        """IAIP pro forma − minimum ratio × interest pro forma (≥ 0 means the test is met)."""
        if None in (self.income_available_pro_forma, self.interest_expense_pro_forma,
                    self.min_coverage):
            return None
        return self.income_available_pro_forma - self.min_coverage * self.interest_expense_pro_forma  # type: ignore[operator]


def debt_incurrence_tests(terms: DebtTerms, debts: list[Debt], sheets: list[BalanceSheet],
                          quarters: list[FourQuarters]) -> list[DebtIncurrenceTest]:
    order = sorted(range(len(debts)), key=lambda k: (debts[k].date or dt.date.max, k))
    undated = any(d.date is None for d in debts)
    out: dict[int, DebtIncurrenceTest] = {}
    for pos, k in enumerate(order):
        debt = debts[k]
        earlier = [debts[j] for j in order[:pos]]
        out[k] = _one(terms, debt, earlier, sheets, quarters, undated)
    return [out[k] for k in range(len(debts))]


def _one(terms: DebtTerms, debt: Debt, earlier: list[Debt], sheets: list[BalanceSheet],
         quarters: list[FourQuarters], undated: bool) -> DebtIncurrenceTest:
    base = dict(indenture=terms.indenture, transaction=debt.id, date=debt.date, amount=debt.amount,
                permitted_indebtedness=debt.permitted, secured=debt.secured,
                limit_percent=terms.max_percent, min_coverage=terms.min_coverage)
    if debt.date is None or undated:
        return DebtIncurrenceTest(**base, ratio_computation="the debt's date (or another proposed "
                                  "debt's) is not stated, so the balance sheet and the earlier "
                                  "debt cannot be placed", illustrative=debt.illustrative)
    sheet = max((s for s in sheets if s.period_end <= debt.date), key=lambda s: s.period_end,
                default=None)
    ratio = _ratio(terms, debt, earlier, sheet)
    coverage = _coverage(terms, debt, earlier, quarters)
    coverage_illustrative = coverage.pop("_illustrative", False)
    illustrative = debt.illustrative or (sheet is not None and sheet.illustrative) or \
        coverage_illustrative
    return DebtIncurrenceTest(**base, **ratio, **coverage, illustrative=illustrative)


def _later(earlier: list[Debt], since: dt.date) -> list[Debt]:
    return [d for d in earlier if d.date is not None and d.date > since and not d.permitted]


def _ratio(terms: DebtTerms, debt: Debt, earlier: list[Debt], sheet: BalanceSheet | None) -> dict:
    if debt.permitted:
        return {"ratio_computation": "Permitted Indebtedness: not tested against the ratio"}
    if sheet is None:
        return {"ratio_computation": f"no balance sheet with adjusted indebtedness and tangible "
                                     f"net worth on or before {debt.date}"}
    prior = _later(earlier, sheet.period_end)
    out: dict = {"balance_sheet_date": sheet.period_end, "indebtedness": sheet.indebtedness,
                 "net_worth": sheet.tangible_net_worth}
    if debt.amount is None or any(d.amount is None for d in prior):
        out["ratio_computation"] = "a proposed debt amount is not stated"
        return out
    earlier_debt = sum((d.amount - d.debt_repaid for d in prior), ZERO)  # type: ignore[operator]
    pro_forma = sheet.indebtedness + earlier_debt + debt.amount - debt.debt_repaid
    worth = sheet.tangible_net_worth + sum((d.net_worth_change for d in prior), ZERO) + \
        debt.net_worth_change
    out.update(earlier_debt=earlier_debt, indebtedness_pro_forma=pro_forma,
               net_worth_pro_forma=worth)
    if terms.max_percent is None:
        out["ratio_computation"] = "the covenant's percentage is not stated"
        return out
    limit = worth * terms.max_percent / 100
    out.update(limit_amount=limit, ratio_percent=percent_floor_2dp(pro_forma, worth))
    shown = out["ratio_percent"]
    steps = [f"adjusted indebtedness {money_text(sheet.indebtedness)} at {sheet.period_end}"]
    if earlier_debt:
        steps.append(f"earlier proposed debt {money_text(earlier_debt)}")
    steps.append(f"this debt {money_text(debt.amount)}")
    if debt.debt_repaid:
        steps.append(f"less debt repaid {money_text(debt.debt_repaid)}")
    worth_steps = f"tangible net worth {money_text(sheet.tangible_net_worth)}"
    if worth != sheet.tangible_net_worth:
        worth_steps += (f" adjusted by {money_text(worth - sheet.tangible_net_worth)} pro forma = "
                        f"{money_text(worth)}")
    out["ratio_computation"] = (
        f"pro forma adjusted indebtedness = {' + '.join(steps)} = {money_text(pro_forma)}; "
        f"{worth_steps}; limit {terms.max_percent}% × {money_text(worth)} = "
        f"{money_text(limit)}; ratio {shown if shown is not None else 'undefined'}% "
        f"(rounded down); headroom {money_text(limit - pro_forma)}"
        + (" (illustrative figures)" if sheet.illustrative else ""))
    return out


def _coverage(terms: DebtTerms, debt: Debt, earlier: list[Debt], quarters: list[FourQuarters]
              ) -> dict:
    applies_to = terms.coverage_applies_to or "all_indebtedness"
    if terms.min_coverage is None:
        return {"coverage_applies": False,
                "coverage_computation": "the covenant has no interest-coverage test"}
    if debt.permitted:
        return {"coverage_applies": False, "coverage_computation": "Permitted Indebtedness"}
    if applies_to == "unsecured_indebtedness":
        if debt.secured is None:
            return {"coverage_computation": "whether the debt is secured is not stated"}
        if debt.secured:
            return {"coverage_applies": False,
                    "coverage_computation": "secured debt: the coverage test covers unsecured "
                                            "debt only"}
    period = max((q for q in quarters if debt.date is not None and q.period_end < debt.date),
                 key=lambda q: q.period_end, default=None)
    out: dict = {"coverage_applies": True}
    if period is None or period.income_available is None or period.interest_expense is None:
        out["coverage_computation"] = (f"income available for interest and interest expense for "
                                       f"the four quarters ended before {debt.date} are not stated")
        return out
    prior = _later(earlier, period.period_end)
    changes = [d.interest_change for d in prior] + [debt.interest_change]
    if any(c is None for c in changes):
        out["coverage_computation"] = "the pro forma interest on a proposed debt is not stated"
        return out
    added = sum(changes, ZERO)  # type: ignore[arg-type]
    income_change = sum((d.income_change for d in prior), ZERO) + debt.income_change
    income = period.income_available + income_change
    interest = period.interest_expense + added
    ratio = ratio_floor_2dp(income, interest)
    need = terms.min_coverage * interest
    out.update(four_quarters_end=period.period_end, income_available_pro_forma=income,
               interest_expense_pro_forma=interest, coverage_ratio=ratio,
               _illustrative=period.illustrative)
    income_text = money_text(period.income_available) + (
        f" {'+' if income_change >= 0 else '−'} {money_text(abs(income_change))} pro forma"
        if income_change else "")
    out["coverage_computation"] = (
        f"four quarters ended {period.period_end}: income available for interest {income_text} "
        f"= {money_text(income)}; interest expense {money_text(period.interest_expense)} + "
        f"{money_text(added)} on the new debt = {money_text(interest)}; coverage "
        f"{ratio if ratio is not None else 'undefined'} to 1 (rounded down) vs at least "
        f"{terms.min_coverage} to 1, i.e. income of {money_text(need)} needed; income headroom "
        f"{money_text(income - need)}" + (" (illustrative figures)" if period.illustrative else ""))
    return out


def preferred_dividend_coverage(period: FourQuarters | None, amount: Decimal | None,
                                min_ratio: Decimal | None) -> tuple[bool | None, str]:
    """PS (iv): Coverage Ratio (IAIP + preferred dividends) ÷ (Interest Expense + preferred
    dividends) ≥ min_ratio for the four quarters before declaration, pro forma the
    declaration (its amount is added to the period's preferred dividends)."""
    if min_ratio is None:
        return None, "the minimum Coverage Ratio is not stated"
    if period is None or None in (period.income_available, period.interest_expense,
                                  period.preferred_dividends) or amount is None:
        return None, ("income available for interest, interest expense or preferred dividends for "
                      "the four quarters before declaration are not stated")
    dividends = period.preferred_dividends + amount  # type: ignore[operator]
    numerator = period.income_available + dividends  # type: ignore[operator]
    denominator = period.interest_expense + dividends  # type: ignore[operator]
    met = numerator >= min_ratio * denominator
    ratio = ratio_floor_2dp(numerator, denominator)
    return met, (f"Coverage Ratio for the four quarters ended {period.period_end} = "
                 f"({money_text(period.income_available)} + {money_text(dividends)}) ÷ "
                 f"({money_text(period.interest_expense)} + {money_text(dividends)}) = "
                 f"{ratio if ratio is not None else 'undefined'} to 1 (rounded down) vs at least "
                 f"{min_ratio} to 1")
