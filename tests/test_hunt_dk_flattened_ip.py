"""Hunt DK #3: a code block flattened onto one line with no ``sudo`` (``ip link add v0 type
veth peer name v1 ip link set v0 netns red``, as hunt DE's pages lost their line breaks)
was one command, or none: only ``sudo ip`` began a new one (hunt DE #3). Now the line is
split where ip's own grammar reads a new ``ip OBJECT VERB`` after a whole ip command;
``ip netns exec red ip ...`` and ``ip -n red ...`` stay one command each, and words in
quotes are never split."""

from __future__ import annotations

import pytest

from iplab.errors import IplabError
from iplab.importer.convert import detect_kind, import_text


def _read(line: str) -> list[str]:
    text = f"Namespaces\n\n{line}\n"
    result = import_text(text, detect_kind("page.md", text), "page.md")
    return [
        w.split("; ", 1)[1].removesuffix(" is read as a command")
        for w in result.warnings
        if w.endswith("is read as a command")
    ]


def test_a_flattened_block_without_sudo_is_its_commands() -> None:
    line = (
        "ip netns add red ip link add v0 type veth peer name v1"
        " ip link set v0 netns red ip addr add 10.0.0.1/24 dev v1 ip link set v1 up"
    )
    assert _read(line) == [
        "'ip netns add red'",
        "'ip link add v0 type veth peer name v1'",
        "'ip link set v0 netns red'",
        "'ip addr add 10.0.0.1/24 dev v1'",
        "'ip link set v1 up'",
    ]


def test_exec_and_dash_n_are_not_broken() -> None:
    line = (
        "ip netns add red ip netns exec red ip link set lo up"
        " ip -n red addr add 10.0.0.1/24 dev lo ip netns exec red ip route add default dev lo"
    )
    assert _read(line) == [
        "'ip netns add red'",
        "'ip netns exec red ip link set lo up'",
        "'ip -n red addr add 10.0.0.1/24 dev lo'",
        "'ip netns exec red ip route add default dev lo'",
    ]


def test_one_command_stays_one() -> None:
    assert _read("ip netns exec red ip link set lo up") == ["'ip netns exec red ip link set lo up'"]
    assert _read("$ ip netns exec red sudo -u nobody ip link show") == [
        "'ip netns exec red sudo -u nobody ip link show'"
    ]


def test_a_line_with_another_program_in_it_is_not_split() -> None:
    """Each piece must be an ip command: bubuko's line with ``ifconfig`` in it is still
    a line of commands inside sentences (tests/test_hunt_bc_pages.py)."""
    with pytest.raises(IplabError, match="line 3 holds ip commands inside sentences"):
        _read("ip link add v0 type veth peer name v1 ifconfig v0 up ip link set v1 up")
