"""ipwords.refused_words: what ip refuses on any host (an object it has not, an argument
where a command word stands), said as ip says it: checked against this host's ip itself,
which refuses each line before it touches anything (hunt AS: ``ip -n red addr 192.168.15.1
dev veth-red``, its ``add`` forgotten, was a step the model let pass)."""

from __future__ import annotations

import shlex
import shutil
import subprocess

import pytest

from iplab.ipwords import refused_words

pytestmark = pytest.mark.skipif(shutil.which("ip") is None, reason="needs iproute2's ip")


@pytest.mark.parametrize(
    "line",
    [
        "ip addr 192.168.15.1/24 dev iplab-none0",
        "ip route 10.9.9.0/24 via 10.0.0.1",
        "ip -6 route 2001:db8::/64 dev iplab-none0",
        "ip route default via 10.0.0.1",
        "ip link dev iplab-none0 up",
        "ip neigh 10.0.0.1 lladdr 00:11:22:33:44:55 dev iplab-none0",
        "ip rule 10 from all",
        "ip netns 1red",
        "ip adr add 1.1.1.1/24 dev iplab-none0",
        "ip -4 addres 10.0.0.1/24 dev iplab-none0",
    ],
)
def test_what_ip_refuses_is_said_as_ip_says_it(line: str) -> None:
    argv = shlex.split(line)
    said = refused_words("ip", argv[1:])
    ran = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    assert ran.returncode != 0
    assert said is not None
    assert ran.stderr.splitlines()[0].rstrip(".") == said


@pytest.mark.parametrize(
    "line",
    ["ip netns ls", "ip -4 a", "ip -br link", "ip r", "ip -d link show lo", "ip ad", "ip rule"],
)
def test_what_ip_takes_is_not_said_refused(line: str) -> None:
    argv = shlex.split(line)
    assert refused_words("ip", argv[1:]) is None
    ran = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    assert ran.returncode == 0, ran.stderr
