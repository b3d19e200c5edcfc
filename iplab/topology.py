"""The declarative ``topology:`` form: say what the lab is, iplab plans the commands.

::

    topology:
      bridges: [br0]                  # or {name: br0, address: 10.0.0.254/24}
      namespaces: [ns1]               # or {name: ns1, lo: up}
      veths:
        - {name: v1, netns: ns1, peer: p1, bridge: br0, address: 10.0.0.1/24}
      star: {count: 500, bridge: br0, netns: "ns{i}", veth: "v{i}", peer: "p{i}"}
      chain: {count: 4, netns: "c{i}", subnet: 10.20.0.0/16}

The planner picks the forms that cost the kernel least, measured on this
machine: each veth end is created directly inside its namespace and up
(``ip link add v1 netns ns1 up type veth peer name p1``), its peer joins the
bridge and comes up in one line (``ip link set p1 master br0 up``), so a star
needs no process inside any namespace. The teardown deletes the namespaces
first (which destroys their veths and the peers on the bridge, cheaply) and
the bridges last. Only addresses and ``lo`` inside a namespace need a command
run there (``ip -n NS ...``, fed to ``ip -batch`` as ``netns exec``).

The result is ordinary steps: it renders, checks, runs, verifies, undoes and
draws like any other scenario.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from iplab import names
from iplab.errors import Location, ScenarioError
from iplab.fields import Fields
from iplab.steps import AddrAdd, LinkAdd, LinkDel, LinkSet, NetnsAdd, NetnsDel, Op, Step
from iplab.yamlio import YMap

Render = Callable[[Any, Location], Any]


@dataclass
class Veth:
    name: str
    netns: str | None
    peer: str
    peer_netns: str | None = None
    bridge: str | None = None
    address: str | None = None
    peer_address: str | None = None
    #: impairments of each end (tc netem/tbf), see :mod:`iplab.livesteps`
    impair: Any = None
    peer_impair: Any = None


@dataclass
class Topology:
    bridges: list[tuple[str, str | None]] = field(default_factory=list)
    namespaces: list[tuple[str, bool]] = field(default_factory=list)
    veths: list[Veth] = field(default_factory=list)


def _name(value: Any, loc: Location, check: Callable[[str], str | None]) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ScenarioError(f"must be a name, found {value!r}", loc)
    if problem := check(value):
        raise ScenarioError(problem, loc)
    return value


def _pattern(value: Any, default: str, loc: Location) -> str:
    text = default if value is None else value
    if not isinstance(text, str) or "{i}" not in text:
        raise ScenarioError(
            f"a name pattern needs {{i}} in it, as in 'ns{{i}}', found {text!r}", loc
        )
    return text


def _host(subnet: ipaddress.IPv4Network | ipaddress.IPv6Network, i: int, loc: Location) -> str:
    if i >= subnet.num_addresses - 1:
        raise ScenarioError(f"subnet {subnet} is too small for {i} addresses", loc)
    return f"{subnet.network_address + i}/{subnet.prefixlen}"


def _subnet(value: Any, loc: Location) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if value is None:
        return None
    try:
        return ipaddress.ip_network(str(value), strict=True)
    except ValueError:
        raise ScenarioError(f"subnet {value!r} is not a network like 10.0.0.0/24", loc) from None


def parse(data: Any, loc: Location, render: Render) -> Topology:
    """Read the ``topology:`` mapping (strings may use Jinja, like steps)."""
    if not isinstance(data, YMap):
        raise ScenarioError(
            "topology must be a mapping (bridges, namespaces, veths, star, chain)", loc
        )
    f = Fields(data, loc, render)
    topo = Topology()
    for value, where in f.items("bridges"):
        if isinstance(value, YMap):
            bf = Fields(value, where, render)
            topo.bridges.append(
                (bf.req_link("name"), bf.address("address") if bf.has("address") else None)
            )
            bf.finish()
        else:
            topo.bridges.append((_name(value, where, names.link_name_problem), None))
    for value, where in f.items("namespaces"):
        if isinstance(value, YMap):
            nf = Fields(value, where, render)
            topo.namespaces.append(
                (nf.req_netns("name"), nf.choice("lo", ("up", "down"), "down") == "up")
            )
            nf.finish()
        else:
            topo.namespaces.append((_name(value, where, names.netns_name_problem), False))
    for value, where in f.items("veths"):
        if not isinstance(value, YMap):
            raise ScenarioError("a veth is a mapping: {name, netns, peer, bridge, address}", where)
        vf = Fields(value, where, render)
        topo.veths.append(
            Veth(
                name=vf.req_link("name"),
                netns=vf.netns("netns"),
                peer=vf.req_link("peer"),
                peer_netns=vf.netns("peer_netns"),
                bridge=vf.link("bridge"),
                address=vf.address("address") if vf.has("address") else None,
                peer_address=vf.address("peer_address") if vf.has("peer_address") else None,
                impair=_impair(vf, "impair"),
                peer_impair=_impair(vf, "peer_impair"),
            )
        )
        vf.finish()
    if f.has("star"):
        _star(topo, f.raw("star"), f.where("star"), render)
    if f.has("chain"):
        _chain(topo, f.raw("chain"), f.where("chain"), render)
    f.used.update({"star", "chain"})
    f.finish()
    if not (topo.bridges or topo.namespaces or topo.veths):
        raise ScenarioError(
            "an empty topology", loc, "give it bridges, namespaces, veths, star or chain"
        )
    return topo


def _impair(f: Any, key: str) -> Any:
    from iplab.livesteps import topology_impair

    return topology_impair(f.raw(key), f.where(key)) if f.has(key) else None


@dataclass
class _Generator:
    """The fields star and chain share: how many, how things are named, lo, addresses."""

    count: int
    netns: str
    veth: str
    peer: str
    lo_up: bool
    subnet: ipaddress.IPv4Network | ipaddress.IPv6Network | None


def _generator(
    data: Any, loc: Location, render: Render, what: str, *, least: int, veth: str, peer: str
) -> tuple[_Generator, Any]:
    """Read the shared fields; the Fields are returned for the generator's own (then finish)."""
    if not isinstance(data, YMap):
        raise ScenarioError(f"{what} must be a mapping with a count", loc)
    f = Fields(data, loc, render)
    count = f.integer("count", None, least, 100_000)
    if count is None:
        raise ScenarioError(f"{what} needs a count of at least {least}", loc)
    gen = _Generator(
        count=count,
        netns=_pattern(f.text("netns"), "ns{i}", f.where("netns")),
        veth=_pattern(f.text("veth"), veth, f.where("veth")),
        peer=_pattern(f.text("peer"), peer, f.where("peer")),
        lo_up=f.choice("lo", ("up", "down"), "down") == "up",
        subnet=_subnet(f.text("subnet"), f.where("subnet")),
    )
    return gen, f


