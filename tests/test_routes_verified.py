"""verify compares the routes a scenario promises (iplab/routes.py).

Found by a hunt on routing labs: ``verify`` read links and addresses only, so a lab whose
default route someone deleted was "OK". The reader's input is real captured output
(``tests/fixtures/routes/read.txt``: a namespace with an IPv4 default, a host route with
a metric, a route in table 100, a blackhole, IPv6 routes, one through a link-local
gateway; and a namespace that is gone).
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from iplab import routes, scenario
from iplab.importer.convert import import_text
from iplab.plan import build, expected_state
from iplab.state import Link, Namespace, Route, State
from iplab.words import changes_routes
from tests.kernel import iplab

FIXTURE = Path(__file__).parent / "fixtures" / "routes" / "read.txt"


def test_the_reader_keeps_the_routes_a_step_adds() -> None:
    read = routes.parse_routes(FIXTURE.read_text())
    assert set(read) == {"qzf"}  # (qzgone: deleted meanwhile, absent)
    assert {str(r) for r in read["qzf"] if r.family == 4} == {
        "10.6.0.0/16 via 10.1.0.252 dev va table 100",
        "default via 10.1.0.254 dev va",
        "10.1.0.0/24 dev va",  # the subnet's (the kernel's own: not compared, not promised)
        "10.5.0.5 via 10.1.0.253 dev va metric 7",
        "blackhole 10.7.0.0/16",  # (its type: hunt B); the local table's are left out
    }
    six = {str(r) for r in read["qzf"] if r.family == 6}
    assert "default via 2001:db8::ff dev va metric 1024" in six
    assert "2001:db8:7::/64 via fe80::1 dev va metric 1024" in six
    assert not any(r.to.startswith("ff00") for r in read["qzf"])  # multicast: the kernel's


@pytest.mark.parametrize(
    ("want", "holds"),
    [
        (Route("default", "10.1.0.254"), True),  # no link named: any
        (Route("0.0.0.0/0", "10.1.0.254", "va"), True),
        (Route("10.5.0.5/32", "10.1.0.253", metric="7"), True),
        (Route("10.5.0.5/32", "10.1.0.253", metric="8"), False),
        (Route("10.6.0.0/16", "10.1.0.252", table="100"), True),
        (Route("10.6.0.0/16", "10.1.0.252"), False),  # not in main
        (Route("default", "2001:db8::ff", family=6), True),
        (Route("default", "10.1.0.254", family=6), False),
        (Route("2001:db8:7::/64", "fe80::1", "va", family=6), True),
        (Route("10.7.0.0/16", kind="blackhole"), True),
        (Route("10.7.0.0/16"), False),  # hunt B: a unicast route is no blackhole
    ],
)
def test_a_promised_route_against_the_kernel_s(want: Route, holds: bool) -> None:
    got = routes.parse_routes(FIXTURE.read_text())["qzf"]
    assert any(routes.same(want, r) for r in got) is holds


def _state(*wanted: Route, up: bool = True) -> State:
    space = Namespace("x", routes=list(wanted))
    space.links["va"] = Link("va", "veth", up=up, addresses=["10.1.0.1/24"])
    return State(namespaces={"": Namespace(""), "x": space})


def test_a_missing_route_is_a_difference_only_where_its_way_out_is_there() -> None:
    want = Route("10.8.0.0/16", "10.1.0.254")
    found = routes.differences(_state(want), _state(), {"x": []})
    assert [str(d) for d in found] == [
        "route 10.8.0.0/16@x.exists: expected 10.8.0.0/16 via 10.1.0.254, found none"
    ]
    assert found[0].namespace == "x"
    # the link down in the kernel: verify says so of the link, the route goes with it
    assert routes.differences(_state(want), _state(up=False), {"x": []}) == []


def test_routes_a_raw_step_changed_are_not_compared() -> None:
    assert changes_routes("ip -n x route del 10.0.0.0/8")
    assert changes_routes("ip netns exec x sh -c 'ip route flush all'")
    assert not changes_routes("ip -n x route show")
    script = textwrap.dedent("""\
        ip netns add x
        ip link add va netns x type veth peer name vb
        ip -n x addr add 10.1.0.1/24 dev va
        ip -n x link set va up
        ip -n x route add 10.8.0.0/16 via 10.1.0.254
        ip -n x route replace 10.8.0.0/16 nexthop via 10.1.0.254 nexthop via 10.1.0.253
        """)
    sc = scenario.load_text(import_text(script, "shell", "r.sh").yaml, "r.yaml")
    expected = expected_state(build(sc))
    assert expected.namespaces["x"].routes  # the model could not follow the raw replace
    assert routes.promised(expected) == []  # so verify leaves x's routes alone


ROUTED = textwrap.dedent("""\
    ip netns add r1
    ip link add va netns r1 type veth peer name vb
    ip -n r1 addr add 10.1.0.1/24 dev va
    ip -n r1 -6 addr add 2001:db8::1/64 dev va nodad
    ip -n r1 link set va up
    ip -n r1 route add default via 10.1.0.254
    ip -n r1 route add 10.5.0.0/16 via 10.1.0.253 metric 7
    ip -n r1 route add 10.6.0.0/16 via 10.1.0.252 table 100
    ip -n r1 route replace 10.5.0.0/16 via 10.1.0.250 metric 7
    ip -n r1 -6 route add default via 2001:db8::ff
    ip -n r1 route add blackhole 10.7.0.0/16
    """)


@pytest.mark.kernel
def test_verify_finds_the_route_someone_deleted(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    lab = tmp_path / "routed.yaml"
    lab.write_text(import_text(ROUTED, "shell", "routed.sh").yaml)
    up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "verify: the kernel holds what the scenario promised" in up.stdout
    ns = f"{prefix}r1"
    subprocess.run(["ip", "-n", ns, "-6", "route", "del", "default"], check=True)
    subprocess.run(["ip", "-n", ns, "route", "del", "10.6.0.0/16", "table", "100"], check=True)
    found = iplab("verify", str(lab), "--prefix", prefix, state=state_dir)
    assert found.returncode == 1, found.stdout + found.stderr
    assert found.stdout.count("route ") == 2, found.stdout
    assert "expected default via 2001:db8::ff, found none" in found.stdout
    assert "expected 10.6.0.0/16 via 10.1.0.252 table 100, found none" in found.stdout
    down = iplab("down", f"{prefix}routed", state=state_dir)
    assert down.returncode == 0, down.stdout + down.stderr
