"""A load-time bound on how long one CEL expression can run.

The CEL library evaluates in native code that holds the interpreter lock, so a running
expression cannot be interrupted: `[0,1,...,99].all(a, [0,...,99].all(b, ...))` nested five
deep would run for hours. Such an expression is refused when the pack loads, with its file
and line, rather than hanging a CI job.

The estimate multiplies the sizes of the lists that nested comprehensions iterate over.
Sizes are known for what a pack itself writes: list literals, `params` lists and `variables`
built from them. Lists read from the offer-state document count as 1 here: the document's
size limits (yamlsource.py) bound those.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from .cel_paths import MACROS, Token, matching, tokenize

MAX_ITERATIONS = 100_000
"""Nested comprehension steps one expression may take over pack-written lists (≈20 ms)."""

SizeOf = Callable[[str, str], int]
"""(root, first field) → list size for `params.x` / `variables.x`; 1 when unknown."""


class Cost(NamedTuple):
    iterations: int
    sizes: tuple[int, ...]  # the nested list sizes of the costliest chain, outermost first
    offset: int  # where the innermost comprehension of that chain starts in the source


def _match_back(tokens: list[Token], close: int) -> int:
    pairs = {")": "(", "]": "[", "}": "{"}
    stack = [pairs[tokens[close].text]]
    i = close - 1
    while i >= 0 and stack:
        t = tokens[i].text if tokens[i].kind == "op" else None
        if t in pairs:
            stack.append(pairs[t])
        elif t is not None and t == stack[-1]:
            stack.pop()
        i -= 1
    return i + 1


def _is_value_end(tok: Token) -> bool:
    return tok.kind in ("ident", "string", "number") or tok.text in (")", "]", "}")


def _literal_items(tokens: list[Token], open_: int, close: int) -> int:
    if close == open_ + 1:
        return 0
    depth, items = 0, 1
    for t in tokens[open_ + 1:close]:
        if t.kind != "op":
            continue
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            depth -= 1
        elif t.text == "," and depth == 0:
            items += 1
    return items


def _chain_start(tokens: list[Token], end: int) -> int:
    """Index of the first token of the member chain ending at `end` (a.b[0].c)."""
    i = end
    while i > 0:
        t = tokens[i]
        if t.text == "]" and t.kind == "op":
            i = _match_back(tokens, i) - 1
            continue
        if tokens[i - 1].text == "." and tokens[i - 1].kind == "op":
            i -= 2
            continue
        break
    return max(i, 0)


def _span_size(tokens: list[Token], start: int, end: int, size_of: SizeOf) -> int:
    """Upper estimate of a list-valued expression's length: its literals and known lists, summed."""
    total, i = 0, start
    while i <= end:
        t = tokens[i]
        if t.kind == "op" and t.text == "[" and (i == 0 or not _is_value_end(tokens[i - 1])):
            close = matching(tokens, i)
            total += max(_literal_items(tokens, i, close),
                         _span_size(tokens, i + 1, close - 1, size_of))
            i = close + 1
            continue
        if (t.kind == "ident" and t.text in ("params", "variables") and i + 2 <= end
                and tokens[i + 1].text == "." and tokens[i + 2].kind == "ident"):
            total += size_of(t.text, tokens[i + 2].text)
            i += 3
            continue
        i += 1
    return total


def _receiver_is_document_list(tokens: list[Token], dot: int, enclosing: list[tuple[str, bool]]) -> bool:
    """True when the receiver is a member chain into the document (or a loop item of it)."""
    end = dot - 1
    if end < 0 or tokens[end].kind == "op" and tokens[end].text in (")", "}"):
        return False  # computed: a call, a macro result or a parenthesised expression
    if tokens[end].kind == "op" and tokens[end].text == "]":
        open_ = _match_back(tokens, end)
        if open_ == 0 or not _is_value_end(tokens[open_ - 1]):
            return False  # a list literal
    start = _chain_start(tokens, end)
    root = tokens[start]
    if root.kind != "ident" or root.text in ("params", "variables"):
        return False
    for name, is_document in reversed(enclosing):  # innermost binding wins
        if name == root.text:
            return is_document
    return True


def estimate(source: str, size_of: SizeOf) -> Cost:
    """An upper bound on nested comprehension steps over lists the expression builds.

    No list an expression builds is longer than T: the items of all its list literals plus
    the lengths of the params and variables lists it reads (CEL's map and filter never
    lengthen a list and it has no loops), times (1 + mentions) for each comprehension
    variable over such a list (concatenating an item with itself). So each comprehension
    over such a list takes at most T steps, and nested ones multiply. Comprehensions over
    document lists count 1.
    """
    tokens = tokenize(source)
    if not tokens:
        return Cost(1, (), 0)
    total = max(1, _span_size(tokens, 0, len(tokens) - 1, size_of))
    macros: list[tuple[int, int, int, str, bool]] = []  # dot, body open, body close, var, document?
    for i in range(len(tokens) - 3):
        if (tokens[i].kind == "op" and tokens[i].text == "." and tokens[i + 1].kind == "ident"
                and tokens[i + 1].text in MACROS and tokens[i + 2].text == "("):
            enclosing = [(var, doc) for d, o, c, var, doc in macros if o < i < c]
            is_document = _receiver_is_document_list(tokens, i, enclosing)
            macros.append((i, i + 2, matching(tokens, i + 2), tokens[i + 3].text, is_document))
    # A comprehension variable over a built list holds an item of at most `total` elements,
    # and each mention can add that many again (`x + x + x`): grow the bound by the mentions,
    # compounding per such comprehension, so repetition cannot outrun it.
    for _dot, body_open, body_close, var, is_document in macros:
        if not is_document:
            mentions = sum(1 for t in tokens[body_open + 3:body_close]
                           if t.kind == "ident" and t.text == var)
            total *= 1 + mentions
    best = Cost(1, (), 0)
    for dot, _, _, _, _ in macros:
        chain = [1 if doc else total for d, o, c, _, doc in macros if o < dot < c or d == dot]
        iterations = 1
        for size in chain:
            iterations *= size
        if iterations > best.iterations:
            best = Cost(iterations, tuple(chain), tokens[dot].offset)
    return best


def list_size_estimate(source: str, size_of: SizeOf) -> int:
    """How long a list a `variables` expression can produce (for comprehensions over it)."""
    tokens = tokenize(source)
    return max(1, _span_size(tokens, 0, len(tokens) - 1, size_of)) if tokens else 1
