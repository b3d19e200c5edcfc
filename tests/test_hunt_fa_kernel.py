"""Hunt FA on a real kernel: two iplab processes (two terminals, two CI jobs) at once.

Each test runs iplab in a network namespace and a /run/netns of its own (tests.kernel.apart):
what the lab makes, and what "the other terminal" makes, is the test's alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.kernel import apart

pytestmark = pytest.mark.kernel

#: a setup that fails at its second step, after the lab record named b and brx as its own
RACE = """\
name: race
setup:
  - action: netns add
    name: a
  - action: raw
    command: sleep 1.5; false
    shell: true
    observe: true
  - action: netns add
    name: b
  - action: link add
    name: brx
    type: bridge
"""


def test_a_failed_up_leaves_alone_what_another_made_under_the_names_it_never_reached(
    tmp_path: Path,
) -> None:
    """Hunt FA: two ``up`` of one scenario and prefix from two state directories at once
    (two users, two CI jobs): both passed the check of the names, the second failed at its
    first ``ip link add`` (File exists), and its rollback deleted the first's namespaces
    and links ("the journal does not cover 6 objects the lab record names: deleting them"),
    names its run never reached: the first lab was left half made. Here the other's
    fax21b and fax21brx are made while the lab's up runs its failing step: the rollback
    leaves them, says so, and undoes what it made (fax21a)."""
    lab, state = tmp_path / "race.yaml", tmp_path / "state"
    lab.write_text(RACE)
    run = apart(
        f"{sys.executable} -m iplab up {lab} --prefix fax21 --state-dir {state} 2>&1 & P=$!\n"
        "for i in $(seq 100); do [ -e /run/netns/fax21a ] && break; sleep 0.05; done\n"
        "ip netns add fax21b && ip link add fax21brx type bridge || exit 8\n"
        "wait $P; echo rc=$?\n"
        "echo left: $(ls /run/netns) $(ip -o link show | cut -d' ' -f2 | grep -v lo:)",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "rc=1" in run.stdout, said
    assert "left: fax21b fax21brx:\n" in run.stdout, said
    assert "undo: ip netns del fax21a" in said
    assert "iplab: left alone: fax21b, fax21brx" in said
    assert "rolled back" in said and "could not undo" not in said


def test_a_batch_stopped_at_a_name_another_took_leaves_alone_what_it_never_ran(
    tmp_path: Path,
) -> None:
    """Hunt FA: the two ``up`` at once, as they meet: the loser's batch stops at its first
    ``ip netns add`` (File exists); the commands after it never ran ("skipped" in its
    journal), and its rollback deleted the winner's link made under a later name."""
    lab, state = tmp_path / "race.yaml", tmp_path / "state"
    lab.write_text(RACE.replace("sleep 1.5; false", "sleep 1.5"))
    run = apart(
        f"{sys.executable} -m iplab up {lab} --prefix fax22 --state-dir {state} 2>&1 & P=$!\n"
        "for i in $(seq 100); do [ -e /run/netns/fax22a ] && break; sleep 0.05; done\n"
        "ip netns add fax22b && ip link add fax22brx type bridge || exit 8\n"
        "wait $P; echo rc=$?\n"
        "echo left: $(ls /run/netns) $(ip -o link show | cut -d' ' -f2 | grep -v lo:)",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "rc=1" in run.stdout, said
    assert "left: fax22b fax22brx:\n" in run.stdout, said
    assert "iplab: left alone: fax22b, fax22brx" in said
