"""Labs written in teaching formats (hunt G): notebooks, slides, Org notes, recordings,
expect scripts, a README's troubleshooting hints.

The inputs are the hunt's own files (tests/fixtures/teaching).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.errors import UsageError
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.importer.formats import not_a_script

TEACHING = Path(__file__).parent / "fixtures" / "teaching"


def _import(name: str) -> ImportResult:
    text = (TEACHING / name).read_text(encoding="utf-8")
    return import_text(text, detect_kind(name, text), name)


def test_a_script_sudo_bash_cell_is_read_with_sudo() -> None:
    """Hunt G: a notebook cell ``%%script sudo bash`` (eight ``ip`` lines making the veth
    pairs) was dropped with no warning: the program was taken to be ``sudo``, no shell; the
    model then said ``link vr does not exist``. It is a bash cell run with sudo."""
    result = _import("01-netns-python.ipynb")
    assert "sudo ip link add vr type veth peer name vr-br" in result.lines
    assert "sudo ip link set vb-br up" in result.lines
    assert sum(line.startswith("sudo ip link set v") for line in result.lines) == 6
    assert any("(cell 8): %%script sudo bash: read as a bash cell run with sudo" in w
               for w in result.warnings)  # fmt: skip
    assert result.model_error is None


def test_a_cell_magic_iplab_does_not_read_is_said() -> None:
    """Hunt G: a cell of a magic iplab does not read was left out silently; it is said,
    naming the cell."""
    text = (TEACHING / "01-netns-python.ipynb").read_text(encoding="utf-8")
    result = import_text(text.replace("%%script sudo bash", "%%script sudo python3"), "notebook",
                         "01.ipynb")  # fmt: skip
    assert any("(cell 8): %%script sudo python3: a cell magic iplab does not read; its 8 lines"
               in w for w in result.warnings)  # fmt: skip


def test_an_asciinema_recording_not_named_cast_is_known_by_its_header() -> None:
    """Hunt G: a recording saved without ``.cast`` was read as a shell script (356 raw
    steps, one per keystroke event); it is refused as a ``.cast`` file is, with the way
    out."""
    with pytest.raises(UsageError, match=r"^16-netns-demo-cast-noext: a terminal recording"
                       r" \(asciinema\), by its header line: .*asciinema cat FILE"):  # fmt: skip
        _import("16-netns-demo-cast-noext")


@pytest.mark.parametrize("name", ["10-netns-notes-org.txt", "10b-NOTES", "11b-notes-modeline.txt"])
def test_an_org_page_without_a_keyword_line_is_known(name: str) -> None:
    """Hunt G: Org notes whose first line is no ``#+KEYWORD:`` (a blank line, ``* Setup``,
    Emacs's ``# -*- mode: org -*-``) were read as a script: ``* Setup`` a raw step, the
    ``#+begin_src`` line a title. They are refused as a ``.org`` page is."""
    with pytest.raises(UsageError, match=rf"^{name}: an Org page: not read; export it"):
        _import(name)


def test_an_expect_script_is_refused_with_or_without_its_shebang() -> None:
    """Hunt G: an expect script without ``#!`` was 21 raw steps (``spawn sudo bash``,
    ``send -- "ip netns add ex1\\r"``); ``.exp`` is refused as ``.py`` is, and the one
    with ``#!/usr/bin/expect`` is "an expect program" (it said "a expect program")."""
    with pytest.raises(UsageError, match=r"^18-netns-lab\.exp: an expect program: not a"):
        _import("18-netns-lab.exp")
    text = (TEACHING / "19-netns-lab-shebang.exp").read_text(encoding="utf-8")
    assert (not_a_script("lab", text) or "").startswith(
        "lab: an expect program (its #! line): not a shell script"
    )
