"""Leftovers of hunts AJ and AL on the real kernel: a lab asked about while its ``up``
still runs.

Each test runs in a network namespace of its own with its own /run/netns (tests/kernel.py
``apart``), which iplab takes for the host; its objects carry a unique prefix too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.kernel import apart

pytestmark = pytest.mark.kernel

FIXTURES = REPO / "tests" / "fixtures" / "leftovers2"
IPLAB = f"{sys.executable} -m iplab"
#: hunt AJ's star loop with a sleep in each round (its input, kept with the hunt's others)
STAR = REPO / "tests" / "fixtures" / "hostile-hosts" / "t3-star-loop.sh"


def test_verify_and_ls_say_a_lab_is_still_being_set_up(tmp_path: Path, prefix: str) -> None:
    """Hunt AJ #6: while ``iplab up`` of the star loop (a ``sleep 1`` in each round) still
    ran, ``iplab verify LAB`` printed "FAILED: 6 differences" with no word that the lab
    was still being set up, and ``iplab ls`` listed it as up. Both say who is setting it
    up now, and verify compares nothing and exits 4 (the lab is in use)."""
    state = tmp_path / "state"
    lab = f"{prefix}t3-star-loop"
    run = apart(
        f"{IPLAB} import {STAR} -o {tmp_path / 'star.yaml'}"
        " 2>/dev/null || exit 9\n"
        f"{IPLAB} up {tmp_path / 'star.yaml'} --prefix {prefix} --state-dir {state}"
        f" >{tmp_path / 'up.log'} 2>&1 &\n"
        f"for i in $(seq 50); do [ -e {state}/labs/{lab}/lab.json ] && break; sleep 0.1; done\n"
        f"{IPLAB} verify {lab} --state-dir {state}; echo verify=$?\n"
        f"{IPLAB} ls --state-dir {state}\n"
        "wait $!; echo up=$?\n"
        f"{IPLAB} verify {lab} --state-dir {state} >/dev/null; echo after=$?\n"
        f"{IPLAB} down {lab} --state-dir {state} >/dev/null; echo down=$?\n",
        timeout=120,
    )
    said = run.stdout + run.stderr
    assert "verify=4" in run.stdout, said
    assert f"iplab: error: lab {lab} is being set up by iplab pid " in run.stderr, said
    assert "(started " in run.stderr and "FAILED" not in said, said
    assert "  not up yet: being set up by iplab pid " in run.stdout, said
    assert "up=0" in run.stdout and "after=0" in run.stdout, said
    assert "down=0" in run.stdout, said


def test_an_ip_without_batch_mode_is_said_so_and_per_command_works_both_ways(
    tmp_path: Path, prefix: str
) -> None:
    """Hunt AJ #8: with an old ip on PATH that has no batch mode (tests/fixtures/leftovers2/
    old-ip/ip: 'Option "-batch" is unknown, try "ip -help".', exit 255), the run failed with
    ip's own message and never suggested ``--per-command``; and ``down`` of a lab brought up
    with --per-command fed its undo to ``ip -batch`` and left the lab on the host. The run
    says this ip has no batch mode and to run with --per-command (and rolls back); down
    runs its undo commands one by one."""
    state = tmp_path / "state"
    short = f"{prefix[:2]}{prefix[-4:]}"  # (veth-blue: 15 characters with it)
    lab = f"{short}aj7-ping-between-namespaces"
    yaml = tmp_path / "lab.yaml"
    run = apart(
        f"{IPLAB} import {FIXTURES / 'aj7-ping-between-namespaces.md'} -o {yaml}"
        " 2>/dev/null || exit 9\n"
        f"export PATH={FIXTURES / 'old-ip'}:$PATH\n"
        f"{IPLAB} up {yaml} --prefix {short} --state-dir {state}; echo up=$?\n"
        "echo made=$(ip netns list | wc -l)\n"
        f"{IPLAB} up {yaml} --prefix {short} --state-dir {state} --per-command >/dev/null;"
        " echo again=$?\n"
        f"{IPLAB} down {lab} --state-dir {state}; echo down=$?\n"
        "echo left=$(ip netns list | wc -l)\n",
        timeout=120,
    )
    said = run.stdout + run.stderr
    assert "up=1" in run.stdout and "made=0" in run.stdout, said
    assert f"{FIXTURES / 'old-ip' / 'ip'} has no batch mode (an old iproute2)" in said, said
    assert "(run again with --per-command: one ip process per line" in said, said
    assert "rolled back" in said, said
    assert "again=0" in run.stdout and "down=0" in run.stdout, said
    assert "this ip has no batch mode: one ip process per undo command" in said, said
    assert "left=0" in run.stdout, said


def test_status_says_var_run_netns_is_no_directory(tmp_path: Path) -> None:
    """Hunt AJ #8: with /run/netns a regular file, ``iplab status`` quietly listed the root
    namespace only (``ip netns list`` lists nothing then, and says nothing). It says that
    /var/run/netns is not a directory, and exits 3."""
    run = apart(
        "mount -t tmpfs iplab-test /run && touch /run/netns || exit 96\n"
        f"{IPLAB} status --state-dir {tmp_path / 'state'}; echo rc=$?\n"
    )
    said = run.stdout + run.stderr
    assert "rc=3" in run.stdout, said
    assert "iplab: error: /var/run/netns is not a directory" in run.stderr, said
