"""Hunt AJ (broken or unusual hosts, round 4) on the real kernel: what someone did by hand
to a lab that is up. Each test runs in a network namespace of its own (tests/kernel.py
``apart``), which iplab takes for the host.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.kernel import apart

pytestmark = pytest.mark.kernel

HOSTS = REPO / "tests" / "fixtures" / "hostile-hosts"


def test_one_down_deletes_a_veth_whose_other_end_was_moved_by_hand(tmp_path: Path) -> None:
    """Hunt AJ: after ``up`` of the red/blue bridge page, the lab's hJ9veth-blue was moved by
    hand from the lab's namespace into another one (``ip -n hJ9blue link set hJ9veth-blue
    netns hJ9other``); ``down`` deleted the lab's namespaces and bridge, then said `could
    not undo everything (still there: hJ9veth-blue-br@root)`, exit 1, and only a second
    ``down`` deleted it. One ``down`` now deletes the pair by its other end."""
    state, lab = tmp_path / "state", tmp_path / "lab.yaml"
    run = apart(
        f"{sys.executable} -m iplab import {HOSTS / 't1-redblue-bridge.md'} -o {lab}"
        " > /dev/null 2>&1 || exit 7\n"
        f"{sys.executable} -m iplab up {lab} --state-dir {state} > /dev/null 2>&1 || exit 9\n"
        "ip netns add other\n"
        "ip -n blue link set veth-blue netns other\n"
        f"{sys.executable} -m iplab down t1-redblue-bridge --state-dir {state}; echo rc=$?\n"
        "echo left: $(ip -o link show | cut -d' ' -f2 | cut -d@ -f1 | grep -v lo:)"
        " $(ip netns list | cut -d' ' -f1)"
    )
    said = run.stdout + run.stderr
    assert "rc=0" in run.stdout, said
    assert "could not undo everything" not in said, said
    assert "left: other\n" in run.stdout, said


def test_a_namespace_name_taken_by_a_file_left_in_run_netns_is_said_so(
    tmp_path: Path,
) -> None:
    """Hunt AJ: /run/netns/red a plain file (a namespace unmounted by hand, or ``touch``ed),
    which ``ip netns list`` shows: ``up`` said only `red already exists on this host and
    iplab did not create it`, as for a live namespace of someone's. It now says the file
    holds no namespace, and that ``ip netns del red`` removes it."""
    state, lab = tmp_path / "state", tmp_path / "lab.yaml"
    run = apart(
        f"{sys.executable} -m iplab import {HOSTS / 't1-redblue-bridge.md'} -o {lab}"
        " > /dev/null 2>&1 || exit 7\n"
        "touch /run/netns/red\n"
        f"{sys.executable} -m iplab up {lab} --state-dir {state}; echo rc=$?\n"
        "echo left: $(ls /run/netns)"
    )
    said = run.stdout + run.stderr
    assert "rc=1" in run.stdout and "left: red\n" in run.stdout, said
    assert "(red is a file left in /var/run/netns, no namespace)" in run.stderr, said
    assert "or `ip netns del red`" in run.stderr, said
