"""Hunt DF #1: ``ip route add`` of the prefix route the kernel made for an address.

A router namespace given ``192.168.81.1/24`` on an up link holds the kernel's route
``192.168.81.0/24 dev vrt0 proto kernel scope link``; the script then ran ``ip route add
192.168.81.0/24 dev vrt0`` "to set up forwarding". The kernel refuses it (RTNETLINK answers:
File exists: same prefix, table, metric and tos), and the script's ``set -e`` stops there;
``iplab check`` said "OK ... 0 failing in the model" and only the real run failed and rolled
back. The model now objects at that line, naming the address the kernel's route is for;
``append``, another metric, a /32 address, a link still down and ``replace`` are as before.
"""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.model import ModelError
from iplab.plan import build
from tests.conftest import FIXTURES
from tests.pages import imported

PAGES = FIXTURES / "hunt-df"

SETUP = """\
ip netns add r
ip link add ra type veth peer name rb
ip link set ra netns r
ip -n r addr add 192.168.81.1/24 dev ra
ip -n r link set ra up
"""


def _build(script: str) -> None:
    build(scenario.load_text(import_text(script, "shell", "lab.sh").yaml, "lab.yaml"))


def test_the_script_stops_where_bash_does() -> None:
    result, _lab = imported(PAGES / "set-e-router-connected-route-again.sh")
    error = str(result.model_error)
    assert "line 59:" in error, error
    assert "192.168.81.0/24" in error and "192.168.81.1/24" in error, error
    assert "File exists" in error, error


@pytest.mark.parametrize(
    "line",
    [
        "ip -n r route add 192.168.81.0/24 dev ra",
        "ip -n r route add 192.168.81.0/24 via 192.168.81.9",
        "ip netns exec r ip route add 192.168.81.0/24 dev ra metric 0",
    ],
)
def test_the_kernels_prefix_route_is_there_already(line: str) -> None:
    # (under set -e, as the hunt's script: since hunt DS a script that goes on past a
    # failing command makes such a route a step that may fail, which the run skips, as
    # the author's shell survives it: tests/test_hunt_ds_routed_by_address.py)
    with pytest.raises(ModelError, match="File exists"):
        _build("set -e\n" + SETUP + line + "\n")


@pytest.mark.parametrize(
    "line",
    [
        "ip -n r route add 192.168.81.0/24 dev ra metric 100",
        "ip -n r route append 192.168.81.0/24 dev ra",
        "ip -n r route replace 192.168.81.0/24 dev ra",
        "ip -n r route add 192.168.81.0/24 dev ra table 10",
        "ip -n r route add 192.168.81.0/25 dev ra",
    ],
)
def test_what_the_kernel_takes_beside_it_is_taken(line: str) -> None:
    _build(SETUP + line + "\n")


def test_no_prefix_route_while_the_link_is_down_or_for_a_slash_32() -> None:
    down = SETUP.replace("ip -n r link set ra up\n", "")
    # (changed by design the same session: while the link is down the kernel has no prefix
    # route of it, and refuses any route through it, "Device for nexthop is not up", which
    # the model now says too: tests/test_route_down_link.py; no "File exists")
    with pytest.raises(ModelError, match="is down") as raised:
        _build(down + "ip -n r route add 192.168.81.0/24 dev ra\n")
    assert "File exists" not in str(raised.value)
    host = SETUP.replace("/24 dev ra", "/32 dev ra")
    _build(host + "ip -n r route add 192.168.81.1/32 dev ra\n")


def test_after_the_kernels_route_is_deleted_it_may_be_added() -> None:
    _build(SETUP + "ip -n r route del 192.168.81.0/24\nip -n r route add 192.168.81.0/24 dev ra\n")
