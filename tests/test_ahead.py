"""The verification of an ``up`` begun while its setup's last batch runs (#14, iplab/ahead.py).

The replay of the model runs while ``ip -batch`` works; the read of the lab begins as soon as
the batch ended with every line run, before the batch's audit and journal records are
written, and is audited when the verification takes it. Whatever was begun ahead is used
only when it is what the verification would have read: the whole setup's state, of the same
namespaces, read after the setup's last line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from iplab import ahead as ahead_module
from iplab import iproute, scenario, verify
from iplab.ahead import Ahead
from iplab.peers import RootPart
from iplab.plan import Plan, build, expected_state
from iplab.state import State
from tests.hostile.hostile import no_threads
from tests.kernel import REPO

#: runs ``iplab up`` in a process, noting when the read begins and when audit records are
#: written (the driver's own lines on stderr, ``@@`` first)
DRIVER = textwrap.dedent(
    """
    import sys
    from iplab import audit, iproute
    begin, append = iproute.begin_read, audit.AuditLog.append

    def begun(shell, namespaces=None, *rest, ahead=True, **named):
        print(f"@@ begin ahead={ahead} {len(list(namespaces or []))}", file=sys.stderr)
        return begin(shell, namespaces, *rest, ahead=ahead, **named)

    def appended(self, records):
        print(f"@@ append {len(records)}", file=sys.stderr)
        return append(self, records)

    iproute.begin_read, audit.AuditLog.append = begun, appended
    from iplab.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def _driven(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", DRIVER, *args],
        capture_output=True, text=True, cwd=REPO, timeout=120, check=False,
        env={**os.environ, "IPLAB_STATE_DIR": str(state)},
    )  # fmt: skip


@pytest.mark.kernel
def test_up_reads_while_it_writes_the_batch_records(prefix: str, state_dir: Path) -> None:
    """star-500 with 4 namespaces: one batch of 13 lines whose last sets a port's master and
    state; the verification's read begins before those 13 lines are audited, and it sees
    the last line (the verification passes), audited once, after them."""
    up = _driven(state_dir, "up", "star-500", "--var", "n=4", "--prefix", prefix)
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        assert "verify: the kernel holds what the scenario promised" in up.stdout
        events = [line[3:] for line in up.stderr.splitlines() if line.startswith("@@ ")]
        batch = events.index("append 13")  # the batch's lines, audited together
        begun = [n for n, e in enumerate(events) if e.startswith("begin ahead=True")]
        assert begun and begun[0] < batch, events
        assert events[begun[0]] == "begin ahead=True 4"  # the lab's four namespaces
    finally:
        down = _driven(state_dir, "down", f"{prefix}star-500")
    assert down.returncode == 0, down.stdout + down.stderr
    records = [json.loads(line) for line in (state_dir / "audit.jsonl").read_text().splitlines()]
    reads = [
        r for r in records
        if r.get("kind") == "read" and r.get("reader") == "netlink" and len(r["namespaces"]) == 4
    ]  # fmt: skip
    assert len(reads) >= 1 and reads[0]["rc"] == 0
    batch_lines = [n for n, r in enumerate(records) if r.get("batch_lines") == 13]
    assert records.index(reads[0]) > max(batch_lines[:13])  # audited after the batch's lines


