"""``up``, ``run`` and their dry runs say, before anything runs, the steps that change the
host itself (a host sysctl, its packet filter, a file of its), each with its file, line and
field: only the import's summary said them (hunt DF), and a scenario written by hand, or
imported long ago, changed the host's firewall with no word (no process, no kernel)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.cli import session
from iplab.plan import load

HOST_NAT = """\
name: hostnat
setup:
  - line: ip netns add a
  - line: ip link add v0 type veth peer name v1 netns a
  - action: raw
    command: sysctl -w net.ipv4.ip_forward=1
  - action: raw
    command: sysctl -w net.ipv6.conf.v0.disable_ipv6=1
  - action: raw
    command: iptables -t nat -A POSTROUTING -s 10.9.0.0/24 -o eth0 -j MASQUERADE
    undo: iptables -t nat -D POSTROUTING -s 10.9.0.0/24 -o eth0 -j MASQUERADE
  - action: raw
    command: ip netns exec a iptables -A INPUT -j ACCEPT
    undo: ip netns exec a iptables -D INPUT -j ACCEPT
teardown:
  - line: ip netns del a
"""


@pytest.mark.parametrize("which", ["setup", "all"])
def test_the_steps_that_change_the_host_are_said_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], which: str
) -> None:
    path = tmp_path / "hostnat.yaml"
    path.write_text(HOST_NAT)
    plan = load(str(path), prefix="ipq")
    session._what_stays(plan, which)
    said = capsys.readouterr().err.splitlines()
    where = "setup" if which == "setup" else "lab"
    assert said[0].startswith(f"iplab: note: the {where} changes the host itself"), said
    assert "(2 steps;" in said[0]
    assert said[1:3] == [
        f"  {path}:5: setup[2]: sysctl -w net.ipv4.ip_forward=1: writes the host's sysctl"
        " net.ipv4.ip_forward",
        f"  {path}:9: setup[4]: iptables -t nat -A POSTROUTING -s 10.9.0.0/24 -o eth0 -j"
        " MASQUERADE: changes the host's packet filter (a rule of the root namespace's)",
    ]
    # (the lab link's own sysctl and the firewall inside its namespace are the lab's)
    assert not any("disable_ipv6" in line or "INPUT" in line for line in said)


def test_a_lab_of_namespaces_alone_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    session._what_stays(load("container-networking-part2", prefix="ipq"), "all")
    assert capsys.readouterr().err == ""
