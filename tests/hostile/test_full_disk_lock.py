"""A state directory on a full file system: the lab's lock cannot be written."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from tests.kernel import apart, iplab

pytestmark = pytest.mark.kernel

FIXTURES = Path(__file__).parent.parent / "fixtures" / "hostile"


def test_a_full_disk_at_the_lock_says_which_directory(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt U: ``up star200.yaml`` with the state directory on a full 7 MB tmpfs said only
    "iplab: error: No space left on device" (the pid written into labs/LAB/lock). Now it
    is the sentence of the check before a run: not starting, the state directory has no
    room, naming it. Nothing runs (this runs in a network namespace of its own)."""
    lab = tmp_path / "star200.yaml"
    made = iplab("import", str(FIXTURES / "u-star200.md"), "--name", "star200", "-o", str(lab),
                 state=state_dir)  # fmt: skip
    assert made.returncode == 0, made.stderr
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    script = textwrap.dedent(f"""\
        mount -t tmpfs -o size=7m iplab-tiny {tiny} || exit 98
        mkdir -m 700 {tiny}/st
        dd if=/dev/zero of={tiny}/fill bs=64k 2>/dev/null
        IPLAB_STATE_DIR={tiny}/st {sys.executable} -m iplab up {lab} --prefix {prefix}
        echo "rc=$?"
        """)
    result = apart(script)
    labdir = f"{tiny}/st/labs/{prefix}star200"
    assert "rc=" in result.stdout, result.stdout + result.stderr
    assert "rc=0" not in result.stdout
    assert f"not starting: the state directory {labdir} has no room for the lock of lab" in (
        result.stderr
    ), result.stderr
    assert "No space left on device" in result.stderr
