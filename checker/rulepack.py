"""Rule packs: the compiled data types, loading and validation, rule selection.

load_pack reads a pack and takes it from the compiled-pack cache (rulepack_cache) when an
earlier run checked the same bytes; otherwise rulepack_compile validates it against the
rule-pack schema, compiles every CEL expression and checks every fact path it reads. A
pack that names a fact the offer-state schema does not define is refused at load (file,
line, rule id), so a typo in a rule can never silently pass.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from checker.cel_refs import ANY_ITEM, PathRef
from checker.errors import RulePackError, SourceSpan
from checker.findings import Citation, PackRef, Severity
from checker.yamlsource import LoadedSource, read_file


# Rules and their parts are NamedTuples, the Pack a plain class: a dataclass costs ~0.5 ms
# per class at every start (its generated methods are compiled), a NamedTuple ~0.07 ms.
class ForEach(NamedTuple):
    var: str
    path: tuple[str, ...]  # fact path of the list, e.g. ("consideration", "options") or ("c", "items")
    where: Any | None
    where_source: str | None
    pattern: tuple[str, ...] = ()  # the items' path from the document root, with '[]'s


class Rule(NamedTuple):
    id: str
    title: str
    description: str | None
    severity: Severity
    expr: Any
    expr_source: str
    when: Any | None
    when_source: str | None
    applies_when: str | None
    message: str | None
    message_expr: Any | None
    message_expr_source: str | None
    needs: tuple[str, ...]
    for_each: tuple[ForEach, ...]
    citations: tuple[Citation, ...]
    remedy: str | None
    tags: tuple[str, ...]
    span: SourceSpan
    pack: "Pack"
    fact_paths: tuple[PathRef, ...] = ()
    variables_used: frozenset[str] = frozenset()
    calculators: frozenset[str] = frozenset()  # derived.<name> the rule reads
    field_names: frozenset[str] = frozenset()  # every field name its expressions mention

    def read_names(self) -> frozenset[str]:
        """Field names this rule, its loops and the variables it uses can read."""
        names = set(self.field_names)
        for fe in self.for_each:
            names.update(fe.path)
        for name in self.variables_used:
            names |= self.pack.variables[name].field_names
        names.update(p for need in self.needs for p in need.replace("[]", "").split("."))
        return frozenset(names)

    def expressions(self) -> dict[str, str]:
        out = {"expr": self.expr_source}
        if self.when_source:
            out["when"] = self.when_source
        if self.message_expr_source:
            out["message_expr"] = self.message_expr_source
        for fe in self.for_each:
            if fe.where_source:
                out[f"for_each.{fe.var}.where"] = fe.where_source
        return out


class Variable(NamedTuple):
    name: str
    program: Any
    source: str
    uses: frozenset[str]  # other variables it reads
    calculators: frozenset[str] = frozenset()  # derived.<name> it reads
    field_names: frozenset[str] = frozenset()


class TestCase(NamedTuple):
    name: str
    rule: str
    facts: dict[str, Any]
    expect: str
    instance: str | None
    message_contains: str | None
    span: SourceSpan
    source_factory: Any = None  # builds facts_source on demand

    @property
    def facts_source(self) -> LoadedSource:
        """The case's facts as a source of their own, spans in the pack file (built lazily:
        `check` never needs it, `rules test` does)."""
        return self.source_factory()


class Pack:
    """A rule pack: its metadata, params, variables and rules (tests loaded on demand)."""

    __slots__ = ("id", "title", "version", "sha256", "path", "effective_from", "effective_to",
                 "effective_basis", "description", "authority", "params", "param_meta",
                 "variables", "rules", "test_loader", "_tests")

    def __init__(self, id: str, title: str, version: str, sha256: str, path: str,
                 effective_from: dt.date, effective_to: dt.date | None,
                 effective_basis: str | None, description: str | None,
                 authority: tuple[Citation, ...], params: dict[str, Any],
                 param_meta: dict[str, dict[str, Any]], variables: dict[str, Variable],
                 rules: list[Rule],
                 # A pack from the compiled-pack cache reads its tests from the file on first
                 # use: `check` never needs them, and they are most of a pack's bytes.
                 test_loader: Callable[[Pack], list[TestCase]] | None = None,
                 _tests: list[TestCase] | None = None):
        self.id = id
        self.title = title
        self.version = version
        self.sha256 = sha256
        self.path = path
        self.effective_from = effective_from
        self.effective_to = effective_to
        self.effective_basis = effective_basis
        self.description = description
        self.authority = authority
        self.params = params
        self.param_meta = param_meta
        self.variables = variables
        self.rules = rules
        self.test_loader = test_loader
        self._tests = _tests

    def __repr__(self) -> str:
        return f"Pack({self.id!r}, {self.version!r}, {self.path!r})"

    @property
    def tests(self) -> list[TestCase]:
        if self._tests is None:
            self._tests = self.test_loader(self) if self.test_loader is not None else []
        return self._tests

    @property
    def ref(self) -> PackRef:
        return PackRef(self.id, self.version, self.sha256)

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)


def discover(directories: list[str | Path]) -> list[Path]:
    """Every *.yaml / *.yml pack under the directories, in a stable order."""
    files: list[Path] = []
    for directory in directories:
        d = Path(directory)
        if d.is_file():
            files.append(d)
            continue
        if not d.is_dir():
            raise RulePackError("rules directory not found", SourceSpan(str(d), 1, 1))
        found = _pack_files(d)
        if not found:
            raise RulePackError("no rule packs (*.yaml) in this directory", SourceSpan(str(d), 1, 1))
        files.extend(found)
    return files


def _pack_files(directory: Path) -> list[Path]:
    """sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()),
    without pathlib's per-entry cost: subfolders, but not symlinked ones, as rglob."""
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(folder: str, parts: tuple[str, ...]) -> None:
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except PermissionError:
            return  # as rglob: an unreadable folder is skipped
        for entry in entries:
            dot = entry.name.rfind(".")
            suffix = entry.name[dot:] if 0 < dot < len(entry.name) - 1 else ""  # Path.suffix
            if suffix in (".yaml", ".yml") and entry.is_file():
                found.append((parts + (entry.name,), entry.path))
            if entry.is_dir() and not entry.is_symlink():
                walk(entry.path, parts + (entry.name,))

    walk(str(directory), ())
    return [Path(path) for _, path in sorted(found)]


