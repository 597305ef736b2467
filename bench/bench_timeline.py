"""Benchmark `offercheck timeline` on the Dynex example.

1. Whole-process wall time of `offercheck timeline examples/dynex-2003/offer.yaml`
   in each format against `python -c pass`: median of --runs (at least 10) runs
   after two warm-up runs, with min and max.
2. In-process: compute_timeline() calls per second on the already-loaded document
   (the calculator behind derived.timeline.*), and the cost of rendering each format.

Run: python bench/bench_timeline.py [--runs 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "examples" / "dynex-2003" / "offer.yaml"


def wall(cmd: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[:300]}")
    return times


def whole_process(runs: int) -> None:
    exe = shutil.which("offercheck")
    base = [exe] if exe else [sys.executable, "-m", "checker"]
    baseline = statistics.median(wall([sys.executable, "-c", "pass"], runs))
    print(f"whole process ({runs} runs each): python -c pass median {baseline * 1000:.1f} ms")
    for fmt in ("text", "json", "ics"):
        cmd = base + ["timeline", str(EXAMPLE), "--format", fmt]
        wall(cmd, 2)  # warm the page cache and .pyc files
        ours = wall(cmd, runs)
        median = statistics.median(ours)
        print(f"  offercheck timeline --format {fmt:<4}: median {median * 1000:6.1f} ms (min {min(ours) * 1000:.1f}, "
              f"max {max(ours) * 1000:.1f}); {median / baseline:.1f}x python -c pass, "
              f"+{(median - baseline) * 1000:.1f} ms")


def in_process(seconds: float = 1.0) -> None:
    from checker.document import load_document
    from checker.timeline import compute_timeline
    from checker.timeline_report import render

    document = load_document(str(EXAMPLE))
    timeline = compute_timeline(document)  # warm: calendars built, tables loaded
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        compute_timeline(document)
        count += 1
    elapsed = time.perf_counter() - start
    print(f"in process: compute_timeline {count / elapsed:,.0f} timelines/s "
          f"({elapsed / count * 1e6:.0f} us each, {len(timeline.events)} events)")
    for fmt in ("text", "json", "ics"):
        render(timeline, fmt, path=str(EXAMPLE), sha256=document.sha256)  # warm imports
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 2:
            render(timeline, fmt, path=str(EXAMPLE), sha256=document.sha256)
            n += 1
        print(f"  render {fmt:<4}: {(time.perf_counter() - start) / n * 1000:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if args.runs < 10:
        parser.error("--runs must be at least 10")
    whole_process(args.runs)
    in_process()


if __name__ == "__main__":
    main()
