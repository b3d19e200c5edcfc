"""Hunt DI: verify says what was added by hand: routes and rules in the lab's namespaces.

Before, ``iplab verify`` reported links nobody asked for in a lab's namespaces
(``extra-links``), but a route (``ip -n NS route add 10.7.0.0/24 via ...``) or a policy
rule (``ip -n NS rule add ...``) a learner added after ``up`` passed with an OK. Now each is
a difference (``extra-route``, ``extra-rule``), in the lab's namespaces the model is sure
of only: not what the kernel adds by itself (an address's subnet, IPv6 link-local,
the local table, multicast, the rules a namespace starts with), not after a step of
unknown effect, never in the root namespace. Read with the promised routes and rules, in
one process (:mod:`iplab.extras`). The reads are real ``ip -j`` output
(tests/fixtures/capture_extras.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from iplab import extras, jsonout, routes, rules
from iplab.plan import build, expected_state
from iplab.scenario import load
from iplab.state import State
from iplab.verify import DifferenceKind as Kind
from tests.kernel import apart

READ = (Path(__file__).parent / "fixtures" / "extras" / "read.txt").read_text()
A, B = "dixcapA", "dixcapB"

#: the lab the capture's namespaces hold (what its steps add; the rest was added by hand)
LAB = f"""name: r
setup:
  - line: ip netns add {A}
  - line: ip netns add {B}
  - line: ip link add dxva netns {A} type veth peer name dxvb netns {B}
  - line: ip -n {A} addr add 10.9.0.1/24 dev dxva
  - line: ip -n {A} addr add 2001:db8:9::1/64 dev dxva nodad
  - line: ip -n {A} link set dxva up
  - line: ip -n {A} link set lo up
  - line: ip -n {B} addr add 10.9.0.2/24 dev dxvb
  - line: ip -n {B} addr add 2001:db8:9::2/64 dev dxvb nodad
  - line: ip -n {B} link set dxvb up
  - line: ip -n {B} link set lo up
  - line: ip -n {A} route add 10.8.0.0/24 via 10.9.0.2
  - action: raw
    command: ip -n {A} rule add pref 100 from 10.1.0.0/24 lookup 100
  - line: ip -n {A} route add default via 10.9.0.2 table 100
