"""What undoes a command iplab keeps as written (a raw step).

A tutorial's ``sysctl -w KEY=VALUE`` in the root namespace: iplab reads the host's value
right before the step runs, and ``down`` puts it back, unless someone changed it since
(then it is theirs). A change that lives on a link the lab makes (a qdisc, a neighbour)
dies with the link; a deletion (``iptables -D``) is not undone: neither is listed as one
iplab cannot undo."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.inverse import sysctl_inverse, sysctl_writes_of
from iplab.plan import build
from iplab.steps import Raw
from iplab.sysctl import sysctl_path, sysctl_writes
from iplab.words import deletes_a_rule, link_scoped, reads_only
from tests.kernel import apart


@pytest.mark.parametrize(
    ("command", "writes"),
    [
        ("sysctl -w net.ipv4.ip_forward=1", [("net.ipv4.ip_forward", "1")]),
        ("sysctl -qw net/ipv4/ip_forward=1", [("net/ipv4/ip_forward", "1")]),  # (hunt DL)
        ("sysctl -q -w net/ipv4/ip_forward=1", [("net/ipv4/ip_forward", "1")]),
        ("sysctl a.b=1 c.d=2", [("a.b", "1"), ("c.d", "2")]),
        ("sysctl net.ipv4.ip_forward", None),  # a read
        ("sysctl -p /etc/sysctl.d/x.conf", None),
        ("sysctl -w 'a.b=1 2'", None),  # a value with a space
        ("echo 1 > /proc/sys/net/ipv4/ip_forward", [("net/ipv4/ip_forward", "1")]),
        ("echo 1 >/proc/sys/net/ipv4/ip_forward", [("net/ipv4/ip_forward", "1")]),
        ("echo 1 | tee /proc/sys/net/ipv4/ip_forward", [("net/ipv4/ip_forward", "1")]),
        (
            "echo 0 | sudo tee -a /proc/sys/net/ipv6/conf/all/disable_ipv6 > /dev/null",
            [("net/ipv6/conf/all/disable_ipv6", "0")],
        ),
        ("echo 1 > /proc/sys/net/ipv4/ip_forward; ip link", None),  # more than the write
        ("echo 1 > /proc/sys/../../etc/passwd", None),
        ("echo 1 > /etc/sysctl.d/99-forward.conf", None),  # a file, not the kernel's value
        ("echo 1 | tee /proc/sys/net/ipv4/ip_forward /tmp/x", None),
        ("echo $X > /proc/sys/net/ipv4/ip_forward", None),  # shell syntax in the value
        ("cat x > /proc/sys/net/ipv4/ip_forward", None),
        ("echo -n > /proc/sys/net/ipv4/ip_forward", None),  # an option, not the value
    ],
)
def test_what_a_sysctl_command_writes(command: str, writes: list[tuple[str, str]] | None) -> None:
    assert sysctl_writes(command) == writes


@pytest.mark.parametrize(
    ("command", "writes"),
    [
        ("sysctl -w net.ipv4.ip_forward=1 >/dev/null || true", [("net.ipv4.ip_forward", "1")]),
        ("sudo sysctl -w net.ipv4.ip_forward=1 2>/dev/null || :", [("net.ipv4.ip_forward", "1")]),
        ("echo 1 > /proc/sys/net/ipv4/ip_forward || true", [("net/ipv4/ip_forward", "1")]),
        ("sysctl -w net.ipv4.ip_forward=1 || echo failed", None),  # more than letting it fail
        ("sysctl -w net.ipv4.ip_forward=1", [("net.ipv4.ip_forward", "1")]),  # (as before)
    ],
)
def test_a_root_write_whose_failure_is_let_pass_is_read_back(
    command: str, writes: list[tuple[str, str]] | None
) -> None:
    """Its failure let pass, a root's write is still one: read back, put back by down (it
    ran as a raw step iplab could not undo, not said as a change of the host's)."""
    assert sysctl_writes_of(Raw(command=command)) == writes


def test_a_key_with_slashes_is_the_path_its_dots_a_name() -> None:
    assert sysctl_path("net.ipv4.ip_forward") == "/proc/sys/net/ipv4/ip_forward"
    assert (
        sysctl_path("net/ipv4/conf/v0.10/forwarding") == "/proc/sys/net/ipv4/conf/v0.10/forwarding"
    )


