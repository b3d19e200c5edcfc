"""Hunt EU #2 (left by hunt EO): ``source tests/libtest.sh`` in a repository's test script
that is run from the repository's root (tests/fixtures/scripts-eu/eu01-rlite-libtest-
sourced-from-root, re-typed after rlite's tests/integration/0024-two-network-namespaces.sh
and its tests/libtest.sh). iplab read a sourced file for its variables only: the calls of
its functions (``create_namespace olive``, ``create_veth_pair vp coral olive``) stayed raw
steps iplab "cannot undo", with no word of why; imported from another folder than the
root, the file was "not beside the input" though it is two folders above it. A sourced
file's functions are read as the script's own are; the file is looked for beside the
input, in the working directory, then in the folders above the input (the repository's
root the script is run from), and where it was found is said; a file found nowhere is
said with its line, and that the calls of its functions stay raw steps."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import ImportResult, import_text
from iplab.steps import LinkAdd, NetnsAdd
from tests.conftest import FIXTURES

ROOT = FIXTURES / "scripts-eu" / "eu01-rlite-libtest-sourced-from-root"
SCRIPT = ROOT / "tests" / "integration" / "0024-two-network-namespaces.sh"


def _import(base: Path) -> ImportResult:
    return import_text(SCRIPT.read_text(encoding="utf-8"), "shell", SCRIPT.name, base=base)


def _made(result: ImportResult) -> tuple[list[str], list[str]]:
    sc = scenario.load_text(result.yaml, f"{result.name}.yaml")
    netns = [s.op.name for s in sc.setup if isinstance(s.op, NetnsAdd)]
    links = [str(s.op.name) for s in sc.setup if isinstance(s.op, LinkAdd)]
    return netns, links


def _functions_read(result: ImportResult) -> None:
    assert result.model_error is None, result.model_error
    assert _made(result) == (["olive", "coral"], ["vp.coral"]), result.yaml
    calls = ("create_veth_pair", "create_namespace", "add_veth_to_namespace")
    assert not any(c in line for line in result.cannot_undo for c in calls), result.cannot_undo


def test_read_from_the_repository_s_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # (as its test runner runs it: from the repository's root)
    _functions_read(_import(SCRIPT.parent))


def test_read_from_a_folder_above_the_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # (imported from elsewhere: found two folders above it)
    result = _import(SCRIPT.parent)
    _functions_read(result)
    said = [w for w in result.warnings if w.startswith("line 3: . tests/libtest.sh")]
    assert len(said) == 1 and "2 folders above the input" in said[0], result.warnings


def test_a_sourced_file_found_nowhere_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = tmp_path / "a" / "b"
    alone.mkdir(parents=True)
    shutil.copy(SCRIPT, alone / SCRIPT.name)
    monkeypatch.chdir(tmp_path)
    result = _import(alone)
    said = [w for w in result.warnings if w.startswith("line 3: . tests/libtest.sh")]
    assert len(said) == 1, result.warnings
    assert "not found" in said[0] and "functions" in said[0], said
    assert "create_namespace" in said[0], said  # (the calls that stay raw, named)


def test_shopt_in_a_function_is_skipped_as_on_its_own_line() -> None:
    """libtest.sh's cumulative_trap runs ``shopt -s lastpipe``: in a function's body it was a
    raw step (which sh, running each step, does not know), on a line of its own skipped."""
    text = 'f() {\n  shopt -s lastpipe\n  ip netns add "$1"\n}\nf a\n'
    result = import_text(text, "shell", "lab.sh")
    assert result.cannot_undo == (), result.cannot_undo
    assert any("'shopt -s lastpipe' skipped" in w for w in result.warnings), result.warnings


def test_a_call_inside_the_sourced_file_is_said_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """libtest.sh's create_veth_pair calls its cumulative_trap: both from the script's line 6,
    said "called at line 6, called at line 6"."""
    monkeypatch.chdir(ROOT)
    result = _import(SCRIPT.parent)
    inner = [w for w in result.warnings if "(in cumulative_trap of tests/libtest.sh" in w]
    assert inner, result.warnings
    assert not any("called at line 6, called at line 6" in w for w in inner), inner
