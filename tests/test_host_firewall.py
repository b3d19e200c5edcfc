"""The host's packet filter: a tutorial that gives its namespaces the internet sets
``iptables -P FORWARD ACCEPT`` and cleans up with ``iptables -t nat -F``. The policy is
put back as the host had it; a flush of the host's own chains (Docker's rules, a
firewall's, other labs') is refused before anything runs. (Found by a hunt: both ran as
written, and the run said the host was as before.)"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.inverse import policy_inverse
from iplab.lineparse import classify
from iplab.plan import build
from iplab.steps import Raw
from iplab.words import policy_write, reaches_the_hosts_rules
from tests.conftest import assert_refused
from tests.kernel import apart


@pytest.mark.parametrize(
    ("command", "write"),
    [
        ("iptables -P FORWARD ACCEPT", ("iptables", "filter", "FORWARD", "ACCEPT")),
        ("sudo iptables -t nat -P POSTROUTING ACCEPT",
         ("iptables", "nat", "POSTROUTING", "ACCEPT")),
        ("ip6tables --policy INPUT DROP", ("ip6tables", "filter", "INPUT", "DROP")),
        ("iptables -A FORWARD -j ACCEPT", None),
        ("iptables -P FORWARD ACCEPT; iptables -F", None),
    ],
)  # fmt: skip
def test_a_policy_write(command: str, write: tuple[str, str, str, str] | None) -> None:
    assert policy_write(command) == write


def test_the_policy_read_before_is_put_back() -> None:
    undo = policy_inverse(
        ("iptables", "filter", "FORWARD", "ACCEPT"), "-P FORWARD DROP\n-A FORWARD -j DOCKER\n"
    )
    assert undo is not None and isinstance(undo.op, Raw)
    assert undo.op.command == "iptables -t filter -P FORWARD DROP"
    assert policy_inverse(("iptables", "filter", "FORWARD", "ACCEPT"), "") is None


@pytest.mark.parametrize(
    "command",
    [
        "iptables -F",
        "sudo iptables -t nat -F",
        "iptables -F FORWARD",
        "iptables --flush POSTROUTING -t nat",
        "iptables -t nat -X",
        "iptables-restore < rules.v4",
        "nft flush ruleset",
        "ip link set x up && iptables -F",
    ],
)
def test_a_flush_of_the_hosts_rules_is_refused_in_the_root_namespace(command: str) -> None:
    assert reaches_the_hosts_rules(command) is not None
    assert_refused(command, "every rule of the host's")


@pytest.mark.parametrize(
    "command",
    [
        "iptables -F LABCHAIN",  # a chain -N made: the lab's own
        "iptables -X LABCHAIN",
        "iptables-restore --noflush < lab.rules",
        "iptables -D FORWARD -i v0 -j ACCEPT",
        "echo iptables -F",
    ],
)
def test_the_labs_own_rules_may_be_flushed(command: str) -> None:
    assert reaches_the_hosts_rules(command) is None


def test_inside_a_namespace_of_the_lab_a_flush_is_its_own() -> None:
    result = import_text("ip netns add a\nip netns exec a iptables -t nat -F\n", "shell", "s.sh")
    assert result.model_error is None


@pytest.mark.parametrize(
    ("line", "undo"),
    [
        ("ip rule add from 10.0.0.0/24 table 100", "ip rule del from 10.0.0.0/24 table 100"),
        ("ip -4 ru add fwmark 1 lookup 7", "ip -4 ru del fwmark 1 lookup 7"),
        ("nft add table ip labnat", "nft delete table ip labnat"),
    ],
)
def test_a_rule_and_an_nft_table_are_undone(line: str, undo: str) -> None:
    parsed = classify(line)
    assert isinstance(parsed.op, Raw) and parsed.op.undo == undo


@pytest.mark.kernel
def test_run_puts_the_hosts_forward_policy_back(tmp_path: Path) -> None:
    """In a network namespace of the test's own (iplab takes it for the host), whose
    FORWARD policy is DROP, as Docker leaves it: the tutorial sets ACCEPT; after the run
    it is DROP again, and the lab's MASQUERADE rule is gone."""
    lab = tmp_path / "nat.yaml"
    lab.write_text(
        import_text(
            "ip netns add n1\n"
            "iptables -P FORWARD ACCEPT\n"
            "iptables -t nat -A POSTROUTING -s 10.209.0.0/24 -j MASQUERADE\n",
            "shell",
            "nat.sh",
        ).yaml
    )
    inner = textwrap.dedent(f"""\
        iptables -P FORWARD DROP || exit 98
        {sys.executable} -m iplab run {lab} --state-dir {tmp_path / "state"}
        echo "rc=$?"
        iptables -S FORWARD | head -1
        iptables -t nat -S POSTROUTING
        """)
    result = apart(inner)
    if result.returncode == 98:
        pytest.skip("no iptables here")
    said = result.stdout + result.stderr
    assert "rc=0" in result.stdout, said
    assert "-P FORWARD DROP" in result.stdout.split("rc=0", 1)[1], said
    assert "MASQUERADE" not in result.stdout.split("rc=0", 1)[1], said