def test_the_undo_puts_back_only_what_is_still_the_labs() -> None:
    op = Raw(command="sysctl -w net.ipv4.ip_forward=1")
    writes = sysctl_writes_of(op)
    assert writes == [("net.ipv4.ip_forward", "1")]
    undo = sysctl_inverse(writes, {"net.ipv4.ip_forward": "0"})
    assert undo is not None and isinstance(undo.op, Raw) and undo.op.shell
    assert undo.op.command == (
        'test "$(cat /proc/sys/net/ipv4/ip_forward)" != 1'
        " || printf '%s\\n' 0 > /proc/sys/net/ipv4/ip_forward"
    )
    assert sysctl_inverse(writes, {}) is None  # nothing read: nothing to put back
    # a step with an undo of its own, or inside a namespace, is not read back
    assert sysctl_writes_of(Raw(command="sysctl -w a.b=1", undo="sysctl -w a.b=0")) is None


def test_the_import_no_longer_lists_them_as_cannot_undo() -> None:
    script = "ip netns add n1\nsysctl -w net.ipv4.ip_forward=1\n"
    script += (
        "iptables -A FORWARD -i n1 -j ACCEPT\n# clean up\niptables -D FORWARD -i n1 -j ACCEPT\n"
    )
    imported = import_text(script, "shell", "x.sh")
    assert "cannot undo" not in imported.summary()
    build(scenario.load_text(imported.yaml, "x.yaml"))
    assert deletes_a_rule("iptables -t nat -D POSTROUTING -s 10.0.0.0/24 -j MASQUERADE")
    assert not deletes_a_rule("iptables -F")


@pytest.mark.kernel
@pytest.mark.parametrize("let_fail", ["", " >/dev/null || true"])
def test_down_puts_back_the_hosts_sysctls(prefix: str, tmp_path: Path, let_fail: str) -> None:
    """In a network (and mount) namespace of the test's own, which iplab takes for the
    host: its sysctls are the test's, never the real host's. Written ``... >/dev/null ||
    true`` too (a raw step iplab could not undo: the host kept the script's values)."""
    lab = tmp_path / "fw.yaml"
    script = f"sysctl -w net.ipv4.ip_forward=1{let_fail}\n"
    script += f"echo 77 > /proc/sys/net/ipv4/ip_default_ttl{let_fail.replace(' >/dev/null', '')}\n"
    lab.write_text(import_text(script + "ip netns add n1\n", "shell", "fw.sh").yaml)
    state = tmp_path / "state"
    iplab = f"{sys.executable} -m iplab"
    inner = textwrap.dedent(f"""\
        set -e
        f=/proc/sys/net/ipv4
        show() {{ echo "$1 $(cat $f/ip_forward) $(cat $f/ip_default_ttl)"; }}
        show before
        {iplab} up {lab} --prefix {prefix} --state-dir {state} > /dev/null
        show up
        sysctl -qw net.ipv4.ip_default_ttl=99   # someone else's change, after the lab's
        {iplab} down {prefix}fw --state-dir {state} > /dev/null
        show down
        """)
    result = apart(inner)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["before 0 64", "up 1 77", "down 0 99"]


@pytest.mark.parametrize(
    ("command", "dev"),
    [
        ("tc qdisc add dev v0 root netem delay 100ms", "v0"),
        ("ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev v0", "v0"),
        ("ip addr flush dev v0", "v0"),
        ("ethtool -K v0 tx off", "v0"),
        ("bridge fdb add 02:00:00:00:00:01 dev v0 master", "v0"),
        ("ip route add 10.1.0.0/24 via 10.0.0.2 dev v0", "v0"),
        ("ip link set dev v0 address 02:00:00:00:00:01", None),  # ip link: typed or raw
        ("tc qdisc add dev v0 root handle 1: htb; tc qdisc del dev v1 root", None),
        ("ip -n r neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev v0", None),
        ("ethtool v0", None),  # a read
    ],
)
def test_the_link_a_change_lives_on(command: str, dev: str | None) -> None:
    assert link_scoped(command) == dev


