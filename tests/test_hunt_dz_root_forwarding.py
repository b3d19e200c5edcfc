"""A root namespace's forwarding written before ``ip netns add r`` (hunt DZ #3: the
pattern of https://syntaxbug.com/a10eff8a38/, stored edited as tests/fixtures/stored-pages-8/
p1-syntaxbug-ns-router-sysctl-p.md: "sysctl -p /etc/sysctl.conf" on the host, then the
namespaces, the router among them, "since the Linux kernel enables the IP forwarding
function"). The kernel copies the root's IPv4 ``conf/all`` and ``conf/default`` (``ip_forward``
among them) into a namespace it makes, at ``net.core.devconf_inherit_init_net`` 0 (its
default) and 1; IPv6's only at 1 (and 3: from the namespace that makes it); at 2 nothing.
The router warning of hunt DL said r forwarded nothing; now a root write before r is made
counts for IPv4 as the kernel comes, and ``check``/``up`` say it where this host's mode,
or a root namespace that is not the kernel's first (a container), makes it not reach r."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import forwarding, scenario
from iplab.importer.convert import import_text
from iplab.plan import Plan, build
from iplab.state import after
from iplab.sysctl import copied_from_root
from tests.kernel import apart
from tests.pages import apart_env
from tests.test_hunt_dl_router_forwarding import IPV6, ROUTER, SAID


def _plan(text: str) -> Plan:
    return build(scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml"))


def _warnings(text: str) -> list[str]:
    return [str(w) for w in _plan(text).warnings if SAID in str(w)]


def _on_host(text: str, inherit: int | None) -> list[str]:
    setup = _plan(text).scenario.setup
    return [str(w) for w in forwarding.host_warnings(after(setup), setup, inherit)]


@pytest.mark.parametrize(
    "line",
    [
        "sysctl -w net.ipv4.ip_forward=1",
        "sysctl -w net.ipv4.conf.all.forwarding=1",
        "echo 1 > /proc/sys/net/ipv4/ip_forward",
        "sysctl -p /etc/sysctl.conf",  # (the page's: files loaded, any key)
    ],
)
def test_the_roots_ipv4_forwarding_before_the_router_is_made_reaches_it(line: str) -> None:
    assert _warnings(line + "\n" + ROUTER) == []


def test_the_roots_forwarding_written_after_the_router_is_made_does_not() -> None:
    """The copy is made once, when the namespace is: a later write of the root's is the
    root's alone."""
    said = _warnings(ROUTER + "sysctl -w net.ipv4.ip_forward=1\n")
    assert len(said) == 1 and "namespace r " in said[0], said


def test_the_roots_ipv6_forwarding_is_not_copied_at_the_kernels_default() -> None:
    said = _warnings("sysctl -w net.ipv6.conf.all.forwarding=1\n" + ROUTER + IPV6)
    assert len(said) == 1 and "fd01::1" in said[0], said
    assert "net.ipv6.conf.all.forwarding, written before it was made, does not reach it" in said[0]


@pytest.mark.parametrize(("inherit", "why"), [(2, "is 2 here"), (None, "not the kernel's first")])
def test_a_host_whose_mode_copies_nothing_is_told_so(inherit: int | None, why: str) -> None:
    text = "sysctl -w net.ipv4.ip_forward=1\n" + ROUTER
    said = _on_host(text, inherit)
    assert len(said) == 1 and SAID in said[0] and why in said[0], said
    assert "sysctl -w net.ipv4.ip_forward=1" in said[0], said  # (the fix)
    assert _on_host(text, 0) == [] and _on_host(text, 1) == [] and _on_host(text, 3) == []


def test_the_modes_as_the_kernel_reads_them() -> None:
    assert [copied_from_root(4, m) for m in (0, 1, 2, 3, None)] == [1, 1, 0, 1, 0]
    assert [copied_from_root(6, m) for m in (0, 1, 2, 3, None)] == [0, 1, 0, 1, 0]


def test_the_hosts_mode_is_read_and_a_namespace_not_the_first_is_told(tmp_path: Path) -> None:
    key, first = tmp_path / "devconf_inherit_init_net", tmp_path / "netdev_max_backlog"
    key.write_text("2\n")
    assert forwarding.host_inherit(key, first) == 2
    assert forwarding.host_inherit(tmp_path / "none", first) is None
    first.write_text("1000\n")  # (a kernel before 5.1, in its first namespace)
    assert forwarding.host_inherit(tmp_path / "none", first) == 0


@pytest.mark.kernel
def test_in_a_namespace_not_the_kernels_first_the_roots_write_does_not_reach(
    tmp_path: Path,
) -> None:
    """The kernel (read only): a namespace of the test's own, taken for the host, writes
    ip_forward=1 and makes r; r's is the kernel's first namespace's, not 1. ``iplab check``
    run there says so of the router (the plan, at the kernel's default, would not)."""
    lab = tmp_path / "lab.sh"
    lab.write_text("sysctl -w net.ipv4.ip_forward=1\n" + ROUTER)
    with open("/proc/sys/net/ipv4/ip_forward", encoding="ascii") as host:
        root = host.read().strip()
    done = apart(
        apart_env(tmp_path) + "sysctl -qw net.ipv4.ip_forward=1\n"
        "ip netns add dzxfw1\n"
        "echo new=$(ip netns exec dzxfw1 cat /proc/sys/net/ipv4/ip_forward)\n"
        "ip netns del dzxfw1\n"
        f"python3 -m iplab import {lab} -o {tmp_path}/lab.yaml\n"
        f"python3 -m iplab check -q {tmp_path}/lab.yaml\n"
    )
    assert f"new={root}\n" in done.stdout, done.stdout + done.stderr
    said = [line for line in done.stderr.splitlines() if SAID in line]
    assert len(said) == 1 and "not the kernel's first" in said[0], done.stderr
