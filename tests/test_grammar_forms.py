"""iproute2's grammar on the forms its man pages give (ip(8), ip-link(8), ip-address(8),
ip-route(8), ip-netns(8), bridge(8)): each reads as the op it is, and renders back as
written; a form the model does not follow, or iproute2 refuses, stays a raw line."""

from __future__ import annotations

import pytest

from iplab.lineparse import classify, renders_as
from iplab.steps import Raw

TYPED = [
    "ip -all netns exec ip link",  # a reader: run in the lab's namespaces (hunt O; was RAW)
    "ip -4 -d -s -r -o -t link set veth0 up",
    "ip -human -iec -json -pretty link set veth0 down",
    "ip -c=never -N link set dev veth0 mtu 9000",
    "ip -loops 3 -family inet addr add 10.0.0.1/24 dev veth0",
    "ip -force link set veth0 name veth9",
    "ip -rcvbuf 65536 link set veth0 up",
    "ip -n red link set lo up",
    "ip -netns red addr add 10.1.0.1/24 dev lo",
    "ip link set veth0 address 02:00:00:00:00:01",
    "ip link set veth0 broadcast ff:ff:ff:ff:ff:ff",
    "ip link set veth0 txqueuelen 500",
    "ip link set veth0 qlen 500",
    "ip link set veth0 netns 1",
    "ip link set veth0 netns red",
    "ip link set veth0 arp off",
    "ip link set veth0 multicast on",
    "ip link set veth0 master br0",
    "ip link set veth0 nomaster",
    "ip link set veth0 alias uplink",
    "ip link set veth0 group 3",
    "ip link add veth0 type veth",
    "ip link add veth0 type veth peer name veth1 netns red",
    "ip link add name br0 type bridge",
    "ip link add br0 type bridge vlan_filtering 1",
    "ip link add veth0 mtu 1400 type veth peer veth1",
    "ip address add 10.0.0.1/24 dev veth0",
    "ip addr add 10.0.0.1/24 brd + dev veth0",
    "ip addr add 10.0.0.1/24 dev veth0 label veth0:1",
    "ip addr add 2001:db8::1/64 dev veth0",
    "ip addr del 10.0.0.1/24 dev veth0",
    "ip route add 10.2.0.0/16 via 10.0.0.254",
    "ip route add default via 10.0.0.254 dev veth0",
    "ip route add 10.3.0.0/24 dev veth0 metric 100",
    "ip route add 10.4.0.0/24 dev veth0 table 100",
    "ip route del 10.2.0.0/16",  # (hunt B: was raw; the kernel deletes it by prefix)
    "ip route add 10.6/16 via 10.0.0.254",  # (hunt B: iproute2 reads 10.6.0.0/16)
    "ip netns add red",
    "ip netns del red",
    "ip netns delete red",
    "ip netns exec red ip link set lo up",
    "ip link del veth0",
    "ip link delete dev veth0",
    "bridge vlan add dev veth0 vid 10 pvid untagged",
    "bridge vlan del dev veth0 vid 10",
]

RAW = [
    "ip -Version",
    "ip -batch cmds.txt",
    "ip -help",
    "ip -n red -n blue link set lo up",
    "ip link set veth0 mtu 10",
    "ip link set veth0 arp maybe",
    "ip link add link eth0 name v10 type vlan id 10",
    "ip link set veth0 veth1",
    "ip link add veth0 peer name veth1",
    "ip link add veth0 type veth peer name veth1 type veth",
    "ip route add 10.9.0.0/16 nexthop via 10.0.0.254 nexthop via 10.0.0.253",
]


@pytest.mark.parametrize("line", TYPED)
def test_a_man_page_form_reads_as_a_typed_op(line: str) -> None:
    parsed = classify(line)
    assert parsed.typed, f"{line}: {parsed.op!r}"
    assert not isinstance(parsed.op, Raw)
    assert renders_as(parsed.op, parsed.sudo, line)


@pytest.mark.parametrize("line", RAW)
def test_a_form_the_model_does_not_follow_stays_raw(line: str) -> None:
    parsed = classify(line)
    assert not parsed.typed and parsed.op.text is None
    assert getattr(parsed.op, "command", None) == line
