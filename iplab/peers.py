"""Raw links of either reader (``ip -j``: :mod:`iplab.iproute`; netlink: :mod:`iplab.netlink`)
assembled into a State, each veth's peer resolved across namespaces.

A veth's peer is resolved through ``link_index`` / ``link_netnsid`` and the
namespace ids, never through names like ``vethY@if19``. Namespaces number
their interfaces independently, so two pairs in fresh namespaces often have
the same indexes; when the indexes alone are ambiguous, the namespace ids
seen from inside each namespace (``ip -n NS netns list-id``) decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field

from iplab.names import ROOT
from iplab.records import Record, frozen, mutable
from iplab.state import Link, Namespace, State

#: ``peer_ns`` of a veth whose peer iplab cannot name: it lives in a namespace that ``ip
#: netns list`` does not name (a container's), or its indexes fit more than one link
UNKNOWN_PEER = "?"


@mutable(hot=True)
class RawLink:
    """One entry of ``ip -j -d link`` / ``ip -j -d addr``, before peers are resolved."""

    name: str
    ifindex: int
    kind: str
    up: bool
    operstate: str | None = None
    #: the kind of the link's root qdisc (``noqueue``, ``netem``...)
    qdisc: str | None = None
    mtu: int | None = None
    mac: str | None = None
    master: str | None = None
    link_index: int | None = None
    link_netnsid: int | None = None
    link_name: str | None = None
    addresses: list[str] = field(default_factory=list)
    #: addresses Duplicate Address Detection holds back: ``tentative`` or ``dadfailed``
    dad: dict[str, str] = field(default_factory=dict)
    #: its other names (``ip link property add dev eth0 altname uplink``)
    altnames: list[str] = field(default_factory=list)
    #: its flags and settings verify compares (:attr:`iplab.state.Link.settings`)
    settings: dict[str, str] = field(default_factory=dict)


def settings_of(
    flags: Iterable[str],
    txqlen: int | None,
    alias: str | None,
    mode: str | None = None,
    kind_settings: dict[str, str] | None = None,
) -> dict[str, str]:
    """What :attr:`iplab.state.Link.settings` holds of a link read: its ``promisc`` and
    ``arp`` (``on``/``off``, from the flags as ``ip`` names them: PROMISC is the one a user
    sets, not a bridge's or a capture's), ``txqueuelen``, ``alias`` ("": none), and a
    macvlan's ``mode`` (``bridge``...), and ``kind_settings`` (a vxlan's: :mod:`iplab.vxlan`)."""
    flags = set(flags)
    out = {
        "promisc": "on" if "PROMISC" in flags else "off",
        "arp": "off" if "NOARP" in flags else "on",
        "alias": alias or "",
    }
    if txqlen is not None:
        out["txqueuelen"] = str(txqlen)
    if mode is not None:
        out["mode"] = mode
    out.update(kind_settings or {})
    return out


def build_state(
    links: dict[str, list[RawLink]],
    root_ids: dict[str, int | None],
    nsid_maps: dict[str, dict[int, str]] | None = None,
) -> tuple[State, set[str]]:
    """Assemble a State; return it with the namespaces whose veth peers stay ambiguous.

    Without ``nsid_maps`` an ambiguous peer is left unset (the caller reads the maps
    and builds again); with them, it is :data:`UNKNOWN_PEER`."""
    final = nsid_maps is not None
    nsid_maps = nsid_maps or {}
    by_root_id = {nsid: name for name, nsid in root_ids.items() if nsid is not None}
    state = State(namespaces={})
    index: dict[tuple[str, int], RawLink] = {}
    for ns, raw in links.items():
        space = Namespace(ns, nsid=root_ids.get(ns) if ns != ROOT else None)
        for r in raw:
            index[(ns, r.ifindex)] = r
            space.links[r.name] = Link(
                name=r.name, kind=r.kind, up=r.up, master=r.master,
                addresses=list(r.addresses), mtu=r.mtu, ifindex=r.ifindex,
                operstate=r.operstate, mac=r.mac, qdisc=r.qdisc, dad=dict(r.dad),
                settings=dict(r.settings),
            )  # fmt: skip
            if ns == ROOT:
                state.altnames.update(r.altnames)
        state.namespaces[ns] = space
    state.namespaces.setdefault(ROOT, Namespace(ROOT))

    pairs: dict[tuple[int, int], list[tuple[str, RawLink]]] = {}
    for ns, raw in links.items():
        for r in raw:
            if r.kind == "veth" and r.link_index is not None and r.link_netnsid is not None:
                pairs.setdefault((r.ifindex, r.link_index), []).append((ns, r))
    tables = _Tables(index, pairs, by_root_id, nsid_maps)
    # first pass: what the indexes and the root's namespace ids say on their own
    resolved: dict[tuple[str, str], tuple[str, str]] = {}
    ambiguous: dict[tuple[str, str], tuple[RawLink, list[tuple[str, RawLink]]]] = {}
    unread: dict[tuple[str, str], str] = {}
    for ns, raw in links.items():
        for r in raw:
            if r.kind != "veth":
                continue
            if r.link_index is None:  # same namespace: ip prints the peer's name ("link")
                if r.link_name is not None and r.link_netnsid is None:
                    resolved[(ns, r.name)] = (ns, r.link_name)
                continue
            if ns == ROOT and r.link_netnsid is not None:
                target = by_root_id.get(r.link_netnsid)
                if target is None:  # a namespace ip netns list does not name: say so
                    unread[(ns, r.name)] = UNKNOWN_PEER
                    if r.link_netnsid >= 0 and r.link_index is not None:  # (-1: dying)
                        state.unnamed[r.name] = (r.link_netnsid, r.link_index)
                    continue
                if target not in links:
                    unread[(ns, r.name)] = target  # its namespace was not read: no name
                    continue
            found = _candidates(ns, r, tables)
            if len(found) == 1 and _sure(ns, r, found[0][0], tables):
                resolved[(ns, r.name)] = (found[0][0], found[0][1].name)
            elif found:
                ambiguous[(ns, r.name)] = (r, found)
            else:  # in a namespace not read, or without a name
                unread[(ns, r.name)] = UNKNOWN_PEER
    # second pass: inside one namespace an id names one namespace; use what is known
    changed = True
    while ambiguous and changed:
        changed = False
        learned = _learned_ids(links, resolved)
        taken = set(resolved.values())
        for key, (raw_link, found) in list(ambiguous.items()):
            known = learned.get((key[0], raw_link.link_netnsid))
            narrowed = [
                c for c in found
                if (known is None or c[0] == known) and (c[0], c[1].name) not in taken
            ]  # fmt: skip
            sure = len(narrowed) == 1 and (
                narrowed[0][0] == known or _sure(key[0], raw_link, narrowed[0][0], tables)
            )
            if sure:
                resolved[key] = (narrowed[0][0], narrowed[0][1].name)
                taken.add(resolved[key])
                del ambiguous[key]
                changed = True
    for (ns, name), (peer_ns, peer) in resolved.items():
        link = state.namespaces[ns].links[name]
        link.peer, link.peer_ns = peer, peer_ns
    for (ns, name), peer_ns in unread.items():
        state.namespaces[ns].links[name].peer_ns = peer_ns
    for ns, name in ambiguous if final else ():
        # its indexes fit links of other namespaces, none confirmed by a namespace id:
        # the peer may as well be in a namespace without a name; never guess
        state.namespaces[ns].links[name].peer_ns = UNKNOWN_PEER
    return state, {ns for ns, _ in ambiguous}


def _sure(ns: str, r: RawLink, peer_ns: str, t: _Tables) -> bool:
    """Whether a namespace id (not only indexes) says veth ``r``'s peer is in ``peer_ns``."""
    if r.link_netnsid is None or ns in (ROOT, peer_ns):
        return True
    if r.link_netnsid in t.nsid_maps.get(ns, {}):
        return True
    # _candidates checked the peer's own view of the id: the root's, or a list-id read
    return peer_ns == ROOT or peer_ns in t.nsid_maps


