"""Static analysis of CEL expressions: which fact paths do they read?

The CEL library we use (a Rust core) compiles and evaluates but does not expose
its syntax tree, and the pure-Python CEL parser costs ~200 ms to import and build,
more than our whole start-up budget. This module tokenizes CEL and follows member
chains (``classes[0].sought``), comprehension macros (``xs.all(x, x.f > 0)``
binds ``x`` to ``xs[]``) and ``filter`` chaining, which is all the rule-pack
loader needs to refuse a reference to a fact the offer-state schema does not
define. It over-approximates nothing: a chain it cannot follow is reported as
"unknown" and not checked, never guessed.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from checker.cel_refs import ANY_ITEM, PathRef  # noqa: F401  (re-exported: the analysis yields them)

MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
KEYWORDS = frozenset({"true", "false", "null", "in"})

_TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<string>[rRbB]{0,2}(?:'''(?:.|\n)*?'''|\"\"\"(?:.|\n)*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"))
  | (?P<number>0[xX][0-9a-fA-F]+[uU]?|\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?[uU]?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/%<>!?:.,()\[\]{}])
""", re.VERBOSE)


class Token(NamedTuple):
    kind: str
    text: str
    offset: int


class CelSyntaxError(ValueError):
    pass


@functools.lru_cache(maxsize=8192)
def _tokenize(source: str) -> tuple[Token, ...]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN_RE.match(source, pos)
        if not m:
            raise CelSyntaxError(f"unexpected character {source[pos]!r} at offset {pos}")
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    return tuple(tokens)


def tokenize(source: str) -> list[Token]:
    """CEL tokens (cached: every expression is analysed several times at load)."""
    return list(_tokenize(source))


def matching(tokens: list[Token], open_index: int) -> int:
    """Index of the bracket closing the one at open_index (or len(tokens))."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = [pairs[tokens[open_index].text]]
    i = open_index + 1
    while i < len(tokens) and stack:
        t = tokens[i].text if tokens[i].kind == "op" else None
        if t in pairs:
            stack.append(pairs[t])
        elif t is not None and t == stack[-1]:
            stack.pop()
        i += 1
    return i - 1


class _Binding(NamedTuple):
    name: str
    parts: tuple[str, ...] | None  # None: bound to something we cannot follow
    root: str | None
    start: int
    end: int
    via: str | None = None  # the for_each variable its list was read through


def references(source: str, bound: dict[str, tuple[str, tuple[str, ...]] | None] | None = None,
               namespaces: frozenset[str] | set[str] = frozenset(),
               bound_uses: list[Token] | None = None) -> list[PathRef]:
    """Every member chain the expression reads, with comprehension variables resolved.

    `bound` maps names defined outside the expression (for_each variables) to the
    (root, parts) they stand for, or None when unknown. `namespaces` are function
    namespaces (``money`` in ``money.le(a, b)``), which are not facts. If
    `bound_uses` is given, the tokens that refer to a `bound` name (not shadowed by a
    comprehension variable) are appended to it.
    """
    tokens = tokenize(source)
    bindings: list[_Binding] = []
    refs: list[PathRef] = []
    declarations: set[int] = set()  # token indices of comprehension variables being bound
    # Every macro binds its variable, whatever its target ([1, 2].all(x, ...) too); chains we
    # can follow get a more precise binding below, which takes precedence.
    for k in range(len(tokens) - 4):
        if tokens[k].text == "." and tokens[k + 1].text in MACROS and tokens[k + 2].text == "(" \
                and tokens[k + 3].kind == "ident" and tokens[k + 4].text == ",":
            declarations.add(k + 3)
            bindings.append(_Binding(tokens[k + 3].text, None, None, k + 3, matching(tokens, k + 2)))

    def resolve(name: str, index: int) -> tuple[tuple[str, tuple[str, ...]] | None | bool, str | None]:
        """What `name` stands for (None: unknown; False: not a bound name, a root), and the
        for_each variable it reads through."""
        for b in reversed(bindings):
            if b.name == name and b.start < index <= b.end:
                return ((b.root, b.parts) if b.parts is not None and b.root else None), b.via
        if bound and name in bound:
            if bound_uses is not None:
                bound_uses.append(tokens[index])
            return bound[name], name
        return False, None

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        prev = tokens[i - 1].text if i > 0 else ""
        nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if tok.kind != "ident" or prev == "." or tok.text in KEYWORDS or nxt == "(" or \
                i in declarations or (tok.text in namespaces and nxt == "."):
            i += 1
            continue
        # A root identifier (not a field, not a function name): follow its chain.
        target, via = resolve(tok.text, i)
        if target is None:
            root, parts, known = tok.text, (), False
        elif target is False:
            root, parts, known = tok.text, (), True
        else:
            root, parts, known = target[0], target[1], True
        j = i + 1
        element: tuple[str, ...] | None = parts
        while j < len(tokens):
            t = tokens[j].text
            if t == "." and j + 1 < len(tokens) and tokens[j + 1].kind == "ident":
                name = tokens[j + 1].text
                after = tokens[j + 2].text if j + 2 < len(tokens) else ""
                if after == "(":
                    if name in MACROS and element is not None:
                        close = matching(tokens, j + 2)
                        var_index = j + 3
                        if var_index < len(tokens) and tokens[var_index].kind == "ident" and \
                                var_index + 1 < len(tokens) and tokens[var_index + 1].text == ",":
                            declarations.add(var_index)
                            item = element + (ANY_ITEM,) if known else None
                            bindings.append(_Binding(tokens[var_index].text, item,
                                                     root if known else None, var_index, close, via))
                        # filter keeps the element type for a following macro; map does not.
                        if name == "filter" and close + 1 < len(tokens) and tokens[close + 1].text == ".":
                            j = close + 1
                            continue
                    break
                element = element + (name,) if element is not None else None
                j += 2
            elif t == "[":
                element = element + (ANY_ITEM,) if element is not None else None
                j = matching(tokens, j) + 1
            else:
                break
        if known and element is not None:
            refs.append(PathRef(root, element, tok.offset, via))
        i += 1
    return refs


def variable_names(source: str, namespace: str = "variables") -> set[str]:
    """Names used as ``variables.<name>`` in source."""
    return {r.parts[0] for r in references(source) if r.root == namespace and r.parts}


def field_names(source: str) -> set[str]:
    """Every name an expression could read as a field: identifiers after '.', and the
    contents of string literals (for m['key'] and 'key' in m). Used to trim the facts
    handed to CEL down to what the rules can see; over-inclusion is harmless."""
    out: set[str] = set()
    tokens = tokenize(source)
    for i, tok in enumerate(tokens):
        if tok.kind == "ident" and i > 0 and tokens[i - 1].text == ".":
            out.add(tok.text)
        elif tok.kind == "string":
            out.add(tok.text.lstrip("rRbB").strip("'\""))
        elif tok.kind == "ident":
            out.add(tok.text)
    return out


def substitute_bound(source: str, replacements: dict[str, str]) -> str:
    """Replace every use of the named outer variables (for_each variables) with text.

    ``c.sought > 0`` with {"c": "classes[__i_c]"} becomes ``classes[__i_c].sought > 0``.
    Comprehension variables of the same name shadow the outer one and are left alone.
    """
    uses: list[Token] = []
    references(source, {name: None for name in replacements}, frozenset(), uses)
    out = source
    for tok in sorted(uses, key=lambda t: t.offset, reverse=True):
        out = out[:tok.offset] + "(" + replacements[tok.text] + ")" + out[tok.offset + len(tok.text):]
    return out
