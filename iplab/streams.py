"""Where a run prints: its stdout, whose loss stops the run (what it printed did not
arrive), and its stderr, whose loss is shrugged off (the exit status still tells)."""

from __future__ import annotations

import contextlib
from typing import TextIO

from iplab.errors import IplabError


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
    """A run's stdout: every write is flushed; the first that fails raises OutputLost (the
    run stops and rolls back: what it printed did not arrive), later ones are dropped."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.lost: str | None = None

    def write(self, text: str) -> int:
        if self.lost is None:
            try:
                self.stream.write(text)
                self.stream.flush()
            except (OSError, ValueError) as exc:
                self.lost = getattr(exc, "strerror", None) or str(exc)
                raise OutputLost(
                    f"cannot write to stdout ({self.lost}): stopping",
                    broken_pipe=isinstance(exc, BrokenPipeError),
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
