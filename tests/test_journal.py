"""The write-ahead journal: durable intents, outcomes, torn lines, the lab lock."""

from __future__ import annotations

import json
import stat
from contextlib import ExitStack
from pathlib import Path

import pytest

from iplab import statedir
from iplab.errors import LockedError
from iplab.inverse import Guard
from iplab.journal import Entry, Journal, LabInfo, Status, UndoRecord, forget, open_lab
from iplab.steps import NetnsAdd, NetnsDel, NetnsExec


def _undo() -> UndoRecord:
    return UndoRecord(NetnsDel(name="ns1"), Guard("netns", name="ns1"), sudo=True)


def test_intent_then_outcome(tmp_path: Path) -> None:
    with ExitStack() as stack:
        journal = open_lab(tmp_path, "lab1", stack)
        entry = journal.new_entry(
            "run1", number=1, phase="setup", text="ip netns add ns1",
            argv=("ip", "netns", "add", "ns1"), undo=[_undo()],
        )  # fmt: skip
        journal.intend([entry])
        [pending] = journal.entries()
        assert pending.status == "pending"
        assert pending.undo == (_undo(),)
        journal.record([(entry, "done", 0)])
        assert [(e.seq, e.status, e.rc) for e in journal.entries()] == [(1, "done", 0)]
        journal.mark_undone([entry])
        assert journal.entries()[0].status == "undone"


def test_torn_last_line_is_ignored(tmp_path: Path) -> None:
    with ExitStack() as stack:
        journal = open_lab(tmp_path, "lab1", stack)
        entry = journal.new_entry("r", number=1, phase="setup", text="t", argv=("ip",), undo=[])
        journal.intend([entry])
        with journal.path.open("a") as f:
            f.write('{"type":"outcome","seq":1,"sta')  # a crash mid-write
        [e] = journal.entries()
        assert e.status == "pending"


def test_second_process_on_the_same_lab_gets_a_clear_message(tmp_path: Path) -> None:
    with ExitStack() as first:
        open_lab(tmp_path, "lab1", first)
        with (
            ExitStack() as second,
            pytest.raises(LockedError, match="lab lab1 is in use by iplab pid"),
        ):
            open_lab(tmp_path, "lab1", second)
    with ExitStack() as third:  # released with the first
        open_lab(tmp_path, "lab1", third)


def test_forget_removes_only_the_lock_only_directory_of_a_lab_nobody_holds(
    tmp_path: Path,
) -> None:
    """What archive leaves of a lab that is down (its lock) goes; a lab in use, or one
    with its journal, stays (the pytest plugin's labs left one such directory a test)."""
    with ExitStack() as held:
        open_lab(tmp_path, "lab1", held)
        assert not forget(tmp_path, "lab1")  # (its lock is held)
    assert sorted(p.name for p in (tmp_path / "labs" / "lab1").iterdir()) == ["lock"]
    with ExitStack() as up:
        _two_entries(open_lab(tmp_path, "lab2", up))
    assert not forget(tmp_path, "lab2")  # (its journal: a lab that is up)
    assert forget(tmp_path, "lab1")
    assert not forget(tmp_path, "lab3")  # (none)
    assert sorted(p.name for p in (tmp_path / "labs").iterdir()) == ["lab2"]


def test_files_are_private(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with ExitStack() as stack:
        journal = open_lab(state, "lab1", stack)
        journal.write_info(LabInfo("lab1", "r", "s.yaml", "0" * 64, "", 0.0, [], []))
        journal.intend(
            [journal.new_entry("r", number=1, phase="setup", text="t", argv=(), undo=[])]
        )
    for path in (state, journal.dir, journal.info_path, journal.path):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"
    assert json.loads(journal.info_path.read_text())["lab"] == "lab1"


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    statedir.atomic_write(target, "one")
    statedir.atomic_write(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]


def test_state_dir_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IPLAB_STATE_DIR", str(tmp_path / "env"))
    assert statedir.resolve(None) == tmp_path / "env"
    assert statedir.resolve(str(tmp_path / "cli")) == tmp_path / "cli"
    monkeypatch.delenv("IPLAB_STATE_DIR")
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert statedir.resolve(None) == tmp_path / "xdg" / "iplab"
    monkeypatch.setattr("os.geteuid", lambda: 0)
    assert statedir.resolve(None) == Path("/var/lib/iplab")


def _two_entries(journal: Journal) -> None:
    add = journal.new_entry(
        "r", number=1, phase="setup", text="ip netns add ns1",
        argv=("ip", "netns", "add", "ns1"), undo=[_undo()], op=NetnsAdd(name="ns1"),
    )  # fmt: skip
    tc = journal.new_entry(
        "r", number=2, phase="setup", text="ip netns exec ns1 tc qdisc show",
        argv=("ip", "netns", "exec", "ns1", "tc", "qdisc", "show"), undo=[],
        op=NetnsExec(ns="ns1", command="tc qdisc show"),
    )  # fmt: skip
    journal.intend([add, tc])
    journal.record([(add, "done", 0), (tc, "failed", 2)])


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (b"not json at all\n", "not JSON"),
        (b"\xff\xfe{}\n", "bytes that are not UTF-8"),
        (b"[1, 2]\n", "a JSON list, not a record"),
        (b"\n", "not JSON"),
        (b'{"a": 1}, {"b": 2}\n', "not JSON"),
    ],
)
def test_a_bad_line_in_the_middle_is_named_and_the_rest_kept(
    tmp_path: Path, damage: bytes, problem: str
) -> None:
    with ExitStack() as stack:
        journal = open_lab(tmp_path, "lab1", stack)
        first = journal.new_entry("r", number=1, phase="setup", text="a", argv=("ip",), undo=[])
        journal.intend([first])
        with journal.path.open("ab") as f:
            f.write(damage)
        journal.record([(first, "done", 0)])
        [entry] = journal.entries()
        assert (entry.seq, entry.status) == (1, "done")
        assert journal.problems == [f"{journal.path}:2: {problem}; the line is skipped"]


