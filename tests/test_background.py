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

from iplab import scenario, undo
from iplab.context import make_env
from iplab.errors import ScenarioError
from iplab.importer.convert import import_text
from iplab.jobs import Request, matches, pick, request, serves, unscoped_signal
from iplab.journal import Journal
from iplab.model import ModelError
from iplab.plan import build
from iplab.runner import start_time
from iplab.words import background_job, unquieted, without_background
from tests.kernel import iplab, netns_names, sleepers
from tests.test_importer import rendered_lines
from tests.test_json_output import assert_valid


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
        "python3 -m http.server 9000 &\n"  # on the host: a listener down stops (hunt EM #3)
        "nc -l 9001 > got.txt &\n"  # what it writes stays after down
    )
    summary = import_text(script, "shell", "x.sh").summary()
    assert "cannot undo 1 step" in summary, summary
    assert "nc -l 9001 > got.txt &" in summary
    assert "python3 -m http.server 9000 &" not in summary.split("cannot undo")[1]


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


@pytest.mark.kernel
@pytest.mark.parametrize("how", ["down", "run"])
@pytest.mark.parametrize(
    "where", ["on the host", "in a lab namespace", "a daemon in a lab namespace"]
)
def test_a_process_a_step_leaves_running_is_stopped(  # noqa: PLR0917 - fixtures
    prefix: str, state_dir: Path, tmp_path: Path, own_sleep: int, how: str, where: str
) -> None:
    """``sleep N &``: on the host, only the journal knows it (before, it ran on after the
    lab was gone); in a lab namespace it would keep the namespace alive (unnamed) after
    ``ip netns del``. ``down`` and the end of ``run`` (after the tutorial's own cleanup)
    stop it, and say so: as the job the journal recorded, or, for a daemon (``setsid -f``:
    a session of its own, from a step run in the foreground), as a process found in a
    namespace of the lab."""
    line = {
        "on the host": f"sleep {own_sleep} &",
        "in a lab namespace": f"ip netns exec n1 sleep {own_sleep} &",
        "a daemon in a lab namespace": f"ip netns exec n1 setsid -f sleep {own_sleep}",
    }[where]
    script = f"ip netns add n1\n{line}\n"
    if how == "run":
        script += "# clean up\nip netns del n1\n"
    lab = tmp_path / "job.yaml"
    lab.write_text(import_text(script, "shell", "job.sh").yaml)
    daemon = where.startswith("a daemon")
    if how == "down":
        up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
        assert up.returncode == 0, up.stderr
        assert sleepers(own_sleep), "the step's process runs on after its step"
        done = iplab("down", f"{prefix}job", state=state_dir)
        said = "still running" + (" in a namespace of the lab" if daemon else "")
    else:
        done = iplab("run", str(lab), "--prefix", prefix, state=state_dir)
        said = "left running by the tutorial's cleanup"
    if not daemon:
        said = f"started in the background by step 2, {said}"
    assert done.returncode == 0, done.stderr
    assert f"(sleep {own_sleep}), {said}" in done.stderr, done.stderr
    assert sleepers(own_sleep) == []
    assert f"{prefix}n1" not in netns_names()


@pytest.mark.kernel
def test_status_lists_the_jobs_still_running(
    prefix: str, state_dir: Path, tmp_path: Path, own_sleep: int
) -> None:
    lab = tmp_path / "job.yaml"
    lab.write_text(import_text(f"ip netns add n1\nsleep {own_sleep} &\n", "shell", "job.sh").yaml)
    up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    try:
        assert up.returncode == 0, up.stderr
        assert "in the background: pid" in up.stdout, up.stdout
        status = iplab("status", "--lab", f"{prefix}job", "--json", state=state_dir)
        listed = json.loads(status.stdout)
        assert_valid("status", listed)
        assert [(j["step"], j["command"]) for j in listed["jobs"]] == [(2, f"sleep {own_sleep}")]
        shown = iplab("status", "--lab", f"{prefix}job", state=state_dir).stdout
        assert f"  step 2: pid {sleepers(own_sleep)[0]} (sleep {own_sleep}), output in" in shown
    finally:
        assert iplab("down", f"{prefix}job", state=state_dir).returncode == 0


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


