"""Hunt AF (safety, an adversarial read of the rules): ways to reach the host that the
rules let through. ``ip netns attach host 1`` (``$$``, ``ln -s /proc/1/ns/net``) named
the host's own namespace, and the lab's steps "in" it changed the host."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.jobs import request, unscoped_signal
from iplab.model import ModelError
from iplab.pids import names_the_hosts_netns
from iplab.plan import build
from iplab.unnamed import unnamed_change
from tests.conftest import REPO
from tests.kernel import apart

HUNT = REPO / "tests" / "fixtures" / "adversarial-7"


def _lines(name: str) -> list[str]:
    return (HUNT / name).read_text(encoding="utf-8").splitlines()


def _built(name: str, text: str | None = None) -> None:
    text = (HUNT / name).read_text(encoding="utf-8") if text is None else text
    result = import_text(text, detect_kind(name, text), name)
    build(scenario.load_text(result.yaml, "page.yaml"), prefix="hF")


@pytest.mark.parametrize(
    ("name", "line", "said"),
    [
        ("af01-attach-host.md", 9, "ip netns attach hFhost 1"),
        ("af13-attach-pid1-dummy.md", 5, "ip netns attach hFhost 1"),
        ("af14-attach-self.sh", 4, "ip netns attach hFhere \\$\\$"),
    ],
)
def test_naming_the_hosts_own_namespace_is_refused_before_anything_runs(
    name: str, line: int, said: str
) -> None:
    """Hunt AF #1: ``ip netns attach host 1`` (or ``$$``) was taken for a namespace of the
    lab: ``ip -n host link set eth0 promisc on`` changed the host's eth0, and up of af14
    made hFup0/hFup1 in the root namespace (verify said OK). Refused now, as ``nsenter -t
    1`` is, with the page's line."""
    assert _lines(name)[line - 1].endswith(said.rsplit(maxsplit=1)[-1].replace("\\", ""))
    with pytest.raises(ModelError, match=rf"page\.yaml:\d+: setup\[1\]: runs {said}: it names"):
        _built(name)


@pytest.mark.parametrize(
    "line",
    [
        "ip netns attach host 1",
        "touch /run/netns/x && mount --bind /proc/self/ns/net /run/netns/x",
        "ln -s /proc/1/ns/net /var/run/netns/host",
    ],
)
def test_each_way_the_hunt_named_the_hosts_namespace_is_found(line: str) -> None:
    """Hunt AF #1 (its probes): the attach of pid 1, a link or a bind mount of
    /proc/1/ns/net or /proc/self/ns/net under /run/netns."""
    assert line in _lines("probe-p3.txt")
    assert names_the_hosts_netns(line) is not None


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("ip netns attach here $PPID", True),
        ("sudo ip netns attach here $(pidof systemd)", True),
        ("mount --bind /proc/$$/ns/net /run/netns/x", True),
        ("ln -sf /proc/thread-self/ns/net /run/netns/x", True),
        ("ip netns attach web $!", False),
        ("ip netns attach ctr $CPID", False),
        ("ip netns attach ctr $(pgrep -P $CPID)", False),
        ("ln -sf /proc/$PID/ns/net /var/run/netns/c1", False),
        ("mount --bind /proc/$PID/ns/net /run/netns/c2", False),
    ],
)
def test_the_shells_own_pid_names_the_host_a_tutorials_process_does_not(
    line: str, found: bool
) -> None:
    """Hunt AF #1: ``$$``, ``$PPID``, ``/proc/self`` and a pid found by a program's name
    are the host's, as for nsenter; ``$!`` and a variable the tutorial set are its own."""
    assert (names_the_hosts_netns(line) is not None) is found


