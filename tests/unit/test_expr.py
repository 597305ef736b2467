from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker import expr
from checker.expr import ExpressionError, FUNCTIONS, cel_value, compile_expression


def test_money_arithmetic_is_exact():
    assert expr.money_mul("24.50", 272977) == "6687936.50"
    assert expr.money_mul("25.725", 389967) == "10031901.075"
    assert expr.money_floor_to("10031901.075", "25") == "10031900"
    assert expr.money_ceil_to("10031901.075", "25") == "10031925"
    assert expr.money_percent_of("24.50", "105") == "25.725"


def test_floats_are_refused():
    with pytest.raises(ExpressionError, match="double"):
        expr.to_decimal(24.5)


def test_max_remainder_matches_brute_force():
    for price in ("25.20", "25.725", "31.50"):
        brute = max(Decimal(k) * Decimal(price) % 25 for k in range(1, 2001))
        assert Decimal(expr.money_max_remainder(price, "25")) == brute


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=10**5))
def test_floor_to_is_a_multiple_and_not_above(cents, step):
    amount = Decimal(cents) / 100
    floored = Decimal(expr.money_floor_to(str(amount), step))
    assert floored % step == 0 and floored <= amount < floored + step


def test_shares_floor_percent_disregards_fractions():
    assert expr.shares_floor_percent(992038, "2") == 19840
    assert expr.shares_floor_percent(683703, "2") == 13674


def test_formatting():
    assert FUNCTIONS["fmt.money"]("6687936.5") == "$6,687,936.50"
    assert FUNCTIONS["fmt.money"]("-3") == "-$3.00"
    assert FUNCTIONS["fmt.shares"](1839072) == "1,839,072"
    ts = dt.datetime(2003, 2, 11, 22, 0, tzinfo=dt.timezone.utc)
    assert FUNCTIONS["fmt.ny"](ts) == "2003-02-11 17:00 EST"
    assert FUNCTIONS["ny.date"](ts) == "2003-02-11"


def test_cel_value_conversion():
    ny = dt.timezone(dt.timedelta(hours=-5))
    value = cel_value({"a": Decimal("24.00"), "d": dt.date(2003, 1, 8),
                       "t": dt.datetime(2003, 1, 8, 0, 1, tzinfo=ny), "l": [Decimal("1E+1")]})
    assert value == {"a": "24.00", "d": "2003-01-08",
                     "t": dt.datetime(2003, 1, 8, 5, 1, tzinfo=dt.timezone.utc), "l": ["10"]}


def test_compile_errors_are_one_line():
    with pytest.raises(ValueError) as info:
        compile_expression("a +")
    assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match="limit"):
        compile_expression("1 + " * 2000 + "1")


def test_cel_loaded_without_its_cli():
    import sys

    expr.cel_module()
    assert "cel.cli" not in sys.modules and "prompt_toolkit" not in sys.modules
