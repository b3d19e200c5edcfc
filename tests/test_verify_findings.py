"""verify's findings of hunts K, L and O, from their own inputs: a qdisc replaced by another
form, a shaped link moved, a link of a name two namespaces use deleted or renamed, which
namespace a difference is in, and what the OK does not compare."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import live, scenario, tc
from iplab.claims import Owned
from iplab.importer.convert import detect_kind, import_text
from iplab.journal import Entry
from iplab.names import ROOT
from iplab.plan import Plan, build, expected_state
from iplab.render import split
from iplab.state import State
from iplab.steps import LinkSet, Op
from iplab.verify import DifferenceKind as Kind
from iplab.verify import diff, verdict

FIXTURES = Path(__file__).parent / "fixtures"


def planned(path: Path) -> Plan:
    text = path.read_text()
    result = import_text(text, detect_kind(path.name, text), path.name, base=path.parent)
    return build(scenario.load_text(result.yaml, f"{path.stem}.yaml"))


def journal(ops: list[Op]) -> list[Entry]:
    """The ops as a journal's entries that ran (the setup's)."""
    out = []
    for seq, op in enumerate(ops, start=1):
        entry = Entry(seq, "r", seq, "setup", "text", (), (), op)
        entry.status = "done"
        out.append(entry)
    return out


def setup_ops(path: Path) -> list[Op]:
    return [step.op for step in planned(path).scenario.setup]


def test_a_root_qdisc_replaced_with_a_handle_leaves_no_impairment() -> None:
    """Hunt L (02b): ``tc qdisc replace dev c0 root handle 1: htb default 20`` was not read
    (the kind was expected right after ``root``), so verify still expected the tbf it
    replaced: "client:c0.qdisc: expected tbf rate 1mbit, found none" on a lab that held
    what the page made."""
    ops = setup_ops(FIXTURES / "tc" / "hunt-l-02b-tc-shaping-no-netem.md")
    assert live.applied(journal(ops)).impairments == {}
    words = split("tc qdisc replace dev c0 root handle 1: htb default 20")
    assert tc.parse_line(words) == ("c0", None)
    rate = tc.Impairment(rate=1_000_000)
    assert tc.parse_line(split("tc qdisc add dev c0 handle 1: root tbf rate 1mbit")) == (
        "c0",
        rate,
    )
    assert tc.parse_line(split("tc qdisc del dev c0 root tbf")) == ("c0", None)
    assert tc.parse_line(split("tc qdisc add dev c0 parent 1:1 tbf rate 1mbit")) is None


def test_a_shaped_link_moved_to_another_namespace_loses_its_qdisc() -> None:
    """Hunt L (10): ``tc qdisc add dev veth-c root tbf ...`` then ``ip link set veth-c netns
    ctr`` (the kernel drops the qdisc): verify said "root:veth-c.qdisc: expected tbf rate
    5mbit, found none". A rename carries the record along."""
    ops = setup_ops(FIXTURES / "tc" / "hunt-l-10-shape-then-move.sh")
    assert live.applied(journal(ops)).impairments == {}
    shaped = [op for op in ops if not isinstance(op, LinkSet) or not op.has("netns")]
    renamed = [*shaped, LinkSet(dev="veth-c", attrs=(("name", "c0"),))]
    rate = tc.Impairment(rate=5_000_000)
    assert live.applied(journal(shaped)).impairments == {live.Target(ROOT, "veth-c"): rate}
    assert live.applied(journal(renamed)).impairments == {live.Target(ROOT, "c0"): rate}


def _without(state: State, ns: str, name: str, new: str | None = None) -> State:
    observed = state.copy()
    link = observed.namespaces[ns].links.pop(name)
    if new is not None:
        link.name = new
        observed.namespaces[ns].links[new] = link
    return observed


def test_a_link_deleted_where_another_namespace_has_its_name_is_missing() -> None:
    """Hunt O (06): ``ip link del veth-c2-br`` took c2's eth0 with it; verify said
    "eth0.netns: expected c2, found it in c1", c1's own eth0."""
    path = FIXTURES / "ip" / "hunt-O-06-bridge-session.txt"
    plan = planned(path)
    expected = expected_state(plan, len(plan.scenario.setup) - 2)  # before the deletion
    assert expected.link("c1", "eth0") is not None and expected.link("c2", "eth0") is not None
    found = diff(expected, _without(expected, "c2", "eth0"), plan.owned)
    assert [(d.kind, d.namespace, str(d)) for d in found] == [
        (Kind.MISSING_LINK, "c2", "eth0.netns: expected c2, found none")
    ]


