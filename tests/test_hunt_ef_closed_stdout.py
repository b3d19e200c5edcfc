"""Hunt EF #2: a stdout whose reader went away (``iplab impair LAB LINK --rate 1mbit | head
-0``, ``| head -1`` once the first line is read, a ``grep -q`` that matched). ``impair``
wrote its command line first, met the closed pipe, said "cannot write to stdout (Broken
pipe): stopping" and exited 141 with the impairment not made (or, under ``| head -1``,
made: "stopping" said of a change that stayed); ``down`` took the lab down and said
"iplab: error: ... is down all the same"; ``verify``, ``status`` stopped at the first
``print`` that did not fit the pipe (141) or at none (0, or verify's 1).

Only a run (``up``, ``run``) stops when its stdout is lost, and rolls back (hunt D). Any
other command finishes its work and exits 141, saying nothing of it, as ``git log | head
-1`` and ``ls | head -1`` end; another loss (a full disk) is said once, exit 1. The kernel
test runs in network and mount namespaces of its own (tests/kernel.py ``apart``), prefix
``efx``.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from iplab import streams
from iplab.streams import Noted, Output
from tests.kernel import apart

IPLAB = f"{sys.executable} -m iplab"
LAB = "efx2container-networking-part2"
#: runs its arguments with a stdout whose reader is gone; exits with their status
CLOSED = (
    f"{sys.executable} -c 'import os, subprocess, sys; r, w = os.pipe(); os.close(r);"
    " sys.exit(subprocess.run(sys.argv[1:], stdout=w).returncode)'"
)


def test_a_command_s_output_lost_is_noted_and_its_work_goes_on() -> None:
    streams.stdout_lost.clear()
    stream = io.StringIO()
    stream.close()
    out = Output(stream, stops=False)
    assert out.write("a\n") == 2 and out.write("b\n") == 2  # (no OutputLost: noted)
    assert out.how is not None and not out.how.broken_pipe
    assert streams.stdout_lost == [out.how]
    noted = Noted(io.StringIO())
    noted.stream.close()
    assert noted.write("x") == 1
    noted.flush()
    assert noted.lost is not None
    streams.stdout_lost.clear()


@pytest.mark.kernel
def test_impair_and_down_with_stdout_closed_do_their_work_and_exit_141(tmp_path: Path) -> None:
    state = tmp_path / "state"
    run = apart(
        f"{IPLAB} up container-networking-part2 --prefix efx2 --state-dir {state}"
        " >/dev/null 2>&1 || exit 9\n"
        f"{CLOSED} {IPLAB} impair {LAB} efx2vethY --rate 1mbit --state-dir {state};"
        " echo impair=$?\n"
        "tc qdisc show dev efx2vethY | grep -o 'tbf.*rate [0-9A-Za-z]*'\n"
        f"{CLOSED} {IPLAB} verify {LAB} --state-dir {state}; echo verify=$?\n"
        f"{CLOSED} {IPLAB} down {LAB} --state-dir {state}; echo down=$?\n"
        "echo left: $(ls /run/netns) $(ip -br link | grep -c efx2)",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "impair=141" in run.stdout and "rate 1Mbit" in run.stdout, said
    assert "verify=141" in run.stdout, said
    assert "down=141" in run.stdout and "left: 0\n" in run.stdout, said
    assert "cannot write to stdout" not in run.stderr and "stopping" not in said, said
