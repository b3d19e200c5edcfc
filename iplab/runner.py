"""The only module that starts processes.

Every process iplab starts goes through :meth:`Runner.execute`, which hands
the argv to an :class:`Executor`. The real one, :class:`ShExecutor`, uses the
``sh`` package; :class:`FakeExecutor` (for tests, after invoke's MockContext)
answers from a table of canned results and raises on any command it was not
prepared for, so a unit test can never run something by accident.

Privilege: as root, commands run as they are (a ``sudo `` in the text is not
executed); otherwise privileged commands run through ``sudo -n`` and a sudo
that is missing or wants a password gives one clear message.
"""

from __future__ import annotations

import os
import shlex
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from iplab.errors import PrivilegeError


@dataclass(frozen=True)
class Result:
    argv: tuple[str, ...]
    rc: int
    stdout: str
    stderr: str
    duration: float

    @property
    def ok(self) -> bool:
        return self.rc == 0


class Executor(Protocol):
    def run(self, argv: Sequence[str], stdin: str | None = None) -> Result: ...


class ShExecutor:
    """Runs processes with ``sh``: output captured through pipes, no terminal, no shell.

    Each process starts in a session of its own, so a Ctrl-C at the terminal
    reaches iplab (which stops at the next command boundary) and not the ``ip``
    it is running.
    """

    def run(self, argv: Sequence[str], stdin: str | None = None) -> Result:
        import sh

        start = time.perf_counter()
        try:
            command = sh.Command(argv[0])
        except sh.CommandNotFound:
            return Result(tuple(argv), 127, "", f"{argv[0]}: command not found\n", 0.0)
        proc = command(
            *argv[1:],
            _in=stdin,
            _ok_code=list(range(256)),
            _return_cmd=True,
            _tty_out=False,
            _tty_in=False,
            _new_session=True,
            _decode_errors="replace",
        )
        duration = time.perf_counter() - start
        rc = proc.exit_code if proc.exit_code is not None else -1
        return Result(
            tuple(argv),
            rc,
            _text(proc.stdout),
            _text(proc.stderr),
            duration,
        )

    def interactive(self, argv: Sequence[str]) -> Result:
        """Run on iplab's own stdin/stdout/stderr (a terminal, a pipe): nothing captured.

        Used by ``iplab exec``/``shell``/``capture``, whose output is the user's. The
        process stays in iplab's session so that a Ctrl-C reaches it (and not iplab).
        """
        import signal
        import subprocess

        start = time.perf_counter()
        try:
            proc = subprocess.Popen(list(argv))
        except FileNotFoundError:
            return Result(tuple(argv), 127, "", f"{argv[0]}: command not found\n", 0.0)
        # a Ctrl-C is the process's to handle (tcpdump flushes, ping prints its summary);
        # iplab waits for it to end, then audits it
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            rc = proc.wait()
        finally:
            signal.signal(signal.SIGINT, old)
        return Result(tuple(argv), rc, "", "", time.perf_counter() - start)


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return data


Answer = tuple[int, str, str] | Callable[[Sequence[str], str | None], tuple[int, str, str]]


@dataclass
class FakeExecutor:
    """Canned results by argv; anything else is an error (a test never runs a process).

    ``responses`` maps a shlex-joined argv to a Result-like tuple (rc, stdout, stderr)
    or to a callable taking (argv, stdin) and returning one.
    """

    responses: dict[str, Answer] = field(default_factory=dict)
    calls: list[tuple[tuple[str, ...], str | None]] = field(default_factory=list)

    def run(self, argv: Sequence[str], stdin: str | None = None) -> Result:
        key = shlex.join(argv)
        self.calls.append((tuple(argv), stdin))
        if key not in self.responses:
            raise AssertionError(f"FakeExecutor: unexpected command {key!r}")
        answer = self.responses[key]
        rc, out, err = answer(argv, stdin) if callable(answer) else answer
        return Result(tuple(argv), rc, out, err, 0.0)

    def interactive(self, argv: Sequence[str]) -> Result:
        return self.run(argv)


