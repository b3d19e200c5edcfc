"""Hunt BF: one lab, many spellings (a differential hunt).

``tests/fixtures/one-lab-many-ways/`` holds the lab of "Container Networking: Part Two"
(two namespaces, a veth pair each, the root ends on a bridge; then an address and a default
route in each namespace, and a ping across) written as eighteen authors would: short forms
(``ip l a``, ``ip -n ns1 a a``), renames to eth0, ``brctl``, a ``for`` loop, ``bash -c``
blocks, ``nsenter``, every kind of prompt with output pasted in, ``ifconfig ... netmask`` and
``route add``, variables under ``set -e`` with a cleanup, ``-4``, no sudo, ``sudo sh -c``,
``master br0 up`` and ``netns ns1 up`` in one line, here-documents and ``ip -batch -``,
CRLF line ends, renames in a ``for`` loop on one prompt line, ``brctl`` and ``ifconfig``
in the root namespace too.

Each imports, comes up under a prefix of its own, and the kernel then holds, field for
field and modulo names, what ``00-reference-plus-addresses.md`` makes (which is the bundled
``container-networking-part2`` scenario's lab plus the addresses and routes: its links,
bridge and ports are compared with that scenario's too); then it goes down and nothing is
left. :func:`shape` reads a lab from the kernel with every name replaced by its role.

Found: ``ping -4 -c 1 ADDR`` was no probe (the ping claim went unjudged), and a namespace
whose address ``ifconfig X ADDR netmask M up`` gave was unknown to the model (verify skipped
both namespaces; the ping was "not an address the input assigns"), nor in the root
namespace on the lab's own links (``ifconfig br0 up``: verify compared nothing).
"""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from iplab import nettools
from iplab.errors import ScenarioError
from iplab.importer.convert import detect_kind, import_text
from iplab.lineparse import classify
from iplab.model import ModelError
from iplab.plan import build
from iplab.render import renderer
from iplab.scenario import load_text
from iplab.state import after
from iplab.steps import Probe, ping_options
from tests.conftest import FIXTURES
from tests.kernel import SKIP, cleanup_prefix, iplab

LAB = FIXTURES / "one-lab-many-ways"
VARIANTS = sorted(p for p in LAB.iterdir() if p.name[:2].isdigit())
CANON = LAB / "00-reference-plus-addresses.md"

#: the variants whose ping is no probe, and why (the others' pings are judged)
NOT_A_PROBE = {
    "07-prompts-and-output.md": "ping without -c, stopped with ^C: a step stopped after 3",
    "12-sudo-sh-c-and-bridge-cmd.md": "ping ... && echo works: a shell line",
}


def _imported(page: Path) -> Any:
    text = page.read_text()
    return import_text(text, detect_kind(str(page), text), str(page))


@pytest.mark.parametrize("page", VARIANTS, ids=lambda p: p.stem)
def test_each_spelling_imports_with_its_ping_judged(page: Path) -> None:
    result = _imported(page)
    assert result.model_error is None, result.model_error
    said = "\n".join(result.warnings)
    assert "not an address the input assigns" not in said, said
    if page.name not in NOT_A_PROBE:
        assert result.yaml.count("action: probe") == 1, result.yaml
    # the model follows every object of the lab (verify compares them all)
    held = repr(after(load_text(result.yaml, f"{page.stem}.yaml").steps))
    assert "unknown=True" not in held and "opaque=0" in held, held


@pytest.mark.parametrize(
    ("line", "options"),
    [
        ("ip netns exec a ping -4 -c 1 10.0.0.2", "-4 -c 1"),
        ("ip netns exec a ping -c 2 -4 -W 1 10.0.0.2", "-c 2 -4 -W 1"),
        ("ip netns exec a ping -4 -c 1 2001:db8::2", None),  # ping -4 of IPv6: it fails
        ("ip netns exec a ping -4 -6 -c 1 2001:db8::2", None),  # ping refuses both
        ("ip netns exec a ping6 -4 -c 1 2001:db8::2", None),
    ],
)
def test_ping_minus_4_is_a_probe_of_an_ipv4_address(line: str, options: str | None) -> None:
    """``ping -4 -c 1 10.0.0.2`` (10-family-options.md) was kept as ``netns exec``: the
    page's ping went unjudged where ``ping -c 1 10.0.0.2`` was a probe."""
    op = classify(line).op
    if options is None:
        assert not isinstance(op, Probe), op
    else:
        assert isinstance(op, Probe) and op.options == options, op
        assert renderer().text(op) == line


