"""verify.diff: each difference typed by its kind and namespace, printed as before."""

from __future__ import annotations

import ipaddress

import pytest

from iplab import scenario
from iplab.claims import Owned, is_automatic
from iplab.names import ROOT
from iplab.plan import Plan, build, expected_state
from iplab.state import Link, Namespace, State
from iplab.verify import Difference, diff, unknowable, verdict
from iplab.verify import DifferenceKind as Kind
from tests.conftest import BLOG_SCENARIO


def blog_plan() -> Plan:
    return build(scenario.load(str(BLOG_SCENARIO)))


def typed(differences: list[Difference]) -> list[tuple[Kind, str | None, str, str]]:
    return [(d.kind, d.namespace, d.obj, str(d)) for d in differences]


def test_a_torn_lab_gives_each_kind_with_the_text_verify_always_printed() -> None:
    """The blog's lab after ``ip netns del ns1`` (vethY, ns1's vethX's peer, dies with it),
    ``ip link del vethQ`` (and its peer vethP), a vethZ added to ns2 and ns2's lo set up."""
    plan = blog_plan()
    expected = expected_state(plan)
    live = expected.copy()
    del live.namespaces["ns1"]
    for gone in ("vethY", "vethQ"):
        del live.namespaces[ROOT].links[gone]
    del live.namespaces["ns2"].links["vethP"]
    live.namespaces["ns2"].links["vethZ"] = Link("vethZ", "dummy")
    live.namespaces["ns2"].links["lo"].up = True
    assert typed(diff(expected, live, plan.owned)) == [
        (Kind.MISSING_LINK, ROOT, "vethY", "vethY.netns: expected root, found none"),
        (Kind.MISSING_LINK, ROOT, "vethQ", "vethQ.netns: expected root, found none"),
        (Kind.MISSING_NAMESPACE, "ns1", "ns1", "ns1.exists: expected a namespace, found none"),
        (Kind.FIELD, "ns2", "lo", "lo@ns2.up: expected down, found up"),
        (Kind.MISSING_LINK, "ns2", "vethP", "vethP.netns: expected ns2, found none"),
        (Kind.EXTRA_LINKS, "ns2", "ns2", "ns2.links: expected lo, vethP, found lo, vethZ"),
    ]


def test_a_moved_link() -> None:
    plan = blog_plan()
    expected = expected_state(plan)
    live = expected.copy()
    live.namespaces[ROOT].links["vethX"] = live.namespaces["ns1"].links.pop("vethX")
    assert typed(diff(expected, live, plan.owned)) == [
        (Kind.MOVED, "ns1", "vethX", "vethX.netns: expected ns1, found it in root"),
    ]


def test_what_the_teardown_should_have_removed() -> None:
    plan = blog_plan()
    after_teardown = expected_state(plan, len(plan.commands))
    assert after_teardown.namespaces.keys() == {ROOT}
    assert typed(diff(after_teardown, expected_state(plan), plan.owned)) == [
        (Kind.EXTRA_NAMESPACE, "ns1", "ns1", "ns1.exists: expected none, found the namespace"),
        (Kind.EXTRA_NAMESPACE, "ns2", "ns2", "ns2.exists: expected none, found the namespace"),
        (Kind.EXTRA_LINK, None, "br0", "br0.exists: expected none, found it in root"),
        (Kind.EXTRA_LINK, None, "vethP", "vethP.exists: expected none, found it in ns2"),
        (Kind.EXTRA_LINK, None, "vethQ", "vethQ.exists: expected none, found it in root"),
        (Kind.EXTRA_LINK, None, "vethX", "vethX.exists: expected none, found it in ns1"),
        (Kind.EXTRA_LINK, None, "vethY", "vethY.exists: expected none, found it in root"),
    ]


def test_a_field_names_its_namespace_and_the_same_link_elsewhere_is_left_alone() -> None:
    expected = State()
    for ns in ("ns1", "ns2"):
        expected.namespaces[ns] = Namespace(ns, {"lo": Link("lo", "loopback")})
    live = expected.copy()
    live.namespaces["ns1"].links["lo"].up = True
    (only,) = diff(expected, live, Owned(frozenset(), frozenset()))
    assert (only.kind, only.namespace, only.field, only.expected, only.found) == (
        Kind.FIELD, "ns1", "up", "down", "up",
    )  # fmt: skip


