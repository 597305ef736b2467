"""The text report lays out its cells itself (for speed); it must draw exactly what rich draws.

checker/reporters/text.py computes the column widths and folds one-cell-per-character text
itself, and hands rich finished lines. These tests hold it to rich's own layout: the fold on
random text against rich's wrapper, and whole reports against the straightforward renderer
(a rich Table of plain cells) that it replaced, at several widths.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table
from rich.text import Text

from checker import reporters
from checker.document import load_document
from checker.findings import Status
from checker.reporters.console import report_console
from checker.reporters.text import STATUS_ORDER, STATUS_STYLE, _fold
from checker.rulepack import load_packs
from checker.run import run_check

ROOT = Path(__file__).resolve().parents[2]
PACKS = load_packs([ROOT / "rules"])


def _rich_fold(text: str, width: int) -> list[str]:
    console = Console(width=200, file=io.StringIO(), color_system=None, markup=False)
    lines = console.render_lines(Text(text, overflow="fold"), console.options.update_width(width),
                                 pad=True)
    return ["".join(segment.text for segment in line) for line in lines]


# One-cell characters (what _fold handles), including spaces and newlines.
one_cell_text = st.text(alphabet=st.sampled_from(list("ab cd-[]./§×→—\n   xyzAZ09,;")), max_size=120)


@settings(derandomize=True, max_examples=400, deadline=None)
@given(one_cell_text, st.integers(min_value=1, max_value=40))
def test_fold_draws_what_rich_draws(text, width):
    assert _fold(text, width) == _rich_fold(text, width)


def test_fold_leaves_wide_and_control_characters_to_rich():
    assert _fold("漢字 wide", 10) is None
    assert _fold("tab\there", 10) is None


def _reference(report, width: int) -> str:
    """The renderer the fast one replaced: rich measures, wraps and pads every cell."""
    buffer = io.StringIO()
    console = report_console(buffer, width=width, color=False)
    for result in report.inputs:
        console.print(Text.assemble((str(result.path), "bold"), "  law in force on "
                                    f"{result.law_date or 'n/a'} ({result.law_date_basis}); "
                                    f"packs: {', '.join(result.packs_applied) or 'none'}"))
        for status in STATUS_ORDER:
            rows = [f for f in result.findings if f.status is status]
            if not rows:
                continue
            problem = status in (Status.FAIL, Status.ERROR, Status.NOT_EVALUABLE)
            table = Table(title=f"{status.value} ({len(rows)})", title_justify="left",
                          title_style=STATUS_STYLE[status], show_lines=problem, expand=True)
            table.add_column("rule", overflow="fold", ratio=3)
            table.add_column("sev", width=7)
            table.add_column("message", overflow="fold", ratio=6)
            if problem:
                table.add_column("cite", overflow="fold", ratio=3)
            for f in rows:
                if problem:
                    message = f.message + (f"\nRemedy: {f.remedy}" if f.remedy and
                                           status is Status.FAIL else "")
                    cite = f.citations[0].short() if f.citations else ""
                    table.add_row(Text(f.key), Text(f.severity.value), Text(message), Text(cite))
                else:
                    table.add_row(Text(f.key), Text(f.severity.value), Text(f.message))
            console.print(table)
    s = report.summary()
    console.print(" ".join(f"{k}={v}" for k, v in s.items()) + f"  ({len(report.findings)} findings)")
    return buffer.getvalue()


@pytest.mark.parametrize("example", ["dynex-2003/offer.yaml", "dynex-2003/expiration.yaml",
                                     "broken-offer/offer.yaml"])
@pytest.mark.parametrize("width", [80, 120, 157])
def test_report_is_what_rich_lays_out_from_the_cells(example, width):
    report = run_check([load_document(ROOT / "examples" / example)], PACKS)
    assert reporters.get("text").render(report, width=width) == _reference(report, width)
