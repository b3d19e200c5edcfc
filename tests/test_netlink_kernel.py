"""The netlink reader against the ``ip -j`` reader, on labs of several shapes (real kernel).

Both readers read the same live namespaces; the State they give must agree
field for field (kinds, flags, mtu, MAC, master, addresses, operational state,
veth peers across namespaces, namespace ids). Only this test's own objects are
compared: other tests create namespaces and links on the host meanwhile.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from iplab import iproute, netlink
from iplab.names import ROOT
from iplab.runner import Runner
from iplab.state import Namespace, State
from tests.kernel import iplab

pytestmark = pytest.mark.kernel


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


def build_shapes(p: str) -> list[str]:
    """A lab with every shape the readers must agree on; its namespaces."""
    a, b, c, d = (f"{p}{x}" for x in "abcd")
    for ns in (a, b, c, d):
        ip("netns", "add", ns)
    # veth pairs: namespace to namespace, root to namespace (twice, onto a bridge)
    ip("link", "add", f"{p}ab", "netns", a, "type", "veth", "peer", "name", f"{p}ba", "netns", b)
    ip("link", "add", f"{p}ra", "type", "veth", "peer", "name", f"{p}ar", "netns", a)
    ip("link", "add", f"{p}rb", "type", "veth", "peer", "name", f"{p}br", "netns", b)
    ip("link", "add", f"{p}bx", "type", "bridge")
    ip("link", "set", f"{p}ra", "master", f"{p}bx")
    ip("link", "set", f"{p}rb", "master", f"{p}bx")
    ip("link", "set", f"{p}bx", "up")
    ip("link", "set", f"{p}ra", "up")  # rb stays down
    # addresses (IPv4, IPv6, a peer address), a changed MTU, lo up in one namespace only
    ip("-n", a, "addr", "add", "10.251.0.2/24", "dev", f"{p}ar")
    ip("-n", a, "addr", "add", "2001:db8:251::2/64", "dev", f"{p}ar", "nodad")
    ip("-n", a, "link", "set", f"{p}ar", "up")
    ip("-n", a, "link", "set", "lo", "up")
    ip("-n", a, "link", "set", f"{p}ab", "mtu", "1400")
    # a bridge with ports inside a namespace, a same-namespace veth pair, a renamed link
    ip("-n", c, "link", "add", f"{p}cb", "type", "bridge")
    ip("-n", c, "link", "add", f"{p}c1", "type", "veth", "peer", "name", f"{p}c2")
    ip("-n", c, "link", "set", f"{p}c1", "master", f"{p}cb")
    ip("-n", c, "link", "set", f"{p}c2", "master", f"{p}cb")
    ip("-n", c, "link", "add", f"{p}cd", "type", "bridge")
    ip("-n", c, "link", "set", f"{p}cd", "name", f"{p}cr")
    ip("-n", c, "addr", "add", "10.251.1.1", "peer", "10.251.1.2/32", "dev", f"{p}cr")
    ip("-n", c, "link", "set", f"{p}cr", "up")
    # a link moved from the root into a namespace; a namespace no veth ever left (no id)
    # (this kernel has no dummy module: bridges stand in for plain links)
    ip("link", "add", f"{p}mv", "type", "veth", "peer", "name", f"{p}mw")
    ip("link", "set", f"{p}mv", "netns", c)
    ip("-n", d, "link", "add", f"{p}dd", "address", "02:00:00:00:25:01", "type", "bridge")
    return [a, b, c, d]


def own(state: State, p: str) -> tuple[dict[str, Namespace], Namespace, set[str]]:
    spaces = {name: space for name, space in state.namespaces.items() if name.startswith(p)}
    links = {n: link for n, link in state.namespaces[ROOT].links.items() if n.startswith(p)}
    return spaces, Namespace(ROOT, links), {n for n in state.unread if n.startswith(p)}


def agreeing_reads(namespaces: list[str], p: str) -> tuple[State, State, netlink.Reading]:
    """netlink, ip -j, netlink again: until both netlink reads agree (the lab has settled,
    IPv6 link-local addresses included), then return the first two."""
    for _ in range(20):
        first, reading = netlink.read_state(namespaces)
        reference = iproute.read_with_ip(Runner(), namespaces)
        again, _ = netlink.read_state(namespaces)
        if own(first, p) == own(again, p):
            return first, reference, reading
    raise AssertionError("the lab never settled")


def test_both_readers_agree_field_for_field(prefix: str) -> None:
    names = build_shapes(prefix)
    absent = f"{prefix}z"
    fast, reference, reading = agreeing_reads([*names, absent], prefix)
    assert own(fast, prefix) == own(reference, prefix)
    spaces, root, unread = own(fast, prefix)
    assert set(spaces) == set(names) and absent not in unread
    p = prefix
    # the State holds what the lab is, not merely the same nothing twice
    a, b, c, d = (spaces[f"{p}{x}"].links for x in "abcd")
    assert (a[f"{p}ab"].peer, a[f"{p}ab"].peer_ns, a[f"{p}ab"].mtu) == (f"{p}ba", f"{p}b", 1400)
    assert (b[f"{p}ba"].peer, b[f"{p}ba"].peer_ns) == (f"{p}ab", f"{p}a")
    assert (a[f"{p}ar"].peer, a[f"{p}ar"].peer_ns) == (f"{p}ra", ROOT)
    assert a[f"{p}ar"].addresses[:2] == ["10.251.0.2/24", "2001:db8:251::2/64"]
    assert (root.links[f"{p}ra"].master, root.links[f"{p}ra"].up) == (f"{p}bx", True)
    assert (root.links[f"{p}rb"].peer, root.links[f"{p}rb"].peer_ns) == (f"{p}br", f"{p}b")
    assert root.links[f"{p}rb"].up is False and root.links[f"{p}bx"].kind == "bridge"
    c1 = c[f"{p}c1"]
    assert (c1.peer, c1.peer_ns, c1.master) == (f"{p}c2", f"{p}c", f"{p}cb")
    assert c[f"{p}cr"].kind == "bridge" and c[f"{p}cr"].addresses[:1] == ["10.251.1.1/32"]
    assert (c[f"{p}mv"].peer, c[f"{p}mv"].peer_ns) == (f"{p}mw", ROOT) and f"{p}cd" not in c
    assert (d[f"{p}dd"].mac, d["lo"].kind, d["lo"].up) == ("02:00:00:00:25:01", "loopback", False)
    # d had no id in the root namespace: the netlink reader gave it one, as `ip netns set` does
    assert f"{p}d" in reading.numbered and spaces[f"{p}d"].nsid is not None


def test_decoding_agrees_with_pyroute2(prefix: str) -> None:
    """The struct decoder against pyroute2's decoder, on the same messages from the kernel."""
    from pyroute2.netlink.rtnl.ifaddrmsg import ifaddrmsg
    from pyroute2.netlink.rtnl.ifinfmsg import ifinfmsg

    names = build_shapes(prefix)
    sock = netlink.Socket()
    seen = 0
    try:
        for name in names:
            fd = netlink._open_netns(name)
            assert fd is not None
            try:
                target = sock.nsid(fd)
            finally:
                os.close(fd)
            if target < 0:
                continue
            messages, _ = sock.dump(netlink.RTM_GETLINK, netlink._link_request(target))
            for message in messages:
                ours = netlink.decode_link(message, 16, len(message))
                theirs = ifinfmsg(message)
                theirs.decode()
                info = theirs.get_attr("IFLA_LINKINFO")
                kind = info.get_attr("IFLA_INFO_KIND") if info else None
                assert (ours.raw.name, ours.raw.mtu, ours.raw.mac, ours.raw.ifindex) == (
                    theirs.get_attr("IFLA_IFNAME"), theirs.get_attr("IFLA_MTU"),
                    theirs.get_attr("IFLA_ADDRESS"), theirs["index"],
                )  # fmt: skip
                assert ours.raw.kind == (kind or ours.raw.kind)
                assert ours.raw.link_netnsid == theirs.get_attr("IFLA_LINK_NETNSID")
                assert ours.target == theirs.get_attr("IFLA_IF_NETNSID") == target
                assert ours.raw.operstate == theirs.get_attr("IFLA_OPERSTATE")
                seen += 1
            messages, _ = sock.dump(netlink.RTM_GETADDR, netlink._addr_request(target))
            for message in messages:
                found = netlink.decode_addr(message, 16, len(message))
                decoded = ifaddrmsg(message)
                decoded.decode()
                local = decoded.get_attr("IFA_LOCAL") or decoded.get_attr("IFA_ADDRESS")
                assert found is not None and found[:2] == (
                    decoded["index"],
                    f"{local}/{decoded['prefixlen']}",
                )
                seen += 1
    finally:
        sock.close()
    assert seen >= 12


