"""The ip/bridge/brctl grammar: every spelling reads as the op it means, renders back
byte for byte, and its scenario fields load back to the same op."""

from __future__ import annotations

import pytest

from iplab import ipgrammar, ipwords
from iplab.lineparse import classify, count_kinds, op_fields, parse_line, reads_back
from iplab.render import renderer
from iplab.steps import (
    AddrAdd,
    AddrDel,
    AddrFlush,
    BridgePortsSet,
    BridgeVlan,
    Effect,
    LinkAdd,
    LinkDel,
    LinkSet,
    NetnsAdd,
    NetnsDel,
    NetnsExec,
    Op,
    RouteAdd,
    RouteDel,
    RouteFlush,
    Show,
)

# (line, the op it means, without its text)
CASES: list[tuple[str, Op]] = [
    # object and verb abbreviations, iproute2's precedence
    ("ip l a v1 type veth peer name v2", LinkAdd(name="v1", type="veth", peer="v2")),
    ("ip l s v1 up", LinkSet(dev="v1", attrs=(("state", "up"),))),
    ("ip a a 10.0.0.1/24 dev v1", AddrAdd(address="10.0.0.1/24", dev="v1")),
    ("ip r a 10.1.0.0/16 via 10.0.0.254", RouteAdd(to="10.1.0.0/16", via="10.0.0.254")),
    ("ip net a ns1", NetnsAdd(name="ns1")),
    ("ip net d ns1", NetnsDel(name="ns1")),
    ("ip net e ns1 ip l s lo up", LinkSet(ns="ns1", dev="lo", attrs=(("state", "up"),))),
    ("ip link list", Show()),
    ("ip a show", Show()),
    ("ip -br a", Show()),
    ("ip -4 a", Show()),
    ("ip -c link", Show()),
    ("ip n", Show()),  # neighbor, not netns
    ("ip -s -d link show dev v1", Show(dev="v1")),
    # keyword order and optional keywords
    ("ip link add dev v1 type veth peer name v2", LinkAdd(name="v1", type="veth", peer="v2")),
    ("ip link set up v1", LinkSet(dev="v1", attrs=(("state", "up"),))),
    ("ip link set up dev v1", LinkSet(dev="v1", attrs=(("state", "up"),))),
    (
        "ip link add v1 type veth peer name v2 netns ns2",
        LinkAdd(name="v1", type="veth", peer="v2", peer_netns="ns2"),
    ),
    (
        "ip link set dev v0 name a0 netns n1",
        LinkSet(dev="v0", attrs=(("name", "a0"), ("netns", "n1"))),
    ),
    (
        "ip link set v1 netns ns1 up",
        LinkSet(dev="v1", attrs=(("netns", "ns1"), ("state", "up"))),
    ),
    # renames, nameless creation
    ("ip link set v1 name eth0", LinkSet(dev="v1", attrs=(("name", "eth0"),))),
    (
        "ip -n ns1 link set v1 name eth0",
        LinkSet(ns="ns1", ns_form="-n", dev="v1", attrs=(("name", "eth0"),)),
    ),
    ("ip link add type veth", LinkAdd(name=None, type="veth")),
    ("ip -n ns1 link add type veth", LinkAdd(ns="ns1", ns_form="-n", name=None, type="veth")),
    (
        "ip link add eth0 netns hostA type veth peer eth0 netns hostB",
        LinkAdd(name="eth0", netns="hostA", type="veth", peer="eth0", peer_netns="hostB"),
    ),
    # flushes: a link's addresses, a namespace's table (the selectors kept as written)
    ("ip -n knobs addr flush dev k0", AddrFlush(ns="knobs", ns_form="-n", dev="k0")),
    (
        "ip addr flush dev k0 scope global",
        AddrFlush(dev="k0", selectors=(("scope", "global"),)),
    ),
    ("ip -4 a f k0 to 10.0.0.0/8", AddrFlush(dev="k0", family=4, to="10.0.0.0/8")),
    ("ip a flush to fd00::/8 dev k0", AddrFlush(dev="k0", family=6, to="fd00::/8")),
    ("ip -n src route flush table 200", RouteFlush(ns="src", ns_form="-n", table="200")),
    (
        "ip -6 -n src r flush table 200 dev s0",
        RouteFlush(ns="src", ns_form="-n", table="200", family=6, selectors=("dev", "s0")),
    ),
    # addresses and routes
    (
        "ip addr add 10.0.0.1/24 broadcast 10.0.0.255 dev v1",
        AddrAdd(address="10.0.0.1/24", dev="v1", settings=(("broadcast", "10.0.0.255"),)),
    ),
    (
        "ip addr add 10.0.0.1/24 brd + dev v1 label v1:0 scope link",
        AddrAdd(
            address="10.0.0.1/24",
            dev="v1",
            settings=(("brd", "+"), ("label", "v1:0"), ("scope", "link")),
        ),
    ),
    ("ip addr add dev v1 10.0.0.1/24", AddrAdd(address="10.0.0.1/24", dev="v1")),
    # replace and change add the address, or update the one there (never a delete)
    (
        "ip addr replace 10.99.0.1/30 dev rpa",
        AddrAdd(address="10.99.0.1/30", dev="rpa", verb="replace"),
    ),
    (
        "ip -n rp1 addr replace 10.99.0.2/30 dev rpb",
        AddrAdd(ns="rp1", ns_form="-n", address="10.99.0.2/30", dev="rpb", verb="replace"),
    ),
    ("ip a change 10.0.0.1/24 dev v1", AddrAdd(address="10.0.0.1/24", dev="v1", verb="change")),
    ("ip addr chg 10.0.0.1/24 dev v1", AddrAdd(address="10.0.0.1/24", dev="v1", verb="change")),
    (
        "ip route add 10.2.0.0/24 via 10.0.0.1 dev v1 src 10.0.0.2 metric 100 onlink table 10",
        RouteAdd(
            to="10.2.0.0/24",
            via="10.0.0.1",
            dev="v1",
            settings=(("src", "10.0.0.2"), ("metric", "100"), ("onlink", None), ("table", "10")),
        ),
    ),
    (
        "ip netns exec ns1 ip route add default via 10.0.0.1",
        RouteAdd(ns="ns1", to="default", via="10.0.0.1"),
    ),
    ("ip -n ns1 r a default via 10.0.0.1", RouteAdd(ns="ns1", ns_form="-n", via="10.0.0.1")),
    # bridge settings, bridge and brctl
    (
        "ip link set dev br1 type bridge vlan_filtering 1",
        LinkSet(dev="br1", attrs=(("type", "bridge"), ("vlan_filtering", "1"))),
    ),
    (
        "ip link set br0 type bridge stp_state 1",
        LinkSet(dev="br0", attrs=(("type", "bridge"), ("stp_state", "1"))),
    ),
    (
        "ip link add br0 type bridge stp_state 0",
        LinkAdd(name="br0", type="bridge", settings=(("stp_state", "0"),)),
    ),
    ("bridge link", Show()),
    ("bridge fdb show", Show()),
    ("bridge -n ns1 vlan show", Show(ns="ns1", ns_form="-n")),
    (
        "bridge vlan add dev v1 vid 10 pvid untagged",
        BridgeVlan(dev="v1", vid="10", flags=("pvid", "untagged")),
    ),
    ("bridge vlan del vid 10 dev v1", BridgeVlan(dev="v1", vid="10", verb="del")),
    ("brctl addbr b0", LinkAdd(name="b0", type="bridge")),
    ("brctl addif b0 v1 v2", BridgePortsSet(bridge="b0", ports=("v1", "v2"))),
    ("brctl delif b0 v1", BridgePortsSet(bridge="b0", ports=("v1",), verb="delif")),
    ("brctl delbr b0", LinkDel(dev="b0")),
    ("brctl stp b0 on", LinkSet(dev="b0", attrs=(("stp_state", "1"),))),
    ("brctl show", Show()),
    ("brctl show b0", Show(dev="b0")),
    ("ip netns exec ns1 brctl addbr b1", LinkAdd(ns="ns1", name="b1", type="bridge")),
    # deletions, IPv6, families
    ("ip link del dev v1", LinkDel(dev="v1")),
    ("ip l d v1 type veth", LinkDel(dev="v1")),
    ("ip -6 a a fd00::1/64 dev v1", AddrAdd(address="fd00::1/64", dev="v1")),
    ("ip -f inet a d 10.0.0.1/24 dev v1", AddrDel(address="10.0.0.1/24", dev="v1")),
    ("ip r d default via 10.0.0.1", RouteDel(via="10.0.0.1")),
    (
        "ip route add blackhole 10.5.0.0/16",
        RouteAdd(to="10.5.0.0/16", settings=(("type", "blackhole"),)),
    ),
    ("ip --brief link", Show()),
    # whitespace and sudo as written
    ("ip link set  v1  up", LinkSet(dev="v1", attrs=(("state", "up"),))),
    ("sudo  ip link set v1 up", LinkSet(dev="v1", attrs=(("state", "up"),))),
    ("sudo -E ip link set v1 up", LinkSet(dev="v1", attrs=(("state", "up"),))),
    (
        "ip netns exec ns1 sysctl -w net.ipv4.ip_forward=1",
        NetnsExec(ns="ns1", command="sysctl -w net.ipv4.ip_forward=1"),
    ),
    (
        "ip net e ns1 sysctl -w net.ipv4.ip_forward=1",
        NetnsExec(ns="ns1", command="sysctl -w net.ipv4.ip_forward=1"),
    ),
]


