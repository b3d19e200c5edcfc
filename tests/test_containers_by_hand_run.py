"""Hunt W: containers by hand (``unshare``, ``ip netns attach``, ``nsenter``): the lines a
tutorial uses to reach a process's namespace, and what iplab may signal, name or undo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Literal

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.jobs import unscoped_signal
from iplab.lab import Session
from iplab.model import ModelError
from iplab.pids import literal_pid
from iplab.plan import build
from iplab.runner import Limits, ShExecutor, start_time
from tests.kernel import apart, iplab

FIXTURES = Path(__file__).parent / "fixtures" / "containers-by-hand"


def _imported(name: str, kind: Literal["markdown", "shell"] = "markdown") -> str:
    """The scenario ``iplab import`` makes of a fixture, as YAML."""
    return import_text((FIXTURES / name).read_text(), kind, name).yaml


def test_a_kill_of_pids_read_from_a_file_is_refused_before_anything_runs() -> None:
    """Hunt W: w5-gist-script.sh writes each container's pid to a file and tears down with
    ``kill $(cat /tmp/hunt-W/mini-docker.pids)``; the model let it run, and with a
    stranger's pid in that file teardown killed it. It is refused, as ``kill 48213`` is,
    naming the file's line."""
    lab = scenario.load_text(_imported("w5-gist-script.sh", "shell"), "w5.yaml")
    with pytest.raises(ModelError) as raised:
        build(lab)
    said = str(raised.value)
    assert said.startswith("w5.yaml:"), said
    assert "runs kill $(cat /tmp/hunt-W/mini-docker.pids): it signals processes" in said


@pytest.mark.parametrize(
    ("command", "unscoped"),
    [
        ("kill $(cat /tmp/hunt-W/mini-docker.pids)", "kill $(cat /tmp/hunt-W/mini-docker.pids)"),
        ("kill -9 `cat pids`", "kill -9 `cat pids`"),
        ("for p in $(cat pids); do kill $p; done", "kill $p"),
        ("kill %1 $C2", "kill %1 $C2"),  # C2=$(pgrep -f ... | head -1): the host's
        ("kill ${PID}", "kill ${PID}"),
        ("kill $!", None),
        ("sleep 9 & P=$!; kill $P", None),
        ("kill $(jobs -p)", None),
    ],
)
def test_a_kill_of_a_value_iplab_cannot_tie_to_the_lab_is_unscoped(
    command: str, unscoped: str | None
) -> None:
    """Hunt W: a pid read from a file or a variable (not ``$!``, the job's) is any process
    of the host's; ``$!`` and ``$(jobs -p)`` are the step's own jobs."""
    assert unscoped_signal(command) == unscoped


@pytest.mark.processes
def test_a_steps_pgrep_f_does_not_find_iplabs_own_bash() -> None:
    """Hunt W: w7-unshare-pid-mountproc.md's ``CPID=$(pgrep -n -f 'unshare --net
    --fork')`` gave the pid of iplab's own ``bash -c``, whose argv held the step's script
    (and so the pattern), not unshare's. The script is no longer in bash's argv; the
    result still names the script that ran (the audit log's line)."""
    line = next(
        text.removeprefix("root@host:~# ")
        for text in (FIXTURES / "w7-unshare-pid-mountproc.md").read_text().splitlines()
        if "pgrep -n -f" in text
    )
    argv = ("bash", "-c", f'{line}\necho "found:$CPID."')
    result = ShExecutor().run(argv, limits=Limits(10))
    assert result.ok, result.stderr
    assert result.stdout == "found:.\n"  # (no unshare runs: nothing matches)
    assert result.argv == argv


@pytest.mark.parametrize(
    ("name", "pid"),
    [("w3b-so-attach-literal-pid.md", "13391"), ("w6-http-server-ns.md", "51234")],
)
def test_a_pid_copied_from_the_authors_session_is_refused(name: str, pid: str) -> None:
    """Hunt W: ``ip netns attach web 13391`` named a stranger's namespace (the lab then
    made its links in it, and ``down`` left them there); ``ip netns identify 51234``
    failed with "Cannot open network namespace". Refused before anything runs, naming the
    file's line."""
    with pytest.raises(ModelError) as raised:
        build(scenario.load_text(_imported(name), "lab.yaml"))
    said = str(raised.value)
    assert said.startswith("lab.yaml:"), said
    assert f"names the process {pid}, a pid of the author's session" in said


