"""JSON output; its schema is schemas/findings.schema.json."""

from __future__ import annotations

import json

from checker.report import Report
from checker.reporters import Reporter, register


@register("json")
class JsonReporter(Reporter):
    def render(self, report: Report, *, color: bool = False, width: int = 120) -> str:
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
