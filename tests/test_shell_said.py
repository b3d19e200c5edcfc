"""What sudo and a login shell print around a page's ``sudo -i`` and ``exit`` lines.

A page that becomes root with ``sudo -i`` shows sudo's password prompt (``[sudo] password
for alice:``) under it, and bash's ``logout`` under the ``exit`` that leaves that shell.
Both lines were warned as "neither a command nor the output of one" (a page of the
session's own hunt, tests/fixtures/leftovers16c): they are what those two notes print.
"""

from __future__ import annotations

from iplab.importer.convert import import_text
from tests.kernel import REPO

PAGE = REPO / "tests" / "fixtures" / "leftovers16c" / "sudo-i-then-exit-netem.md"


def test_the_prompt_and_the_logout_are_not_warned() -> None:
    result = import_text(PAGE.read_text(), "markdown", PAGE.name)
    said = "\n".join(result.warnings)
    assert "[sudo] password" not in said and "'logout'" not in said, said
    assert "'sudo -i' opens a root shell" in said  # (the note itself is still said)
    assert [line for line in result.lines if line.startswith("ip netns add")] == [
        "ip netns add client",
        "ip netns add server",
    ]


def test_such_a_line_under_no_note_is_still_warned() -> None:
    page = "Run:\n\n```\nlogout\n$ ip netns add x\n```\n"
    result = import_text(page, "markdown", "p.md")
    said = "\n".join(result.warnings)
    assert "'logout' has no prompt" in said, said  # (not taken for the output of a note)