@pytest.mark.parametrize(
    ("command", "asked"),
    [
        ("kill %1", Request("kill", signal.SIGTERM, ("%1",))),
        ("kill -9 %2 %1", Request("kill", signal.SIGKILL, ("%2", "%1"))),
        ("kill -s INT %%", Request("kill", signal.SIGINT, ("%%",))),
        ("kill -SIGHUP %+", Request("kill", signal.SIGHUP, ("%+",))),
        ("kill -- %-", Request("kill", signal.SIGTERM, ("%-",))),
        ("kill -0 %1", Request("kill", 0, ("%1",))),
        ("wait %1", Request("wait", 0, ("%1",))),
        ("pkill tcpdump", Request("pkill", signal.SIGTERM, pattern="tcpdump")),
        ("pkill -f 'http.server 80'", Request("pkill", signal.SIGTERM, pattern="http.server 80",
                                              full=True)),
        ("pkill -9 -x nc", Request("pkill", signal.SIGKILL, pattern="nc", exact=True)),
        ("killall -q -s INT tcpdump", Request("killall", signal.SIGINT, pattern="tcpdump",
                                              exact=True)),
        # in a namespace: the host's processes all the same, so scoped to the lab's
        ("ip netns exec n1 pkill -f srv", Request("pkill", signal.SIGTERM, pattern="srv",
                                                  full=True)),
        ("ip netns exec n1 kill %1", None),
        ("kill 4242", None),  # a pid: the host's business
        ("kill -l", None),
        ("kill %0", None),
        ("kill %1; ip link", None),
        ("wait", Request("wait", 0, ())),  # every job of the lab (it ran as a program, failing)
        ("pkill -u root sshd", None),  # an option iplab does not read
        ("pkill -BOGUS x", None),
        ("killall a b", None),
        # hunt Q: what ran as written and killed the host's decoy server
        ("pkill --full 'http.server 1'", Request("pkill", signal.SIGTERM,
                                                 pattern="http.server 1", full=True)),
        ("pkill -n -e -f srv", Request("pkill", signal.SIGTERM, pattern="srv", full=True)),
        ("kill $(pgrep -f 'http.server 1')", Request("pkill", signal.SIGTERM,
                                                     pattern="http.server 1", full=True)),
        ("pgrep -f srv | sudo xargs kill", Request("pkill", signal.SIGTERM, pattern="srv",
                                                   full=True)),
        ("kill -9 $(ps aux | grep '[h]ttp.server' | awk '{print $2}')",
         Request("pkill", signal.SIGKILL, pattern="http.server", full=True)),
        ("kill `pidof nc`", Request("killall", signal.SIGTERM, pattern="nc", exact=True)),
        ("kill -s INT $(pgrep -x nc)", Request("pkill", signal.SIGINT, pattern="nc",
                                               exact=True)),
        ("kill $(pgrep -u bob nc)", None),
        ("kill %1 2>/dev/null", Request("kill", signal.SIGTERM, ("%1",))),  # (quieted)
        ("kill $(pgrep -f srv) 2>/dev/null", Request("pkill", signal.SIGTERM, pattern="srv",
                                                     full=True)),
    ],
)  # fmt: skip
def test_what_a_job_control_command_asks(command: str, asked: Request | None) -> None:
    assert request(command) == asked


def test_which_jobs_a_spec_names() -> None:
    assert pick(("%1", "%%", "%+", "%", "%-", "%3", "%4"), 3) == ([0, 2, 2, 2, 1, 2], ["%4"])
    assert pick(("%%", "%-"), 1) == ([0], ["%-"])
    assert pick(("%1",), 0) == ([], ["%1"])


