"""Hunt DR #7: cubepath.com's guide (tests/fixtures/pages-dr/dr09-..., its code blocks lost)
writes three comment lines in a row over a command: ``# By default, only the loopback
interface exists:``, ``# 1: lo: <LOOPBACK> mtu 65536 ...``, ``# Open a shell inside a
namespace``, then ``sudo ip netns exec ns1 bash``. Markdown reads each as a level-one heading.

The lab was titled "1: lo: mtu 65536 ...": a heading is a lost block's comment only when a
command touches it, and the middle one touches only other comments. Now a run of ``# ``
lines with a command right above or right under the run is comments, each of them; a
heading alone between blank lines may still be the page's title."""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "pages-dr" / "dr09-cubepath-shell-exit-del-then-reuse.md"


def test_the_page_is_not_titled_by_a_comment() -> None:
    text = PAGE.read_text(encoding="utf-8")
    yaml = import_text(text, detect_kind(PAGE.name, text), PAGE.name).yaml
    assert "title: '1: lo" not in yaml


def test_a_run_of_comments_over_a_command() -> None:
    page = "Words.\n\n# one\n# two\n# three\nsudo ip netns add a\n"
    yaml = import_text(page, "markdown", "page.md").yaml
    assert "\ntitle:" not in yaml.split("setup:")[0]


def test_a_title_alone_is_the_title() -> None:
    page = "# My lab\n\nWords.\n\n```\nip netns add a\n```\n"
    yaml = import_text(page, "markdown", "page.md").yaml
    assert "title: My lab" in yaml
