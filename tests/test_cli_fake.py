"""The command line's run path (up, ls, status, verify, down, run) without root: every
process is answered from a real capture of the blog's lab (``tests/fakehost.py``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from iplab.runner import Runner
from tests.fakehost import NAMESPACES, PREFIX, SETUP_CHANGES, FakeHost

BLOG = "container-networking-part2"
LAB = f"{PREFIX}{BLOG}"
RED = "#d11a1a"  # how a graph marks what the kernel lacks


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeHost:
    made = FakeHost()

    def runner() -> Runner:
        return made.runner()

    monkeypatch.setattr("iplab.context.Runner", runner)
    monkeypatch.setenv("IPLAB_STATE_DIR", str(tmp_path / "state"))
    return made


def iplab(*argv: str) -> int:
    from iplab.cli import main

    return main(list(argv))


def test_up_ls_status_verify_down(host: FakeHost, capsys: pytest.CaptureFixture[str]) -> None:
    assert iplab("up", BLOG, "--prefix", PREFIX) == 0
    out = capsys.readouterr().out
    assert f"lab {LAB} is up: 14 changes journaled" in out
    assert host.at == SETUP_CHANGES[-1]

    assert iplab("ls") == 0
    assert capsys.readouterr().out.splitlines()[1].split()[0] == LAB
    assert iplab("ls", "--names") == 0
    assert capsys.readouterr().out == f"{LAB}\n"
    assert iplab("ls", "--json") == 0
    docs = json.loads(capsys.readouterr().out)
    assert [d["lab"] for d in docs] == [LAB] and docs[0]["prefix"] == PREFIX

    assert iplab("status", "--lab", LAB) == 0
    status = capsys.readouterr().out
    assert f"namespace {PREFIX}ns1 (nsid 0)" in status
    root = status.split("\nnamespace ")[0].splitlines()
    assert root[0] == "root namespace"  # the lab's links only, not the host's lo
    assert sorted(line.split()[0] for line in root[1:]) == [
        f"{PREFIX}br0",
        f"{PREFIX}vethQ",
        f"{PREFIX}vethY",
    ]
    assert iplab("status", "--lab", LAB, "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert [n["name"] for n in doc["namespaces"]] == [None, *NAMESPACES]  # None: the root

    assert iplab("verify", BLOG, "--prefix", PREFIX) == 0
    assert "OK: the kernel holds what the scenario promises after the setup (2 namespaces" in (
        capsys.readouterr().out
    )
    assert iplab("verify", BLOG, "--prefix", PREFIX, "--json") == 0
    assert json.loads(capsys.readouterr().out)["differences"] == []
    # after step 7 the kernel holds more than the model expects then: named, exit 1
    assert iplab("verify", BLOG, "--prefix", PREFIX, "--step", "7") == 1
    assert "FAILED:" in capsys.readouterr().out
    assert iplab("verify", BLOG, "--prefix", PREFIX, "--step", "99") == 2
    assert "--step 99: the scenario has steps 1 to 23" in capsys.readouterr().err

    assert iplab("down") == 0  # the only lab that is up
    assert f"lab {LAB} is down" in capsys.readouterr().out
    assert host.at == 0
    assert iplab("down") == 0  # down twice: nothing to undo, as `down LAB` says it (hunt AX)
    assert "no lab is up in the state directory" in capsys.readouterr().out
    assert iplab("ls") == 0
    assert capsys.readouterr().out == "no lab is up\n"


def test_run_json(host: FakeHost, capsys: pytest.CaptureFixture[str]) -> None:
    assert iplab("run", BLOG, "--prefix", PREFIX, "--json") == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["exit_code"] == 0 and doc["lab"] == LAB
    assert len(doc["commands"]) >= 23
    assert "== nothing of the lab remains" in captured.err
    assert host.at == SETUP_CHANGES[-1] + 5  # the blog's own teardown ran


def test_a_failed_up_exits_1_and_rolls_back(
    host: FakeHost, capsys: pytest.CaptureFixture[str]
) -> None:
    host.fail_at = SETUP_CHANGES[4]
    assert iplab("up", BLOG, "--prefix", PREFIX, "--per-command") == 1
    err = capsys.readouterr().err
    assert "command failed (exit 255)" in err and "rolled back" in err
    assert host.at == 0


def test_down_exact_replays_every_inverse(
    host: FakeHost, capsys: pytest.CaptureFixture[str]
) -> None:
    assert iplab("up", BLOG, "--prefix", PREFIX) == 0
    capsys.readouterr()
    assert iplab("down", LAB, "--exact") == 0, capsys.readouterr().err
    assert host.at == 0
    # newest first, each inverse whose guard holds: the ports leave the bridge, the
    # bridge goes down and away, ... the namespaces go last
    assert host.undo_lines[:2] == [f"ip link set {PREFIX}vethQ nomaster",
                                   f"ip link set {PREFIX}vethY nomaster"]  # fmt: skip
    assert host.undo_lines[-1] == f"ip netns del {PREFIX}ns1"


def test_graph_live_and_diff_of_the_captured_lab(
    host: FakeHost, capsys: pytest.CaptureFixture[str]
) -> None:
    assert iplab("up", BLOG, "--prefix", PREFIX) == 0
    capsys.readouterr()
    assert iplab("graph", "--live", "--lab", LAB, "--format", "mmd") == 0
    live = capsys.readouterr().out
    assert "flowchart LR" in live.splitlines() and "live" in live.splitlines()[1]
    for name in ("ns1", "ns2", "br0", "vethX", "vethQ"):
        assert f"{PREFIX}{name}" in live
    assert iplab("graph", BLOG, "--prefix", PREFIX, "--live", "--format", "dot") == 0
    assert capsys.readouterr().out.startswith(("digraph", "graph", "strict"))
    assert iplab("graph", BLOG, "--prefix", PREFIX, "--diff", "--format", "dot") == 0
    same = capsys.readouterr().out
    assert RED not in same  # the kernel holds what the scenario promises: nothing marked
    assert iplab("down", LAB) == 0
    capsys.readouterr()
    # the lab is down: the diff marks every missing namespace and link, and exits 1
    assert iplab("graph", BLOG, "--prefix", PREFIX, "--diff", "--format", "dot") == 1
    gone = capsys.readouterr().out.splitlines()
    assert gone.count(f'      color="{RED}";') == 2  # the two namespaces' frames
    for name in ("br0", "vethQ", "vethY"):  # and the root's links
        node = next(line for line in gone if line.strip().startswith(f'"e_r__{PREFIX}{name}" ['))
        assert f'color="{RED}"' in node, node


def test_exec_shell_and_capture_run_in_the_labs_namespaces(
    host: FakeHost, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The user's own command, a shell, tcpdump: each in the lab's namespace, on the user's
    terminal, its exit status iplab's, audited (what each returns: its exit status only)."""
    assert iplab("up", BLOG, "--prefix", PREFIX) == 0
    ns1 = f"{PREFIX}ns1"
    answers = host.executor.responses
    answers[f"ip netns exec {ns1} sh -c 'exit 3'"] = (3, "", "")
    assert iplab("exec", LAB, "ns1", "--", "sh", "-c", "exit 3") == 3
    assert iplab("exec", LAB, "ns9", "--", "true") == 2
    assert "ns9" in capsys.readouterr().err
    shell = (
        f"ip netns exec {ns1} env 'PS1=[iplab {LAB} {ns1}] \\w\\$ ' IPLAB_LAB={LAB} "
        f"IPLAB_NETNS={ns1} bash --norc -i"
    )
    answers[shell] = (0, "", "")
    assert iplab("shell", LAB, "ns1") == 0
    assert f"a shell in {ns1}" in capsys.readouterr().err
    pcap = tmp_path / "x.pcap"
    tcpdump = f"tcpdump -n -i {PREFIX}vethX -U -Z root -w {pcap} -c 5"
    answers[f"ip netns exec {ns1} timeout -s INT 2 {tcpdump}"] = (124, "", "")  # its normal end
    assert iplab("capture", LAB, "vethX", "-w", str(pcap), "-c", "5", "--duration", "2") == 0
    records = [
        json.loads(line)
        for line in (Path(os.environ["IPLAB_STATE_DIR"]) / "audit.jsonl").read_text().splitlines()
    ]
    kinds = [
        (r.get("kind"), r.get("rc"))
        for r in records
        if r.get("kind") in ("exec", "shell", "capture")
    ]
    assert kinds == [("exec", 3), ("shell", 0), ("capture", 124)]
    assert iplab("down", LAB) == 0
