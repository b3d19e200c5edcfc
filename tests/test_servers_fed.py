"""A server given its answer as its input (``nc -lkp 8080 <<< OK``, ``echo ... | nc -l``).

A page starts it "in one terminal" and connects "from another": iplab ran it in the
foreground until its time limit (30 s) and rolled the run back, and import listed it as a
step it cannot undo. It is a server run beside the next steps, as ``nc -l 8080`` is, in a
namespace the lab makes (stopped at undo); the run waits until it listens, asking the
job's session again (the shell forks nc for its here-string: waiting on the shell alone
took the 5 s limit).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import pages
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "servers-fed" / "nc-here-string.md"


def _imported() -> str:
    return pages.imported(PAGE)[0].yaml


def test_the_server_runs_beside_the_next_steps_and_is_no_step_left_undone() -> None:
    lab = _imported()
    step = "command: ip netns exec red nc -lkp 8080 <<< OK\n    shell: true\n    background: true"
    assert step in lab
    assert "cannot undo" not in lab


@pytest.mark.kernel
def test_the_page_runs_its_client_gets_the_answer_and_nothing_stays(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    result = pages.run(
        pages.written(pages.imported(PAGE)[0], tmp_path), prefix, state_dir, tmp_path, timeout=60
    )
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    assert "nc 10.9.0.1 8080\nOK\n" in result.stdout
    assert "not listening after" not in said
    assert "nothing of the lab remains" in result.stdout


def test_the_wait_asks_for_the_jobs_processes_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The job's server is forked by its shell after the step returned: the processes to
    look at are asked for again while waiting (a list taken once held the shell alone)."""
    from iplab import runner

    asked: list[int] = []

    def members() -> list[int]:
        asked.append(1)
        return [] if len(asked) < 3 else [4242]

    monkeypatch.setattr(runner, "listening", lambda pids: list(pids) == [4242])
    assert runner.wait_listening(members, 5.0, lambda: False)
    assert len(asked) == 3