@pytest.mark.kernel
def test_run_puts_back_what_the_tutorials_cleanup_left_otherwise(tmp_path: Path) -> None:
    """The host forwards (ip_forward 1); the tutorial sets 1 and its cleanup writes 0, and
    sets the FORWARD policy to DROP where the host had ACCEPT: after the run the host is as
    it was, and the run says what it put back."""
    lab = tmp_path / "fwd.yaml"
    lab.write_text(
        import_text(
            "ip netns add n1\n"
            "sysctl -w net.ipv4.ip_forward=1\n"
            "iptables -P FORWARD ACCEPT\n"
            "# clean up\n"
            "ip netns del n1\n"
            "sysctl -w net.ipv4.ip_forward=0\n"
            "iptables -P FORWARD DROP\n",
            "shell",
            "fwd.sh",
        ).yaml
    )
    inner = textwrap.dedent(f"""\
        sysctl -qw net.ipv4.ip_forward=1 || exit 98
        iptables -P FORWARD ACCEPT || exit 98
        {sys.executable} -m iplab run {lab} --state-dir {tmp_path / "state"}
        echo "rc=$?"
        sysctl -n net.ipv4.ip_forward
        iptables -S FORWARD | head -1
        """)
    result = apart(inner)
    if result.returncode == 98:
        pytest.skip("no iptables here")
    said = result.stdout + result.stderr
    assert "rc=0" in result.stdout, said
    assert (
        "put back net.ipv4.ip_forward: 0 -> 1; the policy of FORWARD (filter): DROP -> ACCEPT"
        in said
    )
    assert result.stdout.split("rc=0\n", 1)[1] == "1\n-P FORWARD ACCEPT\n", said


# -- ip's flush of the host's own tables (found by a hunt on routing labs) ----------------------


@pytest.mark.parametrize(
    ("command", "match"),
    [
        ("ip -s -s neigh flush all", "the host's own neighbours go"),
        ("ip route flush 10.66.0.0/16", "the host's own routes go"),
        ("sudo ip -4 r flush table 100", "the host's own routes go"),
        ("ip a flush to 10.0.0.0/8", "the host's own addresses go"),
        ("ip neigh flush dev eth0", r"eth0 is no link of the lab's"),
        ("ip route del default", "the host's own routes go"),  # a raw line: no via, no dev
        ("sudo ip r d 10.0.0.0/8", "the host's own routes go"),
    ],
)
def test_a_flush_of_the_hosts_tables_is_refused(command: str, match: str) -> None:
    assert_refused(command, match)


@pytest.mark.parametrize(
    "command",
    [
        "ip -n a neigh flush all",
        "ip route flush cache",
        "ip neigh flush dev v0",
        "ip neigh show",
        "ip route del 10.9.9.0/24",  # the lab's own route (below)
        "ip -n a route del default",
    ],
)
def test_a_flush_the_lab_owns_is_not_refused(command: str) -> None:
    text = (
        "name: t\nsetup:\n  - {action: netns add, name: a}\n"
        "  - {action: link add, name: v0, type: veth, peer: v1}\n"
        "  - {action: link set, dev: v0, state: up}\n"
        "  - {action: route add, to: 10.9.9.0/24, dev: v0}\n"
        f"  - action: raw\n    shell: true\n    command: {command!r}\n"
    )
    build(scenario.load_text(text, "t.yaml"))
