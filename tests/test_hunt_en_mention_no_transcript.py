"""Hunt EN #5: a forum question (forum.linuxfoundation.org, tests/fixtures/pages-en/en08-...)
asks "Could someone please clarify the ip netns command for me." and runs nothing. The
import's "no command found" added "line 6 holds ip commands inside sentences (a
transcript?): write each on a line of its own", advice that makes ``ip netns command for
me`` of a question (the same for xavki's "I hope that you love the CLI ip netns ;)"). A
text names ip commands inside its sentences only where one of them has ip's verb after its
object (``... and we type ip netns add red``); the name of a tool in a question is none."""

from __future__ import annotations

import pytest

from iplab.errors import UsageError
from iplab.importer.prose import commands_in_sentences
from tests.conftest import REPO
from tests.pages import page_imported

PAGE = REPO / "tests" / "fixtures" / "pages-en" / "en08-lf-forum-question-ip-netns-in-prose.md"


def test_a_question_naming_ip_netns_is_no_transcript() -> None:
    with pytest.raises(UsageError) as caught:
        page_imported(PAGE)
    said = str(caught.value)
    assert "no command found" in said
    assert "inside sentences" not in said, said


def test_a_sentence_with_ip_s_verb_is_still_one() -> None:
    mentions = (
        "Could someone please clarify the ip netns command for me.\n"
        "I hope that you love the CLI ip netns ;)\n"
    )
    assert commands_in_sentences(mentions) == []
    spoken = "[01:02] next addresses, ip -n red addr add 10.0.0.1/24 dev v0\n"
    spoken += "and we type ip netns add red\nso now if I do ip netns you can see red\n"
    assert commands_in_sentences(spoken) == [1, 2, 3]