def test_a_scenario_probe_may_say_minus_4_but_not_of_an_ipv6_address() -> None:
    with pytest.raises(ValueError, match="-4 and -6"):
        ping_options(["-4", "-6", "-c", "1"])
    steps = "  - action: netns add\n    name: a\n  - action: probe\n    in: a\n"
    text = f"name: p\nsetup:\n{steps}    target: {{t}}\n    options: -4 -c 1\n"
    assert load_text(text.format(t="10.0.0.2"), "p.yaml")
    with pytest.raises(ScenarioError, match=r"options: -4: 2001:db8::1 is an IPv6 address"):
        load_text(text.format(t='"2001:db8::1"'), "p.yaml")


@pytest.mark.parametrize(
    ("command", "lines"),
    [
        (
            "ifconfig vethX 10.0.0.1 netmask 255.255.255.0 up",
            ["ip addr add 10.0.0.1/24 dev vethX", "ip link set vethX up"],
        ),
        ("sudo ifconfig eth0 10.1.2.3/16", ["ip addr add 10.1.2.3/16 dev eth0"]),
        ("ifconfig eth0 10.1.2.3", ["ip addr add 10.1.2.3/8 dev eth0"]),  # its class's
        ("ifconfig eth0 192.168.7.1", ["ip addr add 192.168.7.1/24 dev eth0"]),
        ("ifconfig lo up", ["ip link set lo up"]),
        ("route add default dev vethX", ["ip route add default dev vethX"]),
        ("route -n add default gw 10.0.0.254", ["ip route add default via 10.0.0.254"]),
        ("route add default gw 10.0.0.254 eth0", ["ip route add default via 10.0.0.254 dev eth0"]),
        (
            "route add -net 10.2.0.0 netmask 255.255.0.0 gw 10.0.0.9",
            ["ip route add 10.2.0.0/16 via 10.0.0.9"],
        ),
        ("route -A inet add -net 10.2.0.0/16 dev eth0", ["ip route add 10.2.0.0/16 dev eth0"]),
        ("ifconfig eth0 mtu 1400", ["ip link set eth0 mtu 1400"]),  # (hunt BL)
        ("ifconfig eth0:1 10.0.0.9 up", None),
        ("ifconfig eth0 10.0.0.1 netmask 0.0.0.255", None),
        ("ifconfig eth0 10.0.0.1 broadcast 10.0.0.255", None),
        (  # (hunt BL; it was None)
            "ifconfig eth0 hw ether 02:00:00:00:00:01",
            ["ip link set eth0 address 02:00:00:00:00:01"],
        ),
        ("ifconfig eth0 hw ether 01:00:00:00:00:01", None),  # (multicast: ifconfig refuses)
        ("ifconfig -a", None),
        ("route del default", None),
        ("route add -host 10.0.0.9 dev eth0", None),
        ("route add -net 10.2.0.1 netmask 255.255.0.0 dev eth0", None),  # host bits: route refuses
        ("ifconfig eth0 224.0.0.1", None),
        # it deletes the (first) address, a bridge port's: the model checks there is one at
        # most (hunt BL; it was None, the model unsure)
        ("ifconfig eth0 0.0.0.0", ["ip -4 addr flush dev eth0"]),
        ("ifconfig eth0 0.0.0.0 up", ["ip -4 addr flush dev eth0", "ip link set eth0 up"]),
    ],
)
def test_net_tools_lines_read_as_the_ip_lines_they_equal(
    command: str, lines: list[str] | None
) -> None:
    assert nettools.as_ip(command) == lines


def _model(*lines: str) -> str:
    """What ``iplab check`` says the model holds after ``lines`` (a scenario of them)."""
    steps = "\n".join(f"  - line: {line}" for line in lines)
    loaded = load_text(f"name: m\nsetup:\n{steps}\n", "m.yaml")
    build(loaded)  # (the model's refusal)
    return repr(after(loaded.steps))