"""
NUMBERS = {"main": "254", "local": "255", "default": "253"}


def _expected(tmp_path: Path, more: str = "") -> State:
    lab = tmp_path / "lab.yaml"
    lab.write_text(LAB + more)
    return expected_state(build(load(str(lab))))


def _extras(expected: State) -> list[str]:
    found_routes, found_rules = extras.parse(READ)
    out = extras.extra_routes(expected, found_routes)
    out += extras.extra_rules(expected, found_rules, NUMBERS)
    return [f"{d.kind.value} {d}" for d in out]


def test_routes_and_rules_added_by_hand_are_differences(tmp_path: Path) -> None:
    expected = _expected(tmp_path)
    assert _extras(expected) == [
        f"extra-route route 10.7.0.0/24@{A}.exists: expected none, found 10.7.0.0/24 via"
        " 10.9.0.2 dev dxva",
        f"extra-route route 2001:db8:7::/64@{A}.exists: expected none, found 2001:db8:7::/64"
        " via 2001:db8:9::2 dev dxva metric 1024",
        f"extra-rule rule pref 99 from 10.2.0.0/24 lookup 200@{A}.exists: expected none,"
        " found pref 99 from 10.2.0.0/24 lookup 200",
        f"extra-rule rule pref 300 to 2001:db8:7::/64 lookup 300@{A}.exists: expected none,"
        " found pref 300 to 2001:db8:7::/64 lookup 300 (IPv6)",
    ]
    # what the lab promised is there: no missing route or rule from the same read
    assert routes.differences(expected, expected, routes.parse_routes(READ)) == []
    assert rules.differences(expected, expected, rules.parse_rules(READ), NUMBERS) == []


def test_the_steps_that_add_them_make_them_expected(tmp_path: Path) -> None:
    expected = _expected(
        tmp_path,
        f"  - line: ip -n {A} route add 10.7.0.0/24 via 10.9.0.2\n"
        f"  - line: ip -n {A} -6 route add 2001:db8:7::/64 via 2001:db8:9::2 proto static\n"
        f"  - action: raw\n    command: ip -n {A} rule add from 10.2.0.0/24 lookup 200\n"
        f"  - action: raw\n    command: ip -n {A} -6 rule add pref 300 to 2001:db8:7::/64"
        " lookup 300\n",
    )
    assert _extras(expected) == []


def test_a_promised_route_or_rule_changed_by_hand_is_said_once(tmp_path: Path) -> None:
    # (its missing-route / rule difference names what took its place: not an extra too)
    expected = _expected(
        tmp_path,
        f"  - line: ip -n {A} route add 10.7.0.0/24 via 10.9.0.2 metric 5\n"
        f"  - action: raw\n    command: ip -n {A} rule add pref 99 from 10.2.0.0/24 lookup 201\n",
    )
    assert [d for d in _extras(expected) if "10.7.0.0" in d or "10.2.0.0" in d] == []
    (route,) = routes.differences(expected, expected, routes.parse_routes(READ))
    assert route.found == "10.7.0.0/24 via 10.9.0.2 dev dxva"
    (rule,) = rules.differences(expected, expected, rules.parse_rules(READ), NUMBERS)
    assert rule.found == "pref 99 from 10.2.0.0/24 lookup 200"


def test_no_false_alarm_after_a_step_of_unknown_effect(tmp_path: Path) -> None:
    expected = _expected(tmp_path, "  - action: raw\n    command: ./setup-routes.sh\n")
    assert expected.opaque and extras.watched(expected) == []
    assert _extras(expected) == []
    inside = f"  - action: raw\n    command: ip netns exec {A} ./setup-routes.sh\n"
    expected = _expected(tmp_path, inside)  # (the namespace it ran in is not known: skipped)
    assert extras.watched(expected) == [B]
    assert _extras(expected) == []


def test_a_rule_line_it_cannot_read_leaves_every_namespaces_rules_alone(tmp_path: Path) -> None:
    # (before the line, no step touched dixcapA's rules: those it holds may be the line's)
    ruled = f"  - action: raw\n    command: ip -n {A} rule add pref 100 from 10.1.0.0/24"
    unread = f"  - action: raw\n    command: ip -n {B} rule add from $NET lookup 200\n"
    lab = tmp_path / "lab.yaml"
    lab.write_text(LAB.replace(ruled + " lookup 100\n", "") + unread + "    shell: true\n")
    expected = expected_state(build(load(str(lab))))
    assert not expected.opaque and A in extras.watched(expected)
    assert [d for d in _extras(expected) if d.startswith("extra-rule")] == []
    assert len([d for d in _extras(expected) if d.startswith("extra-route")]) == 2


def test_routes_it_does_not_follow_are_not_extras(tmp_path: Path) -> None:
    flush = f"  - action: raw\n    command: ip -n {A} route flush table 100 proto 4\n"
    expected = _expected(tmp_path, flush)
    assert not expected.namespaces[A].routes_known
    assert [d for d in _extras(expected) if d.startswith("extra-route")] == []


def test_the_root_and_other_namespaces_are_never_looked_at(tmp_path: Path) -> None:
    expected = _expected(tmp_path)
    assert sorted(extras.watched(expected)) == [A, B]
    found_routes, _ = extras.parse(READ)
    found_routes["-"] = found_routes["stranger"] = found_routes[A]  # (not the lab's)
    assert len(extras.extra_routes(expected, found_routes)) == 2


def test_the_json_names_the_kind(tmp_path: Path) -> None:
    expected = _expected(tmp_path)
    found_routes, _ = extras.parse(READ)
    first = extras.extra_routes(expected, found_routes)[0]
    assert first.kind is Kind.EXTRA_ROUTE
    assert jsonout.difference(first) == {
        "object": f"route 10.7.0.0/24@{A}", "field": "exists", "kind": "extra-route",
        "namespace": A, "expected": "none", "found": "10.7.0.0/24 via 10.9.0.2 dev dxva",
    }  # fmt: skip


@pytest.mark.kernel
@pytest.mark.parametrize("reader", ["auto", "ip"])  # (auto: netlink, as root)
def test_a_route_and_a_rule_added_by_hand_then_removed(tmp_path: Path, reader: str) -> None:
    p = f"dix{reader[0]}a"
    lab = tmp_path / "lab.yaml"
    lab.write_text(
        "name: l\nsetup:\n  - line: ip netns add n1\n  - line: ip netns add n2\n"
        "  - line: ip link add v1 netns n1 type veth peer name v2 netns n2\n"
        "  - line: ip -n n1 addr add 10.9.1.1/24 dev v1\n  - line: ip -n n1 link set v1 up\n"
        "  - line: ip -n n2 addr add 10.9.1.2/24 dev v2\n  - line: ip -n n2 link set v2 up\n"
        # (the ip -j reader reads the namespaces whose routes or rules the lab promises)
        "  - line: ip -n n1 route add 10.8.0.0/24 via 10.9.1.2\n"
        "  - action: raw\n    command: ip -n n1 rule add pref 100 from 10.1.0.0/24 lookup 100\n"
    )
    state = tmp_path / "state"
    iplab_ = f"{sys.executable} -m iplab"
    v = f"{iplab_} verify {lab} --prefix {p} --state-dir {state}"
    route, rule = "route add 10.7.0.0/24 via 10.9.1.2", "rule add from 10.2.0.0/24 lookup 200"
    run = apart(
        f"export PYTHONPATH={Path(__file__).parent.parent} IPLAB_READER={reader}\n"
        f"cd {tmp_path}\n"
        f"{iplab_} up {lab} --prefix {p} --state-dir {state} >up.out 2>&1; echo up=$?\n"
        f"ip -n {p}n1 {route}\nip -n {p}n1 {rule}\n"
        f"{v} >broken.out 2>&1; echo broken=$?\n"
        f"{v} --json >broken.json 2>&1; echo json=$?\n"
        f"ip -n {p}n1 {route.replace('add', 'del')}\nip -n {p}n1 {rule.replace('add', 'del')}\n"
        f"{v} >clean.out 2>&1; echo clean=$?\n"
        f"{iplab_} down --state-dir {state} >down.out 2>&1; echo down=$?\n"
        "ip netns list; ip -br link\n",
        timeout=120,
    )
    said = (tmp_path / "broken.out").read_text() + (tmp_path / "clean.out").read_text()
    assert "up=0" in run.stdout, run.stdout + (tmp_path / "up.out").read_text()
    assert "broken=1" in run.stdout and "json=1" in run.stdout and "clean=0" in run.stdout, (
        run.stdout + said
    )
    for line in (
        f"route 10.7.0.0/24@{p}n1.exists: expected none, found 10.7.0.0/24 via 10.9.1.2 dev {p}v1",
        f"rule pref 99 from 10.2.0.0/24 lookup 200@{p}n1.exists: expected none, found pref"
        " 99 from 10.2.0.0/24 lookup 200",
    ):
        assert line in said, said
    assert '"kind": "extra-route"' in (tmp_path / "broken.json").read_text()
    assert '"kind": "extra-rule"' in (tmp_path / "broken.json").read_text()
    assert "OK: the kernel holds what the scenario promises" in said, said
    assert "down=0" in run.stdout and p not in run.stdout.split("down=0")[1], run.stdout


@pytest.mark.kernel
def test_netlink_reads_what_ip_j_reads(tmp_path: Path) -> None:
    """The netlink read (no process) gives what ``ip -j`` gives, route for route and rule
    for rule: run apart, on namespaces made as the capture makes them."""
    script = Path(__file__).parent / "fixtures" / "extras" / "same_read.py"
    run = apart(
        f"export PYTHONPATH={Path(__file__).parent.parent}\n{sys.executable} {script}\n"
        "ip netns list\n",
        timeout=60,
    )
    assert "SAME" in run.stdout, run.stdout + run.stderr
    assert "dixcap" not in run.stdout.split("SAME")[1]
