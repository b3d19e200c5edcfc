"""The audit log: a hash chain that names the first broken record."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from iplab.audit import AuditLog, Filter, parse_since, replay_script, table
from iplab.errors import UsageError


def _records(n: int) -> list[dict[str, object]]:
    return [
        {
            "time": f"2026-11-27T10:0{i}:00.000+00:00", "lab": "a" if i % 2 else "b",
            "run": f"run{i}", "step": i, "kind": "command", "text": f"ip netns add ns{i}",
            "argv": ["ip", "netns", "add", f"ns{i}"], "rc": 0 if i != 3 else 2, "dry_run": False,
        }
        for i in range(1, n + 1)
    ]  # fmt: skip


def _log(tmp_path: Path, n: int = 5) -> AuditLog:
    log = AuditLog(tmp_path)
    log.append(_records(n)[:2])
    log.append(_records(n)[2:])
    return log


def test_chain_is_intact_after_appends(tmp_path: Path) -> None:
    log = _log(tmp_path)
    assert log.verify() == (True, "5 records, chain intact")
    records = log.read()
    assert records[0]["prev"] == "0" * 64
    assert all(b["prev"] == a["hash"] for a, b in itertools.pairwise(records))


def _rewrite(log: AuditLog, records: list[dict[str, object]]) -> None:
    log.path.write_text("".join(json.dumps(r) + "\n" for r in records))


def test_deleted_record_is_named(tmp_path: Path) -> None:
    log = _log(tmp_path)
    records = log.read()
    _rewrite(log, records[:2] + records[3:])
    ok, message = log.verify()
    assert not ok
    assert message.startswith(
        "record 3 (2026-11-27T10:04:00.000+00:00: ip netns add ns4): the chain is broken"
    )


def test_edited_record_is_named(tmp_path: Path) -> None:
    log = _log(tmp_path)
    records = log.read()
    records[1]["text"] = "ip netns add innocent"
    _rewrite(log, records)
    assert log.verify() == (
        False,
        "record 2 (2026-11-27T10:02:00.000+00:00: ip netns add innocent) was edited: "
        "its hash does not match its content",
    )


def test_records_cut_off_the_end_are_detected(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _rewrite(log, log.read()[:4])
    ok, message = log.verify()
    assert not ok
    assert "records were cut off the end" in message


def test_filters(tmp_path: Path) -> None:
    records = _log(tmp_path).read()
    assert [r["step"] for r in records if Filter(lab="a").keep(r)] == [1, 3, 5]
    assert [r["step"] for r in records if Filter(failed=True).keep(r)] == [3]
    assert [r["step"] for r in records if Filter(run="run2").keep(r)] == [2]
    since = datetime(2026, 11, 27, 10, 3, tzinfo=UTC)
    assert [r["step"] for r in records if Filter(since=since).keep(r)] == [3, 4, 5]


def test_parse_since() -> None:
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert parse_since("30m", now) == datetime(2026, 11, 27, 11, 30, tzinfo=UTC)
    assert parse_since("2d", now) == datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert parse_since("2026-11-27T10:00") == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    with pytest.raises(UsageError, match="--since 'yesterday'"):
        parse_since("yesterday")
    # before the calendar's first day (an internal error): every record is since then
    assert parse_since("1000000d", now) == datetime.min.replace(tzinfo=UTC)
    assert parse_since("99999999999w", now) == datetime.min.replace(tzinfo=UTC)


def test_table_and_replay_script(tmp_path: Path) -> None:
    records = _log(tmp_path).read()
    text = table(records)
    assert text.splitlines()[0].split() == ["TIME", "LAB", "RUN", "STEP", "RC", "MS", "COMMAND"]
    assert text.splitlines()[3].endswith("ip netns add ns3")
    script = replay_script([*records, {"dry_run": True, "argv": ["ip", "x"]}])
    lines = [line for line in script.splitlines() if not line.startswith("#")]
    assert lines == [f"ip netns add ns{i}" for i in range(1, 6)]
    assert "-- exited 2" in script


def test_a_torn_last_line_from_a_crash_is_tolerated(tmp_path: Path) -> None:
    log = _log(tmp_path, 3)
    with log.path.open("a") as f:
        f.write('{"time":"2026-11-27T10:09:00","text":"ip lin')  # killed mid-write
    log.append(_records(5)[3:])
    assert log.verify() == (True, "5 records, chain intact (1 line torn by a crash, skipped)")
    assert [r.get("step") for r in log.read() if "_unreadable" not in r] == [1, 2, 3, 4, 5]


def test_a_head_that_lags_after_a_crash_is_not_a_cut(tmp_path: Path) -> None:
    log = _log(tmp_path, 3)
    stale = log.head.read_text()
    log.append(_records(5)[3:])
    log.head.write_text(stale)  # as if killed between the log and the head
    assert log.verify()[0]
    log.append(_records(6)[5:])  # appends chain on from the log, not from the stale head
    assert log.verify() == (True, "6 records, chain intact")


@pytest.mark.parametrize("damage", ["garbled", "deleted"])
def test_a_head_edited_or_deleted_is_not_written_over_by_the_next_run(
    tmp_path: Path, damage: str
) -> None:
    """``echo garbage > audit.head`` made verify say BROKEN; the next run wrote a new head
    and verify said the chain was intact: the evidence was gone. The damaged head is kept
    beside the log, and the next record says how the head was lost."""
    log = _log(tmp_path)
    if damage == "garbled":
        log.head.write_text("garbage")
    else:
        log.head.unlink()
    assert log.verify()[0] is False
    log.append(_records(1))
    ok, said = log.verify()
    lost = "unreadable, kept as audit.head.damaged-1" if damage == "garbled" else "missing"
    assert not ok and said.startswith("before record 6 ("), said
    assert said.endswith(f"ip netns add ns1), audit.head was {lost}"), said
    if damage == "garbled":
        assert (tmp_path / "audit.head.damaged-1").read_text() == "garbage"


def test_a_head_lost_to_a_crash_before_the_first_one_was_written_is_no_tamper(
    tmp_path: Path,
) -> None:
    log = AuditLog(tmp_path)
    log.append(_records(2))
    log.head.unlink()  # the first append's head never written: a crash
    log.append(_records(1))
    assert log.verify() == (True, "3 records, chain intact")


@pytest.mark.parametrize("size", [65536, 200_000, 2_000_000])
def test_a_record_longer_than_the_end_read_of_the_log_keeps_the_chain(
    tmp_path: Path, size: int
) -> None:
    """A command's output of 100 KB made a record longer than the 64 KiB of the log's end
    that the next append read: it found no record there, chained to the genesis hash, and
    ``audit verify`` said the log was broken (hunt F)."""
    log = AuditLog(tmp_path)
    big = _records(2)
    big[1]["text"] = "x" * size
    log.append(big)
    log.append(_records(4)[2:])
    assert log.verify() == (True, "4 records, chain intact")
    # the head lost too: the count and the hash come from the log itself
    log.head.unlink()
    log.append(_records(5)[4:])
    assert log.read()[-1]["prev"] == log.read()[-2]["hash"]


def test_records_cut_off_the_end_stay_said_after_the_next_append(tmp_path: Path) -> None:
    """Noted by hunt AQ: the next run's head vouched for what a cut left (verify said the
    chain was intact); the chain now carries what the head it replaced said."""
    log = _log(tmp_path)
    lines = log.path.read_text().splitlines(keepends=True)
    log.path.write_text("".join(lines[:3]))
    log.append(_records(1))
    ok, said = log.verify()
    assert not ok
    assert "before record 4 (" in said and "audit.head was for 5 records (the last " in said
    assert "when the log held 3: records were cut off its end" in said


def test_a_log_moved_aside_stays_said_after_the_next_append(tmp_path: Path) -> None:
    log = _log(tmp_path)
    log.path.rename(tmp_path / "elsewhere.jsonl")
    log.append(_records(2))
    ok, said = log.verify()
    assert not ok and "before record 1 (" in said
    assert "audit.head was for 5 records" in said and "when the log held 0" in said


def test_a_head_that_lags_by_an_append_is_still_no_evidence(tmp_path: Path) -> None:
    """A crash between the log's write and its head's: the next append goes on quietly."""
    log = _log(tmp_path)
    head = log.head.read_text()
    log.append(_records(2))
    log.head.write_text(head)  # (as if the crash came before the head was written)
    log.append(_records(1))
    assert log.verify() == (True, "8 records, chain intact")
