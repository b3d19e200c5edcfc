"""Tamper evidence of the audit log: each tamper of issue 12 is detected (or, where no
secret and no kept head can tell, said to be unprovable), and a crash is not a tamper."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from iplab.audit import GENESIS, AuditLog, record_hash

from .conftest import assert_one_line_error, iplab


def _records(n: int, start: int = 1) -> list[dict[str, Any]]:
    return [
        {"time": f"t{i}", "text": f"ip netns add ns{i}", "rc": 0} for i in range(start, start + n)
    ]


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    log = AuditLog(tmp_path / "state")
    log.append(_records(3))
    log.append(_records(2, 4))
    log.append(_records(3, 6))
    return log


def _lines(log: AuditLog) -> list[str]:
    return log.path.read_text().splitlines()


def _write(log: AuditLog, lines: list[str]) -> None:
    log.path.write_text("".join(line + "\n" for line in lines))


def _rechain(records: list[dict[str, Any]]) -> list[str]:
    """What an attacker without a secret can do: recompute every hash."""
    prev, out = GENESIS, []
    for original in records:
        record = {k: v for k, v in original.items() if k not in ("hash", "prev")}
        record["prev"] = prev
        record["hash"] = prev = record_hash(record)
        out.append(json.dumps(record))
    return out


def _head(log: AuditLog, count: int, last: str) -> None:
    """Rewrite the head; a signature is kept (the attacker cannot make a new one)."""
    old = json.loads(log.head.read_text()) if log.head.exists() else {}
    mac = {"mac": old["mac"]} if "mac" in old else {}
    log.head.write_text(json.dumps({"count": count, "hash": last, **mac}))


def _cut(log: AuditLog) -> None:
    _write(log, _lines(log)[:6])


def cut_head_kept(log: AuditLog) -> None:
    _cut(log)


def cut_head_deleted(log: AuditLog) -> None:
    _cut(log)
    log.head.unlink()


def cut_head_count_zero(log: AuditLog) -> None:
    _cut(log)
    _head(log, 0, GENESIS)


def cut_head_rewritten_to_a_lag(log: AuditLog) -> None:
    _cut(log)
    _head(log, 2, log.read()[1]["hash"])  # "a crash left the head behind"


def deleted_in_the_middle(log: AuditLog) -> None:
    lines = _lines(log)
    _write(log, lines[:3] + lines[4:])


def edited(log: AuditLog) -> None:
    lines = _lines(log)
    lines[2] = lines[2].replace("ip netns add ns3", "ip netns add innocent")
    _write(log, lines)


def reordered(log: AuditLog) -> None:
    lines = _lines(log)
    lines[1], lines[2] = lines[2], lines[1]
    _write(log, lines)


def garbage_inserted_in_the_middle(log: AuditLog) -> None:
    lines = _lines(log)
    _write(log, [*lines[:4], "rm -rf / # torn?", *lines[4:]])


def record_inserted_in_the_middle(log: AuditLog) -> None:
    lines = _lines(log)
    _write(log, [*lines[:4], json.dumps({"text": "forged", "hash": "0" * 64}), *lines[4:]])


def torn_line_deleted(log: AuditLog) -> None:
    with log.path.open("a") as f:
        f.write('{"text":"ip li')  # a crash...
    log.append(_records(1, 9))  # ...vouched for by the next record...
    lines = _lines(log)
    _write(log, lines[:8] + lines[9:])  # ...then removed


def emptied_head_kept(log: AuditLog) -> None:
    log.path.write_text("")


def log_deleted_head_kept(log: AuditLog) -> None:
    log.path.unlink()


def head_edited(log: AuditLog) -> None:
    _head(log, 8, "f" * 64)


def head_unreadable(log: AuditLog) -> None:
    log.head.write_text("{not json")


def head_count_too_large(log: AuditLog) -> None:
    _head(log, 9, log.read()[-1]["hash"])


DETECTED_WITHOUT_SECRET: list[Callable[[AuditLog], None]] = [
    cut_head_kept, cut_head_deleted, cut_head_count_zero, cut_head_rewritten_to_a_lag,
    deleted_in_the_middle, edited, reordered, garbage_inserted_in_the_middle,
    record_inserted_in_the_middle, torn_line_deleted, emptied_head_kept,
    log_deleted_head_kept, head_edited, head_unreadable, head_count_too_large,
]  # fmt: skip


@pytest.mark.parametrize("tamper", DETECTED_WITHOUT_SECRET, ids=lambda f: f.__name__)
def test_tamper_is_detected(log: AuditLog, tamper: Callable[[AuditLog], None]) -> None:
    assert log.verify()[0]
    tamper(log)
    ok, message = log.verify()
    assert not ok, message


def cut_and_head_recomputed(log: AuditLog) -> None:
    _cut(log)
    _head(log, 6, log.read()[5]["hash"])


def edited_and_chain_recomputed(log: AuditLog) -> None:
    records = log.read()
    records[1]["text"] = "ip netns add innocent"
    _write(log, _rechain(records))
    _head(log, len(records), log.read()[-1]["hash"])


@pytest.mark.parametrize("tamper", [cut_and_head_recomputed, edited_and_chain_recomputed],
                         ids=lambda f: f.__name__)  # fmt: skip
def test_a_consistent_rewrite_is_caught_by_a_kept_head(
    log: AuditLog, tamper: Callable[[AuditLog], None]
) -> None:
    kept = log.last_head
    assert kept is not None
    tamper(log)
    assert log.verify()[0]  # consistent: nothing in the state directory can tell...
    ok, message = log.verify(kept[1])  # ...but the head printed after the run can
    assert not ok
    assert "is not in the log" in message


@pytest.mark.parametrize("tamper", [cut_and_head_recomputed, edited_and_chain_recomputed],
                         ids=lambda f: f.__name__)  # fmt: skip
def test_a_consistent_rewrite_is_caught_by_the_signed_head(
    tmp_path: Path, tamper: Callable[[AuditLog], None]
) -> None:
    key = tmp_path / "audit.key"
    key.write_text("s3cret-outside-the-state-dir\n")
    log = AuditLog(tmp_path / "state", key)
    for start in (1, 4, 7):
        log.append(_records(3, start))
    assert log.verify() == (True, "9 records, chain intact (head signature valid)")
    tamper(log)
    ok, message = log.verify()
    assert not ok
    assert "signature of audit.head does not match" in message


def test_an_unsigned_head_is_refused_when_a_key_is_given(tmp_path: Path) -> None:
    key = tmp_path / "audit.key"
    key.write_text("s3cret-outside-the-state-dir\n")
    AuditLog(tmp_path / "state").append(_records(2))
    ok, message = AuditLog(tmp_path / "state", key).verify()
    assert (ok, message) == (False, "audit.head is not signed, and a key was given (the head "
                                    "was rewritten)")  # fmt: skip


def test_a_key_inside_the_state_dir_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state"
    log = AuditLog(state, state / "audit.key")
    state.mkdir(mode=0o700)
    (state / "audit.key").write_text("s3cret-inside-the-state-dir\n")
    with pytest.raises(Exception, match="inside the state directory"):
        log.append(_records(1))


def test_an_emptied_log_with_its_head_deleted_is_said_unprovable(log: AuditLog) -> None:
    kept = log.last_head
    assert kept is not None
    log.path.unlink()
    log.head.unlink()
    assert "cannot prove the log was not emptied" in log.verify()[1]
    assert not log.verify(kept[1])[0]


def test_crashes_are_not_tampers(log: AuditLog) -> None:
    with log.path.open("a") as f:
        f.write('{"time":"t9","text":"ip lin')  # torn at the very end
    assert log.verify() == (True, "8 records, chain intact (1 line torn by a crash, skipped)")
    log.append(_records(1, 9))  # the next run vouches for the torn line
    assert log.verify() == (True, "9 records, chain intact (1 line torn by a crash, skipped)")
    stale = log.head.read_text()
    log.append(_records(2, 10))
    log.head.write_text(stale)  # killed between the log and its head: a lag of one append
    assert log.verify()[0]


def test_cli_prints_the_head_and_verifies_against_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    rc, _, err = iplab("up", "container-networking-part2", "--dry-run", "--state-dir",
                       str(state), capsys=capsys)  # fmt: skip
    assert rc == 0, err
    log = AuditLog(state)
    kept = log.read()[-1]["hash"]
    rc, out, err = iplab("audit", "verify", "--head", kept, "--state-dir", str(state),
                         capsys=capsys)  # fmt: skip
    assert (rc, "chain intact" in out) == (0, True), out + err
    _write(log, _lines(log)[:-1])
    _head(log, len(log.read()), log.read()[-1]["hash"])
    rc, out, err = iplab("audit", "verify", "--head", kept[:16], "--state-dir", str(state),
                         capsys=capsys)  # fmt: skip
    assert rc == 1
    assert "BROKEN: the head you kept" in out
    rc, _, err = iplab("audit", "verify", "--head", "xyz", "--state-dir", str(state),
                       capsys=capsys)  # fmt: skip
    assert_one_line_error(rc, err, "--head 'xyz'")
