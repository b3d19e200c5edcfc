"""A run's output streams, its audit writes on a full disk, its signal handling and its
fault points (no process, no kernel)."""

from __future__ import annotations

import errno
import io
import itertools
import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from iplab.context import FEED_FIRST, FEED_MOST, Line, feed_parts, make_env, run_batch
from iplab.errors import Interrupted, StateWriteError
from iplab.interrupts import Signals, fault
from iplab.runner import FakeExecutor, Runner
from iplab.streams import Output, OutputLost, Quiet


def test_output_stops_the_run_once_then_drops() -> None:
    stream = io.StringIO()
    out = Output(stream)
    assert out.write("a\n") == 2 and stream.getvalue() == "a\n"
    stream.close()
    with pytest.raises(OutputLost, match="cannot write to stdout"):
        out.write("b\n")
    assert out.write("c\n") == 2  # dropped: the run is stopping already
    out.flush()


def test_quiet_drops_what_a_closed_stderr_cannot_take() -> None:
    stream = io.StringIO()
    stream.close()
    quiet = Quiet(stream)
    assert quiet.write("x\n") == 2
    quiet.flush()


def _env(tmp_path: Path) -> Any:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    return make_env(state, io.StringIO(), io.StringIO(), runner=Runner(FakeExecutor(), True))


def _full(*args: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_takes_the_reserve_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _env(tmp_path)
    env.reserve = tmp_path / "state" / "reserve"
    env.reserve.write_bytes(b"\0" * 4096)
    calls: list[int] = []
    real = env.audit.append

    def once_full(records: Any) -> None:
        calls.append(len(records))
        if len(calls) == 1:
            _full()
        real(records)

    monkeypatch.setattr(env.audit, "append", once_full)
    env.append_audit([{"kind": "x", "text": "t"}])
    assert calls == [1, 1] and env.reserve is None
    assert not (tmp_path / "state" / "reserve").exists()
    assert env.release() is False  # nothing left to give


def test_a_full_disk_without_reserve_stops_the_run_or_is_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _env(tmp_path)
    monkeypatch.setattr(env.audit, "append", _full)
    with pytest.raises(StateWriteError):
        env.append_audit([{"kind": "x"}])
    env.lenient = True  # undoing: counted, and the undo goes on
    env.append_audit([{"kind": "x"}, {"kind": "y"}])
    assert env.lost_records == 2
    env.lenient = False
    env.deferred.append({"kind": "read"})
    env.flush_audit()  # at exit: never an error
    assert env.deferred == [] and env.lenient is False


def test_signals_stop_the_run_then_only_note(tmp_path: Path) -> None:
    err = io.StringIO()
    with Signals(Runner(FakeExecutor(), True), err) as signals:
        signals.check()
        os.kill(os.getpid(), signal.SIGTERM)
        with pytest.raises(Interrupted, match="SIGTERM received: stopping at this command") as e:
            signals.check()
        assert e.value.exit_code == 128 + signal.SIGTERM  # what a shell says of it: 143
        signals.passive = True
        os.kill(os.getpid(), signal.SIGINT)
    assert "SIGINT received: undoing goes on" in err.getvalue()
    assert signals.received == signal.SIGTERM


def test_a_fault_point_sends_the_signal_it_names(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    old = signal.signal(signal.SIGUSR1, lambda signum, frame: seen.append(signum))
    try:
        monkeypatch.setenv("IPLAB_FAULT", "SIGUSR1@after-run:2")
        fault("after-run", 1)
        fault("before-run", 2)
        assert seen == []
        fault("after-run", 2)
        assert seen == [signal.SIGUSR1]
        monkeypatch.delenv("IPLAB_FAULT")
        fault("after-run", 2)
        assert seen == [signal.SIGUSR1]
    finally:
        signal.signal(signal.SIGUSR1, old)


@pytest.mark.parametrize("count", [0, 1, FEED_FIRST - 1, FEED_FIRST, FEED_FIRST + 1, 1501, 5000])
def test_feed_parts_cover_a_batch_in_parts_that_grow(count: int) -> None:
    parts = feed_parts(count)
    starts = [start for start, _ in parts]
    assert starts == ([0, *(end for _, end in parts[:-1])] if parts else [])
    assert (parts[-1][1] if parts else 0) == count
    sizes = [end - start for start, end in parts]
    assert all(size > 0 for size in sizes)
    if sizes:
        assert sizes[0] == min(FEED_FIRST, count)
    for before, after in itertools.pairwise(sizes[:-1]):  # the last may be short
        assert after == min(2 * before, FEED_MOST)
    if len(sizes) > 1:
        assert sizes[-1] <= min(2 * sizes[-2], FEED_MOST)


def _lines(count: int) -> list[Line]:
    return [
        Line(f"ip link add d{i} type dummy", ("ip", "link", "add", f"d{i}", "type", "dummy"),
             f"link add d{i} type dummy", {"kind": "command", "step": i + 1})
        for i in range(count)
    ]  # fmt: skip


def _batch_env(tmp_path: Path, events: list[str]) -> Any:
    def ip(argv: Any, stdin: str | None) -> tuple[int, str, str]:
        events.append(f"ip read {len((stdin or '').splitlines())} lines")
        return 0, "", ""

    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    runner = Runner(FakeExecutor({"ip -batch -": ip}), True)
    return make_env(state, io.StringIO(), io.StringIO(), runner=runner)


def test_a_batch_is_fed_in_parts_each_after_before_feed(tmp_path: Path) -> None:
    events: list[str] = []
    env = _batch_env(tmp_path, events)
    count = FEED_FIRST * 5

    def started(pid: int) -> None:
        events.append("started")

    def before_feed(start: int, end: int) -> None:
        events.append(f"intend {start}-{end}")

    status, result = run_batch(env, _lines(count), True, on_start=started, before_feed=before_feed)
    parts = feed_parts(count)
    assert len(parts) > 2
    assert events == [
        "started",
        *(f"intend {start}-{end}" for start, end in parts),
        f"ip read {count} lines",
    ]
    assert result.ok and status == [0] * count
    env.flush_audit()
    records = [json.loads(x) for x in env.audit.path.read_text().splitlines()]
    assert [r["text"] for r in records if r.get("kind") == "command"] == [
        line.text for line in _lines(count)
    ]


def test_lines_whose_part_before_feed_refuses_are_never_fed(tmp_path: Path) -> None:
    events: list[str] = []
    env = _batch_env(tmp_path, events)
    count = FEED_FIRST * 5
    refused_at = feed_parts(count)[1]

    def before_feed(start: int, end: int) -> None:
        if (start, end) == refused_at:
            raise StateWriteError("the journal is full")
        events.append(f"intend {start}-{end}")

    status, result = run_batch(env, _lines(count), True, before_feed=before_feed)
    fed = refused_at[0]
    assert events == [f"intend 0-{fed}", f"ip read {fed} lines"]
    assert result.ok and status == [0] * fed + [None] * (count - fed)
    env.flush_audit()
    records = [json.loads(x) for x in env.audit.path.read_text().splitlines()]
    assert sum(1 for r in records if r.get("kind") == "command") == fed
