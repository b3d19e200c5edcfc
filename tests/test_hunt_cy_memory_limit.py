"""Hunt CY: ``prlimit --as`` (a low memory limit) on ``iplab down`` of a star of 300
namespaces (tests/fixtures/hostile-cy/star300.sh).

Python could not start the thread of the undo batch's time limit. iplab killed ``ip
-batch`` and said "301 not run: ip -batch ended (exit 126) before it reached them", then
"lab ... is down: 0 undo commands ran": but ip had been given its whole input, a string
written at once, and had deleted the namespaces already, none of it in the audit log.
Now an input, whole or in parts, is fed only once the process is recorded and its time
limits run: under the limit nothing runs, the lab is kept, and the line names the limit
to raise; the list of what is left is cut short.

The kernel test runs in a network and mount namespace of its own (tests/kernel.py
``apart``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from iplab.runner import Limits, ShExecutor
from tests.conftest import REPO
from tests.kernel import apart

FIXTURES = REPO / "tests" / "fixtures" / "hostile-cy"
IPLAB = f"{sys.executable} -m iplab"


def test_a_whole_input_is_not_fed_to_a_process_whose_start_was_not_recorded(
    tmp_path: Path,
) -> None:
    """A string input (an undo batch's) waits for on_start, as an input in parts does:
    when on_start fails, the process is killed having read nothing."""
    out = tmp_path / "got"

    def unrecorded(pid: int) -> None:
        del pid
        time.sleep(0.5)  # (time enough for the child to read and write what it was fed)
        raise RuntimeError("the audit log cannot be written")

    with pytest.raises(RuntimeError):
        ShExecutor()._run(
            ["sh", "-c", f"cat > {out}"], "netns del hcy001\n", limits=Limits(10, 20),
            on_start=unrecorded,
        )  # fmt: skip
    assert out.read_text() == "", "the child read an input fed before its start was recorded"


def test_a_whole_input_is_fed_once_recorded(tmp_path: Path) -> None:
    out = tmp_path / "got"
    result = ShExecutor()._run(
        ["sh", "-c", f"cat > {out}"], "one\n" * 5000, limits=Limits(10, 20),
        on_start=lambda pid: None,
    )  # fmt: skip
    assert result.rc == 0
    assert out.read_text() == "one\n" * 5000


@pytest.mark.kernel
def test_down_under_a_memory_limit_runs_nothing_it_did_not_record(tmp_path: Path) -> None:
    state = tmp_path / "state"
    limited = f"prlimit --as={60 * 1024 * 1024} {IPLAB} down hcystar300 --state-dir {state}"
    run = apart(
        f"{IPLAB} import {FIXTURES / 'star300.sh'} -o {tmp_path / 'lab.yaml'} 2>/dev/null"
        " || exit 9\n"
        f"{IPLAB} up {tmp_path / 'lab.yaml'} --prefix hcy --state-dir {state} --no-verify"
        " >/dev/null 2>&1 || exit 8\n"
        f"{limited} >/dev/null 2>{tmp_path / 'err'}; echo rc=$?\n"
        "echo namespaces: $(ls /run/netns | wc -l)\n"
        f"{IPLAB} down hcystar300 --state-dir {state} >/dev/null 2>&1; echo again=$?\n"
        "echo left: $(ls /run/netns) $(ip -br link | grep -v '^lo')\n",
        timeout=150,
    )
    said = run.stdout + run.stderr
    err = (tmp_path / "err").read_text() if (tmp_path / "err").exists() else ""
    # nothing ran that the log does not hold: the lab is all there, and kept
    assert "rc=1" in run.stdout and "namespaces: 300" in run.stdout, said + err
    assert "is down" not in err, err
    assert "ulimit -v 61440; raise it" in err, err
    kept = [line for line in err.splitlines() if "could not undo everything" in line]
    assert kept and all(len(line) < 600 for line in kept), err
    assert "and 591 more" in kept[0] and "`iplab down hcystar300`" in kept[0], err
    records = [json.loads(line) for line in (state / "audit.jsonl").read_text().splitlines()]
    undone = [r for r in records if r.get("kind") == "undo" and r.get("rc") == 0]
    assert len(undone) == 301, len(undone)  # (the second down's: each deletion recorded once)
    assert "again=0" in run.stdout and "left:\n" in run.stdout, said