def test_what_dies_with_a_link_of_the_lab_is_not_listed_as_cannot_undo() -> None:
    script = (
        "ip link add v0 type veth peer name v1\n"
        "tc qdisc add dev v0 root tbf rate 1mbit burst 32kbit latency 400ms\n"
        "ethtool -K v0 tx off\n"
        "ethtool -K eth0 tx off\n"  # the host's link: iplab cannot undo it
    )
    summary = import_text(script, "shell", "x.sh").summary()
    assert "cannot undo 1 step" in summary and "ethtool -K eth0 tx off" in summary


@pytest.mark.parametrize(
    ("command", "reads"),
    [
        ("ip a | grep v0", True),
        ("ip netns exec red ping -c3 10.0.0.2 | tail -1", True),  # a reader in a namespace
        ("ip netns exec red ip link set lo up", False),
        ("sleep 1", True),
        ("curl -s -o /dev/null -w '%{http_code}' http://10.0.0.2/", True),
        ("curl -s http://10.0.0.2/", True),
        ("curl -o page.html http://10.0.0.2/", False),  # a file written
        ("curl -O http://10.0.0.2/x.tgz", False),
        ("ip route | column -t", True),
        ("ping -c1 10.1.1.2 > /dev/null && echo reachable", True),
        ("ping -c1 x >/dev/null 2>&1 || echo down", True),
        ("ip a 2>&1 | grep x", True),
        ("tcpdump -ni v0 icmp", True),
        ("ip netns exec red bash -c 'ip route | column -t'", True),
        ("bash -c 'ip a | grep inet'", True),
        ("ip a > /tmp/x", False),  # a file written
        ("ip a | tee /tmp/x", False),
        ("ip link set x up | grep a", False),
        ("ip a; ip link add x type dummy", False),
        ("tcpdump -w f.pcap -i v0", False),
        # (a substitution is read for what it runs: hostname with no argument prints)
        ("ip a | grep $(hostname)", True),
        ("ip a | grep $(hostname lab1)", False),  # (hostname NAME sets the host's name)
        ("ip a | grep $(ip link add x type dummy)", False),
        ("ip a &", False),
        ("ip a 2>/tmp/e", False),
        ("ip a |& grep x", False),
        ("bash -c 'ip link del x'", False),
    ],
)
def test_readers_joined_by_the_shell_only_read(command: str, reads: bool) -> None:
    """An observation changes nothing: it is shown, never journaled, and not listed as a
    step iplab cannot undo."""
    assert reads_only(command) is reads


@pytest.mark.kernel
@pytest.mark.parametrize("kind", ["link", "netns"])
def test_a_step_never_reaches_what_the_host_had_before_the_lab(kind: str, tmp_path: Path) -> None:
    """After a raw step of unknown effect, the model cannot know that a name a later step
    uses is not one that step made: ``docker network create x``, then ``ip link del
    docker0``. The host's own docker0 would be deleted, and no undo gives it back. iplab
    refuses before anything runs. In a network and mount namespace of the test's own
    (iplab takes it for the host), without --prefix, so that the name is the host's."""
    marker = tmp_path / "raw-ran"
    if kind == "link":
        host = "ip link add docker0 type bridge"
        script = f"install -D /dev/null {marker}\nip link set docker0 down\nip link del docker0\n"
        left = "ip -br link show docker0"
    else:
        host = "ip netns add hostns"
        script = f"install -D /dev/null {marker}\nip netns exec hostns ip link set lo up\n"
        left = "ip netns list"
    lab = tmp_path / "host.yaml"
    lab.write_text(import_text(script, "shell", "host.sh").yaml)
    state = tmp_path / "state"
    inner = textwrap.dedent(f"""\
        {host}
        {sys.executable} -m iplab up {lab} --state-dir {state}
        echo "rc=$?"
        {left}
        """)
    result = apart(inner)
    said = result.stdout + result.stderr
    assert "rc=2" in result.stdout, said  # refused, as the model refuses a scenario
    name = "docker0" if kind == "link" else "hostns"
    # (worded as hunt L's #10 has it: the host's own object, no advice that loops)
    what = "link" if kind == "link" else "namespace"
    assert f"would change this host's own {what} {name}" in said, said
    assert "host.yaml:" in said  # the file and line of the step
    assert not marker.exists(), "nothing runs"
    assert name in result.stdout.split("rc=2", 1)[1], "the host's object is still there"