@pytest.mark.kernel
def test_down_of_a_lab_that_named_the_hosts_namespace_through_a_job_ends_the_first_time(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt AF #1: up of af14 (``ip netns attach here $$``, then ``ip -n here link add up0
    type veth peer name up1``) made the links in the root namespace; the first down deleted
    the name only, waited 30 s and said "could not undo everything (still there:
    hFup0@root, hFup1@root)"; a second down was needed. ``$$`` is refused now; the same
    end through a job of the host's namespace (``sleep &``, ``$!``, which iplab cannot
    tell from a namespace's process) is undone by the first down: the lab's veth is
    deleted through the name before it goes.

    Changed by design (hunt AF #13, then AL #7): ``sleep &`` then ``$!`` is refused before
    anything runs now, and a pid iplab cannot follow (written to a file, read back) is
    found when the step has run: the name is the host's own namespace, the run stops and
    rolls back, so up fails and the one down finds nothing left. Nothing of the lab
    remains after one down, as before. (--no-preflight: under --prefix the attach's name
    would keep its own, which the preflight refuses; the run is where the check is.)"""
    text = (HUNT / "af14-attach-self.sh").read_text(encoding="utf-8")
    text = text.replace(
        "ip netns attach here $$\n",
        f"sleep 424243 &\necho $! > {tmp_path}/job.pid\nip netns attach here $(cat"
        f" {tmp_path}/job.pid)\n",
    )
    lab = tmp_path / "self.yaml"
    lab.write_text(import_text(text, "shell", "af14-attach-self.sh").yaml)
    iplab = f"PYTHONPATH={REPO} {sys.executable} -m iplab"
    name = f"{prefix}af14-attach-self"
    run = apart(
        "ip link set lo up\n"
        f"{iplab} up {lab} --prefix {prefix} --no-preflight --state-dir {state_dir} > /dev/null;"
        " echo up=$?\n"
        f"{iplab} down {name} --state-dir {state_dir}; echo down=$?\n"
        f"ip -br link | grep -c {prefix} ; echo left\n",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "up=1" in run.stdout, said
    assert "named the host's own network namespace" in said, said
    assert "0\nleft" in run.stdout, said
    assert "could not undo everything" not in said


def test_a_change_in_a_namespace_named_by_a_variable_is_refused() -> None:
    """Hunt AF #7: ``ip -n "$NS" link del eth0`` (af09, line 5) passed while ``ip netns
    exec $NS ip link del eth0`` was refused: the change was taken as confined to a
    namespace no one had read. Refused now as the exec is."""
    with pytest.raises(ModelError, match=r"setup\[1\]: runs ip -n \$NS link del eth0: what it"):
        _built("af09-ip-n-var.sh")


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("probe-p2.txt", 'ip -n "$NS" link del eth0'),
        ("probe-p2.txt", "ip -netns $NS link del eth0"),
        ("probe-p2.txt", "ip --netns $NS link del eth0"),
        ("af09-ip-n-var.sh", "ip -netns $NS link set eth0 down"),
        ("af09-ip-n-var.sh", "ip --netns=$NS link set lo down"),
    ],
)
def test_each_spelling_of_a_namespace_by_a_variable_is_refused(name: str, line: str) -> None:
    """Hunt AF #7: ``-n``, ``-netns``, ``--netns NS`` and ``--netns=NS`` (whose attached
    value was read as taking the next word, ``link``, too) with a change."""
    assert line in _lines(name)
    assert unnamed_change(line) is not None


@pytest.mark.parametrize(
    "line", ['ip -n "$NS" link show', "ip -n $NS addr show", "ip -n red xfrm state flush"]
)
def test_a_namespace_named_by_a_variable_is_still_read(line: str) -> None:
    """Hunt AF #7: reading in such a namespace changes nothing; a change in one the line
    names stays there."""
    assert unnamed_change(line) is None


def _policy_lab() -> str:
    """af05's lab (lines 13-23) and its blackhole routes (lines 28-30), unchanged; not its
    first block (ip rule flush), refused before anything runs."""
    lines = (HUNT / "af05-policy-routing.md").read_text(encoding="utf-8").splitlines(True)
    return "".join(lines[12:23] + lines[27:30]) + "```\n"


def test_a_flush_of_the_hosts_rules_is_refused_before_anything_runs() -> None:
    """Hunt AF #5: ``ip rule flush`` (af05, line 6) in the root namespace passed: every
    policy rule of the host went, its main and default lookups with them."""
    with pytest.raises(ModelError, match=r"setup\[0\]: runs ip rule flush in the root namespace"):
        _built("af05-policy-routing.md")


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("af05-policy-routing.md", "# ip rule add from all lookup main pref 32766"),
        ("af05-policy-routing.md", "# ip rule add from all lookup default pref 32767"),
        ("af05-policy-routing.md", "# ip xfrm state flush"),
        ("af05-policy-routing.md", "# ip xfrm policy flush"),
        ("probe-p1.txt", "ip nexthop flush"),
        ("probe-p1.txt", "ip mptcp endpoint flush"),
        ("probe-p1.txt", "ip tcp_metrics flush all"),
    ],
)
def test_each_change_of_the_hosts_tables_is_refused_in_the_root_namespace(
    name: str, line: str
) -> None:
    """Hunt AF #5: re-adding main's and default's rules (their undo deleted the host's own),
    and the flushes of xfrm, nexthops, MPTCP endpoints and TCP metrics passed."""
    assert line in _lines(name)
    command = line.removeprefix("# ")
    with pytest.raises(ModelError, match="in the root namespace: the host's own"):
        _built("w.sh", f"ip netns add hFt1\n{command}\n")
    _built("w.sh", f"ip netns add hFt1\nip -n hFt1 {command.removeprefix('ip ')}\n")


def test_the_lab_s_blackhole_routes_are_in_the_undo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hunt AF #5: ``ip route add blackhole 0.0.0.0/1`` and ``128.0.0.0/1`` (af05, lines
    29-30) were typed route steps whose undo down left out (it expects a route to go with
    its link; these have none): the host stayed blackholed after down."""
    from iplab.cli import main

    lab = tmp_path / "af05.yaml"
    lab.write_text(import_text(_policy_lab(), "markdown", "af05.md").yaml)
    state = tmp_path / "state"
    rc = main(["up", str(lab), "--dry-run", "--prefix", "hF", "--state-dir", str(state)])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "DRY RUN:   ip route del blackhole 0.0.0.0/1\n" in out
    assert "DRY RUN:   ip route del blackhole 128.0.0.0/1\n" in out


