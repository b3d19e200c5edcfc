"""Hunt DA: a loop that writes an ``ip -batch`` file line by line (tests/fixtures/loops-2/
l05-batch-file.sh, 800 ``echo "..." >> /tmp/lab.batch``) ran one ``bash -c`` process a
line in ``up`` (32 s for 200 namespaces, where bash runs the script in 4.5 s), and the
file's undo kept, after its ``rm -f``, the creator's text that takes out the lines it
wrote, of a file no longer there.

Now the steps that only add to files an earlier step of the run created (hunt CT: no undo
of their own, the creator's removes the file whole) run, consecutive, in ONE ``bash -c``
(:mod:`iplab.filesteps`, :meth:`iplab.lab.Session._shell`), each in a subshell of its
own; the journal has each step's intent before and its outcome after, the audit log a
record of each step (its own argv, the shell in ``via``); a failure at step k leaves the
steps before it done and those after it not run. The creator's undo of such a file is
its ``rm -f`` alone (:func:`iplab.hostfiles.whole_undo`)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from iplab.filesteps import script, statuses
from tests.conftest import FIXTURES
from tests.kernel import REPO, SKIP, apart

L05 = FIXTURES / "loops-2" / "l05-batch-file.sh"
D1 = FIXTURES / "hunt-da" / "d1-hosts-file-missing-part.sh"
N = 12


def test_the_shell_runs_each_step_in_order_and_stops_at_a_failure(tmp_path: Path) -> None:
    bodies = [
        "echo a >> f  # a comment at the end",
        "cat > g <<EOF\nx=$x\nEOF",
        "x=1; exit 3",
        "echo never >> f",
    ]
    done = subprocess.run(
        ["bash", "-c", script(bodies, "x=v\nexport x\n")],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    status, err = statuses(done.stderr, len(bodies))
    assert done.returncode == 3 and status == [0, 0, 3, None]
    assert "\0" not in err
    assert (tmp_path / "f").read_text() == "a\n" and (tmp_path / "g").read_text() == "x=v\n"


def test_a_killed_shell_leaves_the_steps_it_did_not_say_unknown() -> None:
    status, err = statuses("oops\n\0iplab-step 1 0\n\0iplab-step 2 0\n", 4)
    assert status == [0, 0, None, None] and err == "oops\n"


def _audit(path: Path) -> list[dict[str, object]]:
    with path.open() as stream:
        return [json.loads(line) for line in stream]


def _run_apart(tmp_path: Path, source: Path, body: str, n: int = N) -> str:
    """``source`` (at ``n`` lines a loop, for l05) imported and run by ``body`` in a network
    namespace and a /tmp of its own; the audit log copied out."""
    text = source.read_text().replace("N=200\n", f"N={n}\n")
    (tmp_path / "lab.sh").write_text(text)
    done = apart(
        f"mount -t tmpfs hdam /mnt && mkdir /mnt/repo /mnt/in && mount --bind {REPO} /mnt/repo\n"
        f"mount --bind {tmp_path} /mnt/in\n"
        'mount -t tmpfs hda /tmp && chmod 1777 /tmp && mkdir -p /tmp/w "$TMPDIR"\n'
        "ip link set lo up\n"
        "export IPLAB_STATE_DIR=/tmp/w/state PYTHONPATH=/mnt/repo\ncd /tmp/w\n"
        "python3 -m iplab import /mnt/in/lab.sh -o lab.yaml >/dev/null 2>&1 || echo import-failed\n"
        + body
        + "cp /tmp/w/state/audit.jsonl /mnt/in/audit.jsonl\n"
        "echo netns=$(ip netns list | wc -l) links=$(ip -o link | wc -l)"
        " files=$(ls /tmp/lab.* 2>/dev/null | wc -l)\n",
        timeout=300,
    )
    return done.stdout + done.stderr


def _processes_of_up(audit: list[dict[str, object]]) -> list[str]:
    """The processes ``up`` started, as the audit log names them: a command's own record,
    or the start of a batch or of a shell of steps (whose steps' records have ``via``)."""
    end = next(i for i, r in enumerate(audit) if r.get("kind") == "undo")
    return [
        str(r["text"]) for r in audit[:end]
        if r.get("kind") == "batch" or (r.get("kind") == "command" and not r.get("via"))
    ]  # fmt: skip


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_the_loops_echoes_run_in_two_shells_and_down_removes_the_file(tmp_path: Path) -> None:
    out = _run_apart(
        tmp_path,
        L05,
        "python3 -m iplab up lab.yaml --prefix hda5a1 --lab hda5a1 >/dev/null; echo up=$?\n"
        "echo lines=$(wc -l < /tmp/lab.batch)\n"
        "python3 -m iplab down hda5a1 >/dev/null; echo down=$?\n",
    )
    assert "up=0\n" in out and "down=0\n" in out, out
    assert f"lines={4 * N}\n" in out, out
    assert "netns=0 links=1 files=0\n" in out, out  # (lo alone)
    audit = _audit(tmp_path / "audit.jsonl")
    up = [r for r in audit if r.get("phase") == "setup" and r.get("kind") == "command"]
    echoes = [r for r in up if str(r["text"]).startswith("echo ")]
    assert len(echoes) == 4 * N and all(r["rc"] == 0 for r in echoes)
    # the first echo made the file (a process of its own, its undo built from what it
    # did); the others, in two runs around `ip link add core`, one shell each
    shells = [str(r["text"]) for r in audit if str(r.get("text")).startswith("bash -c started")]
    assert len(shells) == 2 and shells[0].endswith(f": {N - 1} steps")
    assert shells[1].endswith(f": {3 * N} steps")
    assert [list(r["via"])[:2] for r in echoes[1:]] == [["bash", "-c"]] * (4 * N - 1)  # type: ignore[call-overload]
    assert echoes[1]["argv"] == ["bash", "-c", echoes[1]["text"]]
    # rm, the first echo, a shell, ip link add, a shell, the ip -batch (its lines and
    # `ip link set core up`): six processes, where there were 4 * N + 3
    assert len(_processes_of_up(audit)) == 6, _processes_of_up(audit)
    undone = [str(r["text"]) for r in audit if r.get("kind") == "undo" and "lab.batch" in str(
        r["text"])]  # fmt: skip
    assert undone == ["rm -f -- /tmp/lab.batch"]  # (no idle line-removal text after it)


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_a_failure_at_step_k_of_a_shell(tmp_path: Path) -> None:
    """d1: the 4th step of the shell (``cat /tmp/lab.hosts.local >> /tmp/lab.hosts``, a
    file that is not there) fails: the three before it ran, the ones after it did not,
    the run says the step's line and its error, and the rollback removes both files."""
    out = _run_apart(
        tmp_path,
        D1,
        "python3 -m iplab up lab.yaml --prefix hda5a2 --lab hda5a2 > /tmp/w/up.out 2>&1;"
        " echo up=$?\ncat /tmp/w/up.out\n",
    )
    assert "up=0\n" not in out and "import-failed" not in out, out
    assert "cat /tmp/lab.hosts.local >> /tmp/lab.hosts" in out, out
    assert "No such file or directory" in out, out
    assert "netns=0 links=1 files=0\n" in out, out
    audit = _audit(tmp_path / "audit.jsonl")
    ran = [(r["text"], r["rc"]) for r in audit if r.get("phase") == "setup" and r.get("via")]
    assert ran == [
        ("echo hda5a2red >> /tmp/lab.hosts", 0),
        ('echo "netns add hda5a2blue" >> /tmp/lab.batch', 0),
        ("echo hda5a2blue >> /tmp/lab.hosts", 0),
        ("cat /tmp/lab.hosts.local >> /tmp/lab.hosts", 1),
    ], ran
    assert not any("green" in str(r.get("text")) for r in audit if r.get("phase") == "setup")


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_iplab_killed_while_the_shell_runs_is_undone_whole(tmp_path: Path) -> None:
    """SIGKILL to iplab while the shell of 600 steps runs (the file holds more than the
    first loop's 200 lines and fewer than the 800): the shell dies with it, the steps it
    ran are in the journal as maybe done, and down removes the file, the bridge and the
    namespaces none the less (none were made: the ip -batch never ran)."""
    out = _run_apart(
        tmp_path,
        L05,
        "python3 -m iplab up lab.yaml --prefix hda5a3 --lab hda5a3 >/dev/null 2>&1 &\n"
        "pid=$!\n"
        'until [ "$(wc -l < /tmp/lab.batch 2>/dev/null || echo 0)" -ge 300 ]; do :; done\n'
        "kill -9 $pid; wait $pid; echo up=$?\n"
        "echo lines=$(wc -l < /tmp/lab.batch)\n"
        "python3 -m iplab down hda5a3 >/dev/null; echo down=$?\n",
        n=200,
    )
    assert "up=137\n" in out and "down=0\n" in out, out
    lines = int(out.split("lines=")[1].split()[0])
    assert 300 <= lines < 800, out  # (killed in the middle of the shell)
    assert "netns=0 links=1 files=0\n" in out, out