def test_only_decodes_the_intents_asked_for_and_their_outcomes(tmp_path: Path) -> None:
    with ExitStack() as stack:
        journal = open_lab(tmp_path, "lab1", stack)
        _two_entries(journal)
        everything = journal.entries()
        assert [(e.seq, e.status, e.rc) for e in everything] == [(1, "done", 0), (2, "failed", 2)]
        asked = journal.entries(only=lambda record: record["op"]["action"] == "netns exec")
        assert [(e.seq, e.status, e.rc, e.op) for e in asked] == [
            (2, "failed", 2, everything[1].op)
        ]
        assert journal.entries(only=lambda record: False) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("started", "yesterday"), ("started", 1e300), ("scenario", ["x"]), ("owned_links", [1])],
)
def test_a_lab_record_edited_to_hold_the_wrong_kind_is_rebuilt_from_the_journal(
    tmp_path: Path, field: str, value: object
) -> None:
    """``iplab ls`` was an internal error for such a record (and hid every other lab)."""
    from iplab.lab import list_labs

    with ExitStack() as stack:
        journal = open_lab(tmp_path, "lab1", stack)
        info = LabInfo("lab1", "r", "s.yaml", "0" * 64, "", 0.0, ["ns1"], [])
        journal.write_info(info)
        entry = journal.new_entry(
            "r", number=1, phase="setup", text="ip netns add ns1",
            argv=("ip", "netns", "add", "ns1"), undo=[_undo()], op=NetnsAdd(name="ns1"),
        )  # fmt: skip
        journal.intend([entry])
        journal.info_path.write_text(json.dumps({**info.to_json(), field: value}))
    [listed] = list_labs(tmp_path)
    assert (listed.lab, listed.scenario, listed.owned_netns) == (
        "lab1", "(unknown: the lab record is lost)", ["ns1"],
    )  # fmt: skip


def _batch(journal: Journal, n: int) -> list[Entry]:
    entries = [
        journal.new_entry(
            "run1",
            number=i,
            phase="setup",
            text=f"ip netns add ns{i}",
            argv=("ip", "netns", "add", f"ns{i}"),
            undo=[_undo()],
        )
        for i in range(1, n + 1)
    ]
    journal.intend(entries)
    return entries


def test_a_batchs_outcomes_are_one_record_for_each_run_alike(tmp_path: Path) -> None:
    """A batch's 1,501 outcomes were 1,501 records (15 ms of star-500's up, #14): the
    consecutive intents that ended alike are one record (``seq`` to ``last``), read back as
    each intent's own outcome; a line apart (failed, then skipped) breaks the run."""
    with ExitStack() as stack:
        journal = open_lab(tmp_path, "lab1", stack)
        entries = _batch(journal, 6)
        statuses: list[tuple[Status, int | None]] = [
            ("done", 0), ("done", 0), ("done", 0), ("failed", 2), ("skipped", None),
            ("skipped", None),
        ]  # fmt: skip
        journal.record([(e, s, rc) for e, (s, rc) in zip(entries, statuses, strict=True)])
        records = [json.loads(line) for line in journal.path.read_text().splitlines()]
        outcomes = [r for r in records if r["type"] == "outcome"]
        assert [(r["seq"], r.get("last"), r["status"]) for r in outcomes] == [
            (1, 3, "done"), (4, None, "failed"), (5, 6, "skipped"),
        ]  # fmt: skip
        assert [(e.seq, e.status, e.rc) for e in journal.entries()] == [
            (1, "done", 0), (2, "done", 0), (3, "done", 0), (4, "failed", 2),
            (5, "skipped", None), (6, "skipped", None),
        ]  # fmt: skip
        assert journal.problems == []
        # a question about some intents only: the range gives each its own outcome
        only = journal.entries(lambda r: r["seq"] % 2 == 0)
        assert [(e.seq, e.status) for e in only] == [(2, "done"), (4, "failed"), (6, "skipped")]


