"""Hunt FA: ``iplab audit verify`` while other iplab processes append to the log.

Two terminals (or two CI jobs) share a state directory: one runs labs, the other checks the
log. Before, verify read the log, then ``audit.head`` a moment later without the audit lock:
a run's append landing between the two reads made the head name records the read log did
not hold, and verify said "BROKEN: the log ends at record 3326 but audit.head says 3337:
records were cut off the end" (exit 1) of a log nobody touched (3 false alarms in 24
verifies beside 6 runs). Now verify reads the log and its head together, under the lock
appends take (shared: two verifies do not wait for each other)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from iplab.audit import AuditLog


def _record(i: int) -> dict[str, object]:
    return {
        "time": f"2026-12-02T16:00:{i:02d}.000+00:00", "lab": "faxlab", "run": f"run{i}",
        "step": i, "kind": "command", "text": f"ip netns add ns{i}",
        "argv": ["ip", "netns", "add", f"ns{i}"], "rc": 0, "dry_run": False,
    }  # fmt: skip


def test_an_append_between_the_log_read_and_the_head_read_is_no_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = AuditLog(tmp_path)
    writer.append([_record(1), _record(2)])
    reader = AuditLog(tmp_path)
    read_text = AuditLog._text
    appended = threading.Event()

    def text_then_an_append(self: AuditLog) -> str | None:
        text = read_text(self)

        # another process appends right after the log was read (a thread: its own lock fd)
        def append() -> None:
            AuditLog(tmp_path).append([_record(3), _record(4)])
            appended.set()

        other = threading.Thread(target=append)
        other.start()
        other.join(0.5)  # it is done by now, unless verify holds the lock it waits for
        return text

    monkeypatch.setattr(AuditLog, "_text", text_then_an_append)
    ok, message = reader.verify()
    assert (ok, message) == (True, "2 records, chain intact")
    assert appended.wait(5)  # the append went on once verify was done
    monkeypatch.undo()
    assert reader.verify() == (True, "4 records, chain intact")


def test_two_verifies_at_once_do_not_wait_for_each_other(tmp_path: Path) -> None:
    AuditLog(tmp_path).append([_record(1)])
    results: list[tuple[bool, str]] = []
    threads = [
        threading.Thread(target=lambda: results.append(AuditLog(tmp_path).verify()))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert results == [(True, "1 records, chain intact")] * 2


def test_a_log_never_written_is_verified_without_making_a_lock(tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert AuditLog(state).verify()[0]
    assert not state.exists()
