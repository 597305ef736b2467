"""`offercheck check FILE...`"""

from __future__ import annotations

import sys

import click

from checker.cli import cli
from checker.cli.common import check_output_path, parse_as_of, write_output
from checker.findings import Severity
from checker.resources import bundled_rules_dir


@cli.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(),
              help="Rule pack directory or file (repeatable). Default: the bundled rules/.")
@click.option("--as-of", "as_of", help="The moment to check at (ISO 8601 with offset); "
              "overrides offer.as_of. The wall clock is never read.")
@click.option("--format", "fmt", default="text", show_default=True,
              type=click.Choice(["text", "json"]), help="Output format.")
@click.option("--output", "-o", help="Write the report to this file (atomically) instead of stdout.")
@click.option("--fail-on", default="error", show_default=True,
              type=click.Choice(["error", "warning", "info"]),
              help="Exit 1 when a fail or not_evaluable finding has at least this severity.")
@click.option("--select", multiple=True, help="Only rules whose id matches this glob (repeatable).")
@click.option("--ignore", multiple=True, help="Skip rules whose id matches this glob (repeatable).")
def check_command(files: tuple[str, ...], rules_dirs: tuple[str, ...], as_of: str | None, fmt: str,
                  output: str | None, fail_on: str, select: tuple[str, ...],
                  ignore: tuple[str, ...]) -> None:
    """Check offer-state documents against the rule packs."""
    from checker import reporters
    from checker.document import load_document
    from checker.rulepack import load_packs
    from checker.run import exit_code, run_check

    moment = parse_as_of(as_of)
    check_output_path(output, list(files) + list(rules_dirs))
    packs = load_packs(list(rules_dirs) or [bundled_rules_dir()])
    documents = [load_document(f) for f in files]
    report = run_check(documents, packs, moment, select, ignore)
    color = output is None and sys.stdout.isatty() and fmt == "text"
    text = reporters.get(fmt).render(report, color=color, width=_width(color))
    write_output(text, output)
    sys.exit(exit_code(report, Severity(fail_on)))


def _width(color: bool) -> int:
    if not color:
        return 120  # fixed, so that the same input gives byte-identical output
    import shutil

    return max(80, shutil.get_terminal_size((120, 24)).columns)
