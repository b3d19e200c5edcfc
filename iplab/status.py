"""``iplab status``: a live state, written for people.

Pure formatting of a :class:`~iplab.state.State`: one block per namespace,
one line per link with its kind, up/down, operational state, the veth's peer
and where it lives, the bridge's ports or the port's master, and addresses.
"""

from __future__ import annotations

from collections.abc import Collection

from iplab.claims import is_automatic
from iplab.names import ROOT
from iplab.peers import UNKNOWN_PEER
from iplab.state import Link, State


def _peer(link: Link, here: str) -> str:
    if link.peer is None and link.peer_ns == UNKNOWN_PEER:
        return "peer unknown (a namespace without a name)"
    if link.peer is None:
        return ""
    if link.peer_ns is None:
        return f"peer {link.peer} (namespace unresolved)"
    where = "same namespace" if link.peer_ns == here else (link.peer_ns or "root")
    return f"peer {link.peer}@{where}"


def format_state(state: State, root_links: Collection[str] | None = None) -> str:
    """The state as text; ``root_links`` limits the root namespace to these names."""
    out: list[str] = []
    for ns_name in sorted(state.namespaces, key=lambda n: (n != ROOT, n)):
        space = state.namespaces[ns_name]
        links = [
            link
            for link in space.links.values()
            if ns_name != ROOT or root_links is None or link.name in root_links
        ]
        if ns_name == ROOT and root_links is not None and not links:
            continue
        title = "root namespace" if ns_name == ROOT else f"namespace {ns_name}"
        if space.nsid is not None:
            title += f" (nsid {space.nsid})"
        out.append(title)
        width = max((len(link.name) for link in links), default=4)
        by_master: dict[str, list[str]] = {}  # (one pass: a bridge may hold 1,023 ports)
        for port in space.links.values():
            if port.master:
                by_master.setdefault(port.master, []).append(port.name)
        for link in sorted(links, key=lambda item: (item.ifindex or 0, item.name)):
            ports = sorted(by_master.get(link.name, []))
            bits = [
                link.kind.ljust(8),
                ("up" if link.up else "down").ljust(4),
                f"({link.operstate.lower()})" if link.operstate else "",
                _peer(link, ns_name),
                f"master {link.master}" if link.master else "",
                f"ports {', '.join(ports)}" if ports else "",
                " ".join(a for a in link.addresses if not is_automatic(a, link)),
            ]
            out.append(f"  {link.name.ljust(width)}  " + "  ".join(b for b in bits if b).rstrip())
        if not links:
            out.append("  (no links)")
    return "\n".join(out) + "\n"
