"""The netlink reader's decoding, on real dumps captured next to ``ip -j -d addr show``.

tests/fixtures/capture_netlink.py saved, for each namespace of the blog's lab,
the link and address messages the reader receives and what iproute2 printed
at the same moment: decoded, they must give the links iproute.parse_links
gives from ip's JSON (the namespace ids they name are seen from different
namespaces, so only their presence is compared). No root needed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iplab import iproute, netlink
from iplab.errors import ParseError
from tests.conftest import FIXTURES

CAPTURES = sorted((FIXTURES / "ip").glob("netlink-*.json"))


def _load(path: Path) -> tuple[dict[str, object], list[bytes], list[bytes]]:
    doc = json.loads(path.read_text())
    links = [bytes.fromhex(m) for m in doc["links"]]
    addrs = [bytes.fromhex(m) for m in doc["addrs"]]
    return doc, links, addrs


@pytest.mark.parametrize("path", CAPTURES, ids=[p.stem for p in CAPTURES])
def test_decoded_dump_is_what_ip_prints(path: Path) -> None:
    doc, links, addrs = _load(path)
    ours = netlink.parse_dump(links, addrs, int(str(doc["target"])), str(doc["namespace"]))
    theirs = iproute.parse_links(doc["ip"], str(doc["namespace"]))
    assert len(ours) == len(theirs) >= 2
    for a, b in zip(ours, theirs, strict=True):
        assert (a.name, a.ifindex, a.kind, a.up, a.operstate, a.mtu, a.mac, a.master) == (
            b.name, b.ifindex, b.kind, b.up, b.operstate, b.mtu, b.mac, b.master,
        )  # fmt: skip
        assert (a.link_index, a.link_name, a.addresses) == (b.link_index, b.link_name, b.addresses)
        assert (a.link_netnsid is None) == (b.link_netnsid is None)


def test_a_dump_answered_for_another_namespace_is_refused() -> None:
    doc, links, addrs = _load(CAPTURES[0])
    with pytest.raises(ParseError, match="another namespace"):
        netlink.parse_dump(links, addrs, int(str(doc["target"])) + 1, "ns")


def test_link_type_words_and_addresses() -> None:
    assert netlink.mac_text(bytes([10, 0, 0, 1]), 776) == "10.0.0.1"  # sit: an IPv4 address
    assert netlink.mac_text(bytes([2, 0, 0, 0, 0, 0xAB]), 1) == "02:00:00:00:00:ab"
    assert netlink.LINK_TYPES[772] == "loopback" and netlink.LINK_TYPES[1] == "ether"
