"""Hunt EB #5: someone deletes a namespace or link of the lab from another shell while
``up`` runs (``ip netns del ebx4ns1``, ``ip link del ebx4br0``: a cleanup script, a second
terminal). The next step that used it failed with ip's words alone ("Cannot open network
namespace", 'argument "ebx4ns1" is wrong: Invalid "netns" value', "RTNETLINK answers:
Invalid argument"), rolled back: nothing said the lab's object was gone, nor why.

The failure now says it: the namespace or link, made by the lab, is gone, something else
deleted it while the lab came up; up again once nothing else does. The kernel test runs in network
and mount namespaces of its own (tests/kernel.py ``apart``), prefix ``ebx``; iplab stops
itself (``IPLAB_FAULT=SIGSTOP@after-outcome:N``) once it made the object, which the
script then deletes before it lets iplab go on.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.kernel import apart

IPLAB = f"{sys.executable} -m iplab"


@pytest.mark.kernel
@pytest.mark.parametrize(
    ("how", "what", "change", "delete"),
    [
        ("", "namespace ebx4ns1", 1, "ip netns del ebx4ns1"),
        ("--per-command", "namespace ebx4ns1", 1, "ip netns del ebx4ns1"),
        # (a batch has made the bridge's ports by the time its change is recorded)
        ("--per-command", "link ebx4br0", 11, "ip link del ebx4br0"),
    ],
)
def test_what_someone_else_deleted_during_up_is_said(
    tmp_path: Path, how: str, what: str, change: int, delete: str
) -> None:
    """The namespace is deleted once made (change 1), the bridge once made (change 11)."""
    state = tmp_path / "state"
    run = apart(
        f"IPLAB_FAULT=SIGSTOP@after-outcome:{change} {IPLAB} up container-networking-part2 {how}"
        f" --prefix ebx4 --state-dir {state} >/dev/null 2>{tmp_path}/err & pid=$!\n"
        "for i in $(seq 500); do grep -q '^State:.*stopped' /proc/$pid/status && break;"
        " sleep 0.02; done\n"
        f"{delete} || echo no-ns\n"
        "kill -CONT $pid; wait $pid; echo rc=$?\n"
        f"cat {tmp_path}/err >&2\n"
        "echo left: $(ls /run/netns) $(ip -br link | grep -c ebx4)",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "rc=1" in run.stdout and "no-ns" not in run.stdout, said
    assert "left: 0\n" in run.stdout, said
    assert (
        f"iplab: {what}, which the lab made, is gone: something else deleted it while the lab"
        " came up"
    ) in run.stderr, said
