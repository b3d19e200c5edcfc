"""Undoing ops: the inverse of each op, given the state before it, and the guard that tells
``iplab down`` whether an undo command is still due on the live host.

Why this module is long: the undo of every op (and of what a raw step writes on the host),
one function per op beside the guards they use: a table read by reference.
"""

from __future__ import annotations

import dataclasses
import shlex
from typing import TYPE_CHECKING, Any, Literal

from iplab import ovs
from iplab.hostfiles import Writes, file_writes, file_writes_in_netns
from iplab.model import (
    DEFAULT_MTU,
    ROOT_NETNS_REF,
    auto_names,
    deleted_route,
    effects_of,
    exact_flush,
    flushes_address,
    flushes_route,
    op_ns,
    route_family,
    route_key,
    route_of,
    same_address,
)
from iplab.names import ROOT, ns_label
from iplab.records import Record, frozen
from iplab.steps import (
    AddrAdd,
    AddrDel,
    AddrFlush,
    BridgePortsSet,
    BridgeVlan,
    LinkAdd,
    LinkAttr,
    LinkDel,
    LinkSet,
    NetnsAdd,
    NetnsDel,
    NetnsExec,
    Op,
    Raw,
    RouteAdd,
    RouteDel,
    RouteFlush,
)
from iplab.sysctl import let_fail_writes, sysctl_loads, sysctl_undo, sysctl_writes
from iplab.words import policy_write

if TYPE_CHECKING:  # the rules read a State handed to them
    from iplab.state import Link, Route, State

# -- guards: when is an undo due? ------------------------------------------------------------

GuardKind = Literal["netns", "link", "up", "down", "master", "nomaster", "addr", "always"]


@frozen(hot=True)
class Guard(Record):
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


@frozen(hot=True)
class Undo(Record):
    """One command that undoes (part of) an op, due when its guard holds."""

    op: Op
    guard: Guard


# -- undoing ops ------------------------------------------------------------------------------


def _in(ns: str) -> dict[str, Any]:
    """Context for an undo command running in ``ns`` (``ip -n NS`` form)."""
    return {"ns": ns or None, "ns_form": "-n"}


def _ns_guard(here: str) -> Guard:
    return Guard("netns", name=here) if here else Guard("always")


def inverse(before: State, op: Op) -> list[Undo]:
    """The commands that undo ``op``, given the state before it (empty: nothing to undo).

    Destructive ops (deletes) have no inverse: what iplab deletes is what it
    created, and undoing a deletion would re-create what the scenario removed.
    """
    here = op_ns(op)
    if isinstance(op, NetnsAdd):
        return [Undo(NetnsDel(name=op.name), Guard("netns", name=op.name))]
    if isinstance(op, LinkAdd):
        where = op.netns or here
        name, _peer = auto_names(before, op)
        return [Undo(LinkDel(**_in(where), dev=name), Guard("link", where, name))]
    if isinstance(op, LinkSet):
        return _inverse_set(before, op, here)
    if isinstance(op, AddrAdd):
        if op.verb != "add" and _has_address(before, here, op.dev, op.address):
            return []  # replace, change: updated the address there, which stays the lab's
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
    if isinstance(op, AddrFlush):
        return _inverse_addr_flush(before, op, here)
    if isinstance(op, RouteFlush):
        return _inverse_route_flush(before, op, here)
    if isinstance(op, RouteAdd | RouteDel):
        return _inverse_route(before, op, here)
    if isinstance(op, BridgePortsSet):
        return _inverse_ports(before, op, here)
    if isinstance(op, BridgeVlan):
        if op.verb != "add":
            return []
        flags = tuple(f for f in op.flags if f in ("self", "master"))
        return [
            Undo(
                BridgeVlan(**_in(here), dev=op.dev, vid=op.vid, verb="del", flags=flags),
                Guard("link", here, op.dev),
            )
        ]
    if isinstance(op, Raw) and op.undo:
        return [Undo(Raw(command=op.undo, shell=op.shell), Guard("always"))]
    if isinstance(op, NetnsExec) and op.undo:
        return [Undo(NetnsExec(ns=op.ns, command=op.undo), Guard("netns", name=op.ns))]
    if isinstance(op, Raw) and (ports := ovs.ports_added(op.command)) is not None:
        # (a port stays in Open vSwitch's database after its link is gone: hunt DT #4)
        gone = [Undo(Raw(command=ovs.port_undo(p)), Guard("always")) for p in reversed(ports)]
        return gone + _inverse_effects(op, here)
    if isinstance(op, Raw | NetnsExec):
        return _inverse_effects(op, here)
    return []


