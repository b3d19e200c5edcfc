"""Hunt AW: an import that keeps none of a script's commands says so.

``tests/fixtures/github-scripts/options-loop-dispatch.sh`` (after a public topology
script): its commands sit in functions that only a ``while [[ $# -gt 0 ]]`` loop over its
options calls. The loop is skipped (iplab cannot know the options), so the import kept
four function definitions, steps that run nothing, and said "model: OK": a run made
nothing, and nothing said why. When every step only reads or defines and the reader
skipped something, the import says that the lab's commands are in what it skipped.
"""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import FIXTURES

SCRIPT = FIXTURES / "github-scripts" / "options-loop-dispatch.sh"
SAID = "none of the 4 steps imported makes or changes anything"


def test_a_script_whose_commands_are_all_skipped_says_nothing_is_kept() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    result = import_text(text, detect_kind("topo.sh", text), "topo.sh")
    assert result.warnings[-1].startswith(SAID), result.warnings
    # (in line order since hunt DK #5: lines 41-53, after the functions of lines 20 and 24)
    assert "a multi-line shell construct (while ...)" in result.warnings[-2]
    assert SAID in result.summary()


def test_a_script_that_keeps_its_commands_or_only_reads_says_nothing_of_it() -> None:
    for text in ("ip netns add a\nwhile true; do sleep 1; done\n", "ip netns list\n"):
        result = import_text(text, detect_kind("x.sh", text), "x.sh")
        assert not any("makes or changes anything" in w for w in result.warnings), text
