"""Hunt EX: answers, issue threads and man pages iplab had not seen (tests/fixtures/pages-ex/).

#1 cni#907 (ex01), a question pasting a zsh session whose theme's prompt is a guillemet:
``» sudo ip netns add testing``, ``» sudo CNI_PATH=./bin cnitool add myptp ...``. No line
was read ("no command found"). Now ``»`` is a prompt, as zsh's other themes' are.

#2 jursonmo's macvlan notes (ex05) quote the kernel's ``macvlan_queue_xmit`` in a code
block with no language: ``if (vlan->mode == MACVLAN_MODE_BRIDGE) {`` was a raw step, its
``->`` a redirection that "writes the host's ./mode". Now a block whose lines are all a C
program's, two of them what only such a program writes, is said and not read, as a
Makefile's is.

#3 The same page numbers its notes and lists two commands with commas, the last one
closed by a full-width comma: ``3.   ip tuntap add   tun0  mode tun  , ip link delete
tun0\uff0c``. It was a title, lost with no word. Now a line of prose whose every comma-parted
piece is an ip command iplab types is read as those commands; the full-width comma is no
heading glued to the last one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import decide_sudo
from iplab.render import renderer
from tests.conftest import REPO
from tests.kernel import SKIP
from tests.pages import page_ran_clean

PAGES = REPO / "tests" / "fixtures" / "pages-ex"


def _imported(name: str):  # type: ignore[no-untyped-def]
    path = next(PAGES.glob(name + "-*"))
    text = path.read_text(encoding="utf-8")
    return import_text(text, detect_kind(path.name, text), path.name)


def _rendered(yaml: str) -> list[str]:
    lab = scenario.load_text(yaml, "lab.yaml")
    return [renderer().command(s.op, decide_sudo(lab.sudo, s.sudo, s.op)).text for s in lab.steps]


def test_a_guillemet_prompt_is_a_prompt() -> None:
    commands = _rendered(_imported("ex01").yaml)
    assert "sudo ip netns add testing" in commands, commands
    assert "sudo CNI_PATH=./bin cnitool add myptp /var/run/netns/testing" in commands
    assert commands[-1] == "sudo ip -n testing addr", commands


def test_a_c_function_quoted_in_a_page_is_no_command() -> None:
    result = _imported("ex05")
    commands = _rendered(result.yaml)
    assert not any("MACVLAN" in c or "->" in c for c in commands), commands
    assert any(
        w.startswith("line 21: the code block 'if (vlan->mode == MACVLAN_MODE_BRIDGE) {'")
        and "a program in C" in w
        for w in result.warnings
    ), result.warnings
    assert not any("writes the host's" in s for s in result.host_changes), result.host_changes


@pytest.mark.parametrize(
    "block",
    [
        "setup() {\n  ip netns add a\n}\nsetup\n",
        "for ((i = 0; i < 3; i++)); do\n  ip netns add n$i\ndone\n",
        "ip netns add a; ip netns add b\nip -n a link set lo up;\n",
    ],
)
def test_a_shell_block_with_braces_and_semicolons_stays_shell(block: str) -> None:
    text = f"# lab\n\n```\n{block}```\n"
    result = import_text(text, "markdown", "page.md")
    assert "ip netns add a" in result.yaml or "netns add" in result.yaml, result.yaml
    assert not any("a program in C" in w for w in result.warnings), result.warnings


def test_commands_listed_with_commas_are_each_read() -> None:
    result = _imported("ex05")
    commands = _rendered(result.yaml)
    assert commands == ["ip tuntap add   tun0  mode tun", "ip link delete tun0"], commands
    assert not any("glued to the heading" in w for w in result.warnings), result.warnings


def test_a_sentence_with_a_comma_after_an_ip_command_stays_prose() -> None:
    text = (
        "# lab\n\n```\nip netns add a\n```\n\n"
        "ip netns add b, then ip netns add c when you need it.\n"
    )
    commands = _rendered(import_text(text, "markdown", "page.md").yaml)
    assert commands == ["ip netns add a"], commands


@pytest.mark.kernel
@pytest.mark.skipif(bool(SKIP), reason=SKIP or "")
def test_the_listed_tun_runs_clean_under_its_prefix(state_dir: Path, tmp_path: Path) -> None:
    """ex05 as a user runs it: the tun device made, verified, deleted by the page's own
    ``ip link delete``, nothing left of the prefix."""
    page = next(PAGES.glob("ex05-*"))
    prefix = "exxk01"
    out = page_ran_clean(page, prefix, "exx", state_dir, tmp_path)
    assert "ip tuntap add   exxk01tun0  mode tun" in out, out
