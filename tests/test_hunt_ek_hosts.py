"""Hunt EK: hosts unlike the one iplab is made on (a busybox or an old ``ip``, a Fedora
host, a user who is not root, a state directory on a full or read-only file system):
what iplab said there, and what it says now."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from iplab import iproute, plan, programs
from iplab.errors import IplabError, ParseError
from iplab.lab import StepFailed
from iplab.plan import build
from iplab.runner import Result
from tests import kernel
from tests.conftest import REPO
from tests.pages import imported

FIXTURES = REPO / "tests" / "fixtures"
HOSTS = FIXTURES / "hosts-ek"
LAB = REPO / "scenarios" / "container-networking-part2-try-it.yaml"
#: what busybox's ip applet prints for what it does not know (``ip netns``, ``ip -j``)
USAGE = (
    "BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\n\n"
    "Usage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]\n"
)


def _lean_path(tmp_path: Path, without: set[str]) -> str:
    """A PATH of every program of /usr/sbin and /usr/bin but ``without``: a host that
    lacks them (not one whose PATH does)."""
    lean = tmp_path / "bin"
    lean.mkdir()
    for folder in (Path("/usr/sbin"), Path("/usr/bin")):
        for program in folder.iterdir():
            if program.name not in without and not (lean / program.name).exists():
                (lean / program.name).symlink_to(program)
    return str(lean)


def test_a_missing_program_is_named_with_its_fedora_package_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Hunt EK: on a host without tc and ping, ``up`` said "tc (package iproute2), ...
    ping (package iputils-ping)": names apt knows and dnf does not (Fedora's are iproute
    and iputils). Both are said, the Fedora one where it differs."""
    monkeypatch.setenv("PATH", _lean_path(tmp_path, {"tc", "ping", "brctl", "arping"}))
    monkeypatch.setattr(programs, "STANDARD", ())  # (the host lacks them: no directory has)
    said = []
    for page in ("tc/hunt-l-02b-tc-shaping-no-netem.md", "stored-pages-10/p1-thachmpham-arp.md"):
        with pytest.raises(IplabError) as refused:
            programs.refuse_missing(build(imported(FIXTURES / page)[1]))
        said.append(str(refused.value))
    assert "tc (package iproute2; Fedora: iproute), which `sudo ip netns exec" in said[0], said
    assert "ping (package iputils-ping; Fedora: iputils), which" in said[0], said
    assert "brctl (package bridge-utils), which `brctl" in said[1], said
    assert "arping (package iputils-arping; Fedora: iputils)" in said[1], said
    assert "tshark (package tshark; Fedora: wireshark-cli)" in said[1], said


def _on_path(monkeypatch: pytest.MonkeyPatch, ip: str) -> None:
    monkeypatch.setenv("PATH", f"{HOSTS / ip}:{os.environ['PATH']}")


def test_busybox_ip_first_on_path_refuses_up_before_anything_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Hunt EK: with busybox's ip first on PATH (Alpine's /sbin/ip -> /bin/busybox),
    ``up`` ran `ip netns add` and failed on it with twenty lines of busybox's usage. The
    preflight now says which ip it is, what it lacks, and what to install."""
    _on_path(monkeypatch, "busybox")
    with pytest.raises(IplabError) as refused:
        programs.refuse_missing(plan.load(str(LAB), prefix="ekt"))
    said = str(refused.value)
    assert said.startswith(
        f"not starting: the ip on PATH ({HOSTS / 'busybox' / 'ip'}) is BusyBox's applet"
        f" ({HOSTS / 'busybox-bin' / 'busybox'}), which has no `ip netns`, no -batch and no -j"
    ), said
    assert "install iproute2 (Fedora: iproute) and put its ip first on PATH" in said, said


def test_a_step_busybox_s_ip_refused_says_so_in_one_line() -> None:
    """Hunt EK: under --no-preflight (or a busybox hard-linked, not linked), a step's
    failure printed busybox's whole usage; it prints its first line and what to do."""
    lab = plan.load(str(LAB), prefix="ekt")
    command = lab.setup[0].command
    failed = StepFailed(command, Result(("ip", "netns", "add", "ektns1"), 1, "", USAGE, 0.01))
    said = str(failed)
    assert said.count("\n") == 1 and "Usage:" not in said, said
    assert "is BusyBox's applet, which has no `ip netns`" in said, said