def test_which_processes_pkill_and_killall_mean() -> None:
    def m(command: str, comm: str, cmdline: str) -> bool:
        asked = request(command)
        assert asked is not None
        return matches(asked, comm, cmdline)

    assert m("pkill tcpdump", "tcpdump", "tcpdump -i lo")
    assert m("pkill tcp", "tcpdump", "tcpdump -i lo")  # searched, as pgrep does
    assert not m("pkill -x tcp", "tcpdump", "tcpdump -i lo")
    assert not m("pkill http.server", "python3", "python3 -m http.server")
    assert m("pkill -f http.server", "python3", "python3 -m http.server")
    assert m("killall python3", "python3", "/usr/bin/python3 -m http.server")
    assert not m("killall python", "python3", "/usr/bin/python3 -m http.server")
    assert not m("pkill '('", "x", "x")  # not a pattern: nothing


def test_the_importer_gives_dollar_bang_the_job_and_keeps_the_ampersand() -> None:
    """``$!`` is the job a later ``kill`` names; a statement run with ``&`` is never
    read as one run in the foreground (with its output quieted, or in a loop's body)."""
    script = (
        "ip netns add s\n"
        "ip netns exec s python3 -m http.server > /dev/null 2>&1 &\n"
        "PID=$!\n"
        "for i in 1 2; do ip netns exec s sleep 60$i & done\n"
        "LAST=$!\n"
        "ip netns exec s true & ip netns exec s true\n"
        "kill $PID\nkill $LAST\n"
    )
    result = import_text(script, "shell", "j.sh", variables="expand")
    assert result.warnings == ()
    assert rendered_lines(result) == [
        "ip netns add s",
        "ip netns exec s python3 -m http.server > /dev/null 2>&1 &",
        "ip netns exec s sleep 601 &",
        "ip netns exec s sleep 602 &",
        "ip netns exec s true & ip netns exec s true",
        "kill %1",
        "kill %3",  # LAST was set before the fourth
    ]
    summary = result.summary()  # only the line of two commands, where a & b are unknown
    assert "cannot undo 1 step" in summary and "s true & ip netns exec s true" in summary


def test_a_job_in_the_background_is_never_stopped_after_3_seconds() -> None:
    """tcpdump without -c is the author's Ctrl-C; in the background, or named by pkill,
    it is not (SIGINT to the step's group would stop the job with it)."""
    result = import_text(
        "ip netns add s\nip netns exec s tcpdump -i lo &\npkill tcpdump\n", "shell", "t.sh"
    )
    assert "stop_after" not in result.yaml


@pytest.mark.kernel
def test_pkill_and_killall_reach_only_the_labs_processes(
    prefix: str, state_dir: Path, tmp_path: Path, own_sleep: int
) -> None:
    """The host's processes of the same name live on: this test's own sleeper outside
    the lab, as another user's tcpdump would."""
    seconds = own_sleep
    script = (
        f"ip netns add n1\nsleep {seconds} &\nip netns exec n1 sleep {seconds} &\n"
        f"PID=$!\nkill -0 $PID\npkill -x sleep\nsleep 1 &\nkillall sleep\n"
        "sleep 2 &\nip netns exec n1 pkill -x sleep\n"
    )
    said = _run_beside(seconds, script, prefix, state_dir, tmp_path)
    assert said.count("signal 15 to pid") == 4, said  # the lab's four sleepers
    assert said.count(f"(sleep {seconds})\n") == 3, said  # (kill -0 signalled one too)


def _run_beside(seconds: int, script: str, prefix: str, state_dir: Path, tmp_path: Path) -> str:
    """``iplab run`` of ``script`` while the host runs the test's own ``sleep SECONDS``
    (named as the lab's processes are): it must be left alone. What the run said."""
    outside = subprocess.Popen(["sleep", str(seconds)])
    lab = tmp_path / "lab.yaml"
    lab.write_text(import_text(script, "shell", "lab.sh").yaml)
    try:
        run = iplab("run", str(lab), "--prefix", prefix, state=state_dir)
        said = run.stdout + run.stderr
        assert run.returncode == 0, said
        assert outside.poll() is None, "the host's process is left alone"
        assert sleepers(seconds) == [outside.pid]
        return said
    finally:
        outside.kill()
        outside.wait()