def _has_address(before: State, here: str, dev: str, address: str) -> bool:
    """The model knows ``dev`` had ``address`` before the op (10.0.0.1/24 as written)."""
    link = before.link(here, dev)
    return link is not None and same_address(link.addresses, address) is not None


def _inverse_addr_flush(before: State, op: AddrFlush, here: str) -> list[Undo]:
    """The addresses the model knows the flush took, added back; none when its selectors
    (scope, label...) say what it took only to the kernel (the link goes with the lab)."""
    link = before.link(here, op.dev)
    if link is None or op.selectors:
        return []
    return [
        Undo(AddrAdd(**_in(here), address=x, dev=op.dev), Guard("link", here, op.dev))
        for x in link.addresses
        if flushes_address(op, x)
    ]


def _inverse_route_flush(before: State, op: RouteFlush, here: str) -> list[Undo]:
    """The routes the model knows the flush took, added back (in the table they were in);
    none when it cannot say which it took. A route with neither gateway nor link (a
    ``blackhole``'s) is not added back: the model does not keep its type."""
    space = before.ns(op.in_ns())
    if space is None or not exact_flush(op):
        return []
    undos: list[Undo] = []
    for old in space.routes:
        if flushes_route(op, old) and (old.via is not None or old.dev is not None):
            undos.append(_added_back(old, here))
    return undos


def _added_back(old: Route, here: str) -> Undo:
    """A route the model knew, added back as it was (its type, table, metric and tos; ``-6``
    when its words say no IPv6)."""
    fields = (("type", old.kind), ("table", old.table), ("metric", old.metric), ("tos", old.tos))
    settings = tuple((k, v) for k, v in fields if v)
    six = _six(old.family, f"{old.to}{old.via}")
    again = RouteAdd(
        **_in(here), options=six, to=old.to, via=old.via, dev=old.dev, settings=settings
    )
    return Undo(again, _ns_guard(here))


def _inverse_effects(op: Raw | NetnsExec, here: str) -> list[Undo]:
    """What undoes a raw command's declared (or known) effects: renames back, then deletes
    what it created, newest first."""
    effects = effects_of(op)
    if effects is None:
        return []
    undos: list[Undo] = []
    for effect in reversed(effects.renames):
        where = effect.ns or here
        assert effect.to is not None
        undos.append(
            Undo(
                LinkSet(**_in(where), dev=effect.to, attrs=(("name", effect.name),)),
                Guard("link", where, effect.to),
            )
        )
    for effect in reversed(effects.creates):
        if effect.what == "netns":
            undos.append(Undo(NetnsDel(name=effect.name), Guard("netns", name=effect.name)))
        elif effect.kind == "openvswitch":  # (its database keeps the bridge ip link del
            # deletes, and ovs-vswitchd makes it again: hunt Y)
            where = effect.ns or here
            gone = Raw(command=f"ovs-vsctl --if-exists del-br {shlex.quote(effect.name)}")
            undos.append(Undo(gone, Guard("link", where, effect.name)))
        else:
            where = effect.ns or here
            undos.append(
                Undo(LinkDel(**_in(where), dev=effect.name), Guard("link", where, effect.name))
            )
    return undos


