"""An undo ``ip -batch`` that fails a line, or dies partway, with hunt U's flaky ip
(tests/fixtures/hostile/u-flaky-ip) on PATH and its 30-namespace farm (u-star30.md)."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from tests.hostile.hostile import figure, leftovers
from tests.kernel import iplab, netns_names

pytestmark = pytest.mark.kernel

FIXTURES = Path(__file__).parent.parent / "fixtures" / "hostile"


def _farm_up(prefix: str, state_dir: Path, tmp_path: Path) -> str:
    """The farm imported from the hunt's page and brought up; the lab's name."""
    lab = tmp_path / "star30.yaml"
    made = iplab("import", str(FIXTURES / "u-star30.md"), "--name", "star30", "-o", str(lab),
                 state=state_dir)  # fmt: skip
    assert made.returncode == 0, made.stderr
    up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stderr
    return f"{prefix}star30"


def _flaky(tmp_path: Path, **settings: str) -> dict[str, str]:
    shim = tmp_path / "flaky"
    shim.mkdir()
    shutil.copy(FIXTURES / "u-flaky-ip", shim / "ip")
    (shim / "ip").chmod(0o755)
    return {"PATH": f"{shim}:{os.environ['PATH']}", "FLAKY_P": "0", "FLAKY_PB": "1", **settings}


def _audited(state_dir: Path, lab: str) -> list[dict[str, object]]:
    with (state_dir / "audit.jsonl").open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    return [r for r in records if r.get("lab") == lab and r.get("kind") == "undo"]


def test_lines_after_a_dead_batch_are_not_run(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    """Hunt U: the undo's ip -batch died at one of its first lines (exit 2); every line
    after it was audited as run with status 0 (``ip netns del hUbox28`` while 29
    namespaces were still there), and down waited twice 30 s for namespaces it never
    deleted. Now those lines are not run: not audited, not waited for; a later down
    finishes, and finds nothing gone already."""
    lab = _farm_up(prefix, state_dir, tmp_path)
    env = _flaky(tmp_path, FLAKY_ABORT="1", FLAKY_MAXL="5")
    began = time.monotonic()
    down = iplab("down", lab, state=state_dir, env=env)
    took = time.monotonic() - began
    figure(f"down with an ip -batch dying partway: {took:.1f} s")
    assert down.returncode == 1, down.stdout + down.stderr
    assert "waiting for the kernel" not in down.stderr
    assert "not run: ip -batch ended (exit 2)" in down.stderr
    assert took < 20, down.stderr
    there = set(netns_names())
    said_ok = [r["text"] for r in _audited(state_dir, lab) if r["rc"] == 0]
    lying = [t for t in said_ok if str(t).rpartition(" ")[2] in there]
    assert lying == [], lying
    again = iplab("down", lab, state=state_dir)
    assert again.returncode == 0, again.stderr
    assert "gone already" not in again.stdout + again.stderr
    assert leftovers(prefix) == []


def test_a_failed_undo_line_is_named_and_not_waited_for(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt U: one line of the undo batch failed (ip -force went on): down said "Command
    failed -:17" (a line of iplab's hidden input), waited 30 s for the veth of the namespace
    whose deletion failed, and the next down ran all 31 deletions again ("30 gone
    already"). Now the command is named, nothing is waited for, and the next down runs
    only the one that failed."""
    lab = _farm_up(prefix, state_dir, tmp_path)
    env = _flaky(tmp_path, FLAKY_MAXL="1")  # its first line fails, each pass
    began = time.monotonic()
    down = iplab("down", lab, state=state_dir, env=env)
    took = time.monotonic() - began
    figure(f"down with one undo line failing: {took:.1f} s")
    assert down.returncode == 1, down.stdout + down.stderr
    assert "waiting for the kernel" not in down.stderr
    assert "Command failed -:" not in down.stderr
    assert f"1 failed: `sudo ip netns del {prefix}box" in down.stderr
    assert took < 20, down.stderr
    again = iplab("down", lab, state=state_dir)
    assert again.returncode == 0, again.stderr
    assert "gone already" not in again.stdout + again.stderr
    assert again.stderr.count("  undo: ") == 1, again.stderr
    assert leftovers(prefix) == []
