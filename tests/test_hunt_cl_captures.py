"""Hunt CL #1: a capture a lab saves to a file (``ip netns exec blue tcpdump -i veth-b -w
/tmp/cap.pcap &``, ``tcpdump -nn -c 4 -w ping.pcap -i v2 icmp &``, ``tshark -w``) was left
on the host after ``down``: iplab removes the files a lab writes by redirection, and read
no ``-w FILE``. A capture file the lab made is removed now; one that was there before gets
its bytes back (hostfiles._capture_writes, Before.captured)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.hostfiles import Before, Write, file_writes, file_writes_in_netns, undo_command
from iplab.importer.convert import import_text
from tests.conftest import FIXTURES
from tests.kernel import REPO, apart

HERE = FIXTURES / "leftovers16"
BACKGROUND = HERE / "tcpdump-w-background.md"
RELATIVE = HERE / "tcpdump-w-relative.sh"


@pytest.mark.parametrize(
    ("command", "path"),
    [
        ("ip netns exec blue tcpdump -i veth-b -w /tmp/cap.pcap &", "/tmp/cap.pcap"),
        ("ip netns exec ns2 tcpdump -nn -c 4 -w ping.pcap -i v2 icmp &", "/root/ping.pcap"),
        ("sudo tcpdump -i eth0 icmp -w/tmp/a.pcap", "/tmp/a.pcap"),
        ("tcpdump -nnw x.pcap icmp", "/root/x.pcap"),
        ("sudo tshark -i lo -c 3 -w /tmp/t.pcapng", "/tmp/t.pcapng"),
        ("dumpcap -i v1 -a duration:5 -w /tmp/d.pcapng", "/tmp/d.pcapng"),
    ],
)
def test_a_capture_s_file_is_a_write(command: str, path: str) -> None:
    got = file_writes(command, "/root")
    assert got is not None and got.writes == (Write(path, "file", capture=True),), got
    assert got.complete


@pytest.mark.parametrize(
    "command",
    [
        "tcpdump -ni br0 icmp",  # (prints)
        "tcpdump -r /tmp/a.pcap",  # (reads)
        "tcpdump -i v2 -w - | tshark -r -",  # (standard output)
        "tcpdump -i v2 -c 2 -v",
    ],
)
def test_no_file_is_no_write(command: str) -> None:
    assert file_writes(command, "/root") is None


@pytest.mark.parametrize(
    "command",
    [
        "tcpdump -C 10 -w /tmp/r.pcap",
        "tcpdump -G 60 -w /tmp/r-%H.pcap",
        "tshark -b files:3 -w /tmp/r",
    ],
)
def test_a_ring_of_files_is_not_named(command: str) -> None:
    """Rotated captures write FILE1, FILE2... (tshark: FILE_00001_...): not FILE alone."""
    assert file_writes(command, "/root") is None


def test_run_in_a_namespace_as_netns_exec() -> None:
    got = file_writes_in_netns("tcpdump -n -i c2 -w /tmp/term2.pcap icmp", "/root")
    assert got is not None and got.writes == (Write("/tmp/term2.pcap", "file", capture=True),)
    assert file_writes_in_netns("tcpdump -i c2 -w /etc/cap.pcap", "/root") is None


def test_the_undo_removes_a_capture_not_yet_opened(tmp_path: Path) -> None:
    """``tcpdump ... -w FILE &``: when its undo is built the capture may not have opened
    FILE yet, or writes it still; it is removed whatever it holds."""
    path = str(tmp_path / "cap.pcap")
    before = Before((path,), (), (), (), (), (path,))
    assert undo_command(before) == f"rm -f -- {path}"
    Path(path).write_bytes(b"\xd4\xc3\xb2\xa1 some packets")
    assert undo_command(before) == f"rm -f -- {path}"


def test_the_undo_puts_back_a_capture_file_that_was_there(tmp_path: Path) -> None:
    path = tmp_path / "old.pcap"
    path.write_bytes(b"written more by the capture")
    before = Before((), (), ((str(path), b"OLD\n"),), (), (), (str(path),))
    back = undo_command(before)
    assert back is not None and "rm " not in back and "base64 -d >" in back, back


def test_the_pages_are_imported_with_their_captures() -> None:
    for result in (
        import_text(BACKGROUND.read_text(encoding="utf-8"), "markdown", BACKGROUND.name),
        import_text(RELATIVE.read_text(encoding="utf-8"), "shell", RELATIVE.name),
    ):
        assert "tcpdump" in result.yaml and "cannot undo" not in result.summary()


@pytest.mark.kernel
@pytest.mark.skipif(not Path("/usr/bin/tcpdump").exists(), reason="tcpdump is not installed")
def test_down_removes_the_capture_file_and_puts_an_old_one_back() -> None:
    """Both pages up and down apart (a network namespace taken for the host, a /tmp of its
    own): the capture the background page made is gone after down, and the script's,
    written over a ping.pcap that was there, holds its old bytes again."""
    background = Path("/mnt/repo") / BACKGROUND.relative_to(REPO)
    relative = Path("/mnt/repo") / RELATIVE.relative_to(REPO)
    done = apart(
        f"mount -t tmpfs hclm /mnt && mkdir /mnt/repo && mount --bind {REPO} /mnt/repo\n"
        'mount -t tmpfs hcl /tmp && chmod 1777 /tmp && mkdir -p /tmp/w "$TMPDIR"\n'
        "ip link set lo up\n"
        "export IPLAB_STATE_DIR=/tmp/w/state PYTHONPATH=/mnt/repo\ncd /tmp/w\n"
        f"python3 -m iplab import {background} -o bg.yaml >/dev/null 2>&1\n"
        f"python3 -m iplab import {relative} -o rel.yaml >/dev/null 2>&1\n"
        "python3 -m iplab up bg.yaml --prefix hcla10 >/dev/null; echo up=$?\n"
        "echo made=$(ls /tmp/cap.pcap)\n"
        "python3 -m iplab down >/dev/null; echo down=$?\n"
        "echo left=$(ls /tmp/cap.pcap 2>/dev/null)\n"
        "echo OLD > ping.pcap\n"
        "python3 -m iplab up rel.yaml --prefix hcla11 >/dev/null; echo up=$?\n"
        "echo size=$(stat -c %s ping.pcap)\n"
        "python3 -m iplab down >/dev/null; echo down=$?\n"
        "echo holds=$(cat ping.pcap)\n",
        timeout=240,
    )
    out = done.stdout + done.stderr
    assert out.count("up=0") == 2 and out.count("down=0") == 2, out
    assert "made=/tmp/cap.pcap\n" in out and "left=\n" in out, out
    assert "size=4\n" not in out and "holds=OLD\n" in out, out
