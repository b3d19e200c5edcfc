"""The write-ahead undo journal of a lab.

Before a state-changing command runs, its intent is written durably: the
exact text, the argv, and the commands that undo it (rendered from the
model, each with the guard saying when it is due). After it, its outcome (the
outcomes of a batch's consecutive lines that ended alike are one record, ``seq`` to
``last``).
An intent without an outcome means the command *may* have run: undo then
checks the live state through the guards.

``lab.json`` (written atomically) says what the lab is: the scenario, the
prefix, the names it owns, and the names that existed on the host before
the first command (never touched by an undo). ``journal.jsonl`` is appended
with one write and an fsync per group of records; a torn last line (a crash
mid-write) is ignored by the reader. Besides intents and outcomes it holds the
processes that could outlive iplab: an ``ip -batch`` (``process``: pid, start
time), each command's own session (``session``: its step, pid and start time) and
what a command left running in the background (``jobs``: the step, and each process's
pid and start time), which ``down`` stops; and an intent's
undo as known once its command ran (``undo``: the lines it appended to a host file),
which takes the place of the one written ahead.

Why this module is long: one file format, written and read back here: intents and outcomes,
their serialisation, the lab record and its lock; what is written and what is read must
agree line by line.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import field
from pathlib import Path
from typing import Any, Literal

from iplab import statedir
from iplab.errors import IplabError, StateWriteError, UsageError, state_write_error
from iplab.inverse import Guard
from iplab.records import Record, frozen, mutable
from iplab.steps import Op, op_from_json, op_to_json

#: ``exists``: refused because the name it creates existed (someone else's: never undone)
Status = Literal["pending", "done", "failed", "exists", "skipped", "undone"]


@frozen(hot=True)
class UndoRecord(Record):
    """An inverse as the journal keeps it: what to do (the op, rendered into its exact
    command when it runs, with ``sudo `` when the scenario's policy says so) and the
    guard that says whether it is still due."""

    op: Op
    guard: Guard
    sudo: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"op": op_to_json(self.op), "guard": self.guard.to_json(), "sudo": self.sudo}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UndoRecord:
        return cls(op_from_json(data["op"]), Guard.from_json(data["guard"]), bool(data.get("sudo")))


@mutable(hot=True)
class Entry:
    seq: int
    run: str
    number: int
    phase: str
    text: str
    argv: tuple[str, ...]
    undo: tuple[UndoRecord, ...]
    #: what the command does, for the model (None in journals of older versions)
    op: Op | None = None
    status: Status = "pending"
    rc: int | None = None
    #: the directory the step ran in, for an undo that is a shell command (``rm -f
    #: index.html``): it runs there, wherever ``down`` is run from (None: not recorded)
    cwd: str | None = None

    def intent_json(self) -> dict[str, Any]:
        where = {"cwd": self.cwd} if self.cwd is not None else {}
        return {
            "type": "intent",
            "seq": self.seq,
            "run": self.run,
            "number": self.number,
            "phase": self.phase,
            "text": self.text,
            "argv": list(self.argv),
            "op": op_to_json(self.op) if self.op is not None else None,
            "undo": [u.to_json() for u in self.undo],
            **where,
            "time": time.time(),
        }


@mutable
class LabInfo:
    lab: str
    run: str
    scenario: str
    sha256: str
    prefix: str
    started: float
    owned_netns: list[str]
    owned_links: list[str]
    preexisting_netns: list[str] = field(default_factory=list)
    preexisting_links: list[str] = field(default_factory=list)
    #: the --templates directories of the run (undo commands are rendered with them)
    templates: list[str] = field(default_factory=list)
    #: the SHA-256 of each of their template files at ``up``: ``down`` refuses changed ones
    template_hashes: dict[str, str] = field(default_factory=dict)
    #: what each namespace and root link the lab made is, once ``up`` ran its setup
    #: (``netns NAME``: its inode; ``link NAME``: its index): ``down`` leaves alone one that
    #: someone deleted and made again under the same name since
    made: dict[str, str] = field(default_factory=dict)
    #: the host's boot when ``made`` was recorded (/proc/sys/kernel/random/boot_id): a
    #: link's index names it only until the host boots again
    boot_id: str = ""
    #: the kind of each root link of ``made`` (``link NAME``: ``bridge``, ``veth``...)
    kinds: dict[str, str] = field(default_factory=dict)
    #: the run's ``--var`` pairs (``verify LAB`` holds the kernel to the lab as it was built)
    var_pairs: list[str] = field(default_factory=list)
    #: its ``up`` has not finished the setup: it is running, or was killed halfway (hunt M:
    #: such a lab was listed as up); a record without it is of a lab that came up
    starting: bool = False
    #: its ``up`` failed and the rollback could not undo everything (hunt U: ``ls`` said
    #: such an up was killed halfway)
    rollback_failed: bool = False
    #: a ``down`` began undoing it (hunt CY: a down killed halfway, or one that could not
    #: undo everything, left a lab ``ls`` listed as up, with no word of what was gone)
    down_begun: bool = False

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LabInfo:
        """The record; ValueError naming the first field of the wrong kind (a record edited
        by hand: ``"started": "yesterday"`` was an internal error of ``iplab ls``)."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key, value in known.items():
            if not _INFO_KINDS[key](value):
                raise ValueError(f"its {key} is {type(value).__name__} {value!r:.40}")
        return cls(**known)


def _words(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


#: what each field of a lab record must hold
_INFO_KINDS: dict[str, Any] = {
    **dict.fromkeys(
        ("lab", "run", "scenario", "sha256", "prefix", "boot_id"), lambda v: isinstance(v, str)
    ),
    "started": lambda v: (
        isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v < 1e11
    ),  # a time (seconds since 1970) that time.localtime takes
    **dict.fromkeys(
        (
            "owned_netns",
            "owned_links",
            "preexisting_netns",
            "preexisting_links",
            "templates",
            "var_pairs",
        ),
        _words,
    ),
    **dict.fromkeys(("starting", "rollback_failed", "down_begun"), lambda v: isinstance(v, bool)),
    **dict.fromkeys(
        ("template_hashes", "made", "kinds"),
        lambda v: (
            isinstance(v, dict)
            and all(isinstance(k, str) and isinstance(h, str) for k, h in v.items())
        ),
    ),
}


class Journal:
    """One lab's journal. Use :func:`open_lab`, which holds the lab's lock."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.path = directory / "journal.jsonl"
        self.info_path = directory / "lab.json"
        self._next_seq: int | None = None  # read from the journal when first needed
        #: what was wrong with the records last read (file:line: what), skipped
        self.problems: list[str] = []
        #: why the lab record was rebuilt from the journal (lab.json missing or unreadable)
        self.recovered: str | None = None
        #: called when a write finds the disk full: True when it freed space (the reserve)
        self.on_full: Callable[[], bool] | None = None
        self._tail_checked = False
        #: what this process appended: the journal as it wrote it, when the file is gone
        #: (someone removed the state directory while the run went on)
        self._written: list[bytes] = []
        #: this process began an append (one that failed midway too: the state directory
        #: removed between its write and its fsync, hunt AQ's race)
        self._appending = False
        self._info_written: LabInfo | None = None  # (the lab record, as this process wrote it)
        #: set when the file was gone and the records this process wrote were read instead
        self.vanished = False

    # -- the lab -------------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.info_path.exists()

    @property
    def recorded_here(self) -> bool:
        """Whether this process wrote the lab record (it may since have been removed)."""
        return self._info_written is not None

    def info(self) -> LabInfo:
        """The lab record; when it is missing or unreadable but the journal has intents,
        a record rebuilt from them (``recovered`` says why): the names they create."""
        try:
            data = json.loads(statedir.read_state_file(self.info_path).decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError(f"a JSON {type(data).__name__}, not a record")
            info = LabInfo.from_json(data)
            if not isinstance(info.owned_netns, list) or not isinstance(info.owned_links, list):
                raise ValueError("owned_netns and owned_links must be lists")
            return info
        except (OSError, ValueError, TypeError) as exc:
            if isinstance(exc, FileNotFoundError) and self._info_written is not None:
                return self._info_written  # (removed while this process ran: see _read)
            why = "missing" if isinstance(exc, FileNotFoundError) else f"unreadable ({exc})"
            rebuilt = self._rebuilt_info()
            if rebuilt is None:
                raise UsageError(f"{self.info_path}: {why} lab record") from None
            self.recovered = f"{self.info_path} is {why}"
            return rebuilt

    def _rebuilt_info(self) -> LabInfo | None:
        from iplab.state import created_names

        entries = self.entries()
        if not entries:
            return None
        netns, links = created_names([e.op for e in entries if e.op is not None])
        return LabInfo(
            lab=self.dir.name, run=entries[0].run, scenario="(unknown: the lab record is lost)",
            sha256="", prefix="", started=0.0, owned_netns=sorted(netns),
            owned_links=sorted(links),
        )  # fmt: skip

    def recoverable(self) -> bool:
        """No lab record, but a journal with intents to undo."""
        return not self.exists() and bool(self.entries())

    def write_info(self, info: LabInfo) -> None:
        statedir.atomic_write(self.info_path, json.dumps(info.to_json(), indent=1) + "\n")
        self._info_written = info

    # -- records -------------------------------------------------------------------------------

    def new_entry(
        self, run: str, *, number: int, phase: str, text: str, argv: Sequence[str],
        undo: Sequence[UndoRecord], op: Op | None = None, cwd: str | None = None,
    ) -> Entry:  # fmt: skip
        if self._next_seq is None:
            self._next_seq = 1 + max((e.seq for e in self.entries()), default=0)
        entry = Entry(
            self._next_seq, run, number, phase, text, tuple(argv), tuple(undo), op, cwd=cwd
        )
        self._next_seq += 1
        return entry

    def intend(self, entries: Sequence[Entry]) -> None:
        """Write intents ahead, all in one durable write."""
        if entries:
            self._append([e.intent_json() for e in entries])

    def record(self, outcomes: Sequence[tuple[Entry, Status, int | None]]) -> None:
        for entry, status, rc in outcomes:
            entry.status, entry.rc = status, rc
        if outcomes:
            # not synced: a lost outcome reads as "maybe done", which undo checks on the
            # live state anyway; the next intent's sync flushes it to disk
            self._append(_outcome_records(outcomes, time.time()), sync=False)

    def amend(self, entry: Entry, undo: Sequence[UndoRecord]) -> None:
        """The undo of ``entry`` as known once its command ran (what a host file holds
        after it: the lines it appended), in place of the one written ahead."""
        entry.undo = tuple(undo)
        record = {"type": "undo", "seq": entry.seq, "undo": [u.to_json() for u in undo],
                  "time": time.time()}  # fmt: skip
        self._append([record])

    def mark_undone(self, entries: Sequence[Entry]) -> None:
        for entry in entries:
            entry.status = "undone"
        if entries:
            self._append([{"type": "undone", "seq": e.seq, "time": time.time()} for e in entries])

    def note(self, doing: str) -> None:
        """The lab's lock says what its holder (this process) does now (an up that rolls
        back: ``verify`` and ``ls`` say so); a lock that cannot be written is no harm."""
        with contextlib.suppress(OSError, IplabError):
            statedir.note_lock(self.dir / "lock", doing)

    def process(self, run: str, pid: int) -> None:
        """A process that may change state on its own (an ``ip -batch``) started: its pid and
        start time, so that a later ``down`` can stop it if it outlived this iplab."""
        from iplab.runner import start_time

        started = start_time(pid) if pid > 0 else None
        record = {"type": "process", "run": run, "pid": pid, "start": started, "time": time.time()}
        self._append([record])

    def session(self, run: str, step: int, pid: int) -> None:
        """The command of ``step`` started (``pid``, the leader of a session of its own): a
        later ``down`` stops what is left of that session if this iplab was killed while it
        ran (its pipeline's other processes, a subshell, which outlive the leader that dies
        with iplab). Not synced: a crash of the host ends those processes too."""
        from iplab.runner import start_time

        started = start_time(pid) if pid > 0 else None
        record = {"type": "session", "run": run, "step": step, "pid": pid, "start": started,
                  "time": time.time()}  # fmt: skip
        self._append([record], sync=False)

    def session_ended(self, run: str, step: int) -> None:
        """The command of ``step`` ended (its session is over: what it left with ``&`` is
        journaled as jobs). A step that changes nothing has no journal entry whose outcome
        would say so (``(echo hi; sleep 10) | ip netns exec a nc ...``): a later ``down``
        stops what is left of a session only of a step not seen to end. Not synced."""
        self._append([{"type": "session-end", "run": run, "step": step}], sync=False)

    def unknown_audited(self, seqs: Sequence[int]) -> None:
        """The audit log now says the commands of these entries, whose outcome the journal
        lacks (:func:`iplab.undo.audit_unknown`): a later ``down`` does not say them again."""
        self._append([{"type": "audited", "seqs": list(seqs)}])

    def audited_unknown(self) -> set[int]:
        """The entries :meth:`unknown_audited` recorded."""
        return {
            seq
            for record in self._records("audited")
            for seq in record.get("seqs") or ()
            if isinstance(seq, int)
        }

    def unended_sessions(self) -> list[tuple[int, int, int]]:
        """(step, pid, start time) of each session of a step this lab's iplab did not see
        end: its entry has no outcome, or it has no entry (a step that changes nothing) and
        no end record (:meth:`session_ended`)."""
        records = self._records("session")
        if not records:
            return []
        ended = {(str(r.get("run")), r.get("step")) for r in self._records("session-end")}
        entries = self.entries()
        pending = {(e.run, e.number) for e in entries if e.status == "pending"}
        seen_end = ({(e.run, e.number) for e in entries} - pending) | ended
        keys = {(str(r.get("run")), r["step"]) for r in records if _count(r.get("step"))}
        return self.sessions(of={key for key in keys if key in pending or key not in seen_end})

    def sessions(self, of: Collection[tuple[str, int]] | None = None) -> list[tuple[int, int, int]]:
        """(step, pid, start time) of each command whose session :meth:`session` recorded;
        ``of``: only of these steps (run, step number)."""
        return [
            (r["step"], r["pid"], r["start"])
            for r in self._records("session")
            if _count(r.get("step")) and _count(r.get("pid")) and _count(r.get("start"))
            and (of is None or (r.get("run"), r["step"]) in of)
        ]  # fmt: skip

    def jobs(self, run: str, step: int, members: Sequence[tuple[int, int]]) -> None:
        """What the command of ``step`` left running in the background (``server &``): each
        process (pid, start time), all in the session the command started, which ``down``
        stops while one of them lives (see :func:`iplab.undo.stop_jobs`)."""
        record = {"type": "jobs", "run": run, "step": step, "members": [list(m) for m in members],
                  "time": time.time()}  # fmt: skip
        self._append([record])

    def job_log(self, step: int) -> Path:
        """Where the output of what ``step`` runs in the background goes (removed with the
        lab's directory when the lab is down)."""
        return self.dir / f"jobs-step-{step}.log"

    def _records(self, kind: str) -> list[dict[str, Any]]:
        """The records of one kind. Only the lines that can be one are decoded (a string
        cannot hold ``"process"`` unescaped): a large lab's journal has thousands of others,
        and ``entries`` names damaged lines."""
        out = []
        mark = f'"{kind}"'.encode()
        for raw in self._read().split(b"\n"):
            if mark not in raw:
                continue
            try:
                record = json.loads(raw)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("type") == kind:
                out.append(record)
        return out

    def processes(self) -> list[tuple[int, int]]:
        """(pid, start time) of every process the journal says was started."""
        return [
            (r["pid"], r["start"])
            for r in self._records("process")
            if _count(r.get("pid")) and _count(r.get("start"))
        ]

    def job_sessions(self) -> list[tuple[int, list[tuple[int, int]]]]:
        """(step, [(pid, start time)...]) of each command that left jobs in the background."""
        out: list[tuple[int, list[tuple[int, int]]]] = []
        for record in self._records("jobs"):
            step, members = record.get("step"), record.get("members")
            if not isinstance(step, int) or not _count(step) or not isinstance(members, list):
                continue
            pairs: list[tuple[int, int]] = [
                (m[0], m[1])
                for m in members
                if isinstance(m, list) and len(m) == 2 and _count(m[0]) and _count(m[1])
            ]
            out.append((step, pairs))
        return out

    def _append(self, records: list[dict[str, Any]], sync: bool = True) -> None:
        """Append durably; a full disk first gets the space set aside (``on_full``), then
        it is one clear error (the command whose intent this was does not run)."""
        if self.vanished:  # (a new file would hold these records alone: no lab's journal)
            raise state_write_error(
                FileNotFoundError(errno.ENOENT, "gone", str(self.path)), str(self.path)
            )
        text = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
        self._appending = True
        if not self._tail_checked:  # a line torn by a crash stays alone on its line
            self._tail_checked = True
            with contextlib.suppress(OSError), self.path.open("rb") as f:
                size = f.seek(0, os.SEEK_END)
                if size and f.seek(size - 1) >= 0 and f.read(1) != b"\n":
                    text = "\n" + text
        # (once this process wrote the journal, a file gone is not made anew: it would hold
        # the records after its removal alone, and the rollback would undo only those: the
        # state directory removed during an up, hunt AQ's race)
        create = not self._written
        try:
            try:
                statedir.append_durably(self.path, text, sync, create)
            except OSError as exc:
                if exc.errno != errno.ENOSPC or self.on_full is None or not self.on_full():
                    raise
                statedir.append_durably(self.path, text, sync, create)
        except OSError as exc:
            raise state_write_error(exc, str(self.path)) from None
        self._written.append(text.encode("utf-8"))

    def reserve(self, size: int) -> Path:
        """Set ``size`` bytes aside in the lab's directory, for the journal and the audit
        log of this run and its undo: a disk too full for that refuses the run before
        anything touches the kernel. The space is given back when a write finds the disk
        full (``on_full``), and when the lab is archived."""
        path = self.dir / "reserve"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.posix_fallocate(fd, 0, size)
            finally:
                os.close(fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                path.unlink()
            raise StateWriteError(
                f"not starting: the state directory {self.dir.parent.parent} has no room for"
                f" the journal and audit log of this run of lab {self.dir.name}"
                f" ({size // 1024} KiB): {exc.strerror or exc}",
                hint="free space, or pass --state-dir DIR",
            ) from None
        return path

    def _read(self) -> bytes:
        """The whole journal (nothing when there is none yet). When the file is gone though
        this process wrote it, what it wrote (hunt AQ: the state directory removed during
        an up of 300 namespaces; its rollback found no journal and left 251 of them)."""
        try:
            return statedir.read_state_file(self.path)
        except FileNotFoundError:
            # (an append begun and failed as the file went: it wrote it, and the records
            # it holds are those that were durable, none when that was the first)
            self.vanished = bool(self._written) or self._appending
            return b"".join(self._written)
        except OSError as exc:
            raise UsageError(f"cannot read {self.path}: {exc.strerror}") from None

    def lines(self) -> list[tuple[int, dict[str, Any]]]:
        """(line number, record) of every readable line; each unreadable one is named in
        ``problems`` (file:line, what is wrong) and skipped. A torn last line (a crash
        mid-write: no newline at its end) is the only damage taken silently."""
        self.problems = []
        raw_lines = self._read().split(b"\n")
        torn = raw_lines.pop()  # after the last newline: empty, or a torn write
        whole = _whole(raw_lines)  # the common case, in one pass of the decoder
        out = whole if whole is not None else self._each(raw_lines)
        if torn.strip():
            try:
                record = json.loads(torn.decode("utf-8"))
                if isinstance(record, dict):  # complete, only its newline missing
                    out.append((len(raw_lines) + 1, record))
            except ValueError:
                pass  # torn by a crash mid-write
        return out

    def _each(self, raw_lines: Sequence[bytes]) -> list[tuple[int, dict[str, Any]]]:
        """Each line read on its own: the readable ones, the others named in ``problems``."""
        out = []
        for number, raw in enumerate(raw_lines, start=1):
            problem = None
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                problem = "bytes that are not UTF-8"
            except ValueError:
                problem = "not JSON"
            else:
                if not isinstance(record, dict):
                    problem = f"a JSON {type(record).__name__}, not a record"
                else:
                    out.append((number, record))
            if problem:
                self.problems.append(f"{self.path}:{number}: {problem}; the line is skipped")
        return out

    def entries(
        self, only: Callable[[dict[str, Any]], bool] | None = None, *, ops: bool = True
    ) -> list[Entry]:
        """Every intent with its latest outcome; a record that is not valid is named in
        ``problems`` (file:line, field, what is wrong) and skipped.

        ``only``: keep just the intents whose record it accepts (it sees the JSON record,
        before its op is decoded); the others, and their outcomes, are passed over
        undecoded. A question about a few kinds of command (which qdiscs the lab's tc lines
        left) so costs a pass over the text, not an op per line.

        ``ops=False``: the entries' ops and undo records are not decoded (each ``op`` is
        None, each ``undo`` empty): for a question about the outcomes alone, which a lab of
        1,501 intents answered in 40 ms, 30 of them decoding ops (#14, ``verify``)."""
        by_seq: dict[int, Entry] = {}
        passed: set[object] = set()
        lines = self.lines()
        for number, record in lines:
            kind = record.get("type")
            try:
                if only is not None and (
                    (record.get("seq") in passed and "last" not in record)
                    or (kind == "intent" and not only(record))
                ):
                    passed.add(record.get("seq"))
                    continue
                if kind == "intent":
                    entry = _intent(record, ops)
                    by_seq[entry.seq] = entry
                    continue
                if kind not in _KINDS:
                    raise _Bad(f"unknown record type {kind!r}")
                seq = record.get("seq")
                if kind in ("process", "session"):
                    _check(record, "pid", int)
                    continue
                if kind == "jobs":
                    _check(record, "step", int)
                    _check(record, "members", list)
                    continue
                if kind == "session-end":
                    _check(record, "step", int)
                    continue
                if kind == "audited":
                    _check(record, "seqs", list)
                    continue
                _check(record, "seq", int)
                if kind == "outcome" and "last" in record:
                    self._outcomes(record, by_seq, passed)
                    continue
                if seq not in by_seq:
                    raise _Bad(f"seq {seq} has no intent before it")
                if kind == "undo":
                    if ops:
                        by_seq[seq].undo = _undo_records(record)
                elif kind == "outcome":
                    status = record.get("status")
                    if status not in _STATUSES:
                        raise _Bad(f"status {status!r} is not one of {', '.join(_STATUSES)}")
                    by_seq[seq].status = status
                    rc = record.get("rc")
                    by_seq[seq].rc = rc if isinstance(rc, int) else None
                else:
                    by_seq[seq].status = "undone"
            except _Bad as exc:
                self.problems.append(f"{self.path}:{number}: {exc}; the record is skipped")
        return [by_seq[k] for k in sorted(by_seq)]

    def _outcomes(
        self, record: dict[str, Any], by_seq: dict[int, Entry], passed: set[object]
    ) -> None:
        """One outcome of the intents ``seq`` to ``last`` (a batch's lines, written as one
        record: :func:`_outcome_records`); when an intent of the range is missing, the
        record is skipped and said once."""
        first, last = record["seq"], _check(record, "last", int)
        if last < first:
            raise _Bad(f"'last' {last} is before 'seq' {first}")
        status = record.get("status")
        if status not in _STATUSES:
            raise _Bad(f"status {status!r} is not one of {', '.join(_STATUSES)}")
        seqs = [seq for seq in range(first, last + 1) if seq not in passed]
        if missing := sum(1 for seq in seqs if seq not in by_seq):  # (a damaged journal:
            # its intents stay "maybe done", which undo checks on the live state)
            raise _Bad(f"seqs {first} to {last}: {missing} have no intent before them")
        rc = record.get("rc")
        for seq in seqs:
            by_seq[seq].status, by_seq[seq].rc = status, rc if isinstance(rc, int) else None

    def failed_steps(self, run: str) -> list[int]:
        """The setup steps of ``run`` whose command failed and that the run went on after
        (they ``may_fail``): they changed nothing, and ``verify LAB`` expects nothing of
        them, as ``up``'s own verify did (hunt F)."""
        failed = {
            e.number
            for e in self.entries(
                lambda r: r.get("run") == run and r.get("phase") == "setup", ops=False
            )
            if e.status == "failed"
        }
        return sorted(failed)

    def failed_steps_of(
        self, info: LabInfo, sha256: str, var_pairs: Sequence[str] | None
    ) -> list[int]:
        """:meth:`failed_steps` of the run ``info`` names, when the lab came up from the
        scenario text ``sha256`` with the ``--var`` pairs ``var_pairs`` (None: not compared):
        its steps are then numbered as the journal numbers them; [] otherwise."""
        if info.sha256 != sha256:
            return []
        if var_pairs is not None and list(var_pairs) != list(info.var_pairs):
            return []
        return self.failed_steps(info.run)

    def archive(self, state_dir: Path) -> Path | None:
        """Move the journal to history/ and remove the lab's directory."""
        target = None
        if self.path.exists():
            history = statedir.ensure_dir(state_dir / "history")
            info = self.info() if self.exists() else None
            run = info.run if info else "unknown"
            target = history / f"{self.dir.name}@{run}.jsonl"
            shutil.move(str(self.path), target)
        for child in self.dir.iterdir():
            if child.name != "lock":
                child.unlink()
        return target


def _count(value: object) -> bool:
    """A whole number of the journal (a pid, a start time, a step), never a bool."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


_KINDS = (
    "intent", "outcome", "undone", "undo", "process", "session", "session-end", "jobs", "audited",
)  # fmt: skip
_STATUSES: tuple[Status, ...] = ("pending", "done", "failed", "exists", "skipped", "undone")


class _Bad(ValueError):
    """A journal record that is not valid (the message says which field and why)."""


def _whole(raw_lines: Sequence[bytes]) -> list[tuple[int, dict[str, Any]]] | None:
    """(line number, record) of every line when each is one JSON record, else None (then
    each line is read on its own, to name the bad ones). One decoder pass over all the
    lines costs half as much as a pass per line."""
    try:
        records = json.loads(b"[" + b",".join(raw_lines) + b"]")
    except ValueError:  # UnicodeDecodeError included
        return None
    if len(records) != len(raw_lines) or not all(isinstance(r, dict) for r in records):
        return None
    return list(enumerate(records, start=1))


def _outcome_records(
    outcomes: Sequence[tuple[Entry, Status, int | None]], now: float
) -> list[dict[str, Any]]:
    """The journal's records of these outcomes: one for each run of consecutive intents
    with the same status and exit code (``seq`` to ``last``: a batch of 1,501 lines that
    all ran is one record, not 1,501: 15 ms of star-500's up, #14), one alone as before."""
    records: list[dict[str, Any]] = []
    for entry, status, rc in outcomes:
        if records:
            last = records[-1]
            if (last["status"], last["rc"]) == (status, rc) and entry.seq == last.get(
                "last", last["seq"]
            ) + 1:
                last["last"] = entry.seq
                continue
        records.append({"type": "outcome", "seq": entry.seq, "status": status, "rc": rc,
                        "time": now})  # fmt: skip
    return records


def _check(record: dict[str, Any], key: str, kind: type) -> Any:
    value = record.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        found = "missing" if key not in record else f"{type(value).__name__} {value!r}"
        raise _Bad(f"'{key}' must be {'a whole number' if kind is int else kind.__name__}, "
                   f"found {found}")  # fmt: skip
    return value


def _intent(record: dict[str, Any], ops: bool = True) -> Entry:
    seq = _check(record, "seq", int)
    argv = _check(record, "argv", list)
    undos = _undo_records(record) if ops else ()
    if not all(isinstance(a, str) for a in argv):
        raise _Bad("'argv' must be a list of strings")
    op = None
    if ops and record.get("op") is not None:
        try:
            op = op_from_json(record["op"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _Bad(f"'op' is not an operation ({type(exc).__name__}: {exc})") from None
    cwd = record.get("cwd")
    if cwd is not None and not (isinstance(cwd, str) and cwd.startswith("/")):
        raise _Bad(f"'cwd' must be an absolute directory, found {cwd!r}")
    return Entry(
        seq, _check(record, "run", str), _check(record, "number", int),
        _check(record, "phase", str), _check(record, "text", str), tuple(argv), undos, op,
        cwd=cwd,
    )  # fmt: skip


def _undo_records(record: dict[str, Any]) -> tuple[UndoRecord, ...]:
    """The ``undo`` list of an intent (or of an ``undo`` record that amends one)."""
    undos = []
    for i, u in enumerate(_check(record, "undo", list)):
        try:
            undos.append(UndoRecord.from_json(u))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _Bad(f"undo[{i}] is not an undo record ({type(exc).__name__}: {exc})") from None
    return tuple(undos)


def lab_dir(state_dir: Path, lab: str) -> Path:
    return state_dir / "labs" / statedir.check_lab_name(lab)


def open_lab(state_dir: Path, lab: str, stack: ExitStack, doing: str = "") -> Journal:
    """The lab's journal, with the lab's lock held until ``stack`` closes; the lock says
    what this process does with the lab (``up``, ``down``...: :data:`statedir.DOING`)."""
    statedir.check_lab_name(lab)
    statedir.ensure_dir(state_dir)  # each level its own 0700 (mkdir's parents get 0755)
    statedir.ensure_dir(state_dir / "labs")
    directory = statedir.ensure_dir(lab_dir(state_dir, lab))
    stack.enter_context(statedir.locked(directory / "lock", f"lab {lab}", doing=doing))
    return Journal(directory)


def forget(state_dir: Path, lab: str) -> bool:
    """Remove the directory of a lab that is down, which holds only its lock (what
    :meth:`Journal.archive` leaves), unless a process holds the lock now; whether it did.
    For a lab whose name is not used again: the pytest plugin's labs (each test's prefix
    is its own) left one such directory in the state directory a test, every run."""
    directory = lab_dir(state_dir, lab)
    try:
        fd = statedir.open_state_file(directory / "lock", os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # (in use: it stays)
        if [child.name for child in directory.iterdir()] != ["lock"]:
            return False
        (directory / "lock").unlink()
        directory.rmdir()
        return True
    finally:
        os.close(fd)


def labs(state_dir: Path) -> Iterator[tuple[str, Journal]]:
    """Labs that are up: those with a lab record."""
    root = state_dir / "labs"
    statedir.check_tree(state_dir, "labs")
    if not root.is_dir():
        return
    for directory in sorted(root.iterdir()):
        if (directory / "lab.json").exists():
            yield directory.name, Journal(directory)


def lab_info(state_dir: Path, name: str) -> LabInfo:
    """The record of a lab that is up, or a UsageError naming the way to list them."""
    journal = Journal(lab_dir(state_dir, name))
    if not journal.exists():
        raise no_such_lab(state_dir, name)
    return journal.info()


def no_such_lab(state_dir: Path, lab: str) -> UsageError:
    """The error of a lab that is not up, naming the state directory looked in: one
    started with another (sudo may drop IPLAB_STATE_DIR) is not seen (hunt M)."""
    try:
        up = [name for name, _ in labs(state_dir)]
    except IplabError:  # the directory itself is wrong: said when it is used
        up = []
    # a lab is named prefix + scenario: its prefix or its scenario's name is half of it
    meant = [n for n in up if lab and (n.startswith(lab) or n.endswith(lab))]
    meant = meant or difflib.get_close_matches(lab, up, n=3, cutoff=0.75)
    if meant:  # (hunt AX: iplab down lab, for the lab haxb10lab)
        return UsageError(
            f"no lab named {lab} is up in the state directory {state_dir}",
            hint=f"did you mean {', '.join(meant[:3])}? `iplab ls` lists the labs that are up",
        )
    return UsageError(
        f"no lab named {lab} is up in the state directory {state_dir}",
        hint="`iplab ls` lists the labs that are up there; for a lab started with another"
        " state directory, pass --state-dir DIR or set IPLAB_STATE_DIR",
    )
