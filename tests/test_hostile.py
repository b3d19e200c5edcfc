"""Hunt D (hostile conditions) without the kernel: a lost lab record, a state directory
that is a regular file or on a read-only file system."""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest

from iplab import statedir
from iplab.cli import main
from iplab.errors import StateWriteError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hostile"
LAB = "hD01acontainer-networking-part2"


def _iplab(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    return main(list(argv), stderr=err), err.getvalue()


def test_verify_of_a_lab_whose_record_is_unreadable_says_so(tmp_path: Path) -> None:
    """Hunt D: lab.json made unreadable, ``verify LAB`` said `(unknown: the lab record is
    lost): no such scenario file`, as if the user had named a file. It says the record is
    unreadable and how to verify all the same."""
    state = tmp_path / "state"
    lab = state / "labs" / LAB
    lab.mkdir(parents=True, mode=0o700)
    os.chmod(state / "labs", 0o700)
    os.chmod(state, 0o700)
    journal = lab / "journal.jsonl"
    journal.write_bytes((FIXTURES / "journal.jsonl").read_bytes())
    (lab / "lab.json").write_text("{not json")
    for path in (journal, lab / "lab.json"):
        os.chmod(path, 0o600)
    rc, said = _iplab("verify", LAB, "--state-dir", str(state))
    assert rc == 2, said
    assert "lab.json is unreadable" in said and "no such scenario file" not in said, said
    assert "iplab verify SCENARIO --prefix PREFIX" in said, said


def test_a_state_directory_that_is_a_regular_file_is_not_called_unsafe(tmp_path: Path) -> None:
    """Hunt D: a state directory that is a regular file was `unsafe state ... make it
    yours with chown`: no chown helps; it is not a directory."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    rc, said = _iplab("ls", "--state-dir", str(afile))
    assert rc == 2, said
    assert f"{afile} is not a directory: iplab keeps its state in a directory" in said, said
    assert "chown" not in said and "unsafe" not in said, said


def test_a_state_file_on_a_read_only_file_system_is_not_called_unsafe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt D: on a read-only file system a state file `cannot be opened (Read-only file
    system)` was `unsafe state ... make it yours with chown`: it is a write the host
    refuses, said as one."""

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(StateWriteError, match="Read-only file system") as caught:
        statedir.open_state_file(tmp_path / "lock", os.O_RDWR | os.O_CREAT)
    assert "unsafe" not in str(caught.value) and "chown" not in str(caught.value.hint or "")


def test_ip_commands_kept_raw_for_names_not_ascii_are_said_once() -> None:
    """Hunt D: a French script's namespaces ``café`` and ``thé`` made ten raw steps with no
    word why (``0 typed, 10 raw``); ``up --prefix`` then refused them as steps iplab cannot
    read. The import says which lines and names, once."""
    from iplab.importer.convert import import_text

    page = FIXTURES / "t2-cafe.sh"
    result = import_text(page.read_text(encoding="utf-8"), "shell", page.name)
    said = [w for w in result.warnings if "not ASCII" in w]
    assert said == [
        "lines 6, 7, 8, 9, 10, 11, 12, 13, 14, 16: 'café', 'thé', 'vcafé', 'vthé' not ASCII:"
        " iplab types ip commands whose names are ASCII letters, digits, '_', '.', '-'; kept"
        " as raw steps (they run as written; --prefix renames in them only the names other"
        " steps make, not these)"
    ]


def test_a_loop_that_runs_nothing_iplab_made_is_rendered_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hunt P: 03-cleanup-while-read.sh's line 11, ``for i in $(ip -br link | cut ... |
    grep '^dum'); do ip link set $i down; done`` (no link of the tutorial's is left by
    then), was "kept as a note": ``render`` printed the script without it. A loop iplab
    finds iterates over nothing is printed as written, byte for byte, and runs nothing; a
    loop it cannot read the values of is still skipped, said."""
    from iplab.importer.convert import import_text

    source = FIXTURES / "hunt-p-cleanup-while-read.sh"
    text = source.read_text(encoding="utf-8")
    result = import_text(text, "shell", source.name)
    assert "line 11: the loop iterates over nothing here; printed as written, runs nothing" in (
        result.warnings
    )
    written = tmp_path / "lab.yaml"
    written.write_text(result.yaml, encoding="utf-8")
    capsys.readouterr()
    rc, said = _iplab("render", str(written))
    printed = capsys.readouterr().out.splitlines()
    assert rc == 0, said
    assert text.splitlines()[10] in printed
    assert printed[-1] == text.splitlines()[10]