def test_a_link_renamed_where_another_namespace_has_its_name_is_missing() -> None:
    """Hunt K (10): eth0 renamed by hand in cont2; verify said "found it in cont1"."""
    plan = planned(FIXTURES / "scripts" / "hunt-K-10-trap-nsenter.sh")
    expected = expected_state(plan)
    observed = _without(expected, "cont2", "eth0", "other")
    found = [(d.kind, d.namespace, str(d)) for d in diff(expected, observed, plan.owned)]
    assert found[0] == (Kind.MISSING_LINK, "cont2", "eth0.netns: expected cont2, found none")
    assert [kind for kind, _, _ in found] == [Kind.MISSING_LINK, Kind.EXTRA_LINKS]
    moved = expected.copy()  # a link really moved is still said to be
    moved.namespaces[ROOT].links["eth0"] = moved.namespaces["cont2"].links.pop("eth0")
    (only,) = diff(expected, moved, plan.owned)
    assert str(only) == "eth0.netns: expected cont2, found it in root"


@pytest.mark.parametrize("name", ["hunt-K-01-setup.sh", "hunt-K-04c-routers-noecho.sh"])
def test_a_field_difference_names_its_namespace(name: str) -> None:
    """Hunt K (01, 04c): "lo.up: expected up, found down" did not say which lo."""
    plan = planned(FIXTURES / "scripts" / name)
    expected = expected_state(plan)
    spaces = sorted(ns for ns in expected.namespaces if ns != ROOT)
    observed = expected.copy()
    observed.namespaces[spaces[0]].links["lo"].up = False
    (only,) = diff(expected, observed, plan.owned)
    assert str(only) == f"lo@{spaces[0]}.up: expected up, found down"
    assert (only.obj, only.namespace) == ("lo", spaces[0])


@pytest.mark.parametrize(
    ("path", "said"),
    [
        # (its alias, arp, promisc and txqueuelen compared since: hunt CN,
        # tests/test_hunt_cn_link_settings.py)
        ("ip/hunt-O-02-link-attrs.sh", "4 links; address preferred_lft, address scope"),
        ("ip/hunt-O-01-abbrev-veth.md", "address broadcast, address label of blue"),
        ("ip/hunt-O-04-router-names.md", "route proto, route src of h1"),
        ("ip/hunt-O-04-router-names.md", "1 sysctl;"),  # (compared since: iplab/sysctlcheck)
        # (its permanent neighbour, ``ip -n left n a ... nud permanent``, compared since:
        # iplab/neighbours.py)
        ("ip/hunt-O-07-odd-orders.md", "1 neighbour; route proto, route src of left"),
        ("ip/hunt-O-07-odd-orders.md", "address peer"),
        ("tc/hunt-l-05b-iproute-bridge-fdb-nostp.md", "link ageing_time, link stp_state of sw"),
        # (pc1's txqueuelen compared since: hunt CN)
        ("tc/hunt-l-05b-iproute-bridge-fdb-nostp.md", "8 links; link ageing_time"),
        ("tc/hunt-l-05b-iproute-bridge-fdb-nostp.md", "multicast groups of pc2"),
        ("tc/hunt-l-01-brctl-bridge.md", "bridge settings (brctl), link stp_state of root"),
        ("tc/hunt-l-07b-root-bridge-police-fixed.md", "bridge settings (brctl)"),
        ("tc/hunt-l-06b-tap-macvtap-router-noethtool.sh", "1 sysctl;"),  # (compared since)
        ("tc/hunt-l-02b-tc-shaping-no-netem.md", "tc classes, tc filters"),
        ("scripts/hunt-K-03-star.sh", "link stp_state of root"),
    ],
)
def test_ok_says_what_the_scenario_sets_that_it_does_not_compare(path: str, said: str) -> None:
    """Hunts O (01, 02, 04, 07), L (01, 02b, 05b, 06b, 07b), K (03): alias, txqueuelen,
    arp, promisc, an address's label, broadcast or peer, a route's src or proto, a
    permanent neighbour, a bridge's stp_state or ageing_time, a multicast group, sysctls,
    tc classes and filters changed by hand: verify said OK, naming none of them."""
    said_ok = verdict(expected_state(planned(FIXTURES / path)))
    assert said_ok.startswith("the kernel holds what the scenario promised (")
    assert said in said_ok.split("(", 1)[1]


def test_a_lab_with_nothing_uncompared_says_nothing_more() -> None:
    plan = planned(FIXTURES / "scripts" / "hunt-K-01-setup.sh")
    assert verdict(expected_state(plan)).endswith(" links)")
    assert diff(expected_state(plan), expected_state(plan), Owned(frozenset(), frozenset())) == []