@pytest.mark.parametrize(
    ("err", "body", "said"),
    [
        (USAGE, "", "the netns read: the ip on PATH (/x/ip) is BusyBox's applet, which has no"),
        (
            'Option "-j" is unknown, try "ip -help".\n', "",
            "the netns read: the ip on PATH (/x/ip) is an iproute2 without JSON output (-j)",
        ),
        ("", "ns1 (id: 0)\nns2\n", "ip -j netns list: ip printed text, not JSON ('ns1 (id: 0)')"),
    ],
)  # fmt: skip
def test_a_read_by_an_ip_that_is_not_the_one_iplab_reads_with_says_which(
    monkeypatch: pytest.MonkeyPatch, err: str, body: str, said: str
) -> None:
    """Hunt EK: ``status`` with busybox's ip said "the netns read: ip failed: BusyBox
    v1.36.1 ... multi-call binary."; with CentOS 7's `Option "-j" is unknown`; with Ubuntu
    18.04's (iproute2-ss180129, whose ``ip -j netns list`` prints text) "invalid JSON at
    line 1: Expecting value". Each now says what that ip is and what to do."""
    monkeypatch.setattr(shutil, "which", lambda p: "/x/ip" if p == "ip" else None)
    status = 1 if err else 0
    text = f"{iproute.MARK}netns -\n{body}\n{iproute.MARK}err {status}\n{err}"
    with pytest.raises(ParseError) as failed:
        iproute.parse_read(text)
    assert str(failed.value).startswith(said), failed.value


@pytest.mark.parametrize(
    ("ip", "what"),
    [
        ("busybox", "is BusyBox's applet, which has no `ip netns`"),
        ("ss180129", "ip printed text, not JSON"),
        ("ss130716", "is an iproute2 without JSON output (-j)"),
    ],
)
@pytest.mark.kernel
def test_status_with_another_ip_first_on_path_says_which_and_what_to_do(
    ip: str, what: str, tmp_path: Path, ek_prefix: str
) -> None:
    """Hunt EK: ``iplab status`` under each of those ips: one line, exit 3, no traceback.
    A namespace of the test's own is there: ss180129's ``ip -j netns list`` prints its
    text only for a host that has one (with none it prints nothing, which reads right)."""
    if not os.access("/usr/sbin/ip", os.X_OK):
        pytest.skip("the fixtures hand what they take to /usr/sbin/ip")
    subprocess.run(["ip", "netns", "add", f"{ek_prefix}s"], check=True)
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "status", "--state-dir", str(tmp_path / "st")],
        capture_output=True, text=True, cwd=REPO, timeout=60, check=False,
        env={**os.environ, "PATH": f"{HOSTS / ip}:{os.environ['PATH']}"},
    )  # fmt: skip
    assert done.returncode == 3, done
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert f"{HOSTS / ip / 'ip'}" in done.stderr, done.stderr
    assert what in done.stderr and "first on PATH" in done.stderr, done.stderr


@pytest.fixture
def ek_prefix() -> Iterator[str]:
    if kernel.SKIP:
        pytest.skip(kernel.SKIP)
    value = f"ekt{uuid.uuid4().hex[:4]}"
    yield value
    kernel.cleanup_prefix(value, family="ekt")


def _mine(prefix: str) -> tuple[set[str], set[str]]:
    links = {str(link["ifname"]) for link in kernel.root_links()}
    return {n for n in kernel.netns_names() if n.startswith(prefix)}, {
        n for n in links if n.startswith(prefix)
    }


