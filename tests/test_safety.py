"""Hunt F (safety): a lab builds links on a link of its own, never on the host's."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.model import ModelError
from iplab.plan import build
from tests.conftest import REPO

SAFETY = REPO / "tests" / "fixtures" / "safety"


@pytest.mark.parametrize(
    ("page", "made"), [("05-macvlan-host-eth0.md", "mv1"), ("12-vxlan-on-host-eth0.md", "vxlan0")]
)
def test_a_link_made_on_a_link_of_the_host_is_refused(page: str, made: str) -> None:
    """Hunt F: ``ip link add mv1 link eth0 type macvlan mode bridge`` and ``ip link add
    vxlan0 type vxlan id 100 ... dev eth0``: check said OK, and a run would have hung
    macvlans and a VXLAN socket off the host's NIC. A lower device (``link X``, a vxlan's
    ``dev X``) is a link the model checks: one the lab did not make is refused, as ``ip
    addr add ... dev eth0`` is, with a hint."""
    text = (SAFETY / page).read_text(encoding="utf-8")
    result = import_text(text, "markdown", page)
    with pytest.raises(ModelError) as refused:
        build(scenario.load_text(result.yaml, "lab.yaml"))
    said = str(refused.value)
    assert f"{made} is made on link eth0 (its lower device)" in said, said
    assert "a link the host has, such as eth0, is not the lab's" in said
    assert "give the lab a link of its own as the lower device" in said


@pytest.mark.parametrize(
    "line",
    [
        "ip link add m1 link b0 type macvlan mode bridge",
        "ip link add v1 type vxlan id 7 dstport 4789 dev b0",
        "ip link add link b0 name b0.10 type vlan id 10",
    ],
)
def test_a_link_made_on_a_link_of_the_lab_is_not(line: str) -> None:
    result = import_text(f"ip link add b0 type bridge\n{line}\n", "shell", "s.sh")
    build(scenario.load_text(result.yaml, "lab.yaml"))


def test_the_names_echo_hands_to_a_deletion_are_renamed() -> None:
    """Hunt P (05b): with ``--prefix hP`` the lab makes hPred and hPblue, and the page's
    cleanup ``echo red blue | sudo xargs -n1 ip netns del`` deleted the host's own red and
    blue when what echo says was left as written (a rule meant to keep an echo's prose
    intact: hunt M's cosmetic #8, taken back). Every word naming an object of the lab is
    renamed, what echo says too."""
    page = "p05b-echo-teardown-only.md"
    result = import_text((SAFETY / page).read_text(encoding="utf-8"), "markdown", page)
    plan = build(scenario.load_text(result.yaml, "lab.yaml"), prefix="hP")
    cleanup = [pc.command.text for pc in plan.teardown]
    assert cleanup == ["echo hPred hPblue | sudo xargs -n1 ip netns del"], cleanup
