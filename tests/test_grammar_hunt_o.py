"""Hunt O: iproute2's grammar as people type it, checked against ip 6.1 and the kernel.

Each case here was found by running the hunt's line with ip on this machine and through
iplab: a line ip takes that iplab refused, or one ip refuses that iplab modelled.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import ipgrammar, scenario
from iplab.importer.convert import import_text
from iplab.model import ModelError
from iplab.plan import build
from iplab.render import Renderer
from iplab.state import replay
from iplab.steps import LinkAdd
from tests.conftest import REPO

FIXTURES = REPO / "tests/fixtures/grammar"
ROUTER = FIXTURES / "03-router.md"


def _line(path: Path, start: str) -> str:
    """The command of the fixture's line that starts (after ``$ sudo ``) with ``start``."""
    for raw in path.read_text().splitlines():
        text = raw.removeprefix("$ ").removeprefix("sudo ")
        if text.startswith(start):
            return text
    raise AssertionError(f"{path.name} has no line {start!r}")


def test_any_name_after_name_is_a_name() -> None:
    """Hunt O: ``ip link add name a type veth peer name b netns rt`` works in bash, but
    iplab refused ``a`` (it abbreviates the keyword ``address``) even after ``name``, where
    ip takes any word; the line became a raw step that could not be undone."""
    line = _line(ROUTER, "ip link add name a type veth")
    op = ipgrammar.read(line)
    assert isinstance(op, LinkAdd) and (op.name, op.peer, op.peer_netns) == ("a", "b", "rt")
    imported = import_text(ROUTER.read_text(), "markdown", ROUTER.name)
    assert f"line: {line}" in imported.yaml
    assert "(line 9)" not in imported.summary()  # not among the steps iplab cannot undo


def test_a_link_named_like_a_keyword_is_deleted_by_dev() -> None:
    """Hunt O: the undo of ``ip link add name a ...`` must say ``ip link del dev a``:
    ``ip link del a`` is "address" without its value to ip."""
    text = "name: t\nsetup:\n  - line: ip link add name a type veth peer name b\n"
    plan = build(scenario.load_text(text, "t.yaml"))
    (undo,) = plan.commands[0].undo
    assert Renderer().text(undo.undo.op) == "ip link del dev a"


@pytest.mark.parametrize(
    "line",
    [
        # ip: "netns" is invalid lladdr (a, alone, is the keyword address)
        _line(ROUTER, "ip link set a netns h1 name eth0 up"),
        # ip 6.1: either "dev" is duplicate, or "hOy0" is a garbage (n, nam are no name)
        "ip -n hOscr l s hOx0 n hOy0",
        "ip -n hOscr l s hOx0 nam hOy0",
        "ip link set hOx0 address zz",  # "zz" is invalid lladdr
        "ip link set hOx0 address 02:00:00:00:00",  # Invalid address length 5
    ],
)
def test_a_line_ip_refuses_is_not_typed(line: str) -> None:
    """Hunt O: iplab read these as a rename or an address change; ip refuses each."""
    assert ipgrammar.read(line) is None


def test_a_veths_peer_named_with_n() -> None:
    """ip 6.1 names a veth's peer after ``peer n X`` (checked on the kernel); na, nam fail."""
    op = ipgrammar.read("ip link add x0 type veth peer n x1")
    assert isinstance(op, LinkAdd) and op.peer == "x1"
    assert ipgrammar.read("ip link add x0 type veth peer nam x1") is None


# -- the kernel's own routes and addresses (model.py) ----------------------------------------

FIXUPS = FIXTURES / "08-route-fixups.md"

#: hunt O's cmp.sh/cmp2.sh setup: a veth pair in a namespace, up, with 10.0.0.1/24
SCRATCH = """\
name: t
setup:
  - line: ip netns add hOscr
  - line: ip -n hOscr link add hOx0 type veth peer name hOx1
  - line: ip -n hOscr link set hOx0 up
  - line: ip -n hOscr link set hOx1 up
  - line: ip -n hOscr a a 10.0.0.1/24 dev hOx0
"""


def _check(*lines: str) -> None:
    text = SCRATCH + "".join(f"  - line: {line}\n" for line in lines)
    build(scenario.load_text(text, "cmp.yaml"))


