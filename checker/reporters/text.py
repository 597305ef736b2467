"""Human output: a table per status (problems first), then a one-line summary."""

from __future__ import annotations

import io

from checker.findings import Status
from checker.report import Report
from checker.reporters import Reporter, register

# Problems first: what counsel must act on comes before what is fine.
STATUS_ORDER = (Status.FAIL, Status.ERROR, Status.NOT_EVALUABLE, Status.PASS, Status.NOT_APPLICABLE)
STATUS_STYLE = {Status.FAIL: "bold red", Status.ERROR: "bold magenta",
                Status.NOT_EVALUABLE: "yellow", Status.PASS: "green", Status.NOT_APPLICABLE: "dim"}


@register("text")
class TextReporter(Reporter):
    def render(self, report: Report, *, color: bool = False, width: int = 120) -> str:
        from rich.table import Table
        from rich.text import Text

        from checker.reporters.console import report_console

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
                # Problems carry their citation and remedy; passes stay compact.
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
                        table.add_row(f.key, f.severity.value, message, cite)
                    else:
                        table.add_row(f.key, f.severity.value, f.message)
                console.print(table)
        s = report.summary()
        console.print(" ".join(f"{k}={v}" for k, v in s.items()) + f"  ({len(report.findings)} findings)")
        return buffer.getvalue()
