"""Printable forms: the same command text in every format."""

from __future__ import annotations

import re
import subprocess

import pytest

from iplab import export, scenario
from iplab.plan import build
from tests.conftest import BLOG_SCENARIO, SCENARIOS

BUNDLED = sorted(SCENARIOS.glob("*.yaml"))


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_format_carries_the_same_lines(path: object) -> None:
    plan = build(scenario.load(str(path)))
    lines = export.text(plan).splitlines()
    script = export.script(plan).splitlines()
    assert [line for line in script if line and not line.startswith("#")][1:] == lines
    md = export.markdown(plan)
    fenced = [
        line for block in re.findall(r"```bash\n(.*?)```", md, re.S) for line in block.splitlines()
    ]
    assert fenced == lines


def test_script_is_valid_bash_and_strict() -> None:
    plan = build(scenario.load(str(BLOG_SCENARIO)))
    script = export.script(plan)
    assert script.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in script
    assert "# scenario: container-networking-part2" in script
    assert "\n# Create a network namespace\nsudo ip netns add ns1\n" in script
    subprocess.run(["bash", "-n"], input=script, text=True, check=True)


def test_parts() -> None:
    plan = build(scenario.load(str(BLOG_SCENARIO)))
    assert "--- teardown ---" not in export.script(plan, "setup")
    assert "## Setup" not in export.markdown(plan, "teardown")
    assert export.text(plan, "teardown").splitlines()[0] == "sudo ip link del br0"


def test_markdown_shows_the_tutorials_printed_output() -> None:
    md = export.markdown(build(scenario.load(str(BLOG_SCENARIO))))
    assert "```bash\nip netns list\n```\n\n```text\nns1\n```" in md
