"""Hunt R #2 (safety): a change whose target only the shell knows is refused."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.model import ModelError
from iplab.plan import build
from iplab.unnamed import unnamed_change
from tests.conftest import REPO

SAFETY = REPO / "tests" / "fixtures" / "safety"
#: the hunt's cleanups: cases.txt's line N is cN (after the lab r2-lab.sh makes)
CASES = (SAFETY / "r2-cases.txt").read_text(encoding="utf-8").splitlines()
LAB = (SAFETY / "r2-lab.sh").read_text(encoding="utf-8")
DELETES = (1, 3, 4, 5, 6, 7, 11, 12, 25)
READS = (13, 14, 16, 17, 18, 19, 20)


def _lab(case: int) -> scenario.Scenario:
    result = import_text(LAB + CASES[case - 1] + "\n", "shell", f"c{case}.sh")
    return scenario.load_text(result.yaml, f"c{case}.yaml")


@pytest.mark.parametrize("case", DELETES)
@pytest.mark.parametrize("prefix", ["", "hR"])
def test_a_cleanup_deleting_what_a_listing_names_is_refused(case: int, prefix: str) -> None:
    """Hunt R #2: "delete every veth" cleanups reading names from sources iplab did not
    know (``mapfile < <(ip -br link ...)``, a glob after ``cd /sys/class/net``, ``tc qdisc
    show | ... | xargs -I{} tc qdisc del dev {} root``, ``ls /proc/net/dev_snmp6``,
    ``bridge fdb show``, ``bridge vlan show``, ``ip route``, ``ip maddr``, ``arp -n``)
    passed as model OK, and ran unchanged under --prefix, reaching the host's links
    (``would-del eth0``). A change whose target is not a word iplab reads is refused
    before anything runs, naming file and line."""
    with pytest.raises(ModelError) as refused:
        build(_lab(case), prefix=prefix)
    said = str(refused.value)
    assert said.startswith(f"c{case}.yaml:22: setup[5]: runs "), said
    assert "what it changes is named only when it runs" in said


@pytest.mark.parametrize("case", READS)
def test_a_line_that_only_reads_the_links_is_not_refused(case: int) -> None:
    """Hunt R #2: the harmless reads of the same sources stay OK."""
    build(_lab(case))
    build(_lab(case), prefix="hR")


@pytest.mark.parametrize(
    "line",
    [
        "sudo timeout 5 env A=1 ip link del $X",
        "bash -c 'ip link del $x'",
        "find /sys/class/net -name 'veth*' -exec ip link del {} \\;",
        "parallel ip link del ::: $a",
        "brctl delif br0 $p",
        "ifconfig $i down",
        "nmcli con down $c",
        "networkctl down $l",
        "ip addr flush dev $D",
        "bridge link set dev $p isolated on",
        "ip link set veth0 master $BR",
        "ip netns exec a ip netns del $x",
        "ip link del `cat names`",
    ],
)
def test_each_changer_through_each_wrapper_is_found(line: str) -> None:
    """Hunt R's lesson: the changes are enumerated (ip, tc, bridge, brctl, ifconfig,
    nmcli, networkctl), through sudo, timeout, env, bash -c, find -exec, parallel."""
    assert unnamed_change(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "for l in veth0 veth1; do ip link del $l; done",
        "IF=veth0; ip link set $IF up",
        "for i in {1..3}; do ip link del veth$i; done",
        "echo red blue | sudo xargs -n1 ip netns del",
        "parallel ip link del ::: veth0 veth1",
        "ip link set veth1 netns $PID",
        "ip netns exec a bash -c 'ip link set $IF up'",
        "tc qdisc add dev veth0 root netem delay ${D}ms",
        "ifconfig $i",
    ],
)
def test_a_change_of_names_the_line_writes_is_not_found(line: str) -> None:
    """Names the line writes (a loop over words, an echo handed to xargs), a value that
    is no target, a change inside a namespace the line names: not refused."""
    assert unnamed_change(line) is None
