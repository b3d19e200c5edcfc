"""Hunt EG #5: aetilley's fix on sudomesh/babeld-lab#2 (tests/fixtures/pages-eg/eg10-...), a
thread with no code block, gives the wrong command and the right one as a forum answer
does: ``So instead of`` / ``sudo ip netns exec n0 nc -l 80`` / ``do`` / ``sudo ip netns exec
n0 nc -l -p 80``.

Both were read as steps: the command the answer replaces ran again (a second listener on
the port, before the right one), as if it were part of the answer. Now a command (a line of
the prose or a code block) right under a sentence ending in "instead of" or "rather than"
is what the page replaces: shown, not run, and said at its line; the one after it is read."""

from __future__ import annotations

from iplab.importer.convert import import_text
from tests.conftest import REPO
from tests.pages import page_imported

PAGES = REPO / "tests" / "fixtures" / "pages-eg"
PAGE = PAGES / "eg10-sudomesh-babeld-lab-2-instead-of-do-prose.md"


def test_the_command_the_answer_replaces_is_not_run() -> None:
    result = page_imported(PAGE)
    assert result.lines == (
        "sudo ip netns exec n0 ip route",
        "sudo ip netns exec n1 ip route",
        "sudo ip netns exec n0 nc -l 80",
        "sudo ip netns exec n1 nc 170.30.100.2 80",
        "sudo ip netns exec n0 nc -l -p 80",
    )
    said = [w for w in result.warnings if w.startswith("line 51:")]
    assert said and "instead of" in said[0] and "not run" in said[0]


def test_a_code_block_under_instead_of() -> None:
    page = (
        "```\nip netns add a\nip link add v0 netns a type dummy\n```\n\n"
        "Rather than:\n\n```\nip -n a link set v0 up\n```\n\n"
        "use:\n\n```\nip -n a link set dev v0 up mtu 1400\n```\n"
    )
    result = import_text(page, "markdown", "page.md")
    assert result.lines == (
        "ip netns add a",
        "ip link add v0 netns a type dummy",
        "ip -n a link set dev v0 up mtu 1400",
    )
    assert any(w.startswith("line 9:") and "rather than" in w.lower() for w in result.warnings)
