"""Helpers shared by the commands: option parsing and atomic output."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import click

from checker.errors import UsageError


def parse_as_of(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of {text!r} is not an ISO 8601 date-time "
                         "(e.g. 2003-02-11T17:00:00-05:00)") from None
    if value.tzinfo is None:
        raise UsageError(f"--as-of {text!r} has no UTC offset; write one, e.g. -05:00 for New York")
    return value


def check_output_path(output: str | None, inputs: list[str]) -> None:
    """Refuse to overwrite an input (or write into a directory)."""
    if output is None or output == "-":
        return
    target = Path(output)
    if target.is_dir():
        raise UsageError(f"--output {output!r} is a directory")
    for name in inputs:
        p = Path(name)
        if p.exists() and target.exists() and os.path.samefile(p, target):
            raise UsageError(f"--output {output!r} is one of the inputs; refusing to overwrite it")
        if p.resolve() == target.resolve():
            raise UsageError(f"--output {output!r} is one of the inputs; refusing to overwrite it")
    if not target.resolve().parent.is_dir():
        raise UsageError(f"--output {output!r}: directory {str(target.parent)!r} does not exist")


def write_output(text: str, output: str | None) -> None:
    """Write atomically: a reader never sees a half-written report."""
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    target = Path(output)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.resolve().parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