def _star(topo: Topology, data: Any, loc: Location, render: Render) -> None:
    """nsI holds vI, whose peer pI is a port of the bridge."""
    gen, f = _generator(data, loc, render, "star", least=1, veth="v{i}", peer="p{i}")
    bridge = f.link("bridge") or "br0"
    f.finish()
    if bridge not in {b for b, _ in topo.bridges}:
        topo.bridges.append((bridge, None))
    for i in range(1, gen.count + 1):
        ns = _name(gen.netns.format(i=i), loc.at("netns"), names.netns_name_problem)
        topo.namespaces.append((ns, gen.lo_up))
        topo.veths.append(
            Veth(
                name=_name(gen.veth.format(i=i), loc.at("veth"), names.link_name_problem),
                netns=ns,
                peer=_name(gen.peer.format(i=i), loc.at("peer"), names.link_name_problem),
                bridge=bridge,
                address=_host(gen.subnet, i, loc) if gen.subnet else None,
            )
        )


def _chain(topo: Topology, data: Any, loc: Location, render: Render) -> None:
    """ns1 - ns2 - ... - nsN: a veth between each pair of neighbours, in a /30 of its own."""
    gen, f = _generator(data, loc, render, "chain", least=2, veth="c{i}a", peer="c{i}b")
    f.finish()
    spaces = [
        _name(gen.netns.format(i=i), loc.at("netns"), names.netns_name_problem)
        for i in range(1, gen.count + 1)
    ]
    topo.namespaces.extend((ns, gen.lo_up) for ns in spaces)
    for i in range(1, gen.count):
        topo.veths.append(
            Veth(
                name=_name(gen.veth.format(i=i), loc.at("veth"), names.link_name_problem),
                netns=spaces[i - 1],
                peer=_name(gen.peer.format(i=i), loc.at("peer"), names.link_name_problem),
                peer_netns=spaces[i],
                address=_host(gen.subnet, 4 * i - 3, loc) if gen.subnet else None,
                peer_address=_host(gen.subnet, 4 * i - 2, loc) if gen.subnet else None,
            )
        )


