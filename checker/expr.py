"""The CEL environment: compiling expressions and the domain function library.

CEL has no decimal or date types, so facts cross into CEL as follows (see
``cel_value``): money and other exact decimals as canonical decimal strings,
shares as ints, datetimes as UTC timestamps, dates as ISO strings. Arithmetic on
money is done here, in Python ``Decimal`` with traps on inexact results, through
functions registered under namespaces (``money.mul(price, shares)``). Every
domain function lives in this module so a reviewer can audit them in one place.

``import cel`` would load that package's interactive CLI (prompt_toolkit, typer:
~150 ms). We load its compiled extension module directly instead (~5 ms).
"""

from __future__ import annotations

import datetime as dt
import decimal
import importlib.machinery
import importlib.util
import os
from decimal import Decimal
from functools import lru_cache
from types import ModuleType
from typing import Any, Callable
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")
MAX_EXPRESSION_LENGTH = 4000

# Exact arithmetic: any result that would need rounding raises; rounding is always
# explicit and named (floor_to, ceil_to, ...).
_EXACT = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN,
                         traps=[decimal.InvalidOperation, decimal.Inexact, decimal.Overflow,
                                decimal.DivisionByZero])


class ExpressionError(Exception):
    """A domain function was given something it cannot work with."""


@lru_cache(maxsize=1)
def cel_module() -> ModuleType:
    """The compiled CEL extension, without running cel/__init__.py (which imports its CLI)."""
    spec = importlib.util.find_spec("cel")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the 'common-expression-language' package is not installed")
    folder = list(spec.submodule_search_locations)[0]
    for name in sorted(os.listdir(folder)):
        if name.startswith("cel.") and name.endswith((".so", ".pyd")):
            loader = importlib.machinery.ExtensionFileLoader("cel.cel", os.path.join(folder, name))
            module = importlib.util.module_from_spec(importlib.util.spec_from_loader("cel.cel", loader))
            loader.exec_module(module)
            return module
    raise ImportError(f"no compiled CEL extension found in {folder}")  # pragma: no cover


def compile_expression(source: str) -> Any:
    """Compile CEL source to a Program; raise ValueError with a one-line reason."""
    if not isinstance(source, str) or not source.strip():
        raise ValueError("expression is empty")
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise ValueError(f"expression is {len(source)} characters; the limit is "
                         f"{MAX_EXPRESSION_LENGTH}")
    try:
        return cel_module().compile(source)
    except Exception as exc:  # the extension raises ValueError; be defensive about others
        first = str(exc).splitlines()
        reason = next((line for line in first if "ERROR" in line), first[0] if first else "syntax error")
        reason = reason.replace("ERROR: <input>:", "at ").strip()
        if len(reason) > 200:
            reason = reason[:197] + "..."
        raise ValueError(reason) from None


# ---------------------------------------------------------------- value conversion

_AS_IS = frozenset({str, int, bool, type(None)})


