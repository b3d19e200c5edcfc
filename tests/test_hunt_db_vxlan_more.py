"""Hunt DB #2: a vxlan's ``nolearning``/``learning`` and ``ttl`` are compared.

Counted in tests/fixtures: ``nolearning`` in ten pages' ``type vxlan`` lines, ``ttl`` in two
(z4's ``ttl 5``), ``learning`` and ``proxy`` in one each; tos, l2miss, l3miss, udpcsum and
the source port range in none. Before, ``nolearning`` or a ttl turned back by hand after
``up`` passed verify. Both are read from the read verify makes already: ``ip -j -d link``'s
``info_data`` (``learning`` true/false, ``ttl`` a number, none with ``ttl inherit``) and
netlink (linux/if_link.h: IFLA_VXLAN_TTL 5, IFLA_VXLAN_LEARNING 7, IFLA_VXLAN_TTL_INHERIT
28, each a u8). Not written: the kernel's, learning on, ttl 0 ("auto").
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from iplab import iproute
from iplab import vxlan as vx
from iplab.plan import build, expected_state
from iplab.scenario import load
from tests.pages import imported_file
from tests.test_hunt_cn_link_settings import _up_break_verify

Z4 = Path(__file__).parent / "fixtures" / "overlays-formats" / "z4-vxlan-multicast.rst"


@pytest.mark.parametrize(
    ("words", "want"),
    [
        ("id 5 dstport 4789 nolearning ttl 5", {"learning": "off", "ttl": "5"}),
        ("id 6", {"learning": "on", "ttl": "0"}),
        ("id 7 ttl inherit learning", {"learning": "on", "ttl": "inherit"}),
        ("id 8 ttl auto nolearn", {"learning": "off", "ttl": "0"}),
        ("id 9 hoplimit 0x10", {"learning": "on", "ttl": "16"}),
        ("id 9 ttl $TTL", {"learning": "on"}),
    ],
)
def test_the_words_are_read_as_ip_reads_them(words: str, want: dict[str, str]) -> None:
    written = vx.settings_written(words.split(), made=True) or {}
    assert {k: v for k, v in written.items() if k in vx.MORE and v is not None} == want


def test_the_readers_name_them() -> None:
    data = [
        {"ifindex": 5, "ifname": "vx5", "flags": [], "txqlen": 1000,
         "linkinfo": {"info_kind": "vxlan", "info_data": {
             "id": 47, "port": 4789, "learning": False, "ttl": 5}}},
        {"ifindex": 6, "ifname": "vx6", "flags": [], "txqlen": 1000,
         "linkinfo": {"info_kind": "vxlan", "info_data": {"id": 48, "port": 4789,
                                                          "learning": True}}},
    ]  # fmt: skip
    vx5, vx6 = iproute.parse_links(data)
    assert (vx5.settings["learning"], vx5.settings["ttl"]) == ("off", "5")
    assert (vx6.settings["learning"], vx6.settings["ttl"]) == ("on", "inherit")
    attrs = {vx.IFLA_VXLAN_ID: struct.pack("=I", 1), vx.IFLA_VXLAN_TTL: b"\x05",
             vx.IFLA_VXLAN_LEARNING: b"\x00"}  # fmt: skip
    assert {k: vx.from_attributes(attrs)[0][k] for k in vx.MORE} == {"learning": "off", "ttl": "5"}
    attrs[vx.IFLA_VXLAN_TTL_INHERIT] = b"\x01"
    assert vx.from_attributes(attrs)[0]["ttl"] == "inherit"


def test_the_model_holds_what_z4_writes(tmp_path: Path) -> None:
    expected = expected_state(build(load(str(imported_file(Z4, tmp_path)))))
    got = {
        ns: (link.settings["learning"], link.settings["ttl"])
        for ns, link in expected.links()
        if link.kind == "vxlan"
    }
    assert got == {"hv1": ("on", "5"), "hv2": ("on", "5"), "hv3": ("off", "0")}


@pytest.mark.kernel
def test_learning_and_ttl_changed_by_hand_are_differences(tmp_path: Path) -> None:
    p = "hdb0a1"
    out, said = _up_break_verify(
        Z4, p,
        f"ip -n {p}hv1 link set {p}vx100 type vxlan ttl 9\n"
        f"ip -n {p}hv3 link set {p}vx100 type vxlan learning\n",
        tmp_path,
    )  # fmt: skip
    assert "clean=0" in out and "broken=1" in out, out + said
    for line in (
        f"{p}vx100@{p}hv1.ttl: expected 5, found 9",
        f"{p}vx100@{p}hv3.learning: expected off, found on",
    ):
        assert line in said, said
