"""Routing labs as bloggers write them (found by a hunt on IPv6 and routing tutorials).

* The model took an IPv6 ``default`` route for the IPv4 one: ``ip -6 route add default
  via 2001:db8::1`` after ``ip route add default via 10.0.0.1`` was refused ("a route to
  default already exists").
* A link-local gateway (``ip -6 route add default via fe80::1 dev eth0``, every IPv6
  link has fe80::/64) was refused as "not in the subnet of any up link".
* A ping the page shows answered by ``connect: No route to host`` (a route of type
  unreachable), or a look shown failing (``RTNETLINK answers: ...``), rolled the whole
  lab back when it failed as the page says.
"""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.ipgrammar import effects
from iplab.lineparse import classify, reads_back
from iplab.model import ModelError
from iplab.plan import build
from iplab.render import renderer
from iplab.state import Route
from iplab.steps import Declares, Effect, Probe

LAB = """\
ip netns add ra
ip link add va netns ra type veth peer name vb
ip -n ra addr add 10.9.0.1/24 dev va
ip -n ra -6 addr add 2001:db8:9::1/64 dev va nodad
ip -n ra link set va up
"""


def _plan(script: str):  # type: ignore[no-untyped-def]
    result = import_text(script, "shell", "lab.sh")
    return result, build(scenario.load_text(result.yaml, "lab.yaml"))


def test_the_default_routes_of_ipv4_and_ipv6_are_two() -> None:
    script = (
        LAB + "ip -n ra route add default via 10.9.0.254\n"
        "ip -n ra -6 route add default via 2001:db8:9::ff\n"
        "ip -n ra -6 route del default via 2001:db8:9::ff\n"
    )
    _, plan = _plan(script)
    from iplab.plan import expected_state

    routes = expected_state(plan).namespaces["ra"].routes
    assert routes == [Route("default", "10.9.0.254", None, None, None, 4)]


def test_the_same_default_twice_is_still_refused() -> None:
    script = LAB + "ip -n ra -6 route add default via 2001:db8:9::ff\n"
    text = import_text(script + "ip -n ra -6 route add default via 2001:db8:9::fe\n", "shell",
                       "lab.sh").yaml  # fmt: skip
    with pytest.raises(ModelError, match="a route to default already exists"):
        build(scenario.load_text(text, "lab.yaml"))


def test_a_link_local_gateway_with_its_link() -> None:
    _, plan = _plan(LAB + "ip -n ra -6 route add default via fe80::ff:fe00:b01 dev va\n")
    assert plan.setup


def test_a_link_local_gateway_without_its_link_is_refused() -> None:
    text = import_text(LAB + "ip -n ra -6 route add default via fe80::1\n", "shell", "l.sh").yaml
    with pytest.raises(
        ModelError, match=r"link-local and the route names no link.*Egress device not specified"
    ):
        build(scenario.load_text(text, "lab.yaml"))


def test_a_ping_shown_failing_with_no_route_to_host_may_fail() -> None:
    page = (
        "# Routes\n\n```console\n# ip netns add rt\n# ip -n rt link set lo up\n"
        "# ip -n rt route add unreachable 10.67.0.0/16\n"
        "# ip netns exec rt ping -c1 -W1 10.67.0.1\nconnect: No route to host\n```\n"
    )
    sc = scenario.load_text(import_text(page, "markdown", "p.md").yaml, "p.yaml")
    assert sc.steps[-1].may_fail


def test_a_look_shown_failing_may_fail() -> None:
    page = (
        "# Routes\n\n```console\n# ip netns add rt\n# ip -n rt route get 10.1.1.1\n"
        "RTNETLINK answers: Network is unreachable\n# ip -n rt link show lo\n"
        "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN\n```\n"
    )
    result = import_text(page, "markdown", "p.md")
    sc = scenario.load_text(result.yaml, "p.yaml")
    assert [s.may_fail for s in sc.steps] == [False, True, False]
    assert "line 5: the page shows 'ip -n rt route get 10.1.1.1' fail; it may fail here too" in (
        result.warnings
    )


def test_a_sysctl_written_through_sh_c_inside_a_namespace_changes_no_name() -> None:
    """``ip netns exec mid sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'`` made the model
    unsure of every namespace: verify skipped the whole lab. It is undone with mid, too."""
    script = LAB + "ip netns exec ra sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'\n"
    result, plan = _plan(script)
    from iplab.plan import expected_state

    assert expected_state(plan).opaque == 0
    assert "cannot undo" not in result.summary()
    assert effects("bash -c 'ip link add x type dummy'", "ra") == Declares(
        creates=(Effect(what="link", name="x", ns="ra", kind="dummy"),), declared=True
    )
    assert effects("sh -c 'mystery-tool --go'", "ra") is None
    # which link $IF names only the shell knows: not read (it may bring any link up)
    assert effects("bash -c 'ip link set $IF up'", "ra") is None