@pytest.mark.parametrize(("line", "meaning"), CASES, ids=[c[0] for c in CASES])
def test_a_spelling_reads_renders_and_loads_back(line: str, meaning: Op) -> None:
    import dataclasses

    op = ipgrammar.read(line)
    assert op is not None
    assert dataclasses.replace(op, text=None) == meaning
    assert op.text == line
    assert ipgrammar.read(op.text) == op  # the text reads again as the same op
    parsed = classify(line)
    verbatim = isinstance(meaning, NetnsExec)  # a command kept as written inside a namespace
    assert parsed.typed and parsed.kind == ("raw-effects" if verbatim else "typed")
    assert renderer().command(parsed.op, parsed.sudo).text == line
    assert reads_back(parsed.op) is None  # the fields load back to the same op


@pytest.mark.parametrize(
    "line",
    [
        "ip route flush table 200",  # the root namespace's: the host's table (raw, refused)
        "ip -n src route flush cache",  # no table
        "ip -n src route flush",  # ip: "Flush requires arguments"
        "ip addr flush to 10.0.0.0/8",  # no link: every link's
        "ip -0 addr flush dev k0",
    ],
)
def test_flushes_the_model_cannot_place_stay_raw(line: str) -> None:
    assert ipgrammar.read(line) is None


