"""Human output: a table per status (problems first), then a one-line summary.

Drawing cost. Each status is a rich Table, but the cells are laid out here: rich's own path
(measure every cell of the ratio columns, wrap each cell as Text, pad it, split it into lines
again) cost ~60 ms for Dynex's 169 findings, against ~20 ms for what follows, which gives
byte-identical output:

- column widths are fixed numbers computed once per table: for an `expand` table whose free
  columns all have a ratio, rich's widths depend only on the console width (never on the cells),
  and `_column_widths` is the same distribution, so rich no longer measures the cells;
- a cell whose characters are printable and one cell wide is folded by `_fold`, rich's word
  wrap (`divide_line`, overflow="fold") for that case, and handed to the table as finished lines
  with the cell padding included (`_Lines`; the table has padding=0), so rich only frames
  them. Any other cell (wide or zero-width characters, tabs, control codes) is given to rich
  as Text in the Padding the table would have added, and rich lays it out as before;
- a console narrower than the columns' minimums gets rich's own layout, from the cells.
"""

from __future__ import annotations

import io
import re
from typing import Any, Literal

from checker.findings import Status
from checker.report import Report
from checker.reporters import Reporter, register

# Problems first: what counsel must act on comes before what is fine.
STATUS_ORDER = (Status.FAIL, Status.ERROR, Status.NOT_EVALUABLE, Status.PASS, Status.NOT_APPLICABLE)
STATUS_STYLE = {Status.FAIL: "bold red", Status.ERROR: "bold magenta",
                Status.NOT_EVALUABLE: "yellow", Status.PASS: "green", Status.NOT_APPLICABLE: "dim"}
PROBLEMS = (Status.FAIL, Status.ERROR, Status.NOT_EVALUABLE)

# (header, ratio of the free width, fixed width, overflow); widths exclude the one-space cell
# padding. Problems carry their citation and remedy; passes stay compact.
ColumnSpec = tuple[str, int | None, int | None, Literal["fold", "ellipsis"]]
PROBLEM_COLUMNS: tuple[ColumnSpec, ...] = (
    ("rule", 3, None, "fold"), ("sev", None, 7, "ellipsis"), ("message", 6, None, "fold"), ("cite", 3, None, "fold"))
COMPACT_COLUMNS = PROBLEM_COLUMNS[:3]
PAD = 1  # spaces left and right of every cell (rich's default table padding (0, 1))

# A word and the whitespace around it, as rich's wrapper splits a line (rich._wrap.re_word).
_WORD = re.compile(r"\s*\S+\s*")


