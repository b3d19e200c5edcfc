"""Labs written in teaching formats (hunt G): notebooks, slides, Org notes, recordings,
expect scripts, a README's troubleshooting hints.

The inputs are the hunt's own files (tests/fixtures/teaching).
"""

from __future__ import annotations

from pathlib import Path

from iplab.importer.convert import ImportResult, detect_kind, import_text

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
