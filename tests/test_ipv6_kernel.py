"""IPv6 labs run as their pages show them (hunt A): run against the real kernel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import iplab as api
from iplab import lab
from tests.conftest import REPO
from tests.kernel import iplab

pytestmark = pytest.mark.kernel

IPV6 = REPO / "tests" / "fixtures" / "ipv6"


def _imported(tmp_path: Path, state_dir: Path, name: str) -> Path:
    """A page of tests/fixtures/ipv6 imported as a user does, into a scenario file."""
    scenario = tmp_path / "lab.yaml"
    made = iplab("import", str(IPV6 / name), "-o", str(scenario), state=state_dir)
    assert scenario.exists(), made.stderr
    return scenario


def _waits(state_dir: Path) -> list[str]:
    lines = (state_dir / "audit.jsonl").read_text().splitlines()
    return [json.loads(line)["text"] for line in lines if '"kind":"wait"' in line]


def test_an_ipv6_probe_waits_for_duplicate_address_detection(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt A: the page's pings answer, but ``iplab run`` pinged within a second of the
    addresses, while DAD still held them tentative: both probes FAILed with ``ping6:
    connect: Cannot assign requested address``. A probe now waits (bounded, one audited
    wait record) until its namespace and its target's hold no tentative address."""
    scenario = _imported(tmp_path, state_dir, "07-ula-lab.md")
    run = iplab("run", str(scenario), "--prefix", prefix, state=state_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Cannot assign requested address" not in run.stdout
    assert run.stdout.count("    PASS ") == 2
    waits = [w for w in _waits(state_dir) if "duplicate address detection" in w]
    assert len(waits) == 2 and all(w.endswith("all addresses usable") for w in waits)
    assert f"{prefix}n1, {prefix}n2" in waits[0]


def test_a_probe_dad_still_holds_back_says_so(
    prefix: str, state_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt A: when a probe still fails with "Cannot assign requested address" (here: no
    wait at all), the FAIL line is followed by what DAD holds back, and the way out."""
    scenario = _imported(tmp_path, state_dir, "07-ula-lab.md")
    monkeypatch.setattr(lab, "DAD_WAIT", 0.0)
    with pytest.raises(api.LabError) as failed:
        api.up(scenario, state_dir=state_dir, prefix=prefix)
    said = str(failed.value)
    assert "Cannot assign requested address" in said
    held = f"hint: duplicate address detection holds back fd12:3456:789a:1::1/64 on {prefix}veth1"
    assert held in said, said
    assert "(tentative)" in said and "'nodad'" in said


def test_a_router_lab_pinged_both_ways_passes(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    """Hunt A: 02-ipv6-router.sh pings both ways, ``ping -6 -c 3`` then ``ping -c 3 -6``;
    the first was a probe that FAILed (DAD still running), the second a command whose
    failure rolled the run back. Both are probes, and both pass after the wait for DAD."""
    scenario = _imported(tmp_path, state_dir, "02-ipv6-router.sh")
    run = iplab("run", str(scenario), "--prefix", prefix, state=state_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"    PASS {prefix}h1 reaches fd00:2::10" in run.stdout
    assert f"    PASS {prefix}h2 reaches fd00:1::10" in run.stdout
    assert f"ip netns exec {prefix}h2 ping -c 3 -6 fd00:1::10" in run.stdout


def test_keep_addr_on_down_verifies_ok(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    """Hunt A: after ``sysctl -w net.ipv6.conf.pc2-e0.keep_addr_on_down=1`` and the link
    down and up, the kernel keeps pc2's IPv6 address; verify said DIFF (the model had
    dropped it). The run verifies OK now."""
    scenario = _imported(tmp_path, state_dir, "04-dualstack-bridge.md")
    run = iplab("run", str(scenario), "--prefix", prefix, state=state_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "DIFF" not in run.stdout
    assert "verify: the kernel holds what the scenario promised" in run.stdout
