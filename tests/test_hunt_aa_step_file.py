"""Hunt AA #4: a step's script was handed to bash in a file (/tmp/iplab-step-XXXX.sh) that
iplab deletes when the step ends; a SIGKILL of iplab during t8-slow.sh's loop left the
file on disk. Without sudo between them, bash now gets the script in its environment,
taken out before the script runs: nothing is written, and ``pgrep -f`` still does not see
it (hunt W)."""

from __future__ import annotations

import glob
import tempfile
from pathlib import Path

import pytest

from iplab.runner import Limits, ShExecutor
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-5"


def _step_files() -> set[str]:
    return set(glob.glob(str(Path(tempfile.gettempdir()) / "iplab-step-*.sh")))


@pytest.mark.processes
def test_a_steps_script_is_not_written_to_a_file() -> None:
    """Hunt AA #4 (t8-slow.sh, its loop made short): while the step runs, no step file is
    on disk for a kill of iplab to leave behind; the script does not see the variable."""
    loop = (HUNT / "t8-slow.sh").read_text(encoding="utf-8").splitlines()[1]
    script = loop.replace("-lt 10", "-lt 2").replace("sleep 2", "sleep 0")
    script += '\necho "[${IPLAB_STEP-unset}]"'
    before = _step_files()
    seen: list[set[str]] = []
    result = ShExecutor().run(
        ("bash", "-c", script),
        limits=Limits(10),
        on_start=lambda pid: seen.append(_step_files() - before),
    )
    assert result.ok, result.stderr
    assert result.stdout == "[unset]\n"
    assert seen == [set()]
    assert result.argv == ("bash", "-c", script)
