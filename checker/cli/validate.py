"""`offercheck validate FILE...`"""

from __future__ import annotations

import sys

import click

from checker.cli import cli
from checker.errors import DocumentError


@cli.command("validate", short_help="Check offer-state documents against the schema only.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate_command(files: tuple[str, ...]) -> None:
    """Validate offer-state documents against schemas/offer-state.schema.json.

    Prints one line per problem (file:line:col: path: message) and exits 2, or
    prints nothing and exits 0.
    """
    from checker.document import load_document

    failed = False
    for name in files:
        try:
            load_document(name)
        except DocumentError as exc:
            failed = True
            for line in (exc.lines() if hasattr(exc, "lines") else [str(exc)]):
                click.echo(line, err=True)
    sys.exit(2 if failed else 0)
