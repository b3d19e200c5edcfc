"""One reader of the programs that run another program (iplab/wrappers.py), and what its
callers see through it. Five modules had a table of wrappers of their own, each with other
members and other option rules; the lines below were read wrongly by at least one."""

from __future__ import annotations

import pytest

from iplab.importer.stops import author_stops
from iplab.jobs import serves
from iplab.programs import programs
from iplab.unnamed import unnamed_change
from iplab.wrappers import unwrap_once, unwrapped


@pytest.mark.parametrize(
    ("line", "runs"),
    [
        ("sudo -u root -E ip link", ["ip", "link"]),
        ("sudo FOO=1 ip link", ["ip", "link"]),
        ("env -i PATH=/usr/sbin ip link", ["ip", "link"]),
        ("timeout -s KILL 5 ip monitor", ["ip", "monitor"]),
        ("timeout 5", []),
        ("nsenter -t 42 -n ip addr", ["ip", "addr"]),
        ("nsenter --net=/run/netns/a -- ip addr", ["ip", "addr"]),
        ("watch -n 1 ip -br link", ["ip", "-br", "link"]),
        ("taskset -c 0 iperf3 -s", ["iperf3", "-s"]),
        ("stdbuf -oL nc -l 9000", ["nc", "-l", "9000"]),
        ("/usr/bin/nohup nc -l 9000", ["nc", "-l", "9000"]),
        ("sudo timeout 5 nsenter -t 1 -n ping x", ["ping", "x"]),
    ],
)
def test_the_command_a_wrapper_runs(line: str, runs: list[str]) -> None:
    assert unwrapped(line.split()) == runs


@pytest.mark.parametrize("line", ["command -v ip", "command -V brctl", "ip link", "busybox ip"])
def test_no_command_runs_through_these(line: str) -> None:
    """``command -v X`` says where X is; ``busybox`` is the program the preflight needs."""
    assert unwrap_once(line.split()) is None


def test_the_preflight_sees_the_program_behind_watch_and_taskset() -> None:
    """``watch -n 1 ip ...`` was no program at all (``1``, a number, was taken for the
    command); ``taskset -c 0 iperf3`` asked for taskset, not iperf3."""
    assert programs("watch -n 1 ip -br link") == ["ip"]
    assert programs("taskset -c 0 iperf3 -c 10.0.0.2") == ["iperf3"]
    assert programs("command -v brctl") == []


@pytest.mark.parametrize(
    "line", ["sudo nsenter -t 1 -n ip link del $IF", "watch -n 5 ip link set $x down"]
)
def test_a_change_through_nsenter_or_watch_names_its_target(line: str) -> None:
    """SAFETY: the refusal of changes to objects a line does not name (hunt R) did not look
    past nsenter or watch: ``$IF`` may be any link of the host."""
    assert unnamed_change(line) == line


def test_watch_runs_until_ctrl_c_unless_told_to_end() -> None:
    assert author_stops("watch -n1 ip -br link")
    assert not author_stops("watch -g ip link")  # (ends when the output changes)
    assert author_stops("ip netns exec a timeout 60 ping 10.0.0.1")


def test_a_server_behind_sudo_options_or_taskset_is_a_server() -> None:
    """``sudo -E setsid nc -l 9000``: the reader dropped ``sudo`` but not ``-E``."""
    assert serves("sudo -E setsid nc -l 9000")
    assert serves("taskset -c 1 iperf3 -s")
