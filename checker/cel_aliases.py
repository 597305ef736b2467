"""Rewrite CEL so that a program reads each fact from a top-level variable of its own.

Why: the CEL extension copies a value every time a field is selected from a map,
deeply (``derived.timeline.expiration`` copies the whole timeline before taking
one date: ~190 µs), while reading a top-level variable, indexing a top-level list
or selecting one field of the item found costs well under a microsecond. So the
engine binds, once per document, an alias for each member chain the rules read, and
runs rewritten programs:

- ``derived.timeline.expiration``   → ``__a3``           (the value at that path)
- ``has(derived.timeline.payment)`` → ``has(__a4.payment)``, where ``__a4`` is
  ``{payment: true}`` or ``{}``
- ``c.kind`` for a for_each over ``conditions``
                                    → ``(__a5[__i_c]).kind``, ``__a5`` being the list
- ``params.x`` / ``variables.x``    → a variable holding just that value.

A rewritten program computes exactly what the original computes whenever every
alias it evaluates is bound, because it applies the same operations to the same
values. An alias is left unbound when its path cannot be followed (a missing
fact, a field of a non-object, a null variable), and then the program stops on
"undefined variable"; the engine then runs the original program, which gives the
original outcome (the missing key, the type error). So the rewriting is only ever
a shortcut, never a second semantics.
"""

from __future__ import annotations

from typing import NamedTuple

# The rewriting itself (cel_rewrite, and the CEL tokenizer, cel_paths, it uses) is imported
# where a rewriting is made: an engine plan taken from the cache (engine_plan) does not need it.

ALIAS_PREFIX = "__a"


class Alias(NamedTuple):
    """What an alias variable holds.

    kind "path": the value at `parts` of the document view (root first, e.g.
    ("derived", "timeline", "expiration")). kind "field": the object at `parts`
    reduced to whether it has `field` ({field: true}, or {} without it), for has().
    kind "param" / "variable": the pack's parameter or computed variable `field`
    (pack id in `parts`).
    """

    kind: str
    parts: tuple[str, ...]
    field: str = ""


class AliasRegistry:
    """Names aliases (``__a0``, ``__a1``, ...) so that one alias serves every rule reading it."""

    def __init__(self) -> None:
        self.names: dict[Alias, str] = {}
        self.bare_roots: set[str] = set()  # roots the rewritten programs still read whole

    def name(self, alias: Alias) -> str:
        found = self.names.get(alias)
        if found is None:
            found = self.names[alias] = f"{ALIAS_PREFIX}{len(self.names)}"
        return found


class Loop(NamedTuple):
    """A for_each variable: its name, the list it runs over, and its index variable."""

    var: str
    parts: tuple[str, ...]  # from the document root, or from an outer loop variable
    index: str


def flatten(source: str, loops: tuple[Loop, ...], roots: frozenset[str], pack_id: str,
            registry: AliasRegistry) -> str:
    """`source` with member chains read through aliases (see the module docstring)."""
    from checker.cel_rewrite import flatten

    return flatten(source, loops, roots, pack_id, registry)


def compact(source: str) -> str:
    """The same CEL with no layout (see cel_rewrite.compact)."""
    from checker.cel_rewrite import compact

    return compact(source)