def _inverse_ports(before: State, op: BridgePortsSet, here: str) -> list[Undo]:
    undos: list[Undo] = []
    ctx = _in(here)
    for port in reversed(op.ports):
        link = before.link(here, port)
        if link is None:
            continue
        if op.verb == "addif" and link.master != op.bridge:
            back: tuple[LinkAttr, ...] = (
                (("master", link.master),) if link.master else (("nomaster", None),)
            )
            undos.append(
                Undo(LinkSet(**ctx, dev=port, attrs=back), Guard("master", here, port, op.bridge))
            )
        elif op.verb == "delif" and link.master == op.bridge:
            undos.append(
                Undo(
                    LinkSet(**ctx, dev=port, attrs=(("master", op.bridge),)),
                    Guard("nomaster", here, port),
                )
            )
    return undos


def _inverse_set(before: State, op: LinkSet, here: str) -> list[Undo]:
    link = before.link(here, op.dev)
    if link is None:
        return []
    new = op.get("name") or op.dev
    there = _target(op, here)
    if there is None:
        return []  # moved to a process's namespace: the model cannot follow it
    if there != here:
        return _inverse_move(link, op, here, there, new)
    undos: list[Undo] = []
    ctx = _in(here)
    for key, value in reversed(op.attrs):
        if key == "state" and (value == "up") != link.up:
            old = "up" if link.up else "down"
            undos.append(
                Undo(
                    LinkSet(**ctx, dev=new, attrs=(("state", old),)),
                    Guard("up" if value == "up" else "down", here, new),
                )
            )
        elif key == "master" and link.master != value:
            back: tuple[LinkAttr, ...] = (
                (("master", link.master),) if link.master else (("nomaster", None),)
            )
            undos.append(
                Undo(LinkSet(**ctx, dev=new, attrs=back), Guard("master", here, new, value))
            )
        elif key == "nomaster" and link.master is not None:
            undos.append(
                Undo(
                    LinkSet(**ctx, dev=new, attrs=(("master", link.master),)),
                    Guard("nomaster", here, new),
                )
            )
        elif key == "mtu" and str(link.mtu) != value:
            old_mtu = link.mtu or DEFAULT_MTU.get(link.kind, 1500)
            undos.append(
                Undo(
                    LinkSet(**ctx, dev=new, attrs=(("mtu", str(old_mtu)),)),
                    Guard("link", here, new),
                )
            )
    if new != op.dev:
        undos.append(
            Undo(LinkSet(**ctx, dev=new, attrs=(("name", op.dev),)), Guard("link", here, new))
        )
    return undos


def _target(op: LinkSet, here: str) -> str | None:
    """The namespace the link is in after ``op`` (None: one the model cannot name)."""
    ref = op.get("netns")
    if ref is None:
        return here
    if ref == ROOT_NETNS_REF:
        return ROOT
    return None if ref.isdigit() else ref