def _column_widths(total: int, columns: tuple[ColumnSpec, ...]) -> list[int]:
    """Cell widths (padding included) of a heavy-box table `total` wide with expand=True.

    rich gives each fixed column its width plus padding, and shares what remains among the
    ratio columns in order, each taking ceil(ratio * remaining / remaining ratios), at least
    one character plus padding.
    """
    widths = [fixed + 2 * PAD if fixed is not None else 0 for _, _, fixed, _ in columns]
    remaining = total - (len(columns) + 1) - sum(widths)  # borders: one per column, plus one
    remaining_ratio = sum(ratio or 0 for _, ratio, _, _ in columns)
    for index, (_, ratio, _, _) in enumerate(columns):
        if ratio:
            share = max(1 + 2 * PAD, -(-ratio * remaining // remaining_ratio))
            widths[index] = share
            remaining -= share
            remaining_ratio -= ratio
    return widths


def _one_cell_each(line: str) -> bool:
    """Whether every character of `line` is printable and one terminal cell wide, as rich counts."""
    if line.isascii():
        return line.isprintable()
    from rich.cells import get_character_cell_size

    return line.isprintable() and all(get_character_cell_size(c) == 1 for c in set(line) if not c.isascii())


def _fold(text: str, width: int) -> list[str] | None:
    """`text` as rich draws it in a cell `width` wide with overflow="fold": its lines, each
    padded with spaces to `width`. None unless every character is printable and one cell wide
    (ASCII, "§", "×", "→", ...), the only case this reproduces; rich lays out the rest.

    Per line: break before a word (with its surrounding whitespace, as rich._wrap.words) that
    does not fit what is left of the line; a word longer than the width is cut into
    width-sized pieces; text past the width (trailing whitespace) is cut off.
    """
    lines = []
    for line in text.split("\n"):
        if not _one_cell_each(line):
            return None
        if len(line) <= width:
            lines.append(line.ljust(width))
            continue
        breaks = []
        offset = 0  # cells used on the current output line
        for match in _WORD.finditer(line):
            start, end = match.span()
            length = len(match.group().rstrip())
            if width - offset >= length:
                offset += end - start
            elif length > width:  # fold the word across lines
                size = end - start
                if start:
                    breaks.append(start)
                while size > width:
                    start += width
                    size -= width
                    breaks.append(start)
                offset = size
            elif offset and start:
                breaks.append(start)
                offset = end - start
        previous = 0
        for at in breaks:
            lines.append(line[previous:at][:width].ljust(width))
            previous = at
        lines.append(line[previous:][:width].ljust(width))
    return lines


class _Lines:
    """A table cell already laid out: its segments, one per line, padding included."""

    __slots__ = ("segments", "width")

    def __init__(self, segments: list[Any], width: int) -> None:
        self.segments = segments
        self.width = width

    def __rich_console__(self, console: Any, options: Any) -> list[Any]:
        return self.segments

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        return Measurement(self.width, self.width)


@register("text")
class TextReporter(Reporter):
    def render(self, report: Report, *, color: bool = False, width: int = 120) -> str:
        from rich.padding import Padding
        from rich.segment import Segment
        from rich.table import Table
        from rich.text import Text

        from checker.reporters.console import report_console

        spaces = " " * PAD
        new_line = Segment("\n")
        laid_out: dict[tuple[str, int, Literal["fold", "ellipsis"]], Any] = {}  # severities and citations repeat

        def cell(text: str, cell_width: int, overflow: Literal["fold", "ellipsis"]) -> Any:
            key = (text, cell_width, overflow)
            made = laid_out.get(key)
            if made is None:
                inner = cell_width - 2 * PAD
                if overflow == "fold" or ("\n" not in text and len(text) <= inner):
                    lines = _fold(text, inner)
                else:
                    lines = None
                if lines is None:  # rich lays it out, in the padding the table would add
                    made = Padding(Text(text), (0, PAD))
                else:
                    segments: list[Any] = []
                    for line in lines:
                        segments += (Segment(f"{spaces}{line}{spaces}"), new_line)
                    made = _Lines(segments, cell_width)
                laid_out[key] = made
            return made

        buffer = io.StringIO()
        console = report_console(buffer, width=width, color=color)
        for result in report.inputs:
            console.print(Text.assemble((str(result.path), "bold"), "  law in force on "
                                        f"{result.law_date or 'n/a'} ({result.law_date_basis}); "
                                        f"packs: {', '.join(result.packs_applied) or 'none'}"))
            for status in STATUS_ORDER:
                rows = [f for f in result.findings if f.status is status]
                if not rows:
                    continue
                problem = status in PROBLEMS
                columns = PROBLEM_COLUMNS if problem else COMPACT_COLUMNS
                widths = _column_widths(width, columns)
                # Narrower than the columns' minimums (not a width the CLI uses): rich's layout.
                fixed = sum(widths) + len(columns) + 1 == width
                table = Table(title=f"{status.value} ({len(rows)})", title_justify="left",
                              title_style=STATUS_STYLE[status], show_lines=problem, expand=True,
                              padding=0 if fixed else (0, PAD))
                overflows = [overflow for _, _, _, overflow in columns]
                for (header, ratio, column_width, overflow), cell_width in zip(columns, widths):
                    if fixed:
                        table.add_column(Padding(header, (0, PAD)), width=cell_width, overflow=overflow)
                    else:
                        table.add_column(header, ratio=ratio, width=column_width, overflow=overflow)
                for f in rows:
                    if problem:
                        message = f.message + (f"\nRemedy: {f.remedy}" if f.remedy and
                                               status is Status.FAIL else "")
                        cite = f.citations[0].short() if f.citations else ""
                        values: tuple[str, ...] = (f.key, f.severity.value, message, cite)
                    else:
                        values = (f.key, f.severity.value, f.message)
                    if fixed:
                        table.add_row(*map(cell, values, widths, overflows))
                    else:
                        table.add_row(*map(Text, values))
                # rich crops every printed line to the console's width (~3 ms here): a no-op
                # when the table is laid out to exactly that width and, without color, the
                # output is the segments' text. (With color, cropping also splits styled
                # segments at line ends, which changes where escape codes go.)
                console.print(table, crop=color or not fixed)
        s = report.summary()
        console.print(" ".join(f"{k}={v}" for k, v in s.items()) + f"  ({len(report.findings)} findings)")
        return buffer.getvalue()
