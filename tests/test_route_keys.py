"""A route is what the kernel keys it by, and verify compares its type (hunt B, on
multi-router and policy-routing labs; inputs in ``tests/fixtures/routes/``).

* The model compared route destinations as text: ``10.0.9.7`` and ``10.0.9.7/32``,
  ``default`` and ``0.0.0.0/0`` were two routes, so a delete the kernel runs was refused
  and a scenario the kernel runs failed verify.
* verify ignored the route type: a blackhole replaced by hand with an unreachable route was
  OK; a scenario's own ``ip route add local ... table local`` was left out of the read.
* A route that differs only in ``tos`` was refused ("already exists").
* A route difference did not name its namespace.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from iplab import routes, scenario
from iplab.importer.convert import import_text
from iplab.model import ModelError
from iplab.plan import build, expected_state
from iplab.render import renderer
from iplab.state import Route
from tests.kernel import iplab

FIXTURES = Path(__file__).parent / "fixtures" / "routes"
B12 = (FIXTURES / "B12-host-route-slash32.sh").read_text()
#: B12's lines up to its two routes (the kernel holds 10.0.9.0/24 and 10.0.9.7/32 there)
B12_SETUP = B12.split("ip -n src route get")[0]


def _plan(script: str):  # type: ignore[no-untyped-def]
    return build(scenario.load_text(import_text(script, "shell", "lab.sh").yaml, "lab.yaml"))


def test_a_host_route_is_deleted_by_its_bare_address() -> None:
    """Hunt B: ``route del 10.0.9.7 via 10.0.2.2`` after ``route add 10.0.9.7/32`` was
    refused ("no route to 10.0.9.7"); ``del default`` after ``replace 0.0.0.0/0`` too."""
    result = import_text(B12, "shell", "B12-host-route-slash32.sh")
    assert "model: OK" in result.summary(), result.summary()
    plan = build(scenario.load_text(result.yaml, "b12.yaml"))
    assert expected_state(plan, 23).namespaces["src"].routes == [Route("10.0.9.0/24", "10.0.1.2")]


@pytest.mark.parametrize(
    "line",
    [
        "ip -n src route change 10.0.9.7 via 10.0.1.2",
        "ip -n src route del 10.0.9.7",
        "ip -n src route del 10.0.9.7/32",
        "ip -n src route replace 10.0.9.7 via 10.0.1.2",
    ],
)
def test_a_bare_address_is_its_host_route(line: str) -> None:
    """Hunt B: ``route change 10.99.0.1`` after ``10.99.0.1/32`` was refused."""
    assert _plan(B12_SETUP + line + "\n").setup


@pytest.mark.parametrize(
    "line",
    [
        "ip -n src route add 10.0.9.7 via 10.0.1.2",
        "ip -n src route add 10.0.9.0/255.255.255.0 via 10.0.2.2",
        "ip -n src route add 10.0.9/24 via 10.0.2.2",  # (iproute2 reads 10.0.9.0/24)
    ],
)
def test_the_same_route_in_another_spelling_exists(line: str) -> None:
    """Hunt B: ``add 10.99.0.1`` beside ``10.99.0.1/32`` was accepted; the kernel says
    File exists."""
    with pytest.raises(ModelError, match="already exists"):
        _plan(B12_SETUP + line + "\n")


def test_default_is_the_zero_prefix() -> None:
    """Hunt B: ``add 0.0.0.0/0`` beside ``default`` was accepted, ``del 0.0.0.0/0`` after
    ``add default`` refused; B13's replace left two defaults in the model (verify: "DIFF
    route default.exists: expected default via 10.0.1.2, found none")."""
    with pytest.raises(ModelError, match=r"a route to 0\.0\.0\.0/0 already exists"):
        _plan(B12_SETUP + "ip -n src route add default via 10.0.1.2\n"
              "ip -n src route add 0.0.0.0/0 via 10.0.2.2\n")  # fmt: skip
    assert _plan(B12_SETUP + "ip -n src route add default via 10.0.1.2\n"
                 "ip -n src route del 0.0.0.0/0\n").setup  # fmt: skip
    sc = scenario.load(str(FIXTURES / "B13-default-spelling.yaml"))
    assert [str(r) for r in expected_state(build(sc)).namespaces["ra"].routes] == [
        "0.0.0.0/0 via 10.0.1.3",
        "10.99.0.1 via 10.0.1.3",
    ]


