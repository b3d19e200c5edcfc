"""The audit log: one JSON line per command iplab ran (or showed in a dry run).

Each record carries the hash of the previous one (``prev``) and its own
(``hash``, the SHA-256 of the record without it, keys sorted), so that a
deleted or edited record breaks the chain. ``audit.head`` remembers the
number of records and the last hash, so that cutting records off the end
is detected too.

Why this module is long: one log format: the records, their hash chain and its head,
signing, filters, and the table and script views of the same records.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import hmac
import json
import os
import re
import socket
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from iplab import statedir
from iplab.errors import IplabError, UsageError
from iplab.records import Record, frozen

GENESIS = "0" * 64


#: one encoder for every record (``json.dumps`` with options makes a new one each call)
_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
#: a lone surrogate: a byte of a name the system gave that is not UTF-8 (Python's
#: ``surrogateescape``: a working directory ``caf\xe9``, argv under ``LC_ALL=C``)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _encode(value: Any) -> str:
    """The canonical JSON text of ``value``; a lone surrogate is written as JSON's own
    escape (``\\udce9``), which reads back as the same string: UTF-8 cannot hold it (hunt
    EB: ``iplab up`` from such a directory ended in an internal error, and its rollback,
    whose records failed the same way, left the lab's first namespace on the host)."""
    text = _JSON(value)
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _canonical(record: dict[str, Any]) -> bytes:
    body = {k: v for k, v in record.items() if k != "hash"} if "hash" in record else record
    return _encode(body).encode()


def _holds(records: Sequence[dict[str, Any]], head: dict[str, Any]) -> bool:
    """The log's records include the one its head names (a head may lag behind the log by
    an append: a crash between the two writes)."""
    count: int = head["count"]
    if count == 0:
        return True
    return count <= len(records) and str(records[count - 1].get("hash")) == str(head["hash"])


#: a value still to come in a record encoded ahead (:class:`Draft`): a NUL, which no
#: argv, text or path of iplab's carries, and a token of this process's own
_LATER = f"\x00{os.urandom(8).hex()}:"


class Given:
    """Values given to many drafts at once (:meth:`Draft.given`), each encoded once."""

    __slots__ = ("encoded", "values")

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.encoded = {name: _encode(value) for name, value in values.items()}


class Draft:
    """A record's canonical encoding made ahead of its append, with some of its values still
    to come (and the chain's ``prev``, known only when it is appended): the records of a
    batch's lines are made while ``ip`` runs, and once it ended each takes its values in a
    few string joins (#14: star-500's 1,501 records took 12 ms to encode after ``ip``
    ended; what is left is their hashes). :meth:`AuditLog.append` writes a draft exactly
    as it writes ``record`` (the test holds the two to the same bytes)."""

    __slots__ = ("_given", "_later", "_parts", "_record")

    def __init__(
        self,
        record: dict[str, Any],
        parts: list[str],
        later: list[str],
        given: tuple[Given, ...] = (),
    ) -> None:
        self._record = record  # (without the values to come)
        self._parts = parts  # (the encoding, cut where each value to come goes)
        self._later = later  # (the names of those values, in the order they come)
        self._given = given

    def given(self, values: Given) -> Draft:
        """The draft with these of its values to come (the others still to come)."""
        parts, later = [self._parts[0]], []
        for name, after in zip(self._later, self._parts[1:], strict=True):
            encoded = values.encoded.get(name)
            if encoded is not None:
                parts[-1] += encoded + after
            else:
                parts.append(after)
                later.append(name)
        return Draft(self._record, parts, later, (*self._given, values))

    def done(self) -> dict[str, Any]:
        """The record, every value given but ``prev`` (an append of a draft with another
        value still to come is iplab's bug: it would write a record without it)."""
        if self._later != ["prev"]:
            raise ValueError(f"audit record drafted with {self._later} still to come")
        record = dict(self._record)
        for values in self._given:
            record.update(values.values)
        return record

    def chained(self, prev: str) -> str:
        """The canonical encoding, given ``prev`` (the hash of the record before it)."""
        if self._later != ["prev"]:
            self.done()  # (raises)
        return f'{self._parts[0]}"{prev}"{self._parts[1]}'


def draft(record: dict[str, Any], later: Sequence[str]) -> Draft | None:
    """``record`` encoded ahead, the fields named in ``later`` (and ``prev``) to come; None
    when its encoding cannot be cut where they go (a record holding the mark itself)."""
    if "hash" in record:  # (the chain's own field: an append writes its own, as for a record)
        record = {k: v for k, v in record.items() if k != "hash"}
    names = [*later, "prev"]
    marks = {name: _LATER + name for name in names}
    text = _encode({**record, **marks})
    found = []
    for name in names:
        mark = _encode(marks[name])
        at = text.find(mark)
        if at < 0 or text.find(mark, at + 1) >= 0:
            return None
        found.append((at, len(mark), name))
    found.sort()
    parts, start = [], 0
    for at, size, _name in found:
        parts.append(text[start:at])
        start = at + size
    parts.append(text[start:])
    body = {k: v for k, v in record.items() if k not in marks}
    return Draft(body, parts, [name for _at, _size, name in found])


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


def _mac(key: bytes, count: int, last: str) -> str:
    message = f"iplab audit head\n{count}\n{last}\n".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _sha(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8", "surrogateescape")).hexdigest()


def load_key(path: Path, state_dir: Path) -> bytes:
    """The secret that signs ``audit.head``: a file outside the state directory (whoever
    can write the state directory must not be able to read the key there)."""
    where = path.resolve()
    if where.is_relative_to(state_dir.resolve()):
        raise UsageError(
            f"audit key {path} is inside the state directory {state_dir}",
            hint="keep the key elsewhere (root-only), e.g. /etc/iplab/audit.key",
        )
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise UsageError(f"audit key {path}: {exc.strerror}") from None
    if len(key) < 16:
        raise UsageError(
            f"audit key {path} holds {len(key)} bytes: too short to be a secret",
            hint="make one with: head -c 32 /dev/urandom | base64 > FILE",
        )
    return key


class AuditLog:
    """The log, its head (``audit.head``: the number of records, the last hash, and an
    HMAC of both when a key is given) and the lock that serialises appends.

    ``key_file`` (else ``$IPLAB_AUDIT_KEY``) names a key file outside the state
    directory: heads are signed with it, and verify requires the signature.
    """

    def __init__(self, state_dir: Path, key_file: Path | None = None) -> None:
        self.dir = state_dir
        self.path = state_dir / "audit.jsonl"
        self.head = state_dir / "audit.head"
        self.lock = state_dir / "audit.lock"
        env_key = os.environ.get("IPLAB_AUDIT_KEY")
        self.key_file = key_file or (Path(env_key) if env_key else None)
        #: (records, last hash) after this process's last append: printed at the end of a run
        self.last_head: tuple[int, str] | None = None

    def _key(self) -> bytes | None:
        return load_key(self.key_file, self.dir) if self.key_file else None

    def append(self, records: Sequence[dict[str, Any] | Draft]) -> None:
        """Chain and append records (one write, one fsync, under the audit lock).

        The first record of each append says how many records the append holds
        (``batch``), so that verify can tell a head lagging by one append (a crash
        between the log and its head) from a head rewritten to hide a cut; after a
        line torn by a crash, it carries the torn line's hash (``after_torn``), so
        that only a torn line the chain vouches for is skipped.
        """
        if not records:
            return
        key = self._key()
        statedir.ensure_dir(self.dir)
        with statedir.locked(self.lock, "the audit log", blocking=True, starting=False):
            count, prev, torn, lost = self._tail()
            lines = []
            for i, item in enumerate(records):
                if isinstance(item, Draft) and i:  # (encoded while its process ran)
                    ahead = item.chained(prev)
                    prev = hashlib.sha256(ahead.encode()).hexdigest()
                    lines.append(f'{ahead[:-1]},"hash":"{prev}"}}')
                    continue
                record = item.done() if isinstance(item, Draft) else item
                chained = {**record, "prev": prev}
                if i == 0:
                    chained["batch"] = len(records)
                    if torn is not None:
                        chained["after_torn"] = _sha(torn)
                    if lost is not None:  # the evidence stays in the chain: verify says it
                        chained["head_lost"] = lost
                # the line is the canonical form the hash is taken of, with the hash added
                # at its end: one encoding of each record, not two
                canonical = _canonical(chained)
                prev = hashlib.sha256(canonical).hexdigest()
                lines.append(f'{canonical[:-1].decode()},"hash":"{prev}"}}')
            text = ("\n" if torn is not None else "") + "".join(line + "\n" for line in lines)
            statedir.append_durably(self.path, text)
            # the head may lag after a crash (verify allows one append); only a log
            # shorter than its head, or a lag longer than one append, is a tamper
            count += len(lines)
            head: dict[str, Any] = {"count": count, "hash": prev}
            if key is not None:
                head["mac"] = _mac(key, count, prev)
            statedir.atomic_write(self.head, json.dumps(head), sync=False)
            self.last_head = (count, prev)

    def ready(self) -> None:
        """Raise, before anything runs, what an append would: the log or its lock cannot be
        written (a read-only state directory, the log replaced by a directory). A command
        iplab audits must not run when its record cannot be written."""
        statedir.ensure_dir(self.dir)
        with statedir.locked(self.lock, "the audit log", blocking=True, starting=False):
            os.close(statedir.open_state_file(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND))

    def _read_head(self) -> dict[str, Any] | None:
        """The head, None when there is none; a UsageError-free ValueError when unreadable."""
        try:
            data = json.loads(statedir.read_state_text(self.head))
        except FileNotFoundError:
            return None
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("count"), int)
            or not isinstance(data.get("hash"), str)
            or data["count"] < 0
        ):
            raise ValueError("not a head")
        return data

    def _text(self) -> str | None:
        try:
            return statedir.read_state_file(self.path).decode("utf-8", "surrogateescape")
        except FileNotFoundError:
            return None

    def _tail(self) -> tuple[int, str, str | None, str | None]:
        """(records in the log, hash of the last, the torn last line or None, how the head
        of a log with records was lost: None, or what the next record says of it)."""
        limit = 65536
        gone = False
        while True:  # the log's end, long enough to hold its last whole record
            try:
                chunk = statedir.read_state_file(self.path, limit=limit)
            except FileNotFoundError:  # (its head, if any, still says what it held)
                chunk, gone = b"", True
            whole = len(chunk) < limit  # (else it starts inside a record: not one of them)
            lines = chunk.splitlines() if whole else chunk.splitlines()[1:]
            torn: str | None = None
            if chunk and not chunk.endswith(b"\n"):
                last_line = chunk.rsplit(b"\n", 1)[-1].decode("utf-8", "surrogateescape")
                if _parsed(last_line) is None:
                    torn, lines = last_line, lines[:-1]
            records = (_parsed(line.decode("utf-8", "surrogateescape")) for line in reversed(lines))
            last = next((r for r in records if r is not None), None)
            if last is not None or whole:
                break
            limit *= 8  # a record longer than what was read (a command's output of 100 KB)
        last_hash = GENESIS if last is None else str(last["hash"])
        lost: str | None = None
        try:
            head = self._read_head()
        except ValueError:  # edited, or damaged: kept beside the log, never written over
            head, lost = None, f"unreadable, kept as {self._keep_damaged_head()}"
        except statedir.UnsafeStateError:
            if not gone:
                raise
            head = None  # (a link where no log is: no head of iplab's; replaced, not read)
        if head is not None and head["hash"] == last_hash:
            return head["count"], last_hash, torn, None
        read = [r for r in self.read() if "_unreadable" not in r]  # the head lags: count
        if head is None and lost is None and read and read[0].get("batch") != len(read):
            lost = "missing"  # (one append and no head: a crash before its first head)
        if head is not None and not _holds(read, head):
            # records cut off the log's end, the log moved aside: the next head would have
            # vouched for what was left (verify called it intact), so the chain says it
            lost = (
                f"for {head['count']} records (the last {str(head['hash'])[:16]}) when the"
                f" log held {len(read)}: records were cut off its end, or it was moved or"
                " replaced"
            )
        return len(read), last_hash, torn, lost

    def _keep_damaged_head(self) -> str:
        for n in range(1, 1000):
            kept = self.head.with_name(f"audit.head.damaged-{n}")
            if not kept.exists():
                self.head.rename(kept)
                return kept.name
        raise OSError(f"{self.head}: too many damaged heads kept beside it")

    @contextmanager
    def _steady(self) -> Iterator[None]:
        """Hold the audit lock shared while the log and its head are read: an append (which
        holds it exclusive) lands before both reads or after them, never between (hunt FA:
        a run's append between them said "BROKEN: ... records were cut off the end" of an
        intact log). Two readers share it; a log no append ever took the lock of (none yet,
        a state directory that is not there) is read as it is, nothing made."""
        fd: int | None = None
        try:
            fd = statedir.open_state_file(self.lock, os.O_RDONLY)
            fcntl.flock(fd, fcntl.LOCK_SH)  # an append holds it for one write and one fsync
        except (OSError, IplabError):  # no lock yet (no append), or one unusable: unlocked
            pass
        try:
            yield
        finally:
            if fd is not None:
                os.close(fd)

    def read(self) -> list[dict[str, Any]]:
        text = self._text()
        if text is None:
            return []
        out = []
        for line in text.splitlines():
            record = _parsed(line)
            out.append(record if record is not None else {"_unreadable": line})
        return out

    def verify(self, expected_head: str | None = None) -> tuple[bool, str]:
        """Check the chain, the head and (with a key) its signature; name the first
        broken record.

        A line that is not JSON is a write torn by a crash when it is the last line
        of the log, or when the record after it names its hash (``after_torn``);
        anywhere else it was put there. ``expected_head`` is a hash printed at the
        end of an earlier run and kept elsewhere: the log must still hold it.
        """
        with self._steady():  # the log and its head as one append left them (hunt FA)
            text = self._text()
            try:
                head: dict[str, Any] | None = self._read_head()
            except ValueError:
                return False, "audit.head is unreadable (it was edited)"
        lines = text.split("\n") if text else []
        tail = lines.pop() if lines else ""  # after the last newline: "" or a torn line
        key = self._key()
        records: list[dict[str, Any]] = []
        torn = 0
        pending: tuple[int, str] | None = None
        for number, line in enumerate(lines, start=1):
            record = _parsed(line)
            if record is None:
                if pending is not None:
                    return False, _inserted(pending[0])
                pending = (number, _sha(line))
                continue
            vouched = record.get("after_torn")
            if pending is not None and vouched != pending[1]:
                return False, _inserted(pending[0])
            if pending is None and vouched is not None:
                return False, (
                    f"line {number}: its record follows a torn line that is gone "
                    "(a line was deleted)"
                )
            if pending is not None:
                torn += 1
                pending = None
            records.append(record)
        if pending is not None:
            return False, _inserted(pending[0])
        if tail:
            record = _parsed(tail)
            if record is None:
                torn += 1  # the very last line, torn by a crash
            else:
                records.append(record)  # complete but for its newline
        prev = GENESIS
        for i, record in enumerate(records, start=1):
            where = f"record {i}"
            where += f" ({record.get('time', '?')}: {record.get('text', '?')})"
            if record.get("head_lost") is not None:
                return False, f"before {where}, audit.head was {record['head_lost']}"
            if record.get("prev") != prev:
                return (
                    False,
                    f"{where}: the chain is broken before it (a record was deleted or edited)",
                )
            if record.get("hash") != record_hash(record):
                return False, f"{where} was edited: its hash does not match its content"
            prev = record["hash"]
        notes = []
        if head is None:
            if records:
                return False, (
                    f"the log has {len(records)} records but no audit.head: cannot prove "
                    "records were not cut off the end (the head was deleted)"
                )
            if expected_head is None:
                notes.append(
                    "no audit.head: cannot prove the log was not emptied "
                    "(pass --head HASH with a head printed after a run)"
                )
        else:
            problem = _head_problem(head, records, key)
            if problem:
                return False, problem
            lag = len(records) - head["count"]
            if lag and key is not None:
                notes.append(f"the last {lag} records are not covered by the signed head")
        if expected_head is not None:
            problem = _kept_head_problem(expected_head, records)
            if problem:
                return False, problem
            notes.append(f"holds the head {expected_head[:12]}")
        elif key is not None and head is not None:
            notes.append("head signature valid")
        if torn:
            notes.insert(0, f"{torn} line torn by a crash, skipped")
        note = f" ({'; '.join(notes)})" if notes else ""
        return True, f"{len(records)} records, chain intact{note}"


