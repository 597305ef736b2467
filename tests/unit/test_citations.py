"""Every citation points where it says: the quoted words are on the cited lines of the
filing, and the printed page matches the Offering Circular's page markers.

Counsel trusts a finding only as far as its citation; these tests are what make a wrong
line number or a misquoted phrase a build failure rather than a surprise in a memo.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "docs" / "seeds"
OC = "002_4ed9c231e2f0199b.txt"
ALIASES = {"oc": OC, "lt": "003_d2ba9f4604ec413c.txt", "ps": "004_2fb0ebc28053776b.txt"}
SLACK_LINES = 1  # a quote may run one line past the cited range (a wrapped last word)
CITING_FILES = sorted([*ROOT.glob("rules/*/*.yaml"), *ROOT.glob("examples/*/*.yaml")])


def _seed_lines(name: str) -> list[str]:
    return (SEEDS / name).read_text(encoding="utf-8").split("\n")


SEED_LINES = {name: _seed_lines(name) for name in ALIASES.values()}


def _citations(node: object) -> Iterator[dict]:
    if isinstance(node, dict):
        document = ALIASES.get(node.get("document"), node.get("document"))
        if document in SEED_LINES and "lines" in node:
            yield {**node, "document": document}
        for value in node.values():
            yield from _citations(value)
    elif isinstance(node, list):
        for value in node:
            yield from _citations(value)


def _ranges(lines: object) -> list[tuple[int, int]]:
    out = []
    for part in str(lines).split(","):
        first, _, last = part.strip().partition("-")
        out.append((int(first), int(last or first)))
    return out


def _words(text: str) -> str:
    """Compare words, not layout: the filings are space-justified and hyphenated at will."""
    return re.sub(r"[^a-z0-9$%.]+", " ", text.lower().replace("’", "'")).strip()


def _page_of(line: int) -> str:
    if line <= 410:
        return "cov"
    for page, marker_line in OC_PAGE_MARKERS:
        if line <= marker_line:
            return str(page)
    return "back"


OC_PAGE_MARKERS = [(int(m.group(1)), i) for i, text in enumerate(SEED_LINES[OC], 1)
                   if (m := re.fullmatch(r"\s*-(\d+)-\s*", text))]

CITATIONS = [(path.relative_to(ROOT).as_posix(), c) for path in CITING_FILES
             for c in _citations(yaml.safe_load(path.read_text(encoding="utf-8")))]


def test_the_packs_and_examples_cite_the_filings():
    assert len(CITATIONS) > 400
    assert sum(1 for _, c in CITATIONS if c.get("quote")) > 80


def _line_problems(where: str, cite: dict) -> Iterator[str]:
    size = len(SEED_LINES[cite["document"]])
    for first, last in _ranges(cite["lines"]):
        if not 1 <= first <= last <= size:
            yield f"{where}: {cite['document']} has {size} lines, cited {cite['lines']}"


def _quote_problems(where: str, cite: dict) -> Iterator[str]:
    lines = SEED_LINES[cite["document"]]
    text = " ".join(" ".join(lines[max(first - 1 - SLACK_LINES, 0):last + SLACK_LINES])
                    for first, last in _ranges(cite["lines"]))
    for piece in re.split(r"\s*(?:…|\.\.\.)\s*", cite.get("quote") or ""):
        if piece.strip() and _words(piece) not in _words(text):
            yield f"{where}: {piece[:80]!r} is not at {cite['document']} lines {cite['lines']}"


def _page_problems(where: str, cite: dict) -> Iterator[str]:
    if cite["document"] != OC or not cite.get("page"):
        return
    stated = {p for p in re.split(r"[-–, ]+", str(cite["page"])) if p}
    low_high = sorted(int(p) for p in stated if p.isdigit())
    for first, last in _ranges(cite["lines"]):
        for line in (first, last):
            actual = _page_of(line)
            in_span = actual.isdigit() and len(low_high) == 2 and low_high[0] <= int(actual) <= low_high[1]
            if actual not in stated and not in_span:
                yield f"{where}: line {line} is on page {actual}, cited as p.{cite['page']}"


@pytest.mark.parametrize("check", [_line_problems, _quote_problems, _page_problems],
                         ids=["lines-exist", "quotes-on-cited-lines", "oc-pages-match-markers"])
def test_every_citation(check):
    problems = [p for where, cite in CITATIONS for p in check(where, cite)]
    assert not problems, f"{len(problems)} citation problem(s):\n" + "\n".join(problems)


def test_a_wrong_quote_or_page_would_be_caught():
    """The checks can fail: a misquote, a wrong page and a line past the end are reported."""
    good = {"document": OC, "lines": "3264-3265", "page": "47",
            "quote": "limited to $30,000,000 aggregate principal amount"}
    assert not [*_quote_problems("x", good), *_page_problems("x", good), *_line_problems("x", good)]
    assert list(_quote_problems("x", {**good, "quote": "limited to $40,000,000 aggregate"}))
    assert list(_page_problems("x", {**good, "page": "46"}))
    assert list(_line_problems("x", {**good, "lines": "9999999"}))
    assert _page_of(100) == "cov" and _page_of(476) == "3"