@frozen
class _Tables(Record):
    #: (namespace, ifindex) -> link
    index: dict[tuple[str, int], RawLink]
    #: (ifindex, peer's ifindex) -> cross-namespace veth ends with those indexes
    pairs: dict[tuple[int, int], list[tuple[str, RawLink]]]
    by_root_id: dict[int, str]
    nsid_maps: dict[str, dict[int, str]]


def _candidates(ns: str, r: RawLink, t: _Tables) -> list[tuple[str, RawLink]]:
    """The (namespace, link) pairs that can be the peer of veth ``r`` in ``ns``."""
    index, by_root_id, nsid_maps = t.index, t.by_root_id, t.nsid_maps
    assert r.link_index is not None
    if r.link_netnsid is None:  # the peer lives in the same namespace
        peer = index.get((ns, r.link_index))
        return [(ns, peer)] if peer is not None else []
    target: str | None = None
    if ns == ROOT:
        target = by_root_id.get(r.link_netnsid)
    elif ns in nsid_maps:
        target = nsid_maps[ns].get(r.link_netnsid)
    if target is not None:
        peer = index.get((target, r.link_index))
        return [(target, peer)] if peer is not None else []
    out = []
    for other, peer in t.pairs.get((r.link_index, r.ifindex), []):
        seen_as = peer.link_netnsid  # how ``other`` names the peer's namespace (never None here)
        if other == ns or seen_as is None:
            continue
        if other == ROOT and by_root_id.get(seen_as) != ns:
            continue
        if other in nsid_maps and nsid_maps[other].get(seen_as) != ns:
            continue
        if ns in nsid_maps and other != ROOT:
            continue  # ns names every named namespace by its id: the peer's has none
        out.append((other, peer))
    return out


def _learned_ids(
    links: dict[str, list[RawLink]], resolved: dict[tuple[str, str], tuple[str, str]]
) -> dict[tuple[str, int | None], str]:
    learned: dict[tuple[str, int | None], str] = {}
    for ns, raw in links.items():
        for r in raw:
            hit = resolved.get((ns, r.name))
            if hit is not None and r.link_netnsid is not None:
                learned[(ns, r.link_netnsid)] = hit[0]
    return learned


@frozen
class RootPart(Record):
    """The part of the root namespace a caller reads: the links of these ``names`` (one
    ``RTM_GETLINK`` a name, no dump) and every port of the bridges ``ports_of`` (a dump the
    kernel filters by ``IFLA_MASTER``). A lab's read on a host with another lab of 500
    namespaces up decoded the root's 505 links a read, whatever the lab (hunt CZ); with a
    part it decodes the lab's own. The State then holds those root links only: a caller
    gives one only when it looks at no other root link (:func:`iplab.netlink.read_root_part`)."""

    names: frozenset[str]
    ports_of: frozenset[str] = frozenset()


def in_part(part: RootPart, name: str, master: str | None) -> bool:
    """The root link ``name`` (a port of ``master``) is one of ``part``'s."""
    return name in part.names or name in part.ports_of or master in part.ports_of
