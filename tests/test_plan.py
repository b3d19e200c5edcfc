"""Planning: prefix, sudo policy, undo commands, and render-before-run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from iplab import export, scenario
from iplab.errors import ScenarioError, UsageError
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import build, decide_sudo, load
from iplab.render import renderer
from iplab.steps import LinkShow, NetnsAdd, NetnsList
from tests.conftest import BLOG_SCENARIO, FIXTURES

Write = Callable[..., Path]


def test_prefix_renames_everything_the_scenario_creates() -> None:
    plan = build(scenario.load(str(BLOG_SCENARIO)), prefix="t9")
    text = export.text(plan).splitlines()
    assert text[0] == "sudo ip netns add t9ns1"
    assert "sudo ip link add t9vethX type veth peer name t9vethY" in text
    assert "sudo ip link set t9vethX netns t9ns1" in text
    assert "sudo ip link add name t9br0 type bridge" in text
    assert "sudo ip link set t9vethQ master t9br0" in text
    assert plan.owned.links == {f"t9{n}" for n in ("vethX", "vethY", "vethP", "vethQ", "br0")}
    assert plan.owned.netns == {"t9ns1", "t9ns2"}


def test_prefix_renames_claims_and_raw_words(write_scenario: Write) -> None:
    path = write_scenario(
        """
name: n
setup:
  - {action: netns add, name: ns1}
  - action: link show
    in: ns1
    expect: [{in: ns1, only: [lo]}]
  - {action: raw, command: "ip netns exec ns1 sysctl net.ipv4.ip_forward", observe: true}
  - {action: raw, command: "ls /run/netns/ns1x /run/netns/ns1", observe: true}
