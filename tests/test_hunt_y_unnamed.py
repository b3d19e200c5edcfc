"""Hunt Y #1 (safety): changes to objects only the shell names, spelled so that the
unnamed-change rule (iplab/unnamed.py) did not see them, passed check and ran under up."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.model import ModelError
from iplab.plan import build
from iplab.unnamed import unnamed_change
from iplab.words import lists_every_netns
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-4"
#: the hunt's one-line probes (probe/aN.sh's last line), each after the same three lines
PROBES = (HUNT / "y1-probe-lines.txt").read_text(encoding="utf-8").splitlines()
LAB = "ip netns add red\nip link add v0 type veth peer name v1\nip link set v1 netns red\n"
#: the cleanup idioms of y1-lazy-cleanup.md, as its code blocks have them
LAZY = (HUNT / "y1-lazy-cleanup.md").read_text(encoding="utf-8").splitlines()
IDIOMS = [line for line in LAZY if line.startswith(("eval", "ip tuntap del", "sudo", "ip netns"))]


def _built(text: str, name: str) -> None:
    result = import_text(text, "shell", name)
    build(scenario.load_text(result.yaml, name.replace(".sh", ".yaml")), prefix="hY")


@pytest.mark.parametrize("line", PROBES)
def test_each_spelling_of_an_unnamed_change_is_refused(line: str) -> None:
    """Hunt Y #1: ``eval "ip link del $IF"``, ``bash -lc``, ``sudo sh -ec``, ``su -c ...
    root``, ``ip netns exec red bash -c 'ip netns del $(...)'``, ``ip tuntap del dev
    $TAP``, ``ip tunnel del $T``, ``nmcli connection delete id "$CON"``, ``nmcli con down
    uuid $UUID``, ``busybox ip``, ``ethtool -K $IF``: model OK, run unchanged under
    --prefix (hunt Y's up deleted links and namespaces the lab never made). Now each is
    refused before anything runs, naming file and line."""
    with pytest.raises(ModelError, match=r"^probe\.yaml:1[68]: setup\[3\]"):
        _built(LAB + line + "\n", "probe.sh")


def test_the_lazy_cleanup_idioms_are_each_found() -> None:
    """Hunt Y #1: y1-lazy-cleanup.md's four cleanups (``eval`` of a file's names, ``ip
    tuntap del dev $TAP``, ``sudo bash -lc 'for ns in $(ip netns list ...)'``, which
    deletes every namespace of the host, and ``ip netns exec red sh -c 'ip netns del
    $(...)'``) each passed check; lists_every_netns did not look inside ``bash -lc``."""
    assert len(IDIOMS) == 4, IDIOMS
    for line in IDIOMS:
        assert unnamed_change(line) is not None, line
    assert lists_every_netns(IDIOMS[2]) == "ip netns list"


def test_the_victims_script_is_refused_before_anything_runs() -> None:
    """Hunt Y #1: y1b-victims.sh (the same idioms aimed at hand-made hY objects) passed
    check, and up deleted hYvictim1, hYvictim2 and hYvic0/hYvic1."""
    text = (HUNT / "y1b-victims.sh").read_text(encoding="utf-8")
    with pytest.raises(ModelError, match=r"y1b-victims\.yaml:\d+: setup\[3\]: runs eval"):
        _built(text, "y1b-victims.sh")


@pytest.mark.parametrize(
    "line",
    [
        "bash -lc 'ip link del veth0'",
        'eval "ip link set veth0 up"',
        "su -c 'ip link set v0 up' root",
        "ip netns exec red sh -c 'ip link set $IF up'",
        "for ns in red blue; do ip netns exec $ns ip link set lo up; done",
        "ip netns exec $NS ip -br addr",
        "ethtool -k $IF",
        "ethtool $IF",
        "ip tuntap add dev tap0 mode tap",
        "ip xfrm state flush",
        "nmcli con up id lab0",
        "bash -x setup.sh",
        "watch -n1 ip -br link",
    ],
)
def test_the_harmless_forms_of_the_same_family_stay_ok(line: str) -> None:
    """Hunt Y #1: names the line writes, reads, and changes inside a namespace the line
    names are not refused."""
    assert unnamed_change(line) is None


@pytest.mark.parametrize(
    ("name", "said", "hint"),
    [
        (
            "y7-e10.sh",
            "runs ip -all netns exec ip link set $(ls /sys/class/net | tail -1) down:",
            "(run the change in each of the lab's namespaces with ip netns exec NS)",
        ),
        (
            "y7-e11.sh",
            "runs ip -all netns exec echo hi > /tmp/hunt-Y/x:",
            "(run the change in each of the lab's namespaces with ip netns exec NS)",
        ),
        (
            "y7-e2.sh",
            "runs ip -all netns exec ip link set lo up:",
            "(run the change in each of the lab's namespaces: for ns in hYred; do ip netns exec"
            " $ns ip link set lo up; done)",
        ),
    ],
)
def test_every_netns_exec_refusals_say_the_line_as_written(name: str, said: str, hint: str) -> None:
    """Hunt Y #7: ``ip -all netns exec`` refusals showed mangled words (``ip link set '$'
    '(' ls /sys/class/net``), and ``echo hi > FILE`` was told to go "on a line of its own,
    without shell syntax (action 'netns exec all')", which only scopes reads: ``>`` had
    become a quoted word, so the line seemed to only read. Now the command is said as
    written, and a change is told how to run in the lab's namespaces, named (as the
    model holds them: --prefix hY here)."""
    text = (HUNT / name).read_text(encoding="utf-8")
    with pytest.raises(ModelError) as refused:
        _built(text, name)
    message = f"{refused.value} ({refused.value.hint})"
    assert said in message and message.endswith(hint), message
