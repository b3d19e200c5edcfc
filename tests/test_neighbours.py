"""Lasting neighbours a lab adds (static ARP, NDP entries) are read back and compared by
verify (iplab/neighwords.py, iplab/neighbours.py): before, ``ip neigh add ... nud
permanent`` was said "neighbours of X not compared" and an entry deleted by hand passed."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import verify
from iplab.errors import ParseError
from iplab.neighbours import differences, parse_neighbours
from iplab.neighwords import Write, takes_away, unfollowed, writes
from iplab.plan import build, expected_state
from iplab.scenario import load_text

FIXTURES = Path(__file__).parent / "fixtures" / "neighbours"


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("ip neigh add 10.0.0.2 lladdr 02:42:AC:11:00:02 dev veth0",
         [Write(None, "add", "veth0", "10.0.0.2", "02:42:ac:11:00:02")]),
        ("sudo ip n a 10.0.0.2 lladdr 2:0:0:0:0:5 dev veth0 nud noarp",
         [Write(None, "add", "veth0", "10.0.0.2", "02:00:00:00:00:05", "noarp")]),
        ("ip -n red neighbour replace to 10.0.0.2 dev veth0 lladdr 02:00:00:00:00:02",
         [Write("red", "add", "veth0", "10.0.0.2", "02:00:00:00:00:02")]),
        ("ip netns exec red ip -6 neigh chg fe80:0::2 lladdr 02:00:00:00:00:02 dev v0",
         [Write("red", "add", "v0", "fe80::2", "02:00:00:00:00:02")]),
        ("ip netns exec red bash -c 'ip neigh del 10.0.0.2 dev v0; ip neigh show'",
         [Write("red", "delete", "v0", "10.0.0.2")]),
        ("ip -netns red neigh flush dev v0 nud all nud noarp",
         [Write("red", "flush", "v0", nuds=("all", "noarp"))]),
        ("ip neigh add proxy 10.0.0.9 dev v0",
         [Write(None, "add", "v0", "10.0.0.9", proxy=True)]),
        ("ip netns exec red arp -i v0 -s 10.0.0.2 2:0:0:0:0:2",
         [Write("red", "add", "v0", "10.0.0.2", "02:00:00:00:00:02")]),
        ("arp -s 10.0.0.2 02:00:00:00:00:02 temp -i v0",
         [Write(None, "add", "v0", "10.0.0.2", "02:00:00:00:00:02", "reachable")]),
        ("arp -s 10.0.0.9 02:00:00:00:00:02 pub -i v0",
         [Write(None, "add", "v0", "10.0.0.9", "02:00:00:00:00:02", proxy=True)]),
        ("arp -d 10.0.0.2 -i v0", [Write(None, "delete", "v0", "10.0.0.2")]),
        ("arp -f /etc/ethers", [Write(None, "add")]),  # (what the file holds: not known)
        ("arp -n", []),
        ("ip neigh show dev v0", []),
        ("ip -n red neigh", []),
        ("ip link set v0 up", []),
    ],
)  # fmt: skip
def test_the_words_of_a_neighbour_line_as_ip_reads_them(line: str, want: list[Write]) -> None:
    assert writes(line) == want


def test_which_writes_verify_compares() -> None:
    followed, noarp, passing, proxy, unnamed, bad = (
        writes(line)[0]
        for line in (
            "ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0",
            "ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0 nud noarp",
            "ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0 nud reachable",
            "ip neigh add proxy 10.0.0.2 dev v0",
            "ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:02",
            "ip neigh add 10.0.0.2 lladdr 02:00:zz:00:00:02 dev v0",
        )
    )
    assert followed.followed and noarp.followed
    assert (followed.state, noarp.state) == ("PERMANENT", "NOARP")
    assert not any(w.followed for w in (passing, proxy, unnamed, bad))
    assert unfollowed("ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0 nud stale")
    assert not unfollowed("ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0")
    taken = [
        takes_away(writes(f"ip neigh flush dev v0 {nuds}")[0])
        for nuds in ("", "nud permanent", "nud all", "nud noarp nud all", "nud all nud noarp")
    ]
    both = {"PERMANENT", "NOARP"}
    assert taken == [set(), {"PERMANENT"}, {"PERMANENT"}, both, both]


_LAB = """\
name: pins
setup:
  - action: netns add
    name: a
  - action: netns add
    name: b
  - line: ip link add va netns a type veth peer name vb netns b
  - line: ip -n a addr add 10.9.0.1/24 dev va
  - line: ip -n a link set va up
  - action: raw
    command: ip -n a neigh add 10.9.0.2 lladdr 02:00:00:00:00:02 dev va
  - action: raw
    command: ip -n a neigh add fe80::2 lladdr 02:00:00:00:00:05 dev va nud noarp
