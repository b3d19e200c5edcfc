"""Verify reads back the sysctls a lab writes in its namespaces (iplab/sysctlcheck.py).

A router namespace's ``sysctl -w net.ipv4.ip_forward=1`` is the line whose loss breaks the
commonest lab of all; verify said "sysctls of rt not compared" and OK when forwarding was
off. Now the model keeps what the lab wrote (keys of the namespace that name no device),
and verify compares it with what the kernel shows.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from iplab import scenario, sysctlcheck
from iplab.names import ROOT
from iplab.plan import build, expected_state
from iplab.sysctl import followed_key, followed_writes_in
from iplab.verify import verdict, written_sysctls
from tests.kernel import apart
from tests.pages import imported_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROUTER = FIXTURES / "ip" / "hunt-O-04-router-names.md"


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("net.ipv4.ip_forward", "net/ipv4/ip_forward"),
        ("net/ipv4/ip_forward", "net/ipv4/ip_forward"),
        ("net.ipv4.conf.all.forwarding", "net/ipv4/ip_forward"),  # one value, two names
        ("net.ipv6.conf.all.forwarding", "net/ipv6/conf/all/forwarding"),
        ("net.ipv4.conf.default.rp_filter", "net/ipv4/conf/default/rp_filter"),
        ("net.ipv4.conf.veth0.rp_filter", None),  # a device's: goes with it
        ("net.ipv6.conf.eth0.disable_ipv6", None),
        ("net.ipv4.neigh.veth0.gc_stale_time", None),
        ("kernel.pid_max", None),  # the host's, not the namespace's
        ("net.core", None),
    ],
)
def test_which_keys_are_followed(key: str, path: str | None) -> None:
    assert followed_key(key) == path


def followed_writes(command: str) -> list[tuple[str, str]]:
    return [(path, value) for _ns, path, value in followed_writes_in(command)]


def test_writes_are_read_through_a_shell_and_values_normalised() -> None:
    assert followed_writes("sysctl -w net.ipv4.ip_forward=1") == [("net/ipv4/ip_forward", "1")]
    assert followed_writes("echo 1 > /proc/sys/net/ipv4/ip_forward") == [
        ("net/ipv4/ip_forward", "1")
    ]
    assert followed_writes("bash -c 'sysctl -w net.ipv4.ip_forward=1'") == [
        ("net/ipv4/ip_forward", "1")
    ]
    assert followed_writes("sysctl -w net.ipv4.conf.veth0.rp_filter=0") == []
    assert followed_writes("sysctl net.ipv4.ip_forward") == []  # a read


def test_the_captured_read_is_parsed() -> None:
    """tests/fixtures/sysctls/read.txt (tests/fixtures/capture_sysctls.py, a real run): two
    values of one key shown with a tab, a key the kernel lacks, a namespace gone."""
    got = sysctlcheck.parse_sysctls((FIXTURES / "sysctls" / "read.txt").read_text())
    assert got == {
        "iptscA": {"net/ipv4/ip_forward": "1", "net/ipv4/ip_local_port_range": "20000 30000"},
        "iptscB": {"net/ipv4/ip_forward": "0"},
        ROOT: {"net/ipv4/ip_forward": "0"},
    }


def _expected(text: str):  # type: ignore[no-untyped-def]
    return expected_state(build(scenario.load_text(text, "lab.yaml"), prefix="ipsc"))


LAB = """\
name: lab
setup:
  - line: ip netns add r
  - line: ip netns exec r sysctl -w net.ipv4.ip_forward=1
  - line: ip netns exec r sysctl -w net.ipv4.conf.all.forwarding=0 net.ipv4.conf.lo.rp_filter=0
"""


def test_the_model_keeps_the_last_value_written_of_each_key() -> None:
    expected = _expected(LAB)
    assert written_sysctls(expected) == {"ipscr": {"net/ipv4/ip_forward": "0"}}
    said = verdict(expected)
    assert "(1 namespace, 1 link, 1 sysctl; other sysctls of ipscr not compared)" in said, said


def test_not_compared_after_a_step_of_unknown_effect_or_a_namespace_made_again() -> None:
    opaque = LAB + "  - {action: raw, command: ./tune-the-router.sh}\n"
    assert written_sysctls(_expected(opaque)) == {}
    again = LAB + "  - line: ip netns del r\n  - line: ip netns add r\n"
    assert written_sysctls(_expected(again)) == {}


@pytest.mark.kernel
def test_verify_says_a_router_that_stopped_forwarding(tmp_path: Path) -> None:
    """A real page's router (rt: ``sysctl -w net.ipv4.ip_forward=1``): up verifies it, and
    forwarding turned off by hand is a difference, named, in --json too. Apart (a network
    namespace of its own): the page numbers rt 105, which another namespace of the host
    may have."""
    lab = imported_file(ROUTER, tmp_path)
    p, state = "ipsc", tmp_path / "state"
    iplab_ = f"{sys.executable} -m iplab"
    run = apart(
        f"cd {tmp_path}\n"
        f"{iplab_} up {lab} --prefix {p} --state-dir {state} >up.out 2>&1; echo up=$?\n"
        f"ip netns exec {p}rt sysctl -qw net.ipv4.ip_forward=0\n"
        f"{iplab_} verify {lab} --prefix {p} --state-dir {state} >verify.out 2>&1\n"
        "echo verify=$?\n"
        f"{iplab_} verify {lab} --prefix {p} --state-dir {state} --json >json.out\n"
        "name=$(sed -n 's/.*(undo with: iplab down \\(.*\\))$/\\1/p' up.out)\n"
        f"{iplab_} down $name --state-dir {state}; echo down=$?\n",
        timeout=120,
    )
    up = (tmp_path / "up.out").read_text()
    assert "up=0" in run.stdout and "1 sysctl;" in up, run.stdout + run.stderr + up
    verify = (tmp_path / "verify.out").read_text()
    assert "verify=1" in run.stdout, run.stdout + verify
    assert f"sysctl net.ipv4.ip_forward@{p}rt.value: expected 1, found 0" in verify, verify
    found = json.loads((tmp_path / "json.out").read_text())
    assert found["differences"] == [
        {"object": f"sysctl net.ipv4.ip_forward@{p}rt", "field": "value", "kind": "sysctl",
         "namespace": f"{p}rt", "expected": "1", "found": "0"}
    ], found  # fmt: skip
    assert found["expected"]["sysctls"] == 1, found
    assert "down=0" in run.stdout, run.stdout + run.stderr


def test_uncompared_sysctls_beside_counted_ones_are_the_other_ones() -> None:
    """Hunt BY's p4: a namespace whose forwarding is compared and whose devices' proxy_arp
    is not was said "3 sysctls; sysctls of r not compared", as if none were compared."""
    lab = LAB.replace(
        "net.ipv4.conf.all.forwarding=0 net.ipv4.conf.lo.rp_filter=0",
        "net.ipv4.conf.lo.rp_filter=0",
    )
    said = verdict(_expected(lab))
    assert "(1 namespace, 1 link, 1 sysctl; other sysctls of ipscr not compared)" in said, said
