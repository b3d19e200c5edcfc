"""Hunt DN #3: sobyte.net's page (stored excerpt) names ip's commands only in bullets that
give their general form: "To add a new network interface, use the ip link add
<interface-name> type <interface-type> <interface-arguments>... command".

Before, "no command found" called them "ip commands inside sentences (a transcript?)" and
told the reader to write each on a line of its own and import that: a line with
``<interface-name>`` in it, which iplab would then refuse as a placeholder. Now such lines
are said to be forms with nothing to run; a sentence that holds a real command (a
transcript's) is said as before."""

from __future__ import annotations

import pytest

from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.prose import commands_in_sentences
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-dn" / "dn04-sobyte-gutter-usage-comments.md"


def _refusal(text: str, name: str) -> str:
    with pytest.raises(UsageError) as caught:
        import_text(text, detect_kind(name, text), name)
    return str(caught.value)


def test_forms_are_not_commands_to_write_out() -> None:
    said = _refusal(PAGE.read_text(encoding="utf-8"), PAGE.name)
    assert "a transcript?" not in said
    assert "lines 41, 42, 43 give ip commands only in their general form" in said
    assert "<interface-name>" in said


def test_a_transcript_is_said_as_before() -> None:
    text = "So then you type sudo ip netns add blue and it makes the namespace.\n"
    assert commands_in_sentences(text) == [1]
    said = _refusal(text, "talk.txt")
    assert "line 1 holds ip commands inside sentences (a transcript?)" in said
