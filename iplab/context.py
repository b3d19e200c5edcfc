"""What a lab operation works with: the runner, the state directory, the audit log,
where to print; plus batched execution (signals and failpoints: :mod:`iplab.interrupts`).

Why this module is long: a batch's run and its audit go together (the records of its lines,
made while ``ip`` runs, then written once it ended), and both read the environment here.
"""

from __future__ import annotations

import atexit
import errno
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from iplab import audit as auditlog
from iplab.batch import failed_lines
from iplab.errors import IplabError, state_write_error
from iplab.filesteps import script, statuses
from iplab.records import Record, frozen, mutable
from iplab.runner import Limits, Result, Runner, truncate
from iplab.streams import Output, Quiet

if TYPE_CHECKING:
    from iplab.state import State


@mutable
class Env:
    runner: Runner
    state_dir: Path
    out: TextIO
    err: TextIO
    audit: auditlog.AuditLog
    #: fields added to every audit record (lab, run, scenario...)
    context: dict[str, Any] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=auditlog.context)
    #: ``--verbose``: say on stderr how each state read was done (which reader, how long)
    verbose: bool = False
    #: audit records of reads, written with the next records or when iplab exits
    deferred: list[dict[str, Any]] = field(default_factory=list)
    #: space set aside in the state directory (released when a write finds the disk full)
    reserve: Path | None = None
    #: while undoing: a record the audit log cannot take is counted, not an error
    lenient: bool = False
    lost_records: int = 0
    #: the host's names before the run (links of the root namespace, namespaces), as the
    #: preflight read them: what a step iplab cannot follow may have added is told after
    names_before: tuple[set[str], set[str]] | None = None
    #: the model's state the verification after a setup held the kernel to (``up --json``
    #: and ``run --json`` say what it counted); None until one ran
    verified: State | None = None

    def release(self) -> bool:
        """Give the reserved space back (the disk is full); True if there was some."""
        if self.reserve is None:
            return False
        try:
            self.reserve.unlink()
        except OSError:
            return False
        finally:
            self.reserve = None
        return True

    def audit_ready(self) -> None:
        """Before a command runs: its audit record can be written (see AuditLog.ready)."""
        try:
            self.audit.ready()
        except OSError as exc:
            raise state_write_error(exc, str(self.audit.path)) from None

    def append_audit(self, records: Sequence[dict[str, Any] | auditlog.Draft]) -> None:
        """Write records to the audit log, after the deferred records of reads (in order).
        A full disk first gets the reserve, then the run stops (or, while undoing, the
        records are counted as lost and the undo goes on)."""
        pending, self.deferred = self.deferred, []
        records = [*pending, *records]
        try:
            try:
                self.audit.append(records)
            except OSError as exc:
                if exc.errno != errno.ENOSPC or not self.release():
                    raise
                self.audit.append(records)
        except OSError as exc:
            if self.lenient:
                self.lost_records += len(records)
                return
            raise state_write_error(exc, str(self.audit.path)) from None

    def flush_audit(self) -> None:
        if self.deferred:
            lenient, self.lenient = self.lenient, True  # at exit: never a traceback
            try:
                self.append_audit([])
            except IplabError:
                pass
            finally:
                self.lenient = lenient

    def record(
        self, meta: dict[str, Any], result: Result, at: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """An audit record of a process (``at``: its time, default now)."""
        return {
            "time": at or auditlog.now(),
            **self.shared,
            **self.context,
            **meta,
            "argv": list(result.argv),
            "rc": result.rc,
            "duration_ms": round(result.duration * 1000, 1),
            "stdout": truncate(result.stdout),
            "stderr": truncate(result.stderr),
            "dry_run": False,
            **({"stopped": result.stopped} if result.stopped else {}),
            **extra,
        }


def make_env(
    state_dir: Path, out: TextIO, err: TextIO, runner: Runner | None = None, verbose: bool = False
) -> Env:
    guarded = cast(TextIO, Output(out, stops=False))  # (a run's stops: lab._session)
    env = Env(runner or Runner(), state_dir, guarded, cast(TextIO, Quiet(err)),
              auditlog.AuditLog(state_dir))  # fmt: skip
    env.verbose = verbose

    def hook(result: Result, meta: Any) -> None:
        if meta.get("audit", True):
            record = env.record(dict(meta), result)
            if meta.get("kind") == "read" and not meta.get("numbered"):
                # a read changes nothing: its record waits for the next write (one lock, one
                # fsync for both) or for the exit; a read that numbered namespaces does not
                env.deferred.append(record)
            else:
                env.append_audit([record])
        if env.verbose and meta.get("kind") == "read":
            note = f"; not possible ({result.stderr}), read with ip -j" if meta.get(
                "fallback") else ""  # fmt: skip
            if meta.get("interrupted"):  # (the root's names read while others changed them)
                note += f"; {meta['interrupted']}"
            env.err.write(f"iplab: {meta.get('text')} ({result.duration * 1000:.0f} ms{note})\n")

    env.runner.hook = hook
    atexit.register(env.flush_audit)
    return env


# -- batches ---------------------------------------------------------------------------------------


@frozen(hot=True)
class Line(Record):
    """One line of a batch: its exact text, its own argv, and what ``ip -batch`` reads."""

    text: str
    argv: tuple[str, ...]
    line: str
    meta: dict[str, Any]


#: the lines of a batch fed at first when they are fed in parts; each next part is twice as
#: long, up to FEED_MOST lines
FEED_FIRST = 32
FEED_MOST = 512


def feed_parts(count: int) -> list[tuple[int, int]]:
    """[start, end) of each part of ``count`` lines fed in parts."""
    parts, start, size = [], 0, FEED_FIRST
    while start < count:
        parts.append((start, min(count, start + size)))
        start, size = start + size, min(2 * size, FEED_MOST)
    return parts


def batch_limit(default: float | None, lines: int) -> float | None:
    """The time limit of an ``ip -batch`` of ``lines`` lines: the default for the process,
    and half a second more per line (None: no limit)."""
    return default + 0.5 * lines if default else None


def ended(result: Result) -> bool:
    """An ``ip -batch`` that read its input to the end: it exits 0, or 1 when a line failed
    (with ``-force`` it goes on after a failure). Killed, or ended by exit() halfway (255 for
    a word it cannot read, any other status of an ``ip`` that is not iproute2's), it did
    not: the lines after the last one it named are not known to have run (hunt U: they
    were audited as run, and down waited 30 s for namespaces it never deleted)."""
    return result.rc in (0, 1) and result.stopped is None


def run_batch(
    env: Env,
    lines: Sequence[Line],
    privileged: bool,
    force: bool = False,
    on_start: Callable[[int], None] | None = None,
    *,
    before_feed: Callable[[int, int], None] | None = None,
    on_fed: Callable[[], None] | None = None,
    on_end: Callable[[bool], None] | None = None,
) -> tuple[list[int | None], Result]:
    """Feed lines to one ``ip -batch -``; the exit status of each line (None: not run).

    Each line that ran gets an audit record of its own (its text, its argv, its
    status), written together; the batch process itself is named in each.
    Without ``force`` ip stops at the first failure, with it ip goes on.

    As soon as the process started, ``on_start`` gets its pid (the journal keeps it, so
    that a ``down`` can stop a batch that outlived iplab) and the audit log gets a record
    of the start: if iplab dies while the batch runs, the log still says it ran.

    With ``before_feed``, the lines are fed in parts (:func:`feed_parts`) while ip runs:
    ``before_feed(start, end)`` is called before ``lines[start:end]`` are fed (the session
    writes their intents to the journal there, write-ahead), in a thread of the executor,
    while ip works on the parts before. When it raises, no more lines are fed: ip ends
    after the lines it has, and the lines never fed are not run (None); the exception is
    the caller's to report. A large batch's intents then cost no time of their own: they
    are written while the kernel works on the lines before them.

    ``on_fed`` is called once ip has every line (fed in parts: once the last part was fed;
    whole: once ip started): work that must be done by the time ip ends, and that nothing
    waits for before, begins there (an ``up``'s replay of its model, :mod:`iplab.ahead`;
    the lines' audit records, :class:`_Drafts`). Begun earlier, a thread working in Python
    slows what ip waits for: its start, and the journaling and feeding of its lines.

    ``on_end`` is called as soon as ip ended, before its lines are audited, with whether
    every line ran (an ``up`` begins its verification's read there, :mod:`iplab.ahead`).
    """
    argv = ["ip", *(["-force"] if force else []), "-batch", "-"]
    stdin: str | Iterator[str]
    fed = [len(lines)]
    if before_feed is None:
        stdin = "".join(line.line + "\n" for line in lines)
    else:
        fed[0] = 0
        callback = before_feed

        def parts() -> Iterator[str]:
            for start, end in feed_parts(len(lines)):
                try:
                    callback(start, end)
                except BaseException:  # the caller keeps its own failure, and says it
                    return
                fed[0] = end
                yield "".join(line.line + "\n" for line in lines[start:end])
            fed_whole()

        stdin = parts()
    limits = Limits(batch_limit(env.runner.default_timeout, len(lines)))

    audited = _start_audited(
        env, argv, f"ip -batch - started (pid {{}}): {len(lines)} lines", on_start
    )
    drafts = _Drafts(env, lines)

    def fed_whole() -> None:
        drafts.start()
        if on_fed is not None:
            on_fed()

    def started(pid: int) -> None:
        audited(pid)
        if before_feed is None:
            fed_whole()

    result = env.runner.execute(
        argv, privileged, stdin=stdin, meta={"audit": False}, limits=limits, on_start=started
    )
    if on_end is not None:
        on_end(result.ok and fed[0] == len(lines))
    status: list[int | None] = [0] * len(lines)
    if not result.ok:
        failed = failed_lines(result.stderr)
        if not failed:  # ip died without naming a line: nothing is known about any of them
            status = [None] * len(lines)
        for n in failed:
            if 1 <= n <= len(lines):
                status[n - 1] = result.rc
        if not force and failed and failed[0] <= len(lines):
            status[failed[0] :] = [None] * (len(lines) - failed[0])
        elif failed and not ended(result):  # ip died after the last line it named
            status[failed[-1] :] = [None] * max(0, len(lines) - failed[-1])
    status[fed[0] :] = [None] * (len(lines) - fed[0])  # never fed: not run
    records: list[dict[str, Any] | auditlog.Draft] = []
    at = auditlog.now()  # the lines of a batch are recorded together, when it ended
    late = auditlog.Given(
        {"time": at, "via": list(result.argv), "batch_ms": round(result.duration * 1000, 1)}
    )
    made = drafts.made() if result.stopped is None else None
    for n, (line, rc) in enumerate(zip(lines, status, strict=True)):
        if rc is None:
            continue
        if rc == 0 and made is not None and (ahead := made[n]) is not None:
            records.append(ahead.given(late))  # (the record below, made while ip ran)
            continue
        own = Result(line.argv, rc, "", result.stderr if rc else "", 0.0, result.stopped)
        record = env.record(
            {**line.meta, "text": line.text},
            own,
            at,
            via=list(result.argv),
            batch_lines=len(lines),
            batch_ms=round(result.duration * 1000, 1),
            duration_ms=None,  # a line's own time is not known: the batch's is
        )
        records.append(record)
    env.append_audit(records)
    return status, result


#: a batch of fewer lines has its records made after it ended (a thread would cost more)
DRAFTS_FROM = 128


class _Drafts:
    """The audit records of a batch's lines, made while ``ip`` runs (by a thread: the main
    one waits for ``ip``), as :func:`run_batch` makes a line's record when it ran with
    status 0: once ``ip`` ended, each takes the batch's time, argv and duration
    (:class:`iplab.audit.Draft`). Not used when the records' shared fields changed
    meanwhile, nor when anything failed here: the records are then made after, as
    before."""

    def __init__(self, env: Env, lines: Sequence[Line]) -> None:
        self._env = env
        self._made: list[auditlog.Draft | None] = []
        self._fields = (dict(env.shared), dict(env.context))
        self._thread: threading.Thread | None = None
        self._lines = lines

    def start(self) -> None:
        """Begin making the drafts: once ``ip`` has every line (see :func:`run_batch`'s
        ``on_fed``). Nothing waits for them until ``ip`` ended, while ``ip`` waits for its
        start and for each part of its lines (written to the journal first, by the thread
        that feeds it): a thread working in Python beside them takes the interpreter's
        lock at each of their reads and writes, a wait of up to the switch interval
        (5 ms) each time. Begun before the start, as they were (with the cache's writers
        and ``up``'s replay, which wait for the same moment now), star-500's ``up
        --no-verify`` took 0.269 s of its own (its wall time less ``ip``'s batch) where it
        takes 0.217 s (medians of 8 taking turns, a host at load 2-3 on 2 CPUs); its
        verified ``up``, 0.53 against 0.56 s, moved within the noise (#14)."""
        if len(self._lines) < DRAFTS_FROM or self._thread is not None:
            return
        thread = threading.Thread(target=self._make, args=(self._lines,), name="iplab-audit-drafts")
        thread.daemon = True
        try:
            thread.start()
        except (RuntimeError, MemoryError):  # no thread to be had (a pids limit)
            return
        self._thread = thread

    def _make(self, lines: Sequence[Line]) -> None:
        made = []
        try:
            for line in lines:
                own = Result(line.argv, 0, "", "", 0.0)
                record = self._env.record(
                    {**line.meta, "text": line.text},
                    own,
                    "",
                    via=[],
                    batch_lines=len(lines),
                    batch_ms=0.0,
                    duration_ms=None,
                )
                made.append(auditlog.draft(record, ("time", "via", "batch_ms")))
        except Exception:  # (the records are made after the batch, as without drafts)
            return
        self._made = made

    def made(self) -> list[auditlog.Draft | None] | None:
        """Each line's draft (None: make its record anew), or None: no drafts."""
        if self._thread is None:
            return None
        self._thread.join()
        if (dict(self._env.shared), dict(self._env.context)) != self._fields:
            return None
        return self._made or None


def _start_audited(
    env: Env, argv: Sequence[str], said: str, on_start: Callable[[int], None] | None
) -> Callable[[int], None]:
    """What a batch's or a shell's start does: its record in the audit log at once (``said``
    with the pid in its ``{}``; no argv to replay: its lines get records of their own), then
    ``on_start``."""

    def started(pid: int) -> None:
        meta = {"kind": "batch", "text": said.format(pid)}
        record = env.record(meta, Result(tuple(argv), 0, "", "", 0.0, pid=pid), rc=None)
        del record["argv"]
        env.append_audit([record])
        if on_start is not None:
            on_start(pid)

    return started


def run_shell_steps(
    env: Env,
    lines: Sequence[Line],
    prelude: str,
    privileged: bool,
    on_start: Callable[[int], None] | None = None,
) -> tuple[list[int | None], Result]:
    """Run steps that only add to files the lab made in one ``bash -c``
    (:mod:`iplab.filesteps`); each ``line.line`` is its step's own ``bash -c`` text. The exit
    status of each step (None: not run, or not known to have run) and the shell's result,
    its standard error without the shell's marks.

    As an ``ip -batch``'s lines, each step that ran gets an audit record of its own (its
    text, its own argv, its status), the shell named in each; the start of the shell is
    recorded as soon as it started (``on_start`` then gets its pid)."""
    argv = ["bash", "-c", script([line.line for line in lines], prelude)]
    shown = ["bash", "-c", f"(the {len(lines)} steps below, each in a subshell)"]
    limits = Limits(batch_limit(env.runner.default_timeout, len(lines)))

    started = _start_audited(
        env, shown, f"bash -c started (pid {{}}): {len(lines)} steps", on_start
    )
    result = env.runner.execute(
        argv, privileged, meta={"audit": False}, limits=limits, on_start=started
    )
    status, stderr = statuses(result.stderr, len(lines))
    result = replace(result, stderr=stderr)
    at = auditlog.now()
    records = []
    for line, rc in zip(lines, status, strict=True):
        if rc is None:
            continue
        own = Result(line.argv, rc, "", stderr if rc else "", 0.0, result.stopped)
        records.append(env.record(
            {**line.meta, "text": line.text}, own, at, via=shown, shell_steps=len(lines),
            shell_ms=round(result.duration * 1000, 1), duration_ms=None,
        ))  # fmt: skip
    env.append_audit(records)
    return status, result
