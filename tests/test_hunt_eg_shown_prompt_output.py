"""Hunt EG #3: udzura's comment on haconiwa#19 (tests/fixtures/pages-eg/eg02-...) shows a
session in its container, ``$ sudo ./mruby/bin/haconiwa run ...`` then ``/ # ip a`` and
``/ # ping -c 1 172.16.0.10``, each with what it printed.

Each ``/ #`` line was said shown, not run (right: iplab cannot type in that shell), but
every line it printed was then said "is neither a command nor the output of one; ignored":
thirteen warnings that contradicted the page (they are the output of the line shown) and
buried the two that mattered. Now what a shown line printed goes with it, unsaid."""

from __future__ import annotations

from iplab.importer.convert import import_text
from tests.conftest import REPO
from tests.pages import page_imported

PAGES = REPO / "tests" / "fixtures" / "pages-eg"
PAGE = PAGES / "eg02-haconiwa-19-try-netns-never-added-busybox-prompt.md"


def test_what_a_shown_line_printed_is_not_said_as_nobody_s() -> None:
    result = page_imported(PAGE)
    assert not [w for w in result.warnings if "neither a command nor the output" in w]
    shown = [w for w in result.warnings if "container's shell prompt" in w]
    assert [w.split(":")[0] for w in shown] == ["line 24", "line 34"]


def test_a_line_with_no_prompt_after_the_shown_output_is_still_read() -> None:
    page = (
        "```\n$ sudo ip netns add a\n/ # ip a\n1: lo: <LOOPBACK> mtu 65536\n"
        "$ sudo ip netns add b\n```\n"
    )
    result = import_text(page, "markdown", "page.md")
    assert result.lines == ("sudo ip netns add a", "sudo ip netns add b")
