"""Hunt CF #2: ``PYTHONIOENCODING=ascii iplab render lab.yaml > setup.sh`` of a page that
sets ``alias "café uplink (en dash) do not touch"`` (tests/fixtures/leftovers14/motd-cafe.md)
printed ``alias "caf\\xe9 uplink \\u2013 do not touch"``: the script set another alias, and
nothing said so (``import -o -`` wrote that line into the scenario too); in a latin-1
locale é was one byte, not the page's two. What render and import print on stdout is now
the page's bytes (UTF-8, as ``-o FILE`` writes it); messages stay escaped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO

PAGE = FIXTURES / "leftovers14" / "motd-cafe.md"
ALIAS = 'sudo ip link set gw0 alias "café uplink \u2013 do not touch"'


def _iplab(encoding: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "iplab", *args],
        capture_output=True, check=False, cwd=REPO,
        env={**os.environ, "PYTHONIOENCODING": encoding},
    )  # fmt: skip


def _line_of_the_page() -> bytes:
    line = next(x for x in PAGE.read_bytes().splitlines() if b" alias " in x)
    assert line.decode("utf-8") == ALIAS
    return line


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "utf-8"])
def test_the_rendered_script_holds_the_page_s_bytes(encoding: str, tmp_path: Path) -> None:
    scenario = tmp_path / "cafe.yaml"
    done = _iplab("utf-8", "import", str(PAGE), "-o", str(scenario))
    assert done.returncode == 0, done.stderr
    for fmt in ("script", "text", "markdown"):
        out = _iplab(encoding, "render", str(scenario), "--format", fmt)
        assert out.returncode == 0, out.stderr
        assert _line_of_the_page() in out.stdout.splitlines() or (
            fmt != "script" and _line_of_the_page() in out.stdout
        )
        assert b"\\xe9" not in out.stdout and b"\\u2013" not in out.stdout


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_import_to_stdout_is_the_scenario_import_writes_to_a_file(
    encoding: str, tmp_path: Path
) -> None:
    scenario = tmp_path / "cafe.yaml"
    assert _iplab("utf-8", "import", str(PAGE), "-o", str(scenario)).returncode == 0
    printed = _iplab(encoding, "import", str(PAGE), "-o", "-")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == scenario.read_bytes()