"""
    )
    plan = build(scenario.load(str(path)), prefix="p-")
    assert [pc.command.text for pc in plan.setup] == [
        "ip netns add p-ns1",
        "ip netns exec p-ns1 ip link",
        "ip netns exec p-ns1 sysctl net.ipv4.ip_forward",
        "ls /run/netns/ns1x /run/netns/p-ns1",
    ]
    step = plan.setup[1].command.step
    assert step is not None and step.expect[0].ns == "p-ns1"  # type: ignore[attr-defined]


def test_prefix_renames_an_address_label_with_its_link() -> None:
    """Hunt W: ``addr add ... dev k0 label k0:1`` was refused with --prefix (the line's
    words renamed the label, the op's fields did not); the kernel wants the label to begin
    with the link's name, so it is renamed with it."""
    path = FIXTURES / "import" / "link-knobs.sh"
    text = path.read_text(encoding="utf-8")
    imported = import_text(text, detect_kind(path.name, text), path.name)
    sc = scenario.load_text(imported.yaml, "link-knobs.yaml")
    lines = [pc.command.text for pc in build(sc, prefix="huW5").setup]
    assert "sudo ip -n huW5knobs addr add 192.168.78.1/24 dev huW5k0 label huW5k0:1" in lines
    assert "sudo ip -n huW5knobs addr flush dev huW5k0" in lines
    unprefixed = [pc.command.text for pc in build(sc).setup]
    assert [line.replace("huW5", "") for line in lines] == unprefixed


def test_prefix_that_makes_a_name_too_long_is_refused_before_running() -> None:
    with pytest.raises(ScenarioError, match="with --prefix 'toolongprefix': interface name"):
        build(scenario.load(str(BLOG_SCENARIO)), prefix="toolongprefix")


def test_unsafe_prefix_is_refused() -> None:
    with pytest.raises(UsageError, match="--prefix"):
        build(scenario.load(str(BLOG_SCENARIO)), prefix="-x")


def test_sudo_policy() -> None:
    add, lst, show, show_ns = (
        NetnsAdd(name="a"),
        NetnsList(),
        LinkShow(),
        LinkShow(ns="a"),
    )
    assert [decide_sudo("auto", None, op) for op in (add, lst, show, show_ns)] == [
        True,
        False,
        False,
        True,
    ]
    assert decide_sudo("never", None, add) is False
    assert decide_sudo("always", None, lst) is True
    assert decide_sudo("auto", False, add) is False
    assert decide_sudo("never", True, lst) is True


def test_every_state_change_has_its_undo_rendered() -> None:
    plan = build(scenario.load(str(BLOG_SCENARIO)))
    render = renderer(())
    undo = {
        pc.command.text: [render.command(u.undo.op, u.sudo).text for u in pc.undo]
        for pc in plan.setup
    }
    assert undo["sudo ip netns add ns1"] == ["sudo ip netns del ns1"]
    assert undo["sudo ip link add vethX type veth peer name vethY"] == ["sudo ip link del vethX"]
    assert undo["sudo ip link set vethX up"] == ["sudo ip link set vethX down"]
    assert undo["sudo ip link set vethX netns ns1"] == [
        "sudo ip -n ns1 link set vethX netns 1",
        "sudo ip link set vethX up",
    ]
    assert undo["sudo ip link set vethY master br0"] == ["sudo ip link set vethY nomaster"]
    assert undo["ip link"] == []
    assert all(pc.undo == () for pc in plan.teardown)


def test_nothing_is_rendered_when_a_late_step_is_invalid(write_scenario: Write) -> None:
    path = write_scenario(
        """
name: n
setup:
  - {action: netns add, name: ns1}
  - {action: link del, dev: nothere}
"""
    )
    with pytest.raises(ScenarioError, match="setup\\[1\\]: link nothere does not exist"):
        build(scenario.load(str(path)))


THREADS = Path(__file__).parent / "fixtures" / "threads"


def test_a_step_that_makes_again_a_veth_a_deleted_namespace_took_waits_for_the_old_one() -> None:
    """Hunt X: a thread's UPDATE deletes the namespace and starts over; ``ip netns del``
    returns before the kernel destroys the old veth0 (the peer of the namespace's ceth0),
    so ``ip link add veth0 ...`` right after it met "File exists" in the batch."""
    from iplab.batch import segments

    page = THREADS / "redone-from-scratch.md"
    text = page.read_text()
    result = import_text(text, detect_kind(str(page), text), page.name)
    plan = build(scenario.load_text(result.yaml, "thread.yaml"), prefix="t7")
    waiting = [(pc.command.text, pc.waits_for) for pc in plan.commands if pc.waits_for]
    assert waiting == [
        ("sudo ip link add t7veth0 type veth peer name t7ceth0 netns t7web", (("", "t7veth0"),))
    ]
    groups = segments(plan.setup, True)
    assert any(g[0].waits_for for g in groups)  # it starts a batch of its own
    # a lab torn down namespace by namespace makes nothing again: no wait, one batch
    star = load("star-500", ("n=20",), prefix="t7")
    assert not any(pc.waits_for for pc in star.commands)
    assert len(segments(star.teardown, True)) == 1


def test_prefix_renames_the_peer_of_a_veth_kept_as_written() -> None:
    """Hunt Z: ``ip link add v0 address A type veth peer name v1 address B`` kept as written:
    ``--prefix`` renamed v0, not its peer (left in the root namespace with no prefix)."""
    text = (
        "name: t\nsetup:\n  - action: raw\n    command: ip link add v0 address 02:00:00:00:07:01"
        " type veth peer name v1 address 02:00:00:00:07:02\n  - line: ip link set v1 up\n"
    )
    plan = build(scenario.load_text(text, "t.yaml"), prefix="t3")
    assert export.text(plan).splitlines() == [
        "ip link add t3v0 address 02:00:00:00:07:01 type veth peer name t3v1 address"
        " 02:00:00:00:07:02",
        "ip link set t3v1 up",
    ]
    assert plan.owned.links == {"t3v0", "t3v1"}
