"""`offercheck rules list|show|test`"""

from __future__ import annotations

import json
import sys

import click

from checker.cli import cli
from checker.errors import UsageError
from checker.resources import bundled_rules_dir


@cli.group("rules")
def rules_group() -> None:
    """List, explain and test the rule packs."""


def _packs(paths: tuple[str, ...]) -> list:
    from checker.rulepack import load_packs

    return load_packs(list(paths) or [bundled_rules_dir()])


@rules_group.command("list")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path())
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "json"]))
def list_command(rules_dirs: tuple[str, ...], fmt: str) -> None:
    """Every rule: id, severity, pack, title."""
    packs = _packs(rules_dirs)
    rows = sorted(((r.id, r.severity.value, p.id, p.version, r.title) for p in packs for r in p.rules))
    if fmt == "json":
        click.echo(json.dumps([{"id": i, "severity": s, "pack": p, "pack_version": v, "title": t}
                               for i, s, p, v, t in rows], indent=2))
        return
    width = max(len(r[0]) for r in rows)
    for rid, sev, pack, _, title in rows:
        click.echo(f"{rid:<{width}}  {sev:<7}  {pack:<16}  {title}")
    click.echo(f"{len(rows)} rules in {len(packs)} packs")


@rules_group.command("show")
@click.argument("rule_id")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path())
def show_command(rule_id: str, rules_dirs: tuple[str, ...]) -> None:
    """A rule's text, citations, parameters and expressions."""
    packs = _packs(rules_dirs)
    found = [(p, r) for p in packs for r in p.rules if r.id == rule_id]
    if not found:
        raise UsageError(f"no rule {rule_id!r}; see 'offercheck rules list'")
    pack, rule = found[0]
    out = [f"{rule.id}  [{rule.severity.value}]", rule.title, ""]
    if rule.description:
        out += [rule.description.strip(), ""]
    if rule.applies_when:
        out += [f"Applies only when {rule.applies_when}.", ""]
    out.append(f"pack: {pack.id} {pack.version} ({pack.path}), in force from "
               f"{pack.effective_from}" + (f" to {pack.effective_to}" if pack.effective_to else ""))
    out.append(f"defined at: {rule.span}")
    out.append("citations:")
    for c in rule.citations:
        out.append(f"  - {c.short()}" + (f': "{c.quote.strip()}"' if c.quote else ""))
    used = sorted({ref.parts[0] for src in rule.expressions().values()
                   for ref in _param_refs(src) if ref.parts})
    if used:
        out.append("parameters:")
        for name in used:
            meta = pack.param_meta.get(name, {})
            line = f"  {name} = {pack.params.get(name)!r}"
            if meta.get("description"):
                line += f"  ({meta['description'].strip()})"
            out.append(line)
    for fe in rule.for_each:
        out.append(f"for each {fe.var} in {'.'.join(fe.path)}" +
                   (f" where {fe.where_source}" if fe.where_source else ""))
    if rule.needs:
        out.append("needs: " + ", ".join(rule.needs))
    for name, source in rule.expressions().items():
        if not name.startswith("for_each"):
            out.append(f"{name}:")
            out += ["  " + line for line in source.strip().splitlines()]
    if rule.remedy:
        out += ["remedy:", "  " + rule.remedy.strip()]
    click.echo("\n".join(out))


def _param_refs(source: str) -> list:
    from checker.cel_paths import references
    from checker.expr import FUNCTION_NAMESPACES

    return [r for r in references(source, None, FUNCTION_NAMESPACES) if r.root == "params"]


@rules_group.command("test")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-v", "--verbose", is_flag=True, help="Print every case, not only failures.")
def test_command(paths: tuple[str, ...], verbose: bool) -> None:
    """Run every pack's YAML test cases; end with 'N passed, N failed'."""
    from checker.ruletests import coverage_gaps, run_all

    packs = _packs(paths)
    passed = failed = 0
    for result in run_all(packs):
        if result.passed:
            passed += 1
            if verbose:
                click.echo(f"PASS {result.name}")
        else:
            failed += 1
            click.echo(f"FAIL {result.name}: {result.detail}  ({result.case.span})")
    for gap in coverage_gaps(packs):
        failed += 1
        click.echo(f"FAIL {gap}")
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 else 1)


@rules_group.command("doc")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(),
              help="Rule directory or pack file (default: the bundled rules/).")
@click.option("--output", "-o", default=None, type=click.Path(),
              help="Write the Markdown here (atomically) instead of stdout.")
def doc_command(rules_dirs: tuple[str, ...], output: str | None) -> None:
    """Every rule as Markdown: citations, parameters, effective dates, expressions."""
    from pathlib import Path

    from checker.cli.common import check_output_path, write_output
    from checker.rulesdoc import render

    packs = _packs(rules_dirs)
    check_output_path(output, [p.path for p in packs])
    first = Path(rules_dirs[0]) if rules_dirs else bundled_rules_dir()
    base = (first.parent if first.is_file() else first).resolve().parent
    write_output(render(packs, base), output)
