"""Hunt DJ #5: a page gives the host's end of its veth an address in the root namespace
(oneuptime, "Create a Network Namespace with an IPv4 Stack": ``sudo ip addr add
10.0.0.1/24 dev veth0``). On a host whose own network is 10.0.0.0/16 (a cloud's private
network, its resolver at 10.0.0.2), the lab's connected /24 is the longer match: while the
lab is up the host's traffic to its neighbours and its resolver goes into the lab's veth.

Before, nothing said so: the run (and its dry run) went ahead. Now the host's own subnets
are read before the first step (its links' addresses, the routes through them) and a
root-namespace address or route of the lab that overlaps one is refused, naming both;
``--no-preflight`` runs it anyway. The host is faked here (a snapshot as the netlink read
gives it): no test changes this host's addresses."""

from __future__ import annotations

import ipaddress
from collections.abc import Collection
from pathlib import Path

import pytest

from iplab import hostsubnets, scenario, sentinel
from iplab.cli import main
from iplab.importer.convert import detect_kind, import_text
from iplab.model import ModelError
from iplab.plan import Plan, build
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-dj" / "dj01-oneuptime-ipv4-stack-host-veth0-bash.md"


def _host(*addresses: str, routes: tuple[str, ...] = ()) -> sentinel.Snapshot:
    link = sentinel.HostLink(
        2, "eth0", 0, 1500, 1000, None, "02:00:00:00:00:01", frozenset(addresses)
    )
    return sentinel.Snapshot({2: link}, frozenset(routes), frozenset())


def _yaml() -> str:
    text = PAGE.read_text(encoding="utf-8")
    return import_text(text, detect_kind(PAGE.name, text), PAGE.name).yaml


def _plan(prefix: str = "djt") -> Plan:
    return build(scenario.load_text(_yaml(), "lab.yaml"), prefix=prefix)


def test_the_hosts_own_subnet_is_refused_naming_both() -> None:
    plan = _plan()
    found = hostsubnets.clash(plan, hostsubnets.host_networks(_host("10.0.0.5/16")))
    assert isinstance(found, ModelError)
    said = str(found)
    assert "`sudo ip addr add 10.0.0.1/24 dev djtveth0` puts 10.0.0.0/24" in said
    assert "10.0.0.0/16 through its own link (eth0's address 10.0.0.5/16)" in said
    assert "--no-preflight" in said


def test_a_host_of_another_network_is_let_through() -> None:
    plan = _plan()
    host = _host(
        "192.0.2.2/24", "fe80::1/64", routes=("default via 192.0.2.1 dev eth0 table main",)
    )
    assert hostsubnets.clash(plan, hostsubnets.host_networks(host)) is None


def test_a_route_of_the_host_counts_too() -> None:
    host = _host("192.0.2.2/24", routes=("10.0.0.0/8 via 192.0.2.1 dev eth0 table main",))
    nets = hostsubnets.host_networks(host)
    assert [str(net) for _, net in nets] == ["192.0.2.0/24", "10.0.0.0/8"]
    assert hostsubnets.clash(_plan(), nets) is not None


def test_a_shorter_prefix_leaves_the_hosts_subnet_to_its_route() -> None:
    """Hunt AF's ``ip route add blackhole 128.0.0.0/1`` on a host of 192.0.2.0/24: the
    host's own, longer route still takes its subnet's traffic (the run undoes the rest)."""
    longer = [("eth0's address 10.0.0.5/25", ipaddress.ip_network("10.0.0.0/25"))]
    assert hostsubnets.clash(_plan(), longer) is None  # (the lab's is 10.0.0.0/24)
    same = [("eth0's address 10.0.0.5/24", ipaddress.ip_network("10.0.0.0/24"))]
    assert hostsubnets.clash(_plan(), same) is not None  # (two links, one prefix)


def test_the_dry_run_refuses_before_anything_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def read(_lab_links: Collection[str]) -> sentinel.Snapshot:
        return _host("10.0.0.5/16")

    monkeypatch.setattr(sentinel, "snapshot", read)
    monkeypatch.setenv("IPLAB_STATE_DIR", str(tmp_path / "state"))
    lab = tmp_path / "lab.yaml"
    lab.write_text(_yaml(), encoding="utf-8")
    assert main(["run", str(lab), "--prefix", "djt", "--dry-run"]) != 0
    said = capsys.readouterr()
    assert "DRY RUN" not in said.out
    assert "puts 10.0.0.0/24 in the host's root namespace" in said.err
    assert main(["run", str(lab), "--prefix", "djt", "--dry-run", "--no-preflight"]) == 0
