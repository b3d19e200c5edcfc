"""Hunt CM (hostile conditions during the run): a lab's veth end moved by hand into a
container's namespace (a process's, with no name in /run/netns) between ``up`` and
``down``. ``down`` waited 30 s "for the kernel to destroy 1 object of the lab" that no
deletion of the lab's takes away, without naming it, then deleted it. Hunt CQ: it does
not wait for it at all (the kernel, asked by the namespace's id, says that namespace
lives), says so, names it, and deletes it.

Runs in a network and mount namespace of its own (tests/kernel.py ``apart``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.kernel import apart

pytestmark = pytest.mark.kernel

FIXTURES = REPO / "tests" / "fixtures" / "hostile-cm"
IPLAB = f"{sys.executable} -m iplab"


def test_a_peer_moved_into_a_containers_namespace_is_deleted_without_a_wait(tmp_path: Path) -> None:
    state = tmp_path / "state"
    run = apart(
        f"{IPLAB} import {FIXTURES / 'star150.sh'} -o {tmp_path / 'lab.yaml'} 2>/dev/null"
        " || exit 9\n"
        f"{IPLAB} up {tmp_path / 'lab.yaml'} --prefix hCM --state-dir {state} --no-verify"
        " >/dev/null || exit 8\n"
        "unshare -n sleep 60 & C=$!; sleep 0.3\n"
        "ip -n hCMpod6 link set hCMeth0 netns $C || exit 7\n"
        "start=$(date +%s)\n"
        f"{IPLAB} down hCMstar150 --state-dir {state}; echo rc=$?\n"
        "echo took=$(( $(date +%s) - start ))\n"
        "echo left: $(ls /run/netns) $(ip -br link | grep -v '^lo')\n"
        "echo held: $(nsenter -t $C -n ip -br link | grep -v '^lo')\n"
        "kill $C",
        timeout=120,
    )
    said = run.stdout + run.stderr
    assert "rc=0" in run.stdout and "left:\n" in run.stdout, said
    assert "held:\n" in run.stdout, said
    assert "waiting for the kernel" not in run.stderr, said
    assert (
        "iplab: hCMveth6@root is left to be deleted, not waited for: its peer lives in a"
        " namespace without a name (a container's, say)" in run.stderr
    ), said
    assert "still holds some of the lab (hCMveth6@root)" in run.stderr, said
    took = int(run.stdout.split("took=")[1].split()[0])
    assert took <= 5, said  # (it took 35 s: the whole wait, SETTLE_SECONDS)
