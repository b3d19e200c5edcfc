"""Hunt EG #4: a pull request's review thread (threefoldtech/zos#2336,
tests/fixtures/pages-eg/eg09-...) quotes the docs it reviews as a diff: the command is a line
the change adds, ``+sudo ip -n lan1 r a 10.10.2.0/24 via 10.10.1.1``, in a ````` ````diff `````
fence. Nothing on the page runs: the import said "no command found", but called line 13 "ip
commands inside sentences (a transcript?)", which it is not. Now a line that a diff adds is
said as such, with what to import instead (the file the change makes)."""

from __future__ import annotations

import pytest

from iplab.errors import UsageError
from tests.conftest import REPO
from tests.pages import page_imported

PAGES = REPO / "tests" / "fixtures" / "pages-eg"
PAGE = PAGES / "eg09-threefoldtech-zos-2336-review-diff-plus-lines.md"


def test_a_line_a_diff_adds_is_said_as_one() -> None:
    with pytest.raises(UsageError) as caught:
        page_imported(PAGE)
    said = str(caught.value)
    assert "no command found" in said
    assert "inside sentences" not in said
    assert "line 13 is a line a diff adds" in said
    assert "+sudo ip -n lan1 r a 10.10.2.0/24 via 10.10.1.1" in said
