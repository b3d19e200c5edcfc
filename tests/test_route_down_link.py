"""A route through a link that is down: the kernel refuses it ("Device for nexthop is not
up", "Nexthop device is not up"), and so does the model. It took it, and the property test
of inverses found a lab whose route a link's down-then-up would have to bring back
(tests/test_properties.py, hypothesis's example: a bridge, a route through it while down,
then ``link set up``). The kernel's word is checked on this kernel by the kernel test."""

from __future__ import annotations

import subprocess
import uuid

import pytest

from iplab.model import ModelError, apply
from iplab.state import State
from iplab.steps import LinkAdd, LinkSet, NetnsAdd, RouteAdd

CASES = {
    "plain": (RouteAdd(to="10.9.0.0/24", dev="b0"), "Device for nexthop is not up"),
    "onlink": (
        RouteAdd(to="10.9.0.0/24", via="10.0.0.1", dev="b0", settings=(("onlink", None),)),
        "Nexthop device is not up",
    ),
    "table": (
        RouteAdd(to="10.9.0.0/24", dev="b0", settings=(("table", "100"),)),
        "Device for nexthop is not up",
    ),
    "ipv6": (RouteAdd(to="2001:db8::/64", dev="b0"), "Nexthop device is not up"),
}


def _lab(up: bool) -> State:
    state = State()
    apply(state, NetnsAdd(name="n"))
    apply(state, LinkAdd(ns="n", name="b0", type="bridge"))
    if up:
        apply(state, LinkSet(ns="n", dev="b0", attrs=(("state", "up"),)))
    return state


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_route_through_a_link_that_is_down_is_refused(case: str) -> None:
    op, said = CASES[case]
    op = RouteAdd(**{**{f: getattr(op, f) for f in ("to", "via", "dev", "settings")}, "ns": "n"})
    with pytest.raises(ModelError, match=said):
        apply(_lab(up=False), op)
    state = _lab(up=True)
    apply(state, op)  # (up: taken)
    assert state.namespaces["n"].routes


@pytest.mark.kernel
def test_the_kernel_refuses_a_route_through_a_link_that_is_down() -> None:
    ns = f"iptr{uuid.uuid4().hex[:4]}"
    run = ["ip", "-n", ns]
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        subprocess.run([*run, "link", "add", "b0", "type", "bridge"], check=True)
        for case in sorted(CASES):
            op, said = CASES[case]
            words = ["route", "add", op.to]
            words += ["via", op.via] if op.via else []
            words += ["dev", "b0"]
            words += ["onlink"] if case == "onlink" else []
            words += ["table", "100"] if case == "table" else []
            got = subprocess.run([*run, *words], capture_output=True, text=True, check=False)
            assert got.returncode != 0 and said in got.stderr, (case, got.stderr)
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=False)
