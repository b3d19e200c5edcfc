"""An ``up`` that runs out of threads partway (a pids cgroup at its limit): it rolls back
as far as it can, says what is left, and ``ls`` does not call it killed halfway."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.cli import main
from tests.hostile.hostile import leftovers, no_threads
from tests.kernel import iplab

pytestmark = pytest.mark.kernel

FIXTURES = Path(__file__).parent.parent / "fixtures" / "hostile"


def test_no_threads_midway_rolls_back_and_says_what_is_left(
    prefix: str, state_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Hunt U: in a pids cgroup at its limit, ``up star30.yaml --per-command`` ended with
    "internal error: RuntimeError: can't start new thread (a bug in iplab)", its rollback
    stopped at its first undo (a second internal error), nothing said what was left nor to
    run down, and ``iplab ls`` said the up was killed halfway. Now each process that cannot
    get its threads is a failure (exit 126, a resource limit): the rollback goes on, ends
    saying what is left and to run ``iplab down``; ``ls`` says the rollback failed."""
    lab = tmp_path / "star30.yaml"
    made = iplab("import", str(FIXTURES / "u-star30.md"), "--name", "star30", "-o", str(lab),
                 state=state_dir)  # fmt: skip
    assert made.returncode == 0, made.stderr
    monkeypatch.setenv("IPLAB_STATE_DIR", str(state_dir))
    monkeypatch.setenv("IPLAB_NO_CACHE", "1")
    no_threads(monkeypatch, after=120)  # about 30 commands in, then no more threads
    rc = main(["up", str(lab), "--prefix", prefix, "--per-command"])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert "internal error" not in err
    assert rc == 1, err
    assert "cannot start a thread/process: resource limit" in err
    assert "could not undo everything (still there: " in err
    assert f"run `iplab down {prefix}star30` to try again" in err
    monkeypatch.setenv("IPLAB_STATE_DIR", str(state_dir))
    assert main(["ls"]) == 0  # (in this process, whose pid the lab's lock names: not running)
    listed = capsys.readouterr().out
    assert "killed halfway" not in listed, listed
    assert "rollback failed: its up failed and could not undo everything" in listed, listed
    down = iplab("down", f"{prefix}star30", state=state_dir)
    assert down.returncode == 0, down.stderr
    assert leftovers(prefix) == []