def test_the_kernels_connected_route_may_be_deleted_and_put_back() -> None:
    """Hunt O: ``ip route del 10.30.0.0/24 dev p0`` after ``addr add 10.30.0.1/24 dev p0``
    (p0 up) deletes the prefix route the kernel added; iplab said "no route to
    10.30.0.0/24" and the import failed. (The fixture's ``src 10.30.0.9`` line is left out:
    the kernel refuses it, see the next test.)"""
    kept = [w for w in FIXUPS.read_text().splitlines(keepends=True) if "10.31.0.0" not in w]
    imported = import_text("".join(kept), "markdown", FIXUPS.name)
    build(scenario.load_text(imported.yaml, "08.yaml"))  # no objection


def test_a_source_the_namespace_does_not_hold_is_refused() -> None:
    """Hunt O: ``route add 10.31.0.0/24 via 10.30.0.2 src 10.30.0.9`` (no address of the
    namespace): the kernel says "Invalid prefsrc address"; iplab accepted it."""
    imported = import_text(FIXUPS.read_text(), "markdown", FIXUPS.name)
    with pytest.raises(ModelError, match=r"source 10.30.0.9 .*Invalid prefsrc") as caught:
        build(scenario.load_text(imported.yaml, "08.yaml"))
    assert caught.value.loc is not None


@pytest.mark.parametrize(
    "lines",
    [
        # hunt O's cmp.sh: the kernel takes each (checked on ip 6.1)
        ["ip -n hOscr route change 10.0.0.0/24 dev hOx0 proto kernel scope link src 10.0.0.1"],
        ["ip -n hOscr route replace 10.0.0.0/24 dev hOx0 src 10.0.0.1"],
        ["ip -n hOscr route del 10.0.0.0/24"],
        # down and up again: the kernel adds it again
        ["ip -n hOscr route del 10.0.0.0/24", "ip -n hOscr link set hOx0 down",
         "ip -n hOscr link set hOx0 up", "ip -n hOscr route del 10.0.0.0/24"],
        ["ip -n hOscr route add 10.9.0.0/16 via 10.0.0.2 src 10.0.0.1"],
        ["ip -n hOscr a a 10.0.0.5/24 dev hOx0 label foo:1"],  # any label (hunt O: rc 0)
        ["ip -n hOscr a a 10.0.0.5/24 dev hOx0 label hOx0:vrylong"],  # 15 characters
    ],
)  # fmt: skip
def test_what_the_kernel_takes(lines: list[str]) -> None:
    _check(*lines)


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        (["ip -n hOscr route add 10.9.0.0/16 via 10.0.0.2 src 10.0.0.9"], "Invalid prefsrc"),
        (["ip -n hOscr route del 10.0.0.0/24", "ip -n hOscr route del 10.0.0.0/24"],
         "no route to 10.0.0.0/24"),  # the second: No such process
        (["ip -n hOscr link set hOx0 down", "ip -n hOscr route del 10.0.0.0/24"],
         "no route to 10.0.0.0/24"),  # gone with the link
        (["ip -n hOscr a a 10.0.0.5/24 dev hOx0 label hOx0:verylongname"],
         "Attribute failed policy validation"),
    ],
)  # fmt: skip
def test_what_the_kernel_refuses(lines: list[str], said: str) -> None:
    """Hunt O: a label of more than 15 characters, a source no link holds, a route the
    kernel took away: each refused by the kernel, each accepted by iplab before."""
    with pytest.raises(ModelError, match=said):
        _check(*lines)


def test_a_link_flushed_by_scope_is_not_said_made_by_no_step() -> None:
    """Hunt O: after ``ip addr flush dev X scope global``, check described X, which a
    step of the scenario made, as "not made by any step the model knows"."""
    text = SCRATCH + "  - line: ip -n hOscr addr flush dev hOx0 scope global\n"
    steps = scenario.load_text(text, "cmp.yaml").steps
    *_, (_, after) = replay(steps, undo=False)
    said = "\n".join(after.describe())
    assert "not made by any step" not in said
    assert "hOx0 (not followed by the model: made or changed by a step it cannot" in said
