"""The facts the model relies on, checked on the live kernel (each has a model test too)."""

from __future__ import annotations

import subprocess
import time

import pytest

from iplab import iproute
from iplab.names import ROOT
from iplab.runner import Runner
from iplab.state import State

pytestmark = pytest.mark.kernel


def ip(
    *args: str, check: bool = True, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], input=stdin, capture_output=True, text=True, check=check)


def read(*namespaces: str) -> State:
    return iproute.read_state(Runner(), list(namespaces))


def wait_gone(name: str) -> bool:
    for _ in range(200):
        if ip("link", "show", name, check=False).returncode != 0:
            return True
        time.sleep(0.02)
    return False


def test_a_new_namespace_holds_only_lo_down(prefix: str) -> None:
    ip("netns", "add", f"{prefix}n")
    links = read(f"{prefix}n").namespaces[f"{prefix}n"].links
    assert list(links) == ["lo"]
    assert links["lo"].up is False


def test_a_moved_link_arrives_down(prefix: str) -> None:
    ns, a, b = f"{prefix}n", f"{prefix}a", f"{prefix}b"
    ip("netns", "add", ns)
    ip("link", "add", a, "type", "veth", "peer", "name", b)
    ip("link", "set", a, "up")
    assert read().namespaces[ROOT].links[a].up
    ip("link", "set", a, "netns", ns)
    moved = read(ns).namespaces[ns].links[a]
    assert moved.up is False  # the blog's printed output shows it UP; the kernel does not


def test_deleting_one_veth_end_deletes_its_peer_in_another_namespace(prefix: str) -> None:
    ns, a, b = f"{prefix}n", f"{prefix}a", f"{prefix}b"
    ip("netns", "add", ns)
    ip("link", "add", a, "netns", ns, "type", "veth", "peer", "name", b)
    ip("link", "del", b)
    assert a not in read(ns).namespaces[ns].links


def test_deleting_a_namespace_destroys_its_links_and_their_peers(prefix: str) -> None:
    ns, a, b = f"{prefix}n", f"{prefix}a", f"{prefix}b"
    ip("netns", "add", ns)
    ip("link", "add", a, "netns", ns, "type", "veth", "peer", "name", b)
    ip("netns", "del", ns)
    assert wait_gone(b)  # asynchronously: the kernel cleans up after the command returned


def test_a_bridge_does_not_change_namespace(prefix: str) -> None:
    ns, br = f"{prefix}n", f"{prefix}br"
    ip("netns", "add", ns)
    ip("link", "add", br, "type", "bridge")
    moved = ip("link", "set", br, "netns", ns, check=False)
    assert moved.returncode != 0
    assert "The interface netns is immutable" in moved.stderr


def test_a_veth_peer_cannot_be_created_up_in_another_namespace(prefix: str) -> None:
    """Why the topology planner creates the namespace end up, and sets the peer up later."""
    ns = f"{prefix}n"
    ip("netns", "add", ns)
    refused = ip("link", "add", f"{prefix}a", "type", "veth", "peer", "name", f"{prefix}b",
                 "netns", ns, "up", check=False)  # fmt: skip
    assert refused.returncode != 0
    ip("link", "add", f"{prefix}c", "netns", ns, "up", "type", "veth", "peer", "name", f"{prefix}d")
    state = read(ns)
    assert state.namespaces[ns].links[f"{prefix}c"].up
    assert state.namespaces[ROOT].links[f"{prefix}d"].up is False


def test_a_bridge_holds_at_most_1023_ports(prefix: str) -> None:
    """Built inside a namespace of the test's own, deleted in one go at the end."""
    ns = f"{prefix}n"
    ip("netns", "add", ns)
    lines = ["link add bri0 type bridge"]
    lines += [f"link add a{i} type veth peer name b{i}" for i in range(1024)]
    lines += [f"link set a{i} master bri0" for i in range(1023)]
    ip("-n", ns, "-batch", "-", stdin="\n".join(lines) + "\n")
    over = ip("-n", ns, "link", "set", "a1023", "master", "bri0", check=False)
    assert over.returncode != 0
    assert "Exchange full" in over.stderr
