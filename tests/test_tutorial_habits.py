"""Habits of tutorial authors found by hunts over pages iplab had not seen: a lab script's
``case "${1:-}" in``, ip's own abbreviations, a "start clean" deletion with its errors
thrown away, a server started with ``&`` that the next line reaches, a shell's own
commands (``cd``, ``jobs``, ``fg``), a sysctl key naming a link under ``--prefix``."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import jobs, scenario
from iplab.importer.convert import import_text
from iplab.lineparse import classify
from iplab.plan import build
from iplab.steps import LinkAdd, LinkSet, Raw
from tests.kernel import iplab

LAB_SCRIPT = """\
#!/bin/bash
set -eu
usage() { echo "usage: $0 up|down"; exit 1; }
case {subject} in
  up)
    ip netns add a
    ip netns add b
    ;;
  down)
    ip netns del a
    ip netns del b
    ;;
  *) usage ;;
esac
"""


@pytest.mark.parametrize("subject", ['"$1"', '"${1:-}"', "${1-}", '"${1:-up}"', "$1"])
def test_a_lab_scripts_case_is_its_up_and_down_whatever_its_default(subject: str) -> None:
    result = import_text(LAB_SCRIPT.replace("{subject}", subject), "shell", "lab.sh")
    # the setup: usage()'s definition (printed, runs nothing), then the up branch
    assert (result.setup, result.teardown) == (3, 2)
    plan = build(scenario.load_text(result.yaml, "lab.yaml"))
    assert [pc.command.text for pc in plan.commands][1:] == [
        "ip netns add a", "ip netns add b", "ip netns del a", "ip netns del b",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("line", "op", "peer"),
    [
        ("ip l a v0 type veth peer n v1", LinkAdd, "v1"),
        # (hunt O, by design: ip 6.1 refuses these two, "either "dev" is duplicate, or
        # "v1" is a garbage": n is nomaster to it, na and nam no keyword; they were here
        # as typed LinkAdd, LinkSet: see test_ip_6_1_refuses_na_and_n_as_name)
    ],
)
def test_ip_reads_n_as_name(line: str, op: type, peer: str | None) -> None:
    parsed = classify(line)
    assert parsed.typed and isinstance(parsed.op, op)
    if isinstance(parsed.op, LinkAdd):
        assert (parsed.op.name, parsed.op.peer) == ("v0", peer)
    else:
        assert isinstance(parsed.op, LinkSet) and parsed.op.attrs == (("name", "eth0"),)


@pytest.mark.parametrize("line", ["ip link add n v0 type veth peer na v1", "ip link set v0 n eth0"])
def test_ip_6_1_refuses_na_and_n_as_name(line: str) -> None:
    """Hunt O: both fail with ip 6.1 on the kernel (n is nomaster, then a second device)."""
    assert not classify(line).typed


@pytest.mark.parametrize(
    "line",
    [
        "ip link del $BR 2>/dev/null",
        "ip netns del a >/dev/null 2>&1",
        "sudo ip link delete $BR &>/dev/null",
    ],
)
def test_a_deletion_whose_errors_are_thrown_away_may_fail(line: str) -> None:
    script = f"BR=br0\nip netns add a\n{line}\nip link add $BR type bridge\n"
    result = import_text(script.replace("ip netns add a\n", ""), "shell", "s.sh")
    assert result.model_error is None  # (it was refused: br0 does not exist yet)
    loaded = scenario.load_text(result.yaml, "s.yaml")
    assert loaded.steps[0].may_fail


def test_a_change_whose_errors_are_thrown_away_must_still_work() -> None:
    result = import_text("ip link set nothere up 2>/dev/null\n", "shell", "s.sh")
    assert result.model_error is not None


@pytest.mark.parametrize(
    ("command", "serves"),
    [
        ("ip netns exec srv python3 -m http.server 8080 &", True),
        ("ip netns exec a nc -l 9000 > /tmp/got &", True),
        ("sudo ip netns exec s iperf3 -s > /dev/null 2>&1 &", True),
        ("sleep 60 &", False),
        ("ip netns exec a nc -l 9000", False),  # in the foreground: another terminal's
        ("ip netns exec a iperf3 -s -D &", False),
    ],
)
def test_a_server_started_in_the_background_is_waited_for(command: str, serves: bool) -> None:
    assert jobs.serves_in_background(command) is serves


@pytest.mark.parametrize("line", ["cd /tmp", "jobs", "export X=1", "pushd /tmp"])
def test_a_shells_own_command_runs_in_a_shell(line: str) -> None:
    parsed = classify(line)
    assert isinstance(parsed.op, Raw) and parsed.op.shell


@pytest.mark.parametrize("line", ["fg", "fg %1", "bg", "disown"])
def test_fg_is_said_and_runs_nothing(line: str) -> None:
    result = import_text(f"ip netns add a\nip netns exec a sleep 30 &\n{line}\n", "shell", "s.sh")
    assert len(result.lines) == 2
    assert any(f"{line}: the tutorial's jobs stay in the background" in w for w in result.warnings)


def test_a_sysctl_key_naming_a_link_is_renamed_with_the_prefix() -> None:
    script = (
        "ip link add k0 type veth peer name k1\n"
        "sysctl -w net.ipv4.conf.k0.proxy_arp=1 net.ipv4.conf.all.forwarding=1\n"
        "echo 1 > /proc/sys/net/ipv4/conf/k1/proxy_arp\n"
    )
    result = import_text(script, "shell", "s.sh")
    plan = build(scenario.load_text(result.yaml, "s.yaml"), prefix="pz")
    texts = [pc.command.text for pc in plan.commands]
    assert texts[1] == "sysctl -w net.ipv4.conf.pzk0.proxy_arp=1 net.ipv4.conf.all.forwarding=1"
    assert texts[2] == "echo 1 > /proc/sys/net/ipv4/conf/pzk1/proxy_arp"


def test_a_ping_the_page_shows_failing_outside_the_lab_may_fail() -> None:
    page = (
        "# NAT\n\n```\n$ sudo ip netns add n1\n$ sudo ip netns exec n1 ping -c 1 192.0.2.2\n"
        "ping: connect: Network is unreachable\n$ ping -c1 198.51.100.7\n"
        "1 packets transmitted, 0 received, 100% packet loss, time 0ms\n"
        "$ sudo ip netns exec n1 ping -c 1 192.0.2.9\n64 bytes from 192.0.2.9: icmp_seq=1\n```\n"
    )
    result = import_text(page, "markdown", "nat.md")
    steps = scenario.load_text(result.yaml, "nat.yaml").steps
    assert [s.may_fail for s in steps] == [False, True, True, False]
    assert "the page shows it fail: it may fail here too" in result.warnings[0]


def test_a_change_named_in_a_sentence_is_said_not_imported() -> None:
    page = (
        "# Lab\n\n```bash\nip netns add a\nip link add v0 type veth peer name v1\n```\n\n"
        "Move it with `ip link set v1 netns a`, and then look with `ip -n a link`.\n"
    )
    result = import_text(page, "markdown", "lab.md")
    assert result.lines == ("ip netns add a", "ip link add v0 type veth peer name v1")
    assert result.warnings == (
        "line 8: the prose names a change, 'ip link set v1 netns a', outside the code blocks:"
        " not imported (put it in a code block if the tutorial runs it)",
    )


@pytest.mark.parametrize(
    ("script", "names"),
    [
        ('NS=()\nfor i in 0 1; do\n  NS+=("n$i")\ndone\nip netns add "${NS[1]}"\n', ["n1"]),
        ("NS=(a)\nNS+=(b c)\nip netns add ${NS[2]}\n", ["c"]),
        ("X=ab\nX+=cd\nip netns add $X\n", ["abcd"]),
        ('declare -ri COUNT=2\nfor ((i = 0; i < COUNT; i++)); do\n  printf -v n "ns%02d" "$i"\n'
         '  ip netns add "$n"\ndone\n', ["ns00", "ns01"]),
        ('for n in a b c; do\n  [[ "$n" == "b" ]] && continue\n  ip netns add "$n"\ndone\n',
         ["a", "c"]),
        ('for n in a b c; do\n  if [ "$n" = "b" ]; then break; fi\n  ip netns add "$n"\ndone\n',
         ["a"]),
        ('i=0\nwhile [ $i -lt 5 ]; do\n  i=$((i + 1))\n  [ $i -eq 2 ] && continue\n'
         '  [ $i -eq 4 ] && break\n  ip netns add "n$i"\ndone\n', ["n1", "n3"]),
    ],
)  # fmt: skip
def test_bash_as_gists_write_it(script: str, names: list[str]) -> None:
    """``+=``, ``printf -v``, ``declare -ri``, ``continue`` and ``break`` in loops: the
    namespaces bash would make (``+=`` was dropped, and ``[[ ... ]] && continue`` ran as
    commands of their own)."""
    result = import_text(script, "shell", "gist.sh")
    plan = build(scenario.load_text(result.yaml, "gist.yaml"))
    made = [pc.command.op for pc in plan.commands]
    assert [getattr(op, "name", None) for op in made] == names, result.warnings


def test_what_a_skipped_construct_sets_is_unknown_after_it() -> None:
    script = "NS=(a)\nwhile read -r x; do\n  NS=(b)\ndone < list\nip netns add ${NS[0]}\n"
    result = import_text(script, "shell", "s.sh")
    assert any("cannot resolve ${NS[0]}" in w for w in result.warnings), result.warnings


@pytest.mark.kernel
def test_a_capture_in_a_second_terminal_sees_the_next_steps_packets(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """``tcpdump`` the reader runs in another terminal runs beside the steps after it (it
    ran in the foreground for 3 s, before the ping it was meant to show), and what it
    captured is printed when it is stopped."""
    page = (
        "# Capture\n\n```\n$ sudo ip netns add c1\n$ sudo ip netns add c2\n"
        "$ sudo ip link add v1 netns c1 type veth peer v2 netns c2\n"
        "$ sudo ip -n c1 addr add 10.218.0.1/24 dev v1\n"
        "$ sudo ip -n c2 addr add 10.218.0.2/24 dev v2\n"
        "$ sudo ip -n c1 link set v1 up\n$ sudo ip -n c2 link set v2 up\n```\n\n"
        "In a second terminal:\n\n```\n$ sudo ip netns exec c2 tcpdump -n -i v2 icmp\n```\n\n"
        "Then ping:\n\n```\n$ sudo ip netns exec c1 ping -c 2 10.218.0.2\n```\n"
    )
    lab = tmp_path / "cap.yaml"
    lab.write_text(import_text(page, "markdown", "cap.md").yaml)
    result = iplab("run", str(lab), "--prefix", prefix, state=state_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "in the background: pid" in result.stdout
    assert "ICMP echo request" in result.stderr, result.stderr
