"""An installed, non-editable iplab finds its templates and bundled scenarios."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import GOLDEN, REPO

# the installed copy's own processes: a PYTHONPATH of the caller's (a worktree's iplab,
# as helpers' shells set it) would put that iplab before the wheel's
ALONE = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv holding iplab installed from a freshly built wheel (no source tree)."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = dist.glob("iplab-*.whl")
    env = root / "venv"
    # system site packages give the dependencies (jinja2, sh, PyYAML) without a download
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env)
    python = env / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
        check=True,
        capture_output=True,
        env=ALONE,
    )
    return env


def test_wheel_carries_templates_and_scenarios(installed: Path, tmp_path: Path) -> None:
    python = installed / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import iplab, os; print(os.path.dirname(iplab.__file__))"],
        check=True, capture_output=True, text=True, cwd=tmp_path, env=ALONE,
    ).stdout.strip()  # fmt: skip
    assert where.startswith(str(installed)), f"imported iplab from {where}, not the wheel"
    assert (Path(where) / "templates" / "link-add.j2").is_file()
    assert (Path(where) / "scenarios" / "container-networking-part2.yaml").is_file()


def test_installed_iplab_renders_the_bundled_blog_scenario(installed: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(installed / "bin" / "iplab"), "render", "container-networking-part2"],
        capture_output=True, text=True, cwd=tmp_path, check=False, env=ALONE,
    )  # fmt: skip
    assert proc.stderr == ""
    assert proc.stdout == (GOLDEN / "container-networking-part2.txt").read_text()


def test_installed_iplab_registers_its_pytest_plugin(installed: Path, tmp_path: Path) -> None:
    """The entry point pytest11 loads the plugin by itself: its options and its marker."""
    proc = subprocess.run(
        [str(installed / "bin" / "python"), "-m", "pytest", "--markers", "-p", "no:cacheprovider"],
        capture_output=True, text=True, cwd=tmp_path, check=False, env=ALONE,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "@pytest.mark.iplab(scenario, scope='function', vars=None)" in proc.stdout
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-m", "pytest", "--help", "-p", "no:cacheprovider"],
        capture_output=True, text=True, cwd=tmp_path, check=False, env=ALONE,
    ).stdout  # fmt: skip
    assert "--iplab-state-dir=DIR" in where
