"""Hunt BL: smaller leftovers of the last hunts (tests/fixtures/leftovers7/)."""

from __future__ import annotations

import pytest

from iplab.model import ModelError
from iplab.names import ROOT
from iplab.plan import build
from iplab.scenario import load_text
from iplab.state import after
from iplab.steps import LinkDel, Raw
from tests import pages
from tests.conftest import FIXTURES

HERE = FIXTURES / "leftovers7"


def test_sudo_v_is_no_step_iplab_cannot_undo() -> None:
    """#7: ``sudo -v`` (sudo's timestamp refreshed, nothing of the lab) was listed as a
    step iplab cannot undo."""
    result, sc = pages.imported(HERE / "sudo-v-first.md")
    assert "cannot undo" not in result.yaml
    first = sc.setup[0].op
    assert isinstance(first, Raw) and first.command == "sudo -v" and first.observes


def _links(page: str) -> dict[str, dict[str, tuple[int | None, list[str], bool]]]:
    _, sc = pages.imported(HERE / page)
    held = after(sc.steps)
    return {
        name: {k: (v.mtu, list(v.addresses), v.unknown) for k, v in space.links.items()}
        for name, space in held.namespaces.items()
        if name != ROOT
    }


def test_ifconfig_mtu_and_0_0_0_0_are_followed_by_the_model() -> None:
    """#3: ``ifconfig X mtu 1400`` and ``ifconfig X 0.0.0.0 up`` (a bridge port cleared of
    its address) left their links unknown to the model, so verify compared neither."""
    links = _links("ifconfig-bridge-ports.md")
    assert links["h1"]["h1-eth0"] == (1400, ["192.168.7.1/24"], False)
    assert links["h2"]["h2-eth0"] == (1400, ["192.168.7.2/24"], False)
    assert links["sw"]["sw-p1"] == (None, [], False)  # (10.99.0.1/24 taken away)
    assert links["sw"]["sw-p2"] == (None, [], False)


def test_ifconfig_hw_ether_is_followed_by_the_model() -> None:
    """``ifconfig X hw ether MAC`` (a page giving a port a fixed MAC) is ``ip link set X
    address MAC``: the model follows it (it made the link unknown, as mtu did)."""
    doc = (
        "name: m\nsetup:\n  - line: ip netns add a\n"
        "  - line: ip -n a link add va type veth peer name vb\n"
        "  - line: ip netns exec a ifconfig va hw ether 02:42:AC:11:00:02 up\n"
    )
    link = after(load_text(doc, "m.yaml").steps).namespaces["a"].links["va"]
    assert not link.unknown and link.mac == "02:42:ac:11:00:02" and link.up


def test_0_0_0_0_of_a_link_of_several_addresses_stays_unsure() -> None:
    """The kernel takes the first address away (and those of its subnet, unless
    promote_secondaries): no ip line equals it, the model does not guess."""
    doc = (
        "name: m\nsetup:\n  - line: ip netns add a\n"
        "  - line: ip -n a link add va type veth peer name vb\n"
        "  - line: ip -n a addr add 10.0.0.1/24 dev va\n"
        "  - line: ip -n a addr add 10.1.0.1/24 dev va\n"
        "  - line: ip netns exec a ifconfig va 0.0.0.0\n"
    )
    held = after(load_text(doc, "m.yaml").steps)
    assert held.namespaces["a"].links["va"].unknown


def test_a_greeting_piped_to_nc_is_a_command_kept_as_text() -> None:
    """#4: ``(echo "hello veth0 from a"; sleep 1) | sudo ip netns exec a nc ...`` on a page
    without prompts was taken for the output of the line before it (the step was lost);
    with --prefix its greeting was printed and sent as ``hello hbl...veth0 from hbl...a``;
    and import listed it as a step iplab cannot undo (a group of readers is a reader)."""
    result, sc = pages.imported(HERE / "netcat-hello-veth0.md")
    assert "cannot undo" not in result.yaml
    last = sc.setup[-1]
    assert isinstance(last.op, Raw) and last.op.observes, last
    assert last.op.command.startswith('(echo "hello veth0 from a"; sleep 1) | ')
    lines = [pc.command.text for pc in build(sc, prefix="hbl5e0").setup]
    assert lines[-1] == (
        '(echo "hello veth0 from a"; sleep 1) | sudo ip netns exec hbl5e0a nc -q 1 10.0.0.2 9000'
    )
    assert lines[-2] == "sudo ip netns exec hbl5e0b nc -l 9000 &"


def test_a_groups_text_fed_to_commands_is_still_renamed() -> None:
    """What a group hands to a program that reads names (ip -batch) is names, as before."""
    doc = (
        "name: m\nsetup:\n  - line: ip link add veth0 type veth peer name veth1\n"
        "  - action: raw\n    shell: true\n"
        "    command: '{ echo \"link set veth0 up\"; } | ip -batch -'\n"
        "  - action: raw\n    shell: true\n"
        "    command: '{ echo \"hi veth0\"; sleep 1; } | nc -q 1 10.0.0.2 9000'\n"
    )
    lines = [
        pc.command.text for pc in build(load_text(doc, "m.yaml"), prefix="hbl1", lenient=True).setup
    ]
    assert lines[1] == '{ echo "link set hbl1veth0 up"; } | ip -batch -'
    assert lines[2] == '{ echo "hi veth0"; sleep 1; } | nc -q 1 10.0.0.2 9000'


def test_a_veth_peer_in_netns_1_is_in_the_root_namespace() -> None:
    """#2: ``ip link add veth0 type veth peer name veth0 netns 1`` (stored-pages-4/bc-p05: a
    page run inside an anonymous namespace, pid 1's being "outside") was a raw step: check
    said OK and iplab could not undo it; run from the root namespace, both ends are veth0
    there and the kernel refuses. ``netns 1`` from the root namespace is that namespace:
    check says the names clash, and why."""
    page = FIXTURES / "stored-pages-4" / "bc-p05-sobrelinux-pt-netns-1.md"
    _, sc = pages.imported(page)
    with pytest.raises(ModelError, match=r"cannot both be named veth0 .*'netns 1' is the"):
        build(sc)
    doc = "name: m\nsetup:\n  - line: ip link add veth0 type veth peer name veth1 netns 1\n"
    plan = build(load_text(doc, "m.yaml"), prefix="hbl1")
    assert (
        plan.setup[0].command.text == "ip link add hbl1veth0 type veth peer name hbl1veth1 netns 1"
    )
    undo = [u.undo.op for u in plan.setup[0].undo]
    assert len(undo) == 1 and isinstance(undo[0], LinkDel) and undo[0].dev == "hbl1veth0"
