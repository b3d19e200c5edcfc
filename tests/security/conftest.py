"""Helpers of the security suite: run the CLI in-process, plant a lab as an attacker would."""

from __future__ import annotations

import io
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from iplab import cli
from iplab.inverse import Guard
from iplab.journal import LabInfo, UndoRecord, open_lab
from iplab.steps import Raw

#: a uid that is not the one running the tests (nobody)
OTHER_UID = 65534


def iplab(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``iplab ARGS`` in this process: (exit status, stdout, stderr)."""
    err = io.StringIO()
    rc = cli.main(list(args), stderr=err)
    out = capsys.readouterr()
    return rc, out.out, out.err + err.getvalue()


def plant_lab(state_dir: Path, lab: str, marker: Path) -> Path:
    """A lab whose journal's undo is a raw command that would create ``marker`` if run."""
    with ExitStack() as stack:
        journal = open_lab(state_dir, lab, stack)
        journal.write_info(
            LabInfo(lab=lab, run="r1", scenario="x.yaml", sha256="0" * 64, prefix="",
                    started=time.time(), owned_netns=[], owned_links=[])
        )  # fmt: skip
        undo = UndoRecord(Raw(command=f"touch {marker}"), Guard("always"))
        entry = journal.new_entry(
            "r1", number=1, phase="setup", text="true", argv=("true",), undo=[undo],
            op=Raw(command="true"),
        )  # fmt: skip
        journal.intend([entry])
        journal.record([(entry, "done", 0)])
    return journal.dir


def assert_one_line_error(rc: int, err: str, *needles: str) -> None:
    assert rc != 0, err
    assert "Traceback" not in err and "internal error" not in err, err
    line = next(x for x in err.splitlines() if x.startswith("iplab: error:"))
    for needle in needles:
        assert needle in line, line
