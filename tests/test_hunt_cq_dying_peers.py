"""Hunt CQ: ``down`` tells a root veth whose peer lives in a namespace without a name (a
container's: tests/test_hunt_cm_moved_peer.py, deleted without a wait) from one whose
peer's namespace the lab deleted a moment ago, which the kernel is destroying: that one
is still waited for, never deleted one by one (a star's 50 root veths went with their
namespaces, as before). Both kinds get ``peer_ns`` "?" from the readers; the kernel,
asked by the namespace's id, answers only for a live one.

The kernel test runs in a network and mount namespace of its own (tests/kernel.py
``apart``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.kernel import apart

FIXTURES = REPO / "tests" / "fixtures" / "hostile-cq"
IPLAB = f"{sys.executable} -m iplab"


def _down_records(state: Path) -> list[dict[str, object]]:
    """The audit records of the last run (the down)."""
    records = [json.loads(line) for line in (state / "audit.jsonl").read_text().splitlines()]
    last = records[-1]["run"]
    return [r for r in records if r.get("run") == last]


@pytest.mark.kernel
@pytest.mark.parametrize("reader", ["netlink", "ip"])
def test_the_root_veths_of_deleted_namespaces_are_waited_for(tmp_path: Path, reader: str) -> None:
    state = tmp_path / "state"
    run = apart(
        f"export IPLAB_READER={reader}\n"
        f"{IPLAB} import {FIXTURES / 'star50.sh'} -o {tmp_path / 'lab.yaml'} 2>/dev/null"
        " || exit 9\n"
        f"{IPLAB} up {tmp_path / 'lab.yaml'} --prefix hcq --state-dir {state} --no-verify"
        " >/dev/null || exit 8\n"
        "ip netns del hcqctr7 || exit 7\n"  # (one deleted by hand before the down, too)
        f"{IPLAB} down hcqstar50 --state-dir {state}; echo rc=$?\n"
        "echo left: $(ls /run/netns) $(ip -br link | grep -v '^lo')\n",
        timeout=120,
    )
    said = run.stdout + run.stderr
    assert "rc=0" in run.stdout and "left:\n" in run.stdout, said
    assert "not waited for" not in run.stderr and "still holds" not in run.stderr, said
    down = _down_records(state)
    # the root veths went with their namespaces: none was deleted by a command or a line
    # of a batch (they were: 50 `ip link del`, had iplab taken them for a container's)
    dels = [r for r in down if "link del hcqveth" in json.dumps(r)]
    assert not dels, dels
    assert [r for r in down if r.get("kind") == "undo" and "link del" in str(r["text"])] == [
        {**r, "text": "ip link del hcqdock0"}
        for r in down
        if r.get("kind") == "undo" and "link del" in str(r["text"])
    ], said
    asked = [r for r in down if str(r.get("text", "")).startswith("asked whether")]
    assert all(r["live"] == [] for r in asked), asked


def test_a_root_veth_of_an_unnamed_peer_keeps_the_namespaces_id() -> None:
    """Both readers keep, for a root veth whose peer is in a namespace without a name,
    the root's id of it and the peer's index: what the kernel is asked by. An id of -1
    (the kernel's for a namespace being destroyed) is not kept: that one goes."""
    from iplab.iproute import live_unnamed
    from iplab.names import ROOT
    from iplab.peers import UNKNOWN_PEER, RawLink, build_state
    from iplab.runner import FakeExecutor, Runner

    links = {
        ROOT: [
            RawLink("held0", 5, "veth", True, link_index=2, link_netnsid=3),
            RawLink("dying0", 6, "veth", True, link_index=2, link_netnsid=-1),
            RawLink("lab0", 7, "veth", True, link_index=2, link_netnsid=0),
        ],
        "red": [RawLink("eth0", 2, "veth", True, link_index=7, link_netnsid=0)],
    }
    state, _ = build_state(links, {"red": 0}, {"red": {0: ROOT}})
    assert state.link(ROOT, "held0").peer_ns == UNKNOWN_PEER  # type: ignore[union-attr]
    assert state.link(ROOT, "dying0").peer_ns == UNKNOWN_PEER  # type: ignore[union-attr]
    assert state.unnamed == {"held0": (3, 2)}
    # a runner that is not the real kernel's cannot ask: every one may be going
    fake = Runner(FakeExecutor(), is_root=True)
    assert live_unnamed(fake, state, ["held0", "dying0"]) == set()
