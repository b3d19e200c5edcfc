"""Files a tutorial writes on the host are put back at undo (iplab/hostfiles.py).

``mkdir -p /etc/netns/red && echo nameserver ... > /etc/netns/red/resolv.conf`` and
``echo "100 lab" >> /etc/iproute2/rt_tables`` were listed as "cannot undo": after
``iplab down`` the files stayed, and the next lab with a namespace named red read that
resolv.conf. The tests write under their own temporary directory (the same code path as
/etc: an absolute path), never in the host's /etc.
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from iplab import hostfiles
from iplab.hostfiles import Write, file_writes
from iplab.importer.convert import import_text
from tests.kernel import iplab


@pytest.mark.parametrize(
    ("command", "writes", "complete"),
    [
        (
            'mkdir -p /etc/netns/x && echo "nameserver 1.1.1.1" > /etc/netns/x/resolv.conf',
            [Write("/etc/netns/x", "dir", parents=True), Write("/etc/netns/x/resolv.conf", "file")],
            True,
        ),
        (
            'echo "100 lab" | sudo tee -a /etc/iproute2/rt_tables > /dev/null',
            [Write("/etc/iproute2/rt_tables", "file", append=True)],
            True,
        ),
        ("sudo mkdir -m 755 /etc/netns/y", [Write("/etc/netns/y", "dir")], True),
        ("touch /etc/netns/x/hosts", [Write("/etc/netns/x/hosts", "file")], True),
        ("cp hosts.lab /etc/netns/x/hosts", [Write("/etc/netns/x/hosts", "file")], True),
        ("echo 10.0.0.1 a >> /etc/hosts", [Write("/etc/hosts", "file", append=True)], True),
        # what else the line does is not a file's: other steps follow it, or it is raw
        ("ip -n a addr > /tmp/a.txt", [Write("/tmp/a.txt", "file")], False),
        ("echo x > $F; echo y > /etc/y", [Write("/etc/y", "file")], False),
    ],
)
def test_the_files_a_line_writes(command: str, writes: list[Write], complete: bool) -> None:
    got = file_writes(command)
    assert got is not None
    assert list(got.writes) == writes
    assert got.complete is complete


@pytest.mark.parametrize(
    "command",
    [
        "echo 1 > /proc/sys/net/ipv4/ip_forward",  # a sysctl: read back as one
        "ip link add a type veth 2>/dev/null",
        "ln -s /proc/1/ns/net /var/run/netns/x",  # a namespace: followed as one
        "echo hi > ~/x",
        "mkdir /",
        "cat /etc/hosts",
    ],
)
def test_no_host_file_is_named(command: str) -> None:
    assert file_writes(command) is None


def test_the_undo_puts_back_what_it_found(tmp_path: Path) -> None:
    """What did not exist is removed (a directory once empty), a file that existed gets its
    bytes back, whatever the step wrote in between."""
    tables = tmp_path / "rt_tables"
    tables.write_bytes(b"255\tlocal\n# \xe2\x80\x94 comment\n")
    new_dir = tmp_path / "netns" / "red"
    line = (
        f"mkdir -p {new_dir} && echo nameserver 1.1.1.1 > {new_dir}/resolv.conf"
        f" && echo '100 lab' >> {tables}"
    )
    writes = file_writes(line)
    assert writes is not None and writes.complete
    before = hostfiles.look(writes)
    assert before.created_dirs == (str(new_dir), str(new_dir.parent))  # deepest first
    assert before.created_files == (f"{new_dir}/resolv.conf",)
    subprocess.run(["bash", "-c", line], check=True)
    undo = hostfiles.undo_command(before)
    assert undo is not None
    subprocess.run(["bash", "-c", undo], check=True)
    assert tables.read_bytes() == b"255\tlocal\n# \xe2\x80\x94 comment\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rt_tables"]
    subprocess.run(["bash", "-c", undo], check=True)  # twice: nothing left to do, no error


def test_a_directory_someone_filled_since_is_kept(tmp_path: Path) -> None:
    made = tmp_path / "d"
    writes = file_writes(f"mkdir {made}")
    assert writes is not None
    before = hostfiles.look(writes)
    made.mkdir()
    (made / "theirs").write_text("x")
    undo = hostfiles.undo_command(before)
    assert undo is not None
    subprocess.run(["bash", "-c", undo], check=True)
    assert (made / "theirs").exists()


def test_a_large_file_is_said_not_kept(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.write_bytes(b"x" * (hostfiles.KEEP_LIMIT + 1))
    writes = file_writes(f"echo y >> {big}")
    assert writes is not None
    before = hostfiles.look(writes)
    assert before.unkept == (str(big),)
    assert hostfiles.undo_command(before) is None


def test_the_import_no_longer_lists_them_as_cannot_undo() -> None:
    script = (
        "ip netns add red\nmkdir -p /etc/netns/red\n"
        "echo nameserver 1.1.1.1 > /etc/netns/red/resolv.conf\n"
    )
    result = import_text(script, "shell", "dns.sh")
    assert "cannot undo" not in result.summary()


@pytest.mark.kernel
def test_down_removes_the_files_and_puts_back_the_table(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    files = tmp_path / "etc"
    files.mkdir()
    tables = files / "rt_tables"
    tables.write_text("255\tlocal\n")
    script = textwrap.dedent(f"""\
        ip netns add red
        mkdir -p {files}/netns/red
        echo "nameserver 192.0.2.53" > {files}/netns/red/resolv.conf
        echo "100 lab" | tee -a {tables}
        """)
    lab = tmp_path / "dns.yaml"
    lab.write_text(import_text(script, "shell", "dns.sh").yaml)
    up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    # (the directory of the namespace as --prefix names it, as ip netns exec reads it)
    conf = files / "netns" / f"{prefix}red" / "resolv.conf"
    assert conf.read_text() == "nameserver 192.0.2.53\n"
    assert tables.read_text() == "255\tlocal\n100 lab\n"
    down = iplab("down", f"{prefix}dns", state=state_dir)
    assert down.returncode == 0, down.stdout + down.stderr
    assert sorted(p.name for p in files.iterdir()) == ["rt_tables"]
    assert tables.read_text() == "255\tlocal\n"
    # and a rehearsal leaves them as they were too
    run = iplab("run", str(lab), "--prefix", prefix, state=state_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    assert sorted(p.name for p in files.iterdir()) == ["rt_tables"]
    assert tables.read_text() == "255\tlocal\n"


def test_a_directory_cp_r_made_is_removed(tmp_path: Path) -> None:
    source = tmp_path / "conf"
    source.mkdir()
    (source / "hosts").write_text("10.0.0.1 a\n")
    target = tmp_path / "netns-conf"
    writes = file_writes(f"cp -r {source} {target}")
    assert writes is not None
    before = hostfiles.look(writes)
    subprocess.run(["cp", "-r", str(source), str(target)], check=True)
    undo = hostfiles.undo_command(before)
    assert undo is not None
    subprocess.run(["bash", "-c", undo], check=True)
    assert not target.exists() and source.exists()


@pytest.mark.kernel
def test_a_here_document_writes_its_file_and_a_rehearsal_puts_it_back(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt N: ``cat > conf <<EOF ... EOF`` was a note (never run: the next step, reading
    it, failed). It runs as one line now, printed as the page wrote it; and a rehearsal
    whose cleanup forgets the file (the tutorial's teardown ran, not the journal's undo)
    puts it back too (before, only down and a rollback did)."""
    etc = tmp_path / "etc"
    page = textwrap.dedent(f"""\
        # DNS for a namespace

        ```bash
        sudo ip netns add red
        sudo mkdir -p {etc}/conf
        cat > {etc}/conf/resolv.conf <<EOF
        nameserver 192.0.2.53
        search "lab" \\$HOME $((1 + 1))
        EOF
        sudo ip netns exec red cat {etc}/conf/resolv.conf
        ```

        ## Clean up

        ```bash
        sudo ip netns del red
        ```
        """)
    result = import_text(page, "markdown", "dns.md")
    assert "here-document" not in " ".join(result.warnings)
    assert f"cat > {etc}/conf/resolv.conf <<EOF\nnameserver 192.0.2.53\n" in "\n".join(result.lines)
    lab = tmp_path / "dns.yaml"
    lab.write_text(result.yaml)
    run = iplab("run", str(lab), "--prefix", prefix, state=state_dir)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert 'nameserver 192.0.2.53\nsearch "lab" $HOME 2\n' in run.stdout  # as bash writes it
    assert f"put back {etc}/conf/resolv.conf; {etc}/conf, {etc}" in run.stdout
    assert not etc.exists()


