"""``ip route flush table all`` in a namespace (hunt DZ #1; scripts flush so before writing
their routes again by hand: ``ip route flush table all`` then ``ip route add default via
...``, as in a course's host script, https://github.com search "route flush table all").
Checked on this kernel (iproute2 6.1): with no family said it takes every route of both
families in every table, the kernel's too (the addresses' prefix routes, their local and
broadcast ones, fe80::/64: no route of either was left); ``-4``/``-6`` take that family's.
The model made the namespace's routes unknown and kept the prefix routes: a prefix route
written again was refused as "File exists" (the kernel takes it), a route via a gateway
of the flushed subnet was taken (the kernel refuses it: "Nexthop has invalid gateway",
IPv6 "No route to host"),
and verify compared no route after it. Now each family's routes go, the prefix routes
with them, and the routes are still known (none, then what the steps add)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.model import ModelError
from iplab.plan import Plan, build, expected_state
from iplab.steps import RouteFlush
from tests.pages import script_ran_clean

_LAB = """ip netns add a
ip link add va type veth peer name vb
ip link set va netns a
ip link set vb netns a
ip -n a addr add 10.9.0.1/24 dev va
ip -n a addr add fd09::1/64 dev va nodad
ip -n a link set va up
ip -n a link set vb up
ip -n a route add 10.8.0.0/24 via 10.9.0.2
ip -n a -6 route add fd08::/64 via fd09::2
ip -n a route add 10.7.0.0/24 via 10.9.0.2 table 100
{flush}
"""


def _build(text: str) -> Plan:
    return build(scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml"))


def test_the_flush_reads_both_families_when_none_is_said() -> None:
    ops = [s.op for s in _build(_LAB.format(flush="ip -n a route flush table all")).scenario.steps]
    assert isinstance(ops[-1], RouteFlush) and ops[-1].family == 0
    for line, family in [("-4 route flush table all", 4), ("route flush table main", 4),
                         ("-6 route flush table all", 6), ("route flush table 0", 0)]:  # fmt: skip
        op = _build(_LAB.format(flush=f"ip -n a {line}")).scenario.steps[-1].op
        assert isinstance(op, RouteFlush) and op.family == family, (line, op)


@pytest.mark.parametrize(
    ("flush", "left"),
    [
        ("ip -n a route flush table all", set()),
        ("ip -n a -4 route flush table all", {"fd08::/64"}),
        ("ip -n a -6 route flush table all", {"10.8.0.0/24", "10.7.0.0/24"}),
    ],
)
def test_the_routes_left_are_known(flush: str, left: set[str]) -> None:
    space = expected_state(_build(_LAB.format(flush=flush))).namespaces["a"]
    assert space.routes_known
    assert {r.to for r in space.routes} == left


@pytest.mark.parametrize(
    "flush", ["ip -n a route flush table all", "ip netns exec a ip route flush table all"]
)
def test_the_prefix_route_written_again_is_taken(flush: str) -> None:
    plan = _build(_LAB.format(flush=flush) + "ip -n a route add 10.9.0.0/24 dev va\n")
    assert {r.to for r in expected_state(plan).namespaces["a"].routes} == {"10.9.0.0/24"}


@pytest.mark.parametrize(
    ("flush", "route"),
    [
        ("route flush table all", "route add default via 10.9.0.2"),
        ("route flush table all", "-6 route add default via fd09::2"),
        ("-6 route flush table all", "-6 route add default via fd09::2"),
        ("-4 route flush table all", "route add default via 10.9.0.2"),
    ],
)
def test_a_gateway_of_a_flushed_subnet_is_refused(flush: str, route: str) -> None:
    with pytest.raises(ModelError, match=r"whose route \(the kernel's\) a step before took"):
        _build(_LAB.format(flush=f"ip -n a {flush}") + f"ip -n a {route}\n")


def test_the_other_familys_gateway_is_not() -> None:
    plan = _build(_LAB.format(flush="ip -n a -4 route flush table all") + "ip -n a -6 route"
                  " add default via fd09::2\n")  # fmt: skip
    assert {r.to for r in expected_state(plan).namespaces["a"].routes} == {"fd08::/64", "default"}


@pytest.mark.kernel
@pytest.mark.parametrize("family", ["", "-4 ", "-6 "])
def test_the_lab_runs_and_verifies(tmp_path: Path, family: str) -> None:
    """After the flush the routes written again are compared, and hold."""
    again = {
        "": "ip -n a route add 10.9.0.0/24 dev va\nip -n a route add default via 10.9.0.2\n"
        "ip -n a -6 route add fd09::/64 dev va\nip -n a -6 route add default via fd09::2\n",
        "-4 ": "ip -n a route add 10.9.0.0/24 dev va\nip -n a route add default via 10.9.0.2\n",
        "-6 ": "ip -n a -6 route add fd09::/64 dev va\nip -n a -6 route add default via fd09::2\n",
    }[family]
    text = _LAB.format(flush=f"ip -n a {family}route flush table all") + again
    prefix = "dzxfl" + {"": "0", "-4 ": "4", "-6 ": "6"}[family]
    out = script_ran_clean(text, prefix, "dzx", tmp_path)
    assert "routes" not in out.partition("verify:")[2].splitlines()[0], out
