"""Hunt CE #5: a script whose first line lost its ``!`` (``#/bin/bash``) had it read as the
title of its first steps ('/bin/bash create 2 namespaces and connect them'). It is said as
what it is, and the title is the author's comment."""

from __future__ import annotations

from pathlib import Path

from tests.pages import imported

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_shebang_without_its_bang_is_no_title() -> None:
    result, sc = imported(FIXTURES / "leftovers13" / "no-bang.sh")
    assert sc.steps[0].title == "create 2 namespaces and connect them"
    assert not any("/bin/bash" in (s.title or "") for s in sc.steps)
    assert any(
        w.startswith("line 1: '#/bin/bash' is a script's first line") for w in result.warnings
    )
