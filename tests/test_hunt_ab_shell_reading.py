"""Hunt AB (lab scripts written as small tools): how the importer read their shell, arrays
over several lines, getopts, sourced settings beside the script, ``if !`` guards. The
inputs are in ``tests/fixtures/lab-tools/``."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.steps import NetnsAdd

HUNT = Path(__file__).parent / "fixtures" / "lab-tools"


def _import(name: str, text: str | None = None) -> ImportResult:
    path = HUNT / name
    text = path.read_text(encoding="utf-8") if text is None else text
    return import_text(text, detect_kind(path.name, text), path.name, base=path.parent)


def _namespaces(result: ImportResult) -> list[str]:
    """The namespaces the setup adds, in order (a loop's, one an iteration)."""
    sc = scenario.load_text(result.yaml, f"{result.name}.yaml")
    return [s.op.name for s in sc.setup if isinstance(s.op, NetnsAdd)]


def test_an_associative_array_over_several_lines_is_read() -> None:
    """Hunt AB #1: ``declare -A HOSTS=(`` with one ``[web]=...`` a line, then ``)``: each
    element became a raw setup step, ``)`` "uses shell syntax" and the host loop was
    skipped. Now the array is read as bash sets it and the loop is written out."""
    result = _import("s5-assoc.sh")
    assert sorted(_namespaces(result)) == ["cache", "db", "sw", "web"]
    assert "10.20.0.10/24" in result.yaml
    assert not any("[web]=" in line for line in result.lines)
    assert result.model_error is None
    assert not any("shell syntax" in w for w in result.warnings), result.warnings


def test_an_indexed_array_over_several_lines_is_read() -> None:
    """Hunt AB #1: ``NSES=(`` / ``red`` / ``blue`` / ``)`` gave raw steps ``red`` and
    ``blue`` and no namespace. Now the loop over it adds both, as bash does."""
    result = _import("s5-idx.sh")
    assert _namespaces(result) == ["red", "blue"]
    assert result.raw == 0


def test_an_array_declared_then_set_over_several_lines_is_read() -> None:
    """Hunt AB #1: ``declare -A HOSTS`` then ``HOSTS=(`` over several lines: the loop
    "iterates over nothing here". Now it iterates over the three hosts."""
    result = _import("s5-split.sh")
    assert sorted(_namespaces(result)) == ["cache", "db", "sw", "web"]


def test_an_append_over_several_lines_and_comments_in_an_array() -> None:
    """Hunt AB #1 (``NAME+=( ... )`` over several lines, a variant of s5-idx.sh): bash
    appends each item, and a ``# comment`` after an item is no item."""
    text = (HUNT / "s5-idx.sh").read_text(encoding="utf-8")
    text = text.replace("  red\n", "  red   # the left one\n")
    text = text.replace("for n", "NSES+=(\n  green\n)\nfor n")
    assert _namespaces(_import("s5-idx.sh", text)) == ["red", "blue", "green"]


def test_a_getopts_loop_leaves_the_defaults_as_a_run_without_options_does() -> None:
    """Hunt AB #3: ``N=4``, ``PFX=r``, then ``while getopts "n:p:h" opt; do ... N=$OPTARG``:
    every variable the loop sets was taken as unknown ("$N is set at line 6 from something
    iplab cannot evaluate", though line 6 is ``N=4``), both router loops were skipped with
    "use a scenario 'loop'", and a run made nothing. Run without options (as ``bash
    script.sh``), getopts finds none: the defaults stay and bash builds 4 namespaces."""
    result = _import("s3-getopts.sh")
    assert _namespaces(result) == ["r1", "r2", "r3", "r4"]
    assert "name: r3-r4\n" in result.yaml and "peer: r4-r3\n" in result.yaml
    assert result.model_error is None
    said = " ".join(result.warnings)
    assert "lines 10-16: the options loop (getopts) is read as the script run without" in said
    assert "cannot evaluate" not in said and "scenario 'loop'" not in said
    assert "shift" not in " ".join(result.cannot_undo)  # shift $((OPTIND-1)): shift 0


@pytest.mark.parametrize(
    "line",
    [
        '. "$(dirname "$0")/lab.env"',
        'source "$(dirname "${BASH_SOURCE[0]}")/lab.env"',
        '. "${BASH_SOURCE%/*}/lab.env"',
    ],
)
def test_settings_sourced_from_beside_the_script_are_read(line: str) -> None:
    """Hunt AB #4: ``. "$(dirname "$0")/lab.env"`` (and the ``BASH_SOURCE`` forms) was a
    raw step, and all 20 commands using its variables raw ("$LEFT_NS is not set in the
    input"). Now the file beside the input is read, as bash reads the one beside it."""
    text = (HUNT / "s4-sourced.sh").read_text(encoding="utf-8")
    text = text.replace('. "$(dirname "$0")/lab.env"', line)
    result = _import("s4-sourced.sh", text)
    assert _namespaces(result) == ["left", "right", "rtr"]
    assert result.raw == 0, result.warnings
    assert "mtu: 1400" in result.yaml


def test_a_dot_slash_file_is_read_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt AB #4: ``. ./lab.env`` in a script of another directory: "the file is not
    beside the input", though bash reads ./lab.env from the working directory. Now it is
    read from there (said), when it is not beside the input."""
    monkeypatch.chdir(HUNT)
    text = (HUNT / "s4v.sh").read_text(encoding="utf-8")
    result = import_text(text, "shell", "s4v.sh", base=tmp_path)
    assert _namespaces(result) == ["left", "right", "rtr"]
    assert any("line 4: . ./lab.env: read from the working directory" in w for w in result.warnings)


def test_an_if_not_guard_adds_what_it_guards() -> None:
    """Hunt AB #5: ``if ! ip netns list | grep -qw alpha; then ip netns add alpha; fi`` was
    skipped ("an 'if' block whose condition iplab cannot evaluate"), and the import failed
    on line 21 ("namespace alpha does not exist"), not on the if. Now it is read as the
    ``||`` form on the next line is: the namespace is added, a step that may fail."""
    result = _import("s10-trapint.sh")
    assert result.model_error is None, result.model_error
    assert _namespaces(result) == ["alpha", "beta"]
    assert not any("'if' block" in w for w in result.warnings), result.warnings
