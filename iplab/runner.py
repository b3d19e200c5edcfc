"""The only module that starts processes.

Every process iplab starts goes through :meth:`Runner.execute`, which hands
the argv to an :class:`Executor`. The real one, :class:`ShExecutor`, uses the
``sh`` package; :class:`FakeExecutor` (for tests, after invoke's MockContext)
answers from a table of canned results and raises on any command it was not
prepared for, so a unit test can never run something by accident.

Privilege: as root, commands run as they are (a ``sudo `` in the text is not
executed); otherwise privileged commands run through ``sudo -n`` and a sudo
that is missing or wants a password gives one clear message.

Why this module is long: the one funnel of every process (executors, time limits, signals,
the audit hook): read together, they show that each process is bounded and audited.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import resource
import select
import shlex
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import BinaryIO, Protocol, TextIO

from iplab import memo, statedir
from iplab.errors import PrivilegeError, files_limit
from iplab.names import NETNS_DIR
from iplab.records import Record, frozen, mutable

#: the time limit of a process when neither its step nor ``--timeout`` gives one (seconds)
DEFAULT_TIMEOUT = 30.0
#: how long a command stopped with SIGINT (``stop_after``) may take to exit before it is killed
STOP_GRACE = 5.0


@frozen
class Limits(Record):
    """How long a process may run.

    ``timeout``: a hard limit; past it the child's whole process group is killed and
    the result is a failure. ``stop_after``: the child gets SIGINT after that long (a
    tutorial author's Ctrl-C, for ``ping`` without ``-c`` or ``tcpdump``); ending on
    that SIGINT is a success.
    """

    timeout: float | None = DEFAULT_TIMEOUT
    stop_after: float | None = None

    @property
    def hard(self) -> float | None:
        if self.stop_after is not None and (self.timeout is None or self.timeout <= 0):
            return self.stop_after + STOP_GRACE
        return self.timeout if self.timeout and self.timeout > 0 else None


@frozen(hot=True)
class Result(Record):
    argv: tuple[str, ...]
    rc: int
    stdout: str
    stderr: str
    duration: float
    #: why the process did not end by itself: "timed out after 30 s", "SIGINT received"...
    stopped: str | None = None
    #: the process id (0 when no process ran)
    pid: int = 0

    @property
    def ok(self) -> bool:
        return self.rc == 0


#: called with the pid of a process as soon as it started (the runner tracks it to stop it)
OnStart = Callable[[int], None]

#: a process's input: all of it at once, or parts that a thread of the executor asks for one
#: after the other while the process runs (an ``ip -batch`` is fed its lines as their
#: intents reach the journal, see :func:`iplab.context.run_batch`); the iterator is asked
#: only after ``on_start`` returned, and must not raise
Input = str | Iterator[str] | None


def input_text(stdin: Input) -> str | None:
    """The whole input at once (for executors that do not run a process)."""
    return stdin if stdin is None or isinstance(stdin, str) else "".join(stdin)


class Executor(Protocol):
    def run(
        self,
        argv: Sequence[str],
        stdin: Input = None,
        *,
        limits: Limits = Limits(),
        on_start: OnStart | None = None,
        stream: TextIO | None = None,
        log: Path | None = None,
        cwd: str | None = None,
    ) -> Result: ...


#: every exit status and every "killed by signal N" (sh reports -N) is an outcome, not an error
_OK_CODES = list(range(-64, 256))


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """libc's ``prctl``, looked up once, in iplab (None: there is none)."""
    import ctypes

    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return prctl


def _death_signal() -> Callable[[], None]:
    """What the child runs between fork and exec: die with iplab (PR_SET_PDEATHSIG), so that
    no ``ip -batch`` outlives it.

    ``prctl`` is looked up in iplab, not in the child: loading ctypes in each child cost
    about 5 ms a process (half of what a process cost through the runner).
    """
    prctl = _prctl()
    parent = os.getpid()

    def in_child() -> None:  # pragma: no cover - runs in the child, between fork and exec
        if prctl is None:
            return
        prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # iplab died before prctl took effect
            os._exit(137)

    return in_child


#: ``sudo`` as a bash function, for a root without sudo: ``sudo [OPTIONS] CMD`` runs CMD
#: (an option's value skipped); exported so that every bash a command starts has it
_SUDO_AS_ROOT = (
    '() { while [ $# -gt 0 ]; do case "$1" in -[ugCDhprtUTR]) shift 2 ;; --) shift; break ;;'
    ' -*) shift ;; *) break ;; esac; done; [ $# -eq 0 ] || "$@"; }'
)


@functools.cache
def _child_env() -> dict[str, str] | None:
    """The environment of the processes iplab starts: its own (None), except for a root
    without sudo (a container, a fresh machine): there ``echo 1 | sudo tee /proc/sys/...``
    of a tutorial, run by bash, finds ``sudo`` a bash function that runs the command, as
    sudo would for root. With sudo installed nothing changes."""
    if os.geteuid() != 0 or shutil.which("sudo") is not None:
        return None
    return {**os.environ, "BASH_FUNC_sudo%%": _SUDO_AS_ROOT}


def _then(parts: Iterator[str], after: Callable[[], None]) -> Iterator[str]:
    """``parts``, then ``after()`` once the last was taken. An input fed in parts while the
    process runs (an ``ip -batch`` whose lines' intents are journaled as it goes) has the
    cache's writers wait for its end, not for the process's start: a writer's
    ``pickle.dumps`` of a large plan holds the interpreter's lock tens of ms at a time, and
    the thread that journals and feeds the next lines waited for it while ``ip`` had none
    (#14)."""
    yield from parts
    after()


def _gated(parts: Iterator[str], gate: threading.Event, refused: list[bool]) -> Iterator[str]:
    """``parts`` once ``gate`` is set, none when ``refused``; a part that raises ends the
    input (sh's input thread would die with the exception, and the process would wait for
    the rest of its input until its time limit)."""
    gate.wait()
    if refused:
        return
    try:
        yield from parts
    except Exception:  # the caller's to report (run_batch keeps its own failures)
        return


def _whole_writes(parts: Iterator[str]) -> Iterator[bytes]:
    """``parts`` in pieces a pipe takes whole: at most PIPE_BUF bytes each.

    sh writes each piece with one ``os.write`` and drops what the kernel did not take. A
    write to a full pipe that a stop signal interrupts (Ctrl-Z then ``fg``, SIGSTOP and
    SIGCONT, a frozen cgroup) returns short, and the rest of the piece was lost (hunt AQ: a
    part of 512 lines of star300's ``ip -batch``; ip read the start of one line glued to
    the end of another, "Cannot find device "haqs01vet""). A write of at most PIPE_BUF
    bytes to a pipe is all or nothing, and a stopped one is started again."""
    import sh  # (imported by the run that feeds it: see ShExecutor.execute)

    for part in parts:
        data = part.encode(sh.DEFAULT_ENCODING)
        for start in range(0, len(data), select.PIPE_BUF):
            yield data[start : start + select.PIPE_BUF]


#: what runs a step's script: bash reads it from a file (``$1`` of this line's shell is
#: the script's first argument, as with ``bash -c SCRIPT NAME ARG``)
_READ_SCRIPT = 'eval "$(< {path})"'
#: the variable that hands a step's script to bash when no sudo is between them (sudo
#: resets the environment): taken out of the environment before the script runs
STEP_VARIABLE = "IPLAB_STEP"
_EVAL_STEP = f'eval "unset {STEP_VARIABLE}; ${STEP_VARIABLE}"'
#: a longer script goes through a file (the kernel's limit on one variable is 128 KiB)
_MAX_STEP_VARIABLE = 100_000


def _script_in_the_environment(
    argv: Sequence[str],
) -> tuple[tuple[str, ...], dict[str, str]] | None:
    """``bash -c SCRIPT [NAME ARG...]`` as ``bash -c 'eval "unset IPLAB_STEP; $IPLAB_STEP"'
    [NAME ARG...]`` and the environment that holds SCRIPT; None: another argv, or one run
    through sudo. Nothing is left on disk when iplab is killed (hunt AA #4: a step file
    stayed in /tmp), and ``pgrep -f`` does not see the script (hunt W)."""
    if tuple(argv[:2]) != ("bash", "-c") or len(argv) < 3:
        return None
    if len(argv[2].encode()) > _MAX_STEP_VARIABLE:
        return None
    env = {**(_child_env() or os.environ), STEP_VARIABLE: argv[2]}
    return ("bash", "-c", _EVAL_STEP, *argv[3:]), env


def _script_read_from_a_file(argv: Sequence[str]) -> tuple[tuple[str, ...], str] | None:
    """``[sudo -n] bash -c SCRIPT [NAME ARG...]`` as ``bash -c 'eval "$(< FILE)"' [NAME
    ARG...]``, and FILE (which holds SCRIPT; the caller deletes it); None: another argv.
    With SCRIPT on bash's command line, a step's ``pgrep -f 'unshare --net'``, ``pkill -f``
    or ``ps aux | grep`` found iplab's own bash, whose argv held the pattern (hunt W:
    ``CPID=$(pgrep -n -f 'unshare --net --fork')`` was that bash's pid, not unshare's)."""
    at = 2 if tuple(argv[:2]) == ("sudo", "-n") else 0
    if tuple(argv[at : at + 2]) != ("bash", "-c") or len(argv) < at + 3:
        return None
    fd, path = tempfile.mkstemp(prefix="iplab-step-", suffix=".sh")
    with os.fdopen(fd, "w", encoding="utf-8") as script:
        script.write(argv[at + 2])
    read = _READ_SCRIPT.format(path=shlex.quote(path))
    return (*argv[:at], "bash", "-c", read, *argv[at + 3 :]), path


def _handed(
    argv: Sequence[str],
) -> tuple[tuple[str, ...], dict[str, str] | None, str | None]:
    """The argv that runs ``argv``, the environment it needs (None: the default), and the
    file that holds its script (None: none; the caller deletes it)."""
    if (through_env := _script_in_the_environment(argv)) is not None:
        return through_env[0], through_env[1], None
    if (through_file := _script_read_from_a_file(argv)) is not None:
        return through_file[0], None, through_file[1]
    return tuple(argv), None, None


class ShExecutor:
    """Runs processes with ``sh``: output captured through pipes, no terminal, no shell.

    Each process starts in a session of its own (a Ctrl-C at the terminal reaches
    iplab, which stops the child itself), dies with iplab (PR_SET_PDEATHSIG), and
    has a time limit: past it, its whole process group is killed.
    """

    def run(
        self,
        argv: Sequence[str],
        stdin: Input = None,
        *,
        limits: Limits = Limits(),
        on_start: OnStart | None = None,
        stream: TextIO | None = None,
        log: Path | None = None,
        cwd: str | None = None,
    ) -> Result:
        """Run ``argv`` (in ``cwd``, default iplab's own directory); a ``bash -c SCRIPT``
        reads its script from its environment (:func:`_script_in_the_environment`; through
        sudo, from a file of its own: :func:`_script_read_from_a_file`), not from its
        command line. The result names ``argv``, the script that ran."""
        real, env, path = _handed(argv)
        try:
            result = self._run(
                real, stdin, limits=limits, on_start=on_start, stream=stream, log=log, env=env,
                cwd=cwd,
            )  # fmt: skip
        finally:
            if path is not None:
                with contextlib.suppress(OSError):
                    os.unlink(path)
        return replace(result, argv=tuple(argv))

    def _run(
        self,
        argv: Sequence[str],
        stdin: Input = None,
        *,
        limits: Limits = Limits(),
        on_start: OnStart | None = None,
        stream: TextIO | None = None,
        log: Path | None = None,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
    ) -> Result:
        """``log``: the process writes its output there, not to a pipe (a command that
        leaves a job running in the background, ``server &``: the job goes on writing
        after the command ended, and a pipe nobody reads any more would break under it,
        EPIPE). The result's output is what the file holds when the command ended. ``env``:
        the process's environment (default: see :func:`_child_env`)."""
        import sh

        start = time.perf_counter()
        try:
            command = sh.Command(argv[0])
        except sh.CommandNotFound:
            return Result(tuple(argv), 127, "", f"{argv[0]}: command not found\n", 0.0)
        sink: BinaryIO | None = None
        if log is not None:
            try:
                fd = statedir.open_state_file(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            except OSError as exc:
                return Result(tuple(argv), 126, "", f"{argv[0]}: cannot open {log}: {exc}\n", 0.0)
            sink = os.fdopen(fd, "wb")
        kept: list[str] = []
        # an input, whole or in parts, is fed only once on_start returned (what it records
        # comes first) and the time limits run; when either fails, the process is killed
        # and fed nothing (hunt CY: an undo batch's lines, a string sh wrote at once, were
        # run by ip under ``prlimit --as`` while iplab, unable to start the time limit's
        # thread, had recorded none of them, and said "301 not run")
        gate = threading.Event()
        refused: list[bool] = []
        source: str | Iterator[bytes] = ""
        if isinstance(stdin, str):
            source = _whole_writes(_gated(iter((stdin,)), gate, refused)) if stdin else ""
        elif stdin is not None:
            source = _whole_writes(_gated(stdin, gate, refused))

        def out(chunk: str) -> None:
            kept.append(chunk)
            try:
                assert stream is not None
                stream.write(chunk)
                stream.flush()
            except Exception:  # a terminal gone (whatever it raises): the output is kept
                pass

        try:
            proc = command(
                *argv[1:],
                # no input: an empty one (the child reads end of file at once). With
                # none, sh gives a process whose output is streamed a queue for stdin,
                # which it polls every 0.1 s: each shown step cost 0.1 s more, and a
                # command that reads stdin waited for its time limit
                _in=source,
                _ok_code=_OK_CODES,
                _bg=True,
                _bg_exc=False,
                _tty_out=False,
                _tty_in=False,
                _new_session=True,
                # the scenario's words and ip's output are UTF-8 whatever the locale:
                # in one that is not (ISO-8859-1, C without Python's UTF-8 mode) an
                # alias "café uplink (en dash) ..." could not be given (hunt EB: "ip: cannot
                # run: ... UnicodeEncodeError", exit 126), nor a batch's line holding it
                _encoding="utf-8",
                _decode_errors="replace",
                _preexec_fn=_death_signal(),
                _env=env if env is not None else _child_env(),
                _cwd=cwd,
                _out=sink if sink is not None else out if stream is not None else None,
                _err=sink,
                _return_cmd=True,
            )
        except (OSError, sh.ForkException) as exc:
            said = f"{exc}{files_limit()}" if getattr(exc, "errno", None) == errno.EMFILE else exc
            return Result(tuple(argv), 126, "", f"{argv[0]}: cannot run: {said}\n", 0.0)
        except (RuntimeError, MemoryError) as exc:
            if not no_room(exc):
                raise
            return _no_room_result(argv, exc, start)
        finally:
            if sink is not None:
                sink.close()  # the child has its own copy
        pid = int(proc.pid)
        why: list[str] = []
        timers = []

        def stop(sig: signal.Signals, reason: str) -> None:
            if not why:
                why.append(reason)
            _killpg(pid, sig)

        if limits.stop_after is not None:
            timers.append(
                threading.Timer(
                    limits.stop_after,
                    stop,
                    (signal.SIGINT, f"stopped after {limits.stop_after:g} s"),
                )
            )
        hard = limits.hard
        if hard is not None:
            timers.append(
                threading.Timer(hard, stop, (signal.SIGKILL, f"timed out after {hard:g} s"))
            )
        try:
            for timer in timers:
                timer.daemon = True
                timer.start()
            if on_start is not None:
                on_start(pid)
            gate.set()
            proc.wait()
        except (RuntimeError, MemoryError) as exc:
            if not gate.is_set():  # (sh's input thread waits for the gate: it reads nothing)
                refused.append(True)
                gate.set()
            if not no_room(exc):
                _end(proc, pid)
                raise
            # no thread for its time limit, or for sh to collect its output: stopped, and
            # its outcome unknown (it may have done its work: a failure, judged on the host)
            _end_quietly(proc, pid)
            return _no_room_result(argv, exc, start, pid)
        except BaseException:
            # on_start failed (what cannot be recorded must not run on), or the wait was
            # interrupted: Python's own SIGINT handler raised KeyboardInterrupt in a program
            # using the API (no handler of iplab's there). The child is killed and reaped
            # before the exception goes on: it would run on to its end, and pytest, showing
            # the interrupt's traceback, waited for it (it shows sh's command, whose repr
            # waits for the process: hunt X)
            if not gate.is_set():
                refused.append(True)
                gate.set()
            _end(proc, pid)
            raise
        finally:
            if not gate.is_set():  # stopped before the process was let read: it reads nothing
                refused.append(True)
                gate.set()
            for timer in timers:
                timer.cancel()
        duration = time.perf_counter() - start
        rc = proc.exit_code if proc.exit_code is not None else -1
        stdout = "".join(kept) if stream is not None else _text(proc.stdout)
        if log is not None:
            stdout = _tail(log)
        stopped = why[0] if why else None
        if stopped is not None and stopped.startswith("stopped after"):
            # ended by the SIGINT that stands for the author's Ctrl-C: a success
            if rc in (0, -signal.SIGINT, 128 + signal.SIGINT):
                rc = 0
        elif rc < 0:
            name = signal.Signals(-rc).name if -rc in signal.Signals._value2member_map_ else -rc
            stopped = stopped or f"killed by {name}"
        return Result(tuple(argv), rc, stdout, _text(proc.stderr), duration, stopped, pid)

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


def _stat(pid: int) -> tuple[bytes, int, int] | None:
    """(state, start time, session) of a process (/proc/PID/stat fields 3, 22 and 6), None:
    no such one."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return fields[0], int(fields[19]), int(fields[3])
    except (OSError, ValueError, IndexError):
        return None


def start_time(pid: int) -> int | None:
    """When a process started (clock ticks after boot, /proc/PID/stat field 22), or None
    when there is no such process: with the pid it names one process, never a reused pid."""
    stat = _stat(pid)
    return None if stat is None else stat[1]


def stop_survivor(pid: int, started: int, wait: float = 5.0) -> bool:
    """Kill the process group of a child that outlived an earlier iplab (same pid, same
    start time), and wait (bounded) until it is gone. True when one was found."""
    if pid <= 1 or start_time(pid) != started:
        return False
    _killpg(pid, signal.SIGKILL)
    deadline = time.monotonic() + wait
    while running(pid, started) and time.monotonic() < deadline:
        time.sleep(0.02)
    return True


def netns_id(name: str) -> tuple[int, int] | None:
    """(device, inode) of a named namespace (what ``ip netns pids`` compares); None: none."""
    try:
        st = os.stat(os.path.join(NETNS_DIR, name))
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def netns_ids(names: Sequence[str]) -> set[tuple[int, int]]:
    """(device, inode) of each named namespace that exists."""
    return {found for name in names if (found := netns_id(name)) is not None}


def process_netns(pid: int) -> tuple[int, int] | None:
    """(device, inode) of a process's network namespace; None: no such process (or not
    ours to see)."""
    try:
        st = os.stat(f"/proc/{pid}/ns/net")
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _processes(started_if: Callable[[int], int | None]) -> list[tuple[int, int, str]]:
    """(pid, start time, command line) of each process for which ``started_if(pid)`` gives
    its start time (None: not one of those sought); one gone meanwhile, or not ours to
    see (OSError), is not."""
    found: list[tuple[int, int, str]] = []
    try:
        entries = [e.name for e in os.scandir("/proc") if e.name.isdigit()]
    except OSError:
        return found
    for name in entries:
        pid = int(name)
        try:
            started = started_if(pid)
            if started is None:
                continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                words = f.read().split(b"\0")
        except OSError:
            continue
        found.append((pid, started, " ".join(w.decode("utf-8", "replace") for w in words if w)))
    return found


def processes_in(ids: set[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(pid, start time, command line) of each process, iplab aside, whose network namespace
    is one of ``ids``: a server a tutorial started with ``&`` in a lab's namespace."""
    me = os.getpid()

    def inside(pid: int) -> int | None:
        st = os.stat(f"/proc/{pid}/ns/net")
        return start_time(pid) if pid != me and (st.st_dev, st.st_ino) in ids else None

    return _processes(inside) if ids else []


def stop_processes(found: Sequence[tuple[int, int, str]], grace: float = 2.0) -> None:
    """SIGTERM each process (the same pid and start time: never another), SIGKILL those
    still there after ``grace`` seconds, and wait (bounded) until they are gone."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        alive = [(pid, started) for pid, started, _ in found if signal_process(pid, started, sig)]
        deadline = time.monotonic() + wait
        while alive and time.monotonic() < deadline:
            alive = [(pid, started) for pid, started in alive if running(pid, started)]
            if alive:
                time.sleep(0.02)
        if not alive:
            return


def signal_process(pid: int, started: int, sig: int) -> bool:
    """Send ``sig`` to the process that started then (never another with its pid now);
    True when it was there to get it."""
    if not running(pid, started):
        return False
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def wait_gone(
    found: Sequence[tuple[int, int, str]], limit: float, stop: Callable[[], bool]
) -> bool:
    """Wait until each process has ended, at most ``limit`` seconds, or until ``stop()``
    (a Ctrl-C received); True when all have ended."""
    deadline = time.monotonic() + limit
    alive = [(pid, started) for pid, started, _ in found]
    while True:
        alive = [(pid, started) for pid, started in alive if running(pid, started)]
        if not alive or time.monotonic() >= deadline or stop():
            return not alive
        time.sleep(0.02)


def _sockets(pid: int, tables: Sequence[str]) -> tuple[set[str], list[tuple[str, list[str]]]]:
    """The inodes of a process's sockets, and the rows of the /proc/PID/net ``tables`` it
    can read (each with its table's name), as its own network namespace shows them."""
    try:
        links = [os.readlink(e.path) for e in os.scandir(f"/proc/{pid}/fd")]
    except OSError:
        return set(), []
    inodes = {link[8:-1] for link in links if link.startswith("socket:[")}
    rows: list[tuple[str, list[str]]] = []
    for table in tables if inodes else ():
        try:
            with open(f"/proc/{pid}/net/{table}", encoding="ascii") as f:
                rows += [(table, line.split()) for line in f.readlines()[1:]]
        except OSError:
            continue
    return inodes, rows


def subscribed(pids: Sequence[int]) -> bool:
    """One of the processes has a netlink socket that listens to a group of the kernel's
    events (``ip monitor`` once it watches: the Groups of /proc/PID/net/netlink)."""
    for pid in pids:
        inodes, rows = _sockets(pid, ("netlink",))
        if any(len(r) > 9 and r[9] in inodes and int(r[3], 16) != 0 for _, r in rows):
            return True
    return False


_LISTENING = {"tcp": "0A", "tcp6": "0A", "udp": "07", "udp6": "07"}


def listening(pids: Sequence[int]) -> bool:
    """One of the processes has a socket that listens (TCP) or is bound (UDP), as its own
    network namespace shows it (/proc/PID/net/tcp, tcp6, udp, udp6)."""
    for pid in pids:
        inodes, rows = _sockets(pid, tuple(_LISTENING))
        if any(len(r) > 9 and r[3] == _LISTENING[t] and r[9] in inodes for t, r in rows):
            return True
    return False


def wait_listening(
    pids: Callable[[], Sequence[int]], limit: float, stop: Callable[[], bool]
) -> bool:
    """Wait until one of the processes ``pids()`` names listens (see :func:`listening`),
    at most ``limit`` seconds, or until ``stop()``; True when it does. Asked again each
    time: a job's server may start after its shell (``bash -c "nc -lkp 8080 <<< OK"``
    forks nc for its here-string: waiting on the shell alone, the run waited 5 s)."""
    deadline = time.monotonic() + limit
    while not listening(pids()):
        if time.monotonic() >= deadline or stop():
            return False
        time.sleep(0.02)
    return True


def wait_unshared(pid: int, limit: float, stop: Callable[[], bool]) -> bool:
    """Wait until process ``pid`` is in a network namespace other than iplab's (an
    ``unshare --net`` job has made its own), at most ``limit`` seconds, or until
    ``stop()``; True when it is."""
    try:
        ours = os.readlink("/proc/self/ns/net")
    except OSError:
        return False
    deadline = time.monotonic() + limit
    while True:
        try:
            if os.readlink(f"/proc/{pid}/ns/net") != ours:
                return True
        except OSError:
            return False  # it ended (or cannot be read): nothing to wait for
        if time.monotonic() >= deadline or stop():
            return False
        time.sleep(0.005)


def running(pid: int, started: int) -> bool:
    """The process is the one that started then, and has not ended (a zombie has: it holds
    nothing any more, and its parent may never reap it)."""
    stat = _stat(pid)
    return stat is not None and stat[1] == started and stat[0] not in (b"Z", b"X")


class _Waitable(Protocol):
    def wait(self) -> object: ...


def no_room(exc: BaseException) -> bool:
    """Python could not start a thread (a pids cgroup, RLIMIT_NPROC: "can't start new
    thread") or get memory (``ulimit -v``): a resource limit, as a failed fork is."""
    return isinstance(exc, MemoryError) or (
        isinstance(exc, RuntimeError) and "can't start new thread" in str(exc)
    )


def _no_room_result(argv: Sequence[str], exc: BaseException, start: float, pid: int = 0) -> Result:
    """The result of a process iplab could not start, or not follow, for want of threads
    or memory (exit 126, as a failed fork; hunt U: it was an internal error, and the
    rollback stopped halfway)."""
    what = str(exc) or "out of memory"
    return Result(
        tuple(argv), 126, "",
        f"{argv[0]}: cannot start a thread/process: resource limit ({what}){_limits()}\n",
        time.perf_counter() - start, pid=pid,
    )  # fmt: skip


def _limits() -> str:
    """The limits a thread or process may have met, as the shell sets them (hunt AQ: under
    ``ulimit -v 60000`` the message said "resource limit (can't start new thread)" alone)."""
    said = []
    memory, _hard = resource.getrlimit(resource.RLIMIT_AS)
    if memory != resource.RLIM_INFINITY:
        said.append(f"ulimit -v {memory // 1024}")
    processes, _hard = resource.getrlimit(resource.RLIMIT_NPROC)
    # (root's processes are not counted; the usual default is tens of thousands)
    if os.geteuid() != 0 and processes != resource.RLIM_INFINITY and processes < 4096:
        said.append(f"ulimit -u {processes}")
    return f": iplab runs under {' and '.join(said)}; raise it" if said else ""


def _end_quietly(proc: _Waitable, pid: int) -> None:
    """:func:`_end`, when waiting may itself want a thread that cannot start (sh's wait
    starts one): the child is killed all the same; with iplab gone it is reaped by init."""
    try:
        _end(proc, pid)
    except (RuntimeError, MemoryError) as exc:
        if not no_room(exc):
            raise


def _end(proc: _Waitable, pid: int) -> None:
    """Kill a child's process group and reap it (``proc``: sh's ``RunningCommand``)."""
    _killpg(pid, signal.SIGKILL)
    proc.wait()


def _killpg(pid: int, sig: signal.Signals) -> None:
    """Signal a child's whole process group (its session: it started one)."""
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def _tail(path: Path, limit: int = 65536) -> str:
    """The end of a log file (what a command and its background jobs wrote so far)."""
    try:
        return statedir.read_state_file(path, limit).decode("utf-8", errors="replace")
    except OSError:
        return ""


def session_of(pid: int) -> int | None:
    """The session a process is in (/proc/PID/stat field 6), None: no such process."""
    stat = _stat(pid)
    return None if stat is None else stat[2]


def process_name(pid: int) -> str:
    """A process's name as the kernel keeps it (/proc/PID/comm: 15 bytes at most)."""
    try:
        with open(f"/proc/{pid}/comm", "rb") as f:
            return f.read().decode("utf-8", "replace").rstrip("\n")
    except OSError:
        return ""


def boot_ticks() -> int:
    """Now, in the unit of a process's start time (clock ticks after boot), rounded down: a
    process started from now on has a start time at least this."""
    try:
        with open("/proc/uptime", "rb") as f:
            uptime = float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return max(0, int(uptime * os.sysconf("SC_CLK_TCK")) - 1)


def session_members(sid: int, not_before: int) -> list[tuple[int, int, str]]:
    """(pid, start time, command line) of each process of the session ``sid`` that started
    at or after ``not_before`` (clock ticks after boot): the jobs a command started in its
    session left running (``server &``), never a later session that reused the number."""

    def member(pid: int) -> int | None:
        stat = _stat(pid)
        if stat is None or stat[0] in (b"Z", b"X") or stat[2] != sid:
            return None
        return stat[1] if stat[1] >= not_before else None

    return _processes(member) if sid > 1 else []


def sessions_left(sessions: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(pid, start time, command line) of each process still in one of ``sessions`` (each
    (pid of its leader, the leader's start time)) that started at or after its leader, in
    one reading of /proc. A session whose leader's pid is someone else's now is passed over
    (while a process of the session lives, the kernel gives its number to no other)."""
    since = {
        sid: started for sid, started in sessions if sid > 1 and start_time(sid) in (None, started)
    }

    def member(pid: int) -> int | None:
        stat = _stat(pid)
        if stat is None or stat[0] in (b"Z", b"X") or stat[2] not in since:
            return None
        return stat[1] if stat[1] >= since[stat[2]] else None

    return _processes(member) if since else []


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return data


Answer = tuple[int, str, str] | Callable[[Sequence[str], str | None], tuple[int, str, str]]


@mutable
class FakeExecutor:
    """Canned results by argv; anything else is an error (a test never runs a process).

    ``responses`` maps a shlex-joined argv to a Result-like tuple (rc, stdout, stderr)
    or to a callable taking (argv, stdin) and returning one.
    """

    responses: dict[str, Answer] = field(default_factory=dict)
    calls: list[tuple[tuple[str, ...], str | None]] = field(default_factory=list)

    def run(
        self,
        argv: Sequence[str],
        stdin: Input = None,
        *,
        limits: Limits = Limits(),
        on_start: OnStart | None = None,
        stream: TextIO | None = None,
        log: Path | None = None,
        cwd: str | None = None,
    ) -> Result:
        del limits, stream, log, cwd
        key = shlex.join(argv)
        if on_start is not None:
            on_start(0)
        stdin = input_text(stdin)  # asked for after on_start, as a real process would
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
        #: the time limit of a process whose caller gives none (``--timeout``)
        self.default_timeout: float | None = DEFAULT_TIMEOUT
        #: the process running now (pid, its text), for :meth:`stop`
        self.running: tuple[int, str] | None = None
        #: where a step's processes run (None: iplab's own directory); a step that ends
        #: in another directory (``cd www``) moves the steps after it there, as a shell would
        self.cwd: str | None = None
        self._stop_reason: str | None = None

    def stop(self, reason: str) -> str | None:
        """Kill the running child's process group now (from a signal handler); the text
        of what was stopped, or None when nothing was running."""
        running = self.running
        if running is None:
            return None
        self._stop_reason = reason
        if running[0] > 0:
            _killpg(running[0], signal.SIGKILL)
        return running[1]

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
        stdin: Input = None,
        meta: Mapping[str, object] | None = None,
        *,
        limits: Limits | None = None,
        on_start: OnStart | None = None,
        stream: TextIO | None = None,
        log: Path | None = None,
        cwd: str | None = None,
    ) -> Result:
        """Run ``argv`` in ``cwd`` (default: where the lab's steps run now, :attr:`cwd`)."""
        real = self.argv_for(argv, privileged)
        where = self.cwd if cwd is None else cwd
        text = str((meta or {}).get("text") or shlex.join(argv))

        fed_in_parts = False
        if stdin is not None and not isinstance(stdin, str):
            stdin, fed_in_parts = _then(stdin, memo.idle), True  # (see _then)

        def started(pid: int) -> None:
            self.running = (pid, text)
            if on_start is not None:
                on_start(pid)
            if not fed_in_parts:
                memo.idle()  # iplab waits for the process now: the cache's writers may work

        self._stop_reason = None
        try:
            result = self.executor.run(
                real,
                stdin,
                limits=limits or Limits(self.default_timeout),
                on_start=started,
                stream=stream,
                log=log,
                **({"cwd": where} if where is not None else {}),
            )
        finally:
            self.running = None
        if self._stop_reason is not None:
            result = replace(result, stopped=self._stop_reason, rc=result.rc or -signal.SIGKILL)
            self._stop_reason = None
        if self.hook is not None:
            self.hook(result, meta or {})
        if real[:1] == ("sudo",) and result.rc != 0 and _asks_password(result.stderr):
            raise PrivilegeError(
                f"sudo asks for a password to {_asked_for(argv, meta)}",
                hint="run `sudo -v` first, allow these commands without a password, or run as root",
            )
        return result

    def note(
        self, meta: Mapping[str, object], duration: float, rc: int = 0, detail: str = ""
    ) -> None:
        """Audit work that starts no process (a netlink read) through the same hook."""
        if self.hook is not None:
            self.hook(Result((), rc, "", detail, duration), meta)

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
        said = result.stderr.strip()
        if result.stopped:  # (hunt AJ: a read killed past its time limit said only its rc)
            said = f"{result.stopped}{': ' + said if said else ''}"
        return result.rc, result.stdout, said


def _asked_for(argv: Sequence[str], meta: Mapping[str, object] | None) -> str:
    """``run: ip netns add a``, or what a reader's ``bash -c`` script is for (hunt EK:
    ``status`` of a user sudo asks a password of printed the whole read script)."""
    text = (meta or {}).get("text")
    if list(argv[:1]) in (["bash"], ["sh"]) and list(argv[1:2]) == ["-c"] and text:
        return f"{text} (iplab's {argv[0]} script of ip commands)"
    return f"run: {shlex.join(argv)}"


def _asks_password(stderr: str) -> bool:
    return stderr.startswith("sudo:") and any(s in stderr for s in SUDO_PASSWORD)


def truncate(text: str, limit: int = 4096) -> str:
    """Keep the start and the end of a long output (for the audit log)."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n[... {len(text) - limit} characters cut ...]\n{text[-half:]}"
