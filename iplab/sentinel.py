"""What a step iplab cannot read did to the host: its links, addresses, routes and rules.

The static rules (:mod:`iplab.unnamed`, :mod:`iplab.wrappers`, ``model._host_links``)
refuse the changes to the host a step's words show. A step whose words show nothing
(``bash ./wire.sh``, ``python3 -c "..."``, ``make up``) can still reach the host: hunt AF
found a dozen ways past the words. So around each raw step that runs in the root
namespace the run reads the root namespace over netlink (no process; about a millisecond
on a host of a few links) and compares: the host's own links (a NIC, ``lo``: no program
made them) that were there before the lab's first such step and are not the lab's (their
flags, MTU, queue length, master, MAC and permanent addresses), the routes through them
(or through no link) of every table but ``local`` that neither the kernel nor a router
advertisement keeps, and the policy rules. Links a program made (another lab's veths
and bridges, docker0) are left out: on a shared host they change while a step runs, and
the words of a step that name one are refused before it runs (:mod:`iplab.hostnamed`).
What changed is said and put back (``ip`` commands, run and audited as the lab's are: a
route or rule comes back with what ``ip route`` shows of it), and the run stops, so that
its journal undoes the lab.

What the kernel or the host's own daemons change by themselves while a step runs (carrier,
operational state, IPv6 privacy addresses, routes of a router advertisement) is left out.
Pure but for :func:`snapshot`.
"""

from __future__ import annotations

import socket
from collections.abc import Collection, Iterable, Iterator

from iplab import netlink, rtattrs
from iplab.peers import RawLink
from iplab.records import Record, frozen

# linux/if.h: the flags a user sets (not IFF_RUNNING, IFF_LOWER_UP, IFF_DORMANT: carrier)
_IFF_UP = 0x1
_IFF_NOARP = 0x80
_IFF_PROMISC = 0x100
_IFF_ALLMULTI = 0x200
_IFF_MULTICAST = 0x1000
_SET_FLAGS = _IFF_UP | _IFF_NOARP | _IFF_PROMISC | _IFF_ALLMULTI | _IFF_MULTICAST
_FLAG_WORDS = {
    _IFF_UP: ("up", "down"),
    _IFF_NOARP: ("arp off", "arp on"),
    _IFF_PROMISC: ("promisc on", "promisc off"),
    _IFF_ALLMULTI: ("allmulticast on", "allmulticast off"),
    _IFF_MULTICAST: ("multicast on", "multicast off"),
}
_IFLA_TXQLEN = 13
_IFA_F_PERMANENT = 0x80
# linux/rtnetlink.h
_RTM_NEWROUTE, _RTM_GETROUTE = 24, 26
_RTM_NEWRULE, _RTM_GETRULE = 32, 34
_RTPROT_KERNEL, _RTPROT_RA = 2, 9
_RT_TABLE_LOCAL = 255
_ROUTE_TYPES = {
    1: "unicast",
    2: "local",
    3: "broadcast",
    4: "anycast",
    5: "multicast",
    6: "blackhole",
    7: "unreachable",
    8: "prohibit",
    9: "throw",
    10: "nat",
}
_RTMSG = rtattrs.RTMSG  # rtmsg and fib_rule_hdr share this shape
_TABLES = rtattrs.TABLES
_FR_ACT_TO_TBL = 1


@frozen
class HostLink(Record):
    index: int
    name: str
    flags: int
    mtu: int | None
    txqlen: int | None
    master: int | None
    mac: str | None
    #: its permanent addresses (those an ``ip addr add`` or an ``ifconfig`` gave it)
    addresses: frozenset[str]


@frozen
class Snapshot(Record):
    links: dict[int, HostLink]
    #: each route, as ``ip route`` would print it: its words, then its table
    routes: frozenset[str]
    rules: frozenset[str]


@frozen
class Change(Record):
    """One thing of the host a step changed; ``back``: the ``ip`` words that put it back
    (empty: iplab does not put it back, it says how)."""

    text: str
    back: tuple[str, ...] = ()


def snapshot(lab_links: Collection[str]) -> Snapshot:
    """The host's own part of the root namespace: its links that no kernel module made
    (a NIC, ``lo``: see :func:`_links`) but for those named ``lab_links``, the routes
    through them (or through no link), and the rules."""
    sock = netlink.Socket()
    try:
        link_messages, _cut = sock.dump(netlink.RTM_GETLINK, netlink.link_request(None))
        addr_messages, _cut = sock.dump(netlink.RTM_GETADDR, netlink.addr_request(None))
        route_messages: list[bytes] = []
        for family in (socket.AF_INET, socket.AF_INET6):
            found, _cut = sock.dump(_RTM_GETROUTE, _RTMSG.pack(family, 0, 0, 0, 0, 0, 0, 0, 0))
            route_messages += found
        rule_messages: list[bytes] = []
        for family in (socket.AF_INET, socket.AF_INET6):
            found, _cut = sock.dump(_RTM_GETRULE, _RTMSG.pack(family, 0, 0, 0, 0, 0, 0, 0, 0))
            rule_messages += found
    finally:
        sock.close()
    links, names = _links(link_messages, addr_messages, lab_links)
    routes = _routes(route_messages, names, frozenset(links))
    return Snapshot(links, routes, _rules(rule_messages))


