"""A tutorial's ``server &``: a job its step leaves running in the background.

Its output goes to a file of the lab (a pipe nobody reads any more would break under it:
a server that logs each request dies on the first one), what it left running is
journaled, and ``down`` (or the end of ``run``) stops it, in a lab namespace or on the
host. A session the journal names is stopped only while one of the processes it recorded
still lives (the same pid and start time), so a number the kernel gave to someone else
later is never signalled."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from iplab import undo
from iplab.context import make_env
from iplab.importer.convert import import_text
from iplab.journal import Journal
from iplab.runner import start_time
from iplab.words import background_job, without_background
from tests.kernel import iplab


@pytest.mark.parametrize(
    ("command", "job", "rest"),
    [
        ("python3 -m http.server 8080 &", True, "python3 -m http.server 8080"),
        ("ip netns exec s nc -l 9000&", True, "ip netns exec s nc -l 9000"),
        ("nohup tcpdump -i br0 -w x.pcap > /dev/null 2>&1 &", True,
         "nohup tcpdump -i br0 -w x.pcap > /dev/null 2>&1"),
        ("ip netns exec s bash -c 'srv & sleep 1'", True, None),  # in a script: not at the end
        ("a & b", True, None),
        ("a && b", False, None),
        ("ping -c1 x 2>&1", False, None),
        ("ping -c1 x &> /dev/null", False, None),
        ("a |& tee log", False, None),
        ('curl "http://x/?a=1&b=2"', False, None),
        ('echo "&"', False, None),
        ("echo 'open", False, None),
    ],
)  # fmt: skip
def test_what_leaves_a_job_in_the_background(command: str, job: bool, rest: str | None) -> None:
    assert background_job(command) is job
    assert without_background(command) == rest


def test_a_server_in_a_lab_namespace_is_not_listed_as_cannot_undo() -> None:
    script = (
        "ip netns add s\nip netns exec s python3 -m http.server &\n"
        "tcpdump -i any -n &\n"  # a reader: nothing to undo once it is stopped
        "python3 -m http.server 9000 &\n"  # on the host: iplab cannot tell what it does
    )
    summary = import_text(script, "shell", "x.sh").summary()
    assert "cannot undo 1 step(s)" in summary, summary
    assert "python3 -m http.server 9000 &" in summary


def test_the_journal_keeps_what_a_step_left_running(tmp_path: Path) -> None:
    where = tmp_path / "lab"
    where.mkdir(mode=0o700)
    journal = Journal(where)
    journal.jobs("run1", 3, [(4242, 99), (4243, 100)])
    journal.process("run1", 0)
    assert journal.job_sessions() == [(3, [(4242, 99), (4243, 100)])]
    assert journal.entries() == [] and journal.problems == []
    # a damaged record is skipped, never taken for a process to stop
    with open(where / "journal.jsonl", "a", encoding="utf-8") as f:
        f.write('{"type":"jobs","run":"r","step":true,"members":[[1,2]]}\n')
        f.write('{"type":"jobs","run":"r","step":4,"members":[[true,2],["x",1],[5]]}\n')
    assert journal.job_sessions() == [(3, [(4242, 99), (4243, 100)]), (4, [])]


def _own_session(seconds: int) -> subprocess.Popen[bytes]:
    """A process of this test's own, in a session of its own (as a step's job is)."""
    return subprocess.Popen(["sleep", str(seconds)], start_new_session=True)


def test_a_session_is_stopped_only_while_a_process_it_recorded_lives(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    where = state / "lab"
    where.mkdir(mode=0o700)
    err = io.StringIO()
    env = make_env(state, io.StringIO(), err)
    proc = _own_session(random.randint(100000, 999999))
    try:
        started = start_time(proc.pid)
        assert started is not None
        journal = Journal(where)
        # the number is the session's, but the process recorded under it started at
        # another time: another process, long gone (the kernel reused the number)
        journal.jobs("run1", 2, [(proc.pid, started + 1)])
        assert undo.stop_jobs(env, journal, "still running") == 0
        assert proc.poll() is None
        journal.jobs("run1", 2, [(proc.pid, started)])
        assert undo.stop_jobs(env, journal, "still running") == 1
        assert proc.wait(timeout=10) == -signal.SIGTERM
        said = err.getvalue()
        assert f"stopping pid {proc.pid} (sleep " in said and "by step 2, still running" in said
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _sleepers(seconds: int) -> list[int]:
    """The pids of this test's ``sleep SECONDS`` (a zombie has no command line: not one)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cmdline").read_bytes() == (
                f"sleep\0{seconds}\0".encode()
            ):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.kernel
@pytest.mark.parametrize("how", ["down", "run"])
def test_a_job_left_on_the_host_is_stopped(
    prefix: str, state_dir: Path, tmp_path: Path, how: str
) -> None:
    """``sleep N &`` in the root namespace: no namespace of the lab holds it, only the
    journal knows it; before, it ran on after the lab was gone."""
    seconds = random.randint(100000, 999999)  # this test's own sleeper
    script = f"ip netns add n1\nsleep {seconds} &\n"
    if how == "run":
        script += "# clean up\nip netns del n1\n"
    lab = tmp_path / "job.yaml"
    lab.write_text(import_text(script, "shell", "job.sh").yaml)
    try:
        if how == "down":
            up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
            assert up.returncode == 0, up.stderr
            assert "in the background: pid" in up.stdout, up.stdout
            assert _sleepers(seconds), "the step's job runs on after its step"
            done = iplab("down", f"{prefix}job", state=state_dir)
            said = "started in the background by step 2, still running"
        else:
            done = iplab("run", str(lab), "--prefix", prefix, state=state_dir)
            said = "started in the background by step 2, left running by the tutorial's cleanup"
        assert done.returncode == 0, done.stderr
        assert f"(sleep {seconds}), {said}" in done.stderr, done.stderr
        assert _sleepers(seconds) == []
    finally:
        for pid in _sleepers(seconds):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.kernel
def test_a_server_started_in_the_background_serves_after_its_step(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """An HTTP server logs each request: with its output on the step's pipe, which iplab
    stops reading once the step ends, it died on the first request (broken pipe). Its
    output now goes to a file of the lab, where the request is logged."""
    client = tmp_path / "client.py"
    client.write_text(
        textwrap.dedent("""\
            import sys, time, urllib.request
            for _ in range(100):  # until the server listens: 10 s at most
                try:
                    print(urllib.request.urlopen("http://127.0.0.1:8080/", timeout=2).status)
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                sys.exit("no answer")
            """),
        encoding="utf-8",
    )
    server = f"ip netns exec s {sys.executable} -m http.server 8080 --bind 127.0.0.1 &"
    fetch = f"ip netns exec s {sys.executable} {client}"
    lab = tmp_path / "web.yaml"
    lab.write_text(
        textwrap.dedent(f"""\
            name: web
            setup:
              - action: netns add
                name: s
              - action: netns exec
                in: s
                command: ip link set lo up
              - action: raw
                command: {json.dumps(server)}
                shell: true
              - action: raw
                command: {json.dumps(fetch)}
                shell: true
                observe: true
            """),
        encoding="utf-8",
    )
    up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        assert "\n200\n" in up.stdout, up.stdout
        log = state_dir / "labs" / f"{prefix}web" / "jobs-step-3.log"
        deadline = time.monotonic() + 5
        while '"GET / HTTP/1.1" 200' not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert '"GET / HTTP/1.1" 200' in log.read_text()
    finally:
        down = iplab("down", f"{prefix}web", state=state_dir)
    assert down.returncode == 0, down.stderr
    assert "started in the background by step 3, still running" in down.stderr
