"""Hunt AA (b): after an ``until`` loop iplab skips, the warning for ``echo "needed $tries
retries"`` said ``$tries is set at line 10 from something iplab cannot evaluate``; line 10
is ``tries=0``. The warning names the skipped loop that sets it."""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-5"


def test_a_variable_a_skipped_loop_sets_names_the_loop() -> None:
    """Hunt AA (b) (t9-retry-loop.md): the loop at line 11 is named, not line 10."""
    name = "t9-retry-loop.md"
    text = (HUNT / name).read_text(encoding="utf-8")
    said = "\n".join(import_text(text, detect_kind(name, text), name).warnings)
    assert "$tries is set by the until loop at line 11, which iplab skipped" in said
    assert "set at line 10" not in said
