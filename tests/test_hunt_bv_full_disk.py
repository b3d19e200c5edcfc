"""Hunt BV #1: a state directory on a nearly full disk tore the write-ahead journal.

``iplab up tests/fixtures/hostile-3/fast-lab.md`` with the state directory on a small
tmpfs that had about 128 KiB free: the disk took the first bytes of the batch's nine
intents and refused the rest; the space set aside was given back and the nine were
written again, after the torn bytes, on their line. ``iplab down`` then warned
``journal.jsonl:10: not JSON; the line is skipped``: the first of the nine written again
was read as no record (here it was there twice; an intent written alone would have been
lost, and its command, which then ran, left for ``down`` to forget). A write the disk
refuses halfway now leaves the file as it was (statedir.append_durably), a lab record
the disk takes only part of is not put in place (statedir.atomic_write), and a lab
record that finds no room before anything ran is said as the other checks before a run
say it, naming the directory (it was a bare "No space left on device").

The kernel test runs in network and mount namespaces of its own (tests/kernel.py
``apart``), with the state directory on a tmpfs of its own filled to leave 112 to 160
KiB, 4 KiB at a time (tmpfs counts in pages).
"""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path

import pytest

from iplab import statedir
from iplab.errors import StateWriteError
from iplab.journal import Journal
from tests.kernel import apart

PAGE = Path(__file__).parent / "fixtures" / "hostile-3" / "fast-lab.md"
IPLAB = f"{sys.executable} -m iplab"


class _NearlyFull:
    """``os.write`` of a disk with ``room`` bytes left: the write that reaches past them
    takes what fits, the next one fails with ENOSPC; ``free()`` makes room again."""

    def __init__(self, room: int) -> None:
        self.room = room
        self.real = os.write

    def __call__(self, fd: int, data: bytes | memoryview) -> int:
        if self.room <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        taken = self.real(fd, bytes(data[: self.room]))
        self.room -= taken
        return taken

    def free(self) -> bool:
        self.room = 1 << 20
        return True


def _entry(journal: Journal, number: int) -> object:
    return journal.new_entry(
        "r1", number=number, phase="setup", text=f"ip netns add n{number}",
        argv=("ip", "netns", "add", f"n{number}"), undo=[],
    )  # fmt: skip


def test_an_intent_the_disk_took_half_of_is_read_back_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = Journal(tmp_path)
    journal.intend([_entry(journal, 1)])  # type: ignore[list-item]
    disk = _NearlyFull(room=40)
    monkeypatch.setattr(os, "write", disk)
    journal.on_full = disk.free  # the space set aside, given back
    journal.intend([_entry(journal, 2)])  # type: ignore[list-item]
    lines = journal.path.read_text().splitlines()
    assert [json.loads(line)["number"] for line in lines] == [1, 2]
    assert [e.number for e in Journal(tmp_path).entries()] == [1, 2]


def test_an_intent_the_disk_refused_leaves_the_journal_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = Journal(tmp_path)
    journal.intend([_entry(journal, 1)])  # type: ignore[list-item]
    before = journal.path.read_bytes()
    monkeypatch.setattr(os, "write", _NearlyFull(room=40))
    with pytest.raises(StateWriteError, match=r"journal\.jsonl: No space left on device"):
        journal.intend([_entry(journal, 2)])  # type: ignore[list-item]
    assert journal.path.read_bytes() == before


def test_a_record_the_disk_took_part_of_is_not_put_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lab.json"
    path.write_text('{"lab": "old"}\n')
    monkeypatch.setattr(os, "write", _NearlyFull(room=10))
    with pytest.raises(OSError, match="No space left"):
        statedir.atomic_write(path, json.dumps({"lab": "new", "pad": "x" * 100}) + "\n")
    assert path.read_text() == '{"lab": "old"}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lab.json"]  # no .tmp left


def test_a_record_the_disk_takes_in_pieces_is_written_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:7])))
    text = json.dumps({"lab": "new", "pad": "x" * 100}) + "\n"
    statedir.atomic_write(tmp_path / "lab.json", text)
    statedir.append_durably(tmp_path / "j.jsonl", text + text)
    assert (tmp_path / "lab.json").read_text() == text
    assert (tmp_path / "j.jsonl").read_text() == text + text


@pytest.mark.kernel
def test_up_on_a_nearly_full_disk_keeps_every_record_and_down_undoes_it(
    tmp_path: Path,
) -> None:
    lab = tmp_path / "lab.yaml"
    script = f"""
{IPLAB} import {PAGE} -o {lab} 2>/dev/null || exit 90
disk={tmp_path}/disk
mkdir -p $disk && mount -t tmpfs -o size=512k hbvdisk $disk || exit 91
for free in $(seq 112 4 160); do
  rm -rf $disk/*; mkdir -m 700 $disk/st
  avail=$(df --output=avail $disk | tail -1)
  dd if=/dev/zero of=$disk/fill bs=1k count=$((avail - free)) 2>/dev/null
  {IPLAB} up {lab} --prefix hbv --state-dir $disk/st >/dev/null 2>$disk/up.err
  echo "free=$free up=$?"
  for j in $disk/st/labs/*/journal.jsonl; do
    [ -f "$j" ] && python3 -c 'import json,sys
for n, line in enumerate(open(sys.argv[1]), 1):
    try: json.loads(line)
    except ValueError: print("torn line", n, "of the journal:", line[:80])' "$j"
  done
  grep -i 'error' $disk/up.err
  rm -f $disk/fill
  {IPLAB} down --state-dir $disk/st 2>&1 | grep -E 'not JSON|error'
  echo "left: $(ls /run/netns)"
done
"""
    run = apart(script, timeout=240)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert "torn line" not in said and "not JSON" not in said, said
    assert "up=0" in said, said  # (a disk that had room for the run)
    for line in said.splitlines():
        if line.startswith("iplab: error:"):  # no room, said so (which directory)
            assert " the state directory " in line and " has no room " in line, said
        if line.startswith("left:"):
            assert line == "left: ", said
