"""A second way to run a CEL program: translated to a Python function, for the common case.

Running a program in the CEL extension costs a few microseconds, and handing it the
facts costs more: the extension converts every registered value into its own types
when a context is made (about 1.7 ms per Dynex document). A run over many documents
is dominated by those costs. This module translates the CEL the packs use into a
Python expression over the same values the extension would be given (``cel_value``
forms: decimal strings, ints, UTC timestamps, ISO date strings, lists, maps), so that
most programs never cross into the extension at all. Given `kept` (see translate), it
also takes lists and maps as the document holds them, and converts what it reads.

The translation is exact or it declines, never approximate:

- at translation, anything outside the subset below (doubles, unsigned ints, bytes,
  escapes other than the simple ones, message literals, functions we do not know) makes
  ``translate`` return None, and the program only ever runs in CEL;
- at run time, every operator checks its operands' types and raises on anything but
  the plain cases (mixed types, overflow, a missing key, a non-boolean condition, a
  domain function's failure). The engine then runs the program in CEL, which gives
  the outcome, whatever it is (an error, a missing fact, or a value CEL defines for
  a case we chose not to reproduce).

So a translated program returns a value only where CEL returns the same value; the
tests check this against the extension on generated expressions and on every
example. The generated text uses only the helpers below, the names of the CEL
program's own comprehension variables (prefixed), and literals written with
``repr``: a pack's text is never executed as Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from checker.cel_missing import Missing
from checker.cel_paths import CelSyntaxError, Token, tokenize

INT_MIN, INT_MAX = -(2 ** 63), 2 ** 63 - 1
_MACROS = {"all", "exists", "exists_one", "map", "filter"}
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t", "r": "\r"}
_RELATIONS = {"==": "_eq", "!=": "_ne", "<": "_lt", "<=": "_le", ">": "_gt", ">=": "_ge",
              "in": "_in"}
_ARITHMETIC = {"+": "_add", "-": "_sub", "*": "_mul", "/": "_div", "%": "_mod"}
_KEPT_RELATIONS = {"==": "_eqk", "!=": "_nek", "in": "_ink"}  # they look inside maps
# Nodes whose translation gives True or False or raises: a condition needs no _b check.
_BOOLEAN = frozenset(_RELATIONS) | {"&&", "||", "!"}


class Unsupported(Exception):
    """The program uses something this translation does not reproduce."""


class Declined(Exception):
    """At run time: a case left to CEL (raised by the helpers below)."""


# ---------------------------------------------------------------- run-time helpers

def _b(value: Any) -> bool:
    """A condition: CEL's && || ! ?: take booleans only."""
    if value is True or value is False:
        return value
    raise Declined


def _eq(a: Any, b: Any) -> bool:
    kind = type(a)
    if kind is not type(b):
        raise Declined  # null vs value, int vs bool: left to CEL's own rules
    if kind is list:
        if len(a) != len(b):
            return False
        # Every pair, not up to the first unequal one: a pair CEL would not compare
        # declines the whole answer rather than hide behind an earlier False.
        return all([_eq(x, y) for x, y in zip(a, b)])  # noqa: C419
    if kind is dict:
        if a.keys() != b.keys():
            return False
        return all([_eq(a[k], b[k]) for k in a])  # noqa: C419 (every pair, as above)
    if kind in _SCALARS:
        return a == b
    raise Declined


def _ne(a: Any, b: Any) -> bool:
    return not _eq(a, b)


_SCALARS = frozenset({bool, int, str, type(None), dt.datetime})
_ORDERED = frozenset({int, str, dt.datetime})


def _lt(a: Any, b: Any) -> bool:
    if type(a) is type(b) and type(a) in _ORDERED:
        return a < b
    raise Declined


def _le(a: Any, b: Any) -> bool:
    if type(a) is type(b) and type(a) in _ORDERED:
        return a <= b
    raise Declined


def _gt(a: Any, b: Any) -> bool:
    if type(a) is type(b) and type(a) in _ORDERED:
        return a > b
    raise Declined


def _ge(a: Any, b: Any) -> bool:
    if type(a) is type(b) and type(a) in _ORDERED:
        return a >= b
    raise Declined


