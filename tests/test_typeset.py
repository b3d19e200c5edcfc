"""Commands copied from a typeset page: the dashes, quotes and spaces a blog engine set in
place of what the author typed are typed back, and the summary says so."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.importer.reader import ascii_command
from iplab.plan import build
from tests.corpus import imported_lines

EN, EM, MINUS = "\u2013", "\u2014", "\u2212"


@pytest.mark.parametrize(
    ("typeset", "typed"),
    [
        (f"ping {EN}c 3 10.0.0.2", "ping -c 3 10.0.0.2"),
        (f"ip {EN}4 addr", "ip -4 addr"),
        (f"ip {EM}all netns del", "ip --all netns del"),  # ip takes --all as -all
        (f"ip {MINUS}br link", "ip -br link"),  # ip's options take one dash
        (f"ping {EN}c1 {EN}W1 10.0.0.2", "ping -c1 -W1 10.0.0.2"),  # ping has no --c1
        (f"ip netns exec a tcpdump {EN}nni v0", "ip netns exec a tcpdump -nni v0"),
        (f"unshare {EN}net {EN}fork sh", "unshare --net --fork sh"),  # long options: two
        ("bash -c \u201cip link\u201d", 'bash -c "ip link"'),
        ("ip netns exec red sh -c \u2018ip a\u2019", "ip netns exec red sh -c 'ip a'"),
        ("ip\u00a0link set v1 up", "ip link set v1 up"),
        ("ip link set v1 up\u200b", "ip link set v1 up"),
    ],
)
def test_typeset_characters_are_typed_back(typeset: str, typed: str) -> None:
    text, changes = ascii_command(typeset)
    assert text == typed
    assert changes


@pytest.mark.parametrize(
    "line",
    [
        f'echo "step 1 {EN} the namespaces"',  # a dash between words: prose
        "echo don\u2019t",  # an apostrophe, not a quote
        "ip link set v1 up",
        "ip -4 a",
    ],
)
def test_what_is_no_typesetting_is_left_alone(line: str) -> None:
    assert ascii_command(line) == (line, [])


def test_a_page_with_typeset_commands_imports_as_the_author_typed_it() -> None:
    page = (
        "# Two namespaces\r\n\r\n```\r\n"
        "$ sudo ip netns add red\r\n"
        "$ sudo ip netns add blue\r\n"
        f"$ sudo ip link add v1 netns red type veth peer name v2 netns blue\r\n"
        f"$ sudo ip {EN}n red addr add 10.0.0.1/24 dev v1\r\n"
        f"$ sudo ip netns exec red ping {EN}c 1 10.0.0.1\r\n"
        "```\r\n"
    )
    imported = import_text(page, "markdown", "page.md")
    plan = build(scenario.load_text(imported.yaml, "page.yaml"))
    assert [pc.command.text for pc in plan.commands][-2:] == [
        "sudo ip -n red addr add 10.0.0.1/24 dev v1",
        "sudo ip netns exec red ping -c 1 10.0.0.1",
    ]
    said = [w for w in imported.warnings if "typeset characters" in w]
    assert len(said) == 2 and said[0].startswith("line 7: '\u2013n' (U+2013) as '-n'")


def test_a_dash_that_stands_for_no_word_is_kept_and_said() -> None:
    imported = import_text(f"ip netns add a {EN} b\n", "shell", "x.sh")
    assert any("a typeset dash that stands for no word" in w for w in imported.warnings)


def test_a_prompt_typeset_with_a_no_break_space_is_a_prompt() -> None:
    """``$&nbsp;`` or ``#&nbsp;`` (WordPress's code blocks): the command after it was lost."""
    page = (
        "# Lab\n\n```\n$\u00a0sudo ip netns add x1\n$ ip -n x1 link set lo up\n```\n\n"
        "```\n#\u00a0ip netns add pink\n# ip netns list\npink\n```\n"
    )
    lines, _ = imported_lines(page, "markdown", "page.md")
    assert lines == [
        "sudo ip netns add x1", "ip -n x1 link set lo up", "ip netns add pink", "ip netns list",
    ]  # fmt: skip


def test_a_hyphen_a_page_set_inside_a_name_is_the_authors_hyphen() -> None:
    imported = import_text("ip link add va\u2011br type bridge\n", "shell", "x.sh")
    assert imported.lines == ("ip link add va-br type bridge",)
    inside = import_text(f"ip link add va{EN}br type bridge\n", "shell", "x.sh")
    assert any("a typeset dash inside a word; kept as written" in w for w in inside.warnings)
