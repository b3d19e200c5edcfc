"""Hunt DE #3: a page whose code block lost its line breaks (php.sqjnqi.com's macvlan
answer: ``sudo ip link add link eth0 name macvlan0 type macvlan mode bridge sudo ip addr
add 192.168.1.100/24 dev macvlan0 sudo ip link set dev macvlan0 up`` on one line) was read
as one command, the second and third ``sudo ip`` words of the first: rendered as one line
ip would refuse ("Garbage"), where the reader sees three. Now such a line, on a page with
no code blocks, is read as its commands, each said."""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-de" / "de06-sqjnqi-macvlan-eth0-flattened.md"


def test_each_sudo_ip_of_the_flattened_line_is_a_command() -> None:
    text = PAGE.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(PAGE.name, text), PAGE.name)
    read = [w for w in result.warnings if "is read as a command" in w]
    assert [w.split("; ", 1)[1] for w in read] == [
        "'sudo ip link add link eth0 name macvlan0 type macvlan mode bridge' is read as a command",
        "'sudo ip addr add 192.168.1.100/24 dev macvlan0' is read as a command",
        "'sudo ip link set dev macvlan0 up' is read as a command",
    ]
    # (the model still refuses the lab: macvlan0 is made on the host's eth0)
    assert "eth0" in (result.model_error or "")


def test_a_command_that_runs_sudo_inside_a_namespace_is_one_command() -> None:
    """``ip netns exec red sudo ip link show`` is one command: only a line every piece of
    which is an ip command of its own is split."""
    text = "Namespaces\n\n$ ip netns add red\n$ ip netns exec red sudo -u nobody ip link show\n"
    result = import_text(text, detect_kind("page.md", text), "page.md")
    read = [w for w in result.warnings if "is read as a command" in w]
    assert len(read) == 2
