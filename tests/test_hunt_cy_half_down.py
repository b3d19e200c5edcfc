"""Hunt CY: a ``down`` killed halfway (tests/fixtures/hostile-cy/small.md; a SIGKILL
after its undo batch ran) left a lab ``iplab ls`` listed as up, as if nothing had
happened: the lab record now says a down began, and ``ls``, ``ls --json``, ``up`` and
``verify`` say the lab is half down and that ``iplab down LAB`` undoes what is left.

And ``iplab status`` with an ``ip`` on PATH that is not iproute2's said "ip -j netns list:
invalid JSON ..." without naming the binary: it names it, and what to do.

The kernel test runs in a network and mount namespace of its own (tests/kernel.py
``apart``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.kernel import apart

FIXTURES = REPO / "tests" / "fixtures" / "hostile-cy"
IPLAB = f"{sys.executable} -m iplab"


@pytest.mark.kernel
def test_a_down_killed_halfway_is_listed_as_half_down(tmp_path: Path) -> None:
    state = tmp_path / "state"
    at = f"--state-dir {state}"
    run = apart(
        f"{IPLAB} import {FIXTURES / 'small.md'} -o {tmp_path / 'lab.yaml'} 2>/dev/null"
        " || exit 9\n"
        f"{IPLAB} up {tmp_path / 'lab.yaml'} --prefix hcy {at} --no-verify >/dev/null 2>&1"
        " || exit 8\n"
        f"IPLAB_FAULT=undo-after-run:1 {IPLAB} down hcysmall {at} >/dev/null 2>&1;"
        " echo killed=$?\n"
        f"echo '== ls'; {IPLAB} ls {at}\n"
        f"echo '== json'; {IPLAB} ls --json {at}\n"
        f"echo '== up'; {IPLAB} up {tmp_path / 'lab.yaml'} --prefix hcy {at} 2>&1; echo up=$?\n"
        f"echo '== down'; {IPLAB} down hcysmall {at} >/dev/null 2>&1; echo again=$?\n"
        f"echo '== after'; {IPLAB} ls {at}\n"
        "echo left: $(ls /run/netns) $(ip -br link | grep -v '^lo')\n",
        timeout=120,
    )
    said = run.stdout + run.stderr
    assert "killed=137" in run.stdout, said
    listed = run.stdout.split("== ls\n")[1].split("== json\n")[0]
    assert "hcysmall" in listed, said
    assert "half down: a down of it was killed halfway or could not undo everything" in listed
    assert "`iplab down hcysmall` undoes what is left" in listed, said
    doc = json.loads(run.stdout.split("== json\n")[1].split("== up\n")[0])
    assert [d["state"] for d in doc] == ["half-down"], doc
    up = run.stdout.split("== up\n")[1].split("== down\n")[0]
    assert "up=2" in up and "was killed halfway or could not undo everything" in up, said
    assert "again=0" in run.stdout and "no lab is up" in run.stdout, said
    assert "left:\n" in run.stdout, said


def test_status_names_an_ip_that_is_not_iproute2s(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PATH": f"{FIXTURES / 'bad-ip'}:{os.environ['PATH']}",
        "IPLAB_READER": "ip",
    }
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "status", "--state-dir", str(tmp_path / "state")],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 3, done
    assert "Traceback" not in done.stderr, done.stderr
    assert f"the ip it runs: {FIXTURES / 'bad-ip' / 'ip'}" in done.stderr, done.stderr
    assert "-V`, or put iproute2's first on PATH" in done.stderr, done.stderr
