"""The README's promises hold: its first-rule example works, .ci/run runs its test command."""

from __future__ import annotations

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
