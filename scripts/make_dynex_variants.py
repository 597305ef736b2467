#!/usr/bin/env python3
"""Write the hypothetical amendment variants of the Dynex 2003 offer.

    python scripts/make_dynex_variants.py          # (re)write amendment-*.yaml and expiration.yaml
    python scripts/make_dynex_variants.py --check  # exit 1 if a variant is stale

Each variant is examples/dynex-2003/offer.yaml with a few sections replaced by
text edits (so every comment and citation of the original stays), a header
saying what is hypothetical, and the verdict `offercheck check` should give.
tests/acceptance/test_timeline_cli.py checks the files are current: after
editing offer.yaml, rerun this script.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dynex_expiration import build_expiration  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "examples" / "dynex-2003"
BASE = FOLDER / "offer.yaml"

AMENDMENT = """\
amendments:
  # HYPOTHETICAL (not in the seeds): before the market opens on Monday, February 3, 2003
  # (business day 18), Dynex raises the Series A cash price from $24.00 to $24.50 a share by a
  # press release over the Dow Jones News Service and a Schedule TO amendment. A change in the
  # consideration: the offer must stay open 10 business days counting February 3 as day 1,
  # through midnight ending Friday, February 14 (Monday, February 17 is Presidents' Day; the
  # exclusive reading gives Tuesday, February 18). Rule 14e-1(b); OC p.27 L2048-2057.
  # consideration.options above still shows the terms as the circular states them.
  - id: a-cash-price-increase
    first_published_at: 2003-02-03T08:00:00-05:00
    summary: Series A cash price raised from $24.00 to $24.50 per share
    material: true
    changes:
      - id: a-cash-price
        kind: consideration_increase
        class: A
        option: A-cash
        path: consideration.options.A-cash.price_per_share
        old_amount: "24.00"
        new_amount: "24.50"
    disseminated_via: [press_release, dow_jones_news_service, schedule_to_amendment]
"""

EXTENSION = """\
  extensions:
    # HYPOTHETICAL: to cover the February 3 price increase, Dynex extends the offer from
    # 5:00 p.m. Tuesday, February 11 to 12:00 midnight, New York City time, at the end of
    # Tuesday, February 18, 2003 (written as 00:00 on the 19th): long enough on both
    # counting readings. It tells the Exchange Agent at {agent} and issues the press release at
    # {announced} on Wednesday, February 12, the business day after the previously scheduled
    # expiration (Rule 14e-1(d): by 9:00 a.m.; OC p.26 L1993-1999).
    - id: ext-1
      previous_expiration: 2003-02-11T17:00:00-05:00
      new_expiration: 2003-02-19T00:00:00-05:00
      announced_at: 2003-02-12T{announced}:00-05:00
      notice_to_agent_at: 2003-02-12T{agent}:00-05:00
      announcement_channels: [press_release, dow_jones_news_service]
      # EXTERNAL: the preliminary totals tendered that Dynex reported after the real
      # expiration (sec-rules.md section 6 O20, section 11 item 11), used as the approximate
      # numbers deposited that this hypothetical announcement states.
      securities_deposited_stated: {{A: 615044, B: 1000596, C: 847648}}
"""

VARIANTS = {
    "amendment-increase-no-extension.yaml": {
        "suffix": "increase-no-extension",
        "as_of": "2003-02-03T17:00:00-05:00",
        "extension": None,
        "what": "Series A cash price raised on 2003-02-03; the offer is NOT extended.",
        "verdict": ("FAILS sec.14e-1.b.ten-business-days-after-change: the offer must stay open through the end "
                    "of Fri 2003-02-14 but expires Tue 2003-02-11 5:00 p.m. (exit 1)."),
    },
    "amendment-increase-extended.yaml": {
        "suffix": "increase-extended",
        "as_of": "2003-02-12T12:00:00-05:00",
        "extension": {"announced": "08:30", "agent": "08:00"},
        "what": ("Series A cash price raised on 2003-02-03; expiration extended to midnight ending "
                 "2003-02-18, announced 2003-02-12 8:30 a.m. with the deposits to date."),
        "verdict": ("PASSES every SEC timing rule (10 business days on both readings, notice 30 minutes "
                    "early, deposits stated); the Dynex withdrawal-date warning remains."),
    },
    "amendment-increase-late-extension-notice.yaml": {
        "suffix": "increase-late-notice",
        "as_of": "2003-02-12T12:00:00-05:00",
        "extension": {"announced": "09:30", "agent": "09:15"},
        "what": "As amendment-increase-extended.yaml, but the extension is announced at 9:30 a.m. on 2003-02-12.",
        "verdict": ("FAILS sec.14e-1.d.extension-notice: announced 30 minutes after the 9:00 a.m. "
                    "deadline of Wed 2003-02-12 (exit 1)."),
    },
}


EXPIRATION = "expiration.yaml"
GENERATED = (*VARIANTS, EXPIRATION)


def _replace_once(text: str, old: str, new: str, name: str) -> str:
    if text.count(old) != 1:
        raise SystemExit(f"{BASE}: expected exactly one {old.strip()[:60]!r} to build {name}; "
                         "update scripts/make_dynex_variants.py")
    return text.replace(old, new, 1)


def build(name: str, base: str | None = None) -> str:
    text = BASE.read_text(encoding="utf-8") if base is None else base
    if name == EXPIRATION:
        return build_expiration(text, lambda t, old, new: _replace_once(t, old, new, name))
    spec = VARIANTS[name]
    header = (f"# VARIANT (HYPOTHETICAL) of offer.yaml: {spec['what']}\n"
              f"# Expected: {spec['verdict']}\n"
              "# Generated by scripts/make_dynex_variants.py from offer.yaml: do not edit by hand.\n"
              "# Everything below is the original document except offer.id, offer.as_of,\n"
              "# timeline.extensions and amendments (marked HYPOTHETICAL).\n#\n")
    text = _replace_once(text, "\n  id: dynex-2003\n", f"\n  id: dynex-2003-{spec['suffix']}\n", name)
    text = _replace_once(text, "  as_of: 2003-01-08T00:01:00-05:00           # commencement; see timeline.commencement\n",
                         f"  as_of: {spec['as_of']}           # HYPOTHETICAL: after the amendment\n", name)
    text = _replace_once(text, "amendments: []                               # none at commencement\n",
                         AMENDMENT, name)
    if spec["extension"]:
        text = _replace_once(text, "  extensions: []                             # none at commencement\n",
                             EXTENSION.format(**spec["extension"]), name)
    return header + text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale variants instead of writing them")
    args = parser.parse_args(argv)
    stale = []
    for name in GENERATED:
        target = FOLDER / name
        text = build(name)
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    for name in stale:
        print(f"stale: examples/dynex-2003/{name} (run python scripts/make_dynex_variants.py)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
