"""Drive the real CLI in a subprocess: exit codes, stdout, stderr, files written."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

MINIMAL_OFFER = """\
schema_version: 1
offer:
  id: tiny
  as_of: 2003-01-08T00:01:00-05:00
classes:
  - id: A
    outstanding: 1000
    sought: 100
    original_issue_price: "24.00"
consideration:
  options:
    - id: A-cash
      class: A
      kind: cash
      price_per_share: "24.00"
      max_shares: 100
      cap_amount: "2400"
"""


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> Result:
    proc = subprocess.run([sys.executable, "-m", "checker", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={**_env(), **(env or {})})
    return Result(proc.returncode, proc.stdout, proc.stderr)


def _env() -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k != "OFFERCHECK_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("OFFERCHECK_CACHE_DIR", _CACHE_DIR)  # hermetic: never the user's cache
    return env


import tempfile  # noqa: E402

_CACHE_DIR = tempfile.mkdtemp(prefix="offercheck-test-cache-")


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def minimal_offer(tmp_path: Path) -> Path:
    path = tmp_path / "offer.yaml"
    path.write_text(MINIMAL_OFFER)
    return path


def assert_one_line_error(result: Result, code: int, *fragments: str) -> None:
    assert result.code == code, (result.code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) >= 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
