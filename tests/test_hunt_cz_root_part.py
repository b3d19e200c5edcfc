"""A small lab's read with another lab up decodes the lab's root links, not the host's
(real kernel), and both readers give the same State for it.

Hunt CZ: with a star of 500 namespaces up (500 veths on a bridge in the root), every read
of a small lab (the claims after each step, verify) dumped and decoded the root's 505
links: about 33 ms a read where a quiet host costs under 1 ms. The claims and verify now
say which root links they look at (:class:`iplab.peers.RootPart`) and the netlink reader
asks the kernel for those alone (a link by name, the ports of a bridge by a dump the kernel
filters, the root ends of the lab's veths by index). The counts come from the reading
(``Reading.root_links``) and the audit record (``root_links``), not from timings. The
foreign star is made as bench/star.py's ``best-batch`` makes it, by a bare ``ip -batch``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from iplab import claims, iproute, netlink, verify
from iplab.claims import Owned
from iplab.errors import Location
from iplab.names import ROOT
from iplab.peers import RootPart
from iplab.runner import Runner
from iplab.state import Link, Namespace, Route, State
from iplab.steps import BridgePorts, LinkFields, LinksAbsent, LinksExactly, NothingLeft
from tests.kernel import iplab
from tests.test_hunt_cs_foreign_star import foreign_star, ip, root_of, small_lab

STAR = 24


def part(*names: str, ports_of: tuple[str, ...] = ()) -> RootPart:
    return RootPart(frozenset(names), frozenset(ports_of))


@pytest.mark.kernel
def test_a_labs_read_decodes_no_root_link_of_another_lab(prefix: str) -> None:
    p = prefix
    lab = small_lab(p)
    foreign_star(p, STAR)
    state, reading = netlink.read_state(lab, part=part(f"{p}r"))
    assert reading.root_links == 1  # {p}r alone: not one of the star's 24 veths nor its bridge
    assert sorted(state.namespaces[ROOT].links) == [f"{p}r"]
    full, whole = netlink.read_state(lab)
    assert whole.root_links is None and len(root_of(full, p)) == STAR + 2
    # every field of the lab's objects as the whole read gives them, its peer named
    assert state.namespaces[f"{p}a"] == full.namespaces[f"{p}a"]
    assert state.namespaces[ROOT].links[f"{p}r"] == full.namespaces[ROOT].links[f"{p}r"]
    assert (state.link(ROOT, f"{p}r").peer, state.link(ROOT, f"{p}r").peer_ns) == (  # type: ignore[union-attr]
        f"{p}q", f"{p}a",
    )  # fmt: skip


@pytest.mark.kernel
def test_the_root_ends_of_the_labs_veths_are_read_unnamed(prefix: str) -> None:
    """A root end the part does not name (a veth moved to the root by a raw step) is read
    all the same: the lab's namespace's veth points at it (by index)."""
    p = prefix
    lab = small_lab(p)
    foreign_star(p, 4)
    state, reading = netlink.read_state(lab, part=part())
    full, _ = netlink.read_state(lab)
    assert reading.root_links == 1
    assert state.namespaces[ROOT].links == {f"{p}r": full.namespaces[ROOT].links[f"{p}r"]}
    assert state.namespaces[f"{p}a"] == full.namespaces[f"{p}a"]


@pytest.mark.kernel
def test_the_ports_of_a_bridge_named_and_masters_and_peers_named(prefix: str) -> None:
    p = prefix
    lab = small_lab(p)
    foreign_star(p, 6)
    ip("link", "add", f"{p}e", "type", "veth", "peer", "name", f"{p}f")  # both ends in root
    ip("link", "set", f"{p}e", "master", f"{p}b")
    want = part(f"{p}f", ports_of=(f"{p}b",))
    state, reading = netlink.read_state(lab, part=want)
    full, _ = netlink.read_state(lab)
    root, whole = state.namespaces[ROOT].links, full.namespaces[ROOT].links
    expected = {f"{p}b", f"{p}e", f"{p}f", f"{p}r"} | {f"{p}p{i}" for i in range(6)}
    assert set(root) == expected and reading.root_links == len(expected)
    assert {n: root[n] for n in root} == {n: whole[n] for n in root}
    assert root[f"{p}e"].master == f"{p}b" and root[f"{p}f"].peer == f"{p}e"
    # the ip -j reader keeps the same part of the root: the same State, field for field
    reference = iproute.root_part(iproute.read_with_ip(Runner(), lab), want)
    assert reference.namespaces[ROOT].links == root
    assert reference.namespaces[f"{p}a"] == state.namespaces[f"{p}a"]
    for reader in ("ip", "netlink"):  # through read_state, as the lab reads
        with pytest.MonkeyPatch.context() as m:
            m.setenv(iproute.READER_VARIABLE, reader)
            got = iproute.read_state(Runner(), lab, part=want)
        assert got.namespaces[ROOT].links == root, reader


@pytest.mark.kernel
def test_a_name_no_link_has_and_a_name_too_long_read_as_absent(prefix: str) -> None:
    p = prefix
    lab = small_lab(p)
    state, reading = netlink.read_state(lab, part=part(f"{p}zz", "x" * 40, f"{p}r"))
    assert sorted(state.namespaces[ROOT].links) == [f"{p}r"] and reading.root_links == 1


def reads(state_dir: Path) -> list[dict[str, object]]:
    lines = (state_dir / "audit.jsonl").read_text().splitlines()
    records = [json.loads(x) for x in lines]
    return [r for r in records if r.get("reader") == "netlink" and r.get("kind") == "read"]


@pytest.mark.kernel
def test_run_reads_the_labs_root_links_alone_with_another_lab_up(
    prefix: str, state_dir: Path
) -> None:
    blog = "container-networking-part2"
    foreign_star(prefix, STAR)
    env = {"IPLAB_READER": "netlink"}
    run = iplab("run", blog, "--prefix", prefix, state=state_dir, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "9/9 claims hold" in run.stdout, run.stdout
    # the first (the names the host holds, before anything runs) decodes names alone; the
    # claims after 6 steps, verify and the last (what the rehearsal leaves: by design, it
    # read the root whole) read the lab's root links alone (at most 4 at once), never one
    # of the star's 26
    every = reads(state_dir)
    parts = [r for r in every if "root_links" in r]
    assert len(every) >= 9 and parts == every[1:], every
    assert str(every[0]["text"]).startswith("read the names of the root's links"), every[0]
    assert all(int(str(r["root_links"])) <= 4 for r in parts), parts
    down = subprocess.run(["ip", "-br", "link"], capture_output=True, text=True, check=True)
    assert f"{prefix}br0" not in down.stdout


# -- what the claims and verify look at (no kernel) ----------------------------------------


AT = Location("lab.yaml", 3, "setup[0].expect")
OWNED = Owned(netns=frozenset({"n1"}), links=frozenset({"v1", "v2", "br0"}))


def test_the_claims_name_the_root_links_they_look_at() -> None:
    said = [
        LinksAbsent(loc=AT, links=("vethX",)),
        LinkFields(loc=AT, link="v1", up=True),
        BridgePorts(loc=AT, bridge="br0", ports=("v2",)),
        LinkFields(loc=AT, ns="n1", link="v9", up=True),  # (in n1: not the root's)
        NothingLeft(loc=AT),
    ]
    assert claims.root_part(said, OWNED) == part("vethX", "v1", "v2", "br0", ports_of=("br0",))
    # every root link: a claim of what the root holds exactly
    assert claims.root_part([LinksExactly(loc=AT, ns=ROOT, links=("lo",))], OWNED) is None
    assert claims.root_part([LinksExactly(loc=AT, ns="n1", links=("lo",))], OWNED) == part()


def test_verify_reads_every_name_it_expects_anywhere_in_the_root_too() -> None:
    expected = State()
    expected.namespaces["n1"] = Namespace("n1", {"v9": Link("v9", "veth")})
    expected.namespaces[ROOT].links["v1"] = Link("v1", "veth")
    # v9, expected in n1, found in the root is "moved": the root's v9 is read
    assert verify.root_part(expected, OWNED) == part("v1", "v9", "v2", "br0")
    # a route promised in the root may go by any up link of it: every root link read
    expected.namespaces[ROOT].routes.append(Route("10.9.0.0/24", via="10.0.0.1"))
    assert verify.root_part(expected, OWNED) is None
