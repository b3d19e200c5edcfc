"""What stops a run: the signals that roll it back (SIGINT, SIGTERM, SIGHUP, SIGQUIT), and
the failpoints the crash tests stop iplab at (``IPLAB_FAULT``)."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterable
from types import FrameType
from typing import Any, TextIO

from iplab.errors import Interrupted, lab_stays, not_begun, received_signals
from iplab.runner import Runner

#: the signals that stop a run, which then rolls back: Ctrl-C, kill's default, a hangup
#: (the terminal closed, ssh dropped: hunt D, it ended iplab with the lab left up), and
#: Ctrl-\ (hunt BV: Python's default ended iplab at once, the lab half up)
STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


class Signals:
    """The first SIGINT/SIGTERM/SIGHUP/SIGQUIT stops the running child at once (its whole process
    group is killed) and the run stops; later ones are noted.

    ``passive`` (while undoing) only notes a signal: an undo is not stopped halfway,
    and every undo command has its own time limit.

    Outside the main thread (the API used from a worker thread) no handler is installed:
    Python lets only the main thread set one, and a signal is the main thread's business
    there (hunt X: a lab could not even be taken down from a thread).
    """

    def __init__(self, runner: Runner | None = None, err: TextIO | None = None) -> None:
        self.runner = runner
        self.err = err
        self.received: int | None = None
        #: the text of the command the signal stopped, if one was running
        self.stopped: str | None = None
        self.passive = False
        self._old: dict[int, Any] = {}

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        del frame
        if lab_stays:  # (the lab is up: the signal is said, and stops nothing)
            self._say(f"iplab: {signal.Signals(signum).name} received: {lab_stays[0]}")
            return
        first = self.received is None
        if first:
            self.received = signum
            received_signals.append(signum)
        name = signal.Signals(signum).name
        if self.passive:
            self._say(f"iplab: {name} received: undoing goes on (each command has a time limit)")
            return
        if first and self.runner is not None:
            self.stopped = self.runner.stop(f"{name} received")

    def _say(self, text: str) -> None:
        if self.err is not None:
            try:
                self.err.write(text + "\n")
                self.err.flush()
            except (OSError, ValueError):
                pass

    def __enter__(self) -> Signals:
        lab_stays.clear()  # (an earlier lab's up, in this process)
        not_begun.clear()  # (from here, these handlers and the run say what a signal did)
        if threading.current_thread() is not threading.main_thread():
            return self
        for sig in STOPPING:
            if signal.getsignal(sig) is signal.SIG_IGN:
                # ``nohup iplab up``: the run goes on when the terminal closes; ``iplab up &``
                # in a script: bash has its background jobs ignore Ctrl-C, and a program
                # started so keeps ignoring it (hunt Y #8: the run rolled back, exit 130)
                continue
            self._old[sig] = signal.signal(sig, self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)

    def check(self) -> None:
        if self.received is not None:
            name = signal.Signals(self.received).name
            what = (
                f"stopped `{self.stopped}`" if self.stopped else "stopping at this command boundary"
            )
            raise Interrupted(f"{name} received: {what}", self.received)


def faults(point: str, counts: Iterable[int]) -> None:
    """:func:`fault` at each of ``counts`` (the lines of a batch), the setting read once."""
    if os.environ.get("IPLAB_FAULT"):
        for count in counts:
            fault(point, count)


def fault(point: str, count: int) -> None:
    """Failpoints for the crash tests. ``IPLAB_FAULT=after-run:3`` SIGKILLs iplab itself
    after the 3rd state-changing command ran and before its outcome is recorded;
    ``IPLAB_FAULT=SIGINT@after-run:3`` sends it SIGINT there instead (as a Ctrl-C would);
    ``IPLAB_FAULT=BUG@after-run:3`` raises there what a bug in iplab would raise."""
    spec = os.environ.get("IPLAB_FAULT")
    if not spec:
        return
    sig_name, _, where = spec.rpartition("@")
    if where != f"{point}:{count}":
        return
    if sig_name == "BUG":
        raise RuntimeError(f"failpoint {where}")
    os.kill(os.getpid(), signal.Signals[sig_name] if sig_name else signal.SIGKILL)
