"""A corpus of bad scenarios, each with the one-line message it must produce.

Each file in tests/bad/ starts with ``# expect: MESSAGE``; ``iplab render`` and
``iplab check`` of it must print ``iplab: error: <dir>/MESSAGE`` on stderr, exit 2,
print nothing on stdout, and show no traceback. The model's objections (the kernel
would refuse the step) are the exception for ``render``, a text job: it prints every
line, exit 0, and the same message as a warning on stderr.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from iplab.cli import main

BAD = sorted((Path(__file__).parent / "bad").glob("*.yaml"))
#: scenarios that load, and that the model refuses
MODEL = {
    *("bad-claim", "bridge-move", "created-twice", "delete-missing", "master-not-bridge"),
    *("probe-outside", "wrong-namespace"),
}


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
    captured = capsys.readouterr()
    out = captured.out
    if command == "render" and path.stem in MODEL:
        assert rc == 0
        assert out and len(out.splitlines()) == _commands(path)
        assert captured.err == f"iplab: warning: {path.parent}/{_expected(path)}\n"
        assert err.getvalue() == ""
        return
    assert rc == 2
    assert out == ""
    message = err.getvalue()
    assert message == f"iplab: error: {path.parent}/{_expected(path)}\n"
    assert "Traceback" not in message


def _commands(path: Path) -> int:
    from iplab import scenario

    return len(scenario.load(str(path)).steps)


def test_corpus_is_not_empty() -> None:
    assert len(BAD) >= 20
