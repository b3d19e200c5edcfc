"""``ShExecutor.interactive``: the one place iplab starts a process with ``subprocess.Popen``
(``iplab exec``, ``shell`` and ``capture`` run on the user's terminal), with that Popen faked
by pytest-subprocess: no process starts, and an argv nobody registered is an error.

Everything else iplab runs goes through ``sh``, which forks by itself where pytest-subprocess
cannot see it: those processes are faked by iplab's own ``FakeExecutor`` (tests/conftest.py).
"""

from __future__ import annotations

import signal
import time
from typing import Any

import pytest
from pytest_subprocess import FakeProcess

from iplab.runner import ShExecutor

#: the real method: tests/conftest.py replaces it with a refusal in every unit test
REAL_INTERACTIVE = ShExecutor.interactive

SHELL = ["ip", "netns", "exec", "ipt0a13ns1", "bash", "--norc"]


@pytest.fixture
def executor(monkeypatch: pytest.MonkeyPatch, fp: FakeProcess) -> ShExecutor:
    """The real ``interactive``, its Popen faked (``fp`` refuses any argv not registered)."""
    del fp
    monkeypatch.setattr(ShExecutor, "interactive", REAL_INTERACTIVE)
    return ShExecutor()


def test_the_argv_runs_as_given_and_its_status_is_the_result(
    executor: ShExecutor, fp: FakeProcess
) -> None:
    fp.register(SHELL, returncode=3)
    result = executor.interactive(SHELL)
    assert (result.argv, result.rc, result.stdout, result.stderr) == (tuple(SHELL), 3, "", "")
    assert fp.call_count(SHELL) == 1


def test_a_ctrl_c_is_the_process_s_while_it_runs_and_iplab_s_again_after(
    executor: ShExecutor, fp: FakeProcess
) -> None:
    """While the process runs, SIGINT is ignored by iplab (tcpdump flushes, ping prints its
    summary); once it has ended, iplab's own handler is back."""
    seen: list[Any] = []

    def running(process: object) -> None:
        del process
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # until iplab is waiting on the process
            if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
                break
            time.sleep(0.01)
        seen.append(signal.getsignal(signal.SIGINT))

    before = signal.getsignal(signal.SIGINT)
    fp.register(SHELL, callback=running)
    assert executor.interactive(SHELL).rc == 0
    assert seen == [signal.SIG_IGN]
    assert signal.getsignal(signal.SIGINT) is before


def test_an_unregistered_argv_never_runs(executor: ShExecutor) -> None:
    """The guard this file relies on: a command nobody registered is refused, not run."""
    with pytest.raises(Exception, match="not registered"):
        executor.interactive(["iplab-never-run"])
