"""The README's promises hold: its first-rule example works, .ci/run runs its test command."""

from __future__ import annotations

import json
import re

from tests.acceptance.conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_first_rule_example_passes_its_own_tests(cli, tmp_path):
    block = re.search(r"```yaml\n(id: my-pack.*?)```", README, re.S)
    assert block, "README lost its first-rule example"
    pack = tmp_path / "my-pack.yaml"
    pack.write_text(block.group(1))
    result = cli("rules", "test", str(pack))
    assert result.code == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "3 passed, 0 failed"


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert len(commands) == 2, "the quick start must be exactly two commands"
    assert "offercheck check examples/dynex-2003/offer.yaml" in commands[0]
    assert commands[1] in (ROOT / ".ci" / "run").read_text()


DYNEX_README = (ROOT / "examples" / "dynex-2003" / "README.md").read_text()
_SUMMARY = re.compile(
    r"`offercheck check examples/dynex-2003/(?P<file>[a-z-]+\.yaml)`[^*]*?(?P<total>\d+) findings"
    r"[^*]*\*\*(?P<passed>\d+) pass, (?P<failed>\d+) fail,\s+(?P<na>\d+) not applicable,\s+"
    r"(?P<ne>\d+) not evaluable, (?P<errors>\d+) errors\*\*[^*]*\*\*(?P<code>\d)\*\*")


def test_dynex_readme_counts_match_a_real_run(cli):
    """The Dynex README states what each run reports and its exit code: keep it true."""
    stated = list(_SUMMARY.finditer(DYNEX_README))
    assert {m["file"] for m in stated} == {"offer.yaml", "expiration.yaml"}
    for m in stated:
        result = cli("check", f"examples/dynex-2003/{m['file']}", "--format", "json")
        summary = json.loads(result.stdout)["summary"]
        assert (result.code, sum(summary.values()), summary["pass"], summary["fail"],
                summary["not_applicable"], summary["not_evaluable"], summary["error"]) == \
            tuple(int(m[k]) for k in ("code", "total", "passed", "failed", "na", "ne", "errors")), m["file"]