@pytest.mark.kernel
def test_busybox_ip_neither_brings_a_lab_up_nor_takes_it_halfway_down(
    ek_prefix: str, tmp_path: Path
) -> None:
    """Hunt EK: a lab up, then ``down`` with busybox's ip first on PATH: its undo batch
    died on busybox's usage ("3 not run: ip -batch ended (exit 1)"), the veths were
    deleted, the namespaces kept, and the lab was left half down. ``up`` and ``down`` now
    refuse before anything runs, naming the ip; with iproute2's, down takes it all."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    busybox = {"PATH": f"{HOSTS / 'busybox'}:{os.environ['PATH']}"}
    refused = kernel.iplab("up", str(LAB), "--prefix", ek_prefix, state=state, env=busybox)
    assert refused.returncode == 1 and "is BusyBox's applet" in refused.stderr, refused.stderr
    assert _mine(ek_prefix) == (set(), set())
    up = kernel.iplab("up", str(LAB), "--prefix", ek_prefix, "--no-verify", state=state)
    assert up.returncode == 0, up.stderr
    held = _mine(ek_prefix)
    lab = f"{ek_prefix}{LAB.stem}"
    down = kernel.iplab("down", lab, state=state, env=busybox)
    assert down.returncode == 1 and f"not taking {lab} down: the ip on PATH" in down.stderr, (
        down.stderr
    )
    assert _mine(ek_prefix) == held  # nothing was undone
    down = kernel.iplab("down", lab, state=state)
    assert down.returncode == 0, down.stderr
    assert _mine(ek_prefix) == (set(), set())


def test_status_of_a_user_sudo_asks_a_password_of_says_what_for_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Hunt EK: ``iplab status`` as a user whose sudo wants a password printed "sudo asks
    for a password to run: bash -c 'M='"'"'@@iplab '"'"' ..." and the read script's
    twenty lines. It says what the script was to do, in one line."""
    from iplab.errors import PrivilegeError
    from iplab.runner import Answer, FakeExecutor, Runner

    class Every(dict[str, Answer]):
        """sudo's answer to every command."""

        def __contains__(self, key: object) -> bool:
            return True

        def __getitem__(self, key: str) -> Answer:
            return (1, "", "sudo: a password is required\n")

    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    with pytest.raises(PrivilegeError) as refused:
        iproute.read_state(Runner(FakeExecutor(Every()), is_root=False))
    said = str(refused.value)
    assert said.startswith(
        "sudo asks for a password to read state with ip -j: the root every namespace"
        " (iplab's bash script of ip commands)"
    ), said
    assert "\n" not in said and "@@iplab" not in said, said


def test_down_of_a_lab_never_up_leaves_nothing_in_the_state_directory(tmp_path: Path) -> None:
    """Hunt EK: ``iplab down ekx4x`` (a name mistyped, as the user nobody in a state
    directory of its own) said no lab of that name is up, and left ``labs/ekx4x/lock``."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    done = kernel.iplab("down", "ekxnever", state=state)
    assert done.returncode == 2 and "no lab named ekxnever is up" in done.stderr, done
    assert not (state / "labs" / "ekxnever").exists(), sorted(state.rglob("*"))


#: what iptables-legacy says on a kernel without ip_tables (RHEL 9, Fedora), and
#: iptables-nft on one without nf_tables (the second as a user reported it, exit 4)
LEGACY = (
    "iptables v1.8.9 (legacy): can't initialize iptables table `filter': Table does not"
    " exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.\n"
)
NFT = "iptables v1.8.7 (nf_tables): Could not fetch rule set generation id: Invalid argument\n"


@pytest.mark.parametrize(
    ("err", "said"),
    [
        (LEGACY, "use iptables-nft (Debian/Ubuntu: update-alternatives --set iptables"),
        (NFT, "use iptables-legacy (Debian/Ubuntu: update-alternatives --set iptables"),
    ],
)
def test_an_iptables_step_refused_by_the_kernel_for_its_backend_says_how_to_choose_the_other(
    err: str, said: str
) -> None:
    """Hunt EK: the page's ``ip netns exec fw iptables -F`` under iptables-legacy on a
    kernel with nf_tables alone failed with iptables' "Table does not exist (do you need to
    insmod?)" and nothing more; the failure now says which iptables it is and how to
    choose the other (and the reverse, iptables-nft on a kernel without nf_tables)."""
    lab = build(imported(FIXTURES / "firewall" / "05-router-shell-session.md")[1])
    command = next(pc.command for pc in lab.commands if "iptables -F" in pc.command.text)
    failed = str(StepFailed(command, Result(command.argv, 3, "", err, 0.01)))
    assert "command failed (exit 3): ip netns exec fw iptables -F" in failed, failed
    assert said in failed, failed


def test_impair_without_tc_names_where_it_is_or_its_packages(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Hunt EK: ``iplab impair`` under ``PATH=/usr/bin:/bin`` said "tc is not installed
    (install the iproute2 package (apt-get install iproute2))" of the tc in /usr/sbin; on a
    host without it, a Debian package alone. It says where tc is, or both packages."""
    from iplab import live
    from iplab.errors import UsageError

    monkeypatch.setenv("PATH", _lean_path(tmp_path, {"tc"}))
    if programs.off_path("tc") is not None:
        with pytest.raises(UsageError) as astray:
            live.need_program("tc")
        assert str(astray.value).startswith(
            f"tc is not on PATH (it is in {programs.off_path('tc')}, which PATH lacks)"
        ), astray.value
    monkeypatch.setattr(programs, "STANDARD", ())
    with pytest.raises(UsageError) as absent:
        live.need_program("tc")
    assert str(absent.value) == (
        "this host does not have tc (install it (package iproute2; Fedora: iproute))"
    ), absent.value