def test_routes_that_differ_only_in_tos_are_two() -> None:
    """Hunt B: ``route add 192.168.3.0/24 via 10.0.1.2 tos 0x10`` beside the same route
    without tos was refused; the kernel holds both, and a del without tos takes tos 0's."""
    b13 = (FIXTURES / "B13-default-spelling.yaml").read_text()
    setup = [x.split("line: ")[1] for x in b13.splitlines() if "line: " in x][:5]
    lines = [
        *setup,
        "ip -n ra route add 192.168.3.0/24 via 10.0.1.2",
        "ip -n ra route add 192.168.3.0/24 via 10.0.1.2 tos 0x10",
        "ip -n ra route del 192.168.3.0/24",
    ]
    plan = _plan("\n".join(lines) + "\n")
    assert "192.168.3.0/24 tos 0x10 via 10.0.1.2" in [
        str(r) for r in expected_state(plan).namespaces["ra"].routes
    ]
    with pytest.raises(ModelError, match="already exists"):
        _plan("\n".join([*lines[:-1], "ip -n ra route add 192.168.3.0/24 via 10.0.1.3 dsfield 10"]))


def test_a_route_s_type_is_kept_and_compared() -> None:
    """Hunt B: verify compared no type, so an unreachable or unicast route in a blackhole's
    place was OK; the difference now says what the kernel holds instead."""
    sc = scenario.load(str(FIXTURES / "b3-nomp.yaml"))
    expected = expected_state(build(sc), 15)  # (after the route show)
    gw = expected.namespaces["gw"].routes
    assert [str(r) for r in gw] == [
        "blackhole 198.51.100.0/24",
        "unreachable 203.0.113.0/24",
        "prohibit 192.0.2.0/24 metric 10",
    ]
    held = [Route("198.51.100.0/24", kind="unreachable"), *gw[1:]]
    found = routes.differences(expected, expected, {"gw": held, "src": []})
    assert [str(d) for d in found if d.namespace == "gw"] == [
        "route 198.51.100.0/24@gw.exists: expected blackhole 198.51.100.0/24,"
        " found unreachable 198.51.100.0/24"
    ]


def test_a_route_difference_names_its_namespace() -> None:
    """Hunt B: isp1 and isp2 both route 10.0.1.0/24 back; their differences read alike
    ("route 10.0.1.0/24.exists: ..."), in the text and in ``verify --json``."""
    from iplab import jsonout

    plan = _plan((FIXTURES / "B2-policy-routing.sh").read_text())
    expected = expected_state(plan, 30)  # (after the isps' routes)
    found = routes.differences(expected, expected, {"isp1": [], "isp2": []})
    assert [str(d) for d in found] == [
        "route 10.0.1.0/24@isp1.exists: expected 10.0.1.0/24 via 192.168.10.2, found none",
        "route 10.0.1.0/24@isp2.exists: expected 10.0.1.0/24 via 192.168.20.2, found none",
    ]
    assert jsonout.difference(found[1])["namespace"] == "isp2"


@pytest.mark.kernel
def test_verify_holds_a_default_and_a_host_route_written_two_ways(
    prefix: str, state_dir: Path
) -> None:
    """Hunt B (B13): the kernel matched the scenario, verify said "DIFF route
    default.exists" and "DIFF route 10.99.0.1/32.exists"."""
    lab = FIXTURES / "B13-default-spelling.yaml"
    up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "DIFF" not in up.stdout and "the kernel holds what" in up.stdout, up.stdout
    assert iplab("down", f"{prefix}defspell", state=state_dir).returncode == 0


