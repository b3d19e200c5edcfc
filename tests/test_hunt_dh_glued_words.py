"""Hunt DH #2: a space lost when a line is copied from a page: ``iplink add veth0 type veth
peer name veth1`` (a tool glued to its object; an LXC book's macvlan chapter prints
``root@ubuntu:~# iplink add lxcmacvlan0 link eth1 type macvlan mode bridge``) and ``ip
linkadd veth0 ...`` (an object glued to its verb).

Before, import said nothing of the first (a raw step, which fails at run: "iplink: command
not found"; only ``up``'s preflight named it), and of the second only "a typo?". Now import
names the line and the line it likely means; the step stays as the page writes it, and
render prints the page byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iplab import ipgrammar, programs
from iplab.cli import main
from tests.pages import imported, written

PAGE = (
    "#!/bin/bash\nip netns add red\niplink add veth0 type veth peer name veth1\n"
    "ip linkadd veth2 type veth peer name veth3\nsudo ipnetns add blue\n"
    "ip netns exec red iplink set lo up\n"
)


def _warnings(tmp_path: Path) -> list[str]:
    page = tmp_path / "lab.sh"
    page.write_text(PAGE)
    result, _ = imported(page)
    return list(result.warnings)


@pytest.mark.skipif(shutil.which("iplink") is not None, reason="this host has an iplink")
def test_a_tool_glued_to_its_object_is_named_with_the_line_meant(tmp_path: Path) -> None:
    said = [w for w in _warnings(tmp_path) if "with its space lost" in w]
    assert said[0].startswith("line 3: 'iplink add veth0 type veth peer name veth1' runs")
    assert "write 'ip link add veth0 type veth peer name veth1'" in said[0]
    assert any(w.startswith("line 5: ") and "write 'sudo ip netns add blue'" in w for w in said), (
        said
    )
    assert any("write 'ip netns exec red ip link set lo up'" in w for w in said), said


def test_an_object_glued_to_its_verb_is_named_with_the_line_meant(tmp_path: Path) -> None:
    said = [w for w in _warnings(tmp_path) if w.startswith("line 4: ")]
    assert said and "did you mean 'ip link add veth2 type veth peer name veth3'?" in said[0]


def test_the_page_renders_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "lab.sh"
    page.write_text(PAGE)
    result, _ = imported(page)
    assert main(["render", str(written(result, tmp_path))]) == 0
    assert capsys.readouterr().out == PAGE.split("\n", 1)[1]


@pytest.mark.parametrize(
    ("word", "meant"),
    [
        ("linkadd", "link add"),
        ("addradd", "addr add"),
        ("netnsadd", "netns add"),
        ("routedel", "route del"),
        ("linkset", "link set"),
        ("linkfoo", None),
        ("ipv6", None),
    ],
)
def test_object_and_verb_split(word: str, meant: str | None) -> None:
    assert ipgrammar._glued_verb(word) == meant


@pytest.mark.parametrize(
    ("program", "meant"),
    [
        ("iplink", "ip link"),
        ("ipnetns", "ip netns"),
        ("ipaddr", "ip addr"),
        ("tcqdisc", "tc qdisc"),
        ("iptunnel", None),  # (net-tools' own programs)
        ("ipmaddr", None),
        ("iperf", None),
    ],
)
def test_tool_and_object_split(program: str, meant: str | None) -> None:
    assert programs.glued(program) == meant