"""


def _pinned(*more: str) -> dict[str, dict[tuple[str, str], tuple[str, str]]]:
    """What verify compares after the lab above and ``more`` raw lines in namespace a."""
    text = _LAB + "".join(f"  - action: raw\n    command: {line}\n" for line in more)
    return verify.written_neighbours(expected_state(build(load_text(text, "pins.yaml"))))


BOTH = {("va", "10.9.0.2"): ("02:00:00:00:00:02", "PERMANENT"),
        ("va", "fe80::2"): ("02:00:00:00:00:05", "NOARP")}  # fmt: skip


@pytest.mark.parametrize(
    ("more", "left"),
    [
        ((), BOTH),
        (("ip -n a neigh flush dev va",), BOTH),  # (a flush leaves lasting entries)
        (("ip -n a neigh flush dev va nud all",), {("va", "fe80::2"): BOTH[("va", "fe80::2")]}),
        (("ip -n a neigh flush dev va nud all nud noarp",), {}),
        (("ip -n a neigh del 10.9.0.2 dev va",), {("va", "fe80::2"): BOTH[("va", "fe80::2")]}),
        (("ip -n a neigh replace 10.9.0.2 lladdr 02:00:00:00:00:03 dev va nud stale",),
         {("va", "fe80::2"): BOTH[("va", "fe80::2")]}),
        (("ip -n a neigh replace 10.9.0.2 lladdr 02:00:00:00:00:03 dev va",),
         {**BOTH, ("va", "10.9.0.2"): ("02:00:00:00:00:03", "PERMANENT")}),
    ],
)  # fmt: skip
def test_the_model_follows_what_a_raw_line_does_to_the_entries(
    more: tuple[str, ...], left: dict[tuple[str, str], tuple[str, str]]
) -> None:
    assert _pinned(*more).get("a", {}) == left


@pytest.mark.parametrize(
    "after",
    [
        "  - line: ip -n a link set va down\n",
        "  - line: ip -n a link set va address 02:00:00:00:00:99\n",
        "  - line: ip -n a link set va netns b\n",
        "  - line: ip -n a link del va\n",
        "  - action: raw\n    command: /usr/local/bin/more-links va\n",  # (of unknown effect)
    ],
)
def test_what_takes_the_entries_away_as_the_kernel_does(after: str) -> None:
    """A link down, its address changed, moved, deleted: the kernel flushes its entries,
    the lasting ones too (checked on the kernel: test_neighbours_kernel.py); a step of
    unknown effect after them: not compared."""
    text = _LAB + after
    expected = expected_state(build(load_text(text, "pins.yaml")))
    assert verify.written_neighbours(expected) == {}


def test_the_last_ipv4_address_removed_takes_the_ipv4_entries_alone() -> None:
    text = _LAB + "  - line: ip -n a addr del 10.9.0.1/24 dev va\n"
    expected = expected_state(build(load_text(text, "pins.yaml")))
    assert verify.written_neighbours(expected) == {
        "a": {("va", "fe80::2"): BOTH[("va", "fe80::2")]}
    }


def test_the_verdict_counts_them_and_says_the_passing_ones_apart() -> None:
    text = (
        _LAB + "  - action: raw\n    command: ip -n a neigh add 10.9.0.7 lladdr"
        " 02:00:00:00:00:07 dev va nud reachable\n"
    )
    said = verify.verdict(expected_state(build(load_text(text, "pins.yaml"))))
    assert "2 neighbours" in said
    assert "other neighbours of a not compared" in said


def test_a_captured_read_and_what_differs() -> None:
    """tests/fixtures/neighbours/read.txt: capture_neighbours.py's real read (a permanent,
    a NOARP and a reachable entry in iptnbA, none in iptnbB, a namespace gone)."""
    read = parse_neighbours((FIXTURES / "read.txt").read_text())
    assert set(read) == {"iptnbA", "iptnbB"}
    assert read["iptnbA"][("nbva", "10.9.0.2")] == ("02:00:00:00:00:02", ("PERMANENT",))
    assert read["iptnbA"][("nbva", "fe80::2")] == ("02:00:00:00:00:05", ("NOARP",))
    assert read["iptnbB"] == {}
    with pytest.raises(ParseError, match="not JSON"):
        parse_neighbours("@@iplab neigh x\n[{\n@@iplab err 0\n")


def test_differences_name_the_link_the_entry_and_what_the_kernel_holds() -> None:
    text = """\
