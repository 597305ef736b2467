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


# ---------------------------------------------------------------- bd.* and td.* in real CEL

def _cel(source: str, **variables):
    from checker.expr import CallLog

    cel = expr.cel_module()
    log = CallLog()
    context = cel.Context(variables=variables, functions=log.functions())
    try:
        return compile_expression(source).execute(context)
    except RuntimeError:
        raise ExpressionError(log.error or "runtime error") from None


def test_business_day_functions_in_cel_dynex_calendar():
    # sec-rules.md section 7: commencement Wed 2003-01-08 = business day 1.
    assert _cel("bd.add('2003-01-08', 20)") == "2003-02-05"                  # O1
    assert _cel("bd.add_exclusive('2003-01-08', 20)") == "2003-02-06"
    assert _cel("bd.ordinal('2003-01-08', '2003-02-11')") == 24              # O2
    assert _cel("bd.between('2003-01-08', '2003-02-11')") == 24
    assert _cel("bd.add('2003-01-08', 40)") == "2003-03-06"                  # O3
    assert _cel("bd.add('2003-01-11', 20)") == "2003-02-10"                  # O17: Saturday start
    assert _cel("bd.next('2003-02-14')") == "2003-02-18"                     # O10: Presidents' Day
    assert _cel("bd.previous('2003-02-18')") == "2003-02-14"
    assert _cel("bd.on_or_after('2003-01-20')") == "2003-01-21"              # O18: MLK Day
    assert _cel("bd.is_business_day('2003-02-17')") is False
    assert _cel("bd.add('2003-02-04', 10)") == "2003-02-18"                  # O14


def test_instants_cross_as_utc_timestamps():
    end = _cel("bd.end_of_day(bd.add('2003-01-08', 20))")
    assert end == dt.datetime(2003, 2, 6, 5, 0, tzinfo=dt.timezone.utc)       # midnight ending 02-05, EST
    assert _cel("bd.start_of_day('2003-01-08')") == dt.datetime(2003, 1, 8, 5, 1, tzinfo=dt.timezone.utc)
    assert _cel("ny.at(bd.next('2003-02-11'), '09:00')") == dt.datetime(2003, 2, 12, 14, 0,
                                                                          tzinfo=dt.timezone.utc)  # O9
    expiry = dt.datetime(2003, 2, 11, 22, 0, tzinfo=dt.timezone.utc)
    assert _cel("bd.date(t)", t=expiry) == "2003-02-11"
    assert _cel("bd.ordinal('2003-01-08', t)", t=expiry) == 24             # a timestamp counts as its NY date
    assert _cel("t < bd.end_of_day('2003-02-05')", t=expiry) is False
    assert _cel("fmt.deadline(bd.end_of_day('2003-02-05'))") == "Wed 2003-02-05 24:00 EST"
    assert _cel("fmt.day('2003-02-05')") == "Wed 2003-02-05"


def test_trading_day_functions_use_the_nasdaq_calendar():
    # Good Friday 2003-04-18: a business day, not a Nasdaq trading day.
    assert _cel("bd.is_business_day('2003-04-18')") is True
    assert _cel("td.is_trading_day('2003-04-18')") is False
    assert _cel("td.add_exclusive('2003-04-16', 3)") == "2003-04-22"
    assert _cel("td.add_exclusive('2003-02-11', 3)") == "2003-02-14"        # Dynex guaranteed delivery
    # Veterans Day 2003-11-11: a Federal holiday, a trading day.
    assert _cel("td.next('2003-11-10')") == "2003-11-11" and _cel("bd.next('2003-11-10')") == "2003-11-12"


def test_business_day_function_errors_are_reported_not_crashes():
    with pytest.raises(ExpressionError, match="not a date"):
        _cel("bd.add('2003-02-30', 1)")
    with pytest.raises(ExpressionError, match="outside the supported calendar range"):
        _cel("bd.add('2050-12-30', 10)")
    with pytest.raises(ExpressionError, match="not a business day"):
        _cel("bd.ordinal('2003-01-08', '2003-02-17')")
    with pytest.raises(ExpressionError, match="whole number"):
        _cel("bd.add('2003-01-08', '20')")
    with pytest.raises(ExpressionError, match="09:00"):
        _cel("ny.at('2003-02-12', '9am')")
