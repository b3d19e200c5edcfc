"""Hunt EB #8: ``iplab down LAB`` while ``iplab up LAB`` still runs (a second terminal: the
up hangs, or the user changed their mind) said "lab ... is being set up by iplab pid N
(wait for it to finish; iplab releases the lock when it exits)", exit 4: the one way to
stop that up and have its lab undone (SIGTERM or Ctrl-C: it rolls back) went unsaid.
It is said now, with the pid, for an up or a run; a down or a rollback is still waited
for (stopping one leaves the undo halfway)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import statedir
from iplab.errors import LockedError


@pytest.mark.parametrize("doing", ["up", "run", "down"])
def test_a_lab_held_by_an_up_says_how_to_stop_it(tmp_path: Path, doing: str) -> None:
    lock = tmp_path / "lock"
    with (
        statedir.locked(lock, "lab x", doing=doing),
        pytest.raises(LockedError) as caught,
        statedir.locked(lock, "lab x"),
    ):
        pass
    said = str(caught.value)
    stop = "or stop it: `kill " in said and "it rolls back what it did" in said
    assert stop == (doing != "down"), said
    assert "iplab releases the lock when it exits" in said, said
