"""Hunt V's IPv6 and policy-routing labs, as verify holds the kernel to them: what its OK
says it did not compare (rules, packet filters), the route types it does compare, an
address the kernel holds as ``dadfailed``, and ``check``'s warning of the same address on
both ends of a veth."""

from __future__ import annotations

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import Plan, build, expected_state
from iplab.state import State
from iplab.verify import diff, verdict
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
    deleted by hand, verify said OK naming only gw's sysctls as not compared. Hunt CV: the
    rule is compared (by design: tests/test_hunt_cv_rules.py), and counted."""
    _, expected, _ = _planned("02b-pbr-stackexchange-renamed.md")
    # (gw's ip_forward is compared since, iplab/sysctlcheck.py: counted, not said)
    assert verdict(expected).endswith(", 1 sysctl, 1 rule)")


def test_ok_says_the_packet_filter_rules_of_a_namespace_are_not_compared() -> None:
    """Hunt V: fwmark rules (``ip rule add fwmark 0x1 lookup 200``, ``ip -6 rule add``)
    and a mangle rule (``iptables -t mangle -A PREROUTING ... -j MARK``) deleted by hand:
    verify said OK. Listing the rules (``iptables -t mangle -L``) sets nothing. Hunt CV:
    the ip rules are compared (by design: tests/test_hunt_cv_rules.py), and counted."""
    _, expected, _ = _planned("06-fwmark-blog.md")
    said = verdict(expected)
    assert said.endswith(", 2 sysctls, 2 rules; iptables rules of rt not compared)"), said


def test_ok_does_not_say_route_types_are_not_compared() -> None:
    """Hunt V: ``ip -n alpha -6 r a blackhole ...`` and ``... unreachable ...``: the OK said
    "route type of alpha not compared", though a blackhole swapped for prohibit is found
    (:mod:`iplab.routes`). Its ``ip ru a`` rules were what it did not compare; hunt CV
    compares them (by design: tests/test_hunt_cv_rules.py)."""
    _, expected, _ = _planned("05b-dualstack-handout-rootprompt.txt")
    said = verdict(expected)
    assert "route type" not in said
    assert said.endswith("(2 namespaces, 4 links, 2 rules)"), said
    _, vrf, _ = _planned("09-vrf-lite-lab.sh")
    assert "route type" not in verdict(vrf)


def test_an_address_the_kernel_holds_as_dadfailed_is_a_difference() -> None:
    """Hunt V: both ends of a veth were given 2001:db8:77::1/64; the kernel held v2's as
    ``dadfailed tentative`` (the probe failed), and verify said OK. An address still
    tentative (Duplicate Address Detection runs, or waits for a carrier) is no difference."""
    plan, expected, live = _planned("10b-dad-duplicate-forum-dev.md")
    v2 = live.namespaces["n2"].links["v2"]
    v2.dad = {"2001:db8:77::1/64": "tentative"}
    assert diff(expected, live, plan.owned) == []
    v2.dad = {"2001:db8:77::1/64": "dadfailed"}
    assert [str(d) for d in diff(expected, live, plan.owned)] == [
        "v2@n2.dad: expected 2001:db8:77::1/64 usable,"
        " found 2001:db8:77::1/64 dadfailed (another link holds it)"
    ]


def test_check_warns_of_one_address_on_both_ends_of_a_veth() -> None:
    """Hunt V: ``check`` said nothing of the same address given to both ends of one veth;
    it warns now, at the step that gave it the second time."""
    plan, _, _ = _planned("10b-dad-duplicate-forum-dev.md")
    said = [str(w) for w in plan.warnings]
    assert len(said) == 1, said
    assert said[0].startswith(
        "10b-dad-duplicate-forum-dev.yaml:36: setup[6]: address 2001:db8:77::1 is given to"
        " v1@n1 and v2@n2, which are on one layer-2 segment"
    ), said
    assert "Duplicate Address Detection fails" in said[0]


def test_check_warns_of_one_address_on_two_ports_of_a_bridge_only() -> None:
    """Hunt V's warning, for one segment made of a bridge and its ports' veths: the same
    address on two namespaces of one bridge warns; on two veths of their own, it does not
    (one network address on two wires is a lab's habit, not a slip)."""
    lab = """name: t
setup:
  - line: ip netns add a
  - line: ip netns add b
  - line: ip link add br0 type bridge
  - line: ip link add va netns a type veth peer name pa
  - line: ip link add vb netns b type veth peer name pb
  - line: ip link set pa master br0
  - line: ip link set pb master br0
  - line: ip -n a addr add 10.9.0.1/24 dev va
  - line: ip -n b addr add 10.9.0.1/24 dev vb
"""
    plan = build(scenario.load_text(lab, "t.yaml"))
    assert [str(w).split(", which")[0] for w in plan.warnings] == [
        "t.yaml:11: setup[8]: address 10.9.0.1 is given to va@a and vb@b"
    ]
    apart = lab.replace("  - line: ip link set pb master br0\n", "")
    assert build(scenario.load_text(apart, "t.yaml")).warnings == ()
