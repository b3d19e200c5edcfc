"""An IPv6 route whose gateway is one of the namespace's own addresses: the kernel refuses
it ("Gateway can not be a local address"), and so does the model (hunt DL: a lab script,
tests/fixtures/hunt-dl/dl05-gateway-is-own-address-dnat.sh, gives a namespace a default
route through its own address; in IPv4 the kernel takes that, in IPv6 it does not, and the
model took both). What the kernel refuses, checked on this kernel (the kernel test): a
global gateway held by ANY link of the namespace, with ``dev`` or without, tentative or not,
``add`` or ``replace``; a link-local gateway only when the route's own link holds it."""

from __future__ import annotations

import subprocess
import uuid

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.model import ModelError, apply
from iplab.plan import build
from iplab.state import State
from iplab.steps import AddrAdd, LinkAdd, LinkSet, NetnsAdd, RouteAdd

SAID = "Gateway can not be a local address"

#: route -> refused (True) or taken (False); x1 holds fd00::6/64 and fe80::77/64, x3 fd01::6/64
CASES = {
    "same link": (RouteAdd(to="default", via="fd00::6", dev="x1"), True),
    "another link's address": (RouteAdd(to="fd09::/64", via="fd01::6", dev="x1"), True),
    "no dev": (RouteAdd(to="fd02::/64", via="fd00::6"), True),
    "replace": (RouteAdd(to="fd0b::/64", via="fd00::6", dev="x1", verb="replace"), True),
    "link-local, same link": (RouteAdd(to="fd05::/64", via="fe80::77", dev="x1"), True),
    "link-local, another link": (RouteAdd(to="fd06::/64", via="fe80::77", dev="x3"), False),
    "ipv4, own address": (RouteAdd(to="default", via="10.9.8.1", dev="x1"), False),
    "ipv4, another link's": (RouteAdd(to="10.7.0.0/16", via="10.9.9.1", dev="x3"), False),
}


def _lab() -> State:
    state = State()
    apply(state, NetnsAdd(name="n"))
    apply(state, LinkAdd(ns="n", name="x1", type="veth", peer="x2"))
    apply(state, LinkAdd(ns="n", name="x3", type="veth", peer="x4"))
    for link in ("x1", "x2", "x3", "x4"):
        apply(state, LinkSet(ns="n", dev=link, attrs=(("state", "up"),)))
    for address, link in (
        ("fd00::6/64", "x1"),
        ("fe80::77/64", "x1"),
        ("10.9.8.1/24", "x1"),
        ("fd01::6/64", "x3"),
        ("10.9.9.1/24", "x3"),
    ):
        apply(state, AddrAdd(ns="n", address=address, dev=link))
    return state


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_gateway_that_is_the_namespaces_own_address(case: str) -> None:
    op, refused = CASES[case]
    op = RouteAdd(**{**{f: getattr(op, f) for f in ("to", "via", "dev", "verb")}, "ns": "n"})
    state = _lab()
    if refused:
        with pytest.raises(ModelError, match=SAID):
            apply(state, op)
    else:
        apply(state, op)
        assert state.namespaces["n"].routes


def test_the_lab_script_is_refused_at_its_line() -> None:
    """The hunt's own shape, in IPv6: a default route through the namespace's own address,
    as a user would write it; the error names the step and the kernel's words."""
    text = (
        "ip netns add far\n"
        "ip link add dev vm3 type veth peer name vm4 netns far\n"
        "ip netns exec far ip link set up vm4\n"
        "ip netns exec far ip -6 addr add fd64::6/64 dev vm4 nodad\n"
        "ip netns exec far ip -6 route add default via fd64::6 dev vm4\n"
    )
    with pytest.raises(ModelError, match=SAID) as raised:
        build(scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml"))
    assert "setup[4]" in str(raised.value), str(raised.value)


@pytest.mark.kernel
def test_the_kernel_refuses_a_local_gateway() -> None:
    ns = f"dlx{uuid.uuid4().hex[:5]}"
    run = ["ip", "-n", ns]
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        for a, b in (("x1", "x2"), ("x3", "x4")):
            subprocess.run([*run, "link", "add", a, "type", "veth", "peer", "name", b], check=True)
        for link in ("x1", "x2", "x3", "x4"):
            subprocess.run([*run, "link", "set", link, "up"], check=True)
        for address, link in (
            ("fd00::6/64", "x1"),
            ("fe80::77/64", "x1"),
            ("10.9.8.1/24", "x1"),
            ("fd01::6/64", "x3"),
            ("10.9.9.1/24", "x3"),
        ):
            extra = ["nodad"] if ":" in address else []
            subprocess.run([*run, "addr", "add", address, "dev", link, *extra], check=True)
        for case in sorted(CASES):
            op, refused = CASES[case]
            words = ["route", op.verb, op.to, "via", str(op.via)]
            words += ["dev", op.dev] if op.dev else []
            family = ["-6"] if ":" in str(op.via) else []
            got = subprocess.run(
                [*run, *family, *words], capture_output=True, text=True, check=False
            )
            if refused:
                assert got.returncode != 0 and SAID in got.stderr, (case, got.stderr)
            else:
                assert got.returncode == 0, (case, got.stderr)
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=False)
