"""The compiled-pack cache: a pack loaded from it is the pack loaded from scratch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker import rulepack_cache
from checker.document import load_document
from checker.engine import evaluate
from checker.errors import RulePackError
from checker.resources import bundled_rules_dir, project_home
from checker.rulepack import discover, load_pack
from checker.ruletests import run_all

PACK = """\
id: p
title: P
version: 1.0.0
effective: {from: "1990-01-01"}
params:
  floor: {value: 5, cite: [{authority: T}]}
variables:
  big: "classes.filter(c, c.sought > params.floor)"
rules:
  - id: r.one
    title: One
    severity: error
    cite: [{authority: T, document: D, lines: "1-2"}]
    for_each: [{var: c, in: classes, where: "c.sought > 0"}]
    when: "c.outstanding > 0"
    applies_when: "the class has shares outstanding"
    needs: [c.sought]
    expr: "c.sought <= c.outstanding && variables.big.size() >= 0"
    message_expr: "'sought ' + string(c.sought)"
tests:
  - {name: t, rule: r.one, facts: {classes: [{id: A, outstanding: 10, sought: 5}]}, expect: pass}
"""


# Every test here runs with a cache folder of its own (conftest.isolated_cache).
pytestmark = pytest.mark.usefixtures("isolated_cache")


def _plain(pack):
    """Everything a pack says, with compiled programs replaced by their CEL text."""
    def program(p):
        return None if p is None else p.source

    rules = [r._replace(
        pack=None, expr=program(r.expr), when=program(r.when),
        message_expr=program(r.message_expr),
        for_each=tuple(fe._replace(where=program(fe.where)) for fe in r.for_each))._asdict()
        for r in pack.rules]
    variables = {n: (v.source, program(v.program), v.uses, v.calculators, v.field_names)
                 for n, v in pack.variables.items()}
    tests = [(t.name, t.rule, t.facts, t.expect, t.instance, t.message_contains, t.span,
              t.facts_source.source_map) for t in pack.tests]
    head = {name: getattr(pack, name) for name in pack.__slots__
            if name not in ("variables", "rules", "test_loader", "_tests")}
    return head, variables, rules, tests


def test_second_load_comes_from_the_cache_and_equals_the_first(tmp_path, isolated_cache):
    path = tmp_path / "p.yaml"
    path.write_text(PACK)
    first = load_pack(path)
    assert rulepack_cache.load(path.read_bytes(), str(path)) is not None
    second = load_pack(path)
    assert isinstance(second.rules[0].expr, rulepack_cache.LazyProgram)
    assert _plain(first) == _plain(second)


def test_bundled_packs_from_the_cache_equal_a_fresh_load(monkeypatch):
    fresh = {}
    monkeypatch.setenv("OFFERCHECK_NO_CACHE", "1")
    for path in discover([bundled_rules_dir()]):
        fresh[path] = load_pack(path)
    monkeypatch.delenv("OFFERCHECK_NO_CACHE")
    for path in fresh:
        load_pack(path)  # records it
    for path, pack in fresh.items():
        cached = rulepack_cache.load(path.read_bytes(), str(path))
        assert cached is not None, path
        assert _plain(cached) == _plain(pack), path


def test_findings_and_rule_tests_are_the_same_from_the_cache(tmp_path, monkeypatch):
    paths = discover([bundled_rules_dir()])
    document = load_document(str(project_home() / "examples" / "dynex-2003" / "offer.yaml"))

    def outcome():
        packs = [load_pack(p) for p in paths]
        rules = sorted((r for p in packs for r in p.rules), key=lambda r: r.id)
        findings = [f.to_dict() for f in evaluate(document, rules, None)]
        return findings, [(r.name, r.passed, r.detail) for r in run_all(packs)]

    monkeypatch.setenv("OFFERCHECK_NO_CACHE", "1")
    fresh = outcome()
    monkeypatch.delenv("OFFERCHECK_NO_CACHE")
    outcome()  # records the packs
    assert all(rulepack_cache.load(p.read_bytes(), str(p)) is not None for p in paths)
    document.fact_cache.clear()
    assert outcome() == fresh


def test_a_pack_with_an_error_is_never_recorded(tmp_path, isolated_cache):
    path = tmp_path / "p.yaml"
    path.write_text(PACK.replace("c.sought <= c.outstanding", "c.sougth <= c.outstanding"))
    for _ in range(2):
        with pytest.raises(RulePackError, match="sougth"):
            load_pack(path)
    assert rulepack_cache.load(path.read_bytes(), str(path)) is None


def test_a_damaged_record_is_ignored(tmp_path, isolated_cache):
    path = tmp_path / "p.yaml"
    path.write_text(PACK)
    load_pack(path)
    records = list((isolated_cache / "json").iterdir())
    assert records
    for record in records:
        record.write_text('{"id": "p", "rules": [{"nonsense": 1}]}')
    assert rulepack_cache.load(path.read_bytes(), str(path)) is None
    assert [r.id for r in load_pack(path).rules] == ["r.one"]


def test_a_changed_pack_misses_the_cache(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(PACK)
    load_pack(path)
    path.write_text(PACK.replace("c.sought <= c.outstanding", "c.nope <= c.outstanding"))
    with pytest.raises(RulePackError, match="no fact 'classes\\[\\].nope'"):
        load_pack(path)


def test_no_record_when_the_cache_is_off(tmp_path, isolated_cache, monkeypatch):
    monkeypatch.setenv("OFFERCHECK_NO_CACHE", "1")
    path = tmp_path / "p.yaml"
    path.write_text(PACK)
    load_pack(path)
    assert not isolated_cache.exists()


def test_the_fingerprint_covers_every_checker_module():
    import checker

    covered = {f.name for f in rulepack_cache.fingerprinted_files()}
    assert {"rulepack.py", "rulepack_compile.py", "rulepack_cache.py", "cel_paths.py", "cel_cost.py",
            "expr.py", "schema_index.py", "yamlsource.py", "findings.py", "errors.py",
            "resources.py", "calendar.py"} <= covered
    package = Path(checker.__file__).parent
    assert len(rulepack_cache.fingerprinted_files()) == len(list(package.rglob("*.py")))


@pytest.mark.parametrize("module", ["rulepack.py", "rulepack_compile.py", "cel_paths.py",
                                    "calendar.py", "reporters/json_reporter.py"])
def test_a_change_to_any_checker_module_changes_the_fingerprint(tmp_path, monkeypatch, module):
    rulepack_cache.fingerprint.cache_clear()  # the package as it is now, not as first read
    before = rulepack_cache.fingerprint()
    copy = tmp_path / "checker"
    shutil.copytree(rulepack_cache.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(rulepack_cache, "PACKAGE_DIR", copy)
    try:
        rulepack_cache.fingerprint.cache_clear()
        assert rulepack_cache.fingerprint() == before  # an identical copy: same fingerprint
        assert (copy / module).is_file()
        with open(copy / module, "ab") as handle:
            handle.write(b"\n# edited\n")
        rulepack_cache.fingerprint.cache_clear()
        assert rulepack_cache.fingerprint() != before
    finally:
        monkeypatch.undo()
        rulepack_cache.fingerprint.cache_clear()
    assert rulepack_cache.fingerprint() == before
