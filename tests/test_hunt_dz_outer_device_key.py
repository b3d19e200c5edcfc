"""A device's key written by the outer shell, the link in a namespace (hunt DZ #4: a
quagga SRv6 lab's create target, a public script the search tool stores without its
repository, writes ``ip netns exec r1 echo 1 > /proc/sys/net/ipv6/conf/r1_r2/seg6_enabled``
for each of its ten links, each moved before into its namespace). ``ip netns exec r1`` runs
only ``echo`` in r1: the redirection is the outer shell's, in the root namespace, which
has no r1_r2, so there is no such file there. iplab warned (hunt DU) and ran: at the line
it said it cannot read the key, the step failed, and the run rolled back. The link's
name is the lab's (it was made in the root, so free on the host, which the preflight
checks, then moved out): the root surely has none. Now check and up refuse the line
before anything runs, naming it and the line that writes r1's key."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.model import ModelError
from iplab.plan import Plan, build
from tests.kernel import apart
from tests.pages import apart_env

LAB = """\
ip netns add r1
ip netns add r2
ip link add r1_r2 type veth peer name r2_r1
ip link set netns r1 dev r1_r2 up
ip link set netns r2 dev r2_r1 up
ip netns exec r1 ip addr add fe00:12::1/64 dev r1_r2
ip netns exec r2 ip addr add fe00:12::2/64 dev r2_r1
"""
SEG6 = "ip netns exec r1 echo 1 > /proc/sys/net/ipv6/conf/r1_r2/seg6_enabled\n"


def _build(text: str) -> Plan:
    return build(scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml"))


def test_the_outer_shells_write_of_a_moved_links_key_is_refused() -> None:
    with pytest.raises(ModelError) as refused:
        _build(LAB + SEG6)
    said = str(refused.value)
    assert "setup[7]" in said and f"`{SEG6.strip()}`" in said, said
    assert "no link r1_r2: a step before moved it into namespace r1" in said, said
    assert "ip netns exec r1 sysctl -w net.ipv6.conf.r1_r2.seg6_enabled=1" in said, said
    assert "ip netns exec r1 sh -c 'echo 1 > /proc/sys/net/ipv6/conf/r1_r2/seg6_enabled'" in said


@pytest.mark.parametrize(
    "line",
    [
        "sysctl -w net.ipv6.conf.r1_r2.seg6_enabled=1\n",  # (in the root, as written)
        "ip netns exec r1 echo 1 | tee /proc/sys/net/ipv6/conf/r1_r2/seg6_enabled\n",
    ],
)
def test_a_root_write_of_a_moved_links_key_is_refused_however_written(line: str) -> None:
    with pytest.raises(ModelError, match="no link r1_r2: a step before moved it"):
        _build(LAB + line)


@pytest.mark.parametrize(
    "line",
    [
        "ip netns exec r1 sysctl -w net.ipv6.conf.r1_r2.seg6_enabled=1\n",
        "ip netns exec r1 sh -c 'echo 1 > /proc/sys/net/ipv6/conf/r1_r2/seg6_enabled'\n",
        "echo 1 | ip netns exec r1 tee /proc/sys/net/ipv6/conf/r1_r2/seg6_enabled\n",
        "ip netns exec r1 echo 1 > /proc/sys/net/ipv6/conf/r1_r2/seg6_enabled || true\n",
    ],
)
def test_the_fixed_lines_and_one_let_fail_are_not(line: str) -> None:
    _build(LAB + line)


def test_a_link_never_in_the_root_may_be_the_hosts_there_and_is_only_warned() -> None:
    text = LAB.replace(
        "ip netns add r2\n", "ip netns add r2\nip -n r1 link add r1_x type veth peer name x1\n"
    )
    plan = _build(text + "ip netns exec r1 echo 1 > /proc/sys/net/ipv6/conf/r1_x/seg6_enabled\n")
    assert any("r1_x" in str(w) and "outer shell" in str(w) for w in plan.warnings)


def test_after_a_step_of_unknown_effect_it_is_only_warned() -> None:
    plan = _build(LAB + "./move-links-back.sh\n" + SEG6)
    assert any("moved it into namespace r1" in str(w) for w in plan.warnings), plan.warnings


@pytest.mark.kernel
def test_the_kernel_has_no_such_file_in_the_root_and_check_says_so(tmp_path: Path) -> None:
    """Apart (a namespace of the test's own taken for the host): the page's line fails
    ("No such file or directory"), the fix writes r1's key; ``iplab check`` refuses the
    page's line."""
    page = (LAB + SEG6).replace("r1", "dzx1").replace("r2", "dzx2")  # (the test's names)
    lab = tmp_path / "lab.sh"
    lab.write_text(page)
    done = apart(
        apart_env(tmp_path)
        + page.replace("seg6_enabled\n", "seg6_enabled; echo page=$?\n")
        + "ip netns exec dzx1 sysctl -qw net.ipv6.conf.dzx1_dzx2.seg6_enabled=1; echo fix=$?\n"
        + "echo r1=$(ip netns exec dzx1 cat /proc/sys/net/ipv6/conf/dzx1_dzx2/seg6_enabled)\n"
        + "ip netns del dzx1; ip netns del dzx2\n"
        + f"python3 -m iplab import {lab} -o {tmp_path}/lab.yaml\n"
        + f"python3 -m iplab check -q {tmp_path}/lab.yaml; echo check=$?\n"
    )
    out = done.stdout + done.stderr
    assert "page=1" in out and "No such file or directory" in out, out
    assert "fix=0" in out and "r1=1" in out, out
    assert "check=2" in out and "a step before moved it into namespace dzx1" in done.stderr, out
