"""`down` converges: lying and flaky ip, failed undos, names taken by someone else, forged
undo records. Each case compares only the test's own prefixed objects."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.hostile.hostile import REAL_IP, SMALL_LAB, figure, leftovers, shim_env
from tests.kernel import iplab

pytestmark = pytest.mark.kernel

#: one lie of each kind of change (a bridge, a namespace, a veth into it, a port)
CHANGES = ["link add {p}br0", "netns add {p}ns2", "link add {p}v2", "link set {p}v3"]


def _lab(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_LAB)
    return path


def test_a_lying_ip_is_undone(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    """An ip that makes its change and exits 1 all the same: the change is undone."""
    lab = _lab(tmp_path)
    restored = 0
    runs = [("--per-command", c.format(p=prefix)) for c in CHANGES] + [("", "-batch")]
    for mode, lie in runs:
        env = shim_env(tmp_path, SHIM_LIE=lie)
        result = iplab("up", str(lab), "--prefix", prefix, *[m for m in [mode] if m],
                       state=state_dir, env=env)  # fmt: skip
        assert result.returncode == 1, (lie, result.stdout + result.stderr)
        assert "internal error" not in result.stderr
        left = leftovers(prefix)
        restored += not left
        assert left == [], (lie, result.stderr)
    figure(f"lying ip (exit 1 after the change): {restored}/{len(runs)} restored")


def test_a_flaky_ip_is_undone(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    """Every N-th state change fails (undo commands too): the run fails and rolls back, or
    a later down finishes; never more than two downs."""
    lab = _lab(tmp_path)
    restored = downs_needed = failed = 0
    periods = [2, 3, 5]
    for n in periods:
        env = shim_env(tmp_path, SHIM_FLAKY=str(n))
        (tmp_path / "shim.count").write_text("0")
        result = iplab("up", str(lab), "--prefix", prefix, "--per-command", "--exact-undo",
                       state=state_dir, env=env)  # fmt: skip
        assert "internal error" not in result.stderr
        failed += result.returncode != 0
        downs = 0
        while (state_dir / "labs" / f"{prefix}small" / "lab.json").exists() and downs < 2:
            down = iplab("down", f"{prefix}small", "--exact", state=state_dir, env=env)
            assert "internal error" not in down.stderr
            downs += 1
        downs_needed = max(downs_needed, downs)
        restored += leftovers(prefix) == []
        assert leftovers(prefix) == [], result.stderr
    assert failed == len(periods)  # the shim did make each run fail
    figure(f"flaky ip (every 2nd, 3rd, 5th change fails): {restored}/{len(periods)} restored, "
           f"at most {downs_needed} extra downs")  # fmt: skip


@pytest.mark.parametrize("mode", ["fast", "exact"])
def test_after_a_failed_undo_the_next_down_converges(
    prefix: str, state_dir: Path, tmp_path: Path, mode: str
) -> None:
    lab = _lab(tmp_path)
    assert iplab("up", str(lab), "--prefix", prefix, state=state_dir).returncode == 0
    exact = ["--exact"] if mode == "exact" else []
    fail = "-batch" if mode == "fast" else f"netns del {prefix}ns2"
    broken = iplab("down", f"{prefix}small", *exact, state=state_dir,
                   env=shim_env(tmp_path, SHIM_FAIL=fail))  # fmt: skip
    assert broken.returncode == 1, broken.stderr
    assert "still there:" in broken.stderr and "internal error" not in broken.stderr
    assert leftovers(prefix) != []
    began = time.monotonic()
    again = iplab("down", f"{prefix}small", *exact, state=state_dir)
    took = time.monotonic() - began
    figure(f"failed undo ({mode}) then down: exit {again.returncode}, {took:.1f} s, "
           f"left {leftovers(prefix)}")  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "is down" in again.stdout
    assert leftovers(prefix) == []


def test_a_name_taken_after_the_preflight_is_named_not_waited_on(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    lab = _lab(tmp_path)
    env = shim_env(tmp_path, SHIM_TAKE=f"netns add {prefix}ns2")
    began = time.monotonic()
    result = iplab("up", str(lab), "--prefix", prefix, "--per-command", state=state_dir, env=env)
    took = time.monotonic() - began
    assert result.returncode == 1
    assert f"left alone: {prefix}ns2 (created by someone else" in result.stderr
    assert "rolled back" in result.stderr
    assert leftovers(prefix) == [f"{prefix}ns2"]  # someone else's: still there, untouched
    assert took < 20
    figure(f"name taken after the preflight: named, run ended in {took:.1f} s")


def test_a_forged_undo_of_a_foreign_name_is_refused(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    lab = _lab(tmp_path)
    victim = f"{prefix}victim"
    subprocess.run([REAL_IP, "netns", "add", victim], check=True)
    assert iplab("up", str(lab), "--prefix", prefix, state=state_dir).returncode == 0
    journal = state_dir / "labs" / f"{prefix}small" / "journal.jsonl"
    lines = journal.read_text().splitlines()
    forged = []
    for line in lines:
        record = json.loads(line)
        for undo in record.get("undo", []):
            if undo["op"]["action"] == "netns del" and undo["op"]["name"] == f"{prefix}ns1":
                undo["op"]["name"] = victim
                undo["guard"]["name"] = victim
        forged.append(json.dumps(record))
    journal.write_text("\n".join(forged) + "\n")
    down = iplab("down", f"{prefix}small", state=state_dir)
    assert down.returncode == 1
    assert f"refusing `ip netns del {victim}`: namespace {victim} is not something" in down.stderr
    assert victim in leftovers(prefix)
    assert "internal error" not in down.stderr
    figure(f"forged undo of a foreign name: refused, exit {down.returncode}, victim kept")
