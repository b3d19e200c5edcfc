"""Hunt EQ: ``iplab up`` and ``down`` signalled at random moments (SIGKILL, SIGINT, SIGINT
twice, SIGTERM, SIGHUP; the blog scenario, a star of 200, an imported tutorial with raw
shell steps), then what the README says a user runs next.

- A Ctrl-C while ``python3 -m iplab`` still imported iplab (some 0.09 s into the process on
  a loaded host) said "iplab: interrupted before anything ran" and exited 130: a shell
  script running iplab went on with its next line, where every other signal that stops
  iplab ends it by that signal (README, "Time limits"). It now says what a Ctrl-C before
  a command began says, and ends by SIGINT.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.kernel import apart

IPLAB = f"{sys.executable} -m iplab"

_CTRL_C_ON_IMPORT = """
import importlib.abc, runpy, sys

class CtrlC(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "iplab.lab" or name == "iplab.cli":
            raise KeyboardInterrupt

sys.meta_path.insert(0, CtrlC())
sys.argv = ["iplab", "up", "nosuch.yaml", "--prefix", "eqt"]
runpy.run_module("iplab", run_name="__main__")
"""


def _ends_by_sigint_before_iplab_began(script: str) -> None:
    """``script``, with a Ctrl-C while it imports iplab, says so and ends by SIGINT."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, check=False, cwd=REPO,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    assert done.stderr == (
        "iplab: interrupted: iplab had not begun: nothing ran, the host is as it was\n"
    ), done.stderr
    assert done.returncode == -signal.SIGINT, (done.returncode, done.stderr)


def test_a_ctrl_c_while_python_imports_iplab_ends_it_by_sigint() -> None:
    _ends_by_sigint_before_iplab_began(_CTRL_C_ON_IMPORT)


def test_a_ctrl_c_while_the_iplab_command_imports_iplab_ends_it_by_sigint() -> None:
    """The console script pip writes (``from MODULE import FUNC; sys.exit(FUNC())``, the
    target pyproject.toml names) imports its module before any code of iplab's runs: with
    ``iplab.cli:run`` a Ctrl-C there was Python's traceback. Its target is now a module
    that imports iplab's code inside the function, where the Ctrl-C is caught."""
    import tomllib

    target = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]["iplab"]
    module, func = target.split(":")
    script = _CTRL_C_ON_IMPORT.replace(
        'runpy.run_module("iplab", run_name="__main__")',
        f"from {module} import {func}\nsys.exit({func}())",
    )
    _ends_by_sigint_before_iplab_began(script)


_RENAMING_IP = """#!/bin/bash
# ip, as another shell renames the lab's bridge while down runs: at down's first deletion
real=$(PATH=${PATH#*:} command -v ip)
if [ ! -e "$EQT_DONE" ] && [[ " $* " == *" del "* || " $* " == *" -batch "* ]]; then
    touch "$EQT_DONE"
    "$real" link set eqt1br0 down && "$real" link set eqt1br0 name eqt1zz || echo no-rename >&2
fi
exec "$real" "$@"
"""


