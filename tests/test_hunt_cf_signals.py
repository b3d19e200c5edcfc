"""Hunt CF #3 (tests/fixtures/leftovers14/quick-pair.md, a lab a CI job brings up, whose
users press Ctrl-C when it "hangs"): what a signal leaves must be said, and nothing stray.

- A SIGINT or SIGTERM before ``up`` or ``down`` began their work printed "iplab:
  interrupted" and nothing more: was the lab up? It now says that nothing ran (``up``)
  or that nothing was undone and the lab is as it was (``down``). The failpoint
  ``IPLAB_FAULT=SIG@not-begun:1`` sends the signal there.
- A start refused for want of room (the state directory on a full disk) left an empty
  directory of the lab, its lock inside: it is removed now, and the error names the
  state directory.
- A Ctrl-C right after "lab X is up" (before the run's "stays up" answer was in place)
  was said by nothing; in the last milliseconds of the process (Python puts each signal's
  default back as it shuts down) it ended iplab by SIGINT, exit 130, the lab up. The first
  is said as after "is up" (failpoint ``said-up``), the second is ignored: the command is
  done, its status final.
- A signal after ``down``'s undo, before the lab was archived and said down, said "iplab:
  interrupted": the undo's handlers now cover that too.

The kernel tests run in network and mount namespaces of their own (tests/kernel.py
``apart``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO
from tests.kernel import apart

PAGE = FIXTURES / "leftovers14" / "quick-pair.md"
IPLAB = f"{sys.executable} -m iplab"


def _script(tmp_path: Path, body: str) -> str:
    lab = tmp_path / "lab.yaml"
    return (
        f"cd {REPO}\n{IPLAB} import {PAGE} -o {lab} 2>/dev/null || exit 90\n"
        f"st={tmp_path}/st; mkdir -m 700 $st\n" + body.replace("@LABFILE@", str(lab))
    )


@pytest.mark.kernel
@pytest.mark.parametrize(("sig", "rc"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_before_up_began_says_nothing_ran(tmp_path: Path, sig: str, rc: int) -> None:
    run = apart(
        _script(
            tmp_path,
            f"IPLAB_FAULT={sig}@not-begun:1 {IPLAB} up @LABFILE@ --prefix hcf --state-dir $st;"
            " echo up=$?\n"
            "echo left: $(ls /run/netns); echo labs: $(ls $st/labs 2>/dev/null)\n",
        ),
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert f"up={rc}" in run.stdout, said
    assert "iplab: interrupted: up had not begun: nothing ran, the host is as it was\n" in (
        run.stderr
    ), said
    assert "left:\n" in run.stdout and "labs:\n" in run.stdout, said


@pytest.mark.kernel
def test_a_signal_before_down_began_says_the_lab_is_as_it_was(tmp_path: Path) -> None:
    run = apart(
        _script(
            tmp_path,
            f"{IPLAB} up @LABFILE@ --prefix hcf --state-dir $st >/dev/null 2>&1; echo up=$?\n"
            f"IPLAB_FAULT=SIGTERM@not-begun:1 {IPLAB} down hcfquick-pair --state-dir $st;"
            " echo down=$?\n"
            f"{IPLAB} ls --names --state-dir $st\n"
            f"{IPLAB} down hcfquick-pair --state-dir $st >/dev/null 2>&1; echo down=$?\n"
            "echo left: $(ls /run/netns)\n",
        ),
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "up=0" in run.stdout and "down=143" in run.stdout, said
    assert (
        "iplab: interrupted: down had not begun: nothing was undone, lab hcfquick-pair is as"
        " it was (iplab down hcfquick-pair takes it down)\n"
    ) in run.stderr, said
    assert "\nhcfquick-pair\ndown=0\n" in run.stdout, said  # (still up, then down)
    assert "left:\n" in run.stdout, said


@pytest.mark.kernel
def test_a_signal_as_up_says_the_lab_is_up_is_said(tmp_path: Path) -> None:
    run = apart(
        _script(
            tmp_path,
            f"IPLAB_FAULT=SIGINT@said-up:1 {IPLAB} up @LABFILE@ --prefix hcf --state-dir $st;"
            " echo up=$?\n"
            f"{IPLAB} verify hcfquick-pair --state-dir $st >/dev/null; echo verify=$?\n"
            f"{IPLAB} down hcfquick-pair --state-dir $st >/dev/null 2>&1; echo down=$?\n"
            "echo left: $(ls /run/netns)\n",
        ),
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "lab hcfquick-pair is up" in run.stdout, said
    assert (
        "iplab: SIGINT received: lab hcfquick-pair is up and stays up (iplab down"
        " hcfquick-pair takes it down)\n"
    ) in run.stderr, said
    assert "up=0" in run.stdout and "verify=0" in run.stdout, said
    assert "down=0" in run.stdout and "left:\n" in run.stdout, said


@pytest.mark.kernel
def test_a_start_refused_for_want_of_room_leaves_no_lab_directory(tmp_path: Path) -> None:
    run = apart(
        _script(
            tmp_path,
            f"disk={tmp_path}/disk; mkdir $disk\n"
            "mount -t tmpfs -o size=256k hcfdisk $disk || exit 91\n"
            "mkdir -m 700 $disk/st\n"
            "avail=$(df --output=avail $disk | tail -1)\n"
            "dd if=/dev/zero of=$disk/fill bs=1k count=$((avail - 16)) 2>/dev/null\n"
            f"{IPLAB} up @LABFILE@ --prefix hcf --state-dir $disk/st; echo up=$?\n"
            "echo in-state-dir: $(cd $disk/st && find . -mindepth 1 | sort)\n"
            "echo left: $(ls /run/netns)\n",
        ),
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "up=1" in run.stdout, said
    assert f"the state directory {tmp_path}/disk/st has no room" in run.stderr, said
    assert "in-state-dir: ./labs\n" in run.stdout, said
    assert "left:\n" in run.stdout, said


def test_a_signal_once_iplab_is_done_is_ignored_as_python_shuts_down(tmp_path: Path) -> None:
    """What Python leaves in place after the last ``atexit`` function (registered here
    before iplab's, it runs after them): the signals ignored, not their default."""
    code = (
        "import atexit, signal, sys\n"
        "atexit.register(lambda: print('late:', [signal.getsignal(s) is signal.SIG_IGN"
        " for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)]))\n"
        "sys.argv = ['iplab', 'render', sys.argv[1]]\n"
        "from iplab.cli import main\n"
        "raise SystemExit(main())\n"
    )
    lab = tmp_path / "lab.yaml"
    imported = subprocess.run(
        [sys.executable, "-m", "iplab", "import", str(PAGE), "-o", str(lab)],
        capture_output=True, text=True, check=False, cwd=REPO,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    done = subprocess.run(
        [sys.executable, "-c", code, str(lab)],
        capture_output=True, text=True, check=False, cwd=REPO,
        env={**os.environ, "IPLAB_STATE_DIR": str(tmp_path)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ip netns add ci-a\n" in done.stdout
    assert done.stdout.endswith("late: [True, True, True, True]\n"), done.stdout
