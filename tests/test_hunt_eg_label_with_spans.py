"""Hunt EG #6: yanlele's notes (tests/fixtures/pages-eg/eg07-..., zh) give a step in the
prose as a label then its command, the label naming the link in a code span and ending in
a fullwidth colon (U+FF1A) before ``sudo ip link set veth-test1 netns test1``; in
English, ``Move `veth-test1` into test1: `sudo ip link set ...```.

The label form (``Clean up: `ip netns del a```) was read only when the label held no code
span and ended in an ASCII colon: this line was said "the prose names a change ... not
imported", and the move was lost. Now a label may hold code spans and end in either
colon; a mention in a sentence (``Run `ip a` to see``) stays prose."""

from __future__ import annotations

from iplab.importer.convert import import_text
from tests.conftest import REPO
from tests.pages import page_imported

PAGES = REPO / "tests" / "fixtures" / "pages-eg"
PAGE = PAGES / "eg07-yanlele-node-index-69-zh-vagrant-prompt-inline-sudo.md"
BLOCK = (
    "```\nsudo ip netns add test1\n"
    "sudo ip link add veth-test1 type veth peer name veth-test2\n```\n\n"
)


def test_the_page_keeps_its_move() -> None:
    result = page_imported(PAGE)
    assert result.lines[-1] == "sudo ip link set veth-test1 netns test1"


def test_a_label_with_a_span_in_it() -> None:
    page = BLOCK + "Move `veth-test1` into test1: `sudo ip link set veth-test1 netns test1`\n"
    assert import_text(page, "markdown", "p.md").lines[-1] == (
        "sudo ip link set veth-test1 netns test1"
    )


def test_a_mention_in_a_sentence_stays_prose() -> None:
    page = BLOCK + "Run `ip link` and look at `veth-test1` in what it prints.\n"
    assert len(import_text(page, "markdown", "p.md").lines) == 2
