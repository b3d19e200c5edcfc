"""Hunt DR #1: a page whose code blocks were lost (besthub.dev's "Understanding Container
Networking", tests/fixtures/pages-dr/dr01-...) types ``$ sudo nsenter --net=/var/run/netns/
netns0``, then ``# inside netns0`` (the lost block's shell comment) and, on the lines right
under it, ``$ ip link set lo up``, ``$ ip link set ceth0 up``, ``$ ip addr add ... dev ceth0``.

Markdown reads that ``# inside netns0`` as a heading, and a heading closed the shell: the
nsenter was said to have nothing typed in it and the three lines ran in the root namespace
(the model refused the lab: "lo of the root namespace is the host's own"). Now a ``# ...``
line with a command right above and right under it, while a shell is open, is that shell's
comment: the lines under it are typed in netns0. A heading with a blank line or prose on a
side still leaves the shell, as before."""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "pages-dr" / "dr01-besthub-nsenter-inside-comment.md"


def test_the_page_types_its_lines_in_netns0() -> None:
    # (hunt DW, by design: the page types every line after ``$ vagrant ssh`` in the VM, its
    # comments too, so they are notes; as its warning says, a reader who follows it on this
    # host types them without that line, and there they are read in netns0)
    page = PAGE.read_text(encoding="utf-8").replace("$ vagrant ssh\n", "")
    result = import_text(page, detect_kind(PAGE.name, ""), PAGE.name)
    assert "opens a shell in netns0 and the page types nothing in it" not in result.yaml
    text = result.yaml.split("\n# --- import summary")[0]
    # lo up, ceth0 up, ceth0's address: read in netns0, not on the host
    assert text.count("in: netns0") == 3


def test_a_comment_between_commands_keeps_the_shell() -> None:
    page = (
        "Intro\n\n"
        "$ sudo ip netns add blue\n"
        "$ sudo nsenter --net=/var/run/netns/blue\n"
        "# inside blue\n"
        "$ ip link set lo up\n"
    )
    result = import_text(page, detect_kind("page.md", ""), "page.md")
    text = result.yaml.split("\n# --- import summary")[0]
    assert "in: blue" in text
    assert "types nothing in it" not in result.yaml


def test_a_heading_after_prose_still_leaves_the_shell() -> None:
    page = (
        "Intro\n\n"
        "$ sudo ip netns add blue\n"
        "$ sudo nsenter --net=/var/run/netns/blue\n\n"
        "Now back on the host.\n\n"
        "# The host\n"
        "$ sudo ip link add v0 type veth peer name v1\n"
    )
    result = import_text(page, detect_kind("page.md", ""), "page.md")
    assert "never left with exit; read as left before this heading" in result.yaml
