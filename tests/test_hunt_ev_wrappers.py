"""Hunt EV #1 (left by hunt ET): a command behind ``env VAR=x`` or ``sudo -E``.

``env LC_ALL=C ip link add v0 type veth peer name v1`` was a raw step iplab "cannot undo",
and the step after it (``ip link set v1 netns ns1``) then failed in the model: "link v1 does
not exist". ``sudo -E tc -n NS qdisc add ...`` (tc's ``-n NS``, sudo's ``-E``) was "cannot
undo" too, where ``sudo tc -n NS ...`` was not, and so were ``sudo -E iptables -A ...``
(whose undo ``-D`` is known), ``sudo -E tc qdisc add dev X`` on a link the lab makes, and
``env LC_ALL=C sysctl -w``. An ``env`` that only sets variables (``-u NAME``, ``-i``) and
sudo's options are read through to the program, as ``sudo``, ``timeout 5`` and ``nice``
were: the ip line is typed (kept as written), the others' undo and place are known, and an
undo is run as its command was (``sudo -E iptables -D ...``). The kernel test runs in
network and mount namespaces of its own (tests/kernel.py ``apart``), prefix ``evx1``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from iplab.importer.convert import import_text
from iplab.ipgrammar import effects, read
from iplab.steps import LinkAdd
from iplab.words import ip_netns, known_undo, link_scoped
from iplab.wrappers import past_how_it_runs
from tests.kernel import apart

LAB = """\
#!/bin/bash
ip netns add ns1
{pre}ip link add v0 type veth peer name v1
ip link set v1 netns ns1
{pre}tc -n ns1 qdisc add dev v1 root netem delay 10ms
{pre}tc qdisc add dev v0 root netem delay 10ms
{pre}iptables -A FORWARD -i v0 -j ACCEPT
{pre}ip -n ns1 link set v1 up
"""


@pytest.mark.parametrize(
    "pre", ["", "sudo ", "sudo -E ", "env LC_ALL=C ", "sudo env LC_ALL=C ", "sudo -E env -u X "]
)
def test_a_wrapped_line_is_read_as_its_program(pre: str) -> None:
    result = import_text(LAB.format(pre=pre), "shell", "lab.sh")
    assert result.cannot_undo == (), result.cannot_undo
    assert result.model_error is None, result.model_error
    assert result.typed == 4, result.yaml


@pytest.mark.parametrize(
    ("line", "program"),
    [
        ("env LC_ALL=C ip link add v0 type dummy", ["ip", "link", "add", "v0", "type", "dummy"]),
        ("env -u LANG -i PATH=/sbin ip a", ["ip", "a"]),
        ("env --unset=LANG ip a", ["ip", "a"]),
        ("env -C /tmp ip a", None),  # (another directory: not only how it runs)
        ("env -S 'ip a'", None),
        ("env", None),  # (it lists the variables)
        ("env LC_ALL=C", None),
    ],
)
def test_env_that_only_sets_variables(line: str, program: list[str] | None) -> None:
    words = line.replace("'ip a'", "ip_a").split()
    assert past_how_it_runs(words) == (program or words)


def test_the_words_readers_see_past_sudo_options_and_env() -> None:
    assert isinstance(read("env LC_ALL=C ip link add v0 type veth peer name v1"), LinkAdd)
    assert ip_netns("sudo -E tc -n ns1 qdisc add dev v1 root netem delay 10ms") == "ns1"
    assert ip_netns("env LC_ALL=C ip -n ns1 route add default dev v1") == "ns1"
    assert link_scoped("sudo -E tc qdisc add dev v0 root netem delay 10ms") == "v0"
    assert known_undo("sudo -E iptables -A FORWARD -i v0 -j ACCEPT") == (
        "sudo -E iptables -D FORWARD -i v0 -j ACCEPT"
    )
    assert known_undo("env LC_ALL=C ip rule add from 10.0.0.0/24 table 100") == (
        "env LC_ALL=C ip rule del from 10.0.0.0/24 table 100"
    )
    # (env in front of a program that makes a name: not a name-neutral ``env``)
    said = effects("env LC_ALL=C ip link add vx0 type vxlan id 42 dstport 4789 dev v0")
    assert said is not None and [e.name for e in said.creates] == ["vx0"], said


def test_a_host_change_behind_a_wrapper_is_said() -> None:
    text = (
        "#!/bin/bash\nsudo -E iptables -A FORWARD -i v0 -j ACCEPT\n"
        "env LC_ALL=C sysctl -w net.ipv4.ip_forward=1\n"
    )
    result = import_text(text, "shell", "host.sh")
    assert len(result.host_changes) == 2, result.host_changes


IPLAB = f"{sys.executable} -m iplab"


@pytest.mark.kernel
def test_an_env_line_runs_and_is_undone(tmp_path: Path) -> None:
    script = tmp_path / "lab.sh"
    script.write_text(
        "#!/bin/bash\nip netns add ns1\nenv LC_ALL=C ip link add v0 type veth peer name v1\n"
        "ip link set v1 netns ns1\nenv LC_ALL=C ip -n ns1 link set v1 up\n",
        encoding="utf-8",
    )
    state = tmp_path / "state"
    run = apart(
        f"{IPLAB} import {script} -o {tmp_path}/lab.yaml >/dev/null 2>&1 || exit 8\n"
        f"{IPLAB} run {tmp_path}/lab.yaml --prefix evx1 --state-dir {state}; echo rc=$?\n"
        "echo left: $(ls /run/netns) $(ip -br link | grep -c evx1)",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "rc=0" in run.stdout, said
    assert "left: 0" in run.stdout, said
