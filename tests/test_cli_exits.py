"""What ``iplab`` exits with when something goes wrong: one line, never a traceback."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import iplab.cli
from iplab.errors import UsageError
from tests.conftest import REPO


@pytest.mark.parametrize(
    ("raised", "rc", "said"),
    [
        (KeyboardInterrupt(), 130, "iplab: interrupted\n"),
        (BrokenPipeError(), 141, ""),
        (UsageError("no such lab", hint="iplab ls"), 2, "iplab: error: no such lab (iplab ls)\n"),
        (OSError(28, "No space left on device", "/s/audit.jsonl"), 1,
         "iplab: error: No space left on device (/s/audit.jsonl)\n"),
        (ZeroDivisionError("1/0"), 70, "iplab: internal error: ZeroDivisionError: 1/0\n"
         "  this is a bug in iplab; run again with IPLAB_DEBUG=1 to see where\n"),
    ],
)  # fmt: skip
def test_each_failure_is_one_line_and_an_exit_code(
    monkeypatch: pytest.MonkeyPatch, raised: BaseException, rc: int, said: str
) -> None:
    def fail(argv: object) -> int:
        raise raised

    monkeypatch.setattr(iplab.cli, "_main", fail)
    monkeypatch.delenv("IPLAB_DEBUG", raising=False)
    err = io.StringIO()
    assert iplab.cli.main(["ls"], stderr=err) == rc
    assert err.getvalue() == said


def test_iplab_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(argv: object) -> int:
        raise ZeroDivisionError("1/0")

    monkeypatch.setattr(iplab.cli, "_main", fail)
    monkeypatch.setenv("IPLAB_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        iplab.cli.main(["ls"], stderr=io.StringIO())


def test_a_closed_stderr_still_gives_the_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(argv: object) -> int:
        raise UsageError("x")

    monkeypatch.setattr(iplab.cli, "_main", fail)
    err = io.StringIO()
    err.close()
    assert iplab.cli.main(["ls"], stderr=err) == 2


def test_no_command_prints_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert iplab.cli.main([]) == 2
    assert "usage: iplab" in capsys.readouterr().out


def test_text_the_output_cannot_encode_is_escaped_not_an_internal_error(tmp_path: Path) -> None:
    """``PYTHONIOENCODING=ascii`` (or latin-1) and a scenario named ``étoile ★.yaml``: the
    messages are escaped; what render prints is the page's text, its UTF-8 bytes (hunt CF:
    escaped, ``alias "café"`` became another command; tests/test_hunt_cf_encoding.py)."""
    lab = tmp_path / "dír" / "étoile ★.yaml"
    lab.parent.mkdir()
    lab.write_text("name: x\ntitle: étoile ★\nsetup:\n  - action: netns add\n    name: a\n")
    for encoding in ("ascii", "latin-1"):
        proc = subprocess.run(
            [sys.executable, "-m", "iplab", "render", str(lab), "--format", "markdown"],
            capture_output=True, check=False, cwd=REPO,
            env={**os.environ, "PYTHONIOENCODING": encoding},
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        out = proc.stdout.decode("utf-8")
        assert "# étoile ★" in out and "ip netns add a" in out
        missing = subprocess.run(
            [sys.executable, "-m", "iplab", "render", str(lab.with_name("gone ★.yaml"))],
            capture_output=True, encoding=encoding, check=False, cwd=REPO,
            env={**os.environ, "PYTHONIOENCODING": encoding},
        )  # fmt: skip
        assert missing.returncode == 2 and "internal error" not in missing.stderr
        assert "gone \\u2605.yaml" in missing.stderr and missing.stdout == ""
