"""Hunt CL #6: ``left=$(make_ns l)``, ``make_ns`` a function of the script that runs ``ip
netns add "$name"`` and echoes the name, was one raw step: its shell had no make_ns (the
step failed), and each later line using ``$left`` was refused as one that "may reach any
object of the host" (import exit 1). The function's commands are read as a call's now,
and the variable is what it echoes, as bash leaves it (reader._printed_by_function): the
lab runs, verifies and is undone. A function that prints anything else stays as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES, REPO
from tests.kernel import apart

HERE = FIXTURES / "leftovers16"
SCRIPTS = ["ns-from-helper.sh", "helpers-in-setup.sh"]


def _imported(name: str) -> tuple[str, str]:
    text = (HERE / name).read_text(encoding="utf-8")
    result = import_text(text, "shell", name)
    return result.yaml, result.summary()


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_function_s_namespaces_are_steps(name: str) -> None:
    yaml, summary = _imported(name)
    assert "name: lab-l" in yaml or "name: lab-a" in yaml, yaml
    assert "cannot undo" not in summary and "may reach any object" not in summary, summary
    assert "does not have it" not in summary


def test_the_variable_is_what_the_function_echoes() -> None:
    yaml, _ = _imported("ns-from-helper.sh")
    # (hunt DT #2: make_ns's definition is no step; its text starts the block of its call)
    assert "\n      }\n      left=$(make_ns l)\n    steps:\n      - action: netns add\n" in yaml
    assert "      left: lab-l\n      right: lab-r\n" in yaml, yaml
    assert "netns: lab-l" in yaml and "peer: veth-r" in yaml


def test_the_render_prints_the_script_s_lines(tmp_path: Path) -> None:
    yaml, _ = _imported("ns-from-helper.sh")
    lab = tmp_path / "lab.yaml"
    lab.write_text(yaml, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "render", str(lab)],
        capture_output=True, text=True, cwd=REPO, check=False, timeout=120,
    )  # fmt: skip
    source = (HERE / "ns-from-helper.sh").read_text(encoding="utf-8").splitlines()
    printed = done.stdout.splitlines()
    assert "left=$(make_ns l)" in printed and "right=$(make_ns r)" in printed, done.stdout
    assert [line for line in source if line in printed] == printed


def test_a_function_that_prints_more_stays_one_raw_step() -> None:
    script = '#!/bin/bash\nmk() {\n  ip netns add "$1"\n  ip netns list\n  echo "$1"\n}\n'
    result = import_text(script + 'ns=$(mk red)\nip -n "$ns" link set lo up\n', "shell", "x.sh")
    assert "    command: ns=$(mk red)\n" in result.yaml
    assert "line 7: 'ns=$(mk red)' stays one raw step, and it calls mk" in result.summary()


@pytest.mark.kernel
@pytest.mark.parametrize("name", SCRIPTS)
def test_the_lab_runs_and_is_undone(name: str) -> None:
    """Run apart (a network namespace taken for the host): up, verify, undo; nothing left."""
    script = Path("/mnt/repo") / (HERE / name).relative_to(REPO)
    done = apart(
        f"mount -t tmpfs hclm /mnt && mkdir /mnt/repo && mount --bind {REPO} /mnt/repo\n"
        'mount -t tmpfs hcl /tmp && mkdir -p /tmp/w "$TMPDIR"\n'
        "ip link set lo up\n"
        "export IPLAB_STATE_DIR=/tmp/w/state PYTHONPATH=/mnt/repo\ncd /tmp/w\n"
        f"python3 -m iplab import {script} -o lab.yaml >/dev/null 2>&1; echo import=$?\n"
        "python3 -m iplab run lab.yaml --prefix hclf01 2>&1 | tail -3; echo run=$?\n"
        "echo left=$(ip netns list | wc -l)\n",
        timeout=240,
    )
    out = done.stdout + done.stderr
    assert "import=0" in out and "OK: " in out and "nothing of the lab remains" in out, out
    assert "left=0\n" in out, out