@pytest.mark.kernel
def test_verify_finds_a_blackhole_replaced_by_another_type(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt B (B3): a blackhole replaced by hand with an unreachable route, then with a
    unicast one, was "OK"; a scenario's own local route is compared, not left out."""
    text = (FIXTURES / "b3-nomp.yaml").read_text()
    text = text.replace(
        "  - action: show\n    line: ip route get 198.51.100.7\n",
        "  - line: ip -n gw route add local 10.5.0.0/24 dev lo table local\n",
    )
    lab = tmp_path / "b3.yaml"
    lab.write_text(text)
    up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "DIFF" not in up.stdout, up.stdout
    gw = f"{prefix}gw"
    subprocess.run(["ip", "-n", gw, "route", "replace", "unreachable", "198.51.100.0/24"],
                   check=True)  # fmt: skip
    found = iplab("verify", str(lab), "--prefix", prefix, "--json", state=state_dir)
    assert found.returncode == 1, found.stdout + found.stderr
    assert json.loads(found.stdout)["differences"] == [
        {"object": f"route 198.51.100.0/24@{gw}", "field": "exists", "kind": "missing-route",
         "namespace": gw,
         "expected": "blackhole 198.51.100.0/24", "found": "unreachable 198.51.100.0/24"}
    ]  # fmt: skip
    g0 = f"{prefix}g0"
    subprocess.run(["ip", "-n", gw, "route", "replace", "198.51.100.0/24", "dev", g0],
                   check=True)  # fmt: skip
    again = iplab("verify", str(lab), "--prefix", prefix, state=state_dir)
    assert f"found 198.51.100.0/24 dev {g0}" in again.stdout, again.stdout
    assert iplab("down", f"{prefix}B3-route-types", state=state_dir).returncode == 0


def test_a_sleep_gets_the_time_it_asks_for() -> None:
    """Hunt B (B5): ``sleep 40`` ("wait for OSPF to converge") always failed under ``iplab
    run``: "command failed (timed out after 30 s): sleep 40"."""
    from iplab.lab import limits_of

    text = (FIXTURES / "B5-triangle-session.txt").read_text()
    result = import_text(text, "session", "B5-triangle-session.txt")
    plan = build(scenario.load_text(result.yaml, "b5.yaml"))
    sleep = next(p.command for p in plan.setup if p.command.text == "sleep 40")
    assert limits_of(sleep, 30).hard == 70
    assert limits_of(plan.setup[0].command, 30).hard == 30  # (the others: the default)
    assert limits_of(sleep, None).hard is None  # (--timeout 0: none)


def test_a_route_delete_naming_no_way_out_is_typed() -> None:
    """Hunt B: ``ip -n src route del default`` (B12), ``route del PREFIX`` with neither via
    nor dev, and ``10.6/16`` (iproute2 reads 10.6.0.0/16) were kept as raw steps; a
    ``line:`` step of one said "is not a command iplab can read"."""
    from iplab.errors import ScenarioError
    from iplab.steps import RouteAdd, RouteDel

    plan = _plan(B12)
    deleted = plan.setup[24]
    assert isinstance(deleted.command.op, RouteDel) and deleted.command.text == (
        "ip -n src route del default"
    )
    assert [renderer().text(u.undo.op) for u in deleted.undo] == [
        "ip -n src route add 0.0.0.0/0 via 10.0.1.2"  # (what the model knew it took)
    ]
    assert expected_state(plan).namespaces["src"].routes == [Route("10.0.9.0/24", "10.0.1.2")]
    short = _plan(B12_SETUP + "ip -n src route add 10.6/16 via 10.0.2.2\n"
                  "ip -n src route del 10.6.0.0/16\n")  # fmt: skip
    assert isinstance(short.setup[-2].command.op, RouteAdd)
    assert isinstance(short.setup[-1].command.op, RouteDel)
    page = (FIXTURES / "B3-route-types.md").read_text()
    multipath = next(x for x in page.splitlines() if "nexthop" in x).split("# ", 1)[1]
    with pytest.raises(ScenarioError, match="is a form of ip iplab's grammar does not type"):
        scenario.load_text(f"name: mp\nsetup:\n  - line: {multipath}\n", "mp.yaml")


def test_a_ping_shown_answered_by_an_icmp_error_may_fail() -> None:
    """Hunt B (B3, B14): a ping whose shown output is only an ICMP error line (``From
    10.1.0.1 icmp_seq=1 Packet filtered``, ``Time to live exceeded``) was no step allowed to
    fail: the run failed on it and rolled back."""
    from iplab.importer.shown import _fails

    page = (FIXTURES / "B3-route-types.md").read_text()
    sc = scenario.load_text(import_text(page, "markdown", "B3-route-types.md").yaml, "b3.yaml")
    pings = [s for s in sc.steps if "ping" in str(s.op)]
    assert [p.may_fail for p in pings] == [True, True, True]
    loop = (FIXTURES / "B14-routing-loop.md").read_text().splitlines()
    assert _fails([loop[20]]) and loop[20].endswith("Time to live exceeded")
    assert _fails(["From gw (10.1.0.1) icmp_seq=1 Destination Port Unreachable"])
    assert not _fails(["64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.040 ms"])


def test_a_routing_daemon_s_package_is_named_and_its_looks_undo_nothing() -> None:
    """Hunt B (B4, B8): preflight named ``/usr/lib/frr/zebra``, ``/usr/lib/frr/ospfd`` and
    ``birdc`` without their package; ``vtysh -c 'show ...'``, ``birdc show ...`` and ``mtr``
    were listed as steps iplab cannot undo (they change nothing)."""
    from iplab.programs import package_of, programs

    frr = import_text((FIXTURES / "B4-frr-ospf-triangle.md").read_text(), "markdown", "B4.md")
    bird = import_text((FIXTURES / "B8-bird-ospf-lab.sh").read_text(), "shell", "B8.sh")
    for result in (frr, bird):
        listed = result.summary().split("cannot undo", 1)[1].split("model:", 1)[0]
        assert not any(p in listed for p in ("vtysh", "birdc", "mtr")), listed
    started = {p for s in scenario.load_text(frr.yaml, "b4.yaml").steps
               for p in programs(str(getattr(s.op, "command", "")))}  # fmt: skip
    assert {"/usr/lib/frr/zebra", "/usr/lib/frr/ospfd"} <= started
    assert {package_of(p) for p in ("/usr/lib/frr/zebra", "/usr/lib/frr/ospfd")} == {"frr"}
    assert package_of("birdc") == "bird2"
