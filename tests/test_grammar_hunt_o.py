"""Hunt O: iproute2's grammar as people type it, checked against ip 6.1 and the kernel.

Each case here was found by running the hunt's line with ip on this machine and through
iplab: a line ip takes that iplab refused, or one ip refuses that iplab modelled.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import ipgrammar, scenario
from iplab.importer.convert import import_text
from iplab.plan import build
from iplab.render import Renderer
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
