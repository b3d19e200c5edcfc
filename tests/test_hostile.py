"""Hunt D (hostile conditions) without the kernel: a lost lab record, a state directory
that is a regular file or on a read-only file system."""

from __future__ import annotations

import io
import os
from pathlib import Path

from iplab.cli import main

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
