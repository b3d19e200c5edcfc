"""Hunt DF #2: an imported script's lines that change the host itself are said.

``host-sysctl-conf-and-root-nat.sh`` (after a public namespace-simulation assignment)
turns on forwarding by appending ``net.ipv4.ip_forward = 1`` to the host's
/etc/sysctl.conf and running ``sudo sysctl -p`` (the host's sysctls, not the router
namespace's), and adds its FORWARD and MASQUERADE rules to the root namespace's packet
filter. ``iplab import`` said "model: OK" and nothing of them: a user reading the summary
could not tell the lab reaches past its namespaces. The summary now lists each such line
with what it changes (up journals it, down puts it back); a lab of namespaces only says
nothing more.
"""

from __future__ import annotations

from iplab.hostsaid import host_change
from iplab.importer.convert import import_text
from iplab.steps import Raw
from tests.conftest import FIXTURES
from tests.pages import imported

PAGES = FIXTURES / "hunt-df"


def test_the_host_file_the_sysctl_load_and_the_firewall_are_said() -> None:
    result, _lab = imported(PAGES / "host-sysctl-conf-and-root-nat.sh")
    summary = result.summary()
    assert "10 steps change the host itself, outside the lab's namespaces" in summary, summary
    assert (
        '  line 75: echo "net.ipv4.ip_forward = 1" | sudo tee -a /etc/sysctl.conf: appends to'
        " the host's /etc/sysctl.conf\n"
    ) in summary
    assert "  line 76: sudo sysctl -p: loads /etc/sysctl.conf into the host's sysctls" in summary
    assert (
        "  line 94: sudo iptables -t nat -A POSTROUTING -o zbr0 -j MASQUERADE: changes the"
        " host's packet filter"
    ) in summary
    # (the file's trailer says it too)
    assert "# 10 steps change the host itself" in result.yaml


def test_a_lab_of_namespaces_only_says_nothing_of_the_host() -> None:
    result, _lab = imported(PAGES / "set-e-router-connected-route-again.sh")
    assert "the host itself" not in result.summary()


def test_the_same_lines_inside_a_namespace_are_the_labs() -> None:
    script = (
        "ip netns add r\n"
        "ip netns exec r sysctl -w net.ipv4.ip_forward=1\n"
        "ip netns exec r iptables -t nat -A POSTROUTING -j MASQUERADE\n"
    )
    result = import_text(script, "shell", "lab.sh")
    assert "the host itself" not in result.summary(), result.summary()


def test_each_kind_is_named() -> None:
    assert host_change(Raw(command="sysctl -w net.ipv4.ip_forward=1")) == (
        "writes the host's sysctl net.ipv4.ip_forward"
    )
    said = host_change(Raw(command="iptables -P FORWARD ACCEPT"))
    assert said is not None and "policy of the host's FORWARD chain" in said
    said = host_change(Raw(command="nft add rule inet f input accept"))
    assert said is not None and "packet filter" in said
    said = host_change(Raw(command="mkdir -p /etc/netns/red"))
    assert said == "writes the host's /etc/netns/red", said
    assert host_change(Raw(command="iptables -L -n", observes=True)) is None
    assert host_change(Raw(command="echo hello")) is None
    one = import_text("ip netns add r\nsysctl -w net.ipv4.ip_forward=1\n", "shell", "l.sh")
    assert "1 step changes the host itself" in one.summary(), one.summary()
