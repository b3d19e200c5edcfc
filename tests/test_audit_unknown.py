"""The audit log says the commands a killed iplab ran whose outcome the journal lacks.

A command running when iplab was SIGKILLed never reached the audit log (hunt BV): its
audit record is written when it ends, and nothing wrote it. ``down`` then undid it (the
journal had its intent) while the log, "every command iplab ran", held no line of it. Now
``down`` first writes each such command to the log as one that may have run (kind
``unknown-outcome``, its intended argv, no argv to replay), once.

The kernel test runs in network, mount and pid namespaces of its own (tests/kernel.py
``apart``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from iplab.journal import Journal
from tests.conftest import FIXTURES
from tests.kernel import apart

LAB = FIXTURES / "killed" / "slow-step.yaml"
IPLAB = f"{sys.executable} -m iplab"


@pytest.mark.kernel
def test_down_audits_the_step_a_killed_iplab_ran(tmp_path: Path) -> None:
    state = tmp_path / "state"
    run = apart(
        f"{IPLAB} up {LAB} --state-dir {state} >{tmp_path}/out 2>&1 &\n"
        "up=$!\n"
        f"for i in $(seq 200); do grep -q 'sleep 30' {tmp_path}/out && break; sleep 0.05; done\n"
        "sleep 0.3\n"
        "kill -KILL $up; wait $up; echo up=$?\n"
        f"{IPLAB} down slow-step --state-dir {state}; echo rc=$?\n"
        f"{IPLAB} down slow-step --state-dir {state}; echo again=$?\n"
        "echo left: $(ls /run/netns)",
        pid=True,
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "up=137" in run.stdout and "rc=0" in run.stdout and "left:\n" in run.stdout, said
    records = [json.loads(line) for line in (state / "audit.jsonl").read_text().splitlines()]
    unknown = [r for r in records if r.get("kind") == "unknown-outcome"]
    assert len(unknown) == 1, unknown  # said once, though down ran twice
    record = unknown[0]
    assert record["step"] == 3 and record["rc"] is None and "argv" not in record, record
    assert record["intended"][:3] == ["ip", "netns", "exec"], record
    assert record["text"].startswith("ip netns exec hku1 sh -c"), record
    assert "it may have run" in record["text"], record
    # the commands that ran before it have their own records, as before
    ran = [r.get("text") for r in records if r.get("kind") == "command"]
    assert "ip netns add hku1" in ran and "ip -n hku1 link set lo up" in ran, ran


def test_which_entries_were_said_is_journaled(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "lab")
    journal.dir.mkdir()
    assert journal.audited_unknown() == set()
    journal.unknown_audited([3, 4])
    journal.unknown_audited([7])
    journal.path.write_text(journal.path.read_text() + '{"type":"audited","seqs":"x"}\n')
    assert journal.audited_unknown() == {3, 4, 7}
    assert journal.entries() == []
    assert len(journal.problems) == 1 and "seqs" in journal.problems[0]
