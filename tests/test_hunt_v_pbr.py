"""IPv6 and policy-routing pages of hunt V: routing tables named in rt_tables, and the host
file a lab appends a table's name to.

The inputs are the hunt's own files (tests/fixtures/ipv6-pbr). No test writes the host's
/etc/iproute2/rt_tables: the files written are under the test's temporary directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.errors import ScenarioError
from iplab.hostfiles import file_writes
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.prefix import with_prefix
from iplab.render import renderer
from iplab.scenario import load_text

HERE = Path(__file__).parent / "fixtures" / "ipv6-pbr"


def _import(path: Path) -> ImportResult:
    text = path.read_text(encoding="utf-8")
    return import_text(text, detect_kind(path.name, text), path.name)


def test_a_table_named_only_if_missing_is_put_back_not_said_as_cannot_undo() -> None:
    """Hunt V: ``grep -q "^101 vpn" /etc/iproute2/rt_tables || echo "101 vpn" >>
    /etc/iproute2/rt_tables`` was listed by the import and the dry run as a step iplab
    cannot undo, while the same dry run ended "and put back ... /etc/iproute2/rt_tables":
    grep was not known to only read. ``ip route flush cache`` was listed too, though it
    changes nothing that needs undoing."""
    result = _import(HERE / "07-root-pbr-gist.sh")
    assert not result.cannot_undo, result.cannot_undo
    assert "cannot undo" not in result.summary()
    line = 'grep -q "^101 vpn" /etc/iproute2/rt_tables || echo "101 vpn" >> /etc/iproute2/rt_tables'
    writes = file_writes(line)
    assert writes is not None and writes.complete


def _renamed_lines(path: Path, prefix: str) -> list[str]:
    scenario = load_text(_import(path).yaml, path.name + ".yaml")
    render = renderer()
    return [render.text(step.op) for step in with_prefix(scenario, prefix).steps]


def test_prefix_leaves_a_routing_table_named_as_a_namespace_alone() -> None:
    """Hunt V: with ``--prefix hV`` the StackExchange answer was refused ("the line '...
    table hVisp2' does not read as the renamed command"): its namespace isp2 and its
    routing table isp2 share a name, and the table's name was renamed in ``table isp2``,
    ``lookup isp2`` and in the line it writes to rt_tables. A table is no namespace: its
    name stays, the namespace's is renamed."""
    lines = _renamed_lines(HERE / "02-pbr-stackexchange.md", "hV")
    assert 'echo "100 isp2" >> /etc/iproute2/rt_tables' in lines
    assert "ip -n hVgw rule add from 10.0.1.0/24 table isp2 priority 1000" in lines
    assert "ip -n hVgw route add default via 198.51.100.1 dev hVveth-isp2 table isp2" in lines
    assert "ip -n hVisp2 addr add 198.51.100.1/30 dev hVup0" in lines
    gist = _renamed_lines(HERE / "07-root-pbr-gist.sh", "hV")
    assert (
        'grep -q "^101 vpn" /etc/iproute2/rt_tables || echo "101 vpn" >> /etc/iproute2/rt_tables'
        in gist
    )
    assert "ip rule add from 172.31.255.1 lookup vpn prio 101" in gist
    assert "ip route add default via 172.31.255.2 dev hVv-host table vpn" in gist
    assert "ip netns add hVvpn" in gist


def test_prefix_refusal_says_which_name_clashed() -> None:
    """Hunt V: the refusal said only "a name is also a word of the command"; it now names
    the name and what it is (here a namespace named lo, whose link lo was renamed too)."""
    text = "name: lo\nsetup:\n  - line: ip netns add lo\n  - line: ip -n lo link set lo up\n"
    scenario = load_text(text, "lo.yaml")
    with pytest.raises(ScenarioError, match="'lo' is a namespace of the lab and also another"):
        with_prefix(scenario, "hV")
