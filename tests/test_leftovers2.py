"""Leftovers of hunts AJ and AL, without the kernel (inputs in tests/fixtures/leftovers2)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from iplab import lab, plan, programs
from iplab.cli import main
from iplab.errors import IplabError
from iplab.importer.convert import detect_kind, import_text
from iplab.journal import Journal, LabInfo, lab_dir
from tests.test_json_output import assert_valid

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "leftovers2"


_HOLD = (
    "import fcntl, os, sys, time\n"
    "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
    "fcntl.flock(fd, fcntl.LOCK_EX)\n"
    "print('held', flush=True)\n"
    "time.sleep(60)\n"
)


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A live process of this test's own that holds a lab's lock, as an iplab that sets
    the lab up does (the lock's text alone says who took it last): its pid, the lock."""
    lock = tmp_path / "state" / "labs" / "hAJaj6-star" / "lock"
    lock.parent.mkdir(parents=True, mode=0o700)
    lock.parent.parent.chmod(0o700)
    lock.parent.parent.parent.chmod(0o700)
    with subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(lock)], stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        yield proc.pid, lock
        proc.kill()


def _lab_held_by(state: Path, lab: str, pid: int, doing: str) -> None:
    """A lab record whose lock says ``pid`` (alive, holding it) is ``doing`` the lab since
    a moment."""
    journal = Journal(lab_dir(state, lab))
    info = LabInfo(
        lab=lab, run="r1", scenario=str(FIXTURES.parent / "hostile-hosts" / "t3-star-loop.sh"),
        sha256="0" * 64, prefix="hAJ", started=time.time(), owned_netns=["hAJh1"],
        owned_links=["hAJsw0"], starting=True,
    )  # fmt: skip
    journal.write_info(info)
    lock = state / "labs" / lab / "lock"
    lock.write_text(f"iplab pid {pid:<12}{doing:<10}{int(time.time()):<12}")


def _iplab(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = main(list(argv), stderr=err)
    return rc, out.getvalue(), err.getvalue()


def test_a_lab_being_rolled_back_is_said_so_by_verify_status_and_ls(
    tmp_path: Path, holder: tuple[int, Path]
) -> None:
    """Hunt AJ #6: while an ``up`` of the star loop rolled back, ``iplab verify LAB``
    printed "FAILED: 6 differences" and ``iplab ls`` listed the lab as up. verify and
    ``status --lab LAB`` say who is rolling it back and exit 4 without reading the kernel; ls
    says it under the lab's row, ``ls --json`` gives what is done and by whom."""
    state = tmp_path / "state"
    sleeper = holder[0]
    _lab_held_by(state, "hAJaj6-star", sleeper, "rollback")
    said = f"lab hAJaj6-star is being rolled back by iplab pid {sleeper} (started "
    rc, out, err = _iplab("verify", "hAJaj6-star", "--state-dir", str(state))
    assert rc == 4 and said in err and "FAILED" not in out + err, (out, err)
    rc, out, err = _iplab("status", "--lab", "hAJaj6-star", "--state-dir", str(state))
    assert rc == 4 and said in err and out == "", (out, err)
    rc, out, err = _iplab("ls", "--state-dir", str(state))
    assert rc == 0 and f"  being rolled back by iplab pid {sleeper} (started " in out, out
    rc, out, err = _iplab("ls", "--json", "--state-dir", str(state))
    (doc,) = json.loads(out)
    assert doc["doing"] == "rollback" and doc["pid"] == sleeper, doc
    assert_valid("ls", [doc])


@pytest.mark.skipif(not os.access("/usr/bin/ping", os.X_OK), reason="needs /usr/bin/ping")
def test_a_program_of_usr_bin_off_path_is_not_said_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Hunt AJ #7: with ``PATH=/nonexistent`` the preflight said "this host does not have
    ping (package iputils-ping)" though /usr/bin/ping exists: only the sbin directories
    were looked in. ping is said to be off PATH, with the directory PATH lacks."""
    page = FIXTURES / "aj7-ping-between-namespaces.md"
    text = page.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(page.name, text), page.name)
    (tmp_path / "lab.yaml").write_text(result.yaml, encoding="utf-8")
    monkeypatch.setenv("PATH", "/nonexistent")
    lab = plan.load(str(tmp_path / "lab.yaml"), prefix="hAJ")
    with pytest.raises(IplabError) as caught:
        programs.refuse_missing(lab)
    said = str(caught.value)
    assert "does not have ping" not in said, said
    assert "ping, which `sudo ip netns exec hAJred ping -c 2 10.11.0.2` runs" in said, said
    assert "(they are in " in said and "/usr/bin" in said and "which PATH lacks" in said, said


def test_a_batch_ip_refuses_says_to_run_per_command(tmp_path: Path) -> None:
    """Hunt AJ #8: an ip without batch mode ('Option "-batch" is unknown, try "ip -help".',
    exit 255) made the run fail with "command failed (in ip -batch)" and ip's words only.
    The error says this ip has no batch mode and to run again with --per-command."""
    from iplab.lab import StepFailed
    from iplab.runner import Result

    page = FIXTURES / "aj7-ping-between-namespaces.md"
    text = page.read_text(encoding="utf-8")
    (tmp_path / "lab.yaml").write_text(import_text(text, "markdown", page.name).yaml)
    command = plan.load(str(tmp_path / "lab.yaml"), prefix="hAJ").setup[0].command
    stderr = 'Option "-batch" is unknown, try "ip -help".\n'
    failed = StepFailed(command, Result(("ip", "-batch", "-"), 255, "", stderr, 0.1), True)
    assert "has no batch mode (an old iproute2): `ip -batch` is refused" in str(failed)
    assert "(run again with --per-command: one ip process per line" in str(failed)
    assert "command failed" not in str(failed)


def _al8_refusal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: list[str]) -> str:
    """What ``iplab check`` of the imported al8 script says, run where only ``files`` are."""
    script = FIXTURES / "al8-batch-cleanup-first.sh"
    result = import_text(script.read_text(encoding="utf-8"), "shell", script.name)
    (tmp_path / "lab.yaml").write_text(result.yaml, encoding="utf-8")
    for name in files:
        (tmp_path / name).write_text((FIXTURES / name).read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(IplabError) as caught:
        plan.load(str(tmp_path / "lab.yaml"), prefix="hAL")
    return str(caught.value)


def test_a_batch_of_2_dev_null_is_said_without_the_stream_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt AL #8: the refusal of ``ip -force -batch down.batch 2>/dev/null || true`` said
    "runs ip -force -batch down.batch 2: ..." (the 2 of 2>/dev/null taken for a word).
    The batch that deletes the lab's namespaces is still refused, said as written."""
    said = _al8_refusal(tmp_path, monkeypatch, ["down.batch", "up.batch"])
    assert "setup[0]: runs ip -force -batch down.batch: down.batch line 2" in said, said
    assert "(ip netns del left) deletes a namespace" in said, said


