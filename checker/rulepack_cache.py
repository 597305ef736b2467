"""Compiled rule packs, remembered between runs (see cache.py for the folder and switches).

Loading a pack the first time parses it, validates it against the rule-pack schema,
compiles every CEL expression and checks every fact path it reads: about 150 ms for
the bundled packs, most of a warm `offercheck check`. A pack that passed all of that
is recorded here as plain JSON: its rules with the analysis results (fact paths,
variables and calculators read, the CEL source as compiled, with loop variables
substituted) and without its tests, which are read from the file only if asked for.

The record is keyed by the pack's bytes, the three schemas the checks read, the code
that does the checks and the CEL extension; any change misses it and the pack is
checked from scratch. Only packs that passed are recorded, so the cache can never
hide an error; a record that cannot be used is ignored (the pack is then loaded as if
seen for the first time).

The CEL expressions of a recorded pack are compiled when first run (LazyProgram):
they compiled before, from the same text with the same CEL build, and a `check`
runs well under half of them (an inapplicable rule never runs its expr).
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from checker import cache
from checker.cel_refs import PathRef
from checker.errors import RulePackError, SourceSpan
from checker.expr import compile_expression
from checker.findings import Citation, Severity
from checker.rulepack import ForEach, Pack, Rule, TestCase, Variable
from checker.schema_index import schema_sha256

KIND = "rule-pack-compiled"
SCHEMAS = ("rule-pack.schema.json", "offer-state.schema.json", "derived.schema.json")


PACKAGE_DIR = Path(__file__).resolve().parent


def fingerprinted_files() -> list[Path]:
    """Every source file of the checker package, sorted.

    A pack's checks draw on the loader, the compiler and, through them, the CEL function
    library, the path analysis and the schemas' index, and those import further modules.
    Keying on the whole package (about 60 files) means no change deep down can leave a
    stale record; a record only saves time, so a miss costs little. The files' content
    hash is itself remembered under their stat data (cache.source_fingerprint).
    """
    return cache.source_files(PACKAGE_DIR)


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """What a pack's checks depend on besides its own bytes: schemas, code, CEL build."""
    digest = cache.sha256()
    for name in SCHEMAS:
        digest.update(f"{name}={schema_sha256(name)}\n".encode())
    digest.update(f"code={cache.source_fingerprint(PACKAGE_DIR)}\n".encode())
    from checker.expr import cel_module

    extension = getattr(cel_module(), "__file__", None)
    if extension:
        st = os.stat(extension)
        digest.update(f"{os.path.basename(extension)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()


def _content_key(sha: str) -> str:
    return sha + ":" + fingerprint()


def load(raw: bytes, name: str) -> Pack | None:
    """The pack recorded for these bytes, or None (never recorded, or unusable)."""
    if os.environ.get("OFFERCHECK_NO_CACHE"):
        return None
    sha = cache.sha256(raw).hexdigest()
    record = cache.load_json(KIND, _content_key(sha))
    if not isinstance(record, dict):
        return None
    try:
        return _pack(record, raw, sha, name)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None  # a stale or damaged record: check the pack from scratch


def store(pack: Pack) -> None:
    if os.environ.get("OFFERCHECK_NO_CACHE"):
        return
    cache.store_json(KIND, _content_key(pack.sha256), _record(pack))


# ---------------------------------------------------------------- to JSON

def _program(source: str | None, program: Any) -> list[str] | None:
    return None if source is None else [source, program.source]


def _record(pack: Pack) -> dict[str, Any]:
    return {
        "id": pack.id, "title": pack.title, "version": pack.version,
        "effective_from": pack.effective_from.isoformat(),
        "effective_to": pack.effective_to.isoformat() if pack.effective_to else None,
        "effective_basis": pack.effective_basis, "description": pack.description,
        "authority": [c.to_dict() for c in pack.authority],
        "param_meta": pack.param_meta,
        "variables": [[v.name, v.source, v.program.source, sorted(v.uses), sorted(v.calculators),
                       sorted(v.field_names)] for v in pack.variables.values()],
        "rules": [_rule_record(r) for r in pack.rules],
    }


def _rule_record(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id, "title": rule.title, "description": rule.description,
        "severity": rule.severity.value,
        "expr": _program(rule.expr_source, rule.expr),
        "when": _program(rule.when_source, rule.when),
        "applies_when": rule.applies_when, "message": rule.message,
        "message_expr": _program(rule.message_expr_source, rule.message_expr),
        "needs": list(rule.needs),
        "for_each": [[fe.var, list(fe.path), _program(fe.where_source, fe.where), list(fe.pattern)]
                     for fe in rule.for_each],
        "citations": [c.to_dict() for c in rule.citations],
        "remedy": rule.remedy, "tags": list(rule.tags),
        "span": [rule.span.line, rule.span.column],
        "fact_paths": [[r.root, list(r.parts), r.offset, r.via] for r in rule.fact_paths],
        "variables_used": sorted(rule.variables_used), "calculators": sorted(rule.calculators),
        "field_names": sorted(rule.field_names),
    }


# ---------------------------------------------------------------- from JSON

class LazyProgram:
    """A CEL program compiled on its first execute; then as fast as the program itself."""

    __slots__ = ("execute", "source")

    def __init__(self, source: str):
        self.source = source
        self.execute = self._first_execute

    def _first_execute(self, context: Any) -> Any:
        program = compile_expression(self.source)
        self.execute = program.execute
        return program.execute(context)


def _compiled(pair: list[str] | None) -> tuple[Any, str | None]:
    if pair is None:
        return None, None
    source, compiled = pair
    return LazyProgram(compiled), source


def _pack(record: dict[str, Any], raw: bytes, sha: str, name: str) -> Pack:
    param_meta = record["param_meta"]
    pack = Pack(
        id=record["id"], title=record["title"], version=record["version"],
        sha256=sha, path=name,
        effective_from=dt.date.fromisoformat(record["effective_from"]),
        effective_to=dt.date.fromisoformat(record["effective_to"]) if record["effective_to"] else None,
        effective_basis=record["effective_basis"], description=record["description"],
        authority=tuple(Citation(**c) for c in record["authority"]),
        params={k: v["value"] for k, v in param_meta.items()}, param_meta=param_meta,
        variables={}, rules=[], test_loader=lambda p: _tests(p, raw, name))
    for var_name, source, compiled, uses, calculators, fields in record["variables"]:
        pack.variables[var_name] = Variable(var_name, LazyProgram(compiled), source,
                                            frozenset(uses), frozenset(calculators), frozenset(fields))
    for r in record["rules"]:
        expr, expr_source = _compiled(r["expr"])
        when, when_source = _compiled(r["when"])
        message_expr, message_expr_source = _compiled(r["message_expr"])
        loops = []
        for var, path, where_pair, pattern in r["for_each"]:
            where, where_source = _compiled(where_pair)
            loops.append(ForEach(var, tuple(path), where, where_source, tuple(pattern)))
        pack.rules.append(Rule(
            id=r["id"], title=r["title"], description=r["description"],
            severity=Severity(r["severity"]), expr=expr, expr_source=expr_source,
            when=when, when_source=when_source, applies_when=r["applies_when"],
            message=r["message"], message_expr=message_expr,
            message_expr_source=message_expr_source, needs=tuple(r["needs"]),
            for_each=tuple(loops), citations=tuple(Citation(**c) for c in r["citations"]),
            remedy=r["remedy"], tags=tuple(r["tags"]), span=SourceSpan(name, *r["span"]),
            pack=pack, fact_paths=tuple(PathRef(root, tuple(parts), offset, via)
                                        for root, parts, offset, via in r["fact_paths"]),
            variables_used=frozenset(r["variables_used"]), calculators=frozenset(r["calculators"]),
            field_names=frozenset(r["field_names"])))
    return pack


def _tests(pack: Pack, raw: bytes, name: str) -> list[TestCase]:
    """The pack's test cases, from the bytes the pack was loaded from."""
    # Imported here: the compiler is only needed for tests (`rules test`), not by `check`.
    from checker.rulepack_compile import PackCompiler
    from checker.schema_index import schema_index
    from checker.yamlsource import load_bytes

    loaded = load_bytes(raw, name, RulePackError, cache_kind="rule-pack-parse")
    return PackCompiler(loaded, schema_index()).tests(pack)
