"""Hunt CP #4: what iplab said of a script's lines that run nothing of the lab's
(tests/fixtures/github-scripts-6).

case-add-del-show-router.sh ends with ``echo "End of script..."``: dropped without a word
(a script's narration says the step after it, and none follows); it is said now.
vrrp-demo-reexec-in-netns.sh: ``self="$(printf %q "$0")"`` was listed as a step iplab
cannot undo, though it only sets a variable from what printf prints (a positional
parameter, ``$0``, was not read as a value a reader shows, as ``$NAME`` is); and ``check`` printed
each function's definition (and the trap) as ``[2] true`` ... ``[11] true``, the stand-in
that runs for it, not the script's own lines.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from iplab.words import reads_only
from tests.conftest import FIXTURES, REPO
from tests.pages import imported, written

SCRIPTS = FIXTURES / "github-scripts-6"
CASE = SCRIPTS / "case-add-del-show-router.sh"
VRRP = SCRIPTS / "vrrp-demo-reexec-in-netns.sh"


def test_the_scripts_last_echo_is_said() -> None:
    result, _lab = imported(CASE)
    said = [w for w in result.warnings if "End of script" in w]
    assert said and said[0].startswith("line 61: 'echo \"End of script...\"'"), result.warnings


def test_an_echo_before_a_step_is_still_its_title_and_not_said() -> None:
    result, lab = imported(CASE)
    assert not [w for w in result.warnings if "usage" in w.lower() and "only prints" in w]
    assert [w for w in result.warnings if "only prints" in w] == [
        w for w in result.warnings if "End of script" in w
    ]
    assert lab.setup


def test_a_variable_set_from_printf_is_no_step_iplab_cannot_undo() -> None:
    result, _lab = imported(VRRP)
    assert not [c for c in result.cannot_undo if "(line 15)" in c], result.cannot_undo


@pytest.mark.parametrize(
    ("line", "only"),
    [
        ('printf %q "$0"', True),
        ('basename "$0"', True),
        ("echo $1 $# $@", True),
        ('rm "$1"', False),
        ('printf %q "$0" > "$1"', False),
    ],
)
def test_the_scripts_name_and_arguments_are_values_a_reader_shows(line: str, only: bool) -> None:
    assert reads_only(line) is only


def test_check_prints_the_functions_as_the_script_writes_them(tmp_path: Path) -> None:
    lab = written(imported(VRRP)[0], tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "check", str(lab)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    steps = [line for line in done.stdout.splitlines() if line.startswith("[")]
    assert not [s for s in steps if s.endswith("] true")], steps
    # (hunt DT #2: a definition is no step; its text starts the next block's, the trap's)
    assert "[2] on_error() {" in steps and "trap on_error ERR" in done.stdout.splitlines(), steps
    assert '\tread -p "Something failed. Press Enter to go on..."\n}' in done.stdout