def _undo_lines(plan, step: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [renderer().text(u.undo.op) for u in plan.setup[step].undo]


def test_replace_change_and_append_are_typed_and_undone() -> None:
    """``ip route replace`` (idempotent scripts write it) was a raw step nobody undid."""
    script = (
        LAB + "ip -n ra route add 10.0.3.0/24 via 10.9.0.254\n"
        "ip -n ra route replace 10.0.3.0/24 via 10.9.0.253\n"
        "ip -n ra route append 10.0.3.0/24 via 10.9.0.252 metric 10\n"
        "ip -n ra route change 10.0.3.0/24 via 10.9.0.251\n"
        "ip -n ra route replace 10.0.4.0/24 via 10.9.0.250\n"
        "ip -n ra -6 route replace default dev va\n"
    )
    result, plan = _plan(script)
    assert "cannot undo" not in result.summary()
    n = len(LAB.splitlines())
    assert _undo_lines(plan, n + 1) == [
        "ip -n ra route del 10.0.3.0/24 via 10.9.0.253",
        "ip -n ra route add 10.0.3.0/24 via 10.9.0.254",  # what it took the place of
    ]
    assert _undo_lines(plan, n + 2) == ["ip -n ra route del 10.0.3.0/24 via 10.9.0.252 metric 10"]
    assert _undo_lines(plan, n + 3) == [
        "ip -n ra route del 10.0.3.0/24 via 10.9.0.251",
        "ip -n ra route add 10.0.3.0/24 via 10.9.0.253",
    ]
    assert _undo_lines(plan, n + 4) == ["ip -n ra route del 10.0.4.0/24 via 10.9.0.250"]
    assert _undo_lines(plan, n + 5) == ["ip -n ra -6 route del default dev va"]
    from iplab.plan import expected_state

    routes = {str(r) for r in expected_state(plan).namespaces["ra"].routes}
    assert routes == {
        "10.0.3.0/24 via 10.9.0.251", "10.0.3.0/24 via 10.9.0.252 metric 10",
        "10.0.4.0/24 via 10.9.0.250", "default dev va",
    }  # fmt: skip


@pytest.mark.parametrize(
    "line",
    ["ip route replace default via 10.9.0.254", "ip route change 10.0.0.0/8 via 10.9.0.254"],
)
def test_the_hosts_own_routes_are_not_replaced(line: str) -> None:
    lab = "\n".join(
        [
            "ip link add va type veth peer name vb",
            "ip addr add 10.9.0.1/24 dev va",
            "ip link set va up",
        ]
    )
    text = import_text(f"{lab}\n{line}\n", "shell", "l.sh").yaml
    with pytest.raises(ModelError, match="changes the host's own routes"):
        build(scenario.load_text(text, "lab.yaml"))


def test_change_of_a_route_that_is_not_there_is_refused() -> None:
    text = import_text(LAB + "ip -n ra route change 10.0.5.0/24 via 10.9.0.254\n", "shell",
                       "l.sh").yaml  # fmt: skip
    with pytest.raises(ModelError, match=r"no route to 10\.0\.5\.0/24 in namespace ra to change"):
        build(scenario.load_text(text, "lab.yaml"))


@pytest.mark.parametrize(
    ("line", "ping"),
    [
        ("ip netns exec a ping -6 -c 2 2001:db8::2", "ping -6"),
        ("ip netns exec a ping6 -c 2 -W 1 2001:db8::2", "ping6"),
        ("ip netns exec a ping -c 2 2001:db8::2", "ping"),
    ],
)
def test_an_ipv6_ping_is_a_probe(line: str, ping: str) -> None:
    """``ping -6`` and ``ping6`` stayed plain commands: an IPv6 tutorial got no claim."""
    op = classify(line).op
    assert isinstance(op, Probe) and op.ping == ping and op.target == "2001:db8::2"
    assert renderer().text(op) == line
    assert reads_back(op) is None  # (the scenario's `ping:` field loads back)


def test_ping6_of_an_ipv4_address_is_no_probe() -> None:
    assert not isinstance(classify("ip netns exec a ping6 -c 1 10.0.0.1").op, Probe)


def test_the_kernel_s_default_metric_is_no_metric() -> None:
    """``route change X via G metric 0`` after ``route add X via G``: the same route (0 is
    IPv4's default metric, 1024 IPv6's); the model said there was none to change."""
    script = (
        LAB + "ip -n ra route add 10.0.2.0/24 via 10.9.0.254\n"
        "ip -n ra route change 10.0.2.0/24 via 10.9.0.253 metric 0\n"
        "ip -n ra -6 route add 2001:db8:2::/64 via 2001:db8:9::ff metric 1024\n"
        "ip -n ra -6 route del 2001:db8:2::/64 via 2001:db8:9::ff\n"
    )
    _, plan = _plan(script)
    from iplab.plan import expected_state

    assert [str(r) for r in expected_state(plan).namespaces["ra"].routes] == [
        "10.0.2.0/24 via 10.9.0.253"
    ]