def _in(a: Any, container: Any) -> bool:
    kind = type(container)
    if kind is list:
        return any([_eq(a, item) for item in container])  # noqa: C419 (every item, as _eq)
    if kind is dict and type(a) is str:
        return a in container
    raise Declined


def _int(value: int) -> int:
    if INT_MIN <= value <= INT_MAX:
        return value
    raise Declined  # CEL: overflow is an error


def _add(a: Any, b: Any) -> Any:
    kind = type(a)
    if kind is not type(b):
        raise Declined
    if kind is int:
        return _int(a + b)
    if kind is str or kind is list:
        return a + b
    raise Declined


def _sub(a: Any, b: Any) -> int:
    if type(a) is int and type(b) is int:
        return _int(a - b)
    raise Declined


def _mul(a: Any, b: Any) -> int:
    if type(a) is int and type(b) is int:
        return _int(a * b)
    raise Declined


def _div(a: Any, b: Any) -> int:
    if type(a) is int and type(b) is int and b != 0:
        quotient = abs(a) // abs(b)  # CEL truncates toward zero
        return _int(quotient if (a < 0) == (b < 0) else -quotient)
    raise Declined


def _mod(a: Any, b: Any) -> int:
    if type(a) is int and type(b) is int and b != 0 and not (a == INT_MIN and b == -1):
        remainder = abs(a) % abs(b)  # the sign of the dividend, as in CEL
        return remainder if a >= 0 else -remainder
    raise Declined  # CEL: INT_MIN % -1 overflows


def _neg(a: Any) -> int:
    if type(a) is int:
        return _int(-a)
    raise Declined


def _ix(container: Any, key: Any) -> Any:
    kind = type(container)
    if kind is list and type(key) is int and 0 <= key < len(container):
        return container[key]
    if kind is dict and type(key) is str:
        if key in container:
            return container[key]
        raise Missing(key)
    raise Declined


def _has(container: Any, name: str) -> bool:
    if type(container) is dict:
        return name in container
    raise Declined


def _size(value: Any) -> int:
    kind = type(value)
    if kind is list or kind is dict or (kind is str and value.isascii()):
        return len(value)
    raise Declined  # this CEL counts a string's UTF-8 bytes, not its code points