def test_a_range_of_outcomes_without_its_intents_is_skipped_and_said_once(tmp_path: Path) -> None:
    with ExitStack() as stack:
        journal = open_lab(tmp_path, "lab1", stack)
        _batch(journal, 2)
        with journal.path.open("a") as f:
            f.write('{"type":"outcome","seq":1,"status":"done","rc":0,"time":1.0,"last":9}\n')
            f.write('{"type":"outcome","seq":2,"status":"done","rc":0,"time":1.0,"last":1}\n')
        assert [e.status for e in journal.entries()] == ["pending", "pending"]  # (maybe done)
        assert len(journal.problems) == 2
        assert "seqs 1 to 9: 7 have no intent before them" in journal.problems[0]
        assert "'last' 1 is before 'seq' 2" in journal.problems[1]


def test_failed_steps_reads_outcomes_without_decoding_an_op(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``verify`` asks which setup steps failed: a lab of 1,501 intents answered in 40 ms,
    30 of them decoding each intent's op and undo records, which the answer does not use
    (#14). The same answer, no op decoded."""
    from iplab import journal as journal_module

    with ExitStack() as stack:
        journal = open_lab(tmp_path, "lab1", stack)
        entries = _batch(journal, 6)
        outcomes: list[tuple[Status, int | None]] = [
            ("done", 0), ("done", 0), ("done", 0), ("failed", 2), ("done", 0), ("done", 0),
        ]  # fmt: skip
        journal.record([(e, s, rc) for e, (s, rc) in zip(entries, outcomes, strict=True)])
        expected = sorted(e.number for e in journal.entries() if e.status == "failed")
        decoded: list[object] = []

        def counted(data: object) -> object:
            decoded.append(data)
            raise AssertionError("an op decoded")

        monkeypatch.setattr(journal_module, "op_from_json", counted)
        monkeypatch.setattr(UndoRecord, "from_json", classmethod(lambda cls, data: counted(data)))
        assert journal.failed_steps(entries[0].run) == expected == [entries[3].number]
        assert decoded == [] and journal.problems == []
        # (the entries asked for with ops are still decoded: the patched decoder says so)
        with pytest.raises(AssertionError, match="an op decoded"):
            journal.entries()


def test_a_journal_removed_as_its_first_append_failed_is_gone_not_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The state directory removed between the journal's first write and its fsync (hunt
    AQ's test, before-any-line, failed so now and then): the append failed, nothing of
    it is this process's, and the file is gone. The journal is one that vanished (the
    rollback says so, and archives nothing), not an empty one whose archive then failed
    ("could not be archived ...; `iplab down` will finish that")."""
    from iplab.errors import StateWriteError

    with ExitStack() as stack:
        journal = open_lab(tmp_path, "lab1", stack)
        entry = journal.new_entry(
            "run1", number=1, phase="setup", text="ip netns add ns1",
            argv=("ip", "netns", "add", "ns1"), undo=[_undo()],
        )  # fmt: skip

        def removed_meanwhile(
            path: Path, text: str, sync: bool = True, create: bool = True
        ) -> None:
            path.write_text(text)
            path.unlink()  # (rm -rf of the state directory, between the write and fsync)
            raise FileNotFoundError(2, "No such file or directory", str(path))

        monkeypatch.setattr(statedir, "append_durably", removed_meanwhile)
        with pytest.raises(StateWriteError):
            journal.intend([entry])
        assert journal.entries() == []
        assert journal.vanished


def test_a_journal_removed_after_its_first_append_is_not_made_anew(tmp_path: Path) -> None:
    """The state directory removed while an up went on, after the journal's first records:
    the next append made the file anew (``rm -rf`` then said "Directory not empty", hunt
    AQ's test in CI), holding only the records after the removal, and the rollback took
    that for the whole journal. The append fails, nothing is made anew, and the journal is
    one that vanished: what this process wrote, all of it."""
    from iplab.errors import StateWriteError

    with ExitStack() as stack:
        journal = open_lab(tmp_path, "lab1", stack)
        first, second = (
            journal.new_entry(
                "run1",
                number=n,
                phase="setup",
                text=f"ip netns add ns{n}",
                argv=("ip", "netns", "add", f"ns{n}"),
                undo=[_undo()],
            )
            for n in (1, 2)
        )
        journal.intend([first])
        journal.path.unlink()  # (rm -rf of the state directory, the folder not yet)
        with pytest.raises(StateWriteError):
            journal.intend([second])
        assert not journal.path.exists()
        assert [e.text for e in journal.entries()] == ["ip netns add ns1"]
        assert journal.vanished
