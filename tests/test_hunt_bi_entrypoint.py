"""Hunt BI #1: a Docker entrypoint that builds a lab and ends in ``exec "$@"``.

tests/fixtures/github-scripts-3/entrypoint-exec-args.sh makes two namespaces and a veth
pair, then hands over to the container's CMD with ``exec "$@"``. iplab kept that line as a
raw step it cannot follow and cannot undo: the run said "iplab cannot undo 1 step", and
verify compared nothing ("the model knows none of the lab's objects"), since a step it
cannot follow came after every object. Run without arguments, as iplab reads a script,
``exec`` is given no command and runs none: the line is printed as written and runs
nothing, with a warning that says so, and verify compares the lab.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import pages
from tests.conftest import FIXTURES

SCRIPT = FIXTURES / "github-scripts-3" / "entrypoint-exec-args.sh"


def test_exec_of_the_scripts_arguments_runs_nothing_and_is_said() -> None:
    result, _ = pages.imported(SCRIPT)
    step = '  - script: exec "$@"\n    steps:\n      - action: raw\n'
    assert step + "        command: 'true'\n        observe: true\n" in result.yaml
    assert "cannot undo" not in result.yaml
    said = [w for w in result.warnings if 'exec "$@"' in w]
    assert len(said) == 1 and "runs nothing" in said[0], result.warnings
    assert 'exec "$@"' in result.yaml  # printed as written


@pytest.mark.kernel
def test_the_entrypoint_runs_verified_and_leaves_nothing(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    done = pages.ran_clean(SCRIPT, prefix, state_dir, tmp_path)
    assert "(2 namespaces, 4 links)" in done.stdout, done.stdout
    assert "nothing compared" not in done.stdout + done.stderr
