"""Audit records made while their batch runs (:class:`iplab.audit.Draft`, #14): written byte
for byte as the records made after it ended, whatever they hold (no process, no kernel)."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from iplab import audit, context
from iplab.audit import AuditLog
from iplab.context import Line, make_env, run_batch
from iplab.runner import FakeExecutor, Runner

_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
_records = st.dictionaries(st.text(min_size=1), _values, max_size=8)
_later = ("time", "via", "batch_ms")


def _log(tmp_path: Path, name: str) -> AuditLog:
    where = tmp_path / name
    where.mkdir(mode=0o700)
    return AuditLog(where)


@settings(max_examples=150, deadline=None)
@given(first=_records, records=st.lists(_records, min_size=1, max_size=4), late=_values)
@example(first={}, records=[{"hash": None}], late=None)  # (the chain's own field: CI found it)
def test_a_draft_is_written_as_its_record(
    tmp_path_factory: pytest.TempPathFactory,
    first: dict[str, Any],
    records: list[dict[str, Any]],
    late: Any,
) -> None:
    tmp = tmp_path_factory.mktemp("drafts")
    values = {
        "time": "2026-12-01T21:00:00.000+00:00",
        "via": ["/usr/sbin/ip", late],
        "batch_ms": late,
    }
    whole = [{**r, **values} for r in records]
    drafted = []
    for r in records:
        made = audit.draft(r, _later)
        assert made is not None
        drafted.append(made.given(audit.Given(values)))
    plain, ahead = _log(tmp, "plain"), _log(tmp, "ahead")
    plain.append([first, *whole])
    ahead.append([first, *drafted])
    assert ahead.path.read_bytes() == plain.path.read_bytes()
    assert ahead.head.read_bytes() == plain.head.read_bytes()


def test_a_draft_first_in_its_append_is_written_as_its_record(tmp_path: Path) -> None:
    """The first record of an append says how many it holds: a draft there is its record."""
    made = audit.draft({"text": "ip netns add a", "rc": 0}, _later)
    assert made is not None
    values = {"time": "t", "via": ["ip"], "batch_ms": 1.5}
    plain, ahead = _log(tmp_path, "plain"), _log(tmp_path, "ahead")
    plain.append([{"text": "ip netns add a", "rc": 0, **values}])
    ahead.append([made.given(audit.Given(values))])
    assert ahead.path.read_bytes() == plain.path.read_bytes()
    assert json.loads(ahead.path.read_text())["batch"] == 1


def test_a_draft_with_a_value_still_to_come_is_never_written(tmp_path: Path) -> None:
    made = audit.draft({"text": "x"}, _later)
    assert made is not None
    log = _log(tmp_path, "log")
    for missing in _later:
        partial = made.given(audit.Given({k: 1 for k in _later if k != missing}))
        with pytest.raises(ValueError, match=missing):
            log.append([{"first": 1}, partial])
        with pytest.raises(ValueError, match=missing):
            log.append([partial])
    assert not log.path.exists() or log.path.read_text() == ""


def test_a_record_holding_the_mark_is_not_drafted() -> None:
    mark = audit._LATER + "time"
    assert audit.draft({"text": mark}, _later) is None
    assert audit.draft({"text": "x"}, _later) is not None


def _lines(count: int, failing: int | None = None) -> list[Line]:
    return [
        Line(f"ip netns add n{i}", ("ip", "netns", "add", f"n{i}"), f"netns add n{i}",
             {"kind": "command", "step": i + 1})
        for i in range(count)
    ]  # fmt: skip


def _records_of(tmp_path: Path, name: str, count: int, fail_at: int | None) -> list[dict[str, Any]]:
    def ip(argv: Any, stdin: str | None) -> tuple[int, str, str]:
        if fail_at is None:
            return 0, "", ""
        return 1, "", f"RTNETLINK answers: File exists\nCommand failed -:{fail_at}\n"

    state = tmp_path / name
    state.mkdir(mode=0o700)
    answers = FakeExecutor({"ip -batch -": ip, "ip -force -batch -": ip})
    env = make_env(state, io.StringIO(), io.StringIO(), runner=Runner(answers, True))
    env.context.update({"lab": "l", "run": "r"})
    run_batch(env, _lines(count), True, force=fail_at is not None)
    env.flush_audit()
    assert env.audit.verify()[0]  # (the chain holds)
    records = [json.loads(x) for x in env.audit.path.read_text().splitlines()]
    for record in records:  # (what differs between two runs: the time, and so the chain)
        for key in ("time", "prev", "hash"):
            record.pop(key, None)
    return records


@pytest.mark.parametrize("fail_at", [None, 200])
def test_a_batchs_records_made_while_it_ran_are_those_made_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int | None
) -> None:
    count = 3 * context.DRAFTS_FROM
    drafted = []
    real = audit.draft

    def counted(record: dict[str, Any], later: Any) -> audit.Draft | None:
        drafted.append(record["text"])
        return real(record, later)

    monkeypatch.setattr(audit, "draft", counted)
    ahead = _records_of(tmp_path, "ahead", count, fail_at)
    assert len(drafted) == count  # (they were made ahead, and used: the records are equal)
    monkeypatch.setattr(context, "DRAFTS_FROM", count + 1)
    after = _records_of(tmp_path, "after", count, fail_at)
    assert len(drafted) == count  # (none more: made after the batch)
    assert ahead == after
    commands = [r for r in ahead if r.get("kind") == "command"]
    assert len(commands) == count
    if fail_at is not None:
        assert commands[fail_at - 1]["rc"] == 1 and "File exists" in commands[fail_at - 1]["stderr"]
        assert all(r["rc"] == 0 for n, r in enumerate(commands) if n != fail_at - 1)


def test_records_whose_shared_fields_changed_while_ip_ran_are_made_after(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    holder: list[Any] = []

    def ip(argv: Any, stdin: str | None) -> tuple[int, str, str]:
        holder[0].context["lab"] = "changed while ip ran"
        return 0, "", ""

    env = make_env(
        state, io.StringIO(), io.StringIO(), runner=Runner(FakeExecutor({"ip -batch -": ip}), True)
    )
    holder.append(env)
    count = context.DRAFTS_FROM
    run_batch(env, _lines(count), True)
    env.flush_audit()
    records = [json.loads(x) for x in env.audit.path.read_text().splitlines()]
    commands = [r for r in records if r.get("kind") == "command"]
    assert len(commands) == count
    assert all(r["lab"] == "changed while ip ran" for r in commands)


def _watched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, events: list[str]) -> Any:
    """An env whose ip -batch succeeds, each thread's start noted in ``events``."""

    class Seen(threading.Thread):
        def start(self) -> None:
            events.append(f"thread {self.name}")
            super().start()

    monkeypatch.setattr(threading, "Thread", Seen)
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    return make_env(
        state,
        io.StringIO(),
        io.StringIO(),
        runner=Runner(FakeExecutor({"ip -batch -": lambda argv, stdin: (0, "", "")}), True),
    )


