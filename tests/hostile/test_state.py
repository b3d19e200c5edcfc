"""Errors that are not iplab's own: a broken stdout, a full or read-only state directory,
an audit log that is a directory, damaged journals and lab records, a deleted cwd.
Each gives one clear line, no internal error, and leaves nothing of the lab behind."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.hostile import SMALL_LAB, figure, leftovers, start
from tests.kernel import REPO, iplab

pytestmark = pytest.mark.kernel


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_LAB)
    return path


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs of the test's own, unmounted in the finalizer."""
    where = tmp_path / "mnt"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", str(where)],
        capture_output=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _clean(result: subprocess.CompletedProcess[str]) -> None:
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_a_closed_stdout_stops_and_rolls_back(prefix: str, state_dir: Path, lab: Path) -> None:
    """iplab up ... | head -1: the reader goes away; the run is a failure and rolls back."""
    proc = start("up", str(lab), "--prefix", prefix, "--per-command", state=state_dir)
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # as head -1 does after its line
    _, err = proc.communicate(timeout=60)
    rc = proc.returncode
    figure(f"stdout closed after one line: exit {rc}, left {leftovers(prefix)}")
    assert rc != 0, err
    assert "cannot write to stdout" in err and "rolled back" in err, err
    assert "internal error" not in err
    assert leftovers(prefix) == []


def test_stdout_on_dev_full(prefix: str, state_dir: Path, lab: Path) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "iplab", "up", str(lab), "--prefix", prefix],
            stdout=full, stderr=subprocess.PIPE, text=True, cwd=REPO, check=False,
            env={**os.environ, "IPLAB_STATE_DIR": str(state_dir)},
        )  # fmt: skip
    figure(f"stdout on /dev/full: exit {result.returncode}, left {leftovers(prefix)}")
    assert result.returncode != 0
    assert "No space left on device" in result.stderr
    assert "internal error" not in result.stderr
    assert leftovers(prefix) == []


def test_a_full_state_directory_refuses_before_the_kernel(
    prefix: str, tmpfs: Path, lab: Path
) -> None:
    filler = tmpfs / "filler"
    with open(filler, "wb") as f:  # leave a few pages free
        f.write(b"x" * (512 * 1024 - 4 * 4096))
    state = tmpfs / "state"
    result = iplab("up", str(lab), "--prefix", prefix, state=state)
    figure(f"full tmpfs state dir: exit {result.returncode}: {result.stderr.strip()[:120]}")
    _clean(result)
    assert result.returncode != 0
    assert "no room for the journal" in result.stderr or "No space left" in result.stderr
    assert leftovers(prefix) == []


def test_a_state_directory_that_fills_up_mid_run_rolls_back(
    prefix: str, tmpfs: Path, lab: Path
) -> None:
    """The reserve is taken, then the rest of the disk fills up while the lab runs: the
    journal and audit writes get the reserve back, the run goes on or rolls back."""
    state = tmpfs / "state"
    proc = start("up", str(lab), "--prefix", prefix, "--per-command", state=state)
    reserve = state / "labs" / f"{prefix}small" / "reserve"
    deadline = time.monotonic() + 20
    while not reserve.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    with open(tmpfs / "filler", "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"x" * 4096)
        except OSError:
            pass  # full
    _, err = proc.communicate(timeout=60)
    (tmpfs / "filler").unlink()
    assert "internal error" not in err
    if proc.returncode == 0:  # it got through on the reserve: a down takes it away
        down = iplab("down", f"{prefix}small", state=state)
        assert down.returncode == 0, down.stderr
    figure(f"state dir filled mid-run: up exit {proc.returncode}, then left {leftovers(prefix)}")
    assert leftovers(prefix) == []


def test_a_read_only_state_directory(prefix: str, tmpfs: Path, lab: Path) -> None:
    state = tmpfs / "state"
    assert iplab("up", str(lab), "--prefix", prefix, state=state).returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    try:
        down = iplab("down", f"{prefix}small", state=state)
        figure(f"read-only state dir: exit {down.returncode}: {down.stderr.strip()[:120]}")
        _clean(down)
        assert down.returncode != 0
        assert "Read-only file system" in down.stderr
        assert len(down.stderr.strip().splitlines()) == 1
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=True)
    assert iplab("down", f"{prefix}small", state=state).returncode == 0
    assert leftovers(prefix) == []


