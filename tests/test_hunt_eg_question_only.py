"""Hunt EG #7: a question with no lab of its own (CiscoDevNet/netdevops-live-0213#1,
tests/fixtures/pages-eg/eg06-...): the asker pastes ``ip a`` output of their bridge and
veths, then ``gml@ovn:~/netdevops-live-0213$ ping 172.16.0.1`` from their host.

It was imported as a lab of one step, that ping, and ``iplab run`` would ping 172.16.0.1
from this host: the question's look at its own network run as if it were a lab. A page
whose every command only reads, on the host itself, was said "no lab here" only when it
reached a public address (hunt CL #3); an address of a private network that no step makes
is the host's network just the same. Now it is said so too."""

from __future__ import annotations

import pytest

from iplab.errors import UsageError
from iplab.importer.convert import import_text
from tests.conftest import REPO
from tests.pages import page_imported

PAGES = REPO / "tests" / "fixtures" / "pages-eg"
PAGE = PAGES / "eg06-ciscodevnet-netdevops-1-question-output-only.md"


def test_the_question_is_said_to_hold_no_lab() -> None:
    with pytest.raises(UsageError) as caught:
        page_imported(PAGE)
    said = str(caught.value)
    assert "no lab here (read as markdown): its 1 command (line 32: ping) makes" in said, said
    assert "172.16.0.1" in said


def test_a_lab_s_own_address_is_still_a_lab() -> None:
    page = "```\nip netns add a\nip -n a link set lo up\nip netns exec a ping -c 1 127.0.0.1\n```\n"
    assert len(import_text(page, "markdown", "p.md").lines) == 3


def test_a_ping_of_the_loopback_alone_is_not_said() -> None:
    page = "```\nping -c 1 127.0.0.1\n```\n"
    assert import_text(page, "markdown", "p.md").lines == ("ping -c 1 127.0.0.1",)
