"""What a lab operation works with: the runner, the state directory, the audit log,
where to print; plus signal handling, failpoints, and batched execution.
"""

from __future__ import annotations

import atexit
import os
import signal
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from iplab import audit as auditlog
from iplab.batch import failed_lines
from iplab.errors import IplabError
from iplab.runner import Result, Runner, truncate


class Interrupted(IplabError):
    exit_code = 130


@dataclass
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

    def append_audit(self, records: list[dict[str, Any]]) -> None:
        """Write records to the audit log, after the deferred records of reads (in order)."""
        pending, self.deferred = self.deferred, []
        self.audit.append([*pending, *records])

    def flush_audit(self) -> None:
        if self.deferred:
            self.append_audit([])

    def record(self, meta: dict[str, Any], result: Result, **extra: Any) -> dict[str, Any]:
        return {
            "time": auditlog.now(),
            **self.shared,
            **self.context,
            **meta,
            "argv": list(result.argv),
            "rc": result.rc,
            "duration_ms": round(result.duration * 1000, 1),
            "stdout": truncate(result.stdout),
            "stderr": truncate(result.stderr),
            "dry_run": False,
            **extra,
        }


def make_env(
    state_dir: Path, out: TextIO, err: TextIO, runner: Runner | None = None, verbose: bool = False
) -> Env:
    env = Env(runner or Runner(), state_dir, out, err, auditlog.AuditLog(state_dir))
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
            env.err.write(f"iplab: {meta.get('text')} ({result.duration * 1000:.0f} ms{note})\n")

    env.runner.hook = hook
    atexit.register(env.flush_audit)
    return env


# -- batches ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of a batch: its exact text, its own argv, and what ``ip -batch`` reads."""

    text: str
    argv: tuple[str, ...]
    line: str
    meta: dict[str, Any]


def run_batch(
    env: Env, lines: Sequence[Line], privileged: bool, force: bool = False
) -> tuple[list[int | None], Result]:
    """Feed lines to one ``ip -batch -``; the exit status of each line (None: not run).

    Each line that ran gets an audit record of its own (its text, its argv, its
    status), written together; the batch process itself is named in each.
    Without ``force`` ip stops at the first failure, with it ip goes on.
    """
    argv = ["ip", *(["-force"] if force else []), "-batch", "-"]
    stdin = "".join(line.line + "\n" for line in lines)
    result = env.runner.execute(argv, privileged, stdin=stdin, meta={"audit": False})
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
    records = []
    for line, rc in zip(lines, status, strict=True):
        if rc is None:
            continue
        own = Result(line.argv, rc, "", result.stderr if rc else "", 0.0)
        record = env.record(
            {**line.meta, "text": line.text},
            own,
            via=list(result.argv),
            batch_lines=len(lines),
            batch_ms=round(result.duration * 1000, 1),
            duration_ms=None,  # a line's own time is not known: the batch's is
        )
        records.append(record)
    env.append_audit(records)
    return status, result


# -- interrupts and fault points -------------------------------------------------------------


class Signals:
    """SIGINT/SIGTERM set a flag; the run stops at the next command boundary."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._old: dict[int, Any] = {}

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        del frame
        self.received = signum

    def __enter__(self) -> Signals:
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._old[sig] = signal.signal(sig, self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)

    def check(self) -> None:
        if self.received is not None:
            name = signal.Signals(self.received).name
            raise Interrupted(f"{name} received: stopping at this command boundary")


def fault(point: str, count: int) -> None:
    """Failpoints for the crash tests. ``IPLAB_FAULT=after-run:3`` SIGKILLs iplab itself
    after the 3rd state-changing command ran and before its outcome is recorded;
    ``IPLAB_FAULT=SIGINT@after-run:3`` sends it SIGINT there instead (as a Ctrl-C would)."""
    spec = os.environ.get("IPLAB_FAULT")
    if not spec:
        return
    sig_name, _, where = spec.rpartition("@")
    if where == f"{point}:{count}":
        os.kill(os.getpid(), signal.Signals[sig_name] if sig_name else signal.SIGKILL)