def test_a_copy_into_a_directory_is_undone_file_by_file(tmp_path: Path) -> None:
    """Hunt AH #4 (05-mini-container-chroot.sh): ``cp /bin/bash /bin/sleep $ROOTFS/bin/``
    into a directory an earlier step made was neither undone nor said, and the run ended
    with "nothing of the lab remains" while rootfs/bin/bash stayed. The copy is read as the
    files it writes in the directory: each is removed by its undo (then the directory's)."""
    rootfs = tmp_path / "rootfs" / "bin"
    rootfs.mkdir(parents=True)
    (tmp_path / "src").mkdir()
    sources = [tmp_path / "src" / "bash", tmp_path / "src" / "sleep"]
    for source in sources:
        source.write_bytes(b"#!/bin/sh\n")
    writes = hostfiles.file_writes(f"cp {sources[0]} {sources[1]} {rootfs}/")
    assert writes is not None and writes.complete
    before = hostfiles.look(writes)
    assert before.created_files == (str(rootfs / "bash"), str(rootfs / "sleep"))
    for source in sources:  # the step
        (rootfs / source.name).write_bytes(source.read_bytes())
    undo = hostfiles.undo_command(before)
    assert undo is not None
    subprocess.run(["bash", "-c", undo], check=True)
    assert sorted(rootfs.iterdir()) == []


def test_a_relative_file_in_a_directory_deleted_under_iplab_is_none_it_can_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """iplab run from a directory someone removed: a step's relative write names no file
    (the step's own shell fails on it, said as that step's failure); it was 'iplab: error:
    No such file or directory' before anything ran (os.getcwd raised)."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    got = file_writes('echo "hello" > index.html; echo hi > /tmp/abs-hf.txt')
    assert got is not None
    assert [w.path for w in got.writes] == ["/tmp/abs-hf.txt"]
    assert not got.complete
