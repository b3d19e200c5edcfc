"""Hunt EY #4: ``/usr/bin/sudo /sbin/ip ...``, sudo at its standard path.

Scripts write it so (a tap script for Open vSwitch: ``/usr/bin/sudo /sbin/ip link set $1
up``; a CAN bus start script: ``/usr/bin/sudo /sbin/ip link set can0 down``; pgpool's
``if_up_cmd = '/usr/bin/sudo /sbin/ip addr add ...'``). iplab read the ip line (typed),
but ran it as written: as root on a host without sudo the preflight refused "this host
does not have /usr/bin/sudo", where ``sudo ip ...`` ran (iplab as root runs the command
itself; not root, through ``sudo -n``). Now sudo at a standard path is sudo wherever render
decides about it: the text stays byte for byte, what runs is the command past it. The
kernel test's prefix is ``eyx4``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from iplab import programs, scenario
from iplab.importer.convert import import_text
from iplab.plan import Plan, build
from iplab.wrappers import runs_sudo, sudo_said

LAB = """\
#!/bin/bash
/usr/bin/sudo /sbin/ip netns add ns1
/usr/bin/sudo /sbin/ip link add v0 type veth peer name v1
/usr/bin/sudo -E ip link set v1 netns ns1
/usr/bin/sudo ip -n ns1 link set lo up
/usr/bin/sudo /sbin/ip -n ns1 addr add 10.9.0.1/24 dev v1
/usr/bin/sudo ip netns exec ns1 ping -c1 -W1 10.9.0.1
"""


def _plan(text: str) -> Plan:
    result = import_text(text, "shell", "lab.sh")
    return build(scenario.load_text(result.yaml, "lab.yaml"))


def test_sudo_at_its_path_is_sudo_and_the_text_stays() -> None:
    plan = _plan(LAB)
    commands = [pc.command for pc in plan.commands]
    assert [c.text for c in commands] == LAB.splitlines()[1:]
    for command in commands:
        assert command.sudo, command
        assert not runs_sudo(command.argv), command.argv  # (as root: the command itself)
    assert "/usr/bin/sudo" not in programs.missing(plan)


def test_a_raw_line_behind_sudo_at_its_path() -> None:
    plan = _plan("#!/bin/bash\n/usr/bin/sudo /usr/sbin/tunctl -t tap0\n")
    (command,) = [pc.command for pc in plan.commands]
    assert command.text == "/usr/bin/sudo /usr/sbin/tunctl -t tap0"
    assert command.sudo and command.argv == ("/usr/sbin/tunctl", "-t", "tap0"), command


def test_the_words_that_are_sudo() -> None:
    assert sudo_said("/usr/bin/sudo ip a") == "/usr/bin/sudo "
    assert sudo_said("sudo ip a") == "sudo "
    assert sudo_said("/opt/sudo ip a") is None  # (another program)
    assert sudo_said("sudoku") is None


@pytest.mark.kernel
def test_the_lab_runs_and_leaves_nothing(tmp_path: Path) -> None:
    script = tmp_path / "lab.sh"
    script.write_text(LAB)
    env = {**os.environ, "IPLAB_STATE_DIR": str(tmp_path / "state")}
    lab = tmp_path / "lab.yaml"
    iplab = [sys.executable, "-m", "iplab"]
    try:
        subprocess.run([*iplab, "import", str(script), "-o", str(lab)], env=env, check=True)
        done = subprocess.run(
            [*iplab, "run", str(lab), "--prefix", "eyx4"],
            check=False, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert "/usr/bin/sudo /sbin/ip link add eyx4v0" in done.stdout, done.stdout
    finally:
        subprocess.run(["ip", "netns", "del", "eyx4ns1"], capture_output=True, check=False)
        subprocess.run(["ip", "link", "del", "eyx4v0"], capture_output=True, check=False)
