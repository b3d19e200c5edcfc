"""Hunt V's IPv6 and policy-routing labs, as verify holds the kernel to them: what its OK
says it did not compare (rules, packet filters), and the route types it does compare."""

from __future__ import annotations

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import Plan, build, expected_state
from iplab.state import State
from iplab.verify import verdict
from tests.conftest import REPO

PAGES = REPO / "tests" / "fixtures" / "ipv6-pbr"


def _planned(name: str) -> tuple[Plan, State, State]:
    """The page's lab: its plan, the state it promises, and a copy to change by hand."""
    path = PAGES / name
    text = path.read_text(encoding="utf-8")
    rel = str(path.relative_to(REPO))
    result = import_text(text, detect_kind(rel, text), rel)
    plan = build(scenario.load_text(result.yaml, f"{result.name}.yaml"))
    expected = expected_state(plan)
    return plan, expected, expected.copy()


def test_ok_says_the_rules_of_a_namespace_are_not_compared() -> None:
    """Hunt V: ``ip -n gw rule add from 10.0.1.0/24 table isp2 priority 1000``; the rule
    deleted by hand, verify said OK naming only gw's sysctls as not compared."""
    _, expected, _ = _planned("02b-pbr-stackexchange-renamed.md")
    assert verdict(expected).endswith("; ip rules, sysctls of gw not compared)")


def test_ok_says_the_packet_filter_rules_of_a_namespace_are_not_compared() -> None:
    """Hunt V: fwmark rules (``ip rule add fwmark 0x1 lookup 200``, ``ip -6 rule add``)
    and a mangle rule (``iptables -t mangle -A PREROUTING ... -j MARK``) deleted by hand:
    verify said OK. Listing the rules (``iptables -t mangle -L``) sets nothing."""
    _, expected, _ = _planned("06-fwmark-blog.md")
    said = verdict(expected)
    assert said.endswith("; ip rules, iptables rules, sysctls of rt not compared)"), said


def test_ok_does_not_say_route_types_are_not_compared() -> None:
    """Hunt V: ``ip -n alpha -6 r a blackhole ...`` and ``... unreachable ...``: the OK said
    "route type of alpha not compared", though a blackhole swapped for prohibit is found
    (:mod:`iplab.routes`). Its ``ip ru a`` rules are what it does not compare."""
    _, expected, _ = _planned("05b-dualstack-handout-rootprompt.txt")
    said = verdict(expected)
    assert "route type" not in said
    assert said.endswith("; ip rules of alpha not compared)"), said
    _, vrf, _ = _planned("09-vrf-lite-lab.sh")
    assert "route type" not in verdict(vrf)
