"""The verification of an ``up`` begun while the kernel works (#14).

An ``up`` that verifies replays the model to the state the setup promises, then reads the
lab back. When the setup ends with a batch, Python waits for ``ip -batch`` most of the
run: the replay (pure, the plan's alone) is done then, in a thread. And once that batch
has run every line, the read of the lab (over netlink: no process) begins at once, in a
thread, while the run writes the batch's audit and journal records; a fresh lab keeps the
kernel busy for a moment (IPv6 duplicate address detection of its new links), and the read
waits on it rather than after the records.

Nothing is taken on trust: the replay is the one a verification without anything ahead
does (:func:`iplab.plan.expected_state` of the whole setup), used only when no step was
left out of it (a step that may fail and failed); the read is used only when it began
after the setup's last line ran, of exactly the namespaces the verification reads. Every
other case reads as before, when the verification asks.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from iplab.expectation import keep
from iplab.peers import RootPart
from iplab.plan import Plan, expected_state
from iplab.state import State

if TYPE_CHECKING:
    from iplab.iproute import Shell


class Ahead:
    """The verification's replay and read of one ``up``, begun early."""

    def __init__(self, shell: Shell, plan: Plan, whole_root: bool = False) -> None:
        self.shell = shell
        self.plan = plan
        #: the verification reads every root link (it compares qdiscs: any link's)
        self.whole_root = whole_root
        self._replay: threading.Thread | None = None
        self._expected: list[State] = []
        self._names: list[str] = []
        self._part: RootPart | None = None
        self._read: Callable[[], State] | None = None

    def batch_started(self) -> None:
        """The setup's last batch runs (and has all its lines: see
        :func:`iplab.context.run_batch`'s ``on_fed``): replay the model meanwhile."""
        if self._replay is not None:
            return

        def replay() -> None:
            from iplab import verify

            # a replay that fails here fails again when the verification replays, and says so
            with contextlib.suppress(Exception):
                expected = expected_state(self.plan)
                self._names = verify.read_names(expected, self.plan.owned)
                if not self.whole_root:  # (the root links the verification looks at)
                    self._part = verify.root_part(expected, self.plan.owned)
                keep(self.plan, expected)  # (a pure function's value: whatever the run does)
                self._expected.append(expected)

        thread = threading.Thread(target=replay, name="iplab-replay", daemon=True)
        try:
            thread.start()
        except (RuntimeError, MemoryError):  # no thread to be had (a pids limit): the
            return  # verification replays and reads after the batch, as without this
        self._replay = thread

    def batch_ended(self, every_line_ran: bool) -> None:
        """The setup's last batch ended: begin the read when every line ran."""
        if not every_line_ran or self._replay is None:
            return
        from iplab import iproute

        self._replay.join()
        if self._expected:
            self._read = iproute.begin_read(self.shell, self._names, part=self._part)

    def expected(self, without: Sequence[int]) -> State | None:
        """The replayed state, when the verification wants the whole setup's (it is kept
        already for a later ``verify``, :func:`iplab.expectation.keep`)."""
        if without or self._replay is None:
            return None
        self._replay.join()
        return self._expected[0] if self._expected else None

    def observed(self, names: Sequence[str], part: RootPart | None = None) -> State | None:
        """The state read after the setup, when it read these namespaces and this part of
        the root (once)."""
        if list(names) != self._names or part != self._part:
            self.close()
            return None
        read, self._read = self._read, None
        return None if read is None else read()

    def close(self) -> None:
        """End a read begun and not used (a run stopped after its batch): its audit record
        is written all the same; what it read, or failed to, is not the run's concern."""
        read, self._read = self._read, None
        if read is not None:
            with contextlib.suppress(Exception):  # (nothing verifies with it)
                read()
