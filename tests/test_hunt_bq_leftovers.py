"""Hunt BQ: smaller leftovers of the day's hunts (tests/fixtures/leftovers8/)."""

from __future__ import annotations

import pytest

from iplab import nettools
from iplab.names import ROOT
from iplab.state import after
from iplab.steps import NetnsExec
from iplab.words import reads_only
from tests import pages
from tests.conftest import FIXTURES

HERE = FIXTURES / "leftovers8"


def test_ifconfig_address_and_mtu_on_one_line_are_followed_by_the_model() -> None:
    """#2: ``ifconfig veth-l 10.50.0.1 netmask 255.255.255.0 mtu 1400 up`` (address and
    mtu on one line) left the link unknown to the model (one setting a line was read), so
    verify skipped it."""
    _, sc = pages.imported(HERE / "bq-ifconfig-address-and-mtu.md")
    held = after(sc.steps)
    links = {
        name: {k: (v.mtu, list(v.addresses), v.unknown, v.up) for k, v in space.links.items()}
        for name, space in held.namespaces.items()
        if name != ROOT
    }
    assert links["left"]["veth-l"] == (1400, ["10.50.0.1/24"], False, True)
    assert links["right"]["veth-r"] == (1400, ["10.50.0.2/24"], False, True)


@pytest.mark.parametrize(
    ("command", "lines"),
    [
        (
            "ifconfig eth0 10.0.0.1 netmask 255.255.255.0 mtu 1400 up",
            [
                "ip addr add 10.0.0.1/24 dev eth0",
                "ip link set eth0 mtu 1400",
                "ip link set eth0 up",
            ],
        ),
        (
            "ifconfig eth0 mtu 9000 10.0.0.1/24",
            ["ip link set eth0 mtu 9000", "ip addr add 10.0.0.1/24 dev eth0"],
        ),
        (
            "ifconfig eth0 hw ether 02:00:00:00:00:01 192.168.1.5 up",
            [
                "ip link set eth0 address 02:00:00:00:00:01",
                "ip addr add 192.168.1.5/24 dev eth0",
                "ip link set eth0 up",
            ],
        ),
        ("ifconfig eth0 10.0.0.1 10.0.0.2", None),  # (two addresses: ifconfig's own error)
        ("ifconfig eth0 10.0.0.1 mtu 1400 broadcast 10.0.0.255", None),
        ("ifconfig eth0 mtu", None),
        ("ifconfig eth0 netmask 255.255.255.0", None),
        ("ifconfig eth0 0.0.0.0 netmask 255.0.0.0", None),
    ],
)
def test_ifconfig_settings_on_one_line(command: str, lines: list[str] | None) -> None:
    assert nettools.as_ip(command) == lines


def test_a_reader_under_timeout_is_no_step_iplab_cannot_undo() -> None:
    """#3: ``ip netns exec a timeout 2 ping 10.9.0.2`` was listed as a step iplab cannot
    undo: ``timeout N`` around a reader (it only reads) is a reader."""
    result, sc = pages.imported(HERE / "bq-timeout-ping.md")
    assert "cannot undo" not in result.yaml, result.yaml
    last = sc.setup[-1].op
    assert isinstance(last, NetnsExec) and last.command == "timeout 2 ping 10.9.0.2"
    assert last.observes


@pytest.mark.parametrize(
    ("command", "reads"),
    [
        ("timeout 2 ping 10.9.0.2", True),
        ("timeout -s INT 5 tcpdump -ni v0", True),
        ("nice -n 5 ip -br addr", True),
        ("timeout 5 tcpdump -w x.pcap", False),  # (it writes a file)
        ("timeout 2 ip link del x", False),
        ("timeout 3", False),
        ("nohup ping 10.9.0.2", False),  # (nohup may write nohup.out)
    ],
)
def test_what_a_wrapper_of_a_reader_reads(command: str, reads: bool) -> None:
    assert reads_only(command) is reads
