"""A namespace named by hand (``ip netns attach``, a link or a file under /var/run/netns):
the model knows the name it makes, so the journal deletes it at undo and the check that
nothing of the lab remains looks for it; commands that change no name (a background
``sleep``, a resolv.conf written for ``ip netns exec``) leave the model sure of the lab."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.ipgrammar import effects
from iplab.plan import build
from iplab.steps import NetnsDel
from tests.kernel import iplab


@pytest.mark.parametrize(
    ("command", "creates", "deletes"),
    [
        ("ip netns attach c3 1234", ["c3"], []),
        ("sudo ln -sf /proc/1234/ns/net /var/run/netns/c1", ["c1"], []),
        ("ln -s /proc/1234/ns/net /run/netns/c1", ["c1"], []),
        ("touch /var/run/netns/c2", ["c2"], []),
        ("mount --bind /proc/1234/ns/net /var/run/netns/c2", [], []),
        ("rm -f /var/run/netns/c1", [], ["c1"]),
        ("sleep 60 &", [], []),
        ("mkdir -p /etc/netns/c1 && echo nameserver 10.0.0.1 > /etc/netns/c1/resolv.conf", [], []),
        ("ip netns exec c1 python3 -m http.server 8080 >/dev/null 2>&1 &", [], []),
    ],
)
def test_what_a_command_does_to_names(command: str, creates: list[str], deletes: list[str]) -> None:
    said = effects(command)
    assert said is not None
    assert [e.name for e in said.creates] == creates
    assert [e.name for e in said.deletes] == deletes
    assert all(e.what == "netns" for e in (*said.creates, *said.deletes))


@pytest.mark.parametrize(
    "command",
    [
        "ln -sf /proc/$PID/ns/net /var/run/netns/$NAME",  # values iplab does not have
        "touch /var/run/netns/a && mount --bind /proc/1/ns/net /var/run/netns/a",
        "cp x /var/run/netns/a",
        "rm -rf /tmp/lab; ./setup.sh",
    ],
)
def test_what_iplab_cannot_tell_stays_unknown(command: str) -> None:
    assert effects(command) is None


def test_a_name_made_by_hand_is_deleted_at_undo_and_not_listed_as_kept() -> None:
    """(Hunt AF #1: pid 1's namespace, which this test named, is refused now: the host's
    own; a process's the tutorial started is named the same way.)"""
    script = (
        "ip netns add a\n"
        "ln -sf /proc/$PID/ns/net /var/run/netns/c1\n"
        "ip netns attach c3 $PID\n"
        "rm /var/run/netns/c1\n"
    )
    result = import_text(script, "shell", "hand.sh")
    assert result.cannot_undo == ()
    plan = build(scenario.load_text(result.yaml, "hand.yaml"), prefix="pz")
    undo = {pc.command.text: [u.undo.op for u in pc.undo] for pc in plan.commands}
    assert undo["ln -sf /proc/$PID/ns/net /var/run/netns/pzc1"] == [NetnsDel(name="pzc1")]
    assert undo["ip netns attach pzc3 $PID"] == [NetnsDel(name="pzc3")]
    assert sorted(plan.owned.netns) == ["pza", "pzc1", "pzc3"]


@pytest.mark.parametrize(
    ("command", "adopts"),
    [
        ("ip netns attach c3 1234", True),
        ("ln -sf /proc/1234/ns/net /var/run/netns/c1", True),
        ("touch /var/run/netns/c2", True),
        ("ip netns add c4", False),
        ("ln -s a b", False),
    ],
)
def test_a_namespace_a_process_holds_is_adopted_not_made(command: str, adopts: bool) -> None:
    from iplab.ipgrammar import adopts_netns

    assert adopts_netns(command) is adopts


@pytest.mark.kernel
def test_dollar_bang_is_the_jobs_pid_where_a_pid_is_meant(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """``unshare --net sleep &``, ``PID=$!``, then ``nsenter -t $PID``, ``ip netns attach
    NAME $PID``, ``/proc/$PID/ns/net``: the job's pid, as in the author's shell (they got
    ``%1``, which only kill and wait read); the attached name is undone, the job stopped."""
    script = (
        "unshare --net --fork sleep 60 &\n"
        "PID=$!\n"
        "sleep 0.3\n"
        "nsenter -t $PID -n ip link set lo up\n"
        "ip netns attach adopted $PID\n"
        "ip -n adopted -br link show lo\n"
        "readlink /proc/$PID/ns/net\n"
    )
    lab = tmp_path / "pid.yaml"
    lab.write_text(import_text(script, "shell", "pid.sh").yaml)
    result = iplab("run", str(lab), "--prefix", prefix, state=state_dir)
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    assert "LOOPBACK,UP" in result.stdout  # nsenter reached the job's namespace
    assert "net:[" in result.stdout
    assert f"undo: ip netns del {prefix}adopted" in said
    assert "== nothing of the lab remains" in said
