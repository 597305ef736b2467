#!/usr/bin/env python3
"""Throughput of the business-day calendar, in process.

    python bench/bench_calendar.py [--ops 200000] [--runs 7]

Prints operations per second (median of --runs timed runs, time.perf_counter)
for the module-level add_business_days, business_days_between and
is_business_day, and for the same methods on a BusinessCalendar bound up
front. Inputs are a fixed pseudo-random sample of dates over 1990-2049 and
period lengths 1-60 (seeded, so runs are comparable). The table load is
excluded: it happens once, before timing. Target: >= 1,000,000 ops/s for
add_business_days and business_days_between.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checker import calendar  # noqa: E402

TARGET = 1_000_000


def _inputs(count: int) -> tuple[list[date], list[int], list[date]]:
    rng = random.Random(20030108)
    first, span = date(1990, 1, 1).toordinal(), date(2049, 12, 31).toordinal() - date(1990, 1, 1).toordinal()
    starts = [date.fromordinal(first + rng.randrange(span)) for _ in range(count)]
    ns = [rng.randint(1, 60) for _ in range(count)]
    ends = [start + timedelta(days=rng.randint(0, 90)) for start in starts]
    return starts, ns, ends


def _median_rate(run: Callable[[], object], ops: int, runs: int) -> float:
    run()  # warm up
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        run()
        timings.append(time.perf_counter() - began)
    return ops / statistics.median(timings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=200_000, help="operations per timed run")
    parser.add_argument("--runs", type=int, default=7, help="timed runs; the median is reported")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    sec = calendar.sec_calendar()
    load_ms = (time.perf_counter() - began) * 1000
    calendar.is_business_day(date(2003, 1, 8))  # bind the module-level default too
    starts, ns, ends = _inputs(args.ops)
    pairs = list(zip(starts, ns))
    spans = list(zip(starts, ends))

    add, between, is_open = calendar.add_business_days, calendar.business_days_between, calendar.is_business_day
    m_add, m_between, m_is_open = sec.add_business_days, sec.business_days_between, sec.is_business_day
    cases: list[tuple[str, Callable[[], object]]] = [
        ("add_business_days", lambda: [add(s, n) for s, n in pairs]),
        ("business_days_between", lambda: [between(a, b) for a, b in spans]),
        ("is_business_day", lambda: [is_open(s) for s in starts]),
        ("BusinessCalendar.add_business_days", lambda: [m_add(s, n) for s, n in pairs]),
        ("BusinessCalendar.business_days_between", lambda: [m_between(a, b) for a, b in spans]),
        ("BusinessCalendar.is_business_day", lambda: [m_is_open(s) for s in starts]),
    ]
    print(f"python {sys.version.split()[0]}; calendar build (load tables + precompute) {load_ms:.1f} ms")
    print(f"{args.ops:,} ops per run, median of {args.runs} runs")
    failed = False
    for name, run in cases:
        rate = _median_rate(run, args.ops, args.runs)
        gated = name in ("add_business_days", "business_days_between")
        verdict = ("ok" if rate >= TARGET else "BELOW TARGET") if gated else ""
        failed |= gated and rate < TARGET
        print(f"{name:42s} {rate:14,.0f} ops/s  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
