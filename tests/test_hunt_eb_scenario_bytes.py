"""Hunt EB #7: a scenario saved in latin-1 (an editor in a latin-1 locale wrote the page's
``alias "café uplink ..."`` as one byte 0xe9) was refused "FILE: not UTF-8 text (invalid
continuation byte)": no line, no byte, no way out. The refusal now names the line and the
byte, and says to save the file as UTF-8. The file is the import of
tests/fixtures/leftovers14/motd-cafe.md, encoded in latin-1 as such an editor would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.errors import ScenarioError
from iplab.importer.convert import import_text
from tests.conftest import FIXTURES

PAGE = FIXTURES / "leftovers14" / "motd-cafe.md"


def test_a_scenario_not_in_utf8_is_refused_naming_the_line_and_the_byte(tmp_path: Path) -> None:
    text = import_text(PAGE.read_text(encoding="utf-8"), "markdown", PAGE.name).yaml
    lab = tmp_path / "cafe.yaml"
    lab.write_bytes(text.replace("\u2013", "-").encode("latin-1"))
    line = next(n for n, x in enumerate(text.splitlines(), 1) if not x.isascii())
    with pytest.raises(ScenarioError) as caught:
        scenario.read(str(lab))
    said = str(caught.value)
    assert f"{lab}:{line}:" in said, said
    assert "byte 0xe9" in said and "save it as UTF-8" in said, said