@pytest.mark.parametrize(
    "address",
    ["fe80::1/64", "FE80::a/64", "febf:ffff::1/64", "fec0::1/64", "fe8::1/64", "fe80:1::/32",
     "169.254.1.1/16", "10.0.0.1/24", "127.0.0.1/8", "::1/128", "2001:db8::1/64"],
)  # fmt: skip
@pytest.mark.parametrize("kind", ["veth", "loopback"])
def test_automatic_addresses_are_known_by_text_as_by_parsing(address: str, kind: str) -> None:
    iface = ipaddress.ip_interface(address)
    parsed = iface.is_link_local or (kind == "loopback" and iface.ip.is_loopback)
    assert is_automatic(address, Link(name="x", kind=kind)) is parsed


def _raw_lab(raw: str) -> Plan:
    """Two namespaces and a veth between them, then a raw step ``raw`` run in one."""
    text = (
        "name: t\nsetup:\n  - {action: netns add, name: a}\n  - {action: netns add, name: b}\n"
        "  - {line: ip link add v0 netns a type veth peer name v1 netns b}\n"
        f"  - action: raw\n    shell: true\n    command: {raw!r}\n"
    )
    return build(scenario.load_text(text, "t.yaml"))


@pytest.mark.parametrize(
    "raw",
    [
        "sleep 2 &",
        "mkdir -p /etc/netns/a && echo nameserver 10.0.0.1 > /etc/netns/a/resolv.conf",
        "ip netns exec a python3 -m http.server 8080 >/dev/null 2>&1 &",
        "echo hi | ip netns exec b nc -q1 10.0.0.1 8080",
        "touch /tmp/lease; ip netns exec a ping -c1 10.0.0.2 > /dev/null && echo up",
    ],
)
def test_a_raw_step_that_changes_no_name_leaves_the_lab_known(raw: str) -> None:
    """Verify checks what came before such a step: it makes, deletes and renames nothing."""
    from iplab.verify import unknowable

    expected = expected_state(_raw_lab(raw))
    assert unknowable(expected) == []


@pytest.mark.parametrize(
    "raw",
    ["./make-more.sh", "cp x /var/run/netns/c", 'ip netns exec a sh -c "$(cat x)"', "rm -f x"],
)
def test_a_raw_step_iplab_cannot_read_still_makes_the_lab_unknown(raw: str) -> None:
    from iplab.verify import unknowable

    assert unknowable(expected_state(_raw_lab(raw)))


def test_a_lab_that_is_not_there_differs_even_where_the_model_is_unsure() -> None:
    """After a raw step of unknown effect verify skips what came before it, unless none of
    the lab's namespaces is there: then the lab is not up, and each is missing."""
    plan = _raw_lab("./make-more.sh")
    expected = expected_state(plan)
    nothing = State()
    assert [d.kind for d in diff(expected, nothing, plan.owned)] == [
        Kind.MISSING_NAMESPACE,
        Kind.MISSING_NAMESPACE,
    ]
    one_left = State()
    one_left.namespaces["a"] = Namespace("a")
    assert diff(expected, one_left, plan.owned) == []  # b may be what the script deleted


def test_a_link_a_raw_step_changes_is_the_one_left_unknown() -> None:
    """``ip link set lo up`` kept as the author's command (``netns exec``): the model does
    not follow lo's state, so verify skips lo there, and checks the rest of the lab."""
    from iplab.verify import unknowable

    text = (
        "name: t\nsetup:\n  - {action: netns add, name: a}\n  - {action: netns add, name: b}\n"
        "  - {action: netns exec, in: a, command: ip link set lo up}\n"
        "  - {action: raw, command: sleep 1}\n"
    )
    expected = expected_state(build(scenario.load_text(text, "t.yaml")))
    assert unknowable(expected) == ["lo@a"]


@pytest.mark.parametrize(
    ("command", "unknown"),
    [
        ("bridge fdb append 00:00:00:00:00:00 dev v0 dst 192.168.0.2", []),
        ("ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev v0", []),
        ("tc qdisc add dev v0 root fq_codel", []),
        ("ethtool -K v0 tx off", []),
        ("ip addr add 10.0.0.1/24 dev v0 label v0:1 noprefixroute", ["v0@a"]),
    ],
)
def test_only_what_verify_compares_makes_a_link_unknown(command: str, unknown: list[str]) -> None:
    """``bridge fdb append ... dev vxlan0`` (an overlay tutorial's static flood entry) left
    vxlan0 out of verify: its address, mtu and state, set by typed steps, went unchecked."""
    from iplab.verify import unknowable

    text = (
        "name: t\nsetup:\n  - {action: netns add, name: a}\n"
        "  - {line: ip -n a link add v0 type veth peer name v1}\n"
        f"  - action: netns exec\n    in: a\n    command: {command!r}\n"
    )
    assert unknowable(expected_state(build(scenario.load_text(text, "t.yaml")))) == unknown


