"""Hunt EP: a router lab from a snippets repository (tests/fixtures/scripts-ep/
ep02-router-namespace-functions-case-arg.sh, re-typed after hwipl/snippets-sh's
netns/router/router.sh) names its programs by their paths, ``IP=/usr/bin/ip`` and
``SYSCTL=/usr/bin/sysctl``, and runs ``$IP netns exec $NS_ROUTER $SYSCTL -q -w
net.ipv4.conf.all.forwarding=1``. iplab read ``/usr/bin/ip`` as ip but ``/usr/bin/sysctl``
as some other program: import said it "cannot undo" the two forwarding writes, which
deleting the router's namespace undoes as it does for ``sysctl``. Worse, the same line in
the root namespace (``/usr/bin/sysctl -w net.ipv4.ip_forward=1``) was a raw step of unknown
effect: no word that it writes the host's sysctl, no journal of the old value, nothing put
back at ``down``, where ``sysctl -w`` has all three. ``/sbin/tc`` inside a namespace was the
same. A program at a standard directory (/sbin, /usr/sbin, /bin, /usr/bin) is now that
program; elsewhere (``./sysctl``, ``/opt/x/sysctl``) it stays another.

Run, the lab then stopped half way: this host has ``/usr/sbin/sysctl`` and no
``/usr/bin/sysctl``, and the preflight, which looks for what ``ip netns exec NS CMD``
starts, did not look past ``/usr/bin/ip netns exec NS``: the run began, and rolled back at
"exec of /usr/bin/sysctl failed". ``/usr/bin/ip netns exec`` is ``ip netns exec`` there
too, and the preflight names the missing program before anything runs."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.errors import IplabError
from iplab.importer.convert import import_text
from iplab.plan import build
from iplab.programs import programs, refuse_missing
from iplab.sysctl import sysctl_loads, sysctl_writes
from iplab.words import netns_scoped
from tests.conftest import FIXTURES

EP02 = FIXTURES / "scripts-ep" / "ep02-router-namespace-functions-case-arg.sh"


@pytest.mark.parametrize("path", ["/usr/bin/sysctl", "/sbin/sysctl", "/usr/sbin/sysctl"])
def test_a_sysctl_at_its_path_writes_what_sysctl_writes(path: str) -> None:
    assert sysctl_writes(f"{path} -q -w net.ipv4.ip_forward=1") == [("net.ipv4.ip_forward", "1")]
    assert sysctl_loads(f"{path} -p") == ("/etc/sysctl.conf",)


def test_a_sysctl_elsewhere_is_another_program() -> None:
    assert sysctl_writes("/opt/x/sysctl -w net.ipv4.ip_forward=1") is None
    assert sysctl_writes("./sysctl -w net.ipv4.ip_forward=1") is None
    assert not netns_scoped("/opt/x/sysctl -w net.ipv4.ip_forward=1")


@pytest.mark.parametrize(
    "command",
    [
        "/usr/bin/sysctl -q -w net.ipv4.conf.all.forwarding=1",
        "/sbin/tc qdisc add dev lo root pfifo",
        "/usr/sbin/iptables -A FORWARD -j ACCEPT",
    ],
)
def test_a_program_at_its_path_stays_in_the_namespace(command: str) -> None:
    assert netns_scoped(command)


def test_the_router_lab_s_forwarding_goes_with_its_namespace() -> None:
    result = import_text(EP02.read_text(encoding="utf-8"), "shell", EP02.name, arguments=["setup"])
    assert result.model_error is None, result.model_error
    assert result.cannot_undo == (), result.cannot_undo


def test_the_host_s_sysctl_at_its_path_is_said_and_put_back() -> None:
    result = import_text(
        "ip netns add r\n/usr/bin/sysctl -w net.ipv4.ip_forward=1\n", "shell", "lab.sh"
    )
    assert any("writes the host's sysctl net.ipv4.ip_forward" in c for c in result.host_changes), (
        result.host_changes
    )
    assert result.cannot_undo == (), result.cannot_undo


def test_what_ip_at_its_path_runs_in_a_namespace_is_looked_for() -> None:
    line = "/usr/bin/ip netns exec r /opt/iplab-none/sysctl -q -w net.ipv4.ip_forward=1"
    assert programs(line) == ["/opt/iplab-none/sysctl"]
    plan = build(scenario.load_text(
        f"name: p\nsetup:\n  - line: ip netns add r\n  - line: {line}\n", "p.yaml"
    ))  # fmt: skip
    with pytest.raises(IplabError, match=r"this host does not have /opt/iplab-none/sysctl"):
        refuse_missing(plan)
