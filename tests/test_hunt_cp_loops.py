"""Hunt CP #1: a bridging loop the model can see (tests/fixtures/github-scripts-6,
tests/fixtures/leftovers16b).

homework-bridge-loop-ping.sh (after manas11/labprograms' cnlab week 6) puts both ends of
one veth (v11, v22) on one bridge (sw0, STP off, the default): the kernel takes it, and the
bridge floods each broadcast around the loop for ever, a storm on the host. ``check`` said
OK. The model now refuses the line that closes the loop (file:line, both ends, the bridge);
also through ``brctl addif`` and a rename, and a loop through two bridges; not when STP runs
on them; a warning only where a step the model cannot read may have turned STP on.
No lab with a loop is ever run here: the model alone is tested.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, REPO
from tests.pages import imported, written

LOOP = FIXTURES / "github-scripts-6" / "homework-bridge-loop-ping.sh"
MORE = FIXTURES / "leftovers16b"


def test_both_ends_of_one_veth_on_one_bridge_are_refused_at_the_line_that_closes_it() -> None:
    result, _lab = imported(LOOP)
    error = str(result.model_error)
    assert "line 33: sudo ip link set v22 master sw0" in error, error
    assert "v22 and v11, the two ends of one veth" in error
    assert "bridge sw0" in error and "broadcast storm" in error


def test_check_refuses_it_naming_file_and_line(tmp_path: Path) -> None:
    result, _lab = imported(LOOP)
    lab = written(result, tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "check", str(lab)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{lab}:" in done.stderr and "setup[31]" in done.stderr, done.stderr
    assert "v22 and v11" in done.stderr and "stp_state 1" in done.stderr


def test_brctl_addif_after_a_rename_closes_it_too() -> None:
    result, _lab = imported(MORE / "brctl-loop-renamed.sh")
    error = str(result.model_error)
    assert "line 18: brctl addif br-lab uplink" in error, error
    assert "uplink and spare-a, the two ends of one veth" in error


def test_two_cables_between_two_bridges_are_a_loop() -> None:
    result, _lab = imported(MORE / "two-bridges-two-cables.sh")
    error = str(result.model_error)
    assert "line 10: ip -n sw link set up2b master br1" in error, error
    assert "up2b/up2a, up1a/up1b" in error and "namespace sw" in error


def test_stp_on_the_bridges_blocks_the_loop() -> None:
    result, _lab = imported(MORE / "two-bridges-stp-on.sh")
    assert result.model_error is None, result.model_error
    assert not [w for w in result.warnings if "loop" in w], result.warnings


def test_a_step_the_model_cannot_read_makes_it_a_warning() -> None:
    result, _lab = imported(MORE / "loop-after-unknown-step.sh")
    assert result.model_error is None, result.model_error
    said = [w for w in result.model_warnings if "two ends of one veth" in w]
    assert said and "line 7" in said[0] and "unless a step" in said[0], result.model_warnings
