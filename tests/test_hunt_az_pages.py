"""Hunt AZ (real tutorials from stored web pages, round 3, rebuilt as a reader saves them:
their commands, prompts and output as published, prose re-typed;
tests/fixtures/stored-pages-3/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from iplab.importer.convert import ImportResult
from iplab.scenario import Scenario
from tests import kernel, pages
from tests.conftest import FIXTURES

PAGES = FIXTURES / "stored-pages-3"


def _imported(name: str) -> tuple[ImportResult, Scenario]:
    return pages.imported(PAGES / name)


def test_ll_at_a_prompt_is_an_alias_a_step_that_may_fail(tmp_path: Path) -> None:
    """xiemx's ``vagrant@ubuntu-xenial:~$ ll /var/run/netns/`` was a program this host
    does not have: check said up and run refuse the lab until it is installed, and they
    did. ``ll`` is the author's interactive bash's alias: kept as written, a step that may
    fail, said at import; check says up and run go on without it."""
    result, sc = _imported("az-p13-xiemx-vagrant-gutter.html")
    (step,) = [s for s in sc.steps if "ll /var/run/netns/" in str(s.op)]
    assert step.may_fail
    assert any("ll is an alias of an interactive bash (ls -alF" in w for w in result.warnings)
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "check", str(pages.written(result, tmp_path))],
        capture_output=True, text=True, cwd=kernel.REPO, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "refuse the lab" not in done.stderr
    assert "up and run go on without it" in done.stderr


@pytest.mark.parametrize(
    ("page", "line"),
    [
        ("az-p13-xiemx-vagrant-gutter.html", "ip netns help"),
        ("az-p09-hanashin-centos74.md", "ip netns help"),
    ],
)
def test_ip_help_exits_255_a_step_that_may_fail(page: str, line: str) -> None:
    """``ip netns help`` prints iproute2's usage and exits 255, where the author's shell
    went on: a run failed at the page's first step and rolled back."""
    _, sc = _imported(page)
    (step,) = [s for s in sc.steps if line in str(s.op)]
    assert step.may_fail


@pytest.mark.kernel
def test_the_xiemx_page_runs_and_leaves_nothing(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """The whole page, run: its ``ip netns help`` and ``ll`` fail as the author allows,
    the namespaces are made, verified and undone from the journal."""
    pages.ran_clean(PAGES / "az-p13-xiemx-vagrant-gutter.html", prefix, state_dir, tmp_path)
