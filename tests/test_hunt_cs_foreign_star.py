"""A lab's read with another lab up on the host: it asks no id of the other lab's
namespaces but once a process, and none at all for verify and status (real kernel).

Hunt CS: with a star of 500 namespaces up (500 veths on a bridge in the root, their
peers in 500 named namespaces), every read of a small lab asked each of those 500
namespaces its id, to name the peers of root veths that were not the lab's (90-120 ms a
read, 9 reads an ``iplab run``). The foreign star here is made as bench/star.py's
``best-batch`` makes it, by a bare ``ip -batch``; the counts come from the reading
(``Reading.asked``) and the audit record (``asked``), not from timings.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from iplab import iproute, netlink
from iplab.names import NETNS_DIR, ROOT
from iplab.peers import UNKNOWN_PEER
from iplab.runner import Runner
from iplab.state import Link, State
from tests.kernel import iplab

pytestmark = pytest.mark.kernel

STAR = 24


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


def foreign_star(p: str, count: int = STAR) -> None:
    """Another lab: namespaces {p}sI, each holding {p}vI, whose peer {p}pI is a port of the
    bridge {p}b in the root namespace (one ``ip -batch``, as a script makes it)."""
    lines = [f"link add {p}b type bridge"]
    for i in range(count):
        lines += [
            f"netns add {p}s{i}",
            f"link add {p}p{i} type veth peer name {p}v{i} netns {p}s{i}",
            f"link set {p}p{i} master {p}b",
        ]
    subprocess.run(
        ["ip", "-batch", "-"], input="\n".join(lines) + "\n", check=True, capture_output=True,
        text=True,
    )  # fmt: skip


def small_lab(p: str) -> list[str]:
    """The lab read: one namespace {p}a, a veth {p}r in the root, its peer {p}q in {p}a."""
    ip("netns", "add", f"{p}a")
    ip("link", "add", f"{p}r", "type", "veth", "peer", "name", f"{p}q", "netns", f"{p}a")
    return [f"{p}a"]


def root_of(state: State, p: str) -> dict[str, Link]:
    return {n: link for n, link in state.namespaces[ROOT].links.items() if n.startswith(p)}


def own(state: State, p: str) -> tuple[dict[str, Link], dict[str, object]]:
    spaces = {n: s for n, s in state.namespaces.items() if n.startswith(p)}
    return root_of(state, p), dict(spaces)


@pytest.fixture
def cold(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that has read nothing yet (the ids it keeps start empty)."""
    monkeypatch.setattr(netlink, "_KNOWN", {}, raising=False)


def test_a_second_read_asks_no_id_of_another_labs_namespaces(prefix: str, cold: None) -> None:
    p = prefix
    lab = small_lab(p)
    foreign_star(p)
    first, reading = netlink.read_state(lab)
    reference = iproute.read_with_ip(Runner(), lab)
    # the other lab's root veths still have their peers' namespaces named, as ip -j names
    # them, and the lab's own veth its peer
    root = root_of(first, p)
    assert (root[f"{p}p7"].peer_ns, root[f"{p}r"].peer, root[f"{p}r"].peer_ns) == (
        f"{p}s7", f"{p}q", f"{p}a",
    )  # fmt: skip
    assert {n: x.peer_ns for n, x in root.items()} == {
        n: x.peer_ns for n, x in root_of(reference, p).items()
    }
    assert reading.asked >= STAR  # the first read of the process asks them
    again, reading = netlink.read_state(lab)
    assert reading.asked == 0  # the second asks none: the ids kept, each namespace the same
    assert own(again, p) == own(first, p)


