"""Hunt CT: a loop that writes an ``ip -batch`` file line by line (tests/fixtures/loops-2/
l05-batch-file.sh: ``echo "netns add n$i" >> /tmp/lab.batch`` 800 times, then ``ip -batch
/tmp/lab.batch``) took 1m13s to come up and 1m3s to go down, where bash runs it in 4 s.
Around each echo the run read the host's root namespace twice (:mod:`iplab.sentinel`,
1,602 reads), though such a step only writes a file of the host's disk; and ``down`` ran
one "remove the appended line" undo a line (1,001 undo commands), though the file did
not exist before the lab and is removed in the end anyway.

Now a step whose whole effect is writes to ordinary files is not read around
(:func:`iplab.hostfiles.only_files`; a write into /proc, /sys, /dev, /run/netns,
/etc/netns, or through a link to one, still is), and a step that only writes files an
earlier step of the run created has no undo of its own: the creator's removes the file,
journaled before the later step runs (:meth:`iplab.lab.Session._lab_made`). A file that
was there before still loses exactly the lines the lab appended."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from iplab.hostfiles import file_writes, only_files
from tests.conftest import FIXTURES
from tests.kernel import REPO, SKIP, apart

L05 = FIXTURES / "loops-2" / "l05-batch-file.sh"
N = 12
#: the host's own namespace read around a step (lab.Session._host_now's audit record)
READ = "read the host's root namespace"


@pytest.mark.parametrize(
    "command",
    [
        'echo "netns add n001" >> /tmp/lab.batch',
        "printf 'link set %s up\\n' v1 >> /tmp/lab.batch",
        "cat > /tmp/hosts.txt <<EOF\nred 10.0.0.1\nEOF",
        'echo "100 lab" | tee -a /tmp/rt_tables',
        "echo x >/dev/null; echo y > /tmp/y.txt",
    ],
)
def test_a_step_that_only_writes_files(command: str) -> None:
    got = file_writes(command, "/root")
    assert got is not None and only_files(got)


@pytest.mark.parametrize(
    "command",
    [
        "echo y > /tmp/y.txt; printf 1 > /proc/sys/net/ipv4/ip_forward",
        "echo x > /dev/tty1; echo y > /tmp/y.txt",
        "echo nameserver 1.1.1.1 > /etc/netns/red/resolv.conf",
        "ip link add v1 type veth; echo y > /tmp/y.txt",
        "echo y > $F",
    ],
)
def test_a_step_that_does_more_is_watched(command: str) -> None:
    got = file_writes(command, "/root")
    assert got is None or not only_files(got)


def test_a_link_to_a_kernel_file_is_watched(tmp_path: Path) -> None:
    """``/tmp/fwd`` a link to /proc/sys/...: the write is a sysctl's, not a file's."""
    (tmp_path / "fwd").symlink_to("/proc/sys/net/ipv4/ip_forward")
    os.mkfifo(tmp_path / "pipe")
    for name in ("fwd", "pipe"):
        got = file_writes(f"echo 1 > {tmp_path / name}")
        assert got is not None and not only_files(got), name


def _audit(state: Path) -> list[dict[str, object]]:
    with (state / "audit.jsonl").open() as stream:
        return [json.loads(line) for line in stream]


def _run_apart(tmp_path: Path, body: str) -> str:
    """The fixture at N lines a loop, imported and run by ``body`` in a network namespace
    and a /tmp of its own (/tmp/lab.batch is the test's); the audit log copied out."""
    text = L05.read_text().replace("N=200\n", f"N={N}\n")
    assert f"N={N}\n" in text
    (tmp_path / "l05.sh").write_text(text)
    done = apart(
        f"mount -t tmpfs hctm /mnt && mkdir /mnt/repo /mnt/in && mount --bind {REPO} /mnt/repo\n"
        f"mount --bind {tmp_path} /mnt/in\n"
        'mount -t tmpfs hct /tmp && chmod 1777 /tmp && mkdir -p /tmp/w "$TMPDIR"\n'
        "ip link set lo up\n"
        "export IPLAB_STATE_DIR=/tmp/w/state PYTHONPATH=/mnt/repo\ncd /tmp/w\n"
        "python3 -m iplab import /mnt/in/l05.sh -o l05.yaml >/dev/null 2>&1 || echo import-failed\n"
        + body
        + "cp /tmp/w/state/audit.jsonl /mnt/in/audit.jsonl\n"
        "echo netns=$(ip netns list | wc -l) links=$(ip -o link | wc -l)\n",
        timeout=300,
    )
    return done.stdout + done.stderr


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_up_reads_the_host_only_around_the_rm_and_down_removes_the_file_once(
    tmp_path: Path,
) -> None:
    out = _run_apart(
        tmp_path,
        "python3 -m iplab up l05.yaml --prefix hct5a1 --lab hct5a1 >/dev/null; echo up=$?\n"
        "echo lines=$(wc -l < /tmp/lab.batch)\n"
        "python3 -m iplab down hct5a1 >/dev/null; echo down=$?\n"
        "echo left=$(ls /tmp/lab.batch 2>/dev/null)\n",
    )
    assert "up=0\n" in out and "down=0\n" in out, out
    assert f"lines={4 * N}\n" in out and "left=\n" in out, out
    assert "netns=0 links=1\n" in out, out  # (lo alone)
    audit = _audit(tmp_path)
    # two reads, around `rm -f /tmp/lab.batch` (before: two around each of the 48 echoes too)
    assert sum(r.get("text") == READ for r in audit) == 2
    undone = [str(r["text"]) for r in audit if r.get("kind") == "undo"]
    # (hunt DA: the creator's text that took out its own line, of a file no longer there
    # after the rm -f, is left out)
    assert [u for u in undone if "lab.batch" in u] == ["rm -f -- /tmp/lab.batch"]
    assert len(undone) == N + 2  # each namespace, the bridge, the file


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_a_crash_halfway_through_up_is_undone_whole(tmp_path: Path) -> None:
    """iplab killed right after the 20th change ran (an echo of the second loop, before its
    outcome): down removes the file, the namespaces and the bridge all the same. (Hunt DA:
    the second loop's echoes run in one shell, and a step's after-run there is once the
    shell ended: the file holds all the lines.)"""
    out = _run_apart(
        tmp_path,
        "IPLAB_FAULT=after-run:20 python3 -m iplab up l05.yaml --prefix hct5a2 --lab hct5a2"
        " >/dev/null 2>&1; echo up=$?\n"
        "echo lines=$(wc -l < /tmp/lab.batch)\n"
        "python3 -m iplab down hct5a2 >/dev/null; echo down=$?\n"
        "echo left=$(ls /tmp/lab.batch 2>/dev/null)\n",
    )
    assert "up=137\n" in out and "down=0\n" in out, out
    assert f"lines={4 * N}\n" in out and "left=\n" in out, out
    assert "netns=0 links=1\n" in out, out


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_a_file_that_was_there_gets_exactly_its_bytes_back(tmp_path: Path) -> None:
    """With no ``rm -f`` first (nor the ``ip -batch``), the lines go to a file that was
    there: down takes out the lab's lines only, and the file holds its bytes again."""
    out = _run_apart(
        tmp_path,
        "sed -i '/^rm -f/d; /^ip -batch/d' /mnt/in/l05.sh\n"
        "python3 -m iplab import /mnt/in/l05.sh -o l05.yaml >/dev/null 2>&1\n"
        "printf '# mine\\nnetns add n001\\n' > /tmp/lab.batch\n"
        "sha256sum < /tmp/lab.batch > /tmp/w/sum\n"
        "python3 -m iplab up l05.yaml --prefix hct5a3 --lab hct5a3 >/dev/null; echo up=$?\n"
        "python3 -m iplab down hct5a3 >/dev/null; echo down=$?\n"
        "sha256sum < /tmp/lab.batch | cmp -s - /tmp/w/sum && echo same=yes\n",
    )
    assert "up=0\n" in out and "down=0\n" in out and "same=yes\n" in out, out
    assert "netns=0 links=1\n" in out, out