def test_cli_names_the_reader_and_audits_the_read(prefix: str, state_dir: Path) -> None:
    blog = "container-networking-part2"
    up = iplab("up", blog, "--prefix", prefix, state=state_dir, env={"IPLAB_READER": "netlink"})
    assert up.returncode == 0, up.stderr
    try:
        for reader, word in (("netlink", "with netlink"), ("ip", "with ip -j")):
            verify = iplab(
                "verify", blog, "--prefix", prefix, "-v", state=state_dir,
                env={"IPLAB_READER": reader},
            )  # fmt: skip
            assert verify.returncode == 0, verify.stdout + verify.stderr
            assert f"read state {word}" in verify.stderr
            assert verify.stdout.startswith("OK: the kernel holds")
        lines = (state_dir / "audit.jsonl").read_text().splitlines()
        records = [json.loads(line) for line in lines]
        reads = [
            r for r in records
            if r.get("reader") == "netlink" and r["text"].startswith("read state")
        ]  # fmt: skip
        assert reads and reads[-1]["kind"] == "read"
        assert reads[-1]["namespaces"] == [f"{prefix}ns1", f"{prefix}ns2"]
        assert reads[-1]["argv"] == [] and reads[-1]["rc"] == 0
        assert iplab("audit", "verify", state=state_dir).returncode == 0
    finally:
        down = iplab("down", f"{prefix}{blog}", state=state_dir)
        assert down.returncode == 0, down.stderr
