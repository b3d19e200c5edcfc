"""Hunt AY #1: a lab whose ``|| true`` step failed (tests/fixtures/adversarial-ahead/
ay1-dummy-or-true.sh: ``ip link add dum0 type dummy || true`` on a kernel without dummy
links) came up verified (``up`` leaves out the steps that may fail and failed), and then
``lab.verify()`` (the Python API) and ``iplab verify FILE --prefix P`` named the link that
step would have made as missing: a difference ``iplab verify LAB`` and ``up`` itself did
not see."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import iplab
from iplab.journal import Journal, lab_dir
from tests.conftest import FIXTURES
from tests.kernel import iplab as iplab_cli
from tests.kernel import netns_names

pytestmark = pytest.mark.kernel

PAGE = FIXTURES / "adversarial-ahead" / "ay1-dummy-or-true.sh"


def _imported(state_dir: Path, tmp_path: Path) -> Path:
    assert "dummy || true" in PAGE.read_text(encoding="utf-8")
    lab_yaml = tmp_path / "lab.yaml"
    made = iplab_cli("import", str(PAGE), "-o", str(lab_yaml), state=state_dir)
    assert made.returncode == 0, made.stderr
    return lab_yaml


def test_api_verify_of_a_lab_leaves_out_the_steps_that_failed_as_allowed(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """From a worker thread, as a test harness would: the lab's own scenario, and the same
    scenario loaded again and the lab found by ``iplab.labs`` are held to what the run made
    (nothing of the failed step)."""
    lab_yaml = _imported(state_dir, tmp_path)
    seen: dict[str, object] = {}

    def work() -> None:
        try:
            scenario = iplab.Scenario.load(lab_yaml, prefix=prefix)
            with iplab.up(scenario, state_dir=state_dir) as lab:
                failed = Journal(lab_dir(state_dir, lab.name)).failed_steps(lab.run)
                seen["failed"] = failed
                seen["own"] = lab.verify()
                seen["again"] = lab.verify(iplab.Scenario.load(lab_yaml, prefix=prefix))
                [found] = iplab.labs(state_dir)
                seen["found"] = found.verify()
        except BaseException as exc:  # (said below, in the test's thread)
            seen["error"] = exc

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(120)
    assert not worker.is_alive()
    assert "error" not in seen, seen.get("error")
    if not seen["failed"]:
        pytest.skip("this kernel has dummy links: the step did not fail")
    assert seen["own"] == [] and seen["again"] == [] and seen["found"] == [], seen
    assert not {n for n in netns_names() if n.startswith(prefix)}


def test_verify_of_the_file_with_the_labs_prefix_leaves_them_out_too(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """``iplab verify FILE --prefix P`` of the lab that file came up as, with that prefix:
    the same verdict as ``up`` and ``iplab verify LAB``. Once the lab is down, nothing
    tells which steps failed: the file is verified as written."""
    lab_yaml = _imported(state_dir, tmp_path)
    up = iplab_cli("up", str(lab_yaml), "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stderr
    lab = up.stdout.split("\nlab ", 1)[1].split()[0]
    try:
        if "failed, as the author allows" not in up.stdout:
            pytest.skip("this kernel has dummy links: the step did not fail")
        by_lab = iplab_cli("verify", lab, state=state_dir)
        by_file = iplab_cli("verify", str(lab_yaml), "--prefix", prefix, state=state_dir)
        assert by_lab.returncode == 0, by_lab.stdout
        assert (by_file.returncode, by_file.stdout) == (0, by_lab.stdout), by_file.stdout
    finally:
        iplab_cli("down", lab, state=state_dir)
    after = iplab_cli("verify", str(lab_yaml), "--prefix", prefix, state=state_dir)
    assert after.returncode == 1 and f"{prefix}dum0.netns: expected root" in after.stdout
