"""How a proposed payment stands under a restricted-payments covenant: outside it, an exempt
REIT distribution, a separately permitted payment whose conditions are met (1997 PS
L1535-1585: (i) a dividend paid within 60 days of a compliant declaration, (ii) a retirement
out of a concurrent equity sale, (iii) a subordinated refinancing, (iv) preferred dividends
with the Coverage Ratio met), or a payment that must fit the basket.

A claimed permitted basis whose conditions fail, or cannot be shown, leaves the payment to the
basket: never a silent pass.
"""

from __future__ import annotations

from decimal import Decimal

from checker.covenants_model import (OFFER_KINDS, PERMITTED_LABELS, Capacity, DefaultStatus,
                                     Payment, RestrictedPaymentTerms, days_between, money_text)


def payment_basis(terms: RestrictedPaymentTerms, p: Payment, cap: Capacity, used: Decimal | None,
           default: DefaultStatus) -> tuple[str, bool | None, str]:
    """(basis, permitted conditions met, note) for one proposed payment."""
    if terms.issued_by_offer and p.kind in OFFER_KINDS:
        return "outside", None, ""
    if terms.dated is not None and p.date is not None and p.date < terms.dated:
        return "outside", None, ""
    if p.reit_distribution_required and p.kind == "dividend" and terms.reit_distributions_exempt:
        return "reit_distribution", None, ""
    if not p.permitted_basis:
        return "basket", None, ""
    label = PERMITTED_LABELS.get(p.permitted_basis, p.permitted_basis)
    if p.permitted_basis not in terms.permitted_payments:
        return "basket", False, (f"{terms.indenture} does not permit {label}; "
                                 f"the payment must fit the basket")
    met, why = permitted_conditions(terms, p, cap, used, default)
    if met:
        return "permitted", True, f"permitted under {label}: {why}"
    if met is None:
        return "basket", None, (f"claimed under {label}, but {why}; "
                                f"until shown, it is tested against the basket")
    return "basket", False, f"not permitted under {label}: {why}; it must fit the basket"


def permitted_conditions(terms: RestrictedPaymentTerms, p: Payment, cap: Capacity,
                          used: Decimal | None, default: DefaultStatus) -> tuple[bool | None, str]:
    basis = p.permitted_basis
    if basis == "declared_dividend_within_window":
        if p.declared_on is None or p.date is None or terms.dividend_window_days is None:
            return None, "the declaration date, payment date or window is not stated"
        days = days_between(p.declared_on, p.date)
        if not 0 <= days <= terms.dividend_window_days:
            return False, (f"paid {days} days after declaration on {p.declared_on}, outside "
                           f"the {terms.dividend_window_days}-day window")
        remaining = None if cap.total is None or used is None else cap.total - used
        if remaining is None or p.amount is None or default.blocked is None:
            return None, "compliance at the declaration date cannot be computed"
        if default.blocked:
            return False, f"a default was continuing at declaration ({', '.join(default.ids)})"
        if p.amount > remaining:
            return False, (f"at declaration {money_text(p.amount)} exceeded the remaining "
                           f"capacity {money_text(remaining)}")
        return True, (f"paid {days} days after declaration on {p.declared_on}; at declaration "
                      f"{money_text(p.amount)} fitted the remaining capacity {money_text(remaining)}")
    # (ii)-(iv) require that no Default be continuing or result (PS L1578-1581).
    if default.blocked:
        return False, f"a default is continuing ({', '.join(default.ids)})"
    if basis == "equity_refunding":
        if p.concurrent_equity_proceeds is None or p.amount is None:
            return None, "the proceeds of the concurrent equity sale are not stated"
        if p.concurrent_equity_proceeds < p.amount:
            return False, (f"concurrent equity proceeds {money_text(p.concurrent_equity_proceeds)} "
                           f"are less than the payment {money_text(p.amount)}")
        met, why = True, (f"funded by concurrent equity proceeds "
                          f"{money_text(p.concurrent_equity_proceeds)}")
    elif basis == "subordinated_refinancing":
        if p.refinancing_conditions_met is None:
            return None, "whether conditions (A)-(D) of (iii) are met is not stated"
        met, why = p.refinancing_conditions_met, "conditions (A)-(D) of (iii) stated as " + (
            "met" if p.refinancing_conditions_met else "not met")
    elif basis == "preferred_dividends_with_coverage":
        if p.coverage_met is None:
            return None, p.coverage_text or "the Coverage Ratio cannot be computed"
        met, why = p.coverage_met, p.coverage_text
    else:
        return False, f"unknown permitted basis {basis!r}"
    if met and default.blocked is None:
        return None, why + "; but whether a default is continuing is not stated"
    return met, why
