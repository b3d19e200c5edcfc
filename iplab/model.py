"""A pure model of the kernel's network state, and what each op does to it.

The same :class:`State` type holds what the model expects (built by applying
ops, starting from an empty host) and what the kernel holds (parsed from
``ip -j``, see :mod:`iplab.iproute`), so that verifying is a diff of two States.

Facts of this kernel the model follows (each has a test):

* a new namespace holds only ``lo``, administratively down;
* a link moved into another namespace arrives there administratively down,
  without addresses and without a master;
* deleting one end of a veth deletes its peer too, wherever it is;
* deleting a namespace destroys the virtual links inside it (and so the
  peers of its veths);
* a bridge cannot change namespace, cannot be a port of a bridge, and holds
  at most 1023 ports (the 1024th fails with "Exchange full").

:func:`apply` refuses what the kernel would refuse (a name created twice, a
link used from the wrong namespace, a master that is not a bridge, a delete
of something that does not exist), so impossible scenarios fail before
anything runs. :func:`inverse` says how to undo an op, given the state
before it, with a guard that tells ``iplab down`` whether the undo is due.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from iplab.errors import Location, ScenarioError
from iplab.steps import (
    AddrAdd,
    AddrDel,
    AddrShow,
    LinkAdd,
    LinkDel,
    LinkSet,
    LinkShow,
    NetnsAdd,
    NetnsDel,
    NetnsExec,
    NetnsList,
    Op,
    Probe,
    Raw,
    RouteAdd,
    RouteDel,
    RouteShow,
)

ROOT = ""
BRIDGE_MAX_PORTS = 1023
DEFAULT_MTU = {"loopback": 65536}
#: how ``ip link set X netns ...`` names the root namespace when undoing a move
ROOT_NETNS_REF = "1"


def ns_label(ns: str | None) -> str:
    return "the root namespace" if not ns else f"namespace {ns}"


@dataclass
class Link:
    name: str
    kind: str
    up: bool = False
    master: str | None = None
    #: for a veth: the peer's name and namespace (ROOT for the root namespace)
    peer: str | None = None
    peer_ns: str | None = None
    addresses: list[str] = field(default_factory=list)
    #: None: nobody said (the model only compares what the scenario sets)
    mtu: int | None = None
    # -- only known when observed --
    ifindex: int | None = None
    operstate: str | None = None
    mac: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "up": self.up}
        for key in ("master", "peer", "peer_ns", "mtu", "ifindex", "operstate", "mac"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["addresses"] = list(self.addresses)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Link:
        return cls(**{**data, "addresses": list(data.get("addresses", []))})


@dataclass(frozen=True)
class Route:
    to: str
    via: str | None = None
    dev: str | None = None

    def __str__(self) -> str:
        text = self.to
        if self.via:
            text += f" via {self.via}"
        if self.dev:
            text += f" dev {self.dev}"
        return text


@dataclass
class Namespace:
    name: str
    links: dict[str, Link] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    #: iproute2's id of this namespace as seen from the root namespace (observed only)
    nsid: int | None = None


@dataclass
class State:
    namespaces: dict[str, Namespace] = field(default_factory=lambda: {ROOT: Namespace(ROOT)})
    #: observed only: namespaces that exist (``ip netns list``) but whose links were not read
    unread: set[str] = field(default_factory=set)

    def has_netns(self, name: str) -> bool:
        return name in self.namespaces or name in self.unread

    def copy(self) -> State:
        return copy.deepcopy(self)

    def ns(self, name: str | None) -> Namespace | None:
        return self.namespaces.get(name or ROOT)

    def link(self, ns: str | None, name: str) -> Link | None:
        space = self.ns(ns)
        return space.links.get(name) if space else None

    def links(self) -> Iterator[tuple[str, Link]]:
        for ns_name, space in self.namespaces.items():
            for link in space.links.values():
                yield ns_name, link

    def to_json(self) -> dict[str, Any]:
        return {
            "namespaces": [
                {
                    "name": space.name or None,
                    **({"nsid": space.nsid} if space.nsid is not None else {}),
                    "links": [link.to_json() for link in space.links.values()],
                    "routes": [
                        {k: v for k, v in vars(r).items() if v is not None} for r in space.routes
                    ],
                }
                for space in self.namespaces.values()
            ]
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        state = cls(namespaces={})
        for item in data["namespaces"]:
            name = item.get("name") or ROOT
            space = Namespace(name, nsid=item.get("nsid"))
            for link in item.get("links", []):
                space.links[link["name"]] = Link.from_json(link)
            space.routes = [Route(**r) for r in item.get("routes", [])]
            state.namespaces[name] = space
        state.namespaces.setdefault(ROOT, Namespace(ROOT))
        return state

    def describe(self) -> list[str]:
        """One line per namespace, for ``iplab check``."""
        lines = []
        for name, space in self.namespaces.items():
            if name == ROOT and not space.links:
                continue
            parts = [_describe_link(link, name) for link in space.links.values()]
            routes = [f"route {r}" for r in space.routes]
            label = "root" if name == ROOT else name
            lines.append(f"{label}: {'; '.join(parts + routes) if parts or routes else '(empty)'}")
        return lines or ["(nothing)"]


def _describe_link(link: Link, here: str) -> str:
    bits = [link.kind, "up" if link.up else "down"]
    if link.peer:
        where = "" if link.peer_ns == here else f"@{link.peer_ns or 'root'}"
        bits.append(f"peer {link.peer}{where}")
    elif link.peer_ns == "?":  # iproute.UNKNOWN_PEER: in a namespace without a name
        bits.append("peer unknown")
    if link.master:
        bits.append(f"master {link.master}")
    if link.mtu is not None:
        bits.append(f"mtu {link.mtu}")
    bits.extend(link.addresses)
    return f"{link.name} ({', '.join(bits)})"


# -- guards: when is an undo due? ------------------------------------------------------------

GuardKind = Literal["netns", "link", "up", "down", "master", "nomaster", "addr", "always"]


@dataclass(frozen=True)
class Guard:
    """A fact about the live state that must hold for an undo command to be due."""

    kind: GuardKind
    ns: str = ROOT
    name: str = ""
    value: str | None = None

    def holds(self, state: State) -> bool:
        if self.kind == "always":
            return True
        if self.kind == "netns":
            return state.has_netns(self.name)
        link = state.link(self.ns, self.name)
        if link is None:
            return False
        if self.kind == "link":
            return True
        if self.kind == "up":
            return link.up
        if self.kind == "down":
            return not link.up
        if self.kind == "master":
            return link.master == self.value
        if self.kind == "nomaster":
            return link.master is None
        if self.kind == "addr":
            return self.value in link.addresses
        raise AssertionError(self.kind)  # pragma: no cover

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v not in (None, "")} | {"kind": self.kind}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Guard:
        return cls(**data)

    def __str__(self) -> str:
        where = ns_label(self.ns)
        texts = {
            "always": "always",
            "netns": f"namespace {self.name} exists",
            "link": f"{self.name} exists in {where}",
            "up": f"{self.name} is up in {where}",
            "down": f"{self.name} is down in {where}",
            "master": f"{self.name} is a port of {self.value}",
            "nomaster": f"{self.name} has no master",
            "addr": f"{self.name} has {self.value}",
        }
        return texts[self.kind]


@dataclass(frozen=True)
class Undo:
    """One command that undoes (part of) an op, due when its guard holds."""

    op: Op
    guard: Guard


# -- applying ops -----------------------------------------------------------------------------


class ModelError(ScenarioError):
    """The scenario asks for something the kernel would refuse."""


def _fail(loc: Location | None, message: str, hint: str | None = None) -> ModelError:
    return ModelError(message, loc, hint)


def _space(state: State, ns: str | None, loc: Location | None) -> Namespace:
    space = state.ns(ns)
    if space is None:
        raise _fail(
            loc, f"namespace {ns} does not exist at this step", "add it first with 'netns add'"
        )
    return space


def _need_link(state: State, ns: str | None, name: str, loc: Location | None) -> Link:
    space = _space(state, ns, loc)
    link = space.links.get(name)
    if link is not None:
        return link
    elsewhere = [n for n, s in state.namespaces.items() if name in s.links]
    if elsewhere:
        raise _fail(
            loc,
            f"link {name} is in {ns_label(elsewhere[0])}, not in {ns_label(ns)} "
            "where this command runs",
            "run it in the link's namespace with 'in:', or move the link first",
        )
    raise _fail(loc, f"link {name} does not exist in {ns_label(ns)} at this step")


def _free_name(space: Namespace, name: str, loc: Location | None) -> None:
    if name in space.links:
        raise _fail(
            loc, f"link {name} already exists in {ns_label(space.name)}", "a name is created twice"
        )


def _destroy(state: State, ns: str, name: str) -> None:
    """Delete a link and what goes with it: a veth's peer, a bridge's port memberships."""
    space = state.namespaces[ns]
    link = space.links.pop(name, None)
    if link is None:
        return
    space.routes = [r for r in space.routes if r.dev != name]
    if link.kind == "bridge":
        for other in space.links.values():
            if other.master == name:
                other.master = None
    if link.peer is not None and link.peer_ns is not None and link.peer_ns in state.namespaces:
        peer = state.namespaces[link.peer_ns].links.get(link.peer)
        if peer is not None and peer.peer == name:
            _destroy(state, link.peer_ns, link.peer)


def _ports(space: Namespace, bridge: str) -> int:
    return sum(1 for link in space.links.values() if link.master == bridge)


def _set_master(space: Namespace, link: Link, master: str, loc: Location | None) -> None:
    bridge = space.links.get(master)
    if bridge is None:
        raise _fail(loc, f"master {master} does not exist in {ns_label(space.name)}")
    if bridge.kind != "bridge":
        raise _fail(loc, f"master {master} is a {bridge.kind}, not a bridge")
    if link.name == master:
        raise _fail(loc, f"{master} cannot be a port of itself")
    if link.kind in ("bridge", "loopback"):
        raise _fail(loc, f"{link.name} is a {link.kind} and cannot be a bridge port")
    # (counting the ports is only worth it once the namespace could hold that many)
    if (
        link.master != master
        and len(space.links) > BRIDGE_MAX_PORTS
        and _ports(space, master) >= BRIDGE_MAX_PORTS
    ):
        raise _fail(
            loc,
            f"bridge {master} already has {BRIDGE_MAX_PORTS} ports, the kernel's limit",
            "spread the ports over several bridges",
        )
    link.master = master


def _on_link_subnet(space: Namespace, gateway: str) -> bool:
    gw = ipaddress.ip_address(gateway)
    for link in space.links.values():
        if not link.up:
            continue
        for address in link.addresses:
            iface = ipaddress.ip_interface(address)
            if iface.version == gw.version and gw in iface.network:
                return True
    return False


def _ctx(op: Op) -> str:
    return op.in_ns() or ROOT


def apply(state: State, op: Op, loc: Location | None = None) -> None:
    """Change ``state`` in place as the kernel would, or raise ModelError."""
    if isinstance(op, NetnsAdd):
        if op.name in state.namespaces:
            raise _fail(loc, f"namespace {op.name} already exists", "a name is created twice")
        state.namespaces[op.name] = Namespace(op.name, {"lo": Link("lo", "loopback")})
    elif isinstance(op, NetnsDel):
        space = state.namespaces.get(op.name)
        if space is None or op.name == ROOT:
            raise _fail(loc, f"namespace {op.name} does not exist at this step")
        for name in list(space.links):
            _destroy(state, op.name, name)
        del state.namespaces[op.name]
    elif isinstance(op, LinkAdd):
        _link_add(state, op, loc)
    elif isinstance(op, LinkSet):
        _link_set(state, op, loc)
    elif isinstance(op, LinkDel):
        link = _need_link(state, op.ns, op.dev, loc)
        if link.kind == "loopback":
            raise _fail(loc, "the loopback link cannot be deleted")
        _destroy(state, _ctx(op), op.dev)
    elif isinstance(op, AddrAdd):
        link = _need_link(state, op.ns, op.dev, loc)
        if _same_address(link.addresses, op.address) is not None:
            raise _fail(loc, f"{op.dev} already has address {op.address}")
        link.addresses.append(op.address)
    elif isinstance(op, AddrDel):
        link = _need_link(state, op.ns, op.dev, loc)
        present = _same_address(link.addresses, op.address)
        if present is None:
            raise _fail(loc, f"{op.dev} has no address {op.address} at this step")
        link.addresses.remove(present)
    elif isinstance(op, RouteAdd):
        space = _space(state, op.ns, loc)
        if op.dev is not None:
            _need_link(state, op.ns, op.dev, loc)
        if op.via is not None and not _on_link_subnet(space, op.via):
            raise _fail(
                loc,
                f"gateway {op.via} is not in the subnet of any up link in {ns_label(op.ns)}",
                "add an address in its subnet and bring the link up first",
            )
        route = Route(op.to, op.via, op.dev)
        if any(r.to == op.to for r in space.routes):
            raise _fail(loc, f"a route to {op.to} already exists in {ns_label(op.ns)}")
        space.routes.append(route)
    elif isinstance(op, RouteDel):
        space = _space(state, op.ns, loc)
        match = [r for r in space.routes if r.to == op.to]
        if not match:
            raise _fail(loc, f"no route to {op.to} in {ns_label(op.ns)} at this step")
        space.routes.remove(match[0])
    elif isinstance(op, LinkShow | AddrShow):
        _space(state, op.ns, loc)
        if op.dev is not None:
            _need_link(state, op.ns, op.dev, loc)
        if isinstance(op, LinkShow) and op.master is not None:
            _need_link(state, op.ns, op.master, loc)
    elif isinstance(op, RouteShow | Probe | NetnsExec):
        _space(state, op.ns, loc)
    elif isinstance(op, NetnsList | Raw):
        pass  # observes, or opaque to the model
    else:  # pragma: no cover - every op type is handled above
        raise AssertionError(type(op))


def _same_address(addresses: list[str], address: str) -> str | None:
    """The entry of ``addresses`` that is ``address`` (10.0.0.1/24 == 10.0.0.1/24)."""
    wanted = ipaddress.ip_interface(address)
    for existing in addresses:
        if ipaddress.ip_interface(existing) == wanted:
            return existing
    return None


def _link_add(state: State, op: LinkAdd, loc: Location | None) -> None:
    here = _ctx(op)
    _space(state, here, loc)
    main_ns = op.netns or here
    main_space = _space(state, main_ns, loc)
    _free_name(main_space, op.name, loc)
    link = Link(op.name, op.type, up=op.up)
    if op.type == "veth":
        assert op.peer is not None
        peer_ns = op.peer_netns or here
        peer_space = _space(state, peer_ns, loc)
        if op.peer == op.name and peer_ns == main_ns:
            raise _fail(loc, f"a veth's two ends cannot both be named {op.name} in one namespace")
        _free_name(peer_space, op.peer, loc)
        link.peer, link.peer_ns = op.peer, peer_ns
        peer_space.links[op.peer] = Link(op.peer, "veth", peer=op.name, peer_ns=main_ns)
    main_space.links[op.name] = link
    if op.master is not None:
        _set_master(main_space, link, op.master, loc)


def _link_set(state: State, op: LinkSet, loc: Location | None) -> None:
    here = _ctx(op)
    link = _need_link(state, here, op.dev, loc)
    space = state.namespaces[here]
    for key, value in op.attrs:
        if key == "state":
            link.up = value == "up"
        elif key == "master":
            assert value is not None
            _set_master(space, link, value, loc)
        elif key == "nomaster":
            link.master = None
        elif key == "mtu":
            assert value is not None
            link.mtu = int(value)
        elif key == "netns":
            assert value is not None
            _move(state, here, link, value, loc)


def _move(state: State, here: str, link: Link, target_ref: str, loc: Location | None) -> None:
    target = ROOT if target_ref == ROOT_NETNS_REF else target_ref
    if target_ref.isdigit() and target_ref != ROOT_NETNS_REF:
        raise _fail(loc, f"netns {target_ref} names a process; iplab models named namespaces only")
    if link.kind in ("bridge", "loopback"):
        raise _fail(
            loc, f"{link.name} is a {link.kind}: the kernel does not move it between namespaces"
        )
    dest = _space(state, target, loc)
    if target == here:
        return
    _free_name(dest, link.name, loc)
    space = state.namespaces[here]
    del space.links[link.name]
    space.routes = [r for r in space.routes if r.dev != link.name]
    if link.kind == "bridge":  # pragma: no cover - refused above
        return
    # what the kernel does on a move: admin down, no addresses, no master
    link.up = False
    link.addresses = []
    link.master = None
    dest.links[link.name] = link
    if link.peer is not None and link.peer_ns is not None:
        peer = state.link(link.peer_ns, link.peer)
        if peer is not None:
            peer.peer_ns = target


# -- undoing ops ------------------------------------------------------------------------------


def _in(ns: str) -> dict[str, Any]:
    """Context for an undo command running in ``ns`` (``ip -n NS`` form)."""
    return {"ns": ns or None, "ns_form": "-n"}


def inverse(before: State, op: Op) -> list[Undo]:
    """The commands that undo ``op``, given the state before it (empty: nothing to undo).

    Destructive ops (deletes) have no inverse: what iplab deletes is what it
    created, and undoing a deletion would re-create what the scenario removed.
    """
    here = _ctx(op)
    if isinstance(op, NetnsAdd):
        return [Undo(NetnsDel(name=op.name), Guard("netns", name=op.name))]
    if isinstance(op, LinkAdd):
        where = op.netns or here
        return [Undo(LinkDel(**_in(where), dev=op.name), Guard("link", where, op.name))]
    if isinstance(op, LinkSet):
        return _inverse_set(before, op, here)
    if isinstance(op, AddrAdd):
        return [
            Undo(
                AddrDel(**_in(here), address=op.address, dev=op.dev),
                Guard("addr", here, op.dev, op.address),
            )
        ]
    if isinstance(op, AddrDel):
        return [
            Undo(
                AddrAdd(**_in(here), address=op.address, dev=op.dev),
                Guard("link", here, op.dev),
            )
        ]
    if isinstance(op, RouteAdd):
        return [
            Undo(
                RouteDel(**_in(here), to=op.to, via=op.via, dev=op.dev),
                Guard("netns", name=here) if here else Guard("always"),
            )
        ]
    if isinstance(op, RouteDel):
        return [
            Undo(
                RouteAdd(**_in(here), to=op.to, via=op.via, dev=op.dev),
                Guard("netns", name=here) if here else Guard("always"),
            )
        ]
    if isinstance(op, Raw) and op.undo:
        return [Undo(Raw(command=op.undo, shell=op.shell), Guard("always"))]
    if isinstance(op, NetnsExec) and op.undo:
        return [Undo(NetnsExec(ns=op.ns, command=op.undo), Guard("netns", name=op.ns))]
    return []


def _inverse_set(before: State, op: LinkSet, here: str) -> list[Undo]:
    link = before.link(here, op.dev)
    if link is None:
        return []
    undos: list[Undo] = []
    ctx = _in(here)
    for key, value in reversed(op.attrs):
        if key == "state" and (value == "up") != link.up:
            old = "up" if link.up else "down"
            undos.append(
                Undo(
                    LinkSet(**ctx, dev=op.dev, attrs=(("state", old),)),
                    Guard("up" if value == "up" else "down", here, op.dev),
                )
            )
        elif key == "master" and link.master != value:
            back: tuple[tuple[str, str | None], ...] = (
                (("master", link.master),) if link.master else (("nomaster", None),)
            )
            undos.append(
                Undo(LinkSet(**ctx, dev=op.dev, attrs=back), Guard("master", here, op.dev, value))
            )
        elif key == "nomaster" and link.master is not None:
            undos.append(
                Undo(
                    LinkSet(**ctx, dev=op.dev, attrs=(("master", link.master),)),
                    Guard("nomaster", here, op.dev),
                )
            )
        elif key == "mtu" and str(link.mtu) != value:
            old_mtu = link.mtu or DEFAULT_MTU.get(link.kind, 1500)
            undos.append(
                Undo(
                    LinkSet(**ctx, dev=op.dev, attrs=(("mtu", str(old_mtu)),)),
                    Guard("link", here, op.dev),
                )
            )
        elif key == "netns" and value is not None:
            there = ROOT if value == ROOT_NETNS_REF else value
            if there == here:
                continue
            back_ref = here or ROOT_NETNS_REF
            undos.append(
                Undo(
                    LinkSet(**_in(there), dev=op.dev, attrs=(("netns", back_ref),)),
                    Guard("link", there, op.dev),
                )
            )
            # the move left it down, without master or addresses: put those back
            if link.up:
                undos.append(
                    Undo(
                        LinkSet(**ctx, dev=op.dev, attrs=(("state", "up"),)),
                        Guard("down", here, op.dev),
                    )
                )
            if link.master:
                undos.append(
                    Undo(
                        LinkSet(**ctx, dev=op.dev, attrs=(("master", link.master),)),
                        Guard("nomaster", here, op.dev),
                    )
                )
            undos.extend(
                Undo(AddrAdd(**ctx, address=a, dev=op.dev), Guard("link", here, op.dev))
                for a in link.addresses
            )
    return undos


# -- whole plans --------------------------------------------------------------------------------


def created_names(ops: Iterable[Op]) -> tuple[set[str], set[str]]:
    """(namespace names, link names) that the ops create."""
    netns: set[str] = set()
    links: set[str] = set()
    for op in ops:
        if isinstance(op, NetnsAdd):
            netns.add(op.name)
        elif isinstance(op, LinkAdd):
            links.add(op.name)
            if op.peer:
                links.add(op.peer)
    return netns, links


def lab_addresses(ops: Iterable[Op]) -> set[str]:
    """The plain IP addresses the ops assign to the lab's links."""
    return {str(ipaddress.ip_interface(op.address).ip) for op in ops if isinstance(op, AddrAdd)}
