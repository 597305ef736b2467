"""`offercheck timeline FILE`"""

from __future__ import annotations

import sys

import click

from checker.cli import cli
from checker.cli.common import check_output_path, write_output


@cli.command("timeline")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", default="text", show_default=True, type=click.Choice(["text", "json", "ics"]),
              help="text: a dated table for a memo; json: schemas/timeline.schema.json; ics: iCalendar.")
@click.option("--output", "-o", help="Write to this file (atomically) instead of stdout.")
def timeline_command(file: str, fmt: str, output: str | None) -> None:
    """Every deadline of an offer, with its computation and citation.

    Business days are counted as the SEC rules define them (New York time, the
    triggering day as day 1); where the law is ambiguous both readings are shown
    and settings.counting in the document picks the binding one.
    """
    from checker.document import load_document
    from checker.timeline import compute_timeline
    from checker.timeline_report import render

    check_output_path(output, [file])
    document = load_document(file)
    timeline = compute_timeline(document)
    color = output is None and sys.stdout.isatty() and fmt == "text"
    width = 120
    if color:
        import shutil

        width = max(100, shutil.get_terminal_size((120, 24)).columns)
    write_output(render(timeline, fmt, path=document.path, sha256=document.sha256, color=color, width=width),
                 output)