def test_a_pid_the_session_printed_for_a_job_is_that_job() -> None:
    """Hunt W: w3-so-attach-identify.md prints ``[1] 3113`` after ``unshare -n sleep
    infinity &``, then ``ip netns attach web 3113``: the pid was used as is. It is the
    job, ``%1`` (the pid of the lab's own job when it runs)."""
    yaml = _imported("w3-so-attach-identify.md")
    assert "command: ip netns attach web %1\n" in yaml
    assert "3113\n" not in yaml.replace("'[1] 3113'", "")
    build(scenario.load_text(yaml, "w3.yaml"))


@pytest.mark.parametrize(
    ("command", "pid"),
    [
        ("ip netns attach web 13391", "13391"),
        ("sudo ip netns identify 51234", "51234"),
        ("nsenter -t 7001 -n ip a", "7001"),
        ("nsenter --target=7001 -n", "7001"),
        ("nsenter -t 1 -m -n sh", None),  # init's: the host
        ("ip netns attach web %1", None),
        ("ip netns identify $$", None),
    ],
)
def test_a_literal_pid_is_found_where_a_command_takes_one(command: str, pid: str | None) -> None:
    """Hunt W: the places a pid of the author's session is copied to."""
    assert literal_pid(command) == pid


@pytest.mark.kernel
def test_an_unshare_job_that_ended_is_not_said_to_wait_5_s(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt W: w7-unshare-pid-mountproc.md's ``unshare --net --fork --pid --mount-proc
    bash &`` ends at once under iplab (its bash reads the end of its input), and iplab said
    "pid N not in a namespace of its own after 5 s" of a run of 0.9 s. It says the job
    ended."""
    line = next(
        text.removeprefix("root@host:~# ")
        for text in (FIXTURES / "w7-unshare-pid-mountproc.md").read_text().splitlines()
        if "--mount-proc bash &" in text
    )
    lab = tmp_path / "w7.yaml"
    lab.write_text(
        f"name: w7\nsetup:\n  - action: raw\n    command: {line}\n    shell: true\n"
        "  - action: raw\n    command: sleep 0.3\n    observe: true\n"
    )
    run = iplab("run", str(lab), "--prefix", prefix, state=state_dir, timeout=60)
    said = run.stdout + run.stderr
    assert "not in a namespace of its own after" not in said, said


@pytest.mark.processes
def test_a_job_that_ended_is_said_to_have_ended() -> None:
    """Hunt W: of an ``unshare --net ... &`` job that had ended (a zombie, the run 0.9 s
    long), iplab said "pid N not in a namespace of its own after 5 s"."""
    said: list[str] = []
    gone = subprocess.Popen(["true"])
    started = start_time(gone.pid)
    gone.wait()
    assert started is not None
    Session._not_unshared(SimpleNamespace(say=said.append), gone.pid, started)  # type: ignore[arg-type]
    assert said == [f"    pid {gone.pid} ended before it was in a namespace of its own: going on"]


@pytest.mark.kernel
def test_the_lab_s_own_unshare_job_is_not_said_left_running(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt W #8: of w2-docker-trick-ln.md's ``unshare --net sleep 3600 &``, whose namespace
    the lab names by ``ln -sf /proc/$pid/ns/net /var/run/netns/c1``, ``run`` said "left
    running: 1 processes in namespace c1: the lab named it ..., it did not make it" though
    the job is the lab's, stopped as a job."""
    lab = tmp_path / "w2.yaml"
    lab.write_text(_imported("w2-docker-trick-ln.md"))
    run = iplab("run", str(lab), "--prefix", prefix, state=state_dir, timeout=90)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert "left running" not in said, said
    assert "== nothing of the lab remains" in said


@pytest.mark.kernel
@pytest.mark.parametrize(("cleanup", "put_back"), [("rm -f {pids}", False), ("true", True)])
def test_a_file_two_steps_appended_to_is_said_put_back_once_if_it_was(
    cleanup: str, put_back: bool, prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt W #8: w5-gist-script.sh's loop appends each container's pid to its pid file
    (``echo $CPID >> /tmp/hunt-W/mini-docker.pids``), and its cleanup deletes the file:
    ``run`` said "put back F; F", the file twice, and put back nothing (the file, which
    the host had before, stayed deleted). A path is said once, and only when its undo
    changed it."""
    script = (FIXTURES / "w5-gist-script.sh").read_text()
    append = next(line.strip() for line in script.splitlines() if ">> /tmp/" in line)
    pids = tmp_path / "mini-docker.pids"
    pids.write_text("999\n")  # (a line the host had)
    lines = [append.replace("$CPID", pid).replace("/tmp/hunt-W/mini-docker.pids", str(pids))
             for pid in ("111", "222")]  # fmt: skip
    steps = "".join(f"  - action: raw\n    command: {line}\n    shell: true\n" for line in lines)
    lab = tmp_path / "w5.yaml"
    lab.write_text(
        f"name: w5\nsetup:\n{steps}teardown:\n  - action: raw\n"
        f"    command: '{cleanup.format(pids=pids)}'\n"
    )
    run = iplab("run", str(lab), "--prefix", prefix, state=state_dir, timeout=60)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    put = [line for line in out.splitlines() if "put back" in line]
    said = f"== the tutorial's cleanup left the host otherwise: put back {pids}"
    assert put == ([said] if put_back else []), out


@pytest.mark.kernel
def test_down_deletes_the_links_it_made_in_a_namespace_a_process_still_holds(
    prefix: str, state_dir: Path, tmp_path: Path, own_sleep: int
) -> None:
    """Hunt W #3: w3b-so-attach-literal-pid.md names a running container's namespace
    (``ip netns attach web PID``) and makes v0/v1 in it; ``down`` deleted the name only,
    and left v0 and v1 to the process ("1 undo commands ran (2 more were not needed)").
    Its pid read from a file here (a pid written out is refused now), down deletes them."""
    pidfile = tmp_path / "container.pid"
    page = (FIXTURES / "w3b-so-attach-literal-pid.md").read_text()
    attach = f"ip netns attach web $(cat {pidfile})"
    yaml = import_text(page.replace("ip netns attach web 13391", attach), "markdown", "w3b").yaml
    said = f"    command: {attach}\n    shell: true\n"  # (what it makes, as the refusal asks)
    lab = tmp_path / "w3b.yaml"
    lab.write_text(yaml.replace(said, f"{said}    creates:\n      - netns: web\n"))
    iplab_ = f"{sys.executable} -m iplab"
    script = f"""
        unshare -n sleep {own_sleep} > /dev/null 2>&1 & echo $! > {pidfile}
        sleep 0.3
        {iplab_} up {lab} --prefix {prefix} --state-dir {state_dir} || exit 1
        {iplab_} down {prefix}w3b --state-dir {state_dir}
        echo "left: $(nsenter -t $(cat {pidfile}) -n ip -o link | cut -d: -f2 | tr -d ' ')"
        kill $(cat {pidfile})
        """
    run = apart(script)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert f"undo: ip -n {prefix}web link del {prefix}v0" in said
    assert [x for x in run.stdout.splitlines() if x.startswith("left:")] == ["left: lo"], said


@pytest.mark.kernel
def test_down_leaves_a_link_of_the_process_that_only_shares_a_name_with_the_labs(
    prefix: str, state_dir: Path, tmp_path: Path, own_sleep: int
) -> None:
    """SAFETY (my read of the fix above): a name alone is not the lab's in a namespace a
    process holds. The process's namespace has an eth0 of its own (a container's, its peer
    not the lab's); the lab names a link eth0 elsewhere (renamed in its namespace, as
    tutorials do). ``down`` deleted the container's eth0 by its name; it deletes only a veth
    whose other end is the lab's too."""
    pidfile = tmp_path / "container.pid"
    ns, web = f"{prefix}ns", f"{prefix}web"
    lab = tmp_path / "clash.yaml"
    lab.write_text(
        "name: clash\nsetup:\n"
        f"  - {{action: raw, command: 'ip netns attach {web} $(cat {pidfile})', shell: true,"
        f" creates: [{{netns: {web}}}]}}\n"
        f"  - line: ip netns add {ns}\n"
        f"  - line: ip link add {prefix}a type veth peer name {prefix}b\n"
        f"  - line: ip link set {prefix}a netns {ns}\n"
        f"  - line: ip -n {ns} link set {prefix}a name eth0\n"
    )
    iplab_ = f"{sys.executable} -m iplab"
    script = f"""
        unshare -n sh -c 'ip link add eth0 type veth peer name {prefix}c; exec sleep {own_sleep}' \
            > /dev/null 2>&1 & echo $! > {pidfile}
        sleep 0.3
        {iplab_} up {lab} --no-verify --state-dir {state_dir} || exit 1
        {iplab_} down clash --state-dir {state_dir}
        echo "left: $(nsenter -t $(cat {pidfile}) -n ip -o link | cut -d: -f2 | cut -d@ -f1 \
            | tr -d ' ' | tr '\\n' ' ')"
        kill $(cat {pidfile})
        """
    run = apart(script)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert "link del eth0" not in said
    left = [x.split()[1:] for x in run.stdout.splitlines() if x.startswith("left:")]
    assert [set(x) for x in left] == [{"eth0", f"{prefix}c", "lo"}], said