def test_a_namespace_made_again_under_its_name_is_never_given_its_old_id(
    prefix: str, cold: None
) -> None:
    p = prefix
    lab = small_lab(p)
    foreign_star(p, 4)
    netlink.read_state(lab)
    old = os.stat(f"{NETNS_DIR}/{p}s3")
    ip("netns", "del", f"{p}s3")
    deadline = time.monotonic() + 30
    while f"{p}p3" in root_of(netlink.read_state(lab)[0], p):  # the kernel destroys it
        assert time.monotonic() < deadline, "the deleted namespace was never destroyed"
        time.sleep(0.05)
    # made again under its name (the kernel gives it the old one's inode number at once);
    # a namespace {p}t takes the old one's id in the root before it gets one of its own
    ip("netns", "add", f"{p}s3")
    ip("netns", "add", f"{p}t")
    ip("link", "add", f"{p}u", "type", "veth", "peer", "name", f"{p}w", "netns", f"{p}t")
    ip("link", "add", f"{p}n", "type", "veth", "peer", "name", f"{p}m", "netns", f"{p}s3")
    new = os.stat(f"{NETNS_DIR}/{p}s3")
    assert (new.st_ino, new.st_ctime_ns) != (old.st_ino, old.st_ctime_ns)
    state, reading = netlink.read_state(lab)
    root = root_of(state, p)
    assert (root[f"{p}n"].peer_ns, root[f"{p}u"].peer_ns) == (f"{p}s3", f"{p}t")
    assert reading.asked >= 1  # the kept id of {p}s3 was not trusted: asked again
    # (whether the kernel gave the new {p}s3 the old one's inode number depends on what
    # else the host makes meanwhile: the test below makes that case for certain)
    reference = root_of(iproute.read_with_ip(Runner(), lab), p)
    assert {n: x.peer_ns for n, x in root.items()} == {n: x.peer_ns for n, x in reference.items()}


def test_a_read_for_the_labs_root_links_names_only_their_peers(prefix: str, cold: None) -> None:
    p = prefix
    lab = small_lab(p)
    foreign_star(p)
    state, reading = netlink.read_state(lab, roots={f"{p}r"})
    assert reading.asked == 0  # not one of the other lab's namespaces asked, even cold
    root = root_of(state, p)
    assert (root[f"{p}r"].peer, root[f"{p}r"].peer_ns) == (f"{p}q", f"{p}a")
    assert (root[f"{p}p7"].peer, root[f"{p}p7"].peer_ns) == (None, UNKNOWN_PEER)
    # every field of the lab's own objects as a read that names everything gives them
    full, _ = netlink.read_state(lab)
    assert state.namespaces[f"{p}a"] == full.namespaces[f"{p}a"]
    assert root[f"{p}r"] == root_of(full, p)[f"{p}r"]
    assert {n: (x.kind, x.up, x.master, x.mtu) for n, x in root.items()} == {
        n: (x.kind, x.up, x.master, x.mtu) for n, x in root_of(full, p).items()
    }


def reads(state_dir: Path) -> list[dict[str, object]]:
    """The audit records of the netlink reads, in order."""
    lines = (state_dir / "audit.jsonl").read_text().splitlines()
    records = [json.loads(x) for x in lines]
    return [r for r in records if r.get("reader") == "netlink" and r.get("kind") == "read"]


def test_verify_and_status_of_a_lab_ask_no_id_of_another_labs_namespaces(
    prefix: str, state_dir: Path
) -> None:
    blog = "container-networking-part2"
    foreign_star(prefix)
    env = {"IPLAB_READER": "netlink"}
    up = iplab("up", blog, "--prefix", prefix, state=state_dir, env=env)
    assert up.returncode == 0, up.stderr
    try:
        ups = reads(state_dir)
        # up's reads (the host's names before it, its claims, its verification): the
        # names read decodes names alone, and the lab's reads ask for the lab's root links
        # by name (hunt CZ): none asks the other lab's namespaces their ids (by design:
        # the first read was a whole read of the root that asked them, once)
        assert len(ups) >= 3, ups
        assert str(ups[0]["text"]).startswith("read the names of the root's links"), ups[0]
        assert all(int(str(r.get("asked", 0))) < STAR for r in ups), ups
        verify = iplab("verify", blog, "--prefix", prefix, state=state_dir, env=env)
        assert verify.returncode == 0 and verify.stdout.startswith("OK"), verify.stdout
        status = iplab("status", "--lab", f"{prefix}{blog}", state=state_dir, env=env)
        assert status.returncode == 0, status.stderr
        # the lab's root veths, their peers named, as before
        assert f"peer {prefix}vethX@{prefix}ns1" in status.stdout, status.stdout
        assert f"peer {prefix}vethP@{prefix}ns2" in status.stdout, status.stdout
        assert f"{prefix}p7" not in status.stdout
        later = reads(state_dir)[len(ups) :]
        # verify's two (the lab's links; the routes and rules of its namespaces, since hunt
        # DI: audited, a read of its own), status's: none asked one
        routes = [r for r in later if str(r["text"]).startswith("read the routes and rules")]
        assert len(later) == 3 and len(routes) == 1, later
        assert not any("asked" in r for r in later), later
    finally:
        down = iplab("down", f"{prefix}{blog}", state=state_dir)
        assert down.returncode == 0, down.stderr
