"""Where a command prints: its stdout, whose loss stops a run (what it printed did not
arrive) and is noted by any other command, which finishes its work (the exit status then
says the output was cut: 141 for a closed pipe); and its stderr, whose loss is shrugged off
(the exit status still tells)."""

from __future__ import annotations

import contextlib
import errno
import signal
from typing import TextIO

from iplab.errors import IplabError, received_signals
from iplab.records import Record, frozen


@frozen
class Lost(Record):
    """Why stdout could not be written: the system's words, and whether its reader went
    away (a closed pipe: ``iplab down LAB | head -1``, ``iplab status | head -1``)."""

    reason: str
    broken_pipe: bool
    #: the command said it on stderr already, with what its work left (down: "lab X is down
    #: all the same"; a run: stopping, rolled back)
    said: bool = False
    #: the error's number (EIO: a terminal that hung up)
    errno: int | None = None

    def hung_up(self) -> bool:
        """The terminal stdout was went away (closed, ssh dropped): SIGHUP came, and writes
        fail EIO. Asked once the command is done (Python runs the SIGHUP's handler after
        the write that failed)."""
        return self.errno == errno.EIO and signal.SIGHUP in received_signals


#: stdout's first loss in this command (cleared by the CLI as each command begins): the
#: CLI makes it the exit status (141 for a closed pipe, as ``git log | head -1`` and ``ls |
#: head -1`` end: hunt EF, ``down | head -1`` ended 141, ``impair | head -1`` said
#: "stopping" of a change it made, ``status | head -1`` ended 0 or 141 by its output's size)
stdout_lost: list[Lost] = []


def note_lost(exc: BaseException, said: bool = False) -> Lost:
    """Note that stdout could not be written (the first loss is kept); what was noted."""
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    broken = isinstance(exc, BrokenPipeError) or getattr(exc, "errno", None) == errno.EPIPE
    if not stdout_lost:
        stdout_lost.append(Lost(reason, broken, said, getattr(exc, "errno", None)))
    elif said and not stdout_lost[0].said:
        first = stdout_lost[0]
        stdout_lost[0] = Lost(first.reason, first.broken_pipe, True, first.errno)
    return stdout_lost[0]


class OutputLost(IplabError):
    """stdout cannot be written (a closed pipe, a full disk): the run stops and rolls back.
    A closed pipe (``iplab up ... | head -1``) exits 141, as iplab promises for it (hunt D:
    the rollback exited 1)."""

    def __init__(self, message: str, broken_pipe: bool = False, reason: str = "") -> None:
        super().__init__(message)
        #: why the write failed (the system's words: "Broken pipe", "No space left on device")
        self.reason = reason
        if broken_pipe:
            self.exit_code = 141


class Output:
    """A command's stdout: every write is flushed. With ``stops`` (a run: ``up``, ``run``)
    the first that fails raises OutputLost (the run stops and rolls back: what it printed
    did not arrive); without (``down``, ``impair``, ``verify``...) it is noted
    (:data:`stdout_lost`) and the command finishes its work. Later writes are dropped."""

    def __init__(self, stream: TextIO, stops: bool = True) -> None:
        self.stream = stream
        self.stops = stops
        self.lost: str | None = None
        #: how it was lost (None while it is not)
        self.how: Lost | None = None

    def write(self, text: str) -> int:
        if self.lost is None:
            try:
                self.stream.write(text)
                self.stream.flush()
                if (gone := getattr(self.stream, "lost", None)) is not None:
                    raise gone  # (iplab's own stdout, which notes a loss and drops)
            except (OSError, ValueError) as exc:
                lost = note_lost(exc, said=self.stops)
                self.lost, self.how = lost.reason, lost
                if self.stops:
                    raise OutputLost(
                        f"cannot write to stdout ({self.lost}): stopping",
                        broken_pipe=lost.broken_pipe,
                        reason=self.lost,
                    ) from None
        return len(text)

    def flush(self) -> None:
        pass


class Quiet:
    """A run's stderr: a write that fails is dropped (the exit status still tells)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass
        return len(text)

    def flush(self) -> None:
        pass


class Noted:
    """iplab's own ``sys.stdout`` (its process's): a write or flush that fails is noted
    (:func:`note_lost`, and ``lost``: the error) and dropped, with every later one; all else
    is the stream's. A ``print`` to a closed pipe raised BrokenPipeError wherever it came:
    a command stopped at its first line that did not fit the pipe (``status | head -1``:
    141), or at none (0), and the exit status followed the output's size (hunt EF)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.lost: OSError | ValueError | None = None

    def write(self, text: str) -> int:
        if self.lost is None:
            try:
                return self.stream.write(text)
            except (OSError, ValueError) as exc:
                self._lose(exc)
        return len(text)

    def flush(self) -> None:
        if self.lost is None:
            try:
                self.stream.flush()
            except (OSError, ValueError) as exc:
                self._lose(exc)

    def _lose(self, exc: OSError | ValueError) -> None:
        self.lost = exc
        note_lost(exc)
        # what the stream still holds would fail again at each flush (and Python's own at
        # exit would print it): the descriptor now leads nowhere
        with contextlib.suppress(OSError, ValueError):
            import os

            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
            os.close(devnull)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


class Shrugged:
    """iplab's own ``sys.stderr`` (its process's): a write or flush that fails is dropped;
    all else is the stream's. A warning written before a run began (``iplab cannot undo
    ...``), to a stderr whose reader was gone (``2>&1 >/dev/null | head -0``), raised
    BrokenPipeError: iplab ended 141, whatever the command's outcome (hunt EB)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except (OSError, ValueError):
            return len(text)

    def flush(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)
