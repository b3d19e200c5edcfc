"""The real executor (``sh``) on harmless local programs: output, exit status, stdin,
time limits, the author's Ctrl-C, streaming, stopping. No root and no kernel change."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from iplab.runner import Limits, Runner, ShExecutor, start_time, stop_survivor
from tests.hostile.hostile import no_threads

pytestmark = pytest.mark.processes


def test_output_exit_status_and_stdin() -> None:
    result = ShExecutor().run(["sh", "-c", "cat; echo err >&2; exit 3"], "in\n")
    assert (result.rc, result.stdout, result.stderr) == (3, "in\n", "err\n")
    assert result.pid > 0 and result.stopped is None and not result.ok


def test_a_missing_program_is_exit_127() -> None:
    result = ShExecutor().run(["iplab-no-such-program-c13"])
    assert result.rc == 127 and "command not found" in result.stderr


def test_the_time_limit_kills_the_process_group() -> None:
    start = time.monotonic()
    result = ShExecutor().run(["sh", "-c", "sleep 30 & wait"], limits=Limits(timeout=0.3))
    assert time.monotonic() - start < 10
    assert result.stopped == "timed out after 0.3 s" and result.rc != 0


def test_stop_after_is_the_authors_ctrl_c_and_a_success() -> None:
    stream = io.StringIO()
    # (the child sets its own SIGINT handler: a background job inherits SIGINT ignored)
    child = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGINT, lambda *a: sys.exit(130))\n"
        "print('started', flush=True)\n"
        "time.sleep(30)\n"
    )
    result = ShExecutor().run(
        [sys.executable, "-c", child],
        limits=Limits(timeout=None, stop_after=0.3),
        stream=stream,
    )
    assert result.rc == 0 and result.stopped == "stopped after 0.3 s"
    assert stream.getvalue() == "started\n" == result.stdout
    assert Limits(timeout=None, stop_after=2).hard == 2 + 5.0
    assert Limits(timeout=0).hard is None and Limits(timeout=4).hard == 4


def test_killed_by_a_signal_is_named() -> None:
    result = ShExecutor().run(["sh", "-c", "kill -TERM $$"])
    assert result.rc < 0 and result.stopped == "killed by SIGTERM"
    result = ShExecutor().run(["bash", "-c", "kill -9 $$"], limits=Limits(10))
    assert (result.rc, result.stopped) == (-9, "killed by SIGKILL")
    result = ShExecutor().run(["bash", "-c", "sleep 600 & sleep 600"], limits=Limits(0.5))
    assert result.stopped == "timed out after 0.5 s" and result.duration < 5


def test_on_start_failing_kills_the_process() -> None:
    pids: list[int] = []

    def refuse(pid: int) -> None:
        pids.append(pid)
        raise OSError("the journal cannot take the pid")

    with pytest.raises(OSError, match="journal"):
        ShExecutor().run(["sleep", "30"], on_start=refuse)
    assert pids and start_time(pids[0]) is None


def test_runner_stop_kills_the_running_command() -> None:
    runner = Runner(ShExecutor(), is_root=True)
    assert runner.stop("nothing runs") is None
    timer = threading.Timer(0.3, runner.stop, ("SIGINT received",))
    timer.start()
    result = runner.execute(["sleep", "30"], False, meta={"text": "sleep 30"})
    timer.join()
    assert result.stopped == "SIGINT received" and result.rc != 0


def test_interactive_runs_on_our_terminal() -> None:
    runner = Runner(ShExecutor(), is_root=True)
    assert runner.interactive(["true"], False).rc == 0
    assert runner.interactive(["iplab-no-such-program-c13"], False).rc == 127


def test_a_survivor_is_found_by_pid_and_start_time() -> None:
    child = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        started = start_time(child.pid)
        assert started is not None
        assert not stop_survivor(child.pid, started + 1)  # another process with that pid
        assert child.poll() is None
        assert stop_survivor(child.pid, started)
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
    assert not stop_survivor(1, 0) and start_time(os.getpid()) is not None


@pytest.mark.parametrize("streamed", [False, True])
def test_a_command_that_reads_stdin_gets_its_end_at_once(streamed: bool) -> None:
    stream = io.StringIO() if streamed else None
    start = time.monotonic()
    result = ShExecutor().run(["cat"], limits=Limits(timeout=5), stream=stream)
    assert (result.rc, result.stopped) == (0, None)
    assert time.monotonic() - start < 2.5  # not its time limit


def test_a_streamed_command_ends_without_waiting_for_a_poll() -> None:
    executor, stream = ShExecutor(), io.StringIO()
    executor.run(["true"], stream=stream)  # (warm: sh imported)
    took = []
    for _ in range(5):
        start = time.perf_counter()
        assert executor.run(["sh", "-c", "echo shown"], stream=stream).rc == 0
        took.append(time.perf_counter() - start)
    # sh polled a stdin queue every 0.1 s for a streamed process: each took 0.1 s or more
    assert min(took) < 0.09, took
    assert stream.getvalue().count("shown\n") == 5


def test_an_input_in_parts_is_asked_for_only_after_on_start() -> None:
    events: list[str] = []

    def parts() -> Iterator[str]:
        events.append("asked")
        yield "a\n"
        events.append("asked again")
        yield "b\n"

    def started(pid: int) -> None:
        time.sleep(0.2)  # the executor's input thread is running: it must wait
        events.append("started")

    result = ShExecutor().run(["cat"], parts(), on_start=started, limits=Limits(timeout=10))
    assert result.ok and result.stdout == "a\nb\n"
    assert events == ["started", "asked", "asked again"]


def test_an_input_in_parts_is_not_asked_for_when_on_start_fails() -> None:
    events: list[str] = []

    def parts() -> Iterator[str]:
        events.append("asked")
        yield "a\n"

    def refuse(pid: int) -> None:
        raise OSError("the journal is full")

    with pytest.raises(OSError, match="the journal is full"):
        ShExecutor().run(["cat"], parts(), on_start=refuse, limits=Limits(timeout=10))
    assert events == []


def test_processes_in_a_namespace_are_found_and_only_those_given_are_stopped() -> None:
    """Read-only over the host: the namespace iplab runs in holds this test's child (and
    others, which are only listed); only the child is then stopped."""
    from iplab.runner import processes_in, stop_processes

    child = subprocess.Popen(["sleep", "300"])
    try:
        here = os.stat("/proc/self/ns/net")
        found = processes_in({(here.st_dev, here.st_ino)})
        mine = [p for p in found if p[0] == child.pid]
        assert mine == [(child.pid, start_time(child.pid), "sleep 300")]
        assert os.getpid() not in {p[0] for p in found}  # never iplab itself
        assert processes_in(set()) == []
        stop_processes(mine, grace=2.0)
        assert child.wait(timeout=5) == -signal.SIGTERM
        stop_processes(mine)  # gone: nothing to do, and no other process is touched
    finally:
        child.kill()
        child.wait()


def test_a_process_that_ignores_sigterm_is_killed() -> None:
    from iplab.runner import stop_processes

    ignore = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(300)"
    child = subprocess.Popen([sys.executable, "-c", ignore])
    try:
        time.sleep(0.5)  # SIGTERM is ignored by then
        started = start_time(child.pid)
        assert started is not None
        stop_processes([(child.pid, started, "python3")], grace=0.3)
        assert child.wait(timeout=5) == -signal.SIGKILL
    finally:
        child.kill()
        child.wait()


@pytest.mark.parametrize("after", [0, 1, 3])
def test_no_thread_to_start_is_a_failed_process(
    monkeypatch: pytest.MonkeyPatch, after: int
) -> None:
    """Hunt U: in a pids cgroup at its limit, sh's threads (0, 1: at the start) or the time
    limit's timer (3: once the process runs) could not start, and the RuntimeError was "an
    internal error" that stopped the rollback halfway. Now it is exit 126, said as a
    resource limit, as a failed fork is; a process that had started is killed."""
    no_threads(monkeypatch, after)
    # (a process whose sh threads could not start runs on unfollowed: a short one here)
    result = ShExecutor().run(["sleep", "30"] if after == 3 else ["true"])
    monkeypatch.undo()
    assert result.rc == 126 and not result.ok, result
    assert "cannot start a thread/process: resource limit (can't start new thread)" in (
        result.stderr
    )
    if result.pid:
        assert start_time(result.pid) is None or _zombie(result.pid)


def test_no_memory_for_a_thread_is_a_failed_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hunt U: under ``ulimit -v`` starting a thread raised MemoryError (an internal error):
    now exit 126, a resource limit."""
    no_threads(monkeypatch, 3, memory=True)
    result = ShExecutor().run(["sleep", "30"])
    monkeypatch.undo()
    assert result.rc == 126 and "resource limit (out of memory)" in result.stderr


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except OSError:
        return True
