"""Testing network software against a throwaway lab: two hosts, then a firewall between them.

Each test gets its own lab (namespaces named with a prefix of its own), taken down
afterwards even when the test fails; the tests are skipped without root or `sudo -n`.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import iplab

SCENARIO = "two-hosts.yaml"  # next to this file
A, B = "10.99.0.1", "10.99.0.2"


def reaches(lab: iplab.Lab, ns: str, address: str) -> bool:
    return lab.exec(ns, "ping", "-c", "1", "-W", "1", address).ok


def test_the_two_hosts_reach_each_other(iplab_lab: Callable[..., iplab.Lab]) -> None:
    lab = iplab_lab(SCENARIO)
    assert reaches(lab, "a", B)
    assert reaches(lab, "b", A)


def test_a_firewall_rule_makes_them_unreachable(iplab_lab: Callable[..., iplab.Lab]) -> None:
    lab = iplab_lab(SCENARIO)
    assert reaches(lab, "a", B)
    # the "firewall": b refuses to route anything to a (its replies included)
    lab.exec("b", "ip", "rule", "add", "to", A, "prohibit", check=True)
    assert not reaches(lab, "a", B)
    assert not reaches(lab, "b", A)
    lab.exec("b", "ip", "rule", "del", "to", A, "prohibit", check=True)
    assert reaches(lab, "a", B)


@pytest.mark.iplab(SCENARIO, scope="module")
def test_the_lab_is_what_the_scenario_promises(lab: iplab.Lab) -> None:
    assert lab.verify() == []
    va = lab.state().namespaces[lab.netns("a")].links[f"{lab.prefix}va"]
    assert (va.kind, va.up, va.peer) == ("veth", True, f"{lab.prefix}vb")
    assert "10.99.0.1/24" in va.addresses


@pytest.mark.iplab(SCENARIO, scope="module")
def test_the_module_shares_one_lab(lab: iplab.Lab) -> None:
    assert [other.name for other in iplab.labs(lab.state_dir)].count(lab.name) == 1
    assert reaches(lab, "b", A)
