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


def test_a_fixed_nsid_the_host_uses_is_refused_before_the_run() -> None:
    """Hunt T: ``ip netns set vpn 12`` (ip-netns(8)'s example) while another namespace
    holds id 12 failed halfway ("Error: The specified nsid is already used."), and the run
    rolled back. The preflight reads the ids in use (``ip -j netns list-id``) and refuses
    it before anything runs, as it refuses a name the host has. (The namespace that holds
    12 is the test's own, in a network namespace of the test's own.)"""
    page = REPO / "tests" / "fixtures" / "plaintext" / "hunt-t-16-ip-netns-man-examples.txt"
    run = apart(
        "ip netns add other && ip netns set other 12 || exit 9\n"
        f"{IPLAB} import {page} -o /tmp/ht16.yaml >/dev/null 2>&1 || exit 8\n"
        f"IPLAB_STATE_DIR=$(mktemp -d) {IPLAB} run /tmp/ht16.yaml --prefix hT; echo rc=$?\n"
        "echo left: $(ls /run/netns); rm -f /tmp/ht16.yaml",
        timeout=180,
    )
    said = run.stdout + run.stderr
    assert "rc=2" in run.stdout and "left: other\n" in run.stdout, said
    assert (
        "setup[3]: `ip netns set hTvpn 12` would fail: nsid 12 is already used on this host"
        " (by namespace other; `ip netns list-id`)"
    ) in run.stderr, said
    assert "[1/" not in run.stdout, said  # (nothing ran)
