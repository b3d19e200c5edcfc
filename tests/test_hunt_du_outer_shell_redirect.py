"""``ip netns exec r echo 1 > /proc/sys/net/ipv4/ip_forward`` writes the host's key (hunt DU).

A router lab (tests/fixtures/hunt-du/du01-..., after a public script) ends with
``ip netns exec R1 echo 1 > /proc/sys/net/ipv4/conf/all/forwarding``; a README
(du02-..., after Arnella16/WEC_Systems_Networks_task) has ``ip netns exec router echo 1 |
tee /proc/sys/net/ipv4/ip_forward``. ``ip netns exec`` runs ``echo`` in the namespace, but
the redirection (the ``tee``) is the outer shell's, in the root namespace, and /proc/sys/net
is the opener's namespace's: the line writes the HOST's key, not r's (checked on this
kernel in a namespace of the test's own: the outer shell's key read 1 after it, r's 0).
iplab imported it as a raw step of unknown effect: not said as a change of the host, and
``down`` (its dry run said so) only deleted the namespaces, the host's key left changed; the
forwarding warning took the line for r's write and said nothing. Now the line is the host's
sysctl write it is (journaled, put back by down), a warning at its line says whose key it
writes and the fix, and the forwarding warning says the line does not turn r's on."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from iplab import scenario
from iplab.cli import main
from iplab.hostsaid import host_change
from iplab.importer.convert import import_text
from iplab.outershell import outer_shell_write
from iplab.plan import build
from iplab.steps import Raw
from iplab.sysctl import sysctl_writes
from tests.conftest import FIXTURES
from tests.kernel import apart
from tests.pages import imported
from tests.test_hunt_dl_router_forwarding import ROUTER as ROUTED

HUNT = FIXTURES / "hunt-du"
LAB = HUNT / "du01-router-lab-netns-exec-echo-redirect.sh"
README = HUNT / "du02-readme-router-echo-pipe-tee.md"

ROUTES = "ip -n a route add default via 10.1.0.1\nip -n b route add default via 10.2.0.1\n"
#: hunt DL's router lab (a - r - b), before its routes through r
ROUTER = ROUTED.removesuffix(ROUTES)
assert ROUTER != ROUTED


@pytest.mark.parametrize(
    ("line", "key", "how"),
    [
        ("ip netns exec r echo 1 > /proc/sys/net/ipv4/ip_forward", "net/ipv4/ip_forward", ">"),
        ("sudo ip netns exec r echo 1 > /proc/sys/net/ipv4/ip_forward", "net/ipv4/ip_forward",
         ">"),
        ("ip netns exec r printf 1 >> /proc/sys/net/ipv4/ip_forward", "net/ipv4/ip_forward",
         ">>"),
        ("ip netns exec r echo 1 > /proc/sys/net/ipv4/conf/all/forwarding",
         "net/ipv4/conf/all/forwarding", ">"),
        ("ip netns exec router echo 1 | tee /proc/sys/net/ipv4/ip_forward",
         "net/ipv4/ip_forward", "| tee"),
    ],
)  # fmt: skip
def test_the_line_writes_the_hosts_key(line: str, key: str, how: str) -> None:
    assert sysctl_writes(line) == [(key, "1")]
    said = host_change(Raw(command=line, shell=True))
    assert said == f"writes the host's sysctl {key}", said
    got = outer_shell_write(line)
    assert got is not None and got[1] == f"/proc/sys/{key}" and got[2] == how, got


@pytest.mark.parametrize(
    "line",
    [
        "ip netns exec r sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'",
        "echo 1 | ip netns exec r tee /proc/sys/net/ipv4/ip_forward",
        "ip netns exec r sysctl -w net.ipv4.ip_forward=1",
    ],
)
def test_a_write_made_in_the_namespace_is_not_the_hosts(line: str) -> None:
    assert outer_shell_write(line) is None
    assert host_change(Raw(command=line, shell=True)) is None


def test_a_file_the_same_in_every_namespace_is_not_said_as_misplaced() -> None:
    assert outer_shell_write("ip netns exec r echo 1 > /tmp/out") is None


def test_the_router_lab_s_lines_are_the_hosts_said_at_each_line() -> None:
    result, lab = imported(LAB)
    said = "\n".join(result.host_changes)
    for line in (40, 41):
        assert (
            f"line {line}: ip netns exec rt{1 if line == 40 else 3} echo 1 >"
            " /proc/sys/net/ipv4/conf/all/forwarding: writes the host's sysctl"
            " net/ipv4/conf/all/forwarding"
        ) in said, said
    warned = [str(w) for w in build(lab).warnings if "outer shell" in str(w)]
    assert len(warned) == 2, warned
    assert "setup[38]" in warned[0] and "setup[39]" in warned[1], warned
    assert (
        warned[0]
        .split("setup[38]: ", 1)[1]
        .startswith(
            "writes the host's net.ipv4.conf.all.forwarding, not rt1's: the redirection `>` is the"
            " outer shell's, run in the root namespace"
        )
    ), warned[0]
    assert "does not turn forwarding on in namespace rt1" in warned[0], warned[0]
    assert (
        "write it in rt1: ip netns exec rt1 sysctl -w net.ipv4.conf.all.forwarding=1, or"
        " ip netns exec rt1 sh -c 'echo 1 > /proc/sys/net/ipv4/conf/all/forwarding'"
    ) in warned[0], warned[0]


def test_a_dry_run_says_down_puts_the_hosts_key_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "lab.yaml"
    text = LAB.read_text(encoding="utf-8")
    path.write_text(import_text(text, "shell", LAB.name).yaml, encoding="utf-8")
    state = tmp_path / "state"
    main(["up", str(path), "--dry-run", "--no-preflight", "--prefix", "dux", "--state-dir",
          str(state)])  # fmt: skip
    out = capsys.readouterr().out
    assert "DRY RUN: and put back what the host holds when these steps run:\n" in out, out
    assert (
        "DRY RUN:   net.ipv4.conf.all.forwarding, as before `ip netns exec duxrt1 echo 1 >"
        " /proc/sys/net/ipv4/conf/all/forwarding`\n"
    ) in out, out


def test_the_readme_s_outer_tee_is_the_hosts() -> None:
    result = import_text(README.read_text(encoding="utf-8"), "markdown", README.name)
    said = "\n".join(result.host_changes)
    assert (
        "ip netns exec router echo 1 | tee /proc/sys/net/ipv4/ip_forward: writes the host's"
        " sysctl net/ipv4/ip_forward"
    ) in said, said


def _warnings(text: str) -> list[str]:
    plan = build(scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml"))
    return [str(w) for w in plan.warnings]


@pytest.mark.parametrize(
    "line",
    [
        "ip netns exec r echo 1 > /proc/sys/net/ipv4/ip_forward",
        "ip netns exec r echo 1 | tee /proc/sys/net/ipv4/ip_forward",
    ],
)
def test_the_misplaced_write_does_not_turn_the_router_s_forwarding_on(line: str) -> None:
    said = [w for w in _warnings(ROUTER + line + "\n" + ROUTES) if "no step turns" in w]
    assert len(said) == 1, said
    assert (
        f"(`{line}` does not turn it on in r: the redirection is the outer shell's, which"
        " writes the host's key, not r's)"
    ) in said[0], said[0]


def test_a_links_file_the_outer_shell_writes_is_said() -> None:
    line = "ip netns exec r echo 1400 > /sys/class/net/ra/mtu\n"
    said = [w for w in _warnings(ROUTER + line) if "outer shell" in w]
    assert len(said) == 1, said
    assert "writes /sys/class/net/ra/mtu of the host's link, not r's" in said[0], said[0]
    assert "where the root namespace has no link ra, there is no such file" in said[0], said[0]
    assert "write it in r: ip netns exec r sh -c 'echo 1400 > /sys/class/net/ra/mtu'" in said[0]


@pytest.mark.kernel
def test_down_puts_back_the_key_the_outer_shell_wrote(tmp_path: Path) -> None:
    """In a network namespace of the test's own, which iplab takes for the host (never the
    root's /proc/sys): ``up`` of the router lab with the misplaced line writes that
    namespace's ip_forward, r's stays 0, and ``down`` puts the outer one back to 0."""
    lab, state = tmp_path / "lab.yaml", tmp_path / "state"
    text = ROUTER + "ip netns exec r echo 1 > /proc/sys/net/ipv4/ip_forward\n" + ROUTES
    lab.write_text(import_text(text, "shell", "lab.sh").yaml, encoding="utf-8")
    inner = textwrap.dedent(f"""\
        sysctl -qw net.ipv4.ip_forward=0
        {sys.executable} -m iplab up {lab} --prefix duxk --no-verify --state-dir {state}
        echo "up=$? outer=$(cat /proc/sys/net/ipv4/ip_forward)"
        echo "r=$(ip netns exec duxkr cat /proc/sys/net/ipv4/ip_forward)"
        {sys.executable} -m iplab down duxklab --state-dir {state}
        echo "down=$? outer=$(cat /proc/sys/net/ipv4/ip_forward)"
        """)
    result = apart(inner)
    said = result.stdout + result.stderr
    assert "up=0 outer=1" in said, said
    assert "r=0" in said, said
    assert "down=0 outer=0" in said, said