@pytest.mark.kernel
def test_down_takes_the_lab_s_blackhole_routes_away(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt AF #5: after down of af05's lab, the host kept its two blackhole routes."""
    lab = tmp_path / "af05.yaml"
    lab.write_text(import_text(_policy_lab(), "markdown", "af05.md").yaml)
    iplab = f"PYTHONPATH={REPO} {sys.executable} -m iplab"
    run = apart(
        "ip link set lo up\n"
        f"{iplab} up {lab} --prefix {prefix} --state-dir {state_dir} > /dev/null; echo up=$?\n"
        "ip route show type blackhole\n"
        f"{iplab} down {prefix}af05 --state-dir {state_dir}; echo down=$?\n"
        "echo left: $(ip route show type blackhole)\n",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "up=0" in run.stdout and "down=0" in run.stdout, said
    assert "blackhole 0.0.0.0/1" in run.stdout, said
    assert "left:\n" in run.stdout, said


def test_a_page_that_stops_the_hosts_servers_by_their_port_is_refused() -> None:
    """Hunt AF #6: af08's ``sudo fuser -k 53/udp`` (line 8) passed: it signals whatever of
    the host holds the port."""
    with pytest.raises(ModelError, match=r"setup\[2\]: runs fuser -k 53/udp: it signals"):
        _built("af08-kill-wrappers.md")


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("af08-kill-wrappers.md", "$ sudo command kill 1"),
        ("probe-p3.txt", "sudo -n kill 1234"),
        ("probe-p3.txt", "command kill 1234"),
        ("probe-p3.txt", "env kill 1234"),
        ("probe-p3.txt", "nohup kill -9 1234"),
        ("probe-p3.txt", "fuser -k 8080/tcp"),
        ("probe-p3.txt", "fuser -k -n tcp 53"),
        ("probe-p3.txt", "killall5 -15"),
    ],
)
def test_a_signal_behind_a_wrapper_is_refused_as_the_bare_one_is(name: str, line: str) -> None:
    """Hunt AF #6: jobs read past the bare word sudo only; ``sudo -n``, ``command``,
    ``env``, ``nohup`` hid ``kill PID``; ``fuser -k`` and ``killall5`` were not read."""
    assert line in _lines(name)
    assert unscoped_signal(line.removeprefix("$ ")) is not None


@pytest.mark.parametrize(
    ("name", "line", "pattern"),
    [
        ("af08-kill-wrappers.md", "$ sudo timeout 5 pkill dnsmasq", "dnsmasq"),
        ("af08-kill-wrappers.md", "$ sudo -E pkill -f systemd-resolved", "systemd-resolved"),
    ],
)
def test_a_pkill_behind_a_wrapper_is_limited_to_the_lab(name: str, line: str, pattern: str) -> None:
    """Hunt AF #6: ``sudo timeout 5 pkill dnsmasq`` and ``sudo -E pkill -f ...`` ran as
    written, and stopped the host's dnsmasq; they are read as the pkill they run now, which
    iplab limits to the lab's processes."""
    assert line in _lines(name)
    asked = request(line.removeprefix("$ "))
    assert asked is not None and asked.pattern == pattern


@pytest.mark.parametrize("line", ["ss -K dst 10.0.0.2", "conntrack -F"])
def test_the_hosts_sockets_and_connections_are_not_flushed(line: str) -> None:
    """Hunt AF #6 (its probes): ``ss -K`` closes the host's sockets, ``conntrack -F``
    forgets its tracked connections, in the root namespace; in the lab's, they are the
    lab's."""
    assert line in _lines("probe-p3.txt")
    with pytest.raises(ModelError, match="in the root namespace: the host's own"):
        _built("w.sh", f"ip netns add hFt1\n{line}\n")
    _built("w.sh", f"ip netns add hFt1\nip netns exec hFt1 {line}\n")


def test_a_port_s_holder_in_the_lab_s_namespace_is_the_lab_s() -> None:
    """Hunt AF #6: ``fuser -k 80/tcp`` finds the processes of the namespace it runs in:
    in the lab's, the lab's (a file's holders are anyone's)."""
    assert unscoped_signal("fuser -k 80/tcp", netns=True) is None
    assert unscoped_signal("ip netns exec red fuser -k -n tcp 80") is None
    assert unscoped_signal("fuser -km /mnt", netns=True) is not None