SUDO_PASSWORD = ("a password is required", "a terminal is required", "no tty present")


#: called after every process with its result and what it was for (the audit log)
Hook = Callable[[Result, Mapping[str, object]], None]


class Runner:
    """Runs argv through an executor, adding ``sudo -n`` where privilege is missing.

    Every process is reported to ``hook`` with the caller's ``meta`` (step,
    text, kind...), so nothing iplab runs can escape the audit log.
    """

    def __init__(
        self,
        executor: Executor | None = None,
        is_root: bool | None = None,
        hook: Hook | None = None,
    ) -> None:
        self.executor: Executor = executor or ShExecutor()
        self.is_root = (os.geteuid() == 0) if is_root is None else is_root
        self._sudo_checked = False
        self.hook = hook

    def argv_for(self, argv: Sequence[str], privileged: bool) -> tuple[str, ...]:
        """What actually runs: ``sudo -n`` in front when we are not root and must be."""
        if privileged and not self.is_root:
            self._check_sudo()
            return ("sudo", "-n", *argv)
        return tuple(argv)

    def ensure_privilege(self) -> None:
        """Before a run starts: as root, nothing to do; otherwise ``sudo -n`` must work,
        so that a run never stops halfway for want of privilege."""
        if self.is_root:
            return
        self._check_sudo()
        result = self.executor.run(("sudo", "-n", "true"))
        if self.hook is not None:
            self.hook(result, {"kind": "read", "text": "sudo -n true (may iplab use sudo?)"})
        if not result.ok:
            detail = result.stderr.strip() or f"exit {result.rc}"
            raise PrivilegeError(
                f"not running as root, and `sudo -n` does not work: {detail}",
                hint="run `sudo -v` first, allow ip without a password, or run iplab as root",
            )

    def _check_sudo(self) -> None:
        if self._sudo_checked:
            return
        if shutil.which("sudo") is None:
            raise PrivilegeError(
                "this needs root, iplab is not running as root, and sudo is not installed",
                hint="run iplab as root",
            )
        self._sudo_checked = True

    def execute(
        self,
        argv: Sequence[str],
        privileged: bool,
        stdin: str | None = None,
        meta: Mapping[str, object] | None = None,
    ) -> Result:
        real = self.argv_for(argv, privileged)
        result = self.executor.run(real, stdin)
        if self.hook is not None:
            self.hook(result, meta or {})
        if real[:1] == ("sudo",) and result.rc != 0 and _asks_password(result.stderr):
            raise PrivilegeError(
                f"sudo asks for a password to run: {shlex.join(argv)}",
                hint="run `sudo -v` first, allow these commands without a password, or run as root",
            )
        return result

    def interactive(
        self, argv: Sequence[str], privileged: bool, meta: Mapping[str, object] | None = None
    ) -> Result:
        """Run on iplab's own terminal (the user's command: exec, shell, capture); audited
        with its exit status and duration (its output went to the user, not to the log)."""
        real = self.argv_for(argv, privileged)
        executor = self.executor
        if not isinstance(executor, ShExecutor | FakeExecutor):  # pragma: no cover
            raise TypeError(f"{type(executor).__name__} cannot run an interactive process")
        result = executor.interactive(real)
        if self.hook is not None:
            self.hook(result, meta or {})
        return result

    def query(self, argv: Sequence[str], privileged: bool, what: str) -> tuple[int, str, str]:
        """For readers (iproute.read_state): run and return (rc, stdout, stderr)."""
        result = self.execute(argv, privileged, meta={"kind": "read", "text": what})
        return result.rc, result.stdout, result.stderr


def _asks_password(stderr: str) -> bool:
    return stderr.startswith("sudo:") and any(s in stderr for s in SUDO_PASSWORD)


def truncate(text: str, limit: int = 4096) -> str:
    """Keep the start and the end of a long output (for the audit log)."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n[... {len(text) - limit} characters cut ...]\n{text[-half:]}"
