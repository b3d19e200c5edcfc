"""A page with no code blocks (its blocks lost when it was saved) holds each block's lines
bare: its ip lines were read, and a line of another program with no prompt (``ping -c 3
10.0.0.2``, ``ls -la /var/run/netns/``) was left out with no word (hunt DJ: oneuptime's
pages). Such a line is read as a command where it stands in the lost block, right under a
command or first under its ``# comment``; elsewhere it is said, naming the line. A
sentence that starts with a program's name stays prose."""

from __future__ import annotations

import pytest

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES
from tests.pages import imported

DJ = FIXTURES / "hunt-dj"


def _commands(page: str) -> tuple[list[str], list[str]]:
    result = import_text(page, "markdown", "p.md")
    return [line for line in result.yaml.splitlines() if "command:" in line], list(result.warnings)


@pytest.mark.parametrize(
    ("page", "line", "command"),
    [
        ("dj01-oneuptime-ipv4-stack-host-veth0-bash.md", 38, "ping -c 3 10.0.0.2"),
        ("dj02-oneuptime-ns1-ns2-dmz-route-no-link.md", 14, "ls -la /var/run/netns/"),
    ],
)
def test_a_lost_blocks_line_of_another_program_is_read(page: str, line: int, command: str) -> None:
    result, _lab = imported(DJ / page)
    assert f"command: {command}" in result.yaml, result.yaml
    said = f"line {line}: the page has no code blocks; {command!r} is read as a command"
    assert said in result.warnings, result.warnings


def test_a_line_right_under_a_command_is_read() -> None:
    commands, _ = _commands("Make it:\n\nip netns add a1\nls -l /var/run/netns\n")
    assert any("ls -l /var/run/netns" in c for c in commands), commands


def test_a_command_alone_in_the_prose_is_said() -> None:
    page = "We look at the files.\n\nls -la /var/run/netns/\n\nThen:\n\nip netns add a1\n"
    commands, warnings = _commands(page)
    assert not any("ls -la" in c for c in commands), commands
    assert any(
        w.startswith("line 3: the page has no code blocks; 'ls -la /var/run/netns/' looks like")
        for w in warnings
    ), warnings


@pytest.mark.parametrize(
    "prose",
    [
        "ping is a tool that sends echo requests",
        "ping between them",
        "ls lists the files.",
        "[ Lab 1 ] one namespace",
        "if (ops->newlink) {",
    ],
)
def test_a_sentence_is_no_command(prose: str) -> None:
    commands, warnings = _commands(f"ip netns add a1\n{prose}\n")
    assert commands == [] or not any(prose in c for c in commands), commands
    assert not any(prose in w for w in warnings), warnings