def _links(
    link_messages: Iterable[bytes], addr_messages: Iterable[bytes], lab_links: Collection[str]
) -> tuple[dict[int, HostLink], dict[int, str]]:
    """The host's own links (those the kernel reports with no kind of link, ``IFLA_LINKINFO``:
    a NIC, ``lo``), and the name of every link by its index.

    A link some program made (a veth, a bridge, a tun) is left out: on a shared host
    another lab changes its own veths and bridges while a step runs (hunt AG: the run took
    another's ``master otherbr`` for the step's, and put it back); the words of a step
    that name one of the host's are refused before it runs (:mod:`iplab.hostnamed`)."""
    head = netlink.HEADER.size
    raw: dict[int, tuple[RawLink, int, int | None, int | None]] = {}
    names: dict[int, str] = {}
    for message in link_messages:
        if netlink.HEADER.unpack_from(message)[1] != netlink.RTM_NEWLINK:
            continue
        link = netlink.decode_link(message, head, len(message))
        names[link.raw.ifindex] = link.raw.name
        flags = netlink.IFINFO.unpack_from(message, head)[3]
        attrs = netlink.attributes(message, head + netlink.IFINFO.size, len(message))
        txqlen, made = None, False
        for kind, a, _b in attrs:
            if kind == _IFLA_TXQLEN:
                txqlen = netlink.u32(message, a)
            elif kind == netlink.IFLA_LINKINFO:
                made = True
        if link.raw.name not in lab_links and not made:
            raw[link.raw.ifindex] = (link.raw, flags, txqlen, link.master)
    addresses: dict[int, set[str]] = {}
    for message in addr_messages:
        if netlink.HEADER.unpack_from(message)[1] != netlink.RTM_NEWADDR:
            continue
        found = netlink.decode_addr(message, head, len(message))
        if found is not None and _permanent(message, head):
            addresses.setdefault(found[0], set()).add(found[1])
    links = {
        index: HostLink(
            index,
            r.name,
            flags & _SET_FLAGS,
            r.mtu,
            txqlen,
            master,
            r.mac,
            frozenset(addresses.get(index, ())),
        )
        for index, (r, flags, txqlen, master) in raw.items()
    }
    return links, names


def _permanent(message: bytes, head: int) -> bool:
    flags: int = netlink.IFADDR.unpack_from(message, head)[2]
    for kind, a, _b in netlink.attributes(message, head + netlink.IFADDR.size, len(message)):
        if kind == netlink.IFA_FLAGS:
            flags = netlink.u32(message, a)
    return bool(flags & _IFA_F_PERMANENT)


def _headed(messages: Iterable[bytes], mtype: int) -> Iterator[tuple[bytes, tuple[int, ...]]]:
    """Each message of type ``mtype``: itself and its ``rtmsg`` (or ``fib_rule_hdr``)
    fields."""
    head = netlink.HEADER.size
    for message in messages:
        if netlink.HEADER.unpack_from(message)[1] == mtype:
            yield message, _RTMSG.unpack_from(message, head)


def _routes(
    messages: Iterable[bytes], names: dict[int, str], host: frozenset[int]
) -> frozenset[str]:
    """The routes through the host's own links (``host``, by index) or through none (a
    blackhole), as ``ip route`` shows them; not those through a link some program made
    (hunt AG: a lab's route via its own bridge, taken for a change of the host)."""
    out: set[str] = set()
    for message, fields in _headed(messages, _RTM_NEWROUTE):
        family, dst_len, _src, _tos, table, proto, _scope, kind, _flags = fields
        if proto in (_RTPROT_KERNEL, _RTPROT_RA):
            continue
        dst, gateway, src, oif, metric, table = rtattrs.route(message, family, table)
        if table == _RT_TABLE_LOCAL or (oif is not None and oif not in host):
            continue
        words = [] if kind == 1 else [_ROUTE_TYPES.get(kind, str(kind))]
        words.append(f"{dst}/{dst_len}" if dst is not None else "default")
        if gateway is not None:
            words += ["via", gateway]
        if oif is not None:
            words += ["dev", names.get(oif, f"if{oif}")]
        if src is not None:
            words += ["src", src]
        if metric:
            words += ["metric", str(metric)]
        words += ["table", _TABLES.get(table, str(table))]
        if family == socket.AF_INET6:
            words.insert(0, "-6")
        out.add(" ".join(words))
    return frozenset(out)