#: as DRIVER, noting when the replay begins and when the journal takes intents
REPLAY_DRIVER = textwrap.dedent(
    """
    import sys
    from iplab import ahead, journal
    started, intend = ahead.Ahead.batch_started, journal.Journal.intend

    def replay(self):
        print("@@ replay", file=sys.stderr)
        return started(self)

    def intended(self, entries):
        print(f"@@ intend {len(list(entries))}", file=sys.stderr)
        return intend(self, entries)

    ahead.Ahead.batch_started, journal.Journal.intend = replay, intended
    from iplab.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.kernel
def test_the_replay_begins_once_ip_has_every_line(prefix: str, state_dir: Path) -> None:
    """The replay works in Python, as the thread that journals the lines' intents and feeds
    them to ip does: begun as ip started, it slowed what ip waited for (#14). A star of 300
    (901 lines, fed in parts): the replay begins after the last part's intents."""
    up = subprocess.run(
        [sys.executable, "-c", REPLAY_DRIVER, "up", "star-500", "--var", "n=300",
         "--prefix", prefix],
        capture_output=True, text=True, cwd=REPO, timeout=300, check=False,
        env={**os.environ, "IPLAB_STATE_DIR": str(state_dir)},
    )  # fmt: skip
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        events = [line[3:] for line in up.stderr.splitlines() if line.startswith("@@ ")]
        intents = [n for n, e in enumerate(events) if e.startswith("intend ")]
        assert len(intents) > 1, events  # (fed in parts)
        assert sum(int(events[n].split()[1]) for n in intents) == 901
        assert events.count("replay") == 1
        assert events.index("replay") > intents[-1], events
    finally:
        down = _driven(state_dir, "down", f"{prefix}star-500")
    assert down.returncode == 0, down.stdout + down.stderr


def _plan(n: int = 2) -> Plan:
    return build(scenario.load("star-500", {"n": n}), prefix="ipahd")


class _Reads:
    """begin_read, recorded: which namespaces, and whether the read was ended."""

    def __init__(self) -> None:
        self.begun: list[list[str]] = []
        self.parts: list[RootPart | None] = []
        self.ended = 0

    def __call__(
        self, shell: object, namespaces: list[str], *, ahead: bool = True,
        part: RootPart | None = None,
    ) -> Callable[[], State]:  # fmt: skip
        self.begun.append(list(namespaces))
        self.parts.append(part)

        def end() -> State:
            self.ended += 1
            return State()

        return end


def test_the_replay_is_the_whole_setups(monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _Reads()
    monkeypatch.setattr(iproute, "begin_read", reads)
    plan = _plan()
    ahead = Ahead(object(), plan)  # type: ignore[arg-type]
    assert ahead.expected(()) is None  # nothing begun: the verification replays itself
    ahead.batch_started()
    got = ahead.expected(())
    assert got is not None and got == expected_state(plan)
    assert ahead.expected((3,)) is None  # a step left out (may fail, failed): replayed anew


def test_no_read_after_a_batch_whose_lines_did_not_all_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads = _Reads()
    monkeypatch.setattr(iproute, "begin_read", reads)
    ahead = Ahead(object(), _plan())  # type: ignore[arg-type]
    ahead.batch_started()
    ahead.batch_ended(False)
    assert reads.begun == []
    assert ahead.observed(["ipahdns1", "ipahdns2"]) is None


def test_a_read_of_other_namespaces_is_not_used_but_audited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads = _Reads()
    monkeypatch.setattr(iproute, "begin_read", reads)
    ahead = Ahead(object(), _plan())  # type: ignore[arg-type]
    ahead.batch_started()
    ahead.batch_ended(True)
    assert reads.begun == [["ipahdns1", "ipahdns2"]]
    assert ahead.observed(["ipahdns1"]) is None  # not what the verification reads
    assert reads.ended == 1  # ended all the same: its audit record is written
    assert ahead.observed(["ipahdns1", "ipahdns2"]) is None  # (once only)


def test_a_read_never_taken_is_ended_at_close(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run stopped after its batch (Ctrl-C): the read begun is ended, so audited."""
    reads = _Reads()
    monkeypatch.setattr(iproute, "begin_read", reads)
    ahead = Ahead(object(), _plan())  # type: ignore[arg-type]
    ahead.batch_started()
    ahead.batch_ended(True)
    ahead.close()
    assert reads.ended == 1
    ahead.close()
    assert reads.ended == 1


def test_the_replay_is_kept_for_a_later_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    """The expectation a ``verify`` replays is kept by the replay (a pure function's
    value), not after the verification."""
    kept: list[State] = []
    monkeypatch.setattr(ahead_module, "keep", lambda plan, state: kept.append(state))
    ahead = Ahead(object(), _plan())  # type: ignore[arg-type]
    ahead.batch_started()
    got = ahead.expected(())
    assert got is not None and kept == [got]


def test_no_thread_to_be_had_leaves_the_verification_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A pids limit (no thread can start): nothing is begun ahead, and nothing raises in
    the batch's start (the verification replays and reads after it, as before)."""
    reads = _Reads()
    monkeypatch.setattr(iproute, "begin_read", reads)
    no_threads(monkeypatch)
    ahead = Ahead(object(), _plan())  # type: ignore[arg-type]
    ahead.batch_started()
    ahead.batch_ended(True)
    assert ahead.expected(()) is None and reads.begun == []


def test_the_read_begun_ahead_reads_the_verifications_part_of_the_root(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Hunt CZ's miss: the read begun ahead read the root whole (every link of a busy
    host's), while the verification after it looks at the lab's root links alone."""
    reads = _Reads()
    monkeypatch.setattr(iproute, "begin_read", reads)
    plan = _plan()
    ahead = Ahead(object(), plan)  # type: ignore[arg-type]
    ahead.batch_started()
    ahead.batch_ended(True)
    expected = expected_state(plan)
    part = verify.root_part(expected, plan.owned)
    assert part is not None and reads.parts == [part]
    assert "ipahdbr0" in part.names
    assert ahead.observed(["ipahdns1", "ipahdns2"], None) is None  # (the whole root: not it)
    ahead = Ahead(object(), plan)  # type: ignore[arg-type]
    ahead.batch_started()
    ahead.batch_ended(True)
    assert ahead.observed(["ipahdns1", "ipahdns2"], part) is not None


def test_a_lab_whose_qdiscs_are_compared_reads_the_whole_root_ahead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads = _Reads()
    monkeypatch.setattr(iproute, "begin_read", reads)
    ahead = Ahead(object(), _plan(), whole_root=True)  # type: ignore[arg-type]
    ahead.batch_started()
    ahead.batch_ended(True)
    assert reads.parts == [None]
    assert ahead.observed(["ipahdns1", "ipahdns2"], None) is not None
