"""A lab whose batches name many namespaces, under a low open-files limit (``ulimit -n``)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.hostile import leftovers
from tests.kernel import REPO, iplab

pytestmark = pytest.mark.kernel

FIXTURES = Path(__file__).parent.parent / "fixtures" / "hostile"


def _low_limit() -> None:  # (in the child, before exec: as `ulimit -n 20` in its shell)
    resource.setrlimit(resource.RLIMIT_NOFILE, (20, 20))


def test_batches_fit_the_open_files_limit(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    """Hunt U: under ``ulimit -n 20`` the up of the 30-namespace farm failed: "command
    failed (in ip -batch): sudo ip link set hUvb15 master hUbr-farm / Cannot open netlink
    socket: Too many open files" (iproute2 keeps the namespace of each ``link add ... netns
    boxN`` line open to the end of the batch), where bash, or --per-command, worked. Now
    the batches are split to fit the limit, and the lab comes up."""
    lab = tmp_path / "star30.yaml"
    made = iplab("import", str(FIXTURES / "u-star30.md"), "--name", "star30", "-o", str(lab),
                 state=state_dir)  # fmt: skip
    assert made.returncode == 0, made.stderr
    env = {**os.environ, "IPLAB_STATE_DIR": str(state_dir)}
    env.pop("IPLAB_FAULT", None)
    up = subprocess.run(
        [sys.executable, "-m", "iplab", "up", str(lab), "--prefix", prefix],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=False,
        preexec_fn=_low_limit,
    )  # fmt: skip
    assert "Too many open files" not in up.stderr, up.stderr
    assert up.returncode == 0, up.stderr
    down = iplab("down", f"{prefix}star30", state=state_dir)
    assert down.returncode == 0, down.stderr
    assert leftovers(prefix) == []
