"""Parsing iproute2's JSON: real captured output, other versions' output, and garbage."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iplab import iproute, scenario
from iplab.errors import ParseError
from iplab.iproute import parse_links, parse_netns_list, parse_read
from iplab.names import ROOT
from iplab.peers import build_state
from iplab.plan import build, expected_state
from iplab.state import State
from iplab.verify import diff
from tests.conftest import FIXTURES

IP = FIXTURES / "ip"
INTERRUPTED_LINE = "Dump was interrupted and may be inconsistent.\n"
PREFIX = json.loads((IP / "blog-meta.json").read_text())["prefix"]
STEPS = sorted(IP.glob("blog-step-*.txt"))


def _state_of(path: Path) -> State:
    read = parse_read(path.read_text())
    assert read.root_ids is not None
    state, ambiguous = build_state(read.links, read.root_ids)
    assert not ambiguous
    return state


@pytest.mark.parametrize("path", STEPS, ids=[p.stem for p in STEPS])
def test_captured_kernel_state_matches_the_model_after_every_step(path: Path) -> None:
    """Real output of this kernel after each blog step equals what the model predicts."""
    plan = build(scenario.load("container-networking-part2"), prefix=PREFIX)
    number = int(path.stem.rsplit("-", 1)[1])
    expected = expected_state(plan, number)
    assert diff(expected, _state_of(path), plan.owned) == []


def test_blog_final_setup_state_in_detail() -> None:
    state = _state_of(IP / "blog-step-18.txt")
    p = PREFIX
    root = state.namespaces[ROOT].links
    assert root[f"{p}br0"].kind == "bridge"
    assert root[f"{p}br0"].up
    assert (root[f"{p}vethY"].master, root[f"{p}vethY"].peer, root[f"{p}vethY"].peer_ns) == (
        f"{p}br0", f"{p}vethX", f"{p}ns1",
    )  # fmt: skip
    x = state.namespaces[f"{p}ns1"].links[f"{p}vethX"]
    assert (x.kind, x.up, x.peer, x.peer_ns, x.master) == ("veth", False, f"{p}vethY", ROOT, None)
    assert x.operstate == "DOWN"
    assert x.mac and x.ifindex
    assert set(state.namespaces[f"{p}ns2"].links) == {"lo", f"{p}vethP"}
    assert state.namespaces[f"{p}ns1"].nsid is not None


def test_namespace_that_does_not_exist_yet_is_absent() -> None:
    read = parse_read((IP / "blog-step-01.txt").read_text())
    assert read.vanished == {f"{PREFIX}ns2"}
    assert set(read.links) == {ROOT, f"{PREFIX}ns1"}
    assert list(read.root_ids or {}) == [f"{PREFIX}ns1"]


def test_an_entry_of_run_netns_that_is_no_namespace_does_not_stop_the_read() -> None:
    """Captured (tests/fixtures/ip/stale-netns-entry.txt) in a network and mount namespace
    of its own: ``ip netns add iptcapns1``, ``touch /run/netns/iptcapst`` (what a crash
    during ``ip netns add`` leaves), then iplab's read script for both."""
    read = parse_read((IP / "stale-netns-entry.txt").read_text())
    assert read.stale == {"iptcapst"} and read.vanished == set()
    assert set(read.links) == {ROOT, "iptcapns1"}
    assert set(read.root_ids or {}) == {"iptcapns1", "iptcapst"}
    state, _ambiguous = build_state(read.links, read.root_ids or {})
    assert set(state.namespaces) == {ROOT, "iptcapns1"}


def test_plain_ip_j_d_link_output_of_each_namespace() -> None:
    p = PREFIX
    links = {
        ROOT: parse_links(json.loads((IP / "blog-setup-link-root.json").read_text())),
        f"{p}ns1": parse_links(json.loads((IP / "blog-setup-link-ns1.json").read_text())),
        f"{p}ns2": parse_links(json.loads((IP / "blog-setup-link-ns2.json").read_text())),
    }
    root_ids: dict[str, int | None] = {f"{p}ns1": 0, f"{p}ns2": 1}
    state, _ = build_state(links, root_ids)
    q = state.namespaces[ROOT].links[f"{p}vethQ"]
    assert (q.peer, q.peer_ns, q.master) == (f"{p}vethP", f"{p}ns2", f"{p}br0")


def test_the_blog_series_own_pretty_printed_example() -> None:
    """`ip -d -j -p link show vethX` from part one (Ubuntu, another iproute2)."""
    data = json.loads((FIXTURES / "reference" / "part1-ip-d-j-p-link-show-vethX.json").read_text())
    [link] = parse_links(data)
    assert (link.name, link.ifindex, link.kind, link.up, link.mtu) == (
        "vethX",
        4,
        "veth",
        True,
        1500,
    )
    assert (link.link_name, link.operstate, link.mac) == ("vethY", "UP", "5e:4b:13:90:7d:63")
    assert link.link_index is None  # that iproute2 printed the peer's name, not its index


def test_same_namespace_peer_by_name_when_there_is_no_index() -> None:
    data = [
        {
            "ifindex": 4,
            "ifname": "vethX",
            "link": "vethY",
            "flags": [],
            "linkinfo": {"info_kind": "veth"},
        },
        {
            "ifindex": 5,
            "ifname": "vethY",
            "link": "vethX",
            "flags": [],
            "linkinfo": {"info_kind": "veth"},
        },
    ]
    state, _ = build_state({ROOT: parse_links(data)}, {})
    assert state.namespaces[ROOT].links["vethX"].peer == "vethY"