def _string(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return value
    if kind is int:
        return str(value)
    raise Declined  # this CEL has no string(bool) or string(null)


class _Keys(list):
    """A map's keys, as all/exists/exists_one range over them."""


def _items(value: Any) -> list[Any]:
    """What all/exists/exists_one range over: a list's items, a map's keys."""
    if type(value) is list:
        return value
    if type(value) is dict:
        return _Keys(value)
    raise Declined


# CEL ranges over a list in order, stopping where the answer is known, and over a map's
# keys in an order of its own (it differs from one context to the next): over a map, every
# key's test runs, so that an answer is given only where no order could raise instead.

def _all(items: list[Any], test: Callable[[Any], bool]) -> bool:
    return all(list(map(test, items)) if type(items) is _Keys else map(test, items))


def _exists(items: list[Any], test: Callable[[Any], bool]) -> bool:
    return any(list(map(test, items)) if type(items) is _Keys else map(test, items))


def _exists_one(items: list[Any], test: Callable[[Any], bool]) -> bool:
    return sum(list(map(test, items))) == 1


def _list(value: Any) -> list[Any]:
    """What map/filter range over: lists only (a map's key order is CEL's own)."""
    if type(value) is list:
        return value
    raise Declined


def _result(value: Any) -> Any:
    """A domain function's result, as CEL would take it; anything unusual is left to CEL."""
    kind = type(value)
    if kind is int:
        return _int(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is dt.datetime and value.tzinfo is not None:
        return value
    raise Declined


def _map(pairs: list[tuple[Any, Any]]) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for key, value in pairs:
        if type(key) is not str or key in out:
            raise Declined  # CEL rejects repeated keys; other key types left to CEL
        out[key] = value
    return out


# ---------------------------------------------------------------- facts read as they are
#
# With `kept` (see translate), a program may be given facts as the document holds them
# rather than as CEL would see them: money as Decimal, dates as date, date-times in any
# zone, and objects with all their keys, where CEL's view keeps only `kept` (the names the
# rules read, and "id"). The helpers below turn each fact into its CEL form where the
# program reads it, and refuse what would differ: a map whose keys are not all kept, when
# a program asks about its keys as a whole (size, in, ==, all/exists, or hands it on).

_AS_IS = frozenset({str, int, bool, type(None)})
# What a read gives back untouched: single values CEL takes as they are, and lists and
# maps (converted where their contents are read).
_READ_AS_IS = _AS_IS | {dict, list}


def _leaf(value: Any) -> Any:
    """A fact read from a map or list, in its CEL form (maps and lists stay as they are)."""
    kind = type(value)
    if kind is dict or kind is list:
        return value
    if kind is Decimal:
        return format(value, "f")  # as checker.expr.decimal_text
    if kind is dt.datetime and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    if kind is dt.date:
        return value.isoformat()
    if kind is tuple:
        return [item if type(item) in _AS_IS else _leaf(item) for item in value]
    raise Declined


def _fld(container: Any, name: str) -> Any:
    try:
        value = container[name]  # (a non-map raises TypeError: left to CEL)
    except KeyError:
        if type(container) is dict:
            raise Missing(name) from None
        raise
    return value if type(value) in _READ_AS_IS else _leaf(value)


def _ixr(container: Any, key: Any, kept: frozenset[str]) -> Any:
    kind = type(container)  # _ix's checks, inline: a loop reads its item this way
    if kind is list and type(key) is int and 0 <= key < len(container):
        value = container[key]
    elif kind is dict and type(key) is str and key in kept:
        # (CEL's view of an object keeps only the `kept` keys)
        if key not in container:
            raise Missing(key)
        value = container[key]
    else:
        raise Declined
    return value if type(value) in _READ_AS_IS else _leaf(value)


def _whole(value: Any, kept: frozenset[str]) -> Any:
    """A value whose keys a program asks about: a map only if CEL's view has all its keys."""
    if type(value) is dict and not kept.issuperset(value):
        raise Declined
    return value


def _cel(value: Any, kept: frozenset[str]) -> Any:
    """The whole value in its CEL form (for a function, a result, a comparison)."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is list or kind is tuple:
        return [_cel(item, kept) for item in value]
    if kind is dict:
        return {key: _cel(item, kept) for key, item in _whole(value, kept).items()}
    return _leaf(value)


def _arg(value: Any, kept: frozenset[str]) -> Any:
    return value if type(value) in _AS_IS else _cel(value, kept)


def _eqk(a: Any, b: Any, kept: frozenset[str]) -> bool:
    kind = type(a)
    if kind is type(b) and (kind is str or kind is int or kind is bool):
        return a == b  # the common case, as _eq would answer it
    if kind in (list, dict) or type(b) in (list, dict):
        return _eq(_cel(a, kept), _cel(b, kept))
    return _eq(a, b)


def _eqs(a: Any, text: str) -> bool:
    if type(a) is str:
        return a == text
    raise Declined  # CEL's answer for another type is its own


def _nes(a: Any, text: str) -> bool:
    if type(a) is str:
        return a != text
    raise Declined


def _nek(a: Any, b: Any, kept: frozenset[str]) -> bool:
    return not _eqk(a, b, kept)


def _ink(a: Any, container: Any, kept: frozenset[str]) -> bool:
    if type(container) is dict:
        return _in(a, _whole(container, kept))
    if type(a) in (list, dict):
        return _in(_cel(a, kept), _cel(container, kept))
    return _in(a, container)


# ---------------------------------------------------------------- strict translation
#
# CEL's || and && are commutative over errors: a true side makes || true (a false side
# makes && false) whatever the other side raised; when neither side decides, the error of
# the right side wins over the left's. Measured on this extension: `x.a == 1 || x.k == 1`
# is true, `x.a == 1 || x.b == 1` raises KeyError('b'), `x.a == 1 && x.k == 2` is false.
# Only a missing key is reproduced so: anything else declines at once.


def _logical(left: Callable[[], bool], right: Callable[[], bool], decisive: bool) -> bool:
    """`left || right` with decisive True, `left && right` with decisive False."""
    gone = None  # the key the left side misses: kept, not its exception, whose traceback
    try:         # holds this frame (a cycle only the garbage collector would free)
        if left() is decisive:
            return decisive
    except Missing as missing:
        gone = missing.key
    if right() is decisive:  # its Missing or Declined wins over the left side's
        return decisive
    if gone is not None:
        raise Missing(gone)
    return not decisive


def _whole_macro(run: Callable[[], Any]) -> Any:
    """A macro in a strict translation: this CEL stops a comprehension at its first error
    (`[1, 2].exists(i, x.a == i || i == 2)` raises KeyError('a')), which the strict
    translation does not follow: a missing key inside is left to CEL."""
    try:
        return run()
    except Missing:
        raise Declined from None


_HELPERS: dict[str, Any] = {
    name: value for name, value in dict(globals()).items()
    if name.startswith("_") and callable(value) and not name.startswith("__")
}
_HELPERS["__builtins__"] = {}


# ---------------------------------------------------------------- parsing

class _Parser:
    """Recursive descent over cel_paths tokens, following the CEL grammar's precedence."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos].text if self.pos < len(self.tokens) else None

    def take(self, text: str | None = None) -> Token:
        if self.pos >= len(self.tokens):
            raise Unsupported("unexpected end")
        token = self.tokens[self.pos]
        if text is not None and token.text != text:
            raise Unsupported(f"expected {text!r}")
        self.pos += 1
        return token

    def parse(self) -> tuple:
        node = self.expr()
        if self.pos != len(self.tokens):
            raise Unsupported("trailing tokens")
        return node

    def expr(self) -> tuple:
        condition = self.binary(0)
        if self.peek() == "?":
            self.take()
            then = self.binary(0)
            self.take(":")
            return ("?", condition, then, self.expr())
        return condition

    _LEVELS = (("||",), ("&&",), tuple(_RELATIONS), ("+", "-"), ("*", "/", "%"))

    def binary(self, level: int) -> tuple:
        if level == len(self._LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        ops = self._LEVELS[level]
        while self.peek() in ops and self.tokens[self.pos].kind in ("op", "ident"):
            op = self.take().text
            node = (op, node, self.binary(level + 1))
        return node

    def unary(self) -> tuple:
        if self.peek() == "!":
            self.take()
            return ("!", self.unary())
        if self.peek() == "-":
            self.take()
            return ("neg", self.unary())
        return self.member()

    def member(self) -> tuple:
        node = self.primary()
        while True:
            if self.peek() == ".":
                self.take()
                name = self.take()
                if name.kind != "ident":
                    raise Unsupported("field name expected")
                if self.peek() == "(":
                    node = ("call", node, name.text, self.arguments(")"))
                else:
                    node = ("field", node, name.text)
            elif self.peek() == "[":
                self.take()
                index = self.expr()
                self.take("]")
                node = ("index", node, index)
            else:
                return node

    def arguments(self, close: str) -> list[tuple]:
        self.take()  # the opening bracket
        items: list[tuple] = []
        while self.peek() != close:
            items.append(self.expr())
            if self.peek() == ",":
                self.take()
            elif self.peek() != close:
                raise Unsupported("',' expected")
        self.take(close)
        return items

    def primary(self) -> tuple:
        token = self.take()
        if token.kind == "number":
            if not token.text.isdigit():
                raise Unsupported("only decimal int literals are translated")
            value = int(token.text)
            if value > INT_MAX:
                raise Unsupported("int literal out of range")
            return ("lit", value)
        if token.kind == "string":
            return ("lit", _string_literal(token.text))
        if token.kind == "ident":
            if token.text in ("true", "false", "null"):
                return ("lit", {"true": True, "false": False, "null": None}[token.text])
            if token.text == "in":
                raise Unsupported("'in' out of place")
            if self.peek() == "(":
                return ("call", None, token.text, self.arguments(")"))
            if self.peek() == "{":
                raise Unsupported("message literals are not translated")
            return ("ident", token.text)
        if token.text == "(":
            node = self.expr()
            self.take(")")
            return node
        if token.text == "[":
            self.pos -= 1
            return ("list", self.arguments("]"))
        if token.text == "{":
            pairs = []
            while self.peek() != "}":
                key = self.expr()
                self.take(":")
                pairs.append((key, self.expr()))
                if self.peek() == ",":
                    self.take()
                elif self.peek() != "}":
                    raise Unsupported("',' expected")
            self.take("}")
            return ("map", pairs)
        raise Unsupported(f"unexpected {token.text!r}")


def _string_literal(text: str) -> str:
    quote = text[0]
    if quote not in "'\"" or text.startswith(quote * 3) or len(text) < 2 or text[-1] != quote:
        raise Unsupported("raw, bytes and triple-quoted strings are not translated")
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            escaped = body[i + 1] if i + 1 < len(body) else ""
            if escaped not in _ESCAPES:
                raise Unsupported("escape not translated")
            out.append(_ESCAPES[escaped])
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


# ---------------------------------------------------------------- code generation

class _Writer:
    def __init__(self, functions: dict[str, Callable[..., Any]], namespaces: frozenset[str],
                 kept: frozenset[str] | None = None, strict: bool = False):
        self.functions = functions
        self.namespaces = namespaces
        self.used: dict[str, Callable[..., Any]] = {}
        self.kept = kept  # facts as the document holds them (see translate)
        self.strict = strict  # || and && as CEL orders a missing key (see _logical)

    def field(self, name: str) -> str:
        if self.kept is not None and name not in self.kept:
            raise Unsupported(f"field {name} is not in CEL's view of the facts")
        return repr(name)

    def write(self, node: tuple, scope: frozenset[str]) -> str:
        kind = node[0]
        w = self.write
        if kind == "lit":
            return repr(node[1])
        if kind == "ident":
            name = node[1]
            if name in scope:
                return "_v_" + name
            if name in self.namespaces:
                raise Unsupported("a namespace is not a value")
            return f"g[{name!r}]"
        if kind == "?":
            return f"({w(node[2], scope)} if {self.test(node[1], scope)} else {w(node[3], scope)})"
        if kind in ("&&", "||") and self.strict:
            return (f"_logical(lambda: {self.test(node[1], scope)}, "
                    f"lambda: {self.test(node[2], scope)}, {kind == '||'})")
        if kind == "&&":
            return f"({self.test(node[1], scope)} and {self.test(node[2], scope)})"
        if kind == "||":
            return f"({self.test(node[1], scope)} or {self.test(node[2], scope)})"
        if kind == "!":
            return f"(not {self.test(node[1], scope)})"
        if self.kept is not None and kind in ("==", "!=") and \
                any(side[0] == "lit" and type(side[1]) is str for side in node[1:]):
            # Text against a text literal: equal or not as text, anything else left to CEL.
            lit, other = (node[1], node[2]) if node[1][0] == "lit" else (node[2], node[1])
            return f"{'_eqs' if kind == '==' else '_nes'}({w(other, scope)}, {lit[1]!r})"
        if kind == "neg":
            return f"_neg({w(node[1], scope)})"
        if self.kept is not None and kind in _KEPT_RELATIONS:
            return f"{_KEPT_RELATIONS[kind]}({w(node[1], scope)}, {w(node[2], scope)}, _K)"
        if kind in _RELATIONS or kind in _ARITHMETIC:
            helper = _RELATIONS.get(kind) or _ARITHMETIC[kind]
            return f"{helper}({w(node[1], scope)}, {w(node[2], scope)})"
        if kind == "field":
            if self.kept is not None:
                return f"_fld({w(node[1], scope)}, {self.field(node[2])})"
            return f"_ix({w(node[1], scope)}, {node[2]!r})"  # as m['name']
        if kind == "index":
            if self.kept is not None:
                return f"_ixr({w(node[1], scope)}, {w(node[2], scope)}, _K)"
            return f"_ix({w(node[1], scope)}, {w(node[2], scope)})"
        if kind == "list":
            return "[" + "".join(w(item, scope) + ", " for item in node[1]) + "]"
        if kind == "map":
            return "_map([" + "".join(f"({w(k, scope)}, {w(v, scope)}), " for k, v in node[1]) + "])"
        if kind == "call":
            return self.call(node, scope)
        raise Unsupported(kind)  # pragma: no cover (the parser makes no other node)

    def call(self, node: tuple, scope: frozenset[str]) -> str:
        _, target, name, args = node
        w = self.write
        if target is None:
            if name == "has" and len(args) == 1 and args[0][0] == "field":
                return f"_has({w(args[0][1], scope)}, {self.field(args[0][2])})"
            if name == "size" and len(args) == 1:
                return f"_size({self.whole(w(args[0], scope))})"
            if name == "string" and len(args) == 1:
                return f"_string({w(args[0], scope)})"
            return self.function(name, [w(a, scope) for a in args])
        if target[0] == "ident" and target[1] in self.namespaces and target[1] not in scope:
            return self.function(f"{target[1]}.{name}", [w(a, scope) for a in args])
        if name in _MACROS and args and args[0][0] == "ident" and len(args) in (2, 3):
            text = self.macro(name, target, args, scope)
            return f"_whole_macro(lambda: {text})" if self.strict else text
        if name == "size" and not args:
            return f"_size({self.whole(w(target, scope))})"
        return self.function(name, [w(target, scope)] + [w(a, scope) for a in args])

    def test(self, node: tuple, scope: frozenset[str]) -> str:
        """A condition: its value if the node always gives a boolean, else checked by _b."""
        text = self.write(node, scope)
        if node[0] in _BOOLEAN or (node[0] == "call" and node[1] is None and node[2] == "has"):
            return text
        return f"_b({text})"

    def whole(self, text: str) -> str:
        return text if self.kept is None else f"_whole({text}, _K)"

    def function(self, name: str, args: list[str]) -> str:
        if name not in self.functions:
            raise Unsupported(f"function {name} is not translated")
        slot = "_f" + str(len(self.used))
        self.used[slot] = self.functions[name]
        if self.kept is not None:
            args = [f"_arg({arg}, _K)" for arg in args]
        return f"_result({slot}({', '.join(args)}))"

    def macro(self, name: str, target: tuple, args: list[tuple], scope: frozenset[str]) -> str:
        var = args[0][1]
        inner = scope | {var}
        loop = f"for _v_{var} in"
        source = self.write(target, scope)
        if len(args) == 3:
            if name != "map":
                raise Unsupported(f"{name} takes two arguments")
            return (f"[{self.write(args[2], inner)} {loop} _list({source}) "
                    f"if _b({self.write(args[1], inner)})]")
        body = self.write(args[1], inner)
        if name in ("all", "exists", "exists_one"):
            return f"_{name}(_items({self.whole(source)}), lambda _v_{var}: _b({body}))"
        if name == "filter":
            return f"[_v_{var} {loop} _list({source}) if _b({body})]"
        return f"[{body} {loop} _list({source})]"


def translate(source: str, functions: dict[str, Callable[..., Any]], namespaces: frozenset[str],
              kept: frozenset[str] | None = None, strict: bool = False
              ) -> Callable[[dict[str, Any]], Any] | None:
    """A Python function of the context's values, or None where CEL must run the program.

    The function raises (Declined, KeyError, TypeError, ...) wherever it does not
    reproduce CEL; the caller then runs the program in CEL. Where a map lacks a key the
    program reads, it raises Missing. With `strict`, it does so exactly where CEL
    raises KeyError with that key: || and && then run both sides, as CEL's do (see
    _logical), which is slower, for the rare run that meets a missing fact. Without, it
    may stop at a key CEL would get past or not report, so the caller only takes it as
    a reason to run the strict one.

    Without `kept`, the values are those CEL would be given (checker.expr.cel_value
    forms). With it, they may also be the facts as the document holds them (Decimal,
    date, any time zone, objects with keys CEL's view drops: CEL sees an object with
    fixed properties only with the keys in `kept`); the function then converts what it
    reads and returns, and declines where the dropped keys could matter.
    """
    try:
        tree = _Parser(tokenize(source)).parse()
        writer = _Writer(functions, namespaces, kept, strict)
        body = writer.write(tree, frozenset())
        text = "lambda g: " + (body if kept is None else f"_arg({body}, _K)")
        code = compile(text, "<cel>", "eval")
    except (Unsupported, CelSyntaxError, SyntaxError, RecursionError, MemoryError, ValueError):
        return None
    except Exception:  # noqa: BLE001 (anything else unforeseen: the program is CEL's alone;
        return None  # an engine run must never stop on a pack's text)
    return eval(code, {**_HELPERS, **writer.used, "_K": kept})  # text built from a parse tree
