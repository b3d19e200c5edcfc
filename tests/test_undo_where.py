"""A shell undo runs in the directory its step ran in, wherever ``down`` is run from.

A scenario's ``undo: rm -rf site`` names what its step made relatively. ``iplab down`` run
from another directory ran it there: it deleted that directory's ``site`` (the user's) and
left the lab's. The journal now keeps the directory of each step whose undo is a shell
command, and the undo runs there; when that directory is gone, in an empty one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from iplab.inverse import Guard
from iplab.journal import UndoRecord, open_lab
from iplab.steps import Raw
from tests.conftest import REPO

LAB = REPO / "tests" / "fixtures" / "undo-where" / "site-in-its-directory.yaml"


def _iplab(*args: str, state: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IPLAB_STATE_DIR": str(state), "PYTHONPATH": str(REPO)}
    env.pop("IPLAB_FAULT", None)
    return subprocess.run(
        [sys.executable, "-m", "iplab", *args],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=120, check=False,
    )  # fmt: skip


def _mine(where: Path) -> None:
    """What a user keeps in a directory: a site and a log of the same names as the lab's."""
    (where / "site").mkdir()
    (where / "site" / "index.html").write_text("mine\n")
    (where / "served.log").write_text("mine\n")


def _up(prefix: str, state: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The lab up from a directory of its own; another, the user's, holding a site and a log
    of the same names as the lab's: (the lab's directory, the user's)."""
    up_here, elsewhere = tmp_path / "lab", tmp_path / "home"
    up_here.mkdir()
    elsewhere.mkdir()
    _mine(elsewhere)
    up = _iplab("up", str(LAB), "--prefix", prefix, state=state, cwd=up_here)
    assert up.returncode == 0, up.stdout + up.stderr
    return up_here, elsewhere


@pytest.mark.kernel
def test_down_from_another_directory_undoes_where_the_steps_ran(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    up_here, elsewhere = _up(prefix, state_dir, tmp_path)
    assert sorted(p.name for p in up_here.iterdir()) == ["served.log", "site"]
    down = _iplab("down", f"{prefix}site", state=state_dir, cwd=elsewhere)
    assert down.returncode == 0, down.stdout + down.stderr
    assert list(up_here.iterdir()) == []  # the lab's, undone
    assert (elsewhere / "site" / "index.html").read_text() == "mine\n"  # the user's, kept
    assert (elsewhere / "served.log").read_text() == "mine\n"
    # the audit log says where each shell undo ran
    records = [json.loads(line) for line in (state_dir / "audit.jsonl").read_text().splitlines()]
    ran_in = {r["text"]: r.get("ran_in") for r in records if r.get("kind") == "undo"}
    assert ran_in["rm -rf site"] == ran_in["rm -f served.log"] == str(up_here)


@pytest.mark.kernel
def test_a_directory_gone_since_gets_its_undo_run_in_an_empty_one(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    up_here, elsewhere = _up(prefix, state_dir, tmp_path)
    shutil.rmtree(up_here)
    down = _iplab("down", f"{prefix}site", state=state_dir, cwd=elsewhere)
    assert down.returncode == 0, down.stdout + down.stderr
    assert f"iplab: {up_here}, where step 2 ran, is gone: `rm -rf site` runs" in down.stderr
    assert (elsewhere / "site" / "index.html").read_text() == "mine\n"
    assert (elsewhere / "served.log").read_text() == "mine\n"
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True)
    assert f"{prefix}web" not in listed.stdout


def test_the_journal_keeps_the_directory_of_a_shell_undo(tmp_path: Path) -> None:
    undo = UndoRecord(Raw(command="rm -rf site"), Guard("always"))
    with ExitStack() as stack:
        journal = open_lab(tmp_path, "lab1", stack)
        entry = journal.new_entry(
            "r", number=1, phase="setup", text="mkdir site", argv=("mkdir", "site"),
            undo=[undo], cwd="/srv/lab",
        )  # fmt: skip
        journal.intend([entry])
        [read] = journal.entries()
        assert read.cwd == "/srv/lab"


def test_a_journal_whose_directory_is_relative_is_said(tmp_path: Path) -> None:
    with ExitStack() as stack:
        journal = open_lab(tmp_path, "lab1", stack)
        entry = journal.new_entry(
            "r", number=1, phase="setup", text="mkdir site", argv=("mkdir", "site"),
            undo=[UndoRecord(Raw(command="rm -rf site"), Guard("always"))], cwd="site",
        )  # fmt: skip
        journal.intend([entry])
        assert journal.entries() == []
        assert journal.problems == [
            f"{journal.path}:1: 'cwd' must be an absolute directory, found 'site';"
            " the record is skipped"
        ]