def test_sudo_inside_a_command_runs_it_for_a_root_without_sudo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A container, a fresh machine: root, and no sudo. A tutorial's ``echo 1 | sudo tee
    /proc/sys/...`` (sudo inside the line, where iplab's sudo policy does not reach) then
    finds sudo a bash function that runs the command, as sudo would for root."""
    import os
    import shutil
    import subprocess

    from iplab import runner

    runner._child_env.cache_clear()
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    try:
        env = runner._child_env()
        assert env is not None and env["BASH_FUNC_sudo%%"] == runner._SUDO_AS_ROOT
        script = (
            "sudo echo a; sudo -E -u root echo b; sudo -- echo c; sudo; echo rc=$?;"
            " bash -c 'sudo echo nested'"
        )
        done = subprocess.run(
            ["bash", "-c", script], env=env, capture_output=True, text=True, check=False
        )
        assert done.stdout.split() == ["a", "b", "c", "rc=0", "nested"], done.stderr
        runner._child_env.cache_clear()
        monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/sudo")
        assert runner._child_env() is None  # sudo installed: nothing changes
    finally:
        runner._child_env.cache_clear()


@pytest.mark.kernel
def test_a_tutorials_sudo_tee_runs_and_is_undone(prefix: str, tmp_path: Path) -> None:
    """In a network namespace of the test's own (iplab takes it for the host). Where sudo
    is not installed (CI's fresh machine), this fails without the bash function."""
    script = "ip netns add n1\necho 1 | sudo tee /proc/sys/net/ipv4/ip_forward\n"
    lab = tmp_path / "tee.yaml"
    lab.write_text(import_text(script, "shell", "tee.sh").yaml)
    state = tmp_path / "state"
    result = apart(
        f"{sys.executable} -m iplab run {lab} --prefix {prefix} --state-dir {state}\n"
        'echo "after $(cat /proc/sys/net/ipv4/ip_forward)"\n'
    )
    said = result.stdout + result.stderr
    assert "echo 1 | sudo tee /proc/sys/net/ipv4/ip_forward\n1\n" in result.stdout, said
    assert "== nothing of the lab remains" in result.stdout, said
    assert "after 0\n" in result.stdout, said


def test_an_open_vswitch_bridge_is_undone_by_its_own_tool() -> None:
    """Hunt Y: ``ovs-vsctl add-br ovsbr0`` was undone with ``ip link del``: the bridge stays
    in Open vSwitch's database, and ovs-vswitchd makes it again."""
    page = Path(__file__).parent / "fixtures" / "hostconfig" / "ovs-bridge.md"
    result = import_text(page.read_text(), "markdown", page.name)
    plan = build(scenario.load_text(result.yaml, "ovs.yaml"), prefix="t4")
    undone = [
        u.undo.op.command
        for pc in plan.setup
        if "add-br" in pc.command.text
        for u in pc.undo
        if isinstance(u.undo.op, Raw)
    ]
    assert undone == ["ovs-vsctl --if-exists del-br t4ovsbr0"]


@pytest.mark.parametrize(
    ("command", "reads"),
    [
        ("nmcli -f NAME,DEVICE con show --active", True),
        ("nmcli dev status", True),
        ("nmcli c s", True),  # nmcli takes a word's start
        ("nmcli", True),
        ("networkctl status lab0", True),
        ("resolvectl status", True),
        ("ovs-vsctl show", True),
        ("ovs-ofctl dump-flows br0", True),
        ("nmcli con add type bridge-slave ifname eth0 master br0", False),
        ("nmcli con m br0 bridge.stp no", False),  # m: modify
        ("nmcli dev set eth0 managed no", False),
        ("networkctl reload", False),
        ("resolvectl dns eth0 1.1.1.1", False),
        ("ovs-vsctl add-br ovsbr0", False),
    ],
)
def test_the_host_s_network_tools_show_by_their_words(command: str, reads: bool) -> None:
    """Hunt Y: ``nmcli -f NAME,DEVICE con show --active``, ``networkctl status``, ``ovs-vsctl
    show`` were said as steps iplab cannot undo; what changes the host still is."""
    assert reads_only(command) is reads
