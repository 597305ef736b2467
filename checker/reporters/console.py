"""The rich console every text report is drawn on."""

from __future__ import annotations

from typing import IO, Any


def report_console(file: IO[str], *, width: int, color: bool) -> Any:
    """A fixed-width console that prints text as text.

    markup=False: findings and deadlines quote documents and law ("[date assumed]", "[M]",
    instance labels in brackets); rich markup would silently swallow a bracketed word as a
    style tag. No highlighting or emoji, and no color unless asked, so the same input gives
    byte-identical output.
    """
    from rich.console import Console

    return Console(file=file, width=width, color_system="standard" if color else None,
                   force_terminal=color, no_color=not color, highlight=False, emoji=False,
                   soft_wrap=False, markup=False)
