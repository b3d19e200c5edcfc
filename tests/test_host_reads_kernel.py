"""What the checks before a run and the leftovers check after an undo read of a busy host
(real kernel): the host's names alone (netlink: each root link's names decoded, no more),
and of the root the lab's own links (hunt CZ's leftovers, #14). Only this test's own
objects are compared: other work creates links on the host meanwhile."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from iplab import iproute, netlink
from iplab.peers import RootPart
from iplab.runner import Runner
from tests.kernel import iplab

pytestmark = pytest.mark.kernel


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


def test_the_names_read_over_netlink_are_the_ip_readers(
    prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = prefix
    ip("netns", "add", f"{p}a")
    ip("link", "add", f"{p}r1", "type", "veth", "peer", "name", f"{p}a1", "netns", f"{p}a")
    ip("link", "add", f"{p}br", "type", "bridge")
    ip("link", "property", "add", "dev", f"{p}br", "altname", f"{p}alt")
    links, netns = netlink.read_names()
    monkeypatch.setenv(iproute.READER_VARIABLE, "ip")
    ref_links, ref_netns = iproute.read_names(Runner())

    def mine(names: set[str]) -> set[str]:
        return {n for n in names if n.startswith(p)}

    assert mine(links) == mine(ref_links) == {f"{p}r1", f"{p}br", f"{p}alt"}
    assert mine(netns) == mine(ref_netns) == {f"{p}a"}
    # (the peer in the namespace is no root link: neither reader names it)
    assert f"{p}a1" not in links


def test_a_small_labs_checks_read_the_names_and_its_own_links(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """With many links of someone else's in the root, a small lab's up reads the host's
    names (no more), and its down's leftovers check the lab's root links alone."""
    p = prefix
    for n in range(40):  # (another lab's, to this test's lab)
        ip("link", "add", f"{p}o{n}", "type", "bridge")
    scenario = tmp_path / "small.yaml"
    scenario.write_text(
        "name: small\nsetup:\n"
        "  - line: ip netns add n1\n"
        "  - line: ip link add v1 type veth peer name v2 netns n1\n"
        "  - line: ip link add b1 type bridge\n"
        "  - line: ip link set v1 master b1\n"
    )
    lab = f"{p}lab"
    env = {"IPLAB_READER": "netlink"}
    up = iplab("up", str(scenario), "--prefix", f"{p}x", "--lab", lab, state=state_dir, env=env)
    assert up.returncode == 0, up.stderr
    status = iplab("status", "--lab", lab, state=state_dir, env=env)
    assert status.returncode == 0, status.stderr
    assert f"{p}xv1" in status.stdout and f"{p}xb1" in status.stdout, status.stdout
    assert f"{p}o1" not in status.stdout  # (not the lab's: never shown, now not read)
    down = iplab("down", lab, state=state_dir, env=env)
    assert down.returncode == 0, down.stderr
    records = [json.loads(x) for x in (state_dir / "audit.jsonl").read_text().splitlines()]
    reads = [r for r in records if r.get("kind") == "read" and r.get("reader") == "netlink"]
    names = [r for r in reads if r["text"].startswith("read the names of the root's links")]
    assert len(names) == 1 and names[0]["rc"] == 0
    # the reads of a part of the root decoded the lab's root links, not the host's 40 others
    # (up's verification's too, begun while its batch ran)
    parts = [r for r in reads if "root_links" in r]
    states = [r for r in reads if r["text"].startswith("read state")]
    assert len(parts) == len(states) == 3, [(r["text"], r.get("root_links")) for r in reads]
    # (at most the lab's two and the root's lo: verify asks the root for every name it
    # expects anywhere, n1's lo too, to say "moved" of one found there)
    assert all(r["root_links"] <= 3 for r in parts), [(r["text"], r["root_links"]) for r in parts]
    # status --lab's (no run of the lab's): the lab's namespace and its two root links
    statuses = [r for r in reads if r.get("run") is None]
    assert [(r["namespaces"], r.get("root_links")) for r in statuses] == [([f"{p}xn1"], 2)]
    last = reads[-1]  # (down's leftovers check: the root and no namespace)
    assert last["namespaces"] == [] and last["root_links"] == 0
    out = subprocess.run(["ip", "-br", "link"], capture_output=True, text=True, check=True)
    assert f"{p}x" not in out.stdout and not os.path.exists(f"/run/netns/{p}xn1")


def test_a_root_link_gone_between_its_read_and_its_addresses_is_read_again(prefix: str) -> None:
    """A down's leftovers check reads the lab's root links while the kernel destroys the
    veths of namespaces deleted a moment ago: a link read by name may go before its
    addresses are asked for, which the kernel answers ENODEV ("reading the state failed:
    No such device", seen when an up ran beside a down). That is a change interrupting the
    read: the part is read again, and the link is not in it."""
    p = prefix
    ip("link", "add", f"{p}g", "type", "bridge")
    ip("link", "add", f"{p}k", "type", "bridge")

    class Deleting(netlink.Socket):
        """The kernel's socket; the link goes just before its addresses are asked for."""

        def dump(self, kind: int, body: bytes) -> tuple[list[bytes], bool]:
            if (
                kind == netlink.RTM_GETADDR
                and subprocess.run(
                    ["ip", "link", "show", f"{p}g"], capture_output=True, check=False
                ).returncode
                == 0
            ):
                ip("link", "del", f"{p}g")
            return super().dump(kind, body)

    sock = Deleting()
    try:
        part = RootPart(frozenset({f"{p}g", f"{p}k"}))
        assert netlink.read_root_part(sock, part) is None  # (interrupted, not an error)
        again = netlink.read_root_part(sock, part)
    finally:
        sock.close()
    assert again is not None and [x.name for x in again] == [f"{p}k"]


def test_up_reads_no_routes_for_hand_made_ones_and_verify_does(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """The look for routes and rules added by hand (hunt DI) is verify's: the verification
    that ends an up runs right after the setup, when nothing was added by hand, and
    reading every namespace's routes cost star-500's up 0.1 s (#14)."""
    scenario = tmp_path / "two.yaml"
    scenario.write_text(
        "name: two\nsetup:\n  - line: ip netns add n1\n  - line: ip netns add n2\n"
        "  - line: ip link add v1 netns n1 type veth peer name v2 netns n2\n"
    )
    lab = f"{prefix}two"
    env = {"IPLAB_READER": "netlink"}
    up = iplab("up", str(scenario), "--prefix", prefix, "--lab", lab, state=state_dir, env=env)
    assert up.returncode == 0, up.stderr
    try:
        verify = iplab("verify", str(scenario), "--prefix", prefix, state=state_dir, env=env)
        assert verify.returncode == 0, verify.stdout + verify.stderr
    finally:
        assert iplab("down", lab, state=state_dir, env=env).returncode == 0
    records = [json.loads(x) for x in (state_dir / "audit.jsonl").read_text().splitlines()]
    routes = [r for r in records if str(r.get("text", "")).startswith("read the routes and")]
    assert [r["namespaces"] for r in routes] == [[f"{prefix}n1", f"{prefix}n2"]]
    assert routes[0].get("run") is None  # (verify's, not up's)
