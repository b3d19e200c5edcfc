"""A link of one letter (``a``, ``b``), as tutorials name a veth pair, after ``dev`` or
``master``: ip takes any interface name after those keywords (``ip addr add 10.0.0.1/24
dev a``), where alone the same word is a keyword's abbreviation (``ip link set a up`` reads
``a`` as ``address``, and ip 6.1 says '"up" is invalid lladdr.', checked on this host's
ip). Hunt DK/DP: a page's ``ip -n x addr add 10.0.0.1/24 dev a`` and ``ip -n x route add
default dev a`` were raw steps of unknown effect, so the model had no address in x and
the page's ``ip netns exec x ping -c1 10.0.0.2`` no probe. They are typed now; the bare
forms ip itself refuses stay refused."""

from __future__ import annotations

import pytest

from iplab import ipgrammar, scenario
from iplab.importer.convert import import_text
from iplab.plan import build, expected_state
from iplab.steps import AddrAdd, LinkSet, RouteAdd

_PAGE = """\
ip netns add x
ip netns add y
ip link add name a type veth peer name b
ip link set dev a netns x
ip link set dev b netns y
ip -n x addr add 10.0.0.1/24 dev a
ip -n y addr add 10.0.0.2/24 dev b
ip -n x link set dev a up
ip -n y link set dev b up
ip -n x route add default dev a
ip netns exec x ping -c1 10.0.0.2
"""


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("ip addr add 10.0.0.1/24 dev a", AddrAdd),
        ("ip -n x addr add 10.0.0.1/24 dev b", AddrAdd),
        ("ip route add 10.1.0.0/24 dev a", RouteAdd),
        ("ip -n x route add default dev a", RouteAdd),
        ("ip link set dev a master b", LinkSet),
        ("ip link set dev a up", LinkSet),
    ],
)
def test_a_one_letter_link_after_a_keyword_is_typed(line: str, kind: type) -> None:
    op = ipgrammar.read(line)
    assert isinstance(op, kind), (line, op)


@pytest.mark.parametrize(
    "line",
    ["ip link set a up", "ip link add a type veth peer name b", "ip link set a netns x"],
)
def test_a_bare_one_letter_link_is_still_what_ip_reads(line: str) -> None:
    """ip reads these as ``address`` followed by a link-layer address it cannot scan."""
    assert ipgrammar.refusal(line) is not None and "invalid lladdr" in (
        ipgrammar.refusal(line) or ""
    )


def test_the_page_is_typed_and_its_ping_a_probe() -> None:
    out = import_text(_PAGE, "shell", "lab.sh")
    assert "action: raw" not in out.yaml, out.yaml
    lab = scenario.load_text(out.yaml, "lab.yaml")
    plan = build(lab)
    state = expected_state(plan)
    assert "a" in state.namespaces["x"].links
    assert "action: probe" in out.yaml, out.yaml
    assert plan.setup[5].command.text == "ip -n x addr add 10.0.0.1/24 dev a"
    assert build(lab, prefix="dpxt").setup[5].command.text == (
        "ip -n dpxtx addr add 10.0.0.1/24 dev dpxta"
    )
