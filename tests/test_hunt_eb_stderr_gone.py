"""Hunt EB #4: ``iplab up lab.yaml 2>&1 >/dev/null | head -0`` (stderr a pipe whose reader
is gone: a ``grep -q`` that matched, a closed log window). The lab's first warning, written
to stderr before anything ran ("iplab cannot undo ..."), raised BrokenPipeError, and iplab
ended 141, "standard output went away", whatever the command's own outcome: a refused
lab (exit 2) said 141, and a lab that would have run did not run at all.

iplab's stderr drops a write that fails (as a run's stderr always did): the exit status
is the command's own. The page is tests/fixtures/hostconfig/nat-persist.sh (its
``ethtool -K eth0`` is refused, exit 2, before anything runs: no privilege needed).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, REPO

PAGE = FIXTURES / "hostconfig" / "nat-persist.sh"


def _iplab(*args: str, stderr: int | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iplab", *args], stdout=subprocess.PIPE, stderr=stderr,
        text=True, check=False, cwd=REPO, timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip


def test_a_stderr_whose_reader_is_gone_leaves_the_exit_status_the_command_s(
    tmp_path: Path,
) -> None:
    lab = tmp_path / "nat.yaml"
    assert _iplab("import", str(PAGE), "-o", str(lab), stderr=subprocess.DEVNULL).returncode == 0
    args = ("up", str(lab), "--dry-run", "--state-dir", str(tmp_path / "state"))
    said = _iplab(*args, stderr=subprocess.PIPE)
    assert said.returncode == 2 and "iplab cannot undo" in said.stderr, said.stderr
    read, write = os.pipe()
    os.close(read)  # (the reader went away)
    try:
        gone = _iplab(*args, stderr=write)
    finally:
        os.close(write)
    assert gone.returncode == 2, gone
