"""The rewriting cel_aliases describes: CEL source in, the same program reading aliases out.

Imported when an engine plan is made (engine_plan, through cel_aliases.flatten): a plan
taken from the cache was rewritten by an earlier run, so a cached `check` never compiles
this module (nor the CEL tokenizer, cel_paths).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker.cel_aliases import Alias, AliasRegistry, Loop

if TYPE_CHECKING:
    from checker.cel_paths import Token


def flatten(source: str, loops: tuple[Loop, ...], roots: frozenset[str], pack_id: str,
            registry: AliasRegistry) -> str:
    """`source` with member chains read through aliases (see cel_aliases' docstring)."""
    from checker.cel_paths import KEYWORDS, tokenize

    tokens = tokenize(source)
    shadowed = _comprehension_uses(tokens)
    by_var = {loop.var: loop for loop in loops}
    edits: list[tuple[int, int, str]] = []  # (start offset, end offset, text)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind != "ident" or tok.text in KEYWORDS or i in shadowed or \
                (i > 0 and tokens[i - 1].text == "."):
            i += 1
            continue
        fields, end = _chain(tokens, i)
        if end < len(tokens) and tokens[end].text == "(" and not fields:
            i += 1  # a function call, e.g. size(x) or has(x)
            continue
        in_has = i >= 2 and tokens[i - 1].text == "(" and tokens[i - 2].text == "has" and \
            end < len(tokens) and tokens[end].text == ")"
        text = _rewrite(tok.text, fields, in_has, by_var, roots, pack_id, registry)
        if text is not None:
            last = tokens[end - 1]
            edits.append((tok.offset, last.offset + len(last.text), text))
        i = end
    out = source
    for start, stop, text in reversed(edits):
        out = out[:start] + text + out[stop:]
    return compact(out)


def compact(source: str) -> str:
    """The same CEL with no layout: rule packs write long expressions over many indented
    lines, and compiling costs in proportion to the characters (~0.35 µs each), paid by
    every run. Tokens are kept as written; a space separates two tokens unless one of
    them is punctuation (two operators keep theirs too: ``a - -1``)."""
    from checker.cel_paths import tokenize

    out: list[str] = []
    previous = ""
    for tok in tokenize(source):
        if out and (tok.kind != "op" and previous != "op" or tok.kind == previous == "op"):
            out.append(" ")
        out.append(tok.text)
        previous = tok.kind
    return "".join(out)


def _rewrite(root: str, fields: list[str], in_has: bool, by_var: dict[str, Loop],
             roots: frozenset[str], pack_id: str, registry: AliasRegistry) -> str | None:
    if root in by_var:
        if not fields:
            return f"({_loop_item(by_var[root], by_var, registry)})"
        return _loop_field(by_var[root], fields[0], by_var, registry) + "".join("." + f for f in fields[1:])
    if root in ("params", "variables"):
        if not fields or in_has:
            return None
        kind = "param" if root == "params" else "variable"
        name = registry.name(Alias(kind, (pack_id,), fields[0]))
        return name + "".join("." + f for f in fields[1:])
    if root not in roots:
        return None
    if not fields:
        registry.bare_roots.add(root)  # read whole: filings.exists(...), size(amendments)
        return None
    if in_has:
        # has(a.b.c) → has(X.c), X holding {c: a.b.c} or {}: the same answer, and no copy
        # of a.b's other fields.
        return registry.name(Alias("field", (root, *fields[:-1]), fields[-1])) + "." + fields[-1]
    return registry.name(Alias("path", (root, *fields)))


def _loop_item(loop: Loop, by_var: dict[str, Loop], registry: AliasRegistry) -> str:
    """CEL text for the current item of `loop`."""
    if loop.parts[0] in by_var:  # a list inside an outer loop's item
        outer = by_var[loop.parts[0]]
        inner = loop.parts[1:]
        head = _loop_field(outer, inner[0], by_var, registry) + "".join("." + p for p in inner[1:]) \
            if inner else f"({_loop_item(outer, by_var, registry)})"
        return f"{head}[{loop.index}]"
    return f"{registry.name(Alias('path', loop.parts))}[{loop.index}]"


def _loop_field(loop: Loop, field: str, by_var: dict[str, Loop], registry: AliasRegistry) -> str:
    """CEL text selecting `field` of the current item of `loop`."""
    return f"({_loop_item(loop, by_var, registry)}).{field}"


def _chain(tokens: list[Token], i: int) -> tuple[list[str], int]:
    """The field names selected after tokens[i] (`a.b.c` → [b, c]), stopping before a
    method call (`.filter(`), an index or anything else; and the index just past them."""
    fields: list[str] = []
    j = i + 1
    while j + 1 < len(tokens) and tokens[j].text == "." and tokens[j + 1].kind == "ident":
        if j + 2 < len(tokens) and tokens[j + 2].text == "(":
            break
        fields.append(tokens[j + 1].text)
        j += 2
    return fields, j


def _comprehension_uses(tokens: list[Token]) -> set[int]:
    """Indices of tokens naming a comprehension variable (its declaration and its uses)."""
    from checker.cel_paths import MACROS, matching

    scopes: list[tuple[str, int, int]] = []
    for k in range(len(tokens) - 4):
        if tokens[k].text == "." and tokens[k + 1].text in MACROS and tokens[k + 2].text == "(" \
                and tokens[k + 3].kind == "ident" and tokens[k + 4].text == ",":
            scopes.append((tokens[k + 3].text, k + 3, matching(tokens, k + 2)))
    out: set[int] = set()
    for name, start, stop in scopes:
        for k in range(start, stop + 1):
            if tokens[k].kind == "ident" and tokens[k].text == name and \
                    (k == 0 or tokens[k - 1].text != "."):
                out.add(k)
    return out
