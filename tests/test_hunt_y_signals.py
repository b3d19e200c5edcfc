"""Hunt Y #8: a Ctrl-C that iplab's parent has it ignore (``iplab up`` started in the
background from a script, tests/fixtures/adversarial-4/y8-sigdrv.sh: bash has a script's
background jobs ignore SIGINT) stopped and rolled back the run all the same, exit 130."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

from iplab.interrupts import Signals
from iplab.runner import FakeExecutor, Runner

DRIVER = Path(__file__).parent / "fixtures" / "adversarial-4" / "y8-sigdrv.sh"


def test_a_signal_ignored_by_the_parent_stays_ignored() -> None:
    """Hunt Y #8: y8-sigdrv.sh's ``iplab up`` went on a group Ctrl-C it was started to
    ignore (rolled back, exit 130, and the script went on). A signal iplab starts with
    ignored is left ignored, as bash's children leave it; one it handles is still
    handled."""
    assert "ipl up" in DRIVER.read_text(encoding="utf-8")
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        err = io.StringIO()
        with Signals(Runner(FakeExecutor(), True), err) as signals:
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGINT)
            signals.check()  # (nothing received: no Interrupted)
            assert signals.received is None
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


def test_iplab_started_with_term_ignored_keeps_it_ignored() -> None:
    """Hunt Y #8: the same for SIGTERM, which iplab's command line took over whatever its
    parent had set."""
    code = (
        "import contextlib, signal, sys\n"
        "import iplab.cli as cli\n"
        "sys.argv = ['iplab', '--version']\n"
        "with contextlib.suppress(SystemExit):\n"
        "    cli.main()\n"
        "print(signal.getsignal(signal.SIGTERM) is signal.SIG_IGN)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=lambda: signal.signal(signal.SIGTERM, signal.SIG_IGN),
    )
    assert done.stdout.strip().splitlines()[-1] == "True", done.stdout
