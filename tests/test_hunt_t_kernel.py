"""Hunt T on the real kernel: a pingall loop's ``&& echo`` run as bash runs it.

Each test runs in a network namespace of its own with its own /run/netns (tests/kernel.py
``apart``), which iplab takes for the host.
"""

from __future__ import annotations

import sys

import pytest

from tests.conftest import REPO
from tests.kernel import apart

pytestmark = pytest.mark.kernel

FAMOUS = REPO / "tests" / "fixtures" / "famous"
IPLAB = f"{sys.executable} -m iplab"


def test_a_pingall_loop_prints_what_bash_prints_and_goes_on() -> None:
    """Hunt T: ``for ip in 10.0.0.2 10.0.0.3; do ip netns exec h1 ping -c1 -W1 $ip
    >/dev/null && echo "h1 -> $ip ok"; done``: bash prints the line for 10.0.0.2 and goes
    past 10.0.0.3, which does not answer; iplab printed ping's output, then stopped at
    10.0.0.3 ("command failed (exit 1)") and rolled back. It prints the author's line and
    goes on, as bash does."""
    script = FAMOUS / "hunt-t-14-pingall-and-echo.sh"
    run = apart(
        f"bash -e {script} > /tmp/bash.out; echo bash=$?\n"
        f"cat /tmp/bash.out; rm -f /tmp/bash.out\n"
        f"{IPLAB} import {script} -o /tmp/ht14.yaml >/dev/null 2>&1 || exit 9\n"
        f"IPLAB_STATE_DIR=$(mktemp -d) {IPLAB} run /tmp/ht14.yaml; echo iplab=$?\n"
        "rm -f /tmp/ht14.yaml",
        timeout=180,
    )
    said = run.stdout + run.stderr
    assert "bash=0" in run.stdout and "iplab=0" in run.stdout, said
    printed = [line for line in run.stdout.splitlines() if line.startswith("h1 -> ")]
    assert printed == ["h1 -> 10.0.0.2 ok"] * 2, said  # (bash's, then iplab's)
    assert "failed, as the author allows: exit 1" in said, said