def test_a_command_of_unknown_effect_in_one_namespace_leaves_the_others_known() -> None:
    """``ip netns exec right bash -c 'ip link set $IF up'`` changes what only the shell knows,
    in right alone: left's objects are still verified (before, none of the lab's were, and
    verify said OK having compared nothing; CI caught the new "nothing compared" on
    corpus 33)."""
    from iplab import scenario
    from iplab.plan import build, expected_state

    lab = (
        "name: c\nsetup:\n  - action: netns add\n    name: left\n  - action: netns add\n"
        "    name: right\n  - action: link add\n    name: vl\n    type: veth\n    peer: vr\n"
        "    netns: left\n    peer_netns: right\n  - action: raw\n    command: ip netns exec"
        " right bash -c 'ip link set $IF up'\n    shell: true\n"
    )
    expected = expected_state(build(scenario.load_text(lab, "c.yaml")))
    assert unknowable(expected) == ["right"]
    assert verdict(expected) == (
        "the kernel holds what the scenario promised (1 namespace, 2 links; 1 skipped)"
    )
    anywhere = lab.replace("ip netns exec right bash -c 'ip link set $IF up'", "make up")
    assert sorted(unknowable(expected_state(build(scenario.load_text(anywhere, "c.yaml"))))) == [
        "left",
        "right",
    ]


def _as_planned(*steps: str) -> tuple[Plan, State, State]:
    """A lab of ``steps`` (YAML flow items): its plan, the state it promises, and a copy
    of that state to change as the kernel might."""
    text = "name: t\nsetup:\n" + "".join(f"  - {step}\n" for step in steps)
    plan = build(scenario.load_text(text, "t.yaml"))
    expected = expected_state(plan)
    return plan, expected, expected.copy()


def test_a_link_local_address_the_scenario_adds_itself_is_compared() -> None:
    """Hunt W: ``ip -6 addr add fe80::1/64 dev r2 nodad`` was taken for an address the
    kernel adds by itself; deleted by hand, verify said OK. The kernel's own (the EUI-64
    one on every link that is up) stays out of the comparison."""
    plan, expected, live = _as_planned(
        "{action: netns add, name: r}",
        "line: ip -n r link add r1 type veth peer name r2",
        "line: ip -n r -6 addr add fe80::1/64 dev r2 nodad",
        "line: ip -n r -6 addr add fd00:2::1/64 dev r2",
    )
    r2 = live.namespaces["r"].links["r2"]
    r2.addresses = [*r2.addresses, "fe80::a8c1:abff:fe3c:1/64"]  # the kernel's own: no diff
    assert diff(expected, live, plan.owned) == []
    r2.addresses = [a for a in r2.addresses if a != "fe80::1/64"]
    assert [str(d) for d in diff(expected, live, plan.owned)] == [
        "r2@r.addresses: expected fd00:2::1/64, fe80::1/64, found fd00:2::1/64"
    ]


def test_ok_says_whose_routes_it_did_not_compare() -> None:
    """Hunt W: a multipath ``route replace`` (a step the model cannot follow) left left's
    routes uncompared; deleted by hand, verify said a bare OK. It says so now."""
    from pathlib import Path

    from iplab.importer.convert import import_text

    page = Path(__file__).parent / "fixtures" / "routes" / "multipath-replaced.sh"
    result = import_text(page.read_text(), "shell", page.name)
    expected = expected_state(build(scenario.load_text(result.yaml, "ecmp.yaml")))
    said = verdict(expected)
    assert said.startswith("the kernel holds what the scenario promised (")
    assert "; routes of left not compared (a step it cannot follow changes them)" in said


def test_a_mac_address_the_scenario_sets_is_compared() -> None:
    """Hunt W: ``ip link set dev k0 address 02:42:ac:11:00:02`` (and ``link add ... address``)
    were never compared: another MAC set by hand, verify said OK."""
    plan, expected, live = _as_planned(
        "{action: netns add, name: k}",
        "line: ip -n k link add k0 address 02:42:AC:11:00:09 type veth peer name k1",
        "line: ip -n k link set dev k1 address 2:42:ac:11:0:3",  # ip takes one digit a byte
    )
    links = live.namespaces["k"].links
    links["k0"].mac = "02:42:ac:11:00:09"  # as ip -j prints it: the same address
    assert diff(expected, live, plan.owned) == []
    links["k1"].mac = "02:42:ac:11:00:99"
    assert [str(d) for d in diff(expected, live, plan.owned)] == [
        "k1@k.address: expected 02:42:ac:11:00:03, found 02:42:ac:11:00:99"
    ]
