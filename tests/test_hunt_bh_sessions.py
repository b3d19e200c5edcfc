"""Hunt BH #1: ``down`` stopped a process that was not the lab's.

Each step that runs a program which may start others has its session journaled when it
starts (hunt BE), so that a ``down`` after an iplab killed mid-step stops what is left of
it. The record stayed for every step that ended too, and ``down`` read a session whose
leader is gone as the step's: once pids wrap (pid_max 32768 here), the number of a step's
long-ended session is another's, and when that session's leader has gone too (a daemon's
double fork, the ``nohup`` job of a shell logged out) each process left in it, started
after the step, was stopped as "still running in the session of step 2's command".

tests/fixtures/adversarial-today-2/ended-step-session.jsonl is such a journal: step 2
ended (its outcome is written), its session's number is now that of a session of this
test's own, whose leader has exited and whose ``sleep`` runs on. Only a step iplab did
not see end (no outcome: killed while it ran) has a session down stops.
"""

from __future__ import annotations

import io
import subprocess
import time
from pathlib import Path
from typing import Any, cast

from iplab.context import Env
from iplab.journal import Journal
from iplab.runner import running, start_time
from iplab.undo import stop_survivors
from tests.conftest import FIXTURES

JOURNAL = FIXTURES / "adversarial-today-2" / "ended-step-session.jsonl"


class _Env:
    """What stop_survivors asks of an Env: where to say, where to audit."""

    def __init__(self) -> None:
        self.err = io.StringIO()
        self.audited: list[dict[str, Any]] = []

    def append_audit(self, records: list[dict[str, Any]]) -> None:
        self.audited.extend(records)

    def record(self, meta: dict[str, Any], result: object, **extra: Any) -> dict[str, Any]:
        return dict(meta)


def _foreign_session() -> tuple[int, int]:
    """A session of someone else's whose leader has exited, a process left in it: (the
    session's number, that process's pid)."""
    out = subprocess.run(
        ["setsid", "sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $$ $!"],
        capture_output=True, text=True, check=True, timeout=10,
    ).stdout.split()  # fmt: skip
    sid, pid = int(out[0]), int(out[1])
    for _ in range(100):
        if start_time(sid) is None:
            break
        time.sleep(0.02)
    return sid, pid


def _journal(tmp_path: Path, text: str, sid: int, started: int) -> Journal:
    journal = Journal(tmp_path / "lab")
    journal.dir.mkdir()
    journal.path.write_text(
        text.replace("@PID@", str(sid)).replace("@START@", str(max(0, started - 100)))
    )
    return journal


def test_down_leaves_alone_a_later_session_that_took_an_ended_steps_number(
    tmp_path: Path,
) -> None:
    sid, pid = _foreign_session()
    started = start_time(pid)
    assert started is not None
    try:
        env = _Env()
        stop_survivors(cast(Env, env), _journal(tmp_path, JOURNAL.read_text(), sid, started))
        assert running(pid, started), env.err.getvalue()
        assert "stopping pid" not in env.err.getvalue() and not env.audited
    finally:
        subprocess.run(["kill", str(pid)], check=False)


def test_a_step_iplab_did_not_see_end_still_has_what_is_left_of_its_session_stopped(
    tmp_path: Path,
) -> None:
    """Killed while step 2 ran (no outcome written): its session's processes are stopped."""
    sid, pid = _foreign_session()
    started = start_time(pid)
    assert started is not None
    text = "".join(
        line for line in JOURNAL.read_text().splitlines(True) if '"seq": 2, "s' not in line
    )
    try:
        env = _Env()
        stop_survivors(cast(Env, env), _journal(tmp_path, text, sid, started))
        assert f"stopping pid {pid} (sleep 60), still running in the session of step 2" in (
            env.err.getvalue()
        )
        for _ in range(100):
            if not running(pid, started):
                break
            time.sleep(0.02)
        assert not running(pid, started)
    finally:
        subprocess.run(["kill", str(pid)], check=False, capture_output=True)
