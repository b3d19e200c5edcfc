"""Connectivity on real namespaces: addresses, routes, lo, probes, and their undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kernel import iplab, snapshot

pytestmark = pytest.mark.kernel
TRY_IT = "container-networking-part2-try-it"


def test_try_it_yourself_passes_every_claim(prefix: str, state_dir: Path) -> None:
    before = snapshot(prefix)
    result = iplab("run", TRY_IT, "--prefix", prefix, state=state_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"    PASS {prefix}ns1 cannot reach 10.0.0.2\n" in result.stdout
    assert f"    PASS {prefix}ns1 reaches 10.0.0.2\n" in result.stdout
    assert f"    PASS {prefix}ns2 reaches 10.0.0.1\n" in result.stdout
    assert result.stdout.endswith("OK: 32 commands, 14/14 claims hold\n")
    assert snapshot(prefix) == before


def test_a_false_reachability_claim_fails_and_the_lab_is_still_cleaned(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    scenario = tmp_path / "lonely.yaml"
    scenario.write_text(
        """
name: lonely
setup:
  - {action: netns add, name: a}
  - {action: netns add, name: b}
  - {action: link add, name: va, netns: a, type: veth, peer: vb, peer_netns: b}
  - {action: link set, in: a, dev: va, state: up}
  - {action: link set, in: b, dev: vb, state: up}
  - {action: addr add, in: a, address: 10.9.0.1/24, dev: va}
  - {action: addr add, in: b, address: 10.9.1.1/24, dev: vb}
  - {action: probe, in: a, target: 10.9.1.1, wait: 1, reachable: true}
teardown:
  - {action: netns del, name: a}
  - {action: netns del, name: b}
"""
    )
    before = snapshot(prefix)
    result = iplab("run", str(scenario), "--prefix", prefix, state=state_dir)
    assert result.returncode == 1
    assert f"    FAIL {prefix}a reaches 10.9.1.1: ping exited" in result.stdout
    assert snapshot(prefix) == before


def test_addresses_routes_and_lo_are_undone_by_the_journal(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    scenario = tmp_path / "routed.yaml"
    scenario.write_text(
        """
name: routed
setup:
  - {action: netns add, name: a}
  - {action: link add, name: va, netns: a, type: veth, peer: pa}
  - {action: link set, in: a, dev: lo, state: up}
  - {action: link set, in: a, in_form: -n, dev: va, state: up}
  - {action: addr add, in: a, in_form: -n, address: 10.8.0.2/24, dev: va}
  - {action: route add, in: a, via: 10.8.0.1}
  - action: route show
    in: a
    expect: [{in: a, link: lo, up: true}, {in: a, link: va, addresses: [10.8.0.2/24]}]
"""
    )
    before = snapshot(prefix)
    up = iplab("up", str(scenario), "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "default via 10.8.0.1 dev " in up.stdout  # the route show output, under the command
    down = iplab("down", f"{prefix}routed", "--exact", state=state_dir)
    assert down.returncode == 0, down.stderr
    undo = [line.strip() for line in down.stderr.splitlines() if line.strip().startswith("undo:")]
    assert undo[:3] == [
        f"undo: ip -n {prefix}a route del default via 10.8.0.1",
        f"undo: ip -n {prefix}a addr del 10.8.0.2/24 dev {prefix}va",
        f"undo: ip -n {prefix}a link set {prefix}va down",
    ]
    assert snapshot(prefix) == before
