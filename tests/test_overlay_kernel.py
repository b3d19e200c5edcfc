"""Macvlan, ipvlan and vxlan labs as hunt F ran them: against the real kernel."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.kernel import iplab

pytestmark = pytest.mark.kernel

OVERLAY = REPO / "tests" / "fixtures" / "overlay"


def _imported(tmp_path: Path, state_dir: Path, name: str) -> Path:
    """A page of tests/fixtures/overlay imported as a user does, into a scenario file."""
    scenario = tmp_path / "lab.yaml"
    made = iplab("import", str(OVERLAY / name), "-o", str(scenario), state=state_dir)
    assert scenario.exists(), made.stderr
    return scenario


def test_verify_by_lab_name_leaves_out_the_steps_that_failed(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt F: the page shows a second passthru macvlan on one parent fail (``may_fail``,
    ``creates: mvp2``). ``up`` said verify OK, leaving the failed step out; ``iplab verify
    LAB`` right after said ``mvp2.netns: expected host, found none``: it replayed the
    failed step. It now takes the steps that failed from the lab's journal."""
    scenario = _imported(tmp_path, state_dir, "04-macvlan-modes.md")
    up = iplab("up", str(scenario), "--prefix", prefix, state=state_dir)
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        assert "failed, as the author allows: RTNETLINK answers: Invalid argument" in up.stdout
        verified = iplab("verify", f"{prefix}04-macvlan-modes", state=state_dir)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert f"{prefix}mvp2" not in verified.stdout
        assert verified.stdout.startswith("OK: ") or "\nOK: " in verified.stdout
    finally:
        iplab("down", f"{prefix}04-macvlan-modes", state=state_dir)