def _parsed(line: str) -> dict[str, Any] | None:
    """A chained record, or None for a line that is not one."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("hash"), str):
        return None
    return record


def _inserted(number: int) -> str:
    return (
        f"line {number} is not a record, and no record after it vouches for it as a line "
        "torn by a crash (a line was inserted or a record damaged)"
    )


def _head_problem(head: dict[str, Any], records: list[dict[str, Any]], key: bytes | None) -> str:
    count, last = head["count"], head["hash"]
    if key is not None:
        mac = head.get("mac")
        if not isinstance(mac, str):
            return "audit.head is not signed, and a key was given (the head was rewritten)"
        if not hmac.compare_digest(mac, _mac(key, count, last)):
            return "the signature of audit.head does not match: it was rewritten without the key"
    if count > len(records):
        return (
            f"the log ends at record {len(records)} but audit.head says "
            f"{count}: records were cut off the end"
        )
    at = records[count - 1]["hash"] if count else GENESIS
    if at != last:
        return (
            f"audit.head names record {count} with hash {last[:12]}, the log's record "
            f"{count} has {at[:12]}: the log or its head was rewritten"
        )
    lag = len(records) - count
    if lag and records[count].get("batch") != lag:
        return (
            f"audit.head says {count} records, the log has {len(records)}: more than one "
            "append behind (a crash leaves at most one), so records were added or the head "
            "was rewritten"
        )
    return ""


def _kept_head_problem(expected: str, records: list[dict[str, Any]]) -> str:
    wanted = expected.strip().lower()
    if len(wanted) < 12 or any(c not in "0123456789abcdef" for c in wanted):
        raise UsageError(
            f"--head {expected!r}: give the hash iplab printed after a run (at least 12 hex digits)"
        )
    if wanted == GENESIS[: len(wanted)]:
        return ""
    if any(str(r.get("hash")).startswith(wanted) for r in records):
        return ""
    return (
        f"the head you kept ({wanted[:12]}) is not in the log: records were cut off "
        "or the log was rewritten since"
    )


# -- reading it back -------------------------------------------------------------------------------


@frozen
class Filter(Record):
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
        try:
            return current - timedelta(**{unit[match.group(2)]: int(match.group(1))})
        except OverflowError:  # before year 1 (1000000d)
            return datetime.min.replace(tzinfo=UTC)  # since ever: every record
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
        line = shlex.join(r["argv"])
        fed = r.get("input")
        if isinstance(fed, str):  # what the process read (ip -all netns delete's lines)
            out += [note, f"{line} <<'IPLAB_INPUT'", *fed.splitlines(), "IPLAB_INPUT"]
        else:
            out += [note, line]
    return "\n".join(out) + "\n"
