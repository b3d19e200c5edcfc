"""The declarative topology form: what it plans, and that the plan runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from iplab import export, scenario
from iplab.errors import ScenarioError
from iplab.plan import build, expected_state
from tests.kernel import iplab, snapshot

Write = Callable[..., Path]


def lines(path: Path, part: str = "all") -> list[str]:
    return export.text(build(scenario.load(str(path))), part).splitlines()


def test_star_uses_the_kernel_cheap_forms(write_scenario: Write) -> None:
    path = write_scenario("name: s\ntopology:\n  star: {count: 2, subnet: 10.9.0.0/24}\n")
    assert lines(path, "setup") == [
        "ip link add br0 up type bridge",
        "ip netns add ns1",
        "ip netns add ns2",
        "ip link add v1 netns ns1 up type veth peer name p1",
        "ip link set p1 master br0 up",
        "ip -n ns1 addr add 10.9.0.1/24 dev v1",
        "ip link add v2 netns ns2 up type veth peer name p2",
        "ip link set p2 master br0 up",
        "ip -n ns2 addr add 10.9.0.2/24 dev v2",
    ]
    # the namespaces go first (their veths, and the peers on the bridge, with them)
    assert lines(path, "teardown") == ["ip netns del ns1", "ip netns del ns2", "ip link del br0"]


def test_chain_links_neighbours_each_in_a_subnet_of_its_own(write_scenario: Write) -> None:
    path = write_scenario(
        "name: c\ntopology:\n  chain: {count: 3, netns: 'n{i}', subnet: 10.8.0.0/24, lo: up}\n"
    )
    setup = lines(path, "setup")
    assert "ip link add c1a netns n1 up type veth peer name c1b netns n2" in setup
    assert "ip -n n2 link set c1b up" in setup
    assert "ip -n n1 addr add 10.8.0.1/24 dev c1a" in setup
    assert "ip -n n2 addr add 10.8.0.2/24 dev c1b" in setup
    assert "ip -n n2 addr add 10.8.0.5/24 dev c2a" in setup
    assert "ip -n n3 link set lo up" in setup
    state = expected_state(build(scenario.load(str(path))))
    c1a = state.namespaces["n1"].links["c1a"]
    assert (c1a.up, c1a.peer, c1a.peer_ns, c1a.addresses) == (True, "c1b", "n2", ["10.8.0.1/24"])


def test_explicit_parts_and_extra_steps(write_scenario: Write) -> None:
    path = write_scenario(
        """
name: t
topology:
  bridges: [{name: brx, address: 10.7.0.254/24}]
  namespaces: [{name: a, lo: up}]
  veths: [{name: va, netns: a, peer: pa, bridge: brx, address: 10.7.0.1/24}]
setup:
  - action: probe
    in: a
    target: 10.7.0.254
"""
    )
    setup = lines(path, "setup")
    assert setup[:3] == ["ip link add brx up type bridge", "ip addr add 10.7.0.254/24 dev brx",
                         "ip netns add a"]  # fmt: skip
    assert setup[-1] == "ip netns exec a ping -c 1 10.7.0.254"


@pytest.mark.parametrize(
    ("topology", "message"),
    [
        ("star: {netns: x}", "star needs a count of at least 1"),
        ("star: {count: 2, netns: nsX}", "a name pattern needs {i} in it"),
        ("chain: {count: 1}", "topology.chain.count: must be between 2 and 100000, found 1"),
        ("star: {count: 300, subnet: 10.0.0.0/24}", "subnet 10.0.0.0/24 is too small"),
        ("star: {count: 2, colour: red}", "unknown field 'colour'"),
        ("{}", "an empty topology"),
    ],
)
def test_bad_topologies(write_scenario: Write, topology: str, message: str) -> None:
    path = write_scenario(f"name: t\ntopology:\n  {topology}\n")
    with pytest.raises(ScenarioError, match=message.replace("{", r"\{").replace("}", r"\}")):
        build(scenario.load(str(path)))


@pytest.mark.kernel
@pytest.mark.parametrize("shape", ["star: {count: 3, subnet: 10.77.0.0/24, lo: up}",
                                   "chain: {count: 3, subnet: 10.78.0.0/24}"])  # fmt: skip
def test_a_topology_runs_verifies_and_goes(
    prefix: str, state_dir: Path, write_scenario: Write, shape: str
) -> None:
    path = write_scenario(f"name: topo\ntopology:\n  {shape}\n")
    before = snapshot(prefix)
    up = iplab("up", str(path), "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "verify: the kernel holds what the scenario promised" in up.stdout
    down = iplab("down", f"{prefix}topo", state=state_dir)
    assert down.returncode == 0, down.stderr
    assert snapshot(prefix) == before
