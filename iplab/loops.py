"""Bridging loops the model can see: a veth whose ends are ports of bridges already joined.

Both ends of one veth on one bridge (``ip link set v11 master sw0; ip link set v22 master
sw0``), or two veths between the same two bridges, make a loop: with STP off (a bridge's
default) the bridges flood each broadcast around it for ever, a broadcast storm that burns
the host's CPU (the kernel takes the ports without a word). A bridge that runs STP in the
loop blocks one of its ports; its edges are left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iplab.names import ROOT, ns_label
from iplab.records import Record, frozen

if TYPE_CHECKING:
    from iplab.state import Link, Namespace, State

#: a bridge: (its namespace, its name)
Bridge = tuple[str, str]


def _bridge(state: State, node: Bridge) -> Link | None:
    """The bridge ``node`` names, when it is one that forwards without STP."""
    link = state.link(*node)
    if link is None or link.kind != "bridge" or link.stp:
        return None
    return link


@frozen
class Loop(Record):
    """A loop of bridges: the veth ends it goes through, two by two, and the bridges."""

    ends: tuple[Link, ...]
    bridges: tuple[Link, ...]


def closed_by(state: State, space: Namespace, link: Link, master: str) -> Loop | None:
    """The loop ``link`` (of ``space``) closes by becoming a port of ``master``, or None.

    Only a veth whose peer is itself a port asks for a walk: a bridge of many ports whose
    peers sit in namespaces costs nothing."""
    if link.kind != "veth" or link.peer is None or link.peer_ns is None:
        return None
    peer = state.link(link.peer_ns, link.peer)
    target: Bridge = (space.name, master)
    last = _bridge(state, target)
    if peer is None or peer.master is None or last is None:
        return None
    start: Bridge = (link.peer_ns, peer.master)
    first = _bridge(state, start)
    if first is None:
        return None
    # breadth first over the bridges the veths join, each reached once, with the way to it
    paths: dict[Bridge, Loop] = {start: Loop((link, peer), (first,))}
    queue = [start]
    while queue:
        node = queue.pop(0)
        path = paths[node]
        if node == target:
            return path
        for port in state.namespaces[node[0]].links.values():
            if port.master != node[1] or port is link or port is peer:
                continue
            if port.kind != "veth" or port.peer is None or port.peer_ns is None:
                continue
            other = state.link(port.peer_ns, port.peer)
            if other is None or other.master is None:
                continue
            step: Bridge = (port.peer_ns, other.master)
            bridge = _bridge(state, step)
            if step not in paths and bridge is not None:
                paths[step] = Loop((*path.ends, port, other), (*path.bridges, bridge))
                queue.append(step)
    return None


def said(space: Namespace, link: Link, master: str, loop: Loop) -> str:
    """The objection: which bridge, through which veth ends."""
    where = "" if space.name == ROOT else f" (in {ns_label(space.name)})"
    ends = loop.ends
    if len(ends) == 2:
        return (
            f"{link.name} and {ends[1].name}, the two ends of one veth, would both be ports"
            f" of bridge {master}{where}: a loop, and with STP off a broadcast storm on the"
            " host (the kernel takes it without a word)"
        )
    pairs = ", ".join(f"{a.name}/{b.name}" for a, b in zip(ends[::2], ends[1::2], strict=True))
    return (
        f"{link.name} as a port of bridge {master}{where} closes a loop through the veths"
        f" {pairs}: with STP off, a broadcast storm on the host (the kernel takes it"
        " without a word)"
    )


def hint(master: str) -> str:
    return (
        "put the veth's ends on different bridges, or turn STP on first"
        f" (ip link set {master} type bridge stp_state 1)"
    )