name: captured
setup:
  - action: netns add
    name: iptnbA
  - action: netns add
    name: iptnbB
  - line: ip link add nbva netns iptnbA type veth peer name nbvb netns iptnbB
  - line: ip -n iptnbA addr add 10.9.0.1/24 dev nbva
  - line: ip -n iptnbA link set nbva up
  - action: raw
    command: ip -n iptnbA neigh add 10.9.0.2 lladdr 02:00:00:00:00:02 dev nbva
  - action: raw
    command: ip -n iptnbA neigh add 10.9.0.3 lladdr 02:00:00:00:00:03 dev nbva
  - action: raw
    command: ip -n iptnbA neigh add fe80::2 lladdr 02:00:00:00:00:09 dev nbva nud noarp
"""
    expected = expected_state(build(load_text(text, "captured.yaml")))
    observed = expected.copy()
    found = differences(expected, observed, parse_neighbours((FIXTURES / "read.txt").read_text()))
    assert [str(d) for d in found] == [
        "nbva@iptnbA.neighbour 10.9.0.3: expected 02:00:00:00:00:03 PERMANENT, found none",
        "nbva@iptnbA.neighbour fe80::2: expected 02:00:00:00:00:09 NOARP,"
        " found 02:00:00:00:00:05 NOARP",
    ]
    assert found[0].kind is verify.DifferenceKind.NEIGHBOUR and found[0].namespace == "iptnbA"


def test_a_noarp_entry_off_a_veth_is_not_compared_and_said() -> None:
    """A NOARP entry goes when its link loses its carrier (the kernel's neigh_carrier_down),
    which the model follows for a veth alone: on a bridge (its last port down), it is not
    compared, and the verdict says so; a permanent one there is (hunt CH's leftover)."""
    text = (
        "name: br\nsetup:\n  - action: netns add\n    name: a\n"
        "  - line: ip -n a link add br0 type bridge\n"
        "  - line: ip -n a addr add 10.9.0.1/24 dev br0\n"
        "  - line: ip -n a link set br0 up\n"
        "  - action: raw\n    command: ip -n a neigh add 10.9.0.2 lladdr 02:00:00:00:00:02"
        " dev br0 nud noarp\n"
        "  - action: raw\n    command: ip -n a neigh add 10.9.0.3 lladdr 02:00:00:00:00:03"
        " dev br0\n"
    )
    expected = expected_state(build(load_text(text, "br.yaml")))
    assert verify.written_neighbours(expected) == {
        "a": {("br0", "10.9.0.3"): ("02:00:00:00:00:03", "PERMANENT")}
    }
    said = verify.verdict(expected)
    assert "1 neighbour; other neighbours of a not compared" in said, said
