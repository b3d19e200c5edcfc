"""Hunt DK #5: import's warnings were grouped by the check that raised them, not in the
input's order: a script's ``$$`` at line 30 (the reader's) was said before its ``ip -all
netns delete`` at line 16 (a later check's), a page's prose commands at line 27 before the
failure its line 8 shows. Now they are printed in line order (by the first line each
names; those of one line in the order they were raised), every warning's text as it was;
a warning that names no line (``none of the N steps imported makes or changes
anything``) comes last."""

from __future__ import annotations

import re

import pytest

from iplab.importer.convert import detect_kind, import_text, in_line_order
from tests.conftest import FIXTURES


def _lines(warnings: tuple[str, ...]) -> list[int]:
    return [int(m[1]) for w in warnings if (m := re.match(r"lines? (\d+)", w))]


@pytest.mark.parametrize(
    "page",
    [
        # line 30's $$ (the reader's) was said before line 16's ip -all netns delete
        "github-scripts-8/all-netns-delete-then-exec.sh",
        # line 27's prose commands before line 8's failure the page shows
        "hostile-hosts/t2-cafe-namespaces.md",
    ],
)
def test_a_pages_warnings_come_in_line_order(page: str) -> None:
    text = (FIXTURES / page).read_text(encoding="utf-8")
    name = page.rsplit("/", 1)[1]
    before = import_text(text, detect_kind(name, text), name)
    lines = _lines(before.warnings)
    assert len(lines) >= 2, before.warnings
    assert lines == sorted(lines), before.warnings
    listed = before.summary().split("warnings (", 1)[1].splitlines()[1:]
    assert [w.strip() for w in listed[: len(before.warnings)]] == list(before.warnings)


def test_in_line_order_keeps_each_text_and_the_order_within_a_line() -> None:
    said = (
        "line 27: a shell nothing is typed in",
        "none of the 4 steps imported makes or changes anything",
        "line 8: the first said of line 8",
        "lines 5-6: two lines, one command",
        "line 8: the second said of line 8",
        "lines 17, 19: not ASCII",
    )
    assert in_line_order(said) == (
        "lines 5-6: two lines, one command",
        "line 8: the first said of line 8",
        "line 8: the second said of line 8",
        "lines 17, 19: not ASCII",
        "line 27: a shell nothing is typed in",
        "none of the 4 steps imported makes or changes anything",
    )