def test_a_namespace_given_its_address_by_ifconfig_stays_known_to_the_model() -> None:
    """08-ifconfig-netmask.md: the model followed neither namespace after ``ip netns exec
    ns1 ifconfig vethX 10.0.0.1 netmask 255.255.255.0 up`` (verify skipped both)."""
    made = ["ip netns add a", "ip link add va type veth peer name vb", "ip link set va netns a"]
    held = _model(*made, "ip netns exec a ifconfig va 10.0.0.1 netmask 255.255.255.0 up",
                  "ip netns exec a route add default dev va")  # fmt: skip
    assert "10.0.0.1/24" in held and "unknown=True" not in held, held
    # a second address: ifconfig changes the first (no ip line equals it): as before
    held = _model(
        *made, "ip -n a addr add 10.0.0.1/24 dev va", "ip netns exec a ifconfig va 10.0.0.2"
    )
    assert "unknown=True" in held, held
    held = _model(*made, "ip netns exec a ifconfig va 0.0.0.0 up")  # (it takes addresses away:
    assert "0.0.0.0" not in held and "unknown=True" not in held, held  # none here, hunt BL)
    with pytest.raises(ModelError, match=r"10\.9\.9\.9"):  # the model judges it as ip's line
        _model(
            *made,
            "ip -n a link set va up",
            "ip netns exec a route add -net 10.5.0.0/24 gw 10.9.9.9",
        )


# --- the kernel: each spelling's lab, read back modulo names --------------------------


def _ipj(*args: str, ns: str | None = None) -> list[dict[str, Any]]:
    argv = ["ip", *(["-n", ns] if ns else []), "-j", *args]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    return list(json.loads(out)) if out.strip() else []


def _kind(link: dict[str, Any]) -> str:
    if link["ifname"] == "lo":
        return "lo"
    return str((link.get("linkinfo") or {}).get("info_kind", link.get("link_type")))


def shape(prefix: str) -> dict[str, Any]:
    """What the kernel holds of the lab whose names start with ``prefix``, every name
    replaced by its role: a namespace by the IPv4 addresses of its links, a link by its
    kind (``lo``, ``veth``, ``bridge``), a veth's peer by where it is (a bridge's port).
    Per namespace: each link's up flag, operstate, mtu, addresses (scope, broadcast), peer,
    and the routes of the main and local tables (IPv4) and of IPv6's main one."""
    spaces = sorted(n["name"] for n in _ipj("netns", "list") if n["name"].startswith(prefix))
    root = {
        str(k["ifname"]): k for k in _ipj("-d", "link", "show") if k["ifname"].startswith(prefix)
    }
    held = {ns: _ipj("-d", "addr", "show", ns=ns) for ns in spaces}
    role = {
        ns: "ns["
        + ",".join(
            sorted(
                a["local"]
                for k in held[ns]
                if k["ifname"] != "lo"
                for a in k.get("addr_info", [])
                if a["family"] == "inet"
            )
        )
        + "]"
        for ns in spaces
    }
    out: dict[str, Any] = {"spaces": []}
    for ns in spaces:
        kinds = {str(k["ifname"]): _kind(k) for k in held[ns]}
        entry: dict[str, Any] = {}
        for k in held[ns]:
            peer = None
            if "link_index" in k:
                port = [r for r in root.values() if r["ifindex"] == k["link_index"]]
                peer = f"port:{bool(port[0].get('master'))}" if port else "elsewhere"
            entry[kinds[str(k["ifname"])]] = {
                "up": "UP" in k["flags"],
                "operstate": k.get("operstate"),
                "mtu": k["mtu"],
                "peer": peer,
                "addrs": sorted(
                    f"{a['local']}/{a['prefixlen']} {a.get('scope')} brd={a.get('broadcast')}"
                    for a in k.get("addr_info", [])
                    if not a["local"].startswith("fe80")
                ),
            }
        routes = _ipj("-4", "route", "show", "table", "all", ns=ns) + _ipj("-6", "route", ns=ns)
        entry["routes"] = sorted(
            f"{r.get('table', 'main')} {r['dst']} dev={kinds.get(r.get('dev', ''))}"
            f" via={r.get('gateway')} proto={r.get('protocol')} scope={r.get('scope')}"
            f" src={r.get('prefsrc')} type={r.get('type')}"
            for r in routes
            if not r["dst"].startswith(("fe80", "ff00"))
        )
        out["spaces"].append({role[ns]: entry})
    out["spaces"].sort(key=lambda d: json.dumps(d, sort_keys=True))
    for name, k in sorted(root.items()):
        if _kind(k) == "bridge":
            ports = [
                next(
                    (
                        role[ns]
                        for ns in spaces
                        for p in held[ns]
                        if p.get("link_index") == r["ifindex"]
                        and r.get("link_index") == p["ifindex"]
                    ),
                    "?",
                )
                for r in root.values()
                if r.get("master") == name
            ]
            out["bridge"] = {"up": "UP" in k["flags"], "mtu": k["mtu"], "ports": sorted(ports)}
        else:
            out.setdefault(_kind(k), []).append(
                {"up": "UP" in k["flags"], "master": bool(k.get("master")), "mtu": k["mtu"]}
            )
    return out


