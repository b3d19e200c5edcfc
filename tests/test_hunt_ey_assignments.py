"""Hunt EY #3 (left by hunt EV): the shell's assignments in front of a program.

``LC_ALL=C ip link add ...`` / ``FOO=1 tc ...`` (no ``env``: bash gives the program the
variables) stayed raw steps iplab "cannot undo", where ``env LC_ALL=C ip ...`` was read
(hunt EV). Scripts write it so: the kernel's own selftest
tools/testing/selftests/net/mptcp/mptcp_connect.sh runs ``LC_ALL=C ip netns exec
${disabled_ns} ./mptcp_connect ...`` and ``NSTAT_HISTORY=/tmp/... ip netns exec ... nstat
-n``. Now the assignments change only how the program runs: the ip line is typed, kept as
written, and it runs as ``env LC_ALL=C ip ...`` (the program was the word ``LC_ALL=C``
before: "this host does not have LC_ALL=C"). A lone assignment is no command. The kernel
test's prefix is ``eyx3``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from iplab.importer.convert import import_text
from iplab.ipgrammar import read
from iplab.steps import LinkAdd
from iplab.words import bare_words, ip_netns, known_undo
from iplab.wrappers import past_how_it_runs, unwrap_once

LAB = """\
#!/bin/bash
ip netns add ns1
{pre}ip link add v0 type veth peer name v1
ip link set v1 netns ns1
{pre}ip -n ns1 addr add 10.0.0.1/24 dev v1
{pre}tc -n ns1 qdisc add dev v1 root pfifo
{pre}ip -n ns1 link set v1 up
"""


@pytest.mark.parametrize("pre", ["LC_ALL=C ", "LANG=C LC_ALL=C ", "sudo LC_ALL=C ", "LANG=C sudo "])
def test_assignments_in_front_are_read_as_env(pre: str) -> None:
    result = import_text(LAB.format(pre=pre), "shell", "lab.sh")
    assert result.cannot_undo == (), result.cannot_undo
    assert result.model_error is None, result.model_error
    assert result.typed == 5, result.yaml
    assert "LC_ALL=C ip link add v0 type veth peer name v1" in result.yaml or pre == "LANG=C sudo "


def test_the_words_past_assignments() -> None:
    assert past_how_it_runs(["LC_ALL=C", "ip", "a"]) == ["ip", "a"]
    assert unwrap_once(["FOO=1", "BAR=", "ip", "a"]) == ["ip", "a"]
    assert unwrap_once(["FOO=1"]) is None  # (the shell's variable: no command)
    assert past_how_it_runs(["FOO=1"]) == ["FOO=1"]
    assert bare_words(["LANG=C", "sudo", "-E", "ip", "a"]) == ["ip", "a"]
    assert isinstance(read("LC_ALL=C ip link add v0 type veth peer name v1"), LinkAdd)
    assert ip_netns("LC_ALL=C tc -n ns1 qdisc add dev v1 root pfifo") == "ns1"
    assert known_undo("LC_ALL=C ip rule add from 10.0.0.0/24 table 100") == (
        "LC_ALL=C ip rule del from 10.0.0.0/24 table 100"
    )


IPLAB = [sys.executable, "-m", "iplab"]


@pytest.mark.kernel
def test_a_lab_with_assignments_runs_and_leaves_nothing(tmp_path: Path) -> None:
    script = tmp_path / "lab.sh"
    script.write_text(LAB.format(pre="LC_ALL=C ") + "LC_ALL=C ip -n ns1 link set lo up\n")
    env = {**os.environ, "IPLAB_STATE_DIR": str(tmp_path / "state")}
    lab = tmp_path / "lab.yaml"
    try:
        subprocess.run([*IPLAB, "import", str(script), "-o", str(lab)], env=env, check=True)
        done = subprocess.run(
            [*IPLAB, "run", str(lab), "--prefix", "eyx3"],
            check=False, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert "LC_ALL=C ip link add eyx3v0" in done.stdout, done.stdout
    finally:
        subprocess.run(["ip", "netns", "del", "eyx3ns1"], capture_output=True, check=False)
        subprocess.run(["ip", "link", "del", "eyx3v0"], capture_output=True, check=False)
