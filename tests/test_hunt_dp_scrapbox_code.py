"""Scrapbox's code blocks: a line ``code:bash`` (``code:sh``, ``code:lab.sh``) and the
block's lines indented under it, as Scrapbox writes them (hunt DJ: tests/fixtures/hunt-dj/
dj10, a Scrapbox page whose stored text lost the indentation). They were prose, and their
lines read as a page's bare lines. They are code blocks now, each line numbered as the page
has it; a ``code:`` marker with nothing indented under it is left as it is."""

from __future__ import annotations

from iplab.importer.convert import import_text
from iplab.importer.markdown import page_parts

_PAGE = """\
Network namespaces
Make two of them:
code:bash
 ip netns add a1
 # the second
 ip netns add a2
 ip netns exec a1 ping -c 1 127.0.0.1
That is all.
code:sh
  ip -n a1 link set lo up
"""


def test_a_scrapbox_block_is_a_code_block() -> None:
    parts = [part for part, _ in page_parts(_PAGE)[1]]
    code = [part for part in parts if part.kind == "code"]
    assert [part.body for part in code] == [
        [
            (4, "ip netns add a1"),
            (5, "# the second"),
            (6, "ip netns add a2"),
            (7, "ip netns exec a1 ping -c 1 127.0.0.1"),
        ],
        [(10, "ip -n a1 link set lo up")],
    ]
    assert code[0].info == "bash" and code[1].info == "sh"


def test_its_lines_are_the_labs_steps() -> None:
    result = import_text(_PAGE, "markdown", "page.md")
    assert not any("no code blocks" in w for w in result.warnings), result.warnings
    assert "title: the second" in result.yaml, result.yaml
    assert "name: a2" in result.yaml and "dev: lo" in result.yaml, result.yaml


def test_a_marker_without_a_block_is_prose() -> None:
    parts = [part for part, _ in page_parts("code:bash\nip netns add a1\n")[1]]
    assert not any(part.kind == "code" for part in parts)
