"""A line of a block without prompts, right after a command's output, that begins with a
shell word (``if``, ``while``, ``until``, ``[ ... ]``, ``test``) or a program outside the
reader's list (``seq``, ``dmesg``) was taken for more of that output: the page's
``if ! ip netns list | grep -q blue; then ip netns add blue; fi`` and ``seq 1 2 | xargs
-I{} ip netns add box{}`` were lost, and the lab that ran had neither namespace.
(reader._MORE_PROGRAMS, reader._SHELL_OPENS; tests/fixtures/after-output/.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.importer.convert import import_text
from iplab.words import reads_only
from tests.kernel import REPO, iplab, snapshot

PAGE = REPO / "tests" / "fixtures" / "after-output" / "no-prompts.md"

#: the page's commands, in order (everything else in its blocks is output)
COMMANDS = (
    "ip netns add red",
    "ip netns exec red ip -br link",
    "if ! ip netns list | grep -q blue; then ip netns add blue; fi",
    "ip netns list",
    "[ -e /run/netns/green ] || ip netns add green",
    "ip link add br0 type bridge",
    "ip link set br0 up",
    "ip -br link show br0",
    "seq 1 2 | xargs -I{} ip netns add box{}",
    "for ns in red blue green box1 box2; do\n"
    "  ip link add v-$ns type veth peer name e0 netns $ns\n"
    "  ip link set v-$ns master br0 up\n"
    "  ip -n $ns link set e0 up\n"
    "done",
    "dmesg | tail -2",
    "test -e /run/netns/box2 && ip -n box2 addr add 10.0.0.12/24 dev e0",
    "ip -n red addr add 10.0.0.1/24 dev e0",
    "ip -n red -br addr",
    "while read ns addr; do ip -n $ns addr add $addr dev e0; done <<'END'\n"
    "blue 10.0.0.2/24\ngreen 10.0.0.3/24\nEND",
)


def test_every_command_after_an_output_is_a_command() -> None:
    result = import_text(PAGE.read_text(), "markdown", PAGE.name)
    assert result.lines == COMMANDS
    assert "[  812.339517] br0: port 5(v-box2) entered blocking state" in result.yaml  # output
    assert not result.cannot_undo  # (dmesg | tail -2 shows the kernel's messages)


@pytest.mark.parametrize(
    "line",
    [
        'if __name__ == "__main__":',  # Python's, with its colon
        "[    1.234567] br0: port 1(veth1) entered blocking state",  # dmesg's, no "]" word
        "while True:",
    ],
)
def test_output_that_begins_like_the_shell_stays_output(line: str) -> None:
    page = f"```\nip netns add a\nip -br link\n{line}\n```\n"
    result = import_text(page, "markdown", "p.md")
    assert result.lines == ("ip netns add a", "ip -br link")


@pytest.mark.parametrize(
    ("command", "reads"),
    [
        ("dmesg", True),
        ("dmesg -T | tail -5", True),
        ("dmesg --level=err", True),
        ("dmesg -C", False),  # clears the buffer
        ("dmesg -Tc", False),
        ("dmesg -n 1", False),  # sets the console's level
        ("dmesg -w", False),  # follows to the end of time
    ],
)
def test_dmesg_reads_unless_it_clears_sets_or_follows(command: str, reads: bool) -> None:
    assert reads_only(command) is reads


@pytest.mark.kernel
def test_the_page_runs_whole_and_leaves_nothing(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    lab = tmp_path / "no-prompts.yaml"
    made = iplab("import", str(PAGE), "-o", str(lab), state=state_dir)
    assert made.returncode == 0, made.stdout + made.stderr
    done = iplab("run", str(lab), "--prefix", prefix, state=state_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("blue", "green", "box1", "box2"):
        assert f"ip netns add {prefix}{name}" in done.stdout
    assert "nothing of the lab remains" in done.stdout
    assert not snapshot(prefix).netns and not snapshot(prefix).links
