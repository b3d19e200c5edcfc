"""A page saved in an encoding older than UTF-8 is read, and said so (hunt BV's leftover).

tests/fixtures/encodings/slow-lab-cp1252.md is hostile-3/slow-lab.md (a French page) as an
editor of 2010 saved it, in Windows-1252 (``iconv -t windows-1252//TRANSLIT``: its one ✓
becomes ?). ``iplab import`` said "not UTF-8 text" and stopped; it now reads it as a browser
reads a page that names no charset, says so, and imports the same lab as from the UTF-8
page.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from iplab.cli.author import _legacy_text, read_input
from tests.conftest import FIXTURES, REPO

PAGE = FIXTURES / "encodings" / "slow-lab-cp1252.md"
#: the same page as Windows' Notepad saves "Unicode" (``iconv -t utf-16``: a BOM, NULs)
UTF16 = FIXTURES / "encodings" / "slow-lab-utf16.md"
SAME_IN_UTF8 = FIXTURES / "hostile-3" / "slow-lab.md"


def _steps(lab: Path) -> list[str]:
    """The command lines the lab runs, as ``iplab render`` prints them."""
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "render", str(lab)],
        capture_output=True, text=True, cwd=REPO, check=True,
    )  # fmt: skip
    return done.stdout.splitlines()


def test_a_windows_1252_page_imports_as_its_utf8_twin(tmp_path: Path) -> None:
    labs = []
    for page in (PAGE, SAME_IN_UTF8):
        out = tmp_path / f"{page.stem}.yaml"
        done = subprocess.run(
            [sys.executable, "-m", "iplab", "import", str(page), "-o", str(out)],
            capture_output=True, text=True, cwd=REPO, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        labs.append((out, done.stderr))
    (legacy, said), (utf8, quiet) = labs
    assert f"{PAGE}: not UTF-8: read as windows-1252" in said, said
    assert "not UTF-8" not in quiet
    assert _steps(legacy) == _steps(utf8) and len(_steps(utf8)) >= 10
    assert "Deux namespaces reliés" in legacy.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("data", "said", "text"),
    [
        (b'<meta charset="iso-8859-1"><p>Cr\xe9ez', "iso-8859-1", "Créez"),
        (b"# -*- coding: latin-1 -*-\n# \xe9t\xe9", "latin-1", "été"),
        (b"<p>\x93ip netns add\x94 \x85", "windows-1252", "“ip netns add” …"),
        (b"<p>caf\xe9 \x81", "latin-1", "café \x81"),  # (a byte Windows-1252 leaves undefined)
        (b'<meta charset="klingon"><p>\xe9', "latin-1", "é"),  # (a charset Python lacks)
    ],
)
def test_which_charset_reads_it(
    data: bytes, said: str, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _legacy_text(tmp_path / "page", data).endswith(text)
    assert f"read as {said}" in capsys.readouterr().err


def test_a_utf8_page_says_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.md"
    page.write_text("Créez `ip netns add a`\n", encoding="utf-8")
    assert read_input(page) == "Créez `ip netns add a`\n"
    assert capsys.readouterr().err == ""


def test_a_utf16_page_with_its_bom_is_text(tmp_path: Path) -> None:
    """It was refused as "binary data, not text" (its NULs)."""
    assert read_input(UTF16) == SAME_IN_UTF8.read_text(encoding="utf-8")
    assert read_input(SAME_IN_UTF8) == SAME_IN_UTF8.read_text(encoding="utf-8")
