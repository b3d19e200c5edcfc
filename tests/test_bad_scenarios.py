"""A corpus of bad scenarios, each with the one-line message it must produce.

Each file in tests/bad/ starts with ``# expect: MESSAGE``; ``iplab render`` and
``iplab check`` of it must print ``iplab: error: <dir>/MESSAGE`` on stderr, exit 2,
print nothing on stdout, and show no traceback.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from iplab.cli import main

BAD = sorted((Path(__file__).parent / "bad").glob("*.yaml"))


def _expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} lacks its '# expect:' line"
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
@pytest.mark.parametrize("command", ["render", "check"])
def test_bad_scenario_gives_one_clear_line(
    path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = io.StringIO()
    rc = main([command, str(path)], stderr=err)
    out = capsys.readouterr().out
    assert rc == 2
    assert out == ""
    message = err.getvalue()
    assert message == f"iplab: error: {path.parent}/{_expected(path)}\n"
    assert "Traceback" not in message


def test_corpus_is_not_empty() -> None:
    assert len(BAD) >= 20
