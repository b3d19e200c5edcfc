"""Every bundled scenario renders to its golden text, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import export, scenario
from iplab.plan import build
from tests.conftest import BLOG, BLOG_SCENARIO, GOLDEN, SCENARIOS
from tests.goldens import assert_golden

BUNDLED = sorted(SCENARIOS.glob("*.yaml"))


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_scenario_renders_its_golden_text(path: Path) -> None:
    plan = build(scenario.load(str(path)))
    assert_golden(export.text(plan), GOLDEN / f"{path.stem}.txt")


@pytest.mark.parametrize("fmt", ["script", "markdown"])
def test_blog_exports_match_golden(fmt: str) -> None:
    plan = build(scenario.load(str(BLOG_SCENARIO)))
    suffix = {"script": "sh", "markdown": "md"}[fmt]
    assert_golden(export.export(plan, fmt), GOLDEN / f"container-networking-part2.{suffix}")


def _blog_command_lines() -> list[str]:
    """The lines of the blog's ```bash blocks that are commands (not printed output)."""
    lines, inside = [], False
    for line in BLOG.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```bash"
            continue
        if inside and line.startswith(("sudo ", "ip ")):
            lines.append(line)
    return lines


def test_blog_golden_is_the_blogs_own_23_lines_in_order() -> None:
    golden = (GOLDEN / "container-networking-part2.txt").read_text(encoding="utf-8")
    assert golden.splitlines() == _blog_command_lines()
    assert len(golden.splitlines()) == 23


def test_blog_setup_and_teardown_split_as_the_blog_does() -> None:
    plan = build(scenario.load(str(BLOG_SCENARIO)))
    assert len(plan.setup) == 18
    assert len(plan.teardown) == 5
    lines = _blog_command_lines()
    assert export.text(plan, "setup").splitlines() == lines[:18]
    assert export.text(plan, "teardown").splitlines() == lines[18:]
