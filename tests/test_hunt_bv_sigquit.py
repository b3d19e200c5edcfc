"""Hunt BV #2: Ctrl-\\ (SIGQUIT) during ``iplab up`` left the lab half up.

``iplab up`` of tests/fixtures/hostile-3/slow-lab.md (a page that sleeps 4 s between its
veth and its addresses), SIGQUIT during the sleep: Python's default ended iplab at once
(exit 131, "Quit", a core file where the host keeps them), with both namespaces and the
veth pair left, ``iplab ls`` saying the up was killed halfway, and the audit log without
the ``sleep 4`` that ran. A user who types Ctrl-\\ because Ctrl-C seemed slow wants iplab
to stop, as Ctrl-C, SIGTERM and SIGHUP stop it: the run rolls back, every command is
audited, and iplab exits 131 (without the core dump the signal's default would add).

The kernel test runs in network and mount namespaces of its own (tests/kernel.py
``apart``); ``set -m`` gives iplab SIGQUIT as a terminal would (a background job of a
shell without job control has it ignored, and keeps it so).
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from iplab.interrupts import STOPPING
from tests.kernel import REPO, apart

PAGE = Path(__file__).parent / "fixtures" / "hostile-3" / "slow-lab.md"
IPLAB = f"{sys.executable} -m iplab"


def test_sigquit_stops_a_run_as_the_other_signals_do() -> None:
    assert signal.SIGQUIT in STOPPING


@pytest.mark.kernel
def test_sigquit_during_up_rolls_back_and_audits_what_ran(tmp_path: Path) -> None:
    lab, state = tmp_path / "lab.yaml", tmp_path / "state"
    run = apart(
        f"{IPLAB} import {PAGE} -o {lab} 2>/dev/null || exit 90\n"
        f"cd {tmp_path}; export PYTHONPATH={REPO}; set -m\n"
        f"{IPLAB} up {lab} --prefix hbv --state-dir {state} >/dev/null & pid=$!\n"
        "sleep 2; kill -QUIT $pid; wait $pid; echo up=$?\n"
        "echo left: $(ls /run/netns)\n"
        f"{IPLAB} ls --state-dir {state}\n"
        f"{IPLAB} audit --state-dir {state} | grep -c 'sleep 4'\n"
        f"echo cores: $(ls {tmp_path} | grep -c core)",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "up=131" in run.stdout, said
    assert "iplab: error: SIGQUIT received: stopped `sleep 4`" in run.stderr, said
    assert "left:\n" in run.stdout, said
    assert "no lab is up" in run.stdout, said
    assert "\n1\n" in run.stdout, said  # the sleep 4 that ran, in the audit log
    assert "cores: 0" in run.stdout, said
