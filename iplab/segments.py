"""Addresses given twice on one layer-2 segment, in the model.

A segment is what the model knows to be one wire: the two ends of a veth, and a bridge with
its ports. The same address on two links of one segment is a copy-and-paste slip the kernel
takes without a word (hunt V: ``2001:db8:77::1/64`` on both ends of a veth): IPv6's
Duplicate Address Detection then fails on one end (the address stays ``dadfailed
tentative``, unusable), and IPv4's ARP has two answers. ``iplab check`` (and ``up``) warn of
it; verify finds the ``dadfailed`` address afterwards (:mod:`iplab.verify`).
"""

from __future__ import annotations

from collections.abc import Iterator

from iplab.inet import interface
from iplab.names import ns_short
from iplab.state import State

__all__ = ["twice_given"]

#: a link: its namespace and its name
_Node = tuple[str, str]


def twice_given(state: State) -> Iterator[tuple[str, list[str]]]:
    """(address, the links holding it, ``v1@n1``) for each address that two links of one
    segment of ``state`` hold. One pass over the links (a star of 500 veths on one bridge)."""
    parent: dict[_Node, _Node] = {}

    def root(node: _Node) -> _Node:
        while (up := parent.get(node, node)) != node:
            parent[node] = parent.get(up, up)
            node = up
        return node

    def join(a: _Node, b: _Node) -> None:
        parent[root(a)] = root(b)

    for ns, link in state.links():
        if link.peer is not None and link.peer_ns is not None and link.peer_ns != "?":
            join((ns, link.name), (link.peer_ns, link.peer))
        if link.master is not None:
            join((ns, link.name), (ns, link.master))
    holders: dict[tuple[_Node, str], list[str]] = {}
    for ns, link in state.links():
        for text in link.addresses:
            try:
                address = str(interface(text).ip)
            except ValueError:
                continue
            where = f"{link.name}@{ns_short(ns)}"
            said = holders.setdefault((root((ns, link.name)), address), [])
            if where not in said:
                said.append(where)
    for (_, address), links in holders.items():
        if len(links) > 1:
            yield address, links