@pytest.mark.parametrize(
    ("line", "action"),
    [
        ("ip l", "show"),  # l: link
        ("ip a", "show"),  # a: address
        ("ip r", "show"),  # r: route
        ("ip n", "show"),  # n: neighbor (before netns)
        ("ip net", "show"),  # net: netns
        ("ip l s v1 up", "link set"),  # s: set (before show)
        ("ip a s", "show"),  # s: show (address has no set)
        ("ip net a ns1", "netns add"),
        ("ip net s", "show"),  # s: show (before set)
        ("ip -n ns1 l a v1 type dummy", "link add"),  # -n: -netns
    ],
)
def test_abbreviations_follow_iproute2s_tables(line: str, action: str) -> None:
    op = ipgrammar.read(line)
    assert op is not None and op.action == action


def test_matches_is_iproute2s_prefix_rule() -> None:
    assert ipwords.matches("a", "address") and ipwords.matches("address", "address")
    assert not ipwords.matches("", "address") and not ipwords.matches("addresses", "address")
    assert ipwords.first("n", ipwords.IP_OBJECTS) == "neighbor"
    assert ipwords.first("net", ipwords.IP_OBJECTS) == "netns"


def test_the_field_forms_still_win_where_they_render_exactly() -> None:
    op = parse_line("ip link set v1 up")
    assert op == LinkSet(dev="v1", attrs=(("state", "up"),))
    assert op_fields(op) == {"dev": "v1", "state": "up"}


