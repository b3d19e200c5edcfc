"""Macvlan, ipvlan, vlan and vxlan labs as hunt F wrote them: what the model knows of a
link that sits on another (its lower device)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario, verify
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.model import ModelError
from iplab.plan import build
from iplab.state import after
from iplab.words import fdb_writes
from tests.conftest import REPO

OVERLAY = REPO / "tests" / "fixtures" / "overlay"


def imported(name: str, text: str | None = None) -> ImportResult:
    path = OVERLAY / name
    text = path.read_text(encoding="utf-8") if text is None else text
    rel = str(Path(path).relative_to(REPO))
    return import_text(text, detect_kind(rel, text), rel)


def _refused(result: ImportResult, match: str) -> ModelError:
    with pytest.raises(ModelError, match=match) as caught:
        build(scenario.load_text(result.yaml, f"{result.name}.yaml"))
    return caught.value


def test_deleting_a_macvlans_parent_deletes_the_macvlan() -> None:
    """Hunt F: the script deletes the macvlan's parent first, then the macvlan (moved to
    another namespace). ``check`` said OK; the run's teardown step 2 failed ``Cannot find
    device "macvlan-a"`` (bash fails the same): the kernel deletes a macvlan with its
    parent. The model now knows it, as it knows a veth's peer goes with it."""
    error = _refused(imported("09-macvlan-teardown-order.sh"), "link macvlan-a does not exist")
    assert error.loc is not None and error.loc.field == "teardown[1]"


def test_a_macvlans_parent_in_another_namespace_is_refused() -> None:
    """Hunt F: ``ip -n n2 link add mvx link veth1 type macvlan`` where veth1 is in n1:
    ``check`` said OK, the run failed ``Cannot find device "veth1"``."""
    error = _refused(imported("10-typo-lower.txt"), "link veth1, which mvx is to sit on, is in")
    assert error.loc is not None and error.loc.field == "setup[3]"


def test_a_vxlans_dev_no_step_made_is_refused() -> None:
    """Hunt F: a vxlan's ``dev veth9``, which no step made: ``check`` said OK, the run
    failed ``Cannot find device "veth9"`` (the macvlan line left out: it is refused first)."""
    text = (OVERLAY / "10-typo-lower.txt").read_text(encoding="utf-8")
    text = "".join(line for line in text.splitlines(True) if " mvx " not in line)
    error = _refused(imported("10-typo-lower.txt", text), "link veth9, which vxlan7 is to sit")
    assert "does not exist in namespace n1" in str(error)


def _verdict(name: str) -> str:
    result = imported(name)
    sc = scenario.load_text(result.yaml, f"{result.name}.yaml")
    return verify.verdict(after(sc.steps, len(sc.setup)))


def test_verify_compares_a_vxlans_settings() -> None:
    """Hunt F: the vxlan's id, remote and dstport changed by hand, verify said OK and no
    more; the OK then said it did not compare them. Hunt CV: it compares them (by design:
    tests/test_hunt_cv_vxlan.py), and says nothing of them."""
    said = _verdict("01-vxlan-two-hosts.md")
    assert said == "the kernel holds what the scenario promised (4 namespaces, 14 links)", said


def test_verify_says_it_does_not_compare_fdb_entries() -> None:
    """Hunt F: an fdb entry the session appended (``ip netns exec h1 bridge fdb append``,
    ``bridge -n h1 fdb del``) deleted by hand: verify said OK. The OK now says it."""
    said = _verdict("03-vxlan-nolearning-session.txt")
    assert said.endswith("; fdb entries of h1, h2 not compared)"), said


def test_verify_compares_a_macvlans_mode() -> None:
    """Hunt F: a macvlan's mode changed by hand (``type macvlan mode private``): OK; then
    said not compared; compared since (hunt CN: tests/test_hunt_cn_link_settings.py)."""
    said = _verdict("04-macvlan-modes.md")
    assert "modes of" not in said and "not compared" not in said, said


@pytest.mark.parametrize(
    ("command", "where"),
    [
        ("bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 192.168.1.2", [None]),
        ("bridge -n h1 fdb del 00:00:00:00:00:00 dev vxlan0 dst 192.168.1.3", ["h1"]),
        ("ip netns exec h2 bridge fdb add 00:00:00:00:00:00 dev vx dst 10.0.0.1", ["h2"]),
        ("bridge -n h1 fdb sh dev vxlan0", []),
        ("bridge fdb", []),
        ("bridge vlan add vid 10 dev p1", []),
    ],
)
def test_fdb_writes(command: str, where: list[str | None]) -> None:
    assert fdb_writes(command) == where