def test_an_audit_log_that_is_a_directory(prefix: str, state_dir: Path, lab: Path) -> None:
    (state_dir / "audit.jsonl").mkdir()
    result = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    figure(f"audit.jsonl a directory: exit {result.returncode}: {result.stderr.strip()[:100]}")
    _clean(result)
    assert result.returncode != 0
    assert "audit.jsonl" in result.stderr
    assert leftovers(prefix) == []


def test_a_deleted_cwd_and_a_non_utf8_audit_log(state_dir: Path, tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    (state_dir / "audit.jsonl").write_bytes(b'{"text": "ok"}\n\xff\xfe not utf-8\n')
    proc = subprocess.Popen(
        [sys.executable, "-c", "import os, sys, runpy; os.rmdir(os.getcwd()); "
         "sys.argv = ['iplab', 'audit']; runpy.run_module('iplab', run_name='__main__')"],
        cwd=gone, env={**os.environ, "IPLAB_STATE_DIR": str(state_dir),
                       "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    out, err = proc.communicate(timeout=60)
    assert "internal error" not in err and "Traceback" not in err, err
    assert proc.returncode == 0 and len(out.splitlines()) == 3  # the header, two records


DAMAGES = [
    "array", "string-seq", "missing-undo", "unknown-action", "not-utf8",
    "cut", "emptied", "deleted", "lab-record-deleted", "lab-record-garbled",
]  # fmt: skip


def _damage(directory: Path, how: str) -> None:
    journal = directory / "journal.jsonl"
    data = journal.read_bytes()
    lines = data.splitlines(keepends=True)
    if how == "array":
        lines.insert(3, b'["not", "a", "record"]\n')
    elif how == "string-seq":  # (the first outcome record's: a batch's lines that ended
        # alike share one record since #14, so there may be no record of seq 2 alone)
        first = next(n for n, line in enumerate(lines) if b'"type":"outcome","seq":' in line)
        lines[first] = re.sub(rb'"seq":(\d+)', rb'"seq":"\1"', lines[first], count=1)
    elif how == "missing-undo":
        lines = [line.replace(b',"undo":', b',"undo_":', 1) if b'"seq":1,' in line else line
                 for line in lines]  # fmt: skip
    elif how == "unknown-action":
        lines = [line.replace(b'"action":"netns add"', b'"action":"netns conjure"', 1)
                 for line in lines]  # fmt: skip
    elif how == "not-utf8":
        lines.insert(2, b"\xff\xfe\xfd\n")
    elif how == "cut":
        lines = [data[: len(data) // 2]]
    elif how == "emptied":
        lines = []
    if how == "deleted":
        journal.unlink()
    elif how == "lab-record-deleted":
        (directory / "lab.json").unlink()
    elif how == "lab-record-garbled":
        (directory / "lab.json").write_bytes(b'{"lab": "x", "owned_netns": \xff')
    else:
        journal.write_bytes(b"".join(lines))


def test_every_journal_damage_is_named_and_down_still_restores(
    prefix: str, state_dir: Path, lab: Path
) -> None:
    restored = 0
    for how in DAMAGES:
        up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
        assert up.returncode == 0, up.stderr
        _damage(state_dir / "labs" / f"{prefix}small", how)
        down = iplab("down", f"{prefix}small", state=state_dir)
        _clean(down)
        left = leftovers(prefix)
        restored += not left
        assert left == [], (how, down.stderr)
        assert down.returncode == 0, (how, down.stderr)
        if how in ("array", "string-seq", "missing-undo", "unknown-action", "not-utf8"):
            assert "journal.jsonl:" in down.stderr, (how, down.stderr)
        assert "is down" in down.stdout, (how, down.stdout, down.stderr)
    figure(f"journal damages ({', '.join(DAMAGES)}): {restored}/{len(DAMAGES)} restored "
           "by one down, each bad line named")  # fmt: skip