def cel_value(value: Any) -> Any:
    """Convert an exact Python fact into the value CEL sees."""
    # Strings, ints and booleans pass as they are, without a call each: this runs for
    # every node of every fact a rule reads.
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is dict:
        return {k: v if type(v) in _AS_IS else cel_value(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _AS_IS else cel_value(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: cel_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [cel_value(v) for v in value]
    if isinstance(value, float):
        raise ExpressionError(f"float {value!r} cannot be a fact; floats are inexact")
    return value


def decimal_text(value: Decimal) -> str:
    """Canonical text for a Decimal: never exponent notation."""
    return format(value, "f")


def to_decimal(value: Any, what: str = "amount") -> Decimal:
    if isinstance(value, bool):
        raise ExpressionError(f"{what}: expected a decimal, got a boolean")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except decimal.InvalidOperation:
            raise ExpressionError(f"{what}: {value!r} is not a decimal number") from None
        if not result.is_finite():
            raise ExpressionError(f"{what}: {value!r} is not a finite number")
        return result
    if isinstance(value, float):
        raise ExpressionError(f"{what}: {value!r} is a CEL double; money must be a string or int")
    raise ExpressionError(f"{what}: expected a decimal string or int, got {type(value).__name__}")


# ---------------------------------------------------------------- money and shares

def _exact(fn: Callable[[], Decimal]) -> Decimal:
    try:
        return fn()
    except decimal.Inexact:
        raise ExpressionError("result is not exact; use a named rounding such as "
                              "money.floor_to") from None
    except (decimal.Overflow, decimal.InvalidOperation, decimal.DivisionByZero) as exc:
        raise ExpressionError(f"arithmetic error: {type(exc).__name__}") from None


def money_add(a: Any, b: Any) -> str:
    return decimal_text(_exact(lambda: _EXACT.add(to_decimal(a), to_decimal(b))))


def money_sub(a: Any, b: Any) -> str:
    return decimal_text(_exact(lambda: _EXACT.subtract(to_decimal(a), to_decimal(b))))


def money_mul(a: Any, b: Any) -> str:
    return decimal_text(_exact(lambda: _EXACT.multiply(to_decimal(a), to_decimal(b))))


def money_sum(items: Any) -> str:
    if not isinstance(items, list):
        raise ExpressionError("money.sum expects a list")
    total = Decimal(0)
    for item in items:
        total = _exact(lambda t=total, i=item: _EXACT.add(t, to_decimal(i)))
    return decimal_text(total)


def money_percent_of(amount: Any, percent: Any) -> str:
    """amount × percent / 100, exact (105% of 24.00 → "25.2000")."""
    return decimal_text(_exact(lambda: _EXACT.divide(
        _EXACT.multiply(to_decimal(amount), to_decimal(percent, "percent")), Decimal(100))))


def _step(step: Any) -> Decimal:
    s = to_decimal(step, "step")
    if s <= 0:
        raise ExpressionError(f"step must be positive, got {step!r}")
    return s


def money_floor_to(amount: Any, step: Any) -> str:
    """Round down to a multiple of step (named rounding: floor, e.g. $25 denominations)."""
    a, s = to_decimal(amount), _step(step)
    return decimal_text((a / s).to_integral_value(rounding=decimal.ROUND_FLOOR) * s)


def money_ceil_to(amount: Any, step: Any) -> str:
    """Round up to a multiple of step (named rounding: ceiling)."""
    a, s = to_decimal(amount), _step(step)
    return decimal_text((a / s).to_integral_value(rounding=decimal.ROUND_CEILING) * s)


def money_is_multiple(amount: Any, step: Any) -> bool:
    a, s = to_decimal(amount), _step(step)
    return a % s == 0


def money_gcd(a: Any, b: Any) -> str:
    """Greatest common divisor of two positive exact decimals (gcd(25.725, 25) = 0.025)."""
    x, y = to_decimal(a), to_decimal(b)
    if x <= 0 or y <= 0:
        raise ExpressionError("money.gcd needs two positive amounts")
    places = max(-x.as_tuple().exponent, -y.as_tuple().exponent, 0)
    scale = Decimal(10) ** places
    from math import gcd

    return decimal_text(Decimal(gcd(int(x * scale), int(y * scale))) / scale)


def money_max_remainder(price: Any, step: Any) -> str:
    """The largest remainder (k × price) mod step can take over whole k ≥ 1.

    The remainders of k × price modulo step are exactly the multiples of
    g = gcd(price, step) below step, so the largest is step − g. This is the most
    cash in lieu a holder can receive when notes come only in multiples of step.
    """
    g = to_decimal(money_gcd(price, step))
    return decimal_text(_exact(lambda: _EXACT.subtract(to_decimal(step), g)))


def money_cmp(a: Any, b: Any) -> int:
    x, y = to_decimal(a), to_decimal(b)
    return (x > y) - (x < y)


def _fmt_money(value: Any) -> str:
    d = to_decimal(value)
    sign = "-" if d < 0 else ""
    d = abs(d)
    # Show cents at least; keep any finer digits the figure really has (B's $0.075).
    exponent = d.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{sign}${d:,.{places}f}"


def _fmt_shares(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ExpressionError(f"fmt.shares expects an int, got {value!r}")
    return f"{value:,}"


def shares_floor_percent(shares: Any, percent: Any) -> int:
    """floor(shares × percent / 100): whole shares, "disregarding fractions"."""
    if isinstance(shares, bool) or not isinstance(shares, int):
        raise ExpressionError(f"shares.floor_percent expects whole shares, got {shares!r}")
    value = to_decimal(shares, "shares") * to_decimal(percent, "percent") / 100
    return int(value.to_integral_value(rounding=decimal.ROUND_FLOOR))


def shares_sum(items: Any) -> int:
    if not isinstance(items, list) or not all(isinstance(i, int) and not isinstance(i, bool)
                                              for i in items):
        raise ExpressionError("shares.sum expects a list of whole numbers")
    return sum(items)


# ---------------------------------------------------------------- time

def _aware(ts: Any) -> dt.datetime:
    if not isinstance(ts, dt.datetime) or ts.tzinfo is None:
        raise ExpressionError(f"expected a timestamp, got {ts!r}")
    return ts


def ny_date(ts: Any) -> str:
    """The New York calendar date of a timestamp, as YYYY-MM-DD."""
    return _aware(ts).astimezone(NEW_YORK).date().isoformat()


def fmt_ny(ts: Any) -> str:
    """A timestamp as New York wall-clock time, e.g. "2003-02-11 17:00 EST"."""
    local = _aware(ts).astimezone(NEW_YORK)
    return local.strftime("%Y-%m-%d %H:%M %Z")


# ---------------------------------------------------------------- business and trading days
#
# Dates cross into CEL as ISO strings "YYYY-MM-DD" and come back the same way;
# instants are CEL timestamps (UTC). Every bd.* function uses the DEFAULT SEC
# calendar of checker.calendar (Federal holidays under 5 U.S.C. 6103, Inauguration
# Day a non-business day, closures counted as business days): a CEL function
# cannot see the document's settings.calendar. Rules that must honour those
# settings read the timeline calculator's derived facts (derived.timeline.*),
# which are computed with them. td.* is the Nasdaq trading-day calendar.

def _cel_date(value: Any, what: str = "date") -> dt.date:
    """A CEL date: an ISO "YYYY-MM-DD" string, or a timestamp (its New York date)."""
    if isinstance(value, dt.datetime):
        return _aware(value).astimezone(NEW_YORK).date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ExpressionError(f"{what}: {value!r} is not a date like 2003-02-11") from None
    raise ExpressionError(f"{what}: expected a date string or a timestamp, got {value!r}")


def _cel_count(value: Any, what: str = "n") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ExpressionError(f"{what}: expected a whole number, got {value!r}")
    return value


def _calendar_call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except (ValueError, TypeError) as exc:  # CalendarRangeError is a ValueError
        raise ExpressionError(str(exc)) from None


def _day_functions(prefix: str, calendar_fn: Callable[[], Any]) -> dict[str, Callable[..., Any]]:
    """bd.* / td.* over one calendar (built on first use, then cached by checker.calendar)."""
    def cal() -> Any:
        return calendar_fn()

    def is_day(d: Any) -> bool:
        return _calendar_call(cal().is_business_day, _cel_date(d))

    def add(d: Any, n: Any) -> str:
        """Day n of a period triggered on d: d is day 1 if it is a business day, else the next one (C2, C3)."""
        return _calendar_call(cal().add_business_days, _cel_date(d), _cel_count(n)).isoformat()

    def add_exclusive(d: Any, n: Any) -> str:
        """Day n counting from the first day strictly after d (the exclusive reading)."""
        return _calendar_call(cal().add_business_days, _cel_date(d), _cel_count(n),
                              inclusive=False).isoformat()

    def ordinal(start: Any, day: Any) -> int:
        """Which day of the period triggered on start `day` is (start or the next day = 1)."""
        return _calendar_call(cal().business_day_ordinal, _cel_date(start, "start"), _cel_date(day))

    def between(first: Any, last: Any) -> int:
        """Days d with first <= d <= last."""
        return _calendar_call(cal().business_days_between, _cel_date(first, "first"),
                              _cel_date(last, "last"))

    def next_day(d: Any) -> str:
        return _calendar_call(cal().next_business_day, _cel_date(d)).isoformat()

    def previous_day(d: Any) -> str:
        return _calendar_call(cal().previous_business_day, _cel_date(d)).isoformat()

    def on_or_after(d: Any) -> str:
        return _calendar_call(cal().first_business_day_on_or_after, _cel_date(d)).isoformat()

    return {
        f"{prefix}.is_business_day" if prefix == "bd" else f"{prefix}.is_trading_day": is_day,
        f"{prefix}.add": add,
        f"{prefix}.add_exclusive": add_exclusive,
        f"{prefix}.ordinal": ordinal,
        f"{prefix}.between": between,
        f"{prefix}.next": next_day,
        f"{prefix}.previous": previous_day,
        f"{prefix}.on_or_after": on_or_after,
    }


def bd_end_of_day(d: Any) -> dt.datetime:
    """The timestamp of 12:00 midnight ending day d, New York time (C1, C4): 00:00 of the next day."""
    day = _cel_date(d)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=NEW_YORK
                               ).astimezone(dt.timezone.utc)


def bd_start_of_day(d: Any) -> dt.datetime:
    """The timestamp of 12:01 a.m. New York time on day d (when a business day begins, C1)."""
    return dt.datetime.combine(_cel_date(d), dt.time(0, 1), tzinfo=NEW_YORK).astimezone(dt.timezone.utc)


def ny_at(d: Any, wall_time: Any) -> dt.datetime:
    """The timestamp of New York wall-clock time "HH:MM" on day d (e.g. 9:00 a.m. for Rule 14e-1(d))."""
    if not isinstance(wall_time, str):
        raise ExpressionError(f"time: expected \"HH:MM\", got {wall_time!r}")
    try:
        clock = dt.time.fromisoformat(wall_time)
    except ValueError:
        raise ExpressionError(f"time: {wall_time!r} is not a time like 09:00") from None
    return dt.datetime.combine(_cel_date(d), clock, tzinfo=NEW_YORK).astimezone(dt.timezone.utc)


def _sec() -> Any:
    from checker.calendar import sec_calendar

    return sec_calendar()


def _xnas() -> Any:
    from checker.calendar import xnas_calendar

    return xnas_calendar()


def fmt_deadline(ts: Any) -> str:
    """A timestamp as "Wed 2003-02-05 24:00 EST": New York time, midnight as 24:00 of the day it ends."""
    from checker.calendar import format_new_york

    return format_new_york(_aware(ts))


def fmt_day(d: Any) -> str:
    """A date string as "Wed 2003-02-05"."""
    return _cel_date(d).strftime("%a %Y-%m-%d")


def join_strings(items: Any, separator: Any = "") -> str:
    """list.join(sep), as in cel-go's strings extension (the Rust core lacks it)."""
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ExpressionError("join expects a list of strings")
    if not isinstance(separator, str):
        raise ExpressionError("join separator must be a string")
    return separator.join(items)


# ---------------------------------------------------------------- registry

FUNCTIONS: dict[str, Callable[..., Any]] = {
    "money.add": money_add,
    "money.sub": money_sub,
    "money.mul": money_mul,
    "money.sum": money_sum,
    "money.percent_of": money_percent_of,
    "money.floor_to": money_floor_to,
    "money.ceil_to": money_ceil_to,
    "money.is_multiple": money_is_multiple,
    "money.cmp": money_cmp,
    "money.gcd": money_gcd,
    "money.max_remainder": money_max_remainder,
    "money.eq": lambda a, b: money_cmp(a, b) == 0,
    "money.ne": lambda a, b: money_cmp(a, b) != 0,
    "money.lt": lambda a, b: money_cmp(a, b) < 0,
    "money.le": lambda a, b: money_cmp(a, b) <= 0,
    "money.gt": lambda a, b: money_cmp(a, b) > 0,
    "money.ge": lambda a, b: money_cmp(a, b) >= 0,
    "money.max": lambda a, b: decimal_text(max(to_decimal(a), to_decimal(b))),
    "money.min": lambda a, b: decimal_text(min(to_decimal(a), to_decimal(b))),
    "money.abs": lambda a: decimal_text(abs(to_decimal(a))),
    "join": join_strings,
    "shares.floor_percent": shares_floor_percent,
    "shares.sum": shares_sum,
    "ny.date": ny_date,
    "ny.at": ny_at,
    **_day_functions("bd", _sec),
    "bd.end_of_day": bd_end_of_day,
    "bd.start_of_day": bd_start_of_day,
    "bd.date": ny_date,
    **_day_functions("td", _xnas),
    "fmt.money": _fmt_money,
    "fmt.shares": _fmt_shares,
    "fmt.ny": fmt_ny,
    "fmt.deadline": fmt_deadline,
    "fmt.day": fmt_day,
}

# Namespaces of the functions above: `money` in `money.le(...)` is not a fact.
FUNCTION_NAMESPACES = frozenset(name.split(".")[0] for name in FUNCTIONS if "." in name)


class CallLog:
    """Remembers the first domain-function failure of an evaluation.

    The CEL extension turns a Python exception into a generic RuntimeError (and
    prints it to stderr); we keep the original reason for the finding's message.
    """

    def __init__(self) -> None:
        self.error: str | None = None

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(*args: Any) -> Any:
            try:
                return fn(*args)
            except ExpressionError as exc:
                self.error = self.error or f"{name}: {exc}"
                raise
            except TypeError as exc:
                self.error = self.error or f"{name}: wrong arguments ({exc})"
                raise
        return guarded

    def functions(self, extra: dict[str, Callable[..., Any]] | None = None) -> dict[str, Callable[..., Any]]:
        table = dict(FUNCTIONS)
        if extra:
            table.update(extra)
        return {name: self.wrap(name, fn) for name, fn in table.items()}
