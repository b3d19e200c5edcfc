"""Hunt BE #2: a SIGTERM (or Ctrl-C) that came once ``up`` had said "lab ... is up" ended
iplab 143 ("iplab: interrupted", or nothing at all) with the lab up: a script's
``iplab up lab.yaml || cleanup`` took the lab for not up, and ``timeout`` around an up
that had just finished said it failed.

What a user asked of ``up`` is a lab that stays up, and it is up: the signal is said
("lab X is up and stays up (iplab down X takes it down)"), it stops nothing, and iplab
exits with the status of its up. Before "is up" a signal still rolls the up back
(tests/test_lab_kernel.py); ``run`` still undoes everything.

The kernel test runs in network and mount namespaces of its own (tests/kernel.py
``apart``). ``IPLAB_FAULT=SIGTERM@is-up:1`` sends iplab its SIGTERM right after it said
the lab is up.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from iplab import cli
from iplab.errors import lab_stays, received_signals
from tests.kernel import apart

IPLAB = f"{sys.executable} -m iplab"


@pytest.mark.kernel
@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_a_signal_after_is_up_leaves_the_lab_up_and_says_so(tmp_path: Path, sig: str) -> None:
    state = tmp_path / "state"
    run = apart(
        f"IPLAB_FAULT={sig}@is-up:1 {IPLAB} up star-500 --var n=3 --prefix hbe"
        f" --state-dir {state}; echo up=$?\n"
        f"{IPLAB} verify hbestar-500 --state-dir {state} >/dev/null; echo verify=$?\n"
        f"{IPLAB} down hbestar-500 --state-dir {state} >/dev/null; echo down=$?\n"
        "echo left: $(ls /run/netns)",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "lab hbestar-500 is up" in run.stdout, said
    assert f"iplab: {sig} received: lab hbestar-500 is up and stays up (iplab down" in (
        run.stderr
    ), said
    assert "up=0" in run.stdout and "verify=0" in run.stdout, said
    assert "down=0" in run.stdout and "left:\n" in run.stdout, said


def test_the_commands_handler_says_the_signal_once_the_lab_is_up(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """After the run's own handlers are gone (the audit's head still to print), the
    command's handler says the signal instead of ending iplab with the lab up."""
    received_signals.clear()  # (an earlier test's)
    lab_stays[:] = ["lab x is up and stays up (iplab down x takes it down)"]
    try:
        cli._terminate(signal.SIGTERM, None)  # no KeyboardInterrupt
    finally:
        lab_stays.clear()
    assert "iplab: SIGTERM received: lab x is up and stays up" in capsys.readouterr().err
    assert not received_signals
    with pytest.raises(KeyboardInterrupt):  # (before: as Ctrl-C)
        cli._terminate(signal.SIGTERM, None)
    received_signals.clear()
