"""Derived facts: exact Python calculators whose results rules read as ``derived.*``.

DESIGN §3: heavy arithmetic (calendar, timeline, allocation, covenant capacity) is
done in Python, not CEL. Each calculator is a plain function of the document,
registered under a name; its output shape is declared in
``schemas/derived.schema.json`` so that the rule-pack loader can refuse a rule
that reads a derived fact nobody computes. Calculators run only when a selected
rule reads their name, at most once per document.

A calculator returns exact values (Decimal, int, date, aware datetime) and leaves
out what it cannot compute (a missing input fact): the rule reading it then goes
not_evaluable, never pass.
"""

from __future__ import annotations

from typing import Any, Callable

from checker.document import OfferDocument

Calculator = Callable[[OfferDocument], dict[str, Any]]
CALCULATORS: dict[str, Calculator] = {}
DERIVED_SCHEMA = "derived.schema.json"


def calculator(name: str) -> Callable[[Calculator], Calculator]:
    def deco(fn: Calculator) -> Calculator:
        if name in CALCULATORS:
            raise ValueError(f"calculator {name!r} registered twice")
        CALCULATORS[name] = fn
        return fn
    return deco


def compute(document: OfferDocument, names: set[str]) -> dict[str, Any]:
    """Run the named calculators (only those) and return {name: result}."""
    _load_builtin()
    out: dict[str, Any] = {}
    for name in sorted(names):
        fn = CALCULATORS.get(name)
        if fn is not None:
            out[name] = fn(document)
    return out


def _load_builtin() -> None:
    # Calculator modules register themselves on import; add new ones here. (Once: an
    # import statement costs microseconds even for a loaded module, and this runs per
    # document.)
    global _loaded
    if _loaded:
        return
    import checker.derived_allocation  # noqa: F401
    import checker.derived_conditions  # noqa: F401
    import checker.derived_covenants  # noqa: F401
    import checker.derived_offer  # noqa: F401
    import checker.derived_timeline  # noqa: F401
    _loaded = True


_loaded = False