@pytest.mark.kernel
@pytest.mark.parametrize("how", ["", "--exact"])
def test_a_link_renamed_by_someone_else_while_down_runs_is_deleted(
    tmp_path: Path, how: str
) -> None:
    """Someone renamed the lab's bridge while ``down`` ran (sweep: 1 of 4 renames during
    down): its deletion found no ``eqt1br0``, said "1 gone already", exit 0, and the bridge
    stayed on the host as ``eqt1zz``. Down now looks again, once its passes are done, for
    the lab's links under new names (the same index, kind and boot), and deletes them; so
    does ``down --exact``, whose deletion said "failed (exit 1)" of it."""
    wrap = tmp_path / "bin"
    wrap.mkdir()
    (wrap / "ip").write_text(_RENAMING_IP)
    (wrap / "ip").chmod(0o755)
    state = tmp_path / "state"
    run = apart(
        f"{IPLAB} up container-networking-part2 --prefix eqt1 --state-dir {state}"
        " >/dev/null 2>&1; echo up=$?\n"
        f"EQT_DONE={tmp_path}/done PATH={wrap}:$PATH {IPLAB} down"
        f" eqt1container-networking-part2 {how} --state-dir {state}; echo down=$?\n"
        "echo left: $(ls /run/netns) $(ip -br link | grep -c eqt1)\n",
        pid=True,  # (down --exact moves veths back with ``netns 1``: pid 1's, the test's)
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "up=0" in run.stdout and "no-rename" not in said, said
    assert (tmp_path / "done").exists(), said
    assert "down=0" in run.stdout, said
    assert "left: 0\n" in run.stdout, said
    assert "iplab: eqt1br0 was renamed eqt1zz" in run.stderr, said


_RENAMING_BATCH_IP = """#!/usr/bin/env python3
# ip, as another shell renames the lab's bridge eqt2b0 (to eqt2zz) once ip -batch made it
import os, shutil, subprocess, sys, time
here = os.path.dirname(os.path.abspath(__file__))
path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != here)
real = shutil.which("ip", path=path)
if "-batch" not in sys.argv:
    os.execv(real, [real, *sys.argv[1:]])
ip = subprocess.Popen([real, *sys.argv[1:]], stdin=subprocess.PIPE, text=True)
for line in sys.stdin:
    ip.stdin.write(line)
    ip.stdin.flush()
    if line.startswith("link add eqt2b0 "):
        for _ in range(500):
            if os.path.exists("/sys/class/net/eqt2b0"):
                break
            time.sleep(0.01)
        subprocess.run([real, "link", "set", "eqt2b0", "down"], check=True)
        subprocess.run([real, "link", "set", "eqt2b0", "name", "eqt2zz"], check=True)
ip.stdin.close()
sys.exit(ip.wait())
"""


@pytest.mark.kernel
def test_a_batch_that_fails_naming_no_line_is_not_said_to_fail_on_its_first(
    tmp_path: Path,
) -> None:
    """Someone renamed the star's bridge while ``up``'s ``ip -batch`` ran (sweep: 3 of 3
    renames of star-200's b0 during up): ``link set p1 master b0`` was a wrong argument,
    on which ip exits naming no line, and the run said the batch's first line, ``ip link
    add eqt2b0 up type bridge``, had failed. It now says that ip did not name the line,
    and that the link it names, made by the lab, is gone under that name."""
    from bench.scale import scenario_text

    (tmp_path / "star4.yaml").write_text(scenario_text(4, 2))
    wrap = tmp_path / "bin"
    wrap.mkdir()
    (wrap / "ip").write_text(_RENAMING_BATCH_IP)
    (wrap / "ip").chmod(0o755)
    run = apart(
        f"PATH={wrap}:$PATH {IPLAB} up {tmp_path}/star4.yaml --prefix eqt2"
        f" --state-dir {tmp_path}/state; echo up=$?\n"
        "echo left: $(ls /run/netns) $(ip -br link | grep -c eqt2)\n",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "up=1" in run.stdout, said
    assert "command failed (in ip -batch): ip link add eqt2b0" not in run.stderr, said
    assert "ip -batch failed on one of its 14 lines without naming which" in run.stderr, said
    assert (
        "link eqt2b0, which the lab made, is gone under that name: something else deleted or"
        " renamed it while the lab came up"
    ) in run.stderr, said
    assert "left: 1\n" in run.stdout, said  # (eqt2zz: no longer known as the lab's)


@pytest.mark.kernel
def test_a_link_renamed_by_someone_else_while_up_runs_is_rolled_back(tmp_path: Path) -> None:
    """Someone renamed the blog's bridge once ``up`` had made it (sweep: 3 of 4 renames
    during the blog's up): the lab record read the index of its root links only once the
    lab was up, under their names, so neither the rollback nor ``down`` knew the bridge
    under its new name, and ``eqt5zz`` stayed on the host. Each root link's index and kind
    are recorded as it is made now; iplab stops itself (``SIGSTOP@after-outcome:12``) once
    the bridge (change 11) is made, for the script to rename it."""
    state = tmp_path / "state"
    run = apart(
        "IPLAB_FAULT=SIGSTOP@after-outcome:12"
        f" {IPLAB} up container-networking-part2 --per-command --prefix eqt5"
        f" --state-dir {state} >/dev/null 2>{tmp_path}/err & pid=$!\n"
        "for i in $(seq 500); do grep -q '^State:.*stopped' /proc/$pid/status && break;"
        " sleep 0.02; done\n"
        "ip link set eqt5br0 down && ip link set eqt5br0 name eqt5zz || echo no-rename\n"
        "kill -CONT $pid; wait $pid; echo rc=$?\n"
        f"cat {tmp_path}/err >&2\n"
        "echo left: $(ls /run/netns) $(ip -br link | grep -c eqt5)\n",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "rc=1" in run.stdout and "no-rename" not in run.stdout, said
    assert "iplab: eqt5br0 was renamed eqt5zz" in run.stderr, said
    assert "left: 0\n" in run.stdout, said
