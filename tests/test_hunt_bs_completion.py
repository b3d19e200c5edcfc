"""Hunt BS #6: completing a lab's name listed the labs of the default state directory,
whatever ``--state-dir DIR`` the line held (tests/fixtures/leftovers9/completion-lines.txt).
bash hands a completion function the line's words as it split them (``--state-dir=DIR``
is three: ``--state-dir``, ``=``, ``DIR``); an assignment before the command
(``IPLAB_STATE_DIR=DIR iplab ...``) it does not hand at all, so only zsh and fish read it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iplab.cli import completion
from iplab.journal import Journal, LabInfo, lab_dir
from tests.conftest import FIXTURES
from tests.test_completion import complete

LINES = FIXTURES / "leftovers9" / "completion-lines.txt"


def _up(state: Path, lab: str) -> None:
    directory = lab_dir(state, lab)
    directory.mkdir(parents=True)
    Journal(directory).write_info(LabInfo(lab, "r", "s.yaml", "0" * 64, "t1", 0.0, [], []))


def _words(line: str, state: Path) -> list[str]:
    """The words bash hands the completion function for ``line`` (``=`` a word of its own)."""
    words = line.replace("STATE", str(state)).replace("=", " = ").split()
    return [*words, ""] if line.endswith(" ") else words


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_lists_the_labs_of_the_state_directory_on_the_line(tmp_path: Path) -> None:
    default, mine = tmp_path / "default", tmp_path / "mine"
    _up(default, "t1other")
    _up(mine, "t1mine")
    lines = [
        line.rstrip("\n")
        for line in LINES.read_text(encoding="utf-8").splitlines(keepends=True)
        if line.startswith("iplab")
    ]
    for line in lines:
        assert complete(_words(line, mine), tmp_path, default) == ["t1mine"], line
    assert complete(["iplab", "down", ""], tmp_path, default) == ["t1other"]
    assert complete(["iplab", "down", "--state-dir", str(mine), "--js"], tmp_path, default) == []


@pytest.mark.parametrize(
    ("shell", "reads"),
    [
        ("zsh", "w=${words[i]/#IPLAB_STATE_DIR=/--state-dir=}"),
        ("fish", "for w in (commandline -opc)"),
    ],
)
def test_zsh_and_fish_read_the_state_directory_too(shell: str, reads: str) -> None:
    """(Neither shell is on the test host: their functions are read, not run.)"""
    text = completion.script(shell)
    assert reads in text
    assert "iplab ls --names $dir" in text
