"""The write-ahead undo journal of a lab.

Before a state-changing command runs, its intent is written durably: the
exact text, the argv, and the commands that undo it (rendered from the
model, each with the guard saying when it is due). After it, its outcome.
An intent without an outcome means the command *may* have run: undo then
checks the live state through the guards.

``lab.json`` (written atomically) says what the lab is: the scenario, the
prefix, the names it owns, and the names that existed on the host before
the first command (never touched by an undo). ``journal.jsonl`` is appended
with one write and an fsync per group of records; a torn last line (a crash
mid-write) is ignored by the reader.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from iplab import statedir
from iplab.errors import UsageError
from iplab.model import Guard
from iplab.steps import Op, op_from_json, op_to_json

#: ``exists``: refused because the name it creates existed (someone else's: never undone)
Status = Literal["pending", "done", "failed", "exists", "skipped", "undone"]


@dataclass(frozen=True)
class UndoRecord:
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


@dataclass
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

    def intent_json(self) -> dict[str, Any]:
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
            "time": time.time(),
        }


@dataclass
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

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LabInfo:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


class Journal:
    """One lab's journal. Use :func:`open_lab`, which holds the lab's lock."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.path = directory / "journal.jsonl"
        self.info_path = directory / "lab.json"
        self._next_seq: int | None = None  # read from the journal when first needed

    # -- the lab -------------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.info_path.exists()

    def info(self) -> LabInfo:
        try:
            return LabInfo.from_json(json.loads(statedir.read_state_text(self.info_path)))
        except (OSError, ValueError, TypeError) as exc:
            raise UsageError(f"{self.info_path}: unreadable lab record ({exc})") from None

    def write_info(self, info: LabInfo) -> None:
        statedir.atomic_write(self.info_path, json.dumps(info.to_json(), indent=1) + "\n")

    # -- records -------------------------------------------------------------------------------

    def new_entry(
        self, run: str, *, number: int, phase: str, text: str, argv: Sequence[str],
        undo: Sequence[UndoRecord], op: Op | None = None,
    ) -> Entry:  # fmt: skip
        if self._next_seq is None:
            self._next_seq = 1 + max((e.seq for e in self.entries()), default=0)
        entry = Entry(self._next_seq, run, number, phase, text, tuple(argv), tuple(undo), op)
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
            self._append(
                [
                    {"type": "outcome", "seq": e.seq, "status": s, "rc": rc, "time": time.time()}
                    for e, s, rc in outcomes
                ],
                sync=False,
            )

    def mark_undone(self, entries: Sequence[Entry]) -> None:
        for entry in entries:
            entry.status = "undone"
        if entries:
            self._append([{"type": "undone", "seq": e.seq, "time": time.time()} for e in entries])

    def process(self, run: str, pid: int) -> None:
        """A process that may change state on its own (an ``ip -batch``) started: its pid and
        start time, so that a later ``down`` can stop it if it outlived this iplab."""
        from iplab.runner import start_time

        started = start_time(pid) if pid > 0 else None
        record = {"type": "process", "run": run, "pid": pid, "start": started, "time": time.time()}
        self._append([record])

    def processes(self) -> list[tuple[int, int]]:
        """(pid, start time) of every process the journal says was started."""
        out = []
        for record in self._records():
            if record.get("type") == "process" and isinstance(record.get("start"), int):
                out.append((int(record["pid"]), int(record["start"])))
        return out

    def _records(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                out.append(record)
        return out

    def _append(self, records: list[dict[str, Any]], sync: bool = True) -> None:
        text = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
        statedir.append_durably(self.path, text, sync)

    def entries(self) -> list[Entry]:
        if not self.path.exists():
            return []
        by_seq: dict[int, Entry] = {}
        for line in statedir.read_state_text(self.path).splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a torn last line after a crash
            seq = record.get("seq")
            if record.get("type") == "intent":
                by_seq[seq] = Entry(
                    seq,
                    record["run"],
                    record["number"],
                    record["phase"],
                    record["text"],
                    tuple(record["argv"]),
                    tuple(UndoRecord.from_json(u) for u in record["undo"]),
                    op_from_json(record["op"]) if record.get("op") else None,
                )
            elif seq in by_seq and record.get("type") == "outcome":
                by_seq[seq].status = record["status"]
                by_seq[seq].rc = record.get("rc")
            elif seq in by_seq and record.get("type") == "undone":
                by_seq[seq].status = "undone"
        return [by_seq[k] for k in sorted(by_seq)]

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


def lab_dir(state_dir: Path, lab: str) -> Path:
    return state_dir / "labs" / statedir.check_lab_name(lab)


def open_lab(state_dir: Path, lab: str, stack: ExitStack) -> Journal:
    """The lab's journal, with the lab's lock held until ``stack`` closes."""
    statedir.check_lab_name(lab)
    statedir.ensure_dir(state_dir)  # each level its own 0700 (mkdir's parents get 0755)
    statedir.ensure_dir(state_dir / "labs")
    directory = statedir.ensure_dir(lab_dir(state_dir, lab))
    stack.enter_context(statedir.locked(directory / "lock", f"lab {lab}"))
    return Journal(directory)


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
        raise UsageError(f"no lab named {name} is up", hint="`iplab ls` lists the labs that are up")
    return journal.info()
