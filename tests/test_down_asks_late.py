"""#14: after a ``down`` deleted thousands of namespaces, the root's veths whose peers
they held linger while the kernel destroys them, each with a peer in a namespace without
a name. Asking each whether its namespace lives (hunt CQ, one netlink dump by the
namespace's id) waits on the kernel's lock while it destroys: 2,137 of a star of 5,000
were asked, 0.9 s. ``undo.leftovers`` now lets the kernel destroy first and asks only of
the veths still there once it stops letting go; a few (hunt CQ's star of 50, hunt CM's
container) are asked at once, as before. The kernel's side is tests/test_hunt_cm_moved_peer.py
and tests/test_hunt_cq_dying_peers.py; here the reads are a kernel's answers in order.
"""

from __future__ import annotations

import io
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest

from iplab import iproute, undo
from iplab.context import make_env
from iplab.journal import LabInfo
from iplab.names import ROOT
from iplab.peers import RawLink, build_state
from iplab.runner import FakeExecutor, Runner
from iplab.state import State


def _root(veths: list[str]) -> State:
    """The root as read: the lab's veths, each peer in a namespace the root's id 7 names
    and no name does (a container's, or one being destroyed)."""
    links = {ROOT: [RawLink(v, 10 + i, "veth", True, link_index=2, link_netnsid=7)
                    for i, v in enumerate(veths)]}  # fmt: skip
    state, _ = build_state(links, {}, {})
    return state


def _info(veths: list[str]) -> LabInfo:
    return LabInfo(lab="t", run="r", scenario="s.yaml", sha256="0", prefix="", started=0.0,
                   owned_netns=[], owned_links=list(veths))  # fmt: skip


def _down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reads: list[list[str]],
          veths: list[str]) -> tuple[list[str], list[list[str]], str]:  # fmt: skip
    """leftovers() over these successive reads of the root (the last one repeats); what
    it returned, what it asked about, what it said."""
    asked: list[list[str]] = []
    left = list(reads)

    def read_state(shell: Any, namespaces: Any, **kw: Any) -> State:
        return _root(left.pop(0) if len(left) > 1 else left[0])

    def live_unnamed(shell: Any, state: State, names: Collection[str]) -> set[str]:
        asked.append(sorted(names))
        return {n for n in names if n == "held0"}  # (a container's namespace lives)

    monkeypatch.setattr(iproute, "read_state", read_state)
    monkeypatch.setattr(iproute, "live_unnamed", live_unnamed)
    err = io.StringIO()
    env = make_env(tmp_path / "state", io.StringIO(), err,
                   runner=Runner(FakeExecutor(), True))  # fmt: skip
    return undo.leftovers(env, _info(veths), wait=True), asked, err.getvalue()


def test_many_dying_peers_are_let_go_before_any_is_asked_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    veths = ["held0"] + [f"v{i}" for i in range(200)]
    # the kernel destroys them over a few reads; the container's stays
    reads = [veths, veths[:120], veths[:40], ["held0"]]
    left, asked, said = _down(tmp_path, monkeypatch, reads, veths)
    assert asked == [["held0"]]  # (all 201 were asked about, at the first read)
    assert left == ["held0@root"]
    assert "held0@root is left to be deleted, not waited for" in said


def test_a_few_unnamed_peers_are_asked_about_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt CM's case (a container's peer among a few): asked at once, never waited on."""
    veths = ["held0", "v1", "v2"]
    left, asked, said = _down(tmp_path, monkeypatch, [veths, ["held0"]], veths)
    assert asked == [veths]
    assert left == ["held0@root"]
    assert "waiting for the kernel" not in said
