"""Hunt DJ #7: a Chinese page saved as text (haomeiwen.com, on how veth is made), no code
blocks, types at a root prompt ``[root@localhost ~]# ip link add vetha type veth peer name
vethb``, then ``[root@localhost ~]# modprobe veth`` and ``[root@localhost ~]# lsmod | grep
veth`` (a module loaded on the host, and a look at it).

Before, the ip line was read and the two others left out with no word: the lab looked
like the page. Now a line typed at a prompt that runs another program is named in a
warning: not read (a page's bare lines are read when they are ip commands), with the way to
run it. (In a code block it is read, as before.)"""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-dj" / "dj03-haomeiwen-root-prompt-modprobe-c-code.md"


def test_a_prompted_line_of_another_program_is_said() -> None:
    text = PAGE.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(PAGE.name, text), PAGE.name)
    said = [w for w in result.warnings if "typed at a prompt" in w]
    assert said == [
        "line 7: 'modprobe veth' is typed at a prompt, and the page has no code blocks: not"
        " read (its bare lines are read when they are ip commands); put it in a code block"
        " to run it",
        "line 8: 'lsmod | grep veth' is typed at a prompt, and the page has no code blocks:"
        " not read (its bare lines are read when they are ip commands); put it in a code"
        " block to run it",
    ]
    assert "modprobe veth" not in result.yaml.split("# --- import summary ---")[0]


def test_a_sentence_is_no_prompted_line() -> None:
    text = "Notes\n\nip netns add red\nThen run it again.\n"
    result = import_text(text, "markdown", "page.md")
    assert not [w for w in result.warnings if "typed at a prompt" in w]
