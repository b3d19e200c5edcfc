"""Hunt EF #5: ``env -i iplab up LAB`` (no PATH at all: a service, a cron job's stripped
environment, a script's ``env -i``). The check before the run looked for ``ip`` in
Python's default search path (``/bin:/usr/bin``) and passed; the run looked in PATH alone
and found nothing: the first step failed "ip: command not found", exit 127, rolled back.

With no PATH, iplab takes the one a shell gives itself (``sh -c 'echo $PATH'`` under
``env -i``: the sbin directories too, where ``ip`` and ``tc`` are): the lab comes up,
is impaired (``tc``, in /usr/sbin alone on many hosts) and goes down. The kernel test runs
in network and mount namespaces of its own (tests/kernel.py ``apart``), prefix ``efx``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from iplab.cli import DEFAULT_PATH
from tests.conftest import REPO
from tests.kernel import apart

LAB = "efx5container-networking-part2"


def test_the_default_path_is_a_shell_s() -> None:
    # (the directories of an administrator's tools, no current directory)
    assert {"/usr/sbin", "/sbin", "/usr/bin", "/bin"} <= set(DEFAULT_PATH.split(os.pathsep))
    assert "." not in DEFAULT_PATH.split(os.pathsep) and "" not in DEFAULT_PATH.split(":")


@pytest.mark.kernel
def test_a_lab_comes_up_and_down_with_no_path_at_all(tmp_path: Path) -> None:
    state = tmp_path / "state"
    bare = f"env -i PYTHONPATH={REPO} {sys.executable} -m iplab"
    run = apart(
        f"{bare} up container-networking-part2 --prefix efx5 --state-dir {state}"
        " >/dev/null; echo up=$?\n"
        f"{bare} impair {LAB} efx5vethY --rate 1mbit --state-dir {state}; echo impair=$?\n"
        f"{bare} down {LAB} --state-dir {state} >/dev/null; echo down=$?\n"
        "echo left: $(ls /run/netns) $(ip -br link | grep -c efx5)",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "command not found" not in said, said
    assert "up=0" in run.stdout and "impair=0" in run.stdout, said
    assert "down=0" in run.stdout and "left: 0\n" in run.stdout, said
