"""Hunt DJ #7: a Chinese page saved as text (haomeiwen.com, on how veth is made), no code
blocks, types at a root prompt ``[root@localhost ~]# ip link add vetha type veth peer name
vethb``, then ``[root@localhost ~]# modprobe veth`` and ``[root@localhost ~]# lsmod | grep
veth`` (a module loaded on the host, and a look at it).

Before, the ip line was read and the two others left out with no word: the lab looked
like the page. Hunt DJ named them in a warning, not read; hunt DK (merged with it, by
design) reads a line typed at a prompt as the command it is, whatever its program
(tests/test_hunt_dk_prompted_not_ip.py): both are steps now, each said as read from a page
with no code blocks."""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-dj" / "dj03-haomeiwen-root-prompt-modprobe-c-code.md"


def test_a_prompted_line_of_another_program_is_said() -> None:
    text = PAGE.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(PAGE.name, text), PAGE.name)
    assert [w for w in result.warnings if "modprobe" in w or "lsmod" in w] == [
        "line 7: the page has no code blocks; 'modprobe veth' is read as a command",
        "line 8: the page has no code blocks; 'lsmod | grep veth' is read as a command",
    ]
    lab = result.yaml.split("# --- import summary ---")[0]
    assert "modprobe veth" in lab and "lsmod | grep veth" in lab


def test_a_sentence_is_no_prompted_line() -> None:
    text = "Notes\n\nip netns add red\nThen run it again.\n"
    result = import_text(text, "markdown", "page.md")
    assert not [w for w in result.warnings if "typed at a prompt" in w]