@pytest.mark.kernel
def test_wait_waits_for_the_job_within_the_steps_time_limit(
    prefix: str, state_dir: Path, tmp_path: Path, own_sleep: int
) -> None:
    seconds = own_sleep
    script = f"ip netns add n1\nsleep 1 &\nwait $!\nsleep {seconds} &\nwait %2\n"
    lab = tmp_path / "w.yaml"
    lab.write_text(import_text(script, "shell", "w.sh").yaml)
    began = time.monotonic()
    run = iplab("run", str(lab), "--prefix", prefix, "--timeout", "2", state=state_dir)
    said = run.stdout + run.stderr
    assert run.returncode == 1, said
    assert "[3/5] wait %1\n[4/5]" in run.stdout, said  # waited for sleep 1, then on
    assert "wait: still running after 2 s, or stopped" in said
    assert time.monotonic() - began > 3  # 1 s, then 2 s
    assert sleepers(seconds) == [], "the rollback stopped it"


@pytest.mark.parametrize(
    ("command", "rest"),
    [
        ("srv > /dev/null 2>&1", "srv"),
        ("srv &> /dev/null", "srv"),
        ("srv 2> /dev/null", "srv"),
        ("srv >> /dev/null 2>&1", "srv"),
        ("srv -m 'a b'", "srv -m 'a b'"),
        ("srv > log", None),  # a file written
        ("srv | tee x", None),
        ("srv 2>&3", None),
    ],
)
def test_a_command_without_its_quieting(command: str, rest: str | None) -> None:
    assert unquieted(command) == rest


