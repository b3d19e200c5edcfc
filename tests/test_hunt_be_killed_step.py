"""Hunt BE #1: iplab SIGKILLed while a step's pipeline ran left part of that pipeline
running after the next ``iplab down``.

tests/fixtures/hostile-2/netcat-keep-open.md keeps a netcat connection open with
``(echo hello from left; sleep 10) | sudo ip netns exec left nc -q 1 ...``. Each step runs
in a session of its own whose leader (bash) dies with iplab (PR_SET_PDEATHSIG); the rest of
the pipeline does not. ``down`` stopped the nc (it is in a namespace of the lab) but not the
subshell's ``sleep 10`` in the root namespace: it ran on after the lab was down. Now each
step's session is journaled when it starts, and ``down`` stops what is left of it, each
process said.

The kernel test runs in network, mount and pid namespaces of its own (tests/kernel.py
``apart``): every process it could leave is its own, and ends with it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from iplab.journal import Journal
from tests.conftest import FIXTURES
from tests.kernel import apart

PAGE = FIXTURES / "hostile-2" / "netcat-keep-open.md"
IPLAB = f"{sys.executable} -m iplab"


@pytest.mark.kernel
def test_down_stops_what_is_left_of_the_pipeline_a_killed_iplab_ran(tmp_path: Path) -> None:
    state = tmp_path / "state"
    run = apart(
        f"{IPLAB} import {PAGE} -o {tmp_path}/lab.yaml >/dev/null 2>&1 || exit 9\n"
        f"{IPLAB} up {tmp_path}/lab.yaml --prefix hbe --state-dir {state} >{tmp_path}/out 2>&1 &\n"
        "up=$!\n"
        f"for i in $(seq 200); do grep -q 'sleep 10' {tmp_path}/out && break; sleep 0.05; done\n"
        "sleep 0.5\n"
        "kill -KILL $up; wait $up; echo up=$?\n"
        "echo before: $(ps -eo args= | grep -cx 'sleep 10')\n"
        f"{IPLAB} down hbenetcat-keep-open --state-dir {state}; echo rc=$?\n"
        "echo after: $(ps -eo args= | grep -cx 'sleep 10')\n"
        "echo left: $(ls /run/netns)",
        pid=True,
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "up=137" in run.stdout and "before: 1" in run.stdout, said
    assert "rc=0" in run.stdout and "left:\n" in run.stdout, said
    assert "after: 0" in run.stdout, said
    assert (
        "stopping pid" in run.stderr
        and "(sleep 10), still running in the session of step 11" in (run.stderr)
    ), said


def test_a_steps_session_is_journaled_and_read_back(tmp_path: Path) -> None:
    """The record a step's start writes, read back; a damaged one is left out."""
    journal = Journal(tmp_path / "lab")
    journal.dir.mkdir()
    journal.session("run1", 3, 0)  # (pid 0: no process, no start time)
    journal.path.write_text(
        journal.path.read_text()
        + '{"type":"session","run":"r","step":4,"pid":1234,"start":99,"time":1}\n'
        + '{"type":"session","run":"r","step":"x","pid":1235,"start":99,"time":1}\n'
    )
    assert journal.sessions() == [(4, 1234, 99)]
    assert journal.entries() == [] and not journal.problems


def test_only_the_sessions_of_steps_not_seen_to_end_are_left_to_stop(tmp_path: Path) -> None:
    """A step that changes nothing has no entry whose outcome says it ended (hunt BL made
    ``(echo hello from left; sleep 10) | ... nc`` such a step, and down no longer stopped
    its sleep: the test above failed): its session is stopped unless its end is recorded;
    a step seen to end keeps its session's number out of down's reach (hunt BH)."""
    journal = Journal(tmp_path / "lab")
    journal.dir.mkdir()
    journal.path.write_text(
        '{"type":"session","run":"r","step":4,"pid":1234,"start":99,"time":1}\n'
        '{"type":"session","run":"r","step":5,"pid":1235,"start":99,"time":1}\n'
    )
    journal.session_ended("r", 5)
    assert journal.unended_sessions() == [(4, 1234, 99)]
    assert journal.entries() == [] and not journal.problems
