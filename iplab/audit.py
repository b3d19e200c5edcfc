"""The audit log: one JSON line per command iplab ran (or showed in a dry run).

Each record carries the hash of the previous one (``prev``) and its own
(``hash``, the SHA-256 of the record without it, keys sorted), so that a
deleted or edited record breaks the chain. ``audit.head`` remembers the
number of records and the last hash, so that cutting records off the end
is detected too.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from iplab import statedir
from iplab.errors import UsageError

GENESIS = "0" * 64


def _canonical(record: dict[str, Any]) -> bytes:
    body = {k: v for k, v in record.items() if k != "hash"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(record: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(record)).hexdigest()


def context() -> dict[str, Any]:
    """Who, where: the fields every record shares."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - a uid without a passwd entry
        user = str(os.getuid())
    return {
        "user": user,
        "uid": os.getuid(),
        "sudo_user": os.environ.get("SUDO_USER"),
        "host": socket.gethostname(),
        "cwd": _cwd(),
        "pid": os.getpid(),
    }


def _cwd() -> str:
    try:
        return os.getcwd()
    except OSError:  # the directory was deleted under us
        return "(deleted)"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class AuditLog:
    def __init__(self, state_dir: Path) -> None:
        self.dir = state_dir
        self.path = state_dir / "audit.jsonl"
        self.head = state_dir / "audit.head"
        self.lock = state_dir / "audit.lock"

    def append(self, records: Sequence[dict[str, Any]]) -> None:
        """Chain and append records (one write, one fsync, under the audit lock)."""
        if not records:
            return
        statedir.ensure_dir(self.dir)
        with statedir.locked(self.lock, "the audit log", blocking=True):
            count, prev, torn = self._tail()
            lines = []
            for record in records:
                chained = {**record, "prev": prev}
                chained["hash"] = record_hash(chained)
                prev = chained["hash"]
                lines.append(json.dumps(chained, ensure_ascii=False, separators=(",", ":")))
            text = ("\n" if torn else "") + "".join(line + "\n" for line in lines)
            statedir.append_durably(self.path, text)
            # the head is advisory and may lag after a crash (verify allows that); only a
            # log shorter than its head means records were cut off
            statedir.atomic_write(
                self.head, json.dumps({"count": count + len(lines), "hash": prev}), sync=False
            )

    def _read_head(self) -> tuple[int, str] | None:
        try:
            data = json.loads(self.head.read_text())
            return int(data["count"]), str(data["hash"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _tail(self) -> tuple[int, str, bool]:
        """(records in the log, hash of the last, whether the log ends in a torn line)."""
        if not self.path.exists():
            return 0, GENESIS, False
        with self.path.open("rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - 65536))
            chunk = f.read()
        torn = bool(chunk) and not chunk.endswith(b"\n")
        last_hash = GENESIS
        for line in reversed(chunk.splitlines()):
            try:
                last_hash = str(json.loads(line)["hash"])
                break
            except (ValueError, KeyError, TypeError):
                continue
        head = self._read_head()
        if head is not None and head[1] == last_hash:
            return head[0], last_hash, torn
        valid = sum(1 for r in self.read() if "_unreadable" not in r)  # the head lags: count
        return valid, last_hash, torn

    def read(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        out = []
        # a byte that is not UTF-8 spoils its line only (shown as unreadable)
        for raw in self.path.read_bytes().splitlines():
            try:
                out.append(json.loads(raw.decode("utf-8")))
            except ValueError:
                out.append({"_unreadable": raw.decode("utf-8", "replace")})
        return out

    def verify(self) -> tuple[bool, str]:
        """Check the chain; name the first broken record.

        A line that is not JSON is a write torn by a crash when the chain goes on
        unbroken after it (nothing valid was lost); it is reported, not an error.
        """
        lines = self.read()
        torn = sum(1 for r in lines if "_unreadable" in r)
        records = [r for r in lines if "_unreadable" not in r]
        prev = GENESIS
        for i, record in enumerate(records, start=1):
            where = f"record {i}"
            where += f" ({record.get('time', '?')}: {record.get('text', '?')})"
            if record.get("prev") != prev:
                return (
                    False,
                    f"{where}: the chain is broken before it (a record was deleted or edited)",
                )
            if record.get("hash") != record_hash(record):
                return False, f"{where} was edited: its hash does not match its content"
            prev = record["hash"]
        head = self._read_head()
        if self.head.exists() and head is None:
            return False, "audit.head is unreadable"
        if head is not None:
            count, last = head
            if count > len(records) or (count and records[count - 1].get("hash") != last):
                return False, (
                    f"the log ends at record {len(records)} but audit.head says "
                    f"{count}: records were cut off the end"
                )
        note = f" ({torn} line torn by a crash, skipped)" if torn else ""
        return True, f"{len(records)} records, chain intact{note}"


# -- reading it back -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    lab: str | None = None
    run: str | None = None
    since: datetime | None = None
    failed: bool = False

    def keep(self, record: dict[str, Any]) -> bool:
        if self.lab and record.get("lab") != self.lab:
            return False
        if self.run and self.run not in str(record.get("run", "")):
            return False
        if self.failed and record.get("rc") in (0, None):
            return False
        if self.since:
            try:
                when = datetime.fromisoformat(record["time"])
            except (KeyError, ValueError):
                return False
            if when < self.since:
                return False
        return True


_RELATIVE = re.compile(r"(\d+)\s*([smhdw])")


def parse_since(text: str, now_: datetime | None = None) -> datetime:
    """``30m``, ``2h``, ``1d``, ``1w`` ago, or an ISO date/time (UTC when no zone is given)."""
    current = now_ or datetime.now(UTC)
    match = _RELATIVE.fullmatch(text.strip())
    if match:
        unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
        return current - timedelta(**{unit[match.group(2)]: int(match.group(1))})
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--since {text!r}: use 30m, 2h, 1d, or a date like 2026-11-27T10:00"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _ms(record: dict[str, Any]) -> str:
    if record.get("duration_ms") is not None:
        return str(record["duration_ms"])
    if record.get("batch_ms") is not None:
        return f"{record['batch_ms']}b"
    return ""


def table(records: Iterable[dict[str, Any]]) -> str:
    """Time, lab, run (the unique end of its id), step (``u``: an undo), exit status,
    milliseconds (``b``: of the whole ``ip -batch`` the line ran in), the exact text."""
    rows = [("TIME", "LAB", "RUN", "STEP", "RC", "MS", "COMMAND")]
    for r in records:
        rc = "dry" if r.get("dry_run") else ("?" if r.get("rc") is None else str(r["rc"]))
        step = str(r.get("step") or "") + ("u" if r.get("kind") == "undo" else "")
        rows.append(
            (
                str(r.get("time", ""))[:19].replace("T", " "),
                str(r.get("lab") or "-"),
                str(r.get("run") or "-").rsplit("-", 1)[-1],
                step or "-",
                rc,
                _ms(r),
                str(r.get("text", "")),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)) + "  " + row[-1]
        for row in rows
    ]
    if any(row[5].endswith("b") for row in rows[1:]):
        lines.append("(MS with b: the time of the whole ip -batch process the line ran in)")
    return "".join(line + "\n" for line in lines)


def replay_script(records: Iterable[dict[str, Any]]) -> str:
    """Exactly the commands that ran, in order, as a bash script (dry-run lines excluded)."""
    import shlex

    out = [
        "#!/usr/bin/env bash",
        "# Commands iplab ran, in order, from its audit log.",
        "# No `set -e`: a replay goes on past a failure, as the recorded run did",
        "# (its undo commands ran next).",
    ]
    for r in records:
        if r.get("dry_run") or not r.get("argv"):
            continue
        run = str(r.get("run"))[:8]
        note = f"# {r.get('time', '')} lab={r.get('lab')} run={run} step={r.get('step')}"
        if r.get("kind") == "undo":
            note += " (undo)"
        if r.get("rc") not in (0, None):
            note += f" -- exited {r['rc']}"
        out += [note, shlex.join(r["argv"])]
    return "\n".join(out) + "\n"