def test_a_clean_up_first_batch_whose_file_is_missing_may_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt AL #8: ``ip -force -batch down.batch 2>/dev/null || true`` (a "clean up first"
    line) was refused when down.batch was not there: it fails and the line goes on, making
    nothing. It is let be; up.batch, not there either and not tolerated, is refused."""
    said = _al8_refusal(tmp_path, monkeypatch, [])
    assert "down.batch" not in said, said
    assert "setup[1]: runs ip -force -batch up.batch: up.batch does not exist now" in said, said


def test_a_stream_number_is_no_word_but_a_number_before_a_space_is() -> None:
    """Hunt AL #8: the words of a simple command leave out the 2 of ``2>/dev/null``, keep
    the 1 of ``echo 1 > /proc/...`` and the 2 of ``sleep 2 &``."""
    from iplab.words import joined_commands

    line = "ip -force -batch /tmp/x.batch 2>/dev/null || true"
    assert joined_commands(line) == [(["ip", "-force", "-batch", "/tmp/x.batch"], "||"),
                                     (["true"], "")]  # fmt: skip
    assert joined_commands("echo 1 > /proc/sys/net/ipv4/ip_forward") == [(["echo", "1"], "")]
    assert joined_commands("sleep 2 &") == [(["sleep", "2"], "&")]


def test_a_quoted_here_document_with_a_dollar_leaves_its_batch_unread() -> None:
    """Hunt AL: ``cat > lab.batch <<'EOF'`` whose body holds ``netns add $NS`` was read
    by the importer as a typed ``ip netns add $NS``, which the step's shell expands (to
    lab1), while ``ip -batch lab.batch`` reads the literal $NS (a name with a $ in it).
    Such a document's batch stays unread: a raw ``ip -batch lab.batch`` step."""
    script = FIXTURES / "al-quoted-heredoc-dollar.sh"
    result = import_text(script.read_text(encoding="utf-8"), "shell", script.name)
    assert "action: netns add" not in result.yaml, result.yaml
    assert "  - action: raw\n    command: ip -batch lab.batch\n" in result.yaml, result.yaml


def test_a_lock_no_one_holds_says_no_one_is_busy_with_the_lab(tmp_path: Path) -> None:
    """The lock's text names the process that took it last: one that brought the lab up
    through the API and lives on (a test session) was said to be setting it up still, and
    ``iplab verify LAB`` refused to compare (exit 4) a lab that was up. Busy only while
    someone holds the lock."""
    state = tmp_path / "state"
    (state / "labs" / "hAJaj6-star").mkdir(parents=True)
    with subprocess.Popen(["sleep", "60"]) as alive:
        try:
            _lab_held_by(state, "hAJaj6-star", alive.pid, "up")
            assert lab.in_progress(state, "hAJaj6-star") is None
        finally:
            alive.kill()
