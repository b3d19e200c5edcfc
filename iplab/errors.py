"""Errors meant for people: one line saying where, what, and what to do.

Every error iplab raises on purpose derives from :class:`IplabError`; the CLI
prints ``str(error)`` and exits with ``error.exit_code``. Nothing else reaches
the user as a traceback.
"""

from __future__ import annotations

import errno
import resource
import signal

from iplab.records import Record, frozen


@frozen(hot=True)
class Location(Record):
    """Where something came from: a file, a line (1-based) and a dotted field path."""

    file: str
    line: int | None = None
    field: str | None = None
    #: where the user wrote it, when the file is made from another one (an imported lab's
    #: step: ``lab.sh:55``)
    written: str | None = None

    def at(self, field: str | None = None, line: int | None = None) -> Location:
        """The same file, a more precise field (appended) and/or line."""
        if field is None:
            joined = self.field
        elif self.field and not field.startswith("["):
            joined = f"{self.field}.{field}"
        else:
            joined = f"{self.field or ''}{field}"
        return Location(self.file, line if line is not None else self.line, joined)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}" if self.field else where


class IplabError(Exception):
    """Base of every error shown to a user."""

    exit_code = 1
    #: a ``--json`` command printed it in its own document already (``check --json``)
    shown_as_json = False

    def __init__(self, message: str, loc: Location | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.loc = loc
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.loc}: {self.message}" if self.loc else self.message
        if self.hint:
            text += f" ({self.hint})"
        if self.loc is not None and self.loc.written:  # (after the message: FILE:LINE: FIELD:
            # stays what it is for every error, and for what reads it)
            text += f" (written at {self.loc.written})"
        return text


#: the signals that stopped this process's command, in the order they came (the handlers of
#: :mod:`iplab.context` and :mod:`iplab.cli` note them): the CLI then ends by the signal
received_signals: list[int] = []

#: what a signal is answered with once the command's work is done and must not be undone
#: (``up``: the lab is up, meant to stay up; ``down``: it is down): said, and the signal
#: stops nothing
lab_stays: list[str] = []

#: what the lab is when a signal stops the command before its own handlers are in place
#: (``up``, ``run``, ``down``: before they began, nothing ran): said with "iplab:
#: interrupted" (hunt CF: that alone, and a user could not tell whether the lab was up)
not_begun: list[str] = []


class Interrupted(IplabError):
    """A signal stopped the command (Ctrl-C, kill's SIGTERM, a closed terminal's SIGHUP).

    Its exit code is 128 + the signal's number (130, 143, 129), what a shell says of a
    process the signal ended; the console command then ends by the signal itself.
    """

    def __init__(self, message: str, signum: int = signal.SIGINT) -> None:
        super().__init__(message)
        self.signum = int(signum)
        self.exit_code = 128 + self.signum


class InternalError(IplabError):
    """A bug in iplab met while it changed the host: what it did is undone all the same,
    then the bug is said (exit 70, as the CLI says any other)."""

    exit_code = 70

    def __init__(self, bug: Exception) -> None:
        super().__init__(
            f"internal error: {type(bug).__name__}: {bug} (a bug in iplab; run again with"
            " IPLAB_DEBUG=1 to see where)"
        )


class OutOfMemory(IplabError):
    """Python could get no more memory (``ulimit -v``, a memory cgroup): the host's limit
    met, not a bug in iplab (hunt AQ: under ``ulimit -v 60000`` an ``up`` of a star of 300
    namespaces said "internal error: MemoryError:  (a bug in iplab ...)")."""

    def __init__(self) -> None:
        super().__init__(out_of_memory())


def out_of_memory() -> str:
    """What ran out, and what to do: the address-space limit when there is one."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return "iplab ran out of memory: free some (or lift the memory limit it runs under)"
    return (
        f"iplab ran out of memory: its address space is limited to {soft // 1024} KiB"
        " (ulimit -v): raise the limit (ulimit -v unlimited) and run again"
    )


class ScenarioError(IplabError):
    """The scenario file is invalid: bad YAML, schema, names, or an impossible plan."""

    exit_code = 2


class UsageError(IplabError):
    """The command line asks for something that cannot be done."""

    exit_code = 2


class ParseError(IplabError):
    """iproute2 printed something we cannot read."""

    exit_code = 3


class StateWriteError(IplabError):
    """The state directory cannot be written (full, read-only, not a directory...)."""


def files_limit() -> str:
    """The open-files limit met, said (hunt AQ: under ``ulimit -n 12`` the up said "bash:
    cannot run: [Errno 24] Too many open files", no word of the limit)."""
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return f": iplab runs under ulimit -n {soft}; raise it (64 is enough for most labs)"


def state_write_error(exc: OSError, what: str) -> StateWriteError:
    """One line for a write the host refused: which file, why, what to do."""
    where = exc.filename or what
    if exc.errno in (errno.EMFILE, errno.ENFILE):  # (no file to be had: not the directory's)
        return StateWriteError(f"cannot open {where}: {exc.strerror or exc}{files_limit()}")
    if exc.errno == errno.ENOENT:  # (hunt AQ: "free space" said of a state directory removed)
        return StateWriteError(
            f"cannot write {where}: its directory is gone (removed while iplab ran?)",
            hint="leave the state directory (--state-dir DIR, IPLAB_STATE_DIR) alone while"
            " a lab is up",
        )
    if exc.errno == errno.EROFS:  # (hunt AQ: "free space" said of a read-only file system)
        return StateWriteError(
            f"cannot write {where}: {exc.strerror or exc}",
            hint="remount it read-write and run again, or pass --state-dir DIR",
        )
    return StateWriteError(
        f"cannot write {where}: {exc.strerror or exc}",
        hint="free space or fix the state directory (--state-dir DIR, IPLAB_STATE_DIR)",
    )


#: what a write refused for want of space says (a full disk, a quota)
FULL = (errno.ENOSPC, errno.EDQUOT)


def no_room(directory: object, what: str, exc: OSError, starting: bool = True) -> StateWriteError:
    """A full state directory, said as the check before a run says it: which directory,
    for what (hunt U: the lab's lock on a full disk gave a bare "No space left on device")."""
    if exc.errno not in FULL:
        return state_write_error(exc, what)
    return StateWriteError(
        f"{'not starting: ' if starting else ''}the state directory {directory} has no room "
        f"for {what}: {exc.strerror or exc}",
        hint="free space, or pass --state-dir DIR",
    )


class LockedError(IplabError):
    """Another iplab process holds the lab (or the audit log)."""

    exit_code = 4


class PrivilegeError(IplabError):
    """We are not root and sudo cannot be used without a password."""

    exit_code = 5