def load_packs(directories: list[str | Path]) -> list[Pack]:
    packs = [load_pack(p) for p in discover(directories)]
    seen: dict[str, Rule] = {}
    pack_ids: dict[str, Pack] = {}
    for pack in packs:
        if pack.id in pack_ids:
            raise RulePackError(f"pack id {pack.id!r} is also used by {pack_ids[pack.id].path}",
                                SourceSpan(pack.path, 1, 1))
        pack_ids[pack.id] = pack
        for rule in pack.rules:
            if rule.id in seen:
                raise RulePackError(f"rule id {rule.id!r} is also defined in {seen[rule.id].span}",
                                    rule.span)
            seen[rule.id] = rule
    return packs


def load_pack(path: str | Path) -> Pack:
    from checker import rulepack_cache

    raw = read_file(path, RulePackError)
    known = rulepack_cache.load(raw, str(path))
    if known is not None:  # compiled and checked by an earlier run: same bytes, schemas, code
        return known
    # A pack not seen before (or changed): validated, compiled and recorded by
    # rulepack_compile, which a cache hit never imports.
    from checker.rulepack_compile import load_uncached

    return load_uncached(raw, str(path))


LOOP_INDEX_PREFIX = "__i_"


def loop_index(var: str) -> str:
    """The CEL variable holding the current index of for_each variable `var`."""
    return LOOP_INDEX_PREFIX + var


def loop_list(path: tuple[str, ...]) -> str:
    """The CEL variable bound to the list at fact path `path`, which loops run over.

    The CEL extension copies a map's field value on every selection (reading
    consideration.options costs in proportion to the options' size), while
    indexing a top-level list is cheap; so fixed-path loop lists get an alias."""
    return "__list_" + "__".join(path)


def split_path(path: str) -> list[str]:
    """A fact path as written in a rule ('classes[].sought') split into its steps, each
    '[]' becoming ANY_ITEM: ['classes', ANY_ITEM, 'sought']."""
    out: list[str] = []
    for piece in path.split("."):
        name = piece.replace("[]", "")
        if name:
            out.append(name)
        out.extend([ANY_ITEM] * piece.count("[]"))
    return out


def select_rules(packs: list[Pack], select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()
                 ) -> list[Rule]:
    rules = [r for p in packs for r in p.rules]
    if select:
        rules = [r for r in rules if any(fnmatch.fnmatchcase(r.id, g) for g in select)]
    if ignore:
        rules = [r for r in rules if not any(fnmatch.fnmatchcase(r.id, g) for g in ignore)]
    return sorted(rules, key=lambda r: r.id)
