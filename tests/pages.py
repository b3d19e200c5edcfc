"""Fixture pages as a user takes them through iplab: imported, written out, run.

The hunts' tests read their pages so (each had written the same helpers again)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from iplab import scenario
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.scenario import Scenario
from tests import kernel
from tests.conftest import REPO


def page_imported(path: Path) -> ImportResult:
    """``iplab import PAGE``, in this process: the result (a refusal raised as it is)."""
    text = path.read_text(encoding="utf-8")
    return import_text(text, detect_kind(path.name, text), path.name)


def imported(path: Path) -> tuple[ImportResult, Scenario]:
    """``iplab import PAGE``: the result, and the scenario its YAML loads as."""
    result = page_imported(path)
    return result, scenario.load_text(result.yaml, "page.yaml")


def rendered_lines(yaml: str) -> list[str]:
    """The command line each step of an imported scenario renders to (sudo as it decides)."""
    from iplab.plan import decide_sudo
    from iplab.render import renderer

    lab = scenario.load_text(yaml, "lab.yaml")
    return [renderer().command(s.op, decide_sudo(lab.sudo, s.sudo, s.op)).text for s in lab.steps]


def family_page(family: Path, name: str) -> str:
    """The imported YAML of the page of ``family`` whose file name begins ``name-``."""
    return page_imported(next(family.glob(name + "-*"))).yaml


def written(result: ImportResult, where: Path) -> Path:
    """The imported scenario written to ``where/lab.yaml``, as ``-o lab.yaml`` writes it."""
    path = where / "lab.yaml"
    path.write_text(result.yaml, encoding="utf-8")
    return path


def imported_file(page: Path, where: Path) -> Path:
    """``iplab import PAGE -o where/lab.yaml``, in a process of its own: the file."""
    lab = where / "lab.yaml"
    subprocess.run(
        [sys.executable, "-m", "iplab", "import", str(page), "-o", str(lab)],
        capture_output=True, text=True, cwd=REPO, check=True,
    )  # fmt: skip
    return lab


def run(
    lab: Path, prefix: str, state: Path, cwd: Path, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``iplab run LAB --prefix PREFIX ARGS`` from ``cwd``, in a state directory of the
    test's own (a process of its own, as a user runs it)."""
    env = {**os.environ, "IPLAB_STATE_DIR": str(state), "PYTHONPATH": str(REPO)}
    env.pop("IPLAB_FAULT", None)
    return subprocess.run(
        [sys.executable, "-m", "iplab", "run", str(lab), "--prefix", prefix, *args],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout, check=False,
    )  # fmt: skip


def script_ran_clean(text: str, prefix: str, family: str, tmp: Path) -> str:
    """A shell script's text imported (in this process) to tmp/lab.yaml, then ``iplab run``
    under ``prefix`` (see :func:`run`): its output, checked to have passed, verified, and
    left nothing of the lab; what is left of ``prefix`` (of the hunt ``family``'s) is
    deleted and must be nothing, whatever happened."""
    from iplab.importer.convert import import_text

    lab = tmp / "lab.yaml"
    lab.write_text(import_text(text, "shell", "lab.sh").yaml, encoding="utf-8")
    return _verified_clean(lab, prefix, family, tmp / "state", tmp)


def page_ran_clean(page: Path, prefix: str, family: str, state: Path, tmp: Path) -> str:
    """A page imported as a user imports it (:func:`imported_file`), then run, verified
    and clean (see :func:`_verified_clean`; :func:`ran_clean` checks less)."""
    return _verified_clean(imported_file(page, tmp), prefix, family, state, tmp)


def _verified_clean(lab: Path, prefix: str, family: str, state: Path, cwd: Path) -> str:
    """``iplab run`` of ``lab`` under ``prefix`` (see :func:`run`): its output, checked to
    have passed, verified, and left nothing of the lab; what is left of ``prefix`` (of the
    hunt ``family``'s) is deleted and must be nothing, whatever happened."""
    try:
        done = run(lab, prefix, state, cwd)
        out = done.stdout + done.stderr
        assert done.returncode == 0, out
        assert "verify: the kernel holds what the scenario promised" in out, out
        assert "nothing of the lab remains" in out, out
    finally:
        assert kernel.cleanup_prefix(prefix, family) == []
    return out


def ran_clean(
    page: Path, prefix: str, state: Path, tmp: Path, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``iplab import PAGE -o tmp/lab.yaml``, then ``iplab run lab.yaml --prefix PREFIX
    ARGS`` (each in a process of its own; see :func:`run`): the run, checked to have
    passed, to say "nothing of the lab remains", and to leave nothing of ``prefix`` in the
    kernel."""
    done = run(imported_file(page, tmp), prefix, state, tmp, *args, timeout=timeout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "nothing of the lab remains" in done.stdout, done.stdout[-3000:]
    assert kernel.cleanup_prefix(prefix) == []  # iplab left nothing
    return done


def apart_env(where: Path) -> str:
    """The first line of a script run apart (tests.kernel.apart) that runs a page or its
    printed script as its author would, as root: a ``sudo`` that runs its command (none is
    installed here), iplab's state in ``where/state``, this checkout's iplab."""
    shim = where / "bin"
    shim.mkdir()
    (shim / "sudo").write_text('#!/bin/sh\n[ "$1" = -n ] && shift\nexec "$@"\n')
    (shim / "sudo").chmod(0o755)
    state = where / "state"
    state.mkdir(mode=0o700)
    return f"export IPLAB_STATE_DIR={state} PYTHONPATH={REPO} PATH={shim}:$PATH\n"
