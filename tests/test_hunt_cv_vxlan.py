"""Hunt CV: verify compares a vxlan's id, remote (group), local, dstport and dev.

Before, a vxlan's settings changed by hand after ``up`` (``ip link set vx10 type vxlan
remote 172.20.0.9``) passed with "vxlan settings (id, remote, group, dstport) of vx10@red
not compared". The model takes them from ``ip link add NAME type vxlan id N [remote A]
[local A] [group G] [dstport P] [dev D]`` as ip/iplink_vxlan.c reads them (the kernel's 8472
where no dstport is written, or ``dstport 0``: ip warns "destination port not specified",
checked on this kernel), follows ``ip link set X type vxlan remote A``, the dev renamed, the
vxlan moved (the kernel keeps its settings; ip names its dev by another namespace's index
then: not compared, said); the readers take them from the same read (``ip -j -d``
linkinfo.info_data; netlink IFLA_INFO_DATA IFLA_VXLAN_*).
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from iplab import iproute, netlink, verify
from iplab import vxlan as vx
from iplab.plan import build, expected_state
from iplab.scenario import load
from iplab.state import State
from tests.pages import imported_file
from tests.test_hunt_cn_link_settings import _up_break_verify

FIXTURES = Path(__file__).parent / "fixtures"
MOVED = FIXTURES / "hunt-cv" / "vxlan-move-rename.md"
TWO_HOSTS = FIXTURES / "overlays-formats" / "z1-vxlan-two-hosts.md"
FLANNEL = FIXTURES / "k8s-by-hand" / "am2-flannel-vxlan.sh"


def _vxlans(state: State) -> dict[str, dict[str, str]]:
    return {
        f"{link.name}@{ns}": {k: v for k, v in link.settings.items() if k in vx.KEYS}
        for ns, link in state.links()
        if link.kind == "vxlan"
    }


def _expected(page: Path, tmp_path: Path) -> State:
    return expected_state(build(load(str(imported_file(page, tmp_path)))))


def test_the_model_follows_a_rename_a_change_and_a_move(tmp_path: Path) -> None:
    expected = _expected(MOVED, tmp_path)
    assert _vxlans(expected) == {
        # (no dstport written: the kernel's 8472; remote changed by 'link set ... type vxlan')
        "vx10@red": {"id": "10", "remote": "172.20.0.2", "group": "", "local": "172.20.0.1",
                     "dev": "underlay-r", "dstport": "8472"},
        # (its dev renamed underlay-b -> ul-blue)
        "vx10@blue": {"id": "10", "remote": "172.20.0.1", "group": "", "local": "172.20.0.2",
                      "dev": "ul-blue", "dstport": "8472"},
        # (moved from the root namespace: it keeps them all)
        "vx-spare@blue": {"id": "99", "remote": "192.0.2.99", "group": "", "local": "",
                          "dev": "", "dstport": "4789"},
    }  # fmt: skip
    said = verify.verdict(expected)
    assert said == "the kernel holds what the scenario promised (2 namespaces, 7 links)", said


def test_real_pages_hold_what_they_write(tmp_path: Path) -> None:
    assert _vxlans(_expected(FLANNEL, tmp_path))["flannel.1@node1"] == {
        "id": "1", "remote": "", "group": "", "local": "172.18.0.11", "dev": "eth0",
        "dstport": "8472",
    }  # fmt: skip
    two = _expected(TWO_HOSTS, tmp_path)
    assert _vxlans(two)["vxlan0@host2"]["remote"] == "10.0.0.1"
    assert "vxlan" not in verify.verdict(two)


@pytest.mark.parametrize(
    ("words", "want"),
    [
        ("id 42", {"id": "42", "dstport": "8472", "remote": "", "group": "", "local": "",
                   "dev": ""}),
        ("vni 0x10 dstport 0 gpe", {"id": "16", "dstport": "4790"}),
        ("id 5 group ff05::100 dev eth1 dstport 4789", {"group": "ff05::100", "remote": ""}),
        ("id 5 remote 2001:DB8::0:2 dstport 4789", {"remote": "2001:db8::2"}),
        ("i 7 rem 10.0.0.2 loc 10.0.0.1 d v0 dst 4789 nolearning ttl 5 srcport 1 2",
         {"id": "7", "remote": "10.0.0.2", "local": "10.0.0.1", "dev": "v0",
          "dstport": "4789"}),
    ],
)  # fmt: skip
def test_the_words_are_read_as_ip_reads_them(words: str, want: dict[str, str]) -> None:
    got = vx.settings_written(words.split(), made=True)
    assert got is not None and {k: got[k] for k in want} == want, got


def test_what_the_model_cannot_read_is_not_compared_and_said(tmp_path: Path) -> None:
    assert vx.settings_written(["id", "$VNI", "dstport", "4789"], made=True) == {
        "id": None, "dstport": "4789", "remote": "", "group": "", "local": "", "dev": "",
        "learning": "on", "ttl": "0",  # (hunt DB: the kernel's, compared too)
    }  # fmt: skip
    assert vx.settings_written(["external"], made=True) is None
    lab = tmp_path / "lab.yaml"
    lab.write_text(
        "name: v\nsetup:\n  - line: ip netns add h\n"
        "  - action: raw\n    command: ip -n h link add vx1 type vxlan external\n"
    )
    said = verify.verdict(expected_state(build(load(str(lab)))))
    assert "vxlan settings (id, remote, group, local, dstport, dev) of vx1@h not" in said, said


def test_the_json_reader_names_each_setting() -> None:
    data = [
        {"ifindex": 5, "ifname": "vx5", "flags": [], "txqlen": 1000,
         "linkinfo": {"info_kind": "vxlan", "info_data": {
             "id": 47, "remote6": "2001:db8::9", "link": "if3", "port": 4789}}},
    ]  # fmt: skip
    (vx5,) = iproute.parse_links(data)
    assert {k: vx5.settings[k] for k in vx.KEYS} == {
        "id": "47",
        "remote": "2001:db8::9",
        "group": "",
        "local": "",
        "dstport": "4789",
        "dev": "if3",
    }


def test_the_netlink_reader_names_each_setting() -> None:
    attrs = {
        vx.IFLA_VXLAN_ID: struct.pack("=I", 100),
        vx.IFLA_VXLAN_GROUP: bytes([239, 1, 1, 1]),
        vx.IFLA_VXLAN_LOCAL: bytes([10, 0, 0, 1]),
        vx.IFLA_VXLAN_LINK: struct.pack("=I", 7),
        vx.IFLA_VXLAN_PORT: struct.pack("!H", 4789),
    }
    settings, dev = vx.from_attributes(attrs)
    assert dev == 7
    assert settings == {"id": "100", "remote": "", "group": "239.1.1.1", "local": "10.0.0.1",
                        "dstport": "4789", "dev": ""}  # fmt: skip
    assert netlink.IFLA_INFO_DATA == 2


@pytest.mark.kernel
def test_vxlan_settings_broken_by_hand_are_differences(tmp_path: Path) -> None:
    p = "hcv0a1"
    out, said = _up_break_verify(
        MOVED, p,
        f"ip -n {p}red link set {p}vx10 type vxlan remote 172.20.0.9\n"
        f"ip -n {p}blue link del {p}vx10\n"
        f"ip -n {p}blue link add {p}vx10 type vxlan id 11 local 172.20.0.2 dstport 4789\n",
        tmp_path,
    )  # fmt: skip
    assert "clean=0" in out and "broken=1" in out, out + said
    assert "(2 namespaces, 7 links)\n" in said, said
    for line in (
        f"{p}vx10@{p}red.remote: expected 172.20.0.2, found 172.20.0.9",
        f"{p}vx10@{p}blue.id: expected 10, found 11",
        f"{p}vx10@{p}blue.remote: expected 172.20.0.1, found none",
        f"{p}vx10@{p}blue.dstport: expected 8472, found 4789",
        f"{p}vx10@{p}blue.dev: expected {p}ul-blue, found none",
    ):
        assert line in said, said


@pytest.mark.kernel
def test_a_real_page_runs_clean(tmp_path: Path) -> None:
    out, said = _up_break_verify(TWO_HOSTS, "hcv0a2", "true", tmp_path)
    assert "clean=0" in out and "broken=0" in out, out + said