def _inverse_move(link: Link, op: LinkSet, here: str, there: str, new: str) -> list[Undo]:
    """Move it back (under its old name), then put back what the move took away."""
    ctx = _in(here)
    back_ref = here or ROOT_NETNS_REF
    back: tuple[LinkAttr, ...] = (("netns", back_ref),)
    if new != op.dev:
        back += (("name", op.dev),)
    undos = [Undo(LinkSet(**_in(there), dev=new, attrs=back), Guard("link", there, new))]
    if link.up:
        undos.append(
            Undo(LinkSet(**ctx, dev=op.dev, attrs=(("state", "up"),)), Guard("down", here, op.dev))
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


def sysctl_writes_of(op: Op) -> list[tuple[str, str]] | None:
    """What a raw step in the root namespace writes with ``sysctl -w KEY=VALUE`` and says
    no ``undo:`` of (None: anything else). Its inverse is the host's value before it, which
    only the host knows: read right before the step runs (:func:`sysctl_inverse`)."""
    if not isinstance(op, Raw) or op.undo or op.observes:
        return None
    return sysctl_writes(op.command) or let_fail_writes(op.command)


def sysctl_loads_of(op: Op) -> tuple[str, ...] | None:
    """The files a raw step in the root namespace loads with ``sysctl -p [FILE]`` and says no
    ``undo:`` of (None: anything else): which keys it writes the files say when it runs."""
    if not isinstance(op, Raw) or op.undo or op.observes:
        return None
    return sysctl_loads(op.command)


def _six(family: int, words: str) -> tuple[str, ...]:
    """``-6`` for an IPv6 route whose words say no IPv6 (``default dev v0``), else nothing."""
    return ("-6",) if family == 6 and ":" not in words else ()


def _inverse_route(before: State, op: RouteAdd | RouteDel, here: str) -> list[Undo]:
    """A route added is deleted, one deleted added; one ``replace``/``change`` took the
    place of is added back (as the model knew it) once the new one is deleted, and so is
    one a delete took, as the model knew it (hunt I: the first of a prefix's routes was
    added back, not the one of lowest metric the kernel took, nor its metric)."""
    space = before.ns(op.in_ns())
    if isinstance(op, RouteDel) and space is not None:
        taken = deleted_route(space, route_of(before, op))
        if taken is not None:
            return [_added_back(dataclasses.replace(taken, dev=taken.dev or op.dev), here)]
    family = route_family(op)
    # ip route del default dev v0 would be IPv4's: an IPv6 route's undo says -6
    six = _six(family, f"{op.to}{op.via}")
    kept = tuple(
        (k, v) for k, v in op.settings if k in ("table", "metric", "type", "tos", "dsfield")
    )
    back = RouteDel if isinstance(op, RouteAdd) else RouteAdd
    undos = [
        Undo(
            back(**_in(here), options=six, to=op.to, via=op.via, dev=op.dev, settings=kept),
            _ns_guard(here),
        )
    ]
    if not isinstance(op, RouteAdd) or op.verb not in ("replace", "change") or space is None:
        return undos
    key = route_key(route_of(before, op))
    for old in space.routes:
        if route_key(old) == key:
            undos.append(_added_back(old, here))
            break
    return undos


def file_writes_of(op: Op, cwd: str | None = None) -> Writes | None:
    """The host files a raw step writes and says no ``undo:`` of (None: none), also one
    run in a namespace (``netns exec``: ``tcpdump -w /tmp/cap.pcap``, a file of the
    host's all the same), run in ``cwd`` (default: iplab's own directory). Its inverse
    is what those paths were before it, which only the host knows: looked at right
    before the step runs (:func:`iplab.hostfiles.look`)."""
    if not isinstance(op, Raw | NetnsExec) or op.undo or op.observes:
        return None
    if isinstance(op, NetnsExec):
        return file_writes_in_netns(op.command, cwd)
    return file_writes(op.command, cwd)


def sysctl_inverse(writes: list[tuple[str, str]], before: dict[str, str]) -> Undo | None:
    """Put back the values ``before`` (read from /proc/sys right before the writes), each
    only while it is still the value written (see :func:`iplab.words.sysctl_undo`)."""
    command = sysctl_undo(writes, before)
    return Undo(Raw(command=command, shell=True), Guard("always")) if command else None


def policy_write_of(op: Op) -> tuple[str, str, str, str] | None:
    """A raw step in the root namespace that sets a chain's policy (``iptables -P FORWARD
    ACCEPT``) and says no ``undo:`` of it (None: anything else). Its inverse is the host's
    policy before it: read right before the step runs (:func:`policy_inverse`)."""
    if not isinstance(op, Raw) or op.undo or op.observes:
        return None
    return policy_write(op.command)


def chain_policy(rules: str, chain: str) -> str | None:
    """The policy ``iptables -t TABLE -S CHAIN`` printed (``-P FORWARD DROP``), or None."""
    for line in rules.splitlines():
        words = line.split()
        if words[:2] == ["-P", chain] and len(words) == 3:
            return words[2]
    return None


def policy_inverse(write: tuple[str, str, str, str], rules: str) -> Undo | None:
    """Put back the policy ``iptables -t TABLE -S CHAIN`` printed (``rules``) right before
    the step changed it; None when it printed none."""
    program, table, chain, _ = write
    if (old := chain_policy(rules, chain)) is None:
        return None
    command = shlex.join([program, "-t", table, "-P", chain, old])
    return Undo(Raw(command=command), Guard("always"))
