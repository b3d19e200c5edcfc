"""Hunt D (hostile conditions) on the real kernel: signals, renamed links, a lab's veths
the kernel destroys a moment after their namespace went.

Each test runs in a network namespace of its own (tests/kernel.py ``apart``), which iplab
takes for the host.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.kernel import apart

pytestmark = pytest.mark.kernel

BLOG = "container-networking-part2"
T1 = REPO / "tests" / "fixtures" / "hostile" / "t1.yaml"

#: a teardown's deletions, journaled as done (as a run's own teardown journals them)
TEARDOWN = """
import sys
from pathlib import Path
from iplab.journal import Journal
from iplab.steps import LinkDel, NetnsDel
journal = Journal(Path(sys.argv[1]))
run = journal.info().run
ops = [NetnsDel(name="rouge"), NetnsDel(name="bleu"), LinkDel(dev="br-labo")]
entries = [
    journal.new_entry(run, number=90 + n, phase="teardown", text=text, argv=text.split(),
                      undo=(), op=op)
    for n, (op, text) in enumerate(zip(ops, ["ip netns del rouge", "ip netns del bleu",
                                             "ip link del br-labo"]))
]
journal.intend(entries)
journal.record([(e, "done", 0) for e in entries])
"""


def test_down_waits_for_the_veths_of_a_namespace_deleted_a_moment_ago(tmp_path: Path) -> None:
    """Hunt D: a run interrupted while its teardown deleted the namespaces said `could not
    undo everything (still there: br10@root, ...)` and kept the lab, though the kernel took
    those veths away a moment later: the undo deleted nothing itself, so it did not wait.
    Here the journal records the teardown's deletions as done, and a process holds the
    deleted namespace for a second (the kernel's delay, made long): its veth's root end is
    still there when ``down`` looks, and no undo command is left to run."""
    state = tmp_path / "state"
    run = apart(
        f"{sys.executable} -m iplab up {T1} --state-dir {state} > /dev/null || exit 9\n"
        "ip netns exec rouge sleep 1.5 & sleep 0.2\n"
        "ip netns del rouge; ip netns del bleu; ip link del br-labo\n"
        f"{sys.executable} -c '{TEARDOWN}' {state}/labs/t1-deux-namespaces || exit 8\n"
        f"{sys.executable} -m iplab down t1-deux-namespaces --state-dir {state}; echo rc=$?\n"
        "wait; echo left: $(ip -br link show type veth | cut -d@ -f1)"
    )
    said = run.stdout + run.stderr
    assert "rc=0" in run.stdout and "left:\n" in run.stdout, said
    assert "could not undo everything" not in said


def test_a_hangup_during_up_rolls_back(tmp_path: Path) -> None:
    """Hunt D: SIGHUP (the terminal closed, ssh dropped) during ``up`` ended iplab at once,
    exit 129, no word, the namespaces and links left on the host: only SIGINT and SIGTERM
    rolled back. A hangup now stops the run as they do, and the lab is undone."""
    state = tmp_path / "state"
    run = apart(
        f"IPLAB_FAULT=SIGHUP@after-run:3 {sys.executable} -m iplab up {T1} --per-command"
        f" --state-dir {state}; echo rc=$?\n"
        "echo left: $(ip netns list) $(ip -br link show type veth,bridge | cut -d' ' -f1)\n"
        f"{sys.executable} -m iplab ls --state-dir {state}"
    )
    said = run.stdout + run.stderr
    # rolled back, iplab ends by the hangup itself: the shell says 129, as for any process
    # a SIGHUP ended (it said 130, a Ctrl-C's number, before iplab ended by its signal)
    assert "rc=129" in run.stdout and "left:\n" in run.stdout, said
    assert "SIGHUP received" in run.stderr and "rolled back" in run.stderr, said
    assert "t1-deux-namespaces" not in run.stdout.split("left:")[1], said


def test_under_nohup_a_hangup_leaves_the_run_going(tmp_path: Path) -> None:
    """Hunt D's fix for SIGHUP keeps ``nohup iplab up``'s promise: a hangup ignored by the
    caller is still ignored, and the lab comes up."""
    state = tmp_path / "state"
    run = apart(
        f"IPLAB_FAULT=SIGHUP@after-run:3 nohup {sys.executable} -m iplab up {T1} --per-command"
        f" --state-dir {state} > {tmp_path}/out 2>&1; echo rc=$?; cat {tmp_path}/out\n"
        f"{sys.executable} -m iplab down t1-deux-namespaces --state-dir {state}"
    )
    said = run.stdout + run.stderr
    assert "rc=0" in run.stdout and "lab t1-deux-namespaces is up" in run.stdout, said


def test_a_lab_up_from_a_relative_path_is_verified_from_anywhere(tmp_path: Path) -> None:
    """Hunt D: after ``iplab up tut/t1.yaml`` the lab record kept ``tut/t1.yaml``, and
    ``iplab verify LAB`` run from another directory said `tut/t1.yaml: no such scenario
    file`. The record keeps the scenario's absolute path."""
    state = tmp_path / "state"
    run = apart(
        f"cd {T1.parent.parent} && {sys.executable} -m iplab up hostile/t1.yaml"
        f" --state-dir {state} > /dev/null || exit 9\n"
        f"cd / && PYTHONPATH={REPO} {sys.executable} -m iplab verify t1-deux-namespaces"
        f" --state-dir {state}; echo rc=$?\n"
        f"PYTHONPATH={REPO} {sys.executable} -m iplab down t1-deux-namespaces --state-dir {state}"
    )
    said = run.stdout + run.stderr
    assert "rc=0" in run.stdout and "no such scenario file" not in said, said


def test_down_deletes_a_link_of_the_lab_renamed_by_hand(tmp_path: Path) -> None:
    """Hunt D: the lab's bridge renamed by hand (``ip link set br-labo name br-old``)
    survived ``down``, which said `1 gone already: Cannot find device "br-labo"` and `lab
    ... is down`. The lab record keeps the bridge's index: down finds it under its new
    name, says so, and deletes it."""
    state = tmp_path / "state"
    run = apart(
        f"{sys.executable} -m iplab up {T1} --state-dir {state} > /dev/null || exit 9\n"
        "ip link set br-labo name br-old\n"
        f"{sys.executable} -m iplab down t1-deux-namespaces --state-dir {state}; echo rc=$?\n"
        "echo left: $(ip -br link show type bridge | cut -d' ' -f1)"
    )
    said = run.stdout + run.stderr
    assert "rc=0" in run.stdout and "left:\n" in run.stdout, said
    assert "iplab: br-labo was renamed br-old since the lab made it" in run.stderr, said
    assert "gone already" not in said


def test_down_of_a_journal_cut_by_hand_waits_only_for_what_a_deletion_takes_away(
    tmp_path: Path,
) -> None:
    """Hunt D: with its journal cut after the first step, ``down`` said `waiting for the
    kernel to destroy 1 objects of the lab (up to 30 s)` and waited for a bridge no command
    had deleted, before deleting it as an object the journal does not cover."""
    state = tmp_path / "state"
    journal = state / "labs" / BLOG / "journal.jsonl"
    run = apart(
        f"{sys.executable} -m iplab up {BLOG} --state-dir {state} > /dev/null || exit 9\n"
        f"head -n 2 {journal} > {tmp_path}/cut && cat {tmp_path}/cut > {journal}\n"
        f"start=$SECONDS\n{sys.executable} -m iplab down {BLOG} --state-dir {state}; echo rc=$?\n"
        "echo took=$((SECONDS - start)) left=$(ip netns list | wc -l)"
        " $(ip -br link show type bridge | wc -l)"
    )
    said = run.stdout + run.stderr
    assert "rc=0" in run.stdout and "left=0 0" in run.stdout, said
    assert "waiting for the kernel" not in said
    assert int(run.stdout.split("took=")[1].split()[0]) < 10, said
