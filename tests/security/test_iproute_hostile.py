"""The ``ip -j`` parser on hosts with containers, and on hostile or broken output: a
peer it cannot name is "unknown peer" (and verify says so), anything malformed is a
ParseError naming the part, never a crash or a silent wrong answer."""

from __future__ import annotations

import os
import random
import subprocess
import time
from collections.abc import Iterator

import pytest

from iplab.claims import Owned
from iplab.errors import ParseError
from iplab.iproute import loads, parse_links, parse_nsid_list, read_state
from iplab.names import ROOT
from iplab.peers import UNKNOWN_PEER, build_state
from iplab.runner import Runner
from iplab.state import Link, Namespace, State
from iplab.status import format_state
from iplab.verify import diff


def _veth(name: str, ifindex: int, peer_index: int, nsid: int) -> dict[str, object]:
    return {"ifindex": ifindex, "ifname": name, "flags": ["UP"], "link_index": peer_index,
            "link_netnsid": nsid, "linkinfo": {"info_kind": "veth"}}  # fmt: skip


def test_a_root_veth_whose_peer_is_in_an_unnamed_namespace_is_unknown_never_guessed() -> None:
    """The container of issue 12: docker0's veth (peer in nsid 7, which no name lists) and
    a lab's veth in ns1 happen to have each other's indexes."""
    links = {
        ROOT: parse_links([_veth("vethroot", 30, 2, 7)]),
        "ns1": parse_links([_veth("eth0", 2, 30, 0)], "ns1"),
        "ns2": parse_links([_veth("peer", 30, 2, 0)], "ns2"),
    }
    root_ids: dict[str, int | None] = {"ns1": 0, "ns2": 1}
    state, ambiguous = build_state(links, root_ids)
    vethroot = state.namespaces[ROOT].links["vethroot"]
    assert (vethroot.peer, vethroot.peer_ns) == (None, UNKNOWN_PEER)
    assert "ns1" in ambiguous  # eth0's own view must decide: its ids are read
    state, _ = build_state(links, root_ids, {"ns1": {5: "ns2"}, "ns2": {3: "ns1"}})
    eth0 = state.namespaces["ns1"].links["eth0"]
    assert (eth0.peer, eth0.peer_ns) == (None, UNKNOWN_PEER)  # its id 0 names no namespace
    state, _ = build_state(links, root_ids, {"ns1": {0: "ns2"}, "ns2": {0: "ns1"}})
    eth0 = state.namespaces["ns1"].links["eth0"]
    assert (eth0.peer, eth0.peer_ns) == ("peer", "ns2")


def test_an_nsid_without_a_name_is_not_the_root() -> None:
    assert parse_nsid_list([{"nsid": 0}, {"nsid": 1, "name": "ns2"}], "ns1") == {1: "ns2"}


def test_verify_says_unknown_peer() -> None:
    want = State(namespaces={ROOT: Namespace(ROOT)})
    want.namespaces[ROOT].links["v0"] = Link("v0", "veth", peer="v1", peer_ns="ns1")
    got = State(namespaces={ROOT: Namespace(ROOT)})
    got.namespaces[ROOT].links["v0"] = Link("v0", "veth", peer=None, peer_ns=UNKNOWN_PEER)
    [difference] = diff(want, got, Owned(frozenset(), frozenset({"v0"})))
    assert str(difference).startswith("v0@root.peer: expected v1@ns1, found unknown peer (")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 1000 + "]" * 1000, "nested too deeply"),
        ('[{"ifname": "x", "ifindex": ' + "9" * 5000 + "}]", "unreadable JSON"),
    ],
)
def test_pathological_json_is_a_parse_error(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_links(loads(text, "namespace ns1"), "ns1")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([{"ifname": "x", "ifindex": 10**400}], "'ifindex' is out of range: a 1329-bit number"),
        ([{"ifname": "a", "ifindex": 1}, {"ifname": "a", "ifindex": 2}],
         "two links with the name 'a'"),
        ([{"ifname": "a", "ifindex": 1}, {"ifname": "b", "ifindex": 1}],
         "two links with the ifindex 1"),
        ([{"ifname": "a", "ifindex": 1, "addr_info": [{"local": "10.0.0.1"}]}],
         "address '10.0.0.1' has no 'prefixlen'"),
    ],
)  # fmt: skip
def test_malformed_links_are_parse_errors(data: object, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_links(data, "ns1")


def test_lo_without_link_type_is_still_the_loopback() -> None:
    [lo] = parse_links([{"ifindex": 1, "ifname": "lo", "flags": ["LOOPBACK", "UP"]}])
    assert lo.kind == "loopback"


# -- the same on the live kernel: a container's namespace (no name) ------------------------


@pytest.fixture
def container() -> Iterator[int]:
    """A network namespace no name points at, as a container runtime makes: its pid."""
    proc = subprocess.Popen(["unshare", "--net", "sleep", "120"])
    try:
        for _ in range(100):
            own = subprocess.run(["readlink", f"/proc/{proc.pid}/ns/net"], capture_output=True,
                                 text=True, check=False).stdout  # fmt: skip
            mine = os.readlink("/proc/self/ns/net")
            if own.strip() and own.strip() != mine:
                break
            time.sleep(0.05)
        yield proc.pid
    finally:
        proc.kill()  # the namespace goes with it, and the veth pair with the namespace
        proc.wait()


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


@pytest.mark.kernel
def test_live_veth_into_a_container_has_an_unknown_peer(prefix: str, container: int) -> None:
    high, low = random.randrange(40000, 60000), random.randrange(100, 999)
    _ip("link", "add", f"{prefix}r", "index", str(high), "type", "veth", "peer", "name",
        f"{prefix}c", "index", str(low), "netns", str(container))  # fmt: skip
    # a lab whose veth has the container pair's indexes, crossed
    _ip("netns", "add", f"{prefix}n")
    _ip("netns", "add", f"{prefix}m")
    _ip("-n", f"{prefix}n", "link", "add", f"{prefix}a", "index", str(low), "type", "veth",
        "peer", "name", f"{prefix}b", "index", str(high), "netns", f"{prefix}m")  # fmt: skip
    state = read_state(Runner(), [f"{prefix}n", f"{prefix}m"])
    root_end = state.namespaces[ROOT].links[f"{prefix}r"]
    assert (root_end.peer, root_end.peer_ns) == (None, UNKNOWN_PEER)
    a = state.namespaces[f"{prefix}n"].links[f"{prefix}a"]
    assert (a.peer, a.peer_ns) == (f"{prefix}b", f"{prefix}m")
    b = state.namespaces[f"{prefix}m"].links[f"{prefix}b"]
    assert (b.peer, b.peer_ns) == (f"{prefix}a", f"{prefix}n")
    assert f"{prefix}r" in format_state(state, [f"{prefix}r"])
    assert "peer unknown" in format_state(state, [f"{prefix}r"])  # iplab status says so too
