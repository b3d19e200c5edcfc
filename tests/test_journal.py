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
from iplab.journal import LabInfo, UndoRecord, open_lab
from iplab.steps import NetnsDel


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
