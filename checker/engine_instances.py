"""A rule's instances: one per combination of its for_each loops' items, with its label.

The loops' lists are read from the document; each item's index is bound in the
CEL context while the instance is yielded, so the caller evaluates the instance
from inside the loops. An instance's bindings are shared with every document's
instance at the same indexes (RulePlan.bindings): callers read them, never change them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.document import OfferDocument
from checker.engine_plan import RulePlan
from checker.engine_session import Outcome, PackRun
from checker.yamlsource import PathKey, format_path


def instances(planned: RulePlan, run: PackRun, document: OfferDocument
              ) -> Iterator[tuple[str | None, dict[str, PathKey], Outcome | None]]:
    """(instance label, loop var → concrete path, failure) for each combination."""
    rule = planned.rule
    if not rule.for_each:
        yield None, {}, None
        return
    if len(rule.for_each) == 1:
        yield from _single_loop(planned, run, document)
        return

    walk = _NestedLoops(planned, run, document)
    yield from walk.expand(0, (), {}, ())
    if not walk.produced:
        yield "", {}, Outcome("none", planned.nothing[walk.reached])


class _NestedLoops:
    """The walk through a rule's nested loops. An object, not a closure over its own
    recursive function: that closure is a reference cycle, made per rule per document,
    that only the garbage collector frees."""

    __slots__ = ("planned", "run", "document", "last", "reached", "produced")

    def __init__(self, planned: RulePlan, run: PackRun, document: OfferDocument):
        self.planned = planned
        self.run = run
        self.document = document
        self.last = len(planned.rule.for_each) - 1
        self.reached = 0  # the deepest loop entered: an empty result names that list, not the outer one
        self.produced = False  # whether any instance came out

    def expand(self, level: int, label: tuple[str, ...], paths: dict[str, PathKey], at: tuple[int, ...]
               ) -> Iterator[tuple[str | None, dict[str, PathKey], Outcome | None]]:
        self.reached = max(self.reached, level)
        planned = self.planned
        loop = planned.rule.for_each[level]
        path = tuple(paths[loop.path[0]]) + loop.path[1:] if loop.path[0] in paths else loop.path
        items = self.document.get(path)
        if items is None:
            self.produced = True
            yield "/".join(label) or None, dict(paths), Outcome("missing", _dotted_parts(path))
            return
        for i, item, failure in _kept(items, planned, level, self.run):
            if failure is not None:
                self.produced = True
                yield "/".join(extend_label(label, _label(item, i))), dict(paths), failure
                continue
            item_label = extend_label(label, _label(item, i))
            if level == self.last:  # an instance: yielded here, not by one more generator
                self.produced = True
                bindings = planned.bindings.get(at + (i,))
                if bindings is None:
                    bindings = planned.bindings[at + (i,)] = {**paths, loop.var: path + (i,)}
                yield "/".join(item_label), bindings, None
                continue
            paths[loop.var] = path + (i,)
            yield from self.expand(level + 1, item_label, paths, at + (i,))
            paths.pop(loop.var, None)


def _single_loop(planned: RulePlan, run: PackRun, document: OfferDocument
                 ) -> Iterator[tuple[str | None, dict[str, PathKey], Outcome | None]]:
    """instances() for the common rule with one loop: the same results, without recursion."""
    loop = planned.rule.for_each[0]
    items = document.get(loop.path)
    if items is None:
        yield None, {}, Outcome("missing", _dotted_parts(loop.path))
        return
    var, path, shared = loop.var, loop.path, planned.bindings
    produced = False
    for i, item, failure in _kept(items, planned, 0, run):
        produced = True
        if failure is not None:
            yield _label(item, i), {}, failure
            continue
        bindings = shared.get((i,))
        if bindings is None:
            bindings = shared[(i,)] = {var: path + (i,)}
        yield _label(item, i), bindings, None
    if not produced:
        yield "", {}, Outcome("none", planned.nothing[0])


def _kept(items: Any, planned: RulePlan, level: int, run: PackRun
          ) -> Iterator[tuple[int, Any, Outcome | None]]:
    """(index, item, None) for each item of a loop's list its filter keeps, and (index,
    item, Outcome) for each it cannot judge; the item's index stays bound in the CEL
    context while the caller works on it (this generator waits at the yield)."""
    where, index_name, bound = planned.wheres[level], planned.indexes[level], run.bound
    # A filter runs once per item of its list (Dynex: ~360 times a document): its Python
    # translation, once made, is called here directly; whatever it raises sends the item
    # through run.keeps, which decides as for any program (strictly translated, or CEL).
    translated = where.python if where is not None and run.python else None
    for i, item in enumerate(items if isinstance(items, list) else []):
        bound[index_name] = i
        if where is not None:
            if translated:
                try:
                    keep = translated(bound) is True
                except Exception:  # noqa: BLE001
                    keep = run.keeps(where)
            else:
                keep = run.keeps(where)
            if keep is False:
                continue
            if keep is not True:
                yield i, item, keep
                continue
        yield i, item, None


def extend_label(label: tuple[str, ...], part: str) -> tuple[str, ...]:
    """Label a nested loop's item without repeating what the outer items already say.

    A derived record named after its source ('ext-1' → 'ext-1', 'e-ownership' + 'igdaloff-A'
    → 'e-ownership.igdaloff-A') adds nothing; one that refines the last item
    ('c-vii-index-decline' → 'c-vii-index-decline.djia') replaces it.
    """
    if not label:
        return (part,)  # the outermost loop's item (most calls)
    if part == label[-1] or (len(label) > 1 and any(
            part == ".".join(label[i:]) for i in range(len(label) - 1))):
        return label
    if part.startswith(label[-1] + "."):
        return label[:-1] + (part,)
    return label + (part,)


def _label(item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return item["id"]
    return str(index)


def _dotted_parts(parts: tuple[str, ...] | PathKey) -> str:
    return format_path(tuple(parts))
