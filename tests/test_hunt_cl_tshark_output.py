"""Hunt CL #4: tshark's output (``    1 0.000000 10.44.0.1 -> 10.44.0.2 ICMP 98 ...``, frame
numbers at the line's start, counting up) in a block of its own was warned as "the page's
line numbers, copied with the code, taken off": they are tshark's, and the block is output
(reader._CAPTURED_FRAME)."""

from __future__ import annotations

import pytest

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES

HERE = FIXTURES / "leftovers16"


@pytest.mark.parametrize("name", ["tshark-frames-output.md", "tshark-frames-under-prompt.md"])
def test_tshark_s_frames_are_no_line_numbers(name: str) -> None:
    page = HERE / name
    result = import_text(page.read_text(encoding="utf-8"), "markdown", page.name)
    summary = result.summary()
    assert "line numbers" not in summary, summary
    assert "tshark -i tb0" in result.yaml and "name: tb" in result.yaml
    assert "command: 0.0" not in result.yaml and "command: 1 " not in result.yaml


def test_a_numbered_listing_is_still_one() -> None:
    page = "# x\n\n```\n1  sudo ip netns add a\n2  sudo ip netns add b\n3  sudo ip -n a link\n```\n"
    result = import_text(page, "markdown", "numbered.md")
    assert "the page's line numbers, copied with the code, taken off" in result.summary()
    assert "name: b" in result.yaml