def skeleton(held: dict[str, Any]) -> dict[str, Any]:
    """A shape's objects and where they are, without addresses, routes or states: what
    the bundled scenario (no addresses) and a spelling of the lab with them share."""
    return {
        "spaces": sorted(
            json.dumps({k: v["peer"] for k, v in entry.items() if k != "routes"}, sort_keys=True)
            for space in held["spaces"]
            for entry in space.values()
        ),
        "bridge ports": len(held.get("bridge", {}).get("ports", [])),
        "root veths": [v["master"] for v in held.get("veth", [])],
    }


def _up_read_down(scenario: Path, prefix: str, state: Path) -> dict[str, Any]:
    """``iplab up`` the scenario under ``prefix``, read its shape, ``iplab down``; nothing
    of it may be left."""
    try:
        up = iplab("up", str(scenario), "--prefix", prefix, "--lab", prefix, state=state)
        assert up.returncode == 0, up.stdout + up.stderr
        assert "FAIL" not in up.stdout, up.stdout
        held = shape(prefix)
        down = iplab("down", prefix, state=state)
        assert down.returncode == 0, down.stdout + down.stderr
        assert cleanup_prefix(prefix, prefix[:3]) == [], f"{prefix}: left after down"
        return held
    finally:
        cleanup_prefix(prefix, prefix[:3])


@pytest.fixture(scope="module")
def family() -> Iterator[str]:
    """This module's own prefix family (``ipt`` + 2 hex; a lab adds 2 more)."""
    if SKIP:
        pytest.skip(SKIP)
    value = f"ipt{uuid.uuid4().hex[:2]}"
    yield value
    for name in [*(n["name"] for n in _ipj("netns", "list")), *(k["ifname"] for k in _ipj("link"))]:
        if str(name).startswith(value):  # a finalizer: what a failed test left
            cleanup_prefix(str(name)[:7], "ipt")


@pytest.fixture(scope="module")
def expected(family: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The canonical page's shape, and the bundled scenario's skeleton."""
    state = tmp_path_factory.mktemp("state")
    out = tmp_path_factory.mktemp("canon") / "lab.yaml"
    out.write_text(_imported(CANON).yaml)
    bundled = Path(__file__).resolve().parent.parent / "scenarios/container-networking-part2.yaml"
    return {
        "canon": _up_read_down(out, f"{family}f0", state),
        "bundled": skeleton(_up_read_down(bundled, f"{family}f1", state)),
    }


@pytest.mark.kernel
@pytest.mark.parametrize("page", VARIANTS, ids=lambda p: p.stem)
def test_each_spelling_makes_the_same_lab(
    page: Path, family: str, expected: dict[str, Any], tmp_path: Path
) -> None:
    scenario = tmp_path / "lab.yaml"
    scenario.write_text(_imported(page).yaml)
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    held = _up_read_down(scenario, f"{family}{page.name[:2]}", state)
    assert skeleton(held) == expected["bundled"]
    canon = expected["canon"]
    if "ifconfig veth" in page.read_text():  # ifconfig ADDR gives a broadcast address too
        said = re.sub(r"(10\.0\.0\.\d/24 global) brd=None", r"\1 brd=10.0.0.255", json.dumps(canon))
        canon = json.loads(said)
    assert json.dumps(held, indent=1, sort_keys=True) == json.dumps(canon, indent=1, sort_keys=True)