@pytest.mark.parametrize(
    ("line", "creates"),
    [
        (
            "ip link add link eth0 name eth0.10 type vlan id 10",
            (Effect(what="link", name="eth0.10", kind="vlan"),),
        ),
        ("ip tuntap add dev tap0 mode tap", (Effect(what="link", name="tap0", kind="tun"),)),
        # ip/iptuntap.c: a word that is no keyword is the name, wherever it is
        ("ip tuntap add mode tap tap0", (Effect(what="link", name="tap0", kind="tun"),)),
        (
            "ip -n mv tuntap add mode tap tap0",
            (Effect(what="link", name="tap0", ns="mv", kind="tun"),),
        ),
        (
            "ip netns exec mv ip tuntap add mode tap tap0",
            (Effect(what="link", name="tap0", ns="mv", kind="tun"),),
        ),
        (
            "ip tuntap add mode tap user 1000 multi_queue name tap5",
            (Effect(what="link", name="tap5", kind="tun"),),
        ),
        ("ovs-vsctl add-br ob0", (Effect(what="link", name="ob0", kind="openvswitch"),)),
        (
            "ip netns exec ns1 ip link add vx0 type vxlan id 42 dstport 4789",
            (Effect(what="link", name="vx0", ns="ns1", kind="vxlan"),),
        ),
        # hunt Z: a veth whose peer has settings of its own is no typed op; its peer was
        # not said, so --prefix left the peer's name as written
        (
            "ip link add v0 address 02:00:00:00:07:01 type veth peer name v1 address"
            " 02:00:00:00:07:02",
            (Effect(what="link", name="v0", kind="veth", peer="v1"),),
        ),
        (
            "ip link add v0 mtu 9000 type veth peer v1 mtu 9000 netns red",
            (Effect(what="link", name="v0", kind="veth", peer="v1", peer_ns="red"),),
        ),
    ],
)
def test_raw_lines_carry_the_effects_iplab_knows(line: str, creates: tuple[Effect, ...]) -> None:
    parsed = classify(line)
    assert parsed.kind == "raw-effects"
    assert getattr(parsed.op, "creates", None) == creates
    assert reads_back(parsed.op) is None
    assert "creates" in op_fields(parsed.op)


def test_counting_typed_raw_with_effects_and_unknown() -> None:
    lines = ["ip l a v1 type dummy", "sysctl -w net.ipv4.ip_forward=1", "./setup.sh", "ip n"]
    counts = count_kinds(classify(line) for line in lines)
    assert counts == {"typed": 2, "raw-effects": 1, "raw-unknown": 1}


def test_lines_may_use_jinja_in_loops() -> None:
    from iplab import scenario

    text = (
        "name: loops\nsetup:\n  - loop: [1, 2]\n    line: ip net a n{{ item }}\n"
        "  - loop: [1, 2]\n    line: ip -n n{{ item }} l a v{{ item }} type dummy\n"
    )
    steps = scenario.load_text(text, "loops.yaml").steps
    assert [s.op.text for s in steps] == [
        "ip net a n1", "ip net a n2", "ip -n n1 l a v1 type dummy", "ip -n n2 l a v2 type dummy",
    ]  # fmt: skip
    assert steps[3].op == LinkAdd(
        ns="n2", ns_form="-n", name="v2", type="dummy", text="ip -n n2 l a v2 type dummy"
    )


def test_a_line_iplab_cannot_read_is_refused_with_its_place() -> None:
    from iplab import scenario
    from iplab.errors import ScenarioError

    text = "name: x\nsetup:\n  - line: ip link set v1 up | cat\n"
    with pytest.raises(ScenarioError, match=r"x.yaml:3: setup\[0\].line: .* is not a command"):
        scenario.load_text(text, "x.yaml")
    text = "name: x\nsetup:\n  - action: link set\n    line: ip link add d0 type dummy\n"
    with pytest.raises(ScenarioError, match="the line is a 'link add' command, not 'link set'"):
        scenario.load_text(text, "x.yaml")


def test_prefix_refuses_a_line_it_cannot_rename_faithfully(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from iplab import prefix, scenario
    from iplab.errors import ScenarioError
    from iplab.prefix import with_prefix

    # the lab makes a link called 'veth': renamed where ip reads a name, not the keyword
    # (hunt EG: it was refused; tests/test_hunt_eg_prefix_kind_word.py)
    text = "name: x\nsetup:\n  - line: ip link add veth type veth peer name p\n"
    sc = scenario.load_text(text, "x.yaml")
    assert with_prefix(sc, "t1").steps[0].op.text == "ip link add t1veth type veth peer name t1p"
    # a namespace named lo: its name renamed, not the loopback's (read back by the grammar);
    # a line none of whose renamings reads back as the renamed step is still refused
    text = "name: x\nsetup:\n  - line: ip netns add lo\n  - line: ip -n lo link set lo up\n"
    sc = scenario.load_text(text, "x.yaml")
    assert with_prefix(sc, "t1").steps[1].op.text == "ip -n t1lo link set lo up"
    monkeypatch.setattr(prefix, "_MOST_SPANS", 0)
    with pytest.raises(ScenarioError, match="does not read as the renamed command"):
        with_prefix(sc, "t1")
