"""Hunt BH #2: ``route add -net NET`` with no netmask, read as ``ip route add NET/32``.

tests/fixtures/adversarial-today-2/route-net-without-mask.md gives hostA its default
route as ``route add -net 0.0.0.0 gw 10.0.0.2``: the kernel holds ``default via
10.0.0.2`` (a net route's mask is the one given, none: 0), but the model read it as
``ip route add 0.0.0.0/32 via 10.0.0.2``, a route the kernel never holds. With no mask any
other net (``-net 10.1.0.0``) and a net of one address (``-net 10.5.0.0/32``, ``netmask
255.255.255.255``) are refused by route (SIOCADDRT: Invalid argument): no ip line equals
them, and the model keeps not knowing them.
"""

from __future__ import annotations

import shlex

from iplab.nettools import as_ip
from tests.conftest import FIXTURES

PAGE = FIXTURES / "adversarial-today-2" / "route-net-without-mask.md"


def _route_line() -> str:
    line = next(ln for ln in PAGE.read_text().splitlines() if " route add " in ln)
    return shlex.join(shlex.split(line)[5:])  # (sudo ip netns exec hostA: the namespace)


def test_route_add_net_0_0_0_0_without_a_mask_is_the_default_route() -> None:
    assert as_ip(_route_line()) == ["ip route add 0.0.0.0/0 via 10.0.0.2"]


def test_a_net_route_the_kernel_refuses_is_no_ip_line() -> None:
    for line in (
        "route add -net 10.1.0.0 gw 10.0.0.2",
        "route add -net 10.5.0.0/32 dev vA",
        "route add -net 10.5.0.0 netmask 255.255.255.255 dev vA",
    ):
        assert as_ip(line) is None, line
    assert as_ip("route add -net 10.3.0.0/16 gw 10.0.0.2") == [
        "ip route add 10.3.0.0/16 via 10.0.0.2"
    ]
