"""Hunt DJ #6: a blog's page (ithands-on.com, "Linux 101: network namespace creation")
whose commands are pictures of a terminal: its text keeps only the sentences that
announce them ("We create a network namespace using the below command:", "We could also
use the below commands, they are equivalent to the above command:"), each followed by the
next sentence.

Before, import said only "no command found (read as markdown)", as of a page about
something else. Now it says which lines announce a command that never comes: the page's
commands are not in its text."""

from __future__ import annotations

import pytest

from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.prose import announced_commands
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-dj" / "dj05-ithands-on-commands-in-images.md"


def test_the_lines_that_announce_a_command() -> None:
    text = (
        "Intro.\n\nWe create a namespace using the below command:\n\nThen a pair.\n\n"
        "Run the following commands:\n\nip netns add red\n\nThe output is shown below:\n"
    )
    assert announced_commands(text) == [3, 7]


def test_no_command_found_says_the_commands_are_not_in_the_text() -> None:
    text = PAGE.read_text(encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        import_text(text, detect_kind(PAGE.name, text), PAGE.name)
    said = str(raised.value)
    assert "no command found" in said
    assert "lines 12, 14, 16, 27, 33, 37, ... announce a command" in said, said
    assert "not in its text" in said
