"""A member chain a rule's expression reads (``classes[].sought``), as the engine keeps it.

The analysis that finds them (cel_paths: a CEL tokenizer) runs when a pack is compiled;
a pack read from the compiled-pack cache only needs this small type, so a cached run
does not load the analysis at all.
"""

from __future__ import annotations

from typing import NamedTuple

ANY_ITEM = "[]"


class PathRef(NamedTuple):
    """A member chain read by an expression: root name plus parts ('[]' = any item)."""

    root: str
    parts: tuple[str, ...]
    offset: int
    # The for_each variable the chain reads through, or None: two loops over one list
    # (`p` and `q` in pools) read the same pattern, and only this says whose item it is.
    via: str | None = None

    def dotted(self) -> str:
        out = self.root
        for p in self.parts:
            out += ANY_ITEM if p == ANY_ITEM else f".{p}"
        return out


