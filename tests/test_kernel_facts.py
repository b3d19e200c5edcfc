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


IPTABLES_RULES = [
    "iptables -A INPUT -s 10.9.9.9/32 -j DROP",
    "iptables -I FORWARD 1 -i br0 -j ACCEPT",
    "iptables -t nat -A POSTROUTING -s 10.0.0.0/24 ! -o eth9 -j MASQUERADE",
    'iptables -w -A OUTPUT -p tcp --dport 80 -m comment --comment "lab rule" -j REJECT',
    "iptables -N LABCHAIN",
    "ip6tables --append INPUT -p ipv6-icmp -j ACCEPT",
]


@pytest.mark.parametrize("command", IPTABLES_RULES)
def test_the_undo_iplab_writes_for_an_iptables_rule_restores_the_rules(
    prefix: str, command: str
) -> None:
    """``iplab import`` gives ``iptables -A/-I/-N`` the undo its words say (words.known_undo);
    here the rule and its undo run on the real iptables, in a namespace of the test's own."""
    import shlex
    import shutil

    from iplab.words import known_undo

    if shutil.which("iptables") is None:
        pytest.skip("iptables is not installed (.ci/run installs it)")
    ns = f"{prefix}n"
    ip("netns", "add", ns)
    program = shlex.split(command)[0]

    def rules() -> str:
        return "".join(
            ip("netns", "exec", ns, program, "-t", table, "-S").stdout
            for table in ("filter", "nat")
        )

    before = rules()
    ip("netns", "exec", ns, *shlex.split(command))
    assert rules() != before
    undo = known_undo(command)
    assert undo is not None
    ip("netns", "exec", ns, *shlex.split(undo))
    assert rules() == before