def test_the_drafts_begin_once_ip_started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Their thread works in Python: begun before ``ip``'s start, it took the interpreter's
    lock from the main thread at each read of ``sh``'s import and the process's start
    (star-500's ``ip`` started tens of ms later, more on a busy host: #14)."""
    events: list[str] = []
    env = _watched(tmp_path, monkeypatch, events)
    real = env.runner.execute

    def execute(argv: Any, privileged: bool, **options: Any) -> Any:
        events.append("execute")
        told = options["on_start"]

        def started(pid: int) -> None:
            events.append("started")
            told(pid)

        return real(argv, privileged, **{**options, "on_start": started})

    monkeypatch.setattr(env.runner, "execute", execute)
    run_batch(env, _lines(context.DRAFTS_FROM), True, on_fed=lambda: events.append("fed"))
    env.flush_audit()
    assert events == ["execute", "started", "thread iplab-audit-drafts", "fed"]


def test_fed_in_parts_the_drafts_begin_once_every_line_was_fed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lines fed in parts wait for their intents in the journal, written by the thread
    that feeds ``ip``: the drafts' work, which nothing waits for until ``ip`` ended, must
    not slow it (#14)."""
    events: list[str] = []
    env = _watched(tmp_path, monkeypatch, events)
    count = 4 * context.DRAFTS_FROM
    run_batch(
        env,
        _lines(count),
        True,
        before_feed=lambda start, end: events.append(f"feed {start}-{end}"),
        on_fed=lambda: events.append("fed"),
    )
    env.flush_audit()
    feeds = [e for e in events if e.startswith("feed ")]
    assert len(feeds) > 1 and feeds[-1].endswith(f"-{count}")
    assert events == [*feeds, "thread iplab-audit-drafts", "fed"]


def test_the_caches_writers_wait_for_an_input_fed_in_parts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A writer's ``pickle.dumps`` of a large plan holds the interpreter's lock for tens of
    ms: with an input fed in parts while the process runs, the writers go once it was all
    fed, not when the process started (#14)."""
    from iplab import memo

    monkeypatch.setattr(memo, "_idle", threading.Event())
    seen: list[bool] = []

    def parts() -> Any:
        for n in range(3):
            seen.append(memo._idle.is_set())
            yield f"netns add n{n}\n"

    runner = Runner(FakeExecutor({"ip -batch -": lambda argv, stdin: (0, "", "")}), True)
    runner.execute(["ip", "-batch", "-"], True, stdin=parts())
    assert seen == [False, False, False]
    assert memo._idle.is_set()
    monkeypatch.setattr(memo, "_idle", threading.Event())
    runner.execute(["ip", "-batch", "-"], True, stdin="netns add n0\n")
    assert memo._idle.is_set()  # (a whole input: once the process started, as before)