# -- planning -------------------------------------------------------------------------------------


def _titled(ops: list[Op], title: str, loc: Location, phase: Any) -> list[Step]:
    return [
        Step(op=op, loc=loc, phase=phase, title=title if i == 0 else None)
        for i, op in enumerate(ops)
    ]


def _impairments(topo: Topology) -> list[Op]:
    from iplab.livesteps import impair_op

    out = []
    for v in topo.veths:
        if v.impair is not None:
            out.append(impair_op(v.netns, v.name, v.impair))
        if v.peer_impair is not None:
            out.append(impair_op(v.peer_netns, v.peer, v.peer_impair))
    return out


def plan(topo: Topology, loc: Location) -> tuple[list[Step], list[Step]]:
    """(setup, teardown) steps in the kernel-cheap forms."""
    where = loc.at("topology")
    bridges: list[Op] = [LinkAdd(name=b, type="bridge", up=True) for b, _ in topo.bridges]
    bridges += [AddrAdd(address=a, dev=b) for b, a in topo.bridges if a]
    spaces: list[Op] = [NetnsAdd(name=ns) for ns, _ in topo.namespaces]
    spaces += [
        LinkSet(ns=ns, ns_form="-n", dev="lo", attrs=(("state", "up"),))
        for ns, lo_up in topo.namespaces
        if lo_up
    ]
    setup: list[Op] = []
    for v in topo.veths:
        # the namespace end is born inside its namespace and up; the peer cannot be born up
        # (the kernel refuses), so it comes up with its bridge in one line
        setup.append(
            LinkAdd(
                name=v.name,
                type="veth",
                peer=v.peer,
                netns=v.netns,
                up=True,
                peer_netns=v.peer_netns,
            )
        )
        attrs: list[tuple[str, str | None]] = []
        if v.bridge:
            attrs.append(("master", v.bridge))
        attrs.append(("state", "up"))
        setup.append(LinkSet(ns=v.peer_netns, ns_form="-n", dev=v.peer, attrs=tuple(attrs)))
        if v.address:
            setup.append(AddrAdd(ns=v.netns, ns_form="-n", address=v.address, dev=v.name))
        if v.peer_address:
            setup.append(AddrAdd(ns=v.peer_netns, ns_form="-n", address=v.peer_address, dev=v.peer))
    setup += _impairments(topo)
    first: list[Op] = [NetnsDel(name=ns) for ns, _ in topo.namespaces]
    in_root = [v for v in topo.veths if v.netns is None and v.peer_netns is None]
    last: list[Op] = [LinkDel(dev=v.name) for v in in_root]
    last += [LinkDel(dev=bridge) for bridge, _ in topo.bridges]
    return (
        _titled(bridges, "Bridges, created up", where, "setup")
        + _titled(spaces, "Namespaces", where, "setup")
        + _titled(
            setup,
            "veth pairs: each end born in its namespace, the peer on its bridge",
            where,
            "setup",
        ),
        _titled(
            first, "Deleting the namespaces destroys their veths and the peers", where, "teardown"
        )
        + _titled(last, "Then what is left in the root namespace", where, "teardown"),
    )
