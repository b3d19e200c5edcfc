"""Hunt EB #6: ``iplab impair LAB LINK --delay 10ms`` on a kernel without netem (refused:
"the kernel has no netem qdisc"), or an impairment someone removed by hand since (``tc
qdisc del dev LINK root``), then ``down``. The impairment's undo ``tc qdisc del dev LINK
root`` found no qdisc ("Error: Cannot delete qdisc with handle of zero."), and ``down``
said "1 undo command of the scenario failed ...; what its step changed may still be on
the host", exit 1: nothing was left.

An undo that finds its object not there is said gone already, as ip's deletions are, and
``down`` exits 0. Runs in network and mount namespaces of its own (tests/kernel.py
``apart``), prefix ``ebx``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.kernel import apart

IPLAB = f"{sys.executable} -m iplab"
LAB = "ebx6container-networking-part2"


@pytest.mark.kernel
@pytest.mark.parametrize("how", ["--delay 10ms", "--rate 1mbit"])
def test_down_after_an_impairment_that_is_not_there_exits_0(tmp_path: Path, how: str) -> None:
    state = tmp_path / "state"
    run = apart(
        f"{IPLAB} up container-networking-part2 --prefix ebx6 --state-dir {state}"
        " >/dev/null || exit 9\n"
        f"{IPLAB} impair {LAB} ebx6vethY {how} --state-dir {state} >/dev/null 2>&1\n"
        "tc qdisc del dev ebx6vethY root 2>/dev/null\n"  # (by hand: gone, if it was made)
        f"{IPLAB} down {LAB} --state-dir {state}; echo rc=$?\n"
        "echo left: $(ls /run/netns)",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "rc=0" in run.stdout and "left:\n" in run.stdout, said
    assert "may still be on the host" not in said, said
    assert "1 gone already: `tc qdisc del dev ebx6vethY root`" in run.stderr, said
