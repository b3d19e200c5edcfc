"""The pytest plugin on the real kernel: the example project, and a session killed midway.

Each inner pytest session runs in a process of its own with ``--iplab-prefix`` set to
this test's prefix (``ipt`` + 4 hex digits), so everything it creates carries it and
the ``prefix`` fixture's finalizer removes it even when a test here fails.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO
from tests.kernel import iplab, netns_names, sleepers

pytestmark = pytest.mark.kernel

EXAMPLE = REPO / "examples" / "pytest-lab"


def inner_pytest(
    where: Path, prefix: str, state: Path, *args: str, scenario: Path = EXAMPLE / "two-hosts.yaml"
) -> subprocess.Popen[str]:
    """A pytest session of its own, loading the plugin from this checkout.

    Its SIGINT is Python's own handler (KeyboardInterrupt), as at a terminal, even when this
    session runs where SIGINT is ignored (in the background of a script)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "SCENARIO": str(scenario)}
    argv = [
        sys.executable, "-c", PYTEST, "-p", "iplab.pytest_plugin", "-p", "no:cacheprovider",
        f"--iplab-prefix={prefix}", f"--iplab-state-dir={state}", "-q", *args,
    ]  # fmt: skip
    return subprocess.Popen(
        argv, cwd=where, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


#: ``python -m pytest`` with Python's own SIGINT handler, as at a terminal
PYTEST = (
    "import signal, sys, pytest; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'pytest'; sys.exit(pytest.console_main())"
)


def mine(prefix: str) -> set[str]:
    return {n for n in netns_names() if n.startswith(prefix)}


def test_the_example_project_passes_and_leaves_nothing(prefix: str, state_dir: Path) -> None:
    proc = inner_pytest(EXAMPLE, prefix, state_dir)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out
    assert "4 passed" in out
    assert mine(prefix) == set()
    assert "no lab is up" in iplab("ls", state=state_dir).stdout
    # every lab had a prefix of its own, and each audit record names its test
    records = [json.loads(line) for line in (state_dir / "audit.jsonl").read_text().splitlines()]
    labs = {r["lab"] for r in records if r.get("kind") == "command"}
    assert len(labs) == 3 and all(lab.startswith(prefix) for lab in labs)
    tests = {r.get("test") for r in records if r.get("kind") == "exec"}
    assert "test_two_hosts.py::test_a_firewall_rule_makes_them_unreachable" in tests
    assert "test_two_hosts.py::test_the_module_shares_one_lab" in tests
    assert not list((state_dir / "pytest").iterdir())
    # nor the labs' lock-only directories: each test's lab has a name of its own, and
    # a run of the example left three in the state directory, every run
    assert not list((state_dir / "labs").iterdir())


HOLD = """
import os, pathlib, time

def test_hold(iplab_lab):
    lab = iplab_lab(os.environ["SCENARIO"])
    pathlib.Path("ready").write_text(lab.name)
    time.sleep(300)
"""

QUICK = """
import os

def test_quick(iplab_lab):
    assert iplab_lab(os.environ["SCENARIO"]).verify() == []
"""


@pytest.mark.parametrize("cleaner", ["iplab down", "the next session"])
def test_a_session_killed_midway_is_cleaned_up(
    prefix: str, state_dir: Path, tmp_path: Path, cleaner: str
) -> None:
    work = tmp_path / "project"
    work.mkdir()
    (work / "test_hold.py").write_text(HOLD)
    proc = inner_pytest(work, prefix, state_dir, "test_hold.py")
    deadline = time.monotonic() + 120
    while not (work / "ready").exists():
        assert proc.poll() is None, proc.communicate()[0]
        assert time.monotonic() < deadline, "the lab did not come up"
        time.sleep(0.1)
    lab = (work / "ready").read_text()
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # the lab outlived its session: its namespaces, its journal, its marker
    assert len(mine(prefix)) == 2
    assert lab in iplab("ls", state=state_dir).stdout
    assert (state_dir / "pytest" / f"{lab}.json").exists()
    if cleaner == "iplab down":
        down = iplab("down", lab, state=state_dir)
        assert down.returncode == 0, down.stderr
    else:
        (work / "test_hold.py").unlink()
        (work / "test_quick.py").write_text(QUICK)
        again = inner_pytest(work, prefix, state_dir, "test_quick.py")
        out, _ = again.communicate(timeout=300)
        assert again.returncode == 0, out
        assert not (state_dir / "pytest" / f"{lab}.json").exists()
        swept = [
            json.loads(line)
            for line in (state_dir / "audit.jsonl").read_text().splitlines()
            if '"sweep"' in line
        ]
        assert swept and {r["lab"] for r in swept} == {lab}
        assert {r["test"] for r in swept} == {"test_hold.py::test_hold"}
    assert mine(prefix) == set()
    assert "no lab is up" in iplab("ls", state=state_dir).stdout


def test_a_live_session_keeps_its_lab(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    """The sweep takes down only labs whose session is gone, never a running session's."""
    work = tmp_path / "project"
    work.mkdir()
    (work / "test_hold.py").write_text(HOLD)
    (work / "test_quick.py").write_text(QUICK)
    holder = inner_pytest(work, prefix, state_dir, "test_hold.py")
    try:
        deadline = time.monotonic() + 120
        while not (work / "ready").exists():
            assert holder.poll() is None, holder.communicate()[0]
            assert time.monotonic() < deadline, "the lab did not come up"
            time.sleep(0.1)
        lab = (work / "ready").read_text()
        other = inner_pytest(work, prefix, state_dir, "test_quick.py")
        out, _ = other.communicate(timeout=300)
        assert other.returncode == 0, out
        assert lab in iplab("ls", state=state_dir).stdout
        assert len(mine(prefix)) == 2
    finally:
        holder.kill()
        holder.communicate(timeout=30)
    assert iplab("down", lab, state=state_dir).returncode == 0
    assert mine(prefix) == set()


#: hunt X's test_t3_interrupt.py::test_long_running, waiting for a "server" of its own
SERVER = """
import os


def test_long_running(iplab_lab):
    l = iplab_lab(os.environ["SCENARIO"])
    # start a "server" and wait for it: the user hits Ctrl-C here
    l.exec("server", "sleep", "{seconds}")
"""


def test_ctrl_c_stops_the_command_a_test_waits_for(
    prefix: str, state_dir: Path, tmp_path: Path, own_sleep: int
) -> None:
    """Hunt X #1: a Ctrl-C while a test waited in lab.exec stopped pytest only when the
    command ended by itself (a server: never). Python's handler raised KeyboardInterrupt
    in the wait, but the child ran on, and pytest, showing the interrupt's traceback, took
    the repr of sh's command, which waits for the process. The child is now killed and
    reaped before the KeyboardInterrupt goes on: the session ends at once, lab down."""
    work = tmp_path / "project"
    work.mkdir()
    (work / "test_t3_interrupt.py").write_text(SERVER.format(seconds=own_sleep))
    scenario = FIXTURES / "api" / "two-netns.yaml"  # two.yaml up to its namespaces
    proc = inner_pytest(work, prefix, state_dir, "test_t3_interrupt.py", scenario=scenario)
    try:
        deadline = time.monotonic() + 120
        while not sleepers(own_sleep):
            assert proc.poll() is None, proc.communicate()[0]
            assert time.monotonic() < deadline, "the lab's command did not start"
            time.sleep(0.1)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=30)
    assert took < 10, out
    assert proc.returncode == 2 and "KeyboardInterrupt" in out, out
    assert sleepers(own_sleep) == []
    assert mine(prefix) == set()
    assert "no lab is up" in iplab("ls", state=state_dir).stdout