@pytest.mark.kernel
def test_a_job_outlives_an_iplab_killed_and_the_next_down_stops_it(
    prefix: str, state_dir: Path, tmp_path: Path, own_sleep: int
) -> None:
    """SIGKILL of iplab while a later step runs: the job the journal recorded runs on
    (it is in a session of its own), and the next ``down`` stops it."""
    seconds = own_sleep
    script = f"ip netns add n1\nsleep {seconds} &\nsleep 60\n"
    lab = tmp_path / "k.yaml"
    lab.write_text(import_text(script, "shell", "k.sh").yaml)
    env = {**os.environ, "IPLAB_STATE_DIR": str(state_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "iplab", "up", str(lab), "--prefix", prefix],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # until the third step runs
            if line.startswith("[3/3]"):
                break
        assert sleepers(seconds), "the job runs"
        proc.kill()
        proc.communicate()
        assert sleepers(seconds), "the job outlives iplab"
        done = iplab("down", f"{prefix}k", state=state_dir)
        assert done.returncode == 0, done.stderr
        assert f"(sleep {seconds}), started in the background by step 2" in done.stderr
        assert sleepers(seconds) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.parametrize(
    ("command", "server"),
    [
        ("nc -l 9000", True),
        ("nc -lk 9000", True),
        ("ip netns exec a nc -l -p 9000", True),
        ("sudo ip netns exec a iperf -s -u", True),
        ("iperf3 -s", True),
        ("ncat --listen 80", True),
        ("python3 -m http.server 80", True),
        ("socat TCP-LISTEN:80,fork -", True),
        ("nc 10.0.0.1 9000", False),  # a client
        ("iperf3 -c 10.0.0.1", False),
        ("iperf3 -s -D", False),  # a daemon: it leaves by itself
        ("python3 x.py", False),
        ("socat - TCP:10.0.0.1:80", False),
        ("nc -l 9000 &", False),  # in the background already
        # hunt Q: through a wrapper, its output sent on: the same server
        ("ip netns exec b nc -l 10.0.0.2 7000 > /tmp/got.txt", True),
        ("timeout 3 nc -u -l 7001", True),
        ("ip netns exec a nohup python3 -u -m http.server 8080", True),
        ("stdbuf -oL nc -l 9000 | tee log", True),
        ("echo hi | nc 10.0.0.1 9000", False),
        ("nc -l 9000 > got.txt &", False),
        # what it answers given as its input: the same server (nc -lkp 8080 <<< OK ran in
        # the foreground until its time limit, and the run rolled back)
        ("ip netns exec red nc -lkp 8080 <<< OK", True),
        ("nc -l 9000 < index.html", True),
        ("echo -e 'HTTP/1.1 200 OK\\r\\n\\r\\nhi' | sudo ip netns exec a nc -l -p 80", True),
        ("nc 10.0.0.1 9000 < request.txt", False),  # a client, fed
        ("nc -l 9000 < index.html &", False),
        ("nc -l 9000; echo done", True),  # (its first command, as before)
        ("echo ready && nc -l 9000", False),
    ],
)
def test_a_server_meant_for_another_terminal(command: str, server: bool) -> None:
    assert serves(command) is server


def test_a_server_in_another_terminal_imports_to_run_in_the_background() -> None:
    """The page says "in another terminal": the reader has one, a run does not. The step
    prints as written and runs in the background; the next step reaches it."""
    page = (
        "```\nip netns add s\nip netns exec s iperf3 -s\n```\n\nIn another terminal:\n\n"
        "```\nip netns exec s iperf3 -c 127.0.0.1 -t 1\n```\n"
    )
    result = import_text(page, "markdown", "p.md")
    sc = scenario.load_text(result.yaml, "p.yaml")
    assert [s.background for s in sc.steps] == [False, True, False]
    assert rendered_lines(result) == [
        "ip netns add s", "ip netns exec s iperf3 -s", "ip netns exec s iperf3 -c 127.0.0.1 -t 1"
    ]  # fmt: skip
    assert "cannot undo" not in result.summary()


def test_background_is_only_for_a_command_kept_as_written() -> None:
    with pytest.raises(ScenarioError, match="only a command kept as written"):
        scenario.load_text(
            "name: b\nsetup:\n  - {action: netns add, name: a, background: true}\n", "b.yaml"
        )
    with pytest.raises(ScenarioError, match="stopped at undo, not by stop_after"):
        scenario.load_text(
            "name: b\nsetup:\n  - {action: raw, command: nc -l 1, background: true,"
            " stop_after: 3}\n",
            "b.yaml",
        )


@pytest.mark.parametrize(
    ("command", "unscoped"),
    [
        ("kill 48213", "kill 48213"),  # the author's pid: here, another process
        ("kill -9 -1", "kill -9 -1"),
        ("pkill -u bob x", "pkill -u bob x"),
        ("sleep 1; pkill nc", "pkill nc"),
        ("kill $(lsof -t -i :80)", "kill $(...)"),
        ("pidof nc | xargs -n1 kill", "xargs -n1 kill"),
        ("kill %1", None),
        ("kill %1 2>/dev/null", None),  # (2 is a stream's number, no pid)
        ("kill 1234 2>/dev/null", "kill 1234"),
        # (hunt W, by design: a pid a step read, or one read from a file, may be a
        # stranger's; the importer gives $! the job, kill %N, and kill $! is the job's)
        ("kill $PID", "kill $PID"),
        ("kill $(cat /tmp/lab/nc.pid)", "kill $(cat /tmp/lab/nc.pid)"),
        ("kill $!", None),
        ("pkill -f http.server", None),
        ("kill $(pgrep -f srv)", None),
    ],
)
def test_a_signal_iplab_cannot_limit_to_the_lab_is_found(
    command: str, unscoped: str | None
) -> None:
    assert unscoped_signal(command) == unscoped


def test_the_model_refuses_it_before_anything_runs() -> None:
    lab = "name: k\nsetup:\n  - action: raw\n    command: kill $(lsof -t -i :80)\n    shell: true\n"
    with pytest.raises(
        ModelError, match=r"runs kill \$\(\.\.\.\): it signals processes of the host"
    ):
        build(scenario.load_text(lab, "k.yaml"))


@pytest.mark.kernel
def test_kill_through_a_listing_reaches_only_the_labs_processes(
    prefix: str, state_dir: Path, tmp_path: Path, own_sleep: int
) -> None:
    """Hunt Q: ``pkill --full``, ``kill $(pgrep -f ...)`` and ``pgrep -f ... | xargs kill``
    ran as written: a server of the host that matched was killed (and the step's own bash,
    whose command line holds the pattern). Each is read as the pkill it is."""
    seconds = own_sleep
    script = (
        f"ip netns add n1\nip netns exec n1 sleep {seconds} &\n"
        f"kill $(pgrep -f 'sleep {seconds}')\n"
        f"ip netns exec n1 sleep {seconds} &\npgrep -f 'sleep {seconds}' | xargs kill\n"
        f"ip netns exec n1 sleep {seconds} &\npkill --full 'sleep {seconds}'\n"
    )
    said = _run_beside(seconds, script, prefix, state_dir, tmp_path)
    assert said.count(f"(sleep {seconds})\n") == 3, said  # the lab's three, one each


@pytest.mark.kernel
def test_a_scripts_last_wait_for_its_server_is_until_ctrl_c(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt Q: ``server &`` then ``wait`` at the end of a "press Ctrl-C to stop" script
    failed after 30 s, and its trap's cleanup never ran. A wait for servers waits as long as
    an author lets a ping run, then the trap's cleanup is the teardown."""
    port = random.randint(20000, 29999)
    script = textwrap.dedent(f"""\
        cleanup() {{
            kill %1 2>/dev/null
            ip netns del w
        }}
        trap cleanup EXIT
        ip netns add w
        ip -n w link set lo up
        ip netns exec w python3 -m http.server {port} --bind 127.0.0.1 &
        wait
        """)
    lab = tmp_path / "serve.yaml"
    lab.write_text(import_text(script, "shell", "serve.sh").yaml)
    run = iplab("run", str(lab), "--prefix", prefix, state=state_dir, timeout=60)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert "stopped waiting, as the author did with Ctrl-C" in run.stdout
    assert f"(python3 -m http.server {port} --bind 127.0.0.1)" in run.stdout  # kill %1
    assert "== nothing of the lab remains" in run.stdout
    assert [n for n in netns_names() if n.startswith(prefix)] == []


@pytest.mark.parametrize(
    ("command", "watches"),
    [
        ("ip -n src monitor route rule", True),
        ("ip monitor", True),
        ("sudo ip netns exec a ip monitor all", True),
        ("ip mo link", True),  # ip's abbreviation
        ("bridge monitor fdb", True),
        ("tc monitor", True),
        ("ip maddress show", False),  # ip m: maddress, not monitor
        ("ip -s link show k0", False),
        ("tcpdump -ni br0", False),  # a capture: its own wait
    ],
)
def test_a_monitor_of_the_kernel_s_events_runs_beside_the_next_steps(
    command: str, watches: bool
) -> None:
    from iplab.jobs import beside, monitors

    assert monitors(command) is watches
    assert beside(command) is (watches or command.startswith("tcpdump"))


@pytest.mark.kernel
def test_a_monitor_in_a_second_terminal_shows_the_steps_after_it(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt W: ``ip -n src monitor route rule`` "in a second terminal" ran in the foreground
    for 3 s, before the route and rules it was there to watch; it now runs beside them,
    and they are in its log, its deletion too."""
    page = Path(__file__).parent / "fixtures" / "routes" / "rules-monitor.md"
    lab = tmp_path / "lab.yaml"
    lab.write_text(import_text(page.read_text(), "markdown", page.name).yaml)
    name = f"{prefix}rules-monitor"
    try:
        up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
        assert up.returncode == 0, up.stdout + up.stderr
        assert "not watching" not in up.stdout
        log = next((state_dir / "labs" / name).glob("jobs-step-*.log")).read_text()
        assert f"10.88.0.0/16 via 10.77.0.1 dev {prefix}s0 table 200" in log
        assert "from all fwmark 0x1 lookup 200" in log and "Deleted " in log
    finally:
        down = iplab("down", name, state=state_dir)
    assert down.returncode == 0, down.stderr
    assert not [n for n in netns_names() if n.startswith(prefix)]
