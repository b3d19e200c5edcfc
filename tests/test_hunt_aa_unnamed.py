"""Hunt AA (safety): changes to objects only the shell names that still passed the
unnamed-change rule after hunt Y: sudo's options joined (``sudo -iu root``) or long
(``--user root``), a ``\\$`` escaped in a double-quoted ``bash -c`` script, a script fed
to a shell's input (``echo "ip link del $IF" | sh``, ``bash <<< ...``), and ``nsenter``
into a namespace iplab cannot name (``-t 1``: the host's own)."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.model import ModelError
from iplab.plan import build
from iplab.unnamed import unnamed_change
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-5"


def _lines(name: str) -> list[str]:
    return (HUNT / name).read_text(encoding="utf-8").splitlines()


def _built(name: str) -> None:
    text = (HUNT / name).read_text(encoding="utf-8")
    result = import_text(text, detect_kind(name, text), name)
    build(scenario.load_text(result.yaml, "page.yaml"), prefix="hA")


@pytest.mark.parametrize(
    ("name", "line"),
    [("t3-sudo-flags.sh", "sudo -iu root"), ("t5-sudo-sh-escaped.md", "bash -c for i in")],
)
def test_the_hunts_pages_are_refused_before_anything_runs(name: str, line: str) -> None:
    """t3: ``sudo -iu root ip link set $IF down`` (IF from ``ip -o link | awk``); t5: ``sudo
    bash -c "for i in \\$(cat /tmp/links); do ip link set \\$i mtu 1400; done"``. Both were
    model OK, and up --dry-run would run them as written."""
    with pytest.raises(ModelError, match=rf"page\.yaml:\d+: setup\[\d+\]: runs {line}"):
        _built(name)


@pytest.mark.parametrize("line", _lines("lines4.txt"))
def test_every_escaped_substitution_in_a_double_quoted_script_is_refused(line: str) -> None:
    """lines4.txt: the hunt's spellings of a script whose ``\\$`` bash unescapes."""
    assert unnamed_change(line) is not None


@pytest.mark.parametrize("line", _lines("lines2.txt")[:3])
def test_sudo_options_joined_or_long_are_read(line: str) -> None:
    """``sudo --user root``, ``sudo -Eu root``, ``sudo -nu root``: the value ``root`` was
    taken for the program, and the change behind it was not read."""
    assert unnamed_change(line) is not None


@pytest.mark.parametrize(
    "line", [w for w in _lines("lines.txt") if "| sh" in w or ("<<< '" in w and "-batch" not in w)]
)
def test_a_script_fed_to_a_shell_is_read(line: str) -> None:
    assert unnamed_change(line) is not None


@pytest.mark.parametrize(
    ("line", "refused"),
    [
        ("nsenter -t 1 -n ip link del eth0", True),  # (the host's eth0: model OK, dry run ran it)
        ("sudo nsenter -n -t 1 ip link set lo up", True),
        ("nsenter --net=/proc/1/ns/net ip link set veth0 down", True),
        ("nsenter --net=/var/run/netns/$NS ip link set lo down", True),
        ("nsenter -a -t 4242 ip link del eth0", True),
        ("nsenter --net=/run/netns/a ip link del veth0", False),  # (as ip netns exec a)
        ("nsenter -t $! -n ip addr add 10.0.0.2/24 dev ceth0", False),  # (the lab's job)
        ("nsenter -t $CPID -n ip link set lo up", False),
        ("nsenter -t $PID -n ip netns del $x", True),  # (/run/netns is the host's anywhere)
    ],
)
def test_nsenter_is_read_as_ip_netns_exec_of_the_namespace_it_enters(
    line: str, refused: bool
) -> None:
    assert (unnamed_change(line) is not None) is refused
