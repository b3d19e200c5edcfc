"""Hunt AQ (hostile resources and limits while a lab runs): a star of 300 namespaces
(tests/fixtures/hostile-limits/aq-star300.sh, a loop script as a reader writes it) under
``ulimit -v``, ``ulimit -n`` and the like."""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from iplab.cli import main
from tests.hostile.hostile import leftovers, no_threads, shim_env
from tests.kernel import REPO, SKIP, apart, iplab

FIXTURES = Path(__file__).parent / "fixtures" / "hostile-limits"


@pytest.fixture(scope="module")
def star300(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The loop script, imported as a user imports it (1,802 commands)."""
    lab = tmp_path_factory.mktemp("star300") / "star300.yaml"
    assert main(["import", str(FIXTURES / "aq-star300.sh"), "-o", str(lab)]) == 0
    return lab


@pytest.mark.kernel
@pytest.mark.parametrize("memory", [False, True], ids=["threads", "memory"])
def test_a_batch_that_cannot_start_is_no_lab_that_is_up(  # noqa: PLR0917 - fixtures
    memory: bool, star300: Path, prefix: str, state_dir: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Under ``ulimit -v 60000`` (55,000 to 75,000 KiB) ``iplab up star300.yaml --no-verify``
    said "lab ... is up: 1802 changes journaled", exit 0, and nothing was made: the one
    ``ip -batch`` could not start (no thread for sh), no line was fed, and a batch with no
    line fed was taken for one that ran. Now the run fails on the batch's first line, says
    why, and there is nothing to undo."""
    capsys.readouterr()
    monkeypatch.setenv("IPLAB_STATE_DIR", str(state_dir))
    monkeypatch.setenv("IPLAB_NO_CACHE", "1")
    no_threads(monkeypatch, after=0, memory=memory)  # the first process cannot start
    rc = main(["up", str(star300), "--prefix", prefix, "--no-verify"])
    monkeypatch.undo()
    out, err = capsys.readouterr()
    assert "is up" not in out, out
    assert rc == 1, err
    assert "command failed (in ip -batch): ip link add " in err, err
    assert "cannot start a thread/process: resource limit" in err, err
    assert "rolled back (0 undo commands)" in err, err
    assert iplab("ls", state=state_dir).stdout.strip() == "no lab is up", "lab left listed"
    assert leftovers(prefix) == []


@pytest.mark.kernel
@pytest.mark.parametrize("rollback_too", [False, True], ids=["run", "run-and-rollback"])
def test_out_of_memory_is_the_hosts_limit_not_a_bug(  # noqa: PLR0917 - fixtures
    rollback_too: bool, star300: Path, prefix: str, state_dir: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Under ``ulimit -v 55000`` to ``72000`` the up of the star said "internal error:
    MemoryError:  (a bug in iplab; run again with IPLAB_DEBUG=1 to see where)", exit 70;
    when the rollback ran out of memory too, a second internal error, and ``ls`` said the
    up was killed halfway. Now: what ran out and what to do, exit 1; a rollback that runs
    out too keeps the journal and says to run ``iplab down``, which undoes all of it."""
    from iplab import journal, undo

    capsys.readouterr()
    monkeypatch.setenv("IPLAB_STATE_DIR", str(state_dir))
    monkeypatch.setenv("IPLAB_NO_CACHE", "1")
    real = journal.Journal.record

    def record(self: journal.Journal, *args: object, **kwargs: object) -> None:
        real(self, *args, **kwargs)  # type: ignore[arg-type]
        raise MemoryError  # (once the first part of the star is made)

    def rollback(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(journal.Journal, "record", record)
    if rollback_too:
        monkeypatch.setattr(undo, "rollback", rollback)
    rc = main(["up", str(star300), "--prefix", prefix, "--no-verify"])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert "internal error" not in err and "bug" not in err, err
    assert rc == 1, err
    assert err.startswith("iplab: error: iplab ran out of memory"), err
    lab = f"{prefix}aq-star300"
    if not rollback_too:
        assert "the host is as it was before" in err, err
        assert leftovers(prefix) == []
        return
    assert leftovers(prefix) != []
    assert f"the rollback ran out of memory too; the journal is kept: run `iplab down {lab}`" in err
    listed = iplab("ls", state=state_dir).stdout
    assert "rollback failed" in listed and "killed halfway" not in listed, listed
    down = iplab("down", lab, state=state_dir)
    assert down.returncode == 0, down.stderr
    assert leftovers(prefix) == []


def _twelve_files() -> None:  # (in the child, before exec: as `ulimit -n 12` in its shell)
    resource.setrlimit(resource.RLIMIT_NOFILE, (12, 12))


@pytest.mark.kernel
def test_too_few_open_files_names_the_limit(star300: Path, prefix: str, state_dir: Path) -> None:
    """Under ``ulimit -n 12`` the up said "reading the state failed (exit 126): bash:
    cannot run: [Errno 24] Too many open files", no word of the limit; it names it now,
    and what to do. (Under ``ulimit -n 16`` to ``64`` the star comes up, verified.)"""
    env = {**os.environ, "IPLAB_STATE_DIR": str(state_dir)}
    env.pop("IPLAB_FAULT", None)
    up = subprocess.run(
        [sys.executable, "-m", "iplab", "up", str(star300), "--prefix", prefix],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=False,
        preexec_fn=_twelve_files,
    )  # fmt: skip
    assert up.returncode != 0
    assert "Too many open files: iplab runs under ulimit -n 12; raise it" in up.stderr, up.stderr
    assert "Traceback" not in up.stderr and "internal error" not in up.stderr
    assert leftovers(prefix) == []


def _writing(pid: int) -> tuple[bool, bool]:
    """Whether a thread of iplab waits in the kernel to write to a pipe (the batch's input,
    a piece it has written part of), and whether the ``ip -batch`` reads (the real ip,
    after the shim's sleep) with lines in its pipe still."""
    children, reads = [], False
    for task in Path(f"/proc/{pid}/task").iterdir():  # (sh forks in a thread of its own)
        with contextlib.suppress(OSError):
            if "pipe_write" in (task / "wchan").read_text():
                return True, True
            children += (task / "children").read_text().split()
    for child in children:
        try:
            if "shim" in Path(f"/proc/{child}/cmdline").read_text():
                continue  # (still asleep: nothing is read)
            with open(f"/proc/{child}/fd/0", "rb", buffering=0) as pipe:
                held = struct.unpack("i", fcntl.ioctl(pipe, termios.FIONREAD, b"\0" * 4))[0]
        except OSError:
            continue
        reads = reads or held > 0
    return False, reads


def _up_in_background(
    star300: Path, prefix: str, state: Path, tmp_path: Path, extra: Mapping[str, str]
) -> subprocess.Popen[bytes]:
    """``iplab up`` of the star started in the background under ``state`` (and ``extra``
    in its environment), its output in ``tmp_path``'s out and err."""
    env = {**os.environ, "IPLAB_STATE_DIR": str(state), **extra}
    env.pop("IPLAB_FAULT", None)
    with (tmp_path / "out").open("w") as out, (tmp_path / "err").open("w") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "iplab", "up", str(star300), "--prefix", prefix],
            stdout=out, stderr=err, env=env, cwd=REPO,
        )  # fmt: skip


@pytest.mark.kernel
def test_ctrl_z_then_fg_loses_no_line_of_a_batch(
    star300: Path, prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """An ``up`` of the star stopped for 2 s (SIGSTOP, as Ctrl-Z; then SIGCONT, as ``fg``)
    failed on a line it never wrote: "command failed (in ip -batch): ip link set
    haqs01veth284 up / Cannot find device "haqs01vet"". sh writes the batch's input with
    one ``os.write`` a part (up to 512 lines) and drops what the kernel did not take; a
    write to a full pipe that a stop signal interrupts returns short, and ip read the
    start of one line glued to the end of another. The input now goes in pieces a pipe
    takes whole (PIPE_BUF), and the stopped run comes up, verified."""
    proc = _up_in_background(
        star300, prefix, state_dir, tmp_path, shim_env(tmp_path, SHIM_BATCH_DELAY="3")
    )
    try:
        deadline = time.monotonic() + 30
        reading_since = None  # (ip sleeps 3 s before it reads: the pipe fills)
        while time.monotonic() < deadline:
            in_write, reads = _writing(proc.pid)
            if reads and reading_since is None:
                reading_since = time.monotonic()
            # a write cut short by the stop; once the input goes in whole pieces, none
            # waits: the stop comes while ip reads
            if in_write or (reading_since and time.monotonic() - reading_since > 0.5):
                break
            time.sleep(0.002)
        assert proc.poll() is None, (tmp_path / "err").read_text()
        proc.send_signal(signal.SIGSTOP)
        time.sleep(0.3)
        proc.send_signal(signal.SIGCONT)
        rc = proc.wait(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    said = (tmp_path / "err").read_text()
    assert rc == 0, said
    assert "verify: the kernel holds what the scenario promised" in (tmp_path / "out").read_text()
    down = iplab("down", f"{prefix}aq-star300", state=state_dir)
    assert down.returncode == 0, down.stderr
    assert leftovers(prefix) == []


@pytest.mark.kernel
@pytest.mark.parametrize("written", [1, 300_000], ids=["before-any-line", "midway"])
def test_a_state_directory_removed_during_up_is_rolled_back_from_memory(
    written: int, star300: Path, prefix: str, tmp_path: Path
) -> None:
    """The state directory removed while the star came up (rm -rf $IPLAB_STATE_DIR 1.2 s
    in; tests/fixtures/hostile-limits/aq-rm-state-dir.sh): "cannot write .../journal.jsonl:
    No such file or directory (free space or ...)", then "lab.json: missing lab record",
    exit 2, and 251 namespaces left that no ``down`` could find. The rollback now undoes
    from the records this run wrote, says the file is gone, and nothing is left."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    delay = shim_env(tmp_path, SHIM_BATCH_DELAY="2") if written == 1 else {}
    proc = _up_in_background(star300, prefix, state, tmp_path, delay)
    try:
        journal = state / "labs" / f"{prefix}aq-star300" / "journal.jsonl"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # (1: ip sleeps 2 s before it reads)
            with contextlib.suppress(OSError):
                if journal.stat().st_size >= written:
                    break
            time.sleep(0.002)
        shutil.rmtree(state)
        rc = proc.wait(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    said = (tmp_path / "err").read_text()
    assert rc == 1, said
    assert "its directory is gone (removed while iplab ran?)" in said, said
    assert "from the journal this run wrote (its file is gone: " in said, said
    assert "the host is as it was before" in said, said
    if written > 1:
        assert "rolled back (0 undo" not in said, said
    assert "missing lab record" not in said and "internal error" not in said, said
    assert leftovers(prefix) == []


def test_verify_of_a_lab_that_is_not_up_says_so(tmp_path: Path) -> None:
    """``iplab verify haqt01star300`` once its lab was down said "haqt01star300: no such
    scenario file (bundled scenarios: ...)", as if the user had named a file; ``status
    --lab`` said the lab is not up. verify says so too now, naming where it looked."""
    state = tmp_path / "state"
    left = state / "labs" / "haqt01star300"  # (what a down leaves: the lab's lock)
    left.mkdir(mode=0o700, parents=True)
    (state / "labs").chmod(0o700)
    state.chmod(0o700)
    (left / "lock").touch(mode=0o600)
    err = io.StringIO()
    rc = main(["verify", "haqt01star300", "--state-dir", str(state)], stderr=err)
    said = err.getvalue()
    assert rc == 2, said
    assert f"no lab named haqt01star300 is up in the state directory {state}" in said, said
    assert "no scenario file or bundled scenario has that name" in said, said
    err = io.StringIO()
    assert main(["verify", "lab.yaml", "--state-dir", str(state)], stderr=err) == 2
    assert "lab.yaml: no such scenario file" in err.getvalue()  # (a file's name: as before)


@pytest.mark.kernel
def test_names_left_by_a_lost_run_are_said_in_one_short_line(star300: Path) -> None:
    """After the state directory was removed under an up (aq-rm-state-dir.sh, before the
    rollback read what it wrote), the next up said "not starting: haqr01c1, haqr01c10,
    ... haqr01veth99 already exist on this host": 551 names, one line of 9,000 characters.
    Now the first 8 and how many more. (In a network namespace of its own.)"""
    if SKIP:
        pytest.skip(SKIP)
    script = f"""
        for i in $(seq 1 20); do ip netns add haqr01c$i; done
        IPLAB_STATE_DIR=$(mktemp -d) {sys.executable} -m iplab up {star300} --prefix haqr01
    """
    run = apart(script)
    assert run.returncode == 1, run.stderr
    line = next(x for x in run.stderr.splitlines() if "not starting" in x)
    assert "not starting: haqr01c1, haqr01c10, " in line and " and 12 more already exist" in line
    assert len(line) < 400, line


@pytest.mark.kernel
def test_down_on_a_read_only_state_directory_says_remount(tmp_path: Path) -> None:
    """A state directory remounted read-only while a lab is up (aq-full-and-read-only.sh):
    ``down`` said "cannot write .../lock: Read-only file system (free space or fix the
    state directory ...)". Free space does not help: it says to remount read-write, and
    once that is done one ``down`` undoes the lab. (A mount and network namespace of its
    own.)"""
    if SKIP:
        pytest.skip(SKIP)
    mnt = tmp_path / "mnt"
    script = f"""
        mkdir -p {mnt} && mount -t tmpfs -o size=12m haqtiny {mnt} && mkdir -m700 {mnt}/st
        export IPLAB_STATE_DIR={mnt}/st
        {sys.executable} -m iplab up container-networking-part2 --prefix haqf02 >/dev/null || exit 9
        mount -o remount,ro {mnt}
        {sys.executable} -m iplab down haqf02container-networking-part2; echo "rc=$?"
        mount -o remount,rw {mnt}
        {sys.executable} -m iplab down haqf02container-networking-part2 >/dev/null; echo "rc=$?"
        ip netns list | grep -c haqf02
    """
    run = apart(script)
    said = run.stderr
    assert run.stdout.split()[-3:] == ["rc=1", "rc=0", "0"], run.stdout + said
    assert "Read-only file system (remount it read-write and run again" in said, said
    assert "free space" not in said, said