@pytest.mark.kernel
def test_the_reachability_matrix_without_ping_is_refused_not_failed(
    ek_prefix: str, tmp_path: Path
) -> None:
    """Hunt EK: ``iplab test LAB`` on a host without ping printed its matrix with every
    pair failed ("FAIL ...ns3 was expected to reach 10.10.0.1"), the host's lack said as
    the lab's network (and a pair expected not to reach would have passed). It refuses
    before probing, naming ping."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    star = REPO / "scenarios" / "star.yaml"
    up = kernel.iplab("up", str(star), "--prefix", ek_prefix, "--no-verify", state=state)
    assert up.returncode == 0, up.stderr
    lean = {"PATH": _lean_path(tmp_path, {"ping"})}
    done = kernel.iplab("test", f"{ek_prefix}star", state=state, env=lean)
    assert done.returncode == 2 and "FAIL" not in done.stdout, (done.stdout, done.stderr)
    assert done.stderr.startswith("iplab: error: ping is not on PATH") or (
        "this host does not have ping" in done.stderr
    ), done.stderr
    down = kernel.iplab("down", f"{ek_prefix}star", state=state)
    assert down.returncode == 0, down.stderr


@pytest.mark.kernel
def test_a_fresh_host_without_run_netns_lists_nothing_and_brings_a_lab_up_and_down(
    tmp_path: Path,
) -> None:
    """Hunt EK: on a fresh host /run/netns does not exist until the first ``ip netns
    add`` makes it (and ``ip netns list`` prints nothing). ``status``, ``ls`` and a
    ``down`` of nothing say so plainly, and a lab comes up and goes down with nothing
    left (in a network and mount namespace of the test's own, /run a fresh tmpfs)."""
    if kernel.SKIP:
        pytest.skip(kernel.SKIP)
    star = REPO / "scenarios" / "star.yaml"
    iplab = f"{sys.executable} -m iplab"
    script = f"""
mount -t tmpfs ekt-run /run || exit 98
export IPLAB_STATE_DIR={tmp_path / "state"} PYTHONPATH={REPO}
[ -e /run/netns ] && echo "netns there"
{iplab} status; echo "status=$?"
{iplab} ls; echo "ls=$?"
{iplab} down ektfresh 2>&1; echo "down-nothing=$?"
{iplab} up {star} --prefix ektf --no-verify >/dev/null 2>&1; echo "up=$?"
{iplab} down ektfstar >/dev/null 2>&1; echo "down=$?"
echo "left:[$(ls /run/netns)][$(ip -br link | grep -v '^lo ')]"
"""
    done = kernel.apart(script, timeout=60)
    said = done.stdout + done.stderr
    assert "netns there" not in said and "Traceback" not in said, said
    assert "root namespace\n  lo " in done.stdout and "status=0" in said, said
    assert "no lab is up\nls=0" in said, said
    assert "no lab named ektfresh is up" in said and "down-nothing=2" in said, said
    assert "up=0" in said and "down=0" in said and "left:[][]" in said, said


def test_a_read_with_no_ip_on_path_says_where_it_is_or_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Hunt EK: ``status`` under a PATH without /usr/sbin said "ip: command not found (no
    ip on PATH)"; it says where ip is, and on a host without one, what to install."""
    lean = _lean_path(tmp_path, {"ip"})
    ip_dir = programs.off_path("ip") if shutil.which("ip") else None
    if ip_dir is not None:
        done = subprocess.run(
            [sys.executable, "-m", "iplab", "status", "--state-dir", str(tmp_path / "st")],
            capture_output=True, text=True, cwd=REPO, timeout=60, check=False,
            env={**os.environ, "PATH": lean},
        )  # fmt: skip
        assert done.returncode == 3, done
        assert (
            f"(ip is not on PATH: it is in {ip_dir}, which PATH lacks; add {ip_dir} to PATH)"
            in (done.stderr)
        ), done.stderr
    monkeypatch.setenv("PATH", lean)
    monkeypatch.setattr(programs, "STANDARD", ())
    assert iproute._ip_named() == (
        "(this host has no ip: install iproute2 (Fedora: iproute) and put its ip first on PATH)"
    )


def test_check_says_up_would_refuse_busybox_s_ip(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hunt EK: ``check`` said OK under busybox's ip, and ``up`` then refused; check says
    it, as it says a program the host lacks."""
    from iplab.cli import main

    _on_path(monkeypatch, "busybox")
    assert main(["check", str(LAB), "--prefix", "ekt"]) == 0
    err = capsys.readouterr().err
    assert "iplab: note: the ip on PATH (" in err and "up and run refuse the lab" in err, err
