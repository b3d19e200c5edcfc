"""Leftovers of hunts AJ and AL on the real kernel: a lab asked about while its ``up``
still runs.

Each test runs in a network namespace of its own with its own /run/netns (tests/kernel.py
``apart``), which iplab takes for the host; its objects carry a unique prefix too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.kernel import apart

pytestmark = pytest.mark.kernel

FIXTURES = REPO / "tests" / "fixtures" / "leftovers2"
IPLAB = f"{sys.executable} -m iplab"


def test_verify_and_ls_say_a_lab_is_still_being_set_up(tmp_path: Path, prefix: str) -> None:
    """Hunt AJ #6: while ``iplab up`` of the star loop (a ``sleep 1`` in each round) still
    ran, ``iplab verify LAB`` printed "FAILED: 6 differences" with no word that the lab
    was still being set up, and ``iplab ls`` listed it as up. Both say who is setting it
    up now, and verify compares nothing and exits 4 (the lab is in use)."""
    state = tmp_path / "state"
    lab = f"{prefix}aj6-star-loop-sleeps"
    run = apart(
        f"{IPLAB} import {FIXTURES / 'aj6-star-loop-sleeps.sh'} -o {tmp_path / 'star.yaml'}"
        " 2>/dev/null || exit 9\n"
        f"{IPLAB} up {tmp_path / 'star.yaml'} --prefix {prefix} --state-dir {state}"
        f" >{tmp_path / 'up.log'} 2>&1 &\n"
        f"for i in $(seq 50); do [ -e {state}/labs/{lab}/lab.json ] && break; sleep 0.1; done\n"
        f"{IPLAB} verify {lab} --state-dir {state}; echo verify=$?\n"
        f"{IPLAB} ls --state-dir {state}\n"
        "wait $!; echo up=$?\n"
        f"{IPLAB} verify {lab} --state-dir {state} >/dev/null; echo after=$?\n"
        f"{IPLAB} down {lab} --state-dir {state} >/dev/null; echo down=$?\n",
        timeout=120,
    )
    said = run.stdout + run.stderr
    assert "verify=4" in run.stdout, said
    assert f"iplab: error: lab {lab} is being set up by iplab pid " in run.stderr, said
    assert "(started " in run.stderr and "FAILED" not in said, said
    assert "  not up yet: being set up by iplab pid " in run.stdout, said
    assert "up=0" in run.stdout and "after=0" in run.stdout, said
    assert "down=0" in run.stdout, said
