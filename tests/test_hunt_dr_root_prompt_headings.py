"""Hunt DR #3: besthub.dev's "Mastering Docker Container Networking" (tests/fixtures/pages-dr/
dr04-..., a Markdown page whose code blocks were lost when it was saved) types its commands at
a root prompt: ``# ip netns add ns0``, ``# ip netns list``, ``# ip netns exec ns0 ip link set
lo up``... Markdown reads each as a heading.

Import said "no command found ... lines 20, 21, 22, 24, 25 hold ip commands inside sentences
(a transcript?)", though each stands on a line of its own. A Markdown page with no code block
whose ``# ...`` headings hold two ip commands or more is read as a plain-text page is: those
headings are a root shell's lines, the lines under them what they printed. One such heading
alone (a page titled ``# ip netns``), or on a page with code blocks, stays a heading."""

from __future__ import annotations

import pytest

from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = (
    REPO / "tests" / "fixtures" / "pages-dr" / "dr04-besthub-docker-modes-hash-prompts-lo-ping.md"
)


def _yaml(text: str, name: str = "page.md") -> str:
    return import_text(text, detect_kind(name, text), name).yaml.split("\n# --- import summary")[0]


def test_the_page_s_root_prompts_are_read() -> None:
    text = _yaml(PAGE.read_text(encoding="utf-8"), PAGE.name)
    assert "name: ns0" in text  # ip netns add ns0
    assert "in: ns0" in text  # ip netns exec ns0 ip link set lo up


def test_one_command_heading_alone_is_a_title() -> None:
    page = "# ip netns\n\nThe command that lists and makes namespaces.\n"
    with pytest.raises(UsageError, match="no command found"):
        import_text(page, "markdown", "page.md")


def test_a_page_with_code_blocks_keeps_its_headings() -> None:
    page = (
        "# ip netns add a\n\nMake it:\n\n```\nip netns add b\n```\n\n# ip netns del a\n\nWords.\n"
    )
    text = _yaml(page)
    assert "name: b" in text and "name: a" not in text