def test_fields_other_versions_add_or_leave_out_are_fine() -> None:
    data = [
        {"ifindex": 1, "ifname": "a", "new_field_from_2030": {"x": [1, 2]}},
        {
            "ifindex": 2,
            "ifname": "b",
            "flags": ["UP"],
            "linkinfo": {"info_kind": "vxlan"},
            "mtu": 1450,
        },
    ]
    a, b = parse_links(data)
    assert (a.kind, a.up, a.mtu, a.master) == ("unknown", False, None, None)
    assert (b.kind, b.up, b.mtu) == ("vxlan", True, 1450)


def test_ambiguous_indexes_are_resolved_with_namespace_ids() -> None:
    """Two pairs between fresh namespaces share their indexes (ns1:2<->ns2:2, ns3:2<->ns4:2)."""

    def veth(name: str, nsid: int) -> dict[str, object]:
        return {"ifindex": 2, "link_index": 2, "link_netnsid": nsid, "ifname": name, "flags": [],
                "linkinfo": {"info_kind": "veth"}}  # fmt: skip

    links = {
        ROOT: [],
        "ns1": parse_links([veth("a", 0)], "ns1"),
        "ns2": parse_links([veth("b", 0)], "ns2"),
        "ns3": parse_links([veth("c", 0)], "ns3"),
        "ns4": parse_links([veth("d", 0)], "ns4"),
    }
    state, ambiguous = build_state(links, {})
    assert ambiguous == {"ns1", "ns2", "ns3", "ns4"}
    assert state.namespaces["ns1"].links["a"].peer_ns is None  # never a guess
    maps = {"ns1": {0: "ns2"}, "ns2": {0: "ns1"}, "ns3": {0: "ns4"}, "ns4": {0: "ns3"}}
    state, ambiguous = build_state(links, {}, maps)
    assert not ambiguous
    a = state.namespaces["ns1"].links["a"]
    assert (a.peer, a.peer_ns) == ("b", "ns2")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ifname": "x"}, "the root namespace: expected a JSON list of links, found dict"),
        ([1], "the root namespace, link #1: expected an object, found int 1"),
        ([{"ifname": "x"}], "link #1: no 'ifname' or 'ifindex' in {\"ifname\": \"x\"}"),
        ([{"ifname": "x", "ifindex": "1"}], "link #1: field 'ifindex' is str '1'"),
        ([{"ifname": "x", "ifindex": 1, "mtu": "9000"}], "link x: field 'mtu' is str '9000'"),
        ([{"ifname": "x", "ifindex": 1, "flags": "UP"}], "link x: field 'flags' is str 'UP'"),
        ([{"ifname": "x", "ifindex": 1, "addr_info": [3]}], "link x: an addr_info entry is int"),
    ],
)
def test_malformed_input_is_a_parse_error_naming_the_part(data: object, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_links(data)
    assert message in str(info.value)


def test_netns_list_variants() -> None:
    assert parse_netns_list(None) == {}
    assert parse_netns_list([{"name": "a", "id": 3}, {"name": "b"}]) == {"a": 3, "b": None}
    with pytest.raises(ParseError, match="has no name"):
        parse_netns_list([{"id": 3}])


def test_interrupted_dump_is_read_again() -> None:
    good = (IP / "blog-step-18.txt").read_text()
    head, root = good.split("@@iplab root -\n")
    root = root.replace("@@iplab err 0\n", "@@iplab err 0\n" + INTERRUPTED_LINE, 1)
    bad = f"{head}@@iplab root -\n{root}"  # as ip prints it on stderr, after the dump
    assert bad != good
    answers = iter([bad, bad, good])

    class Shell:
        calls = 0

        def query(self, argv: object, privileged: bool, what: str) -> tuple[int, str, str]:
            Shell.calls += 1
            return 0, next(answers), ""

    state = iproute.read_state(Shell(), [f"{PREFIX}ns1", f"{PREFIX}ns2"])
    assert Shell.calls == 3
    assert f"{PREFIX}br0" in state.namespaces[ROOT].links


def test_always_interrupted_is_an_error_not_a_half_state() -> None:
    bad = "@@iplab root -\n[]\n@@iplab err 0\nDump was interrupted and may be inconsistent.\n"

    class Shell:
        def query(self, argv: object, privileged: bool, what: str) -> tuple[int, str, str]:
            return 0, bad, ""

    with pytest.raises(ParseError, match="kept saying 'Dump was interrupted"):
        iproute.read_state(Shell(), [])


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "ifname",
                    "ifindex",
                    "flags",
                    "mtu",
                    "linkinfo",
                    "info_kind",
                    "master",
                    "link_index",
                    "link_netnsid",
                    "addr_info",
                    "local",
                    "prefixlen",
                    "link",
                    "name",
                    "id",
                    "x",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(JSON)
def test_arbitrary_json_never_crashes_the_parser(data: object) -> None:
    try:
        links = parse_links(data, "ns")
        build_state({"ns": links, ROOT: []}, {})
    except ParseError:
        pass
    with contextlib.suppress(ParseError):
        parse_netns_list(data)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["@@iplab root -\n", "@@iplab netns -\n", "@@iplab ns a\n",
                                 "@@iplab err 0\n", "@@iplab err 1\n", "@@iplab err x\n", "[",
                                 "]", "{}", '{"ifname":"x","ifindex":1}', ",",
                                 "Cannot open network namespace\n", "garbage\n", "[]\n"]),
                max_size=12))  # fmt: skip
def test_arbitrary_read_output_never_crashes(parts: list[str]) -> None:
    try:
        read = parse_read("".join(parts))
        build_state(read.links, read.root_ids or {})
    except ParseError:
        pass
