"""Benchmark `offercheck check` on the Dynex example.

1. Whole-process wall time of `offercheck check examples/dynex-2003/offer.yaml`
   (json and text) against `python -c pass` (median of N runs, and the ratio), in three
   environments: as configured, with Python's bytecode cache, and without the result
   caches (see _environments). Target: median <= 250 ms on the 2-core machine.
2. In-process throughput: the bundled packs evaluated over 1,000 generated
   variants of the Dynex document (prices, maxima and caps perturbed with a
   seeded RNG, so the run is reproducible). Target: >= 50,000 rule evaluations
   per second. Documents are built before timing; the figure is evaluation only,
   after the run's first documents (timed and printed apart: they run in CEL, then
   the programs are translated). It is given for three garbage-collector settings,
   each in a fresh process: Python's defaults with every finding kept (the
   collector's full passes over a growing heap, ~3 of them, cost ~0.35 ms a document
   here), the
   settings `offercheck` gives its own process, the collector off, as timeit
   measures, and Python's defaults for a caller that counts each document's findings
   and drops them (the heap then stays as it was: the 1,000 documents). Further
   figures add each finding's message and facts, and validation + conversion of each
   variant.

Run: python bench/bench_check.py [--runs 15] [--variants 1000]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "examples" / "dynex-2003" / "offer.yaml"


def wall(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[:300]}")
    return times


def _environments(scratch: Path) -> list[tuple[str, dict[str, str]]]:
    """The ways the tool is run, each named: results differ by up to ~70 ms between them.

    - "as configured": this shell's environment unchanged. Where PYTHONDONTWRITEBYTECODE is
      set (as on the CI and development machines here) and the package is an editable
      install, every run compiles the checker's source again.
    - "bytecode cached": Python's default, .pyc files written once (to a scratch prefix so
      the repository stays clean), as for any user who has not disabled them.
    - "no result caches": OFFERCHECK_NO_CACHE=1, the first run after a pack or schema change.
    """
    base = dict(os.environ)
    cached = {k: v for k, v in base.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    cached["OFFERCHECK_CACHE_DIR"] = str(scratch / "cache")
    configured = dict(base, OFFERCHECK_CACHE_DIR=str(scratch / "cache"))
    cold = dict(configured, OFFERCHECK_NO_CACHE="1")
    return [("as configured", configured), ("bytecode cached", cached), ("no result caches", cold)]


def whole_process(runs: int) -> None:
    exe = shutil.which("offercheck")
    check = [exe] if exe else [sys.executable, "-m", "checker"]
    check += ["check", str(EXAMPLE)]
    note = "PYTHONDONTWRITEBYTECODE=" + os.environ.get("PYTHONDONTWRITEBYTECODE", "(unset)")
    with tempfile.TemporaryDirectory() as scratch:
        envs = _environments(Path(scratch))
        baseline = statistics.median(wall([sys.executable, "-c", "pass"], runs, envs[0][1]))
        print(f"whole process, median of {runs} runs; python -c pass {baseline * 1000:.1f} ms; "
              f"this shell: {note}")
        for name, env in envs:
            for fmt in ("json", "text"):
                cmd = check + ["--format", fmt]
                wall(cmd, 2, env)  # warm the page cache, .pyc files and result caches
                ours = wall(cmd, runs, env)
                median = statistics.median(ours)
                verdict = f"target <= 250 ms: {'met' if median <= 0.250 else 'NOT met'}"
                print(f"  {name:17} --format {fmt:4}: median {median * 1000:6.1f} ms (min "
                      f"{min(ours) * 1000:.1f}, max {max(ours) * 1000:.1f}); {median / baseline:4.1f}x "
                      f"python -c pass; {verdict}")


def variants(count: int) -> list[dict]:
    from checker.yamlsource import load_file

    base = load_file(EXAMPLE).data
    rng = random.Random(20030108)
    out = []
    for _ in range(count):
        doc = copy.deepcopy(base)
        for option in doc.get("consideration", {}).get("options", []):
            if "max_shares" in option:
                option["max_shares"] = max(0, option["max_shares"] + rng.randint(-50, 50))
            if "cap_amount" in option:
                option["cap_amount"] = str(int(option["cap_amount"]) + rng.choice([0, 0, 25, -25]))
        for cls in doc.get("classes", []):
            if "outstanding" in cls:
                cls["outstanding"] += rng.randint(0, 1000)
        out.append(doc)
    return out


COLLECTOR_SETTINGS = {
    "default": "findings kept, Python's default collector",
    "offercheck": "findings kept, the collector as `offercheck` sets it for its own process",
    "off": "findings dropped, the collector off (as timeit measures)",
    "streamed": "each document's findings counted then dropped, Python's default collector",
}


def in_process(count: int) -> None:
    """One fresh process per collector setting: a pass leaves its heap behind (its freed
    memory, the caches its reports fill), which slowed a later pass by up to 15%."""
    results = {}
    for setting in COLLECTOR_SETTINGS:
        proc = subprocess.run([sys.executable, __file__, "--pass", setting, "--variants", str(count)],
                              cwd=ROOT, capture_output=True, text=True, check=True)
        results[setting] = json.loads(proc.stdout.strip().splitlines()[-1])
    first = results["default"]
    if results["streamed"]["evaluations"] != first["evaluations"]:
        raise SystemExit(f"streamed pass counted {results['streamed']['evaluations']} findings, "
                         f"the default pass {first['evaluations']}")
    print(f"in process: {first['evaluations']:,} rule evaluations over {count} variants; "
          f"statuses {first['statuses']}; before them, the first {first['warm_up_documents']} "
          f"documents of the run (once per run: plan, CEL compiles, CEL runs, translation) "
          f"{first['warm_up'] * 1000:.0f} ms")
    for setting, label in COLLECTOR_SETTINGS.items():
        seconds = results[setting]["verdicts"]
        rate = first["evaluations"] / seconds
        print(f"  verdicts (when/needs/expr per instance), {label}: {seconds * 1000:.0f} ms = "
              f"{rate:,.0f} evaluations/s; target >= 50,000: {'met' if rate >= 50_000 else 'NOT met'}")
    full = first["evaluations"] / (first["verdicts"] + first["explained"])
    print(f"  with every message and fact list computed (what a report costs), default collector: "
          f"{(first['verdicts'] + first['explained']) * 1000:.0f} ms = {full:,.0f} findings/s")
    print(f"  including validation+conversion of each variant: {first['evaluations'] / (first['verdicts'] + first['explained'] + first['build']):,.0f} findings/s")


def in_process_pass(setting: str, count: int) -> None:
    """Evaluate the variants once, with the collector as `setting` says; print a JSON line."""
    import gc

    from checker.cli import GC_THRESHOLD
    from checker.document import document_from_source
    from checker.engine import TRANSLATE_FROM, evaluate
    from checker.resources import bundled_rules_dir
    from checker.rulepack import load_packs, select_rules
    from checker.run import document_as_of
    from checker.yamlsource import LoadedSource, load_file

    source = load_file(EXAMPLE)
    rules = select_rules(load_packs([bundled_rules_dir()]))

    def build(data: list[dict]) -> list:
        return [document_from_source(LoadedSource(str(EXAMPLE), source.sha256, d, source.source_map))
                for d in data]

    # The first documents of a run pay once for the plan: rewriting (or its cache) and
    # compiling the CEL programs they run; they run in CEL until the run switches to the
    # programs' Python translations (engine.TRANSLATE_FROM, see cel_python), which costs
    # translating them. Timed apart, on copies of the example, so the pass starts warm.
    t0 = time.perf_counter()
    for document in build([copy.deepcopy(source.data) for _ in range(TRANSLATE_FROM)]):
        evaluate(document, rules, document_as_of(document, None))
    warm_up = time.perf_counter() - t0
    raw = variants(count)
    t0 = time.perf_counter()
    documents = build(raw)
    build_time = time.perf_counter() - t0
    del raw  # the harness's own dicts: a real run would not keep them for the collector to walk
    gc.collect()
    if setting == "offercheck":
        gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    elif setting == "off":
        gc.disable()
    counted = 0
    t0 = time.perf_counter()
    if setting == "off":
        for document in documents:
            evaluate(document, rules, document_as_of(document, None))
        findings: list = []
    elif setting == "streamed":  # a caller that reports each document, then lets it go
        for document in documents:
            counted += len(evaluate(document, rules, document_as_of(document, None)))
        findings = []
    else:
        findings = [evaluate(document, rules, document_as_of(document, None)) for document in documents]
    verdicts = time.perf_counter() - t0
    gc.enable()
    statuses: dict[str, int] = {}
    for batch in findings:
        for finding in batch:
            statuses[finding.status.value] = statuses.get(finding.status.value, 0) + 1
    t0 = time.perf_counter()
    for batch in findings:
        for finding in batch:
            finding.to_dict()  # computes each message and fact list, as every report does
    explained = time.perf_counter() - t0
    print(json.dumps({"evaluations": sum(statuses.values()) or counted, "statuses": dict(sorted(statuses.items())),
                      "warm_up": warm_up, "warm_up_documents": TRANSLATE_FROM, "build": build_time,
                      "verdicts": verdicts, "explained": explained}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--variants", type=int, default=1000)
    parser.add_argument("--pass", dest="one_pass", choices=sorted(COLLECTOR_SETTINGS),
                        help=argparse.SUPPRESS)  # one in-process pass, run by in_process()
    args = parser.parse_args()
    if args.one_pass:
        in_process_pass(args.one_pass, args.variants)
        return
    whole_process(args.runs)
    in_process(args.variants)


if __name__ == "__main__":
    main()
