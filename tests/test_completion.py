"""Shell completion from the parser: commands, options, bundled scenarios, labs that are up."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from iplab.cli import completion
from iplab.cli.parser import SHELLS
from iplab.journal import Journal, LabInfo, lab_dir
from tests.conftest import REPO


def complete(words: list[str], path: Path, state: Path) -> list[str]:
    """What bash offers for the last word, with the script ``iplab completion bash`` prints."""
    shim = path / "iplab"
    shim.write_text(f'#!/bin/sh\nexec {sys.executable} -m iplab "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{path}:{os.environ['PATH']}", "PYTHONPATH": str(REPO),
           "IPLAB_STATE_DIR": str(state)}  # fmt: skip
    quoted = " ".join(f"'{w}'" for w in words)
    program = (
        "source <(iplab completion bash)\n"
        f"COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}\n"
        "_shtab_iplab; printf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    out = subprocess.run(
        ["bash", "-c", program], capture_output=True, text=True, env=env, cwd=path, check=True
    )
    return sorted(line for line in out.stdout.splitlines() if line)


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_scenarios_and_labs(tmp_path: Path) -> None:
    state = tmp_path / "state"
    directory = lab_dir(state, "t1container-networking-part2")
    directory.mkdir(parents=True)
    Journal(directory).write_info(
        LabInfo("t1container-networking-part2", "r", "s.yaml", "0" * 64, "t1", 0.0, [], [])
    )
    (tmp_path / "mine.yaml").write_text("name: mine\nsetup: []\n")
    assert complete(["iplab", "ren"], tmp_path, state) == ["render"]
    assert complete(["iplab", "comp"], tmp_path, state) == ["completion"]
    assert complete(["iplab", "render", "star"], tmp_path, state) == ["star", "star-500"]
    assert complete(["iplab", "up", "mi"], tmp_path, state) == ["mine.yaml"]
    assert complete(["iplab", "down", ""], tmp_path, state) == ["t1container-networking-part2"]
    assert complete(["iplab", "status", "--lab", "t1"], tmp_path, state) == [
        "t1container-networking-part2"
    ]
    assert complete(["iplab", "verify", "--js"], tmp_path, state) == ["--json"]


@pytest.mark.parametrize("shell", SHELLS)
def test_every_shell_gets_every_command(shell: str) -> None:
    text = completion.script(shell)
    for command in ("render", "check", "up", "run", "down", "ls", "audit", "verify", "status",
                    "graph", "import", "scenarios", "completion"):  # fmt: skip
        assert command in text
    assert "iplab scenarios --names" in text and "iplab ls --names" in text
