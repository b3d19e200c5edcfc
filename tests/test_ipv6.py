"""IPv6 labs as their pages and scripts write them (hunt A): import, model and verify."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from iplab import scenario
from iplab.errors import ScenarioError
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.lineparse import classify
from iplab.model import ModelError
from iplab.names import ROOT
from iplab.plan import build, decide_sudo
from iplab.render import renderer
from iplab.routes import same
from iplab.state import after
from iplab.steps import AddrAdd, LinkAdd, Op, Probe
from tests.conftest import REPO

IPV6 = REPO / "tests" / "fixtures" / "ipv6"


def imported(name: str) -> ImportResult:
    path = IPV6 / name
    text = path.read_text(encoding="utf-8")
    rel = str(Path(path).relative_to(REPO))
    return import_text(text, detect_kind(rel, text), rel)


def rendered_lines(result: ImportResult) -> list[str]:
    sc = scenario.load_text(result.yaml, f"{result.name}.yaml")
    return [renderer().command(s.op, decide_sudo(sc.sudo, s.sudo, s.op)).text for s in sc.steps]


def _op(line: str) -> Op:
    """The op of a line: typed, else a raw step (as the importer reads it)."""
    return classify(line).op


def test_a_wait_loop_is_not_told_to_be_unrolled() -> None:
    """Hunt A: ``while ip ... tentative | grep -q inet6; do sleep 0.2; done`` was skipped
    with "unroll it, or use a scenario 'loop'", advice that makes no sense for a loop that
    only waits. It now says it is a wait loop, and that iplab waits for DAD by itself."""
    warnings = [w for w in imported("05-dad-wait.sh").warnings if "lines 30-32" in w]
    assert len(warnings) == 1, warnings
    assert "unroll" not in warnings[0]
    assert "a wait loop (while ...; do sleep ...)" in warnings[0]
    assert "duplicate address detection" in warnings[0]


def test_an_ipv6_address_is_one_per_link_whatever_its_prefix_length() -> None:
    """Hunt A: ``check`` said OK to ``ip -6 addr add 2001:db8:10::1/128 dev va`` after
    2001:db8:10::1/64 on va, which the kernel refuses ("ipv6: address already assigned"):
    the model compared address and prefix together, as IPv4 may."""
    error = imported("08b-mistakes.sh").model_error
    assert error is not None
    assert "line 12" in error
    assert "va already has 2001:db8:10::1/64" in error
    assert "address already assigned" in error


def test_ipv4_still_takes_one_address_with_two_prefix_lengths() -> None:
    """The IPv4 side of the same rule: 10.1.1.1/24 and 10.1.1.1/16 on one link are fine."""
    ops = [
        LinkAdd(name="d0", type="dummy"),
        AddrAdd(address="10.1.1.1/24", dev="d0"),
        AddrAdd(address="10.1.1.1/16", dev="d0"),
    ]
    link = after(ops).namespaces[ROOT].links["d0"]
    assert link.addresses == ["10.1.1.1/24", "10.1.1.1/16"]


def test_a_metric_the_page_writes_is_compared_even_the_default_one() -> None:
    """Hunt A: ``ip -6 route add 2001:db8:b::1/64 via 2001:db8:a::1 metric 1024``: the model
    kept no metric (1024 is IPv6's default) and verify took that for any metric, so a
    route of metric 2048 in the kernel passed. The metric written is now compared."""
    result = imported("03-static-routes-v6.md")
    sc = scenario.load_text(result.yaml, f"{result.name}.yaml")
    routes = after(sc.setup).namespaces["left"].routes
    want = next(r for r in routes if r.to == "2001:db8:b::1/64")
    assert want.metric == "1024"
    kernel = dataclasses.replace(want, to="2001:db8:b::/64")
    assert same(want, kernel)
    assert not same(want, dataclasses.replace(kernel, metric="2048"))
    unwritten = next(r for r in routes if r.to == "2001:db8:ffff::1/128")
    assert same(unwritten, dataclasses.replace(unwritten, metric="2048"))


def test_metric_1024_and_no_metric_are_one_ipv6_route() -> None:
    """The metric written is kept, but the model still knows the kernel's default: ``add``
    of the same route with and without ``metric 1024`` is "File exists", and a ``del``
    with ``metric 1024`` takes a route added without it."""
    ops = [
        _op(line)
        for line in (
            "ip link add d0 type dummy",
            "ip link set d0 up",
            "ip -6 route add 2001:db8:99::/64 dev d0",
        )
    ]
    again = _op("ip -6 route add 2001:db8:99::/64 dev d0 metric 1024")
    with pytest.raises(ModelError, match="already exists"):
        after([*ops, again])
    gone = _op("ip -6 route del 2001:db8:99::/64 dev d0 metric 1024")
    assert after([*ops, gone]).namespaces[ROOT].routes == []


def test_an_uppercase_or_uncompressed_ipv6_target_is_a_probe() -> None:
    """Hunt A: ``ping6 -c 2 2001:DB8::A`` after ``addr add 2001:db8:0:0:0:0:0:a/64`` was
    kept as a ``netns exec`` ("is not an address the input assigns"): the text of the
    target was compared with the addresses as Python writes them. It is a probe now, and
    the plan takes it (its target is the lab's)."""
    result = imported("05-dad-wait.sh")
    assert not any("2001:DB8::A" in w for w in result.warnings), result.warnings
    sc = scenario.load_text(result.yaml, f"{result.name}.yaml")
    probes = [s.op for s in sc.steps if isinstance(s.op, Probe)]
    assert [p.target for p in probes] == ["2001:db8::b", "2001:DB8::A", "2001:db8::aa"]
    build(sc)  # (check_probes: every target is an address of the lab)


def test_pings_options_in_any_order_make_a_probe() -> None:
    """Hunt A: ``ping -c 3 -6 ADDR`` and ``ping6 -c2 ADDR`` were no probes (-6 had to come
    before -c, and -c be a word of its own): in 02-ipv6-router.sh one ping was a probe (a
    FAIL, the run goes on) and its twin a command whose failure rolled the run back. Both
    are probes now, the second kept as written."""
    result = imported("02-ipv6-router.sh")
    sc = scenario.load_text(result.yaml, f"{result.name}.yaml")
    probes = [s.op for s in sc.steps if isinstance(s.op, Probe)]
    assert [(p.ns, p.count, p.ping, p.options) for p in probes] == [
        ("h1", 3, "ping -6", None),
        ("h2", 3, "ping -6", "-c 3 -6"),
    ]
    assert result.lines[-1] == "ip netns exec h2 ping -c 3 -6 fd00:1::10"
    assert rendered_lines(result)[-1] == result.lines[-1]
    six = _op("ip netns exec left ping6 -c2 2001:db8:b::2")
    assert isinstance(six, Probe) and (six.count, six.ping, six.options) == (2, "ping6", "-c2")


def test_a_probes_options_say_its_count_once() -> None:
    """A probe written with ``options`` takes its count from them; a ``count`` beside them
    is an error naming the field."""
    text = (
        "name: t\nsetup:\n  - action: netns add\n    name: a\n"
        "  - action: probe\n    in: a\n    target: 10.0.0.1\n    options: -c 3 -6\n    count: 2\n"
    )
    with pytest.raises(ScenarioError, match="count"):
        scenario.load_text(text, "t.yaml")


def test_a_link_local_gateway_without_a_link_is_refused_for_the_kernels_reason() -> None:
    """Hunt A: ``ip -6 route add default via fe80::1`` with no ``dev``: the model said
    "gateway fe80::1 is not in the subnet of any up link", but the kernel's reason is
    that a link-local gateway needs its link ("Egress device not specified")."""
    error = imported("08-mistakes-gateway.sh").model_error
    assert error is not None
    assert "line 11" in error
    assert "gateway fe80::1 is link-local and the route names no link" in error
    assert "Egress device not specified" in error
    assert "not in the subnet" not in error


def test_keep_addr_on_down_keeps_the_ipv6_address_in_the_model() -> None:
    """Hunt A: ``ip netns exec pc2 sysctl -w net.ipv6.conf.pc2-e0.keep_addr_on_down=1``,
    then the link down and up: the kernel keeps fd42:50::12/64, the model dropped it, and
    verify reported a false DIFF. The model now keeps it (the link-local ones still go)."""
    result = imported("04-dualstack-bridge.md")
    sc = scenario.load_text(result.yaml, f"{result.name}.yaml")
    link = after(sc.setup).namespaces["pc2"].links["pc2-e0"]
    assert link.addresses == ["192.168.50.12/24", "fd42:50::12/64"]


def test_without_keep_addr_on_down_the_ipv6_address_goes_down_with_its_link() -> None:
    ops = [
        _op(line)
        for line in (
            "ip link add d0 type dummy",
            "ip addr add fd00::1/64 dev d0",
            "ip addr add fe80::1/64 dev d0",
            "ip link set d0 up",
            "sysctl -w net.ipv6.conf.d1.keep_addr_on_down=1",
            "ip link set d0 down",
        )
    ]
    assert after(ops).namespaces[ROOT].links["d0"].addresses == []
    ops[4] = _op("sysctl -w net/ipv6/conf/all/keep_addr_on_down=1")
    assert after(ops).namespaces[ROOT].links["d0"].addresses == ["fd00::1/64"]
