#!/usr/bin/env python3
"""Regenerate checker/data/federal_holidays.json and checker/data/xnas_holidays.json.

The tables are frozen copies of what the ``holidays`` package says, so that the
checker never imports it at run time and a library upgrade shows up as a
reviewable data diff (tests/unit/test_calendar.py fails until it is regenerated).

    python scripts/regenerate_calendars.py           # rewrite both tables
    python scripts/regenerate_calendars.py --check   # exit 1 if they are stale

Output is deterministic: entries sorted by date, fixed key order, one entry per
line, UTF-8, newline at end. No timestamps (nothing here reads the clock).
``checker/data/closures.json`` is hand-curated and is not touched.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # allow `python scripts/regenerate_calendars.py` from a checkout
    sys.path.insert(0, str(REPO_ROOT))

import holidays  # noqa: E402  (only this script and the tests import it; never the checker at run time)

from checker.calendar_data import RANGE_END, RANGE_START, compute_inauguration_days  # noqa: E402

TABLE_FORMAT_VERSION = 1
HOLIDAYS_VERSION = importlib.metadata.version("holidays")
DATA_DIR = REPO_ROOT / "checker" / "data"
GENERATED_BY = "scripts/regenerate_calendars.py"
# One year of margin each side: an observed day can cross a year boundary
# (New Year's Day on a Saturday is observed on Friday Dec 31 of the year before).
_YEARS = range(RANGE_START.year - 1, RANGE_END.year + 2)


def _in_range(day: date) -> bool:
    return RANGE_START <= day <= RANGE_END


def _entries(calendar: dict[date, str]) -> list[dict[str, str]]:
    return [{"date": day.isoformat(), "name": name} for day, name in sorted(calendar.items()) if _in_range(day)]


def library_federal_holidays() -> dict[date, str]:
    """``holidays.US(observed=True)``, default (public) category: 5 U.S.C. 6103(a)/(b)."""
    return dict(holidays.country_holidays("US", years=_YEARS, observed=True).items())


def library_inauguration_days() -> list[date]:
    """Inauguration Day as the library has it for DC, the 6103(c) area (cross-check only)."""
    dc = holidays.country_holidays("US", subdiv="DC", years=_YEARS, observed=True)
    days = []
    for day, name in dc.items():
        if not _in_range(day) or "Inauguration Day" not in name:
            continue
        if day.weekday() == 6:
            continue  # 6103(c): a Sunday Jan 20 is replaced by Monday, listed as "(observed)"
        days.append(day)
    return sorted(days)


def build_federal_table() -> dict[str, Any]:
    """The federal holiday table: library output plus the rule-computed Inauguration Days."""
    federal = library_federal_holidays()
    inaugurations = compute_inauguration_days(RANGE_START.year, RANGE_END.year, federal)
    library_view = library_inauguration_days()
    if [d.date for d in inaugurations] != library_view:
        raise SystemExit(
            "Inauguration Day rule (5 U.S.C. 6103(c)) disagrees with holidays.US(subdiv='DC'): "
            f"{[d.date for d in inaugurations]} vs {library_view}"
        )
    return {
        "version": TABLE_FORMAT_VERSION,
        "generated_by": GENERATED_BY,
        "holidays_package_version": HOLIDAYS_VERSION,
        "source": "holidays.US(observed=True), public category: 5 U.S.C. 6103(a), weekend rule of "
        "6103(b) and Executive Order 11582; Juneteenth from 2021. Weekend dates are kept as the "
        "library lists them (they are not business days anyway).",
        "range": {"start": RANGE_START.isoformat(), "end": RANGE_END.isoformat()},
        "holidays": _entries(federal),
        "inauguration_days_source": "5 U.S.C. 6103(c), computed by rule (Jan 20 every fourth year after "
        "1965, Sunday -> Monday, no extra day when it coincides with a 6103(a) holiday) and "
        "cross-checked against holidays.US(subdiv='DC'). A holiday only in the Inauguration Day area: "
        "not a normal Federal holiday; counted or not by the inauguration_day_is_holiday setting.",
        "inauguration_days": [
            {"date": d.date.isoformat(), "name": d.name, "coincides_with": d.coincides_with} for d in inaugurations
        ],
    }


def build_xnas_table() -> dict[str, Any]:
    """The Nasdaq non-trading-day table: ``holidays.financial_holidays('XNAS')``."""
    xnas = dict(holidays.financial_holidays("XNAS", years=_YEARS).items())
    return {
        "version": TABLE_FORMAT_VERSION,
        "generated_by": GENERATED_BY,
        "holidays_package_version": HOLIDAYS_VERSION,
        "source": "holidays.financial_holidays('XNAS'): Nasdaq holidays and unscheduled market closures.",
        "range": {"start": RANGE_START.isoformat(), "end": RANGE_END.isoformat()},
        "holidays": _entries(xnas),
    }


def render(table: dict[str, Any]) -> str:
    """Serialise a table deterministically: header keys in order, one list entry per line."""
    lines = ["{"]
    items = list(table.items())
    for position, (key, value) in enumerate(items):
        comma = "," if position < len(items) - 1 else ""
        if isinstance(value, list):
            lines.append(f"  {json.dumps(key)}: [")
            for row_position, row in enumerate(value):
                row_comma = "," if row_position < len(value) - 1 else ""
                lines.append(f"    {json.dumps(row, ensure_ascii=False)}{row_comma}")
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def tables() -> dict[Path, str]:
    """Every generated file and its exact expected text."""
    return {
        DATA_DIR / "federal_holidays.json": render(build_federal_table()),
        DATA_DIR / "xnas_holidays.json": render(build_xnas_table()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a table differs from the library")
    args = parser.parse_args(argv)
    stale = []
    for path, text in tables().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
    for path in stale:
        print(f"{'stale' if args.check else 'wrote'}: {path.relative_to(REPO_ROOT)}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
