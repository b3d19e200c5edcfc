"""Hunt Z's overlay labs, as verify holds the kernel to them: the settings a raw ``ip link
add`` makes a link with (its mtu and address), and what verify does not compare of a tap."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.expectation import expectation
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.plan import Plan, build, expected_state
from iplab.state import State
from iplab.verify import diff, verdict
from tests.conftest import REPO

PAGES = REPO / "tests" / "fixtures" / "overlays-formats"


def _imported(name: str) -> ImportResult:
    path = PAGES / name
    text = path.read_text(encoding="utf-8")
    rel = str(path.relative_to(REPO))
    return import_text(text, detect_kind(rel, text), rel)


def _planned(name: str) -> tuple[Plan, State, State]:
    """The page's lab: its plan, the state it promises, and a copy to change by hand."""
    result = _imported(name)
    plan = build(scenario.load_text(result.yaml, f"{result.name}.yaml"))
    expected = expected_state(plan)
    return plan, expected, expected.copy()


def test_a_vxlans_mtu_and_address_set_in_link_add_are_compared() -> None:
    """Hunt Z: ``ip -n hv1 link add vx100 mtu 1450 type vxlan ...`` and hv3's ``...
    address 02:00:0a:00:00:03 type vxlan ...`` are raw steps that say what they create;
    the model kept neither setting, so with hv1's mtu set to 1400 and hv3's MAC changed
    by hand verify said OK."""
    plan, expected, live = _planned("z4-vxlan-multicast.rst")
    assert expected.namespaces["hv1"].links["vx100"].mtu == 1450
    assert expected.namespaces["hv3"].links["vx100"].mac == "02:00:0a:00:00:03"
    live.namespaces["hv3"].links["vx100"].mac = "02:00:0A:00:00:03"  # (as ip may print it)
    assert diff(expected, live, plan.owned) == []
    live.namespaces["hv1"].links["vx100"].mtu = 1400
    live.namespaces["hv3"].links["vx100"].mac = "02:00:0a:00:00:33"
    assert [str(d) for d in diff(expected, live, plan.owned)] == [
        "vx100@hv1.mtu: expected 1450, found 1400",
        "vx100@hv3.address: expected 02:00:0a:00:00:03, found 02:00:0a:00:00:33",
    ]


def test_a_veths_and_its_peers_settings_in_a_raw_link_add_are_compared() -> None:
    """Hunt Z: ``ip link add v0 mtu 9000 address 02:11:11:11:11:11 type veth peer name v1
    mtu 9000`` (raw: the peer has settings of its own) made links the model held with no
    mtu and no MAC; a bridge's ``mtu 1400`` in its (typed) ``link add`` was held."""
    plan, expected, live = _planned("z14-linkadd-mtu-address.sh")
    v0, v1 = expected.namespaces["a"].links["v0"], expected.namespaces[""].links["v1"]
    assert (v0.mtu, v0.mac, v1.mtu, v1.mac) == (9000, "02:11:11:11:11:11", 9000, None)
    assert expected.namespaces[""].links["br9"].mtu == 1400
    live.namespaces[""].links["v1"].mtu = 1500
    assert [str(d) for d in diff(expected, live, plan.owned)] == [
        "v1@root.mtu: expected 9000, found 1500"
    ]


def test_verify_of_a_lab_expects_what_ups_own_verify_expects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt Z: ``up`` verifies against the plan's model, ``verify`` against the kept
    expectation of the scenario file: both hold the vxlan's mtu and MAC."""
    monkeypatch.setenv("IPLAB_NO_CACHE", "1")
    result = _imported("z4-vxlan-multicast.rst")
    path = tmp_path / "z4.yaml"
    path.write_text(result.yaml, encoding="utf-8")
    planned = expected_state(build(scenario.load_text(result.yaml, str(path)), prefix="hZ"))
    kept = expectation(str(path), (), "hZ").state
    for state in (planned, kept):
        assert state.namespaces["hZhv1"].links["hZvx100"].mtu == 1450
        assert state.namespaces["hZhv3"].links["hZvx100"].mac == "02:00:0a:00:00:03"
    assert kept.to_json() == planned.to_json()


def test_ok_says_a_taps_mode_and_owner_are_not_compared() -> None:
    """Hunt Z: with tap0 made again without ``user nobody``, verify said OK naming only the
    bridge's alias as not compared; a tap's mode and owner are not compared either, and
    the OK now says so."""
    _, expected, _ = _planned("z3-tap-bridge.adoc")
    assert "; tun/tap modes and owners (user, group) of tap0@hv, tap1@hv not compared" in (
        verdict(expected)
    )