def _rules(messages: Iterable[bytes]) -> frozenset[str]:
    out: set[str] = set()
    for message, fields in _headed(messages, _RTM_NEWRULE):
        family, dst_len, src_len, _tos, table, _r1, _r2, action, _f = fields
        pref, src, dst, iif, oif, mark, _mask, table, _proto = rtattrs.rule(message, family, table)
        # (in the order the kernel gives the attributes: fib_nl_fill_rule, then the family's)
        words = [] if pref is None else ["pref", str(pref)]
        if iif is not None:
            words += ["iif", iif]
        if oif is not None:
            words += ["oif", oif]
        if mark is not None:
            words += ["fwmark", hex(mark)]
        if dst is not None:
            words += ["to", f"{dst}/{dst_len}"]
        words += ["from", "all" if src is None else f"{src}/{src_len}"]
        if action == _FR_ACT_TO_TBL:
            words += ["lookup", _TABLES.get(table, str(table))]
        else:
            words += ["action", str(action)]
        out.add(" ".join((["-6"] if family == socket.AF_INET6 else []) + words))
    return frozenset(out)


def changes(before: Snapshot, after: Snapshot) -> list[Change]:
    """What of the host differs from ``before`` (links that came since are not the host's)."""
    out: list[Change] = []
    names = {link.index: link.name for link in after.links.values()}
    names.update({link.index: link.name for link in before.links.values()})
    for index, old in before.links.items():
        new = after.links.get(index)
        if new is None:
            out.append(Change(f"the host's link {old.name} is gone"))
            continue
        out += _link_changes(old, new, names)
    for route in sorted(before.routes - after.routes):
        out.append(Change(f"the host's route {route} is gone", _back("route", "add", route)))
    for route in sorted(after.routes - before.routes):
        out.append(Change(f"the host has a new route {route}", _back("route", "del", route)))
    for rule in sorted(before.rules - after.rules):
        out.append(Change(f"the host's rule {rule} is gone", _back("rule", "add", rule)))
    for rule in sorted(after.rules - before.rules):
        out.append(Change(f"the host has a new rule {rule}", _back("rule", "del", rule)))
    return out


def _back(obj: str, verb: str, text: str) -> tuple[str, ...]:
    """``ip [-6] OBJECT VERB WORDS`` for a route or rule as :func:`snapshot` says it (nothing
    for a rule whose action ip cannot be given back as read)."""
    words = text.split()
    if "action" in words:
        return ()
    family = words[:1] if words[:1] == ["-6"] else []
    return (*family, obj, verb, *words[len(family) :])


def _link_changes(old: HostLink, new: HostLink, names: dict[int, str]) -> list[Change]:
    dev = new.name
    out: list[Change] = []
    if new.name != old.name:
        out.append(
            Change(
                f"the host's link {old.name} is now {new.name}",
                ("link", "set", "dev", dev, "name", old.name),
            )
        )
    for flag, (on, off) in _FLAG_WORDS.items():
        if old.flags & flag != new.flags & flag:
            was = on if old.flags & flag else off
            now = off if old.flags & flag else on
            out.append(
                Change(f"{dev}: {now} (was {was})", ("link", "set", "dev", dev, *was.split()))
            )
    for what, key, a, b in (
        ("mtu", "mtu", old.mtu, new.mtu),
        ("queue length", "txqueuelen", old.txqlen, new.txqlen),
        ("MAC address", "address", old.mac, new.mac),
    ):
        if a != b and a is not None:
            out.append(
                Change(f"{dev}: {what} {b} (was {a})", ("link", "set", "dev", dev, key, str(a)))
            )
    if old.master != new.master:
        master = names.get(old.master, f"if{old.master}") if old.master else None
        now = names.get(new.master, f"if{new.master}") if new.master else "none"
        back = ("master", master) if master else ("nomaster",)
        text = f"{dev}: master {now} (was {master or 'none'})"
        out.append(Change(text, ("link", "set", "dev", dev, *back)))
    # (the old addresses back before the new ones go: a link left without any address
    # loses the routes through it)
    for address in sorted(old.addresses - new.addresses):
        out.append(
            Change(f"{dev}: address {address} is gone", ("addr", "add", address, "dev", dev))
        )
    for address in sorted(new.addresses - old.addresses):
        out.append(Change(f"{dev}: a new address {address}", ("addr", "del", address, "dev", dev)))
    return out
