"""Hunt DN #5: a scraped copy of Arie Bregman's namespace post (codesec7.rssing.com) whose
commands lost their spaces: ``> ipnetnsaddmario > ipnetnsaddluigiWe created two
namespaces``, ``> sudoipnetnsexecmarioip a``.

Before, import said only "no command found". Now it names the lines whose ip commands
lost their spaces, and the first such word, so the reader knows the page's text is what
broke, not iplab's reading of it."""

from __future__ import annotations

import pytest

from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.prose import spaces_lost
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-dn" / "dn03-codesec-rssing-glued-words-gt-prompt.txt"


def test_words_of_ip_run_together() -> None:
    assert spaces_lost("> ipnetnsaddmario > ipnetnsaddluigiWe created two") == "ipnetnsaddmario"
    assert spaces_lost("> sudoipnetnsexecmarioip a 1: lo:") == "sudoipnetnsexecmarioip"
    assert spaces_lost("ip netns add mario") is None
    assert spaces_lost("the iplink module and iproute2 are packages") is None


def test_the_page_says_its_spaces_were_lost() -> None:
    text = PAGE.read_text(encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        import_text(text, detect_kind(PAGE.name, text), PAGE.name)
    said = str(caught.value)
    assert "lost their spaces" in said and "'ipnetnsaddmario'" in said
