"""Read the links and addresses of many namespaces over one rtnetlink socket: no process.

The ``ip -j`` reader (:mod:`iplab.iproute`) costs a few milliseconds per
namespace whatever it does (``ip -n NS`` enters the namespace, loads its
caches, prints JSON that Python parses again). Here one ``NETLINK_ROUTE``
socket in the root namespace dumps every namespace the lab owns: ``RTM_GETLINK``
and ``RTM_GETADDR`` take a target namespace id (``IFLA_TARGET_NETNSID`` /
``IFA_TARGET_NETNSID``, Linux 4.20 and later, honoured for addresses only
with ``NETLINK_GET_STRICT_CHK``), so 500 namespaces cost about 30 ms.

A target needs an id in the root namespace. A namespace that has none (no
veth of it ever crossed to the root) gets one the way ``ip netns set NS auto``
gives it (``RTM_NEWNSID``); only the lab's own namespaces are read this way,
so iplab only ever numbers namespaces it created. Every namespace read stays
open (a file descriptor on ``/var/run/netns/NS``) until the read ends, so its
id cannot be freed and given to another namespace in the middle of the read.

In a target dump the kernel reports a veth's ``IFLA_LINK_NETNSID`` as the
root namespace sees the peer's namespace, so every peer resolves through the
root's ids alone, and the same :func:`iplab.peers.build_state` assembles
the :class:`~iplab.state.State`: the fields (kind, flags, mtu, MAC, master,
peer, addresses, operational state) are formatted as ``ip -j -d addr show``
formats them, so both readers give the same State (the kernel tests check
that, field for field).

A root veth whose peer lives outside the read (another lab's, on a host with hundreds)
is named by asking the named namespaces their ids, each asked once a process: the id is
kept while the name holds the same namespace (:data:`_KNOWN`), and a caller that needs
only its own root links named says which (``roots``: verify, ``status --lab``) and asks
none of them.

A caller that looks at a few root links only (the claims after a step, verify: the lab's)
says which (a :class:`~iplab.peers.RootPart`): the root is then read link by link
(``RTM_GETLINK`` by name, the root ends of the namespaces' veths by index, a bridge's ports
by a dump the kernel filters by ``IFLA_MASTER``), not dumped: on a host with another lab of
500 namespaces up, 1.4 ms instead of 33 ms (:func:`read_root_part`).

Decoding is done with :mod:`struct` rather than pyroute2: measured on 500
namespaces, pyroute2's import alone (0.19 s) and its message decoding
(0.26 ms a message, 0.39 s for the 1,500 messages) cost more than the whole
read with ``ip -j``; the few attributes needed here decode in microseconds.

Why this module is long: the netlink reader whole: the socket, message decoding and the dump
of each namespace, held to the ``ip -j`` reader by a kernel test.
"""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import socket
import struct
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import field
from typing import TypeVar

from iplab import vxlan
from iplab.errors import ParseError
from iplab.names import NETNS_DIR, ROOT
from iplab.peers import RawLink, RootPart, build_state, in_part, settings_of
from iplab.records import mutable
from iplab.state import State

# linux/netlink.h
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLM_F_DUMP_INTR = 0x10
NLM_F_DUMP = 0x300
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NETLINK_GET_STRICT_CHK = 12
NLA_TYPE_MASK = 0x3FFF  # without NLA_F_NESTED / NLA_F_NET_BYTEORDER
# linux/rtnetlink.h
RTM_NEWLINK = 16
RTM_GETLINK = 18
RTM_NEWADDR = 20
RTM_GETADDR = 22
RTM_NEWNSID = 88
RTM_GETNSID = 90
# linux/if_link.h
IFLA_ADDRESS = 1
IFLA_IFNAME = 3
IFLA_MTU = 4
IFLA_TXQLEN = 13
IFLA_IFALIAS = 20
IFLA_LINK = 5
IFLA_MASTER = 10
IFLA_QDISC = 6
IFLA_OPERSTATE = 16
IFLA_LINKINFO = 18
IFLA_LINK_NETNSID = 37
IFLA_TARGET_NETNSID = 46
IFLA_PROP_LIST = 52
IFLA_ALT_IFNAME = 53
IFLA_INFO_KIND = 1
IFLA_INFO_DATA = 2
IFLA_MACVLAN_MODE = 1
#: a macvlan's modes (linux/if_link.h), as ip names them
MACVLAN_MODES = {1: "private", 2: "vepa", 4: "bridge", 8: "passthru", 16: "source"}
IFF_UP = 0x1
IFF_NOARP = 0x80
IFF_PROMISC = 0x100
# linux/if_addr.h
IFA_ADDRESS = 1
IFA_LOCAL = 2
IFA_FLAGS = 8
IFA_TARGET_NETNSID = 10
IFA_F_DADFAILED = 0x08
IFA_F_TENTATIVE = 0x40
# linux/net_namespace.h
NETNSA_NSID = 1
NETNSA_FD = 3
NSID_NOT_ASSIGNED = -1

_HEADER = struct.Struct("=IHHII")  # nlmsghdr: len, type, flags, seq, pid
_IFINFO = struct.Struct("=BxHiII")  # ifinfomsg: family, type, index, flags, change
_IFADDR = struct.Struct("=BBBBI")  # ifaddrmsg: family, prefixlen, flags, scope, index
_ATTR = struct.Struct("=HH")
_S32 = struct.Struct("=i")
_U32 = struct.Struct("=I")

#: RFC 2863 operational states, as ``ip`` names them (``oper_states`` in ipaddress.c)
OPERSTATES = ("UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP")

#: ARPHRD_* -> the ``link/TYPE`` word of ``ip link`` (iproute2's lib/ll_types.c)
LINK_TYPES = {
    0: "netrom", 1: "ether", 2: "eether", 3: "ax25", 4: "pronet", 5: "chaos", 6: "ieee802",
    7: "arcnet", 8: "atalk", 15: "dlci", 19: "atm", 23: "metricom", 24: "ieee1394",
    32: "infiniband", 256: "slip", 257: "cslip", 258: "slip6", 259: "cslip6", 260: "rsrvd",
    264: "adapt", 270: "rose", 271: "x25", 272: "hwx25", 280: "can", 512: "ppp", 513: "hdlc",
    516: "lapb", 517: "ddcmp", 518: "rawhdlc", 768: "ipip", 769: "tunnel6", 770: "frad",
    771: "skip", 772: "loopback", 773: "ltalk", 774: "fddi", 775: "bif", 776: "sit",
    777: "ip/ddp", 778: "gre", 779: "pimreg", 780: "hippi", 781: "ash", 782: "econet",
    783: "irda", 784: "fcpp", 785: "fcal", 786: "fcpl", 787: "fcfb0", 800: "tr",
    801: "ieee802.11", 802: "ieee802.11/prism", 803: "ieee802.11/radiotap",
    804: "ieee802.15.4", 805: "ieee802.15.4/monitor", 820: "phonet", 821: "phonet_pipe",
    822: "caif", 823: "gre6", 824: "netlink", 825: "6lowpan", 65534: "none", 65535: "void",
}  # fmt: skip
_IPV4_TUNNELS = (768, 776, 778)  # ARPHRD_TUNNEL, SIT, IPGRE: the address is an IPv4 address
_IPV6_TUNNELS = (769, 823)  # ARPHRD_TUNNEL6, IP6GRE

RETRY_SECONDS = 30
#: how long the read of the root's names (the checks before a run) waits for a dump no change
#: interrupted, before it takes the names every interrupted dump gave, together
NAMES_PATIENCE = 2.0
RECV_SIZE = 1 << 18


class Unsupported(Exception):
    """This kernel (or this process) cannot read namespaces by id: use the ip -j reader."""


@mutable
class Reading:
    """What one netlink read gathered, before peers are resolved."""

    links: dict[str, list[RawLink]] = field(default_factory=dict)
    #: every named namespace -> the root's id of it (None: it has none)
    root_ids: dict[str, int | None] = field(default_factory=dict)
    #: namespaces this read numbered (``RTM_NEWNSID``), for the audit record
    numbered: list[str] = field(default_factory=list)
    #: the root namespace's id of itself (how a target dump names the root as a peer's home)
    self_id: int | None = None
    dumps: int = 0
    #: ids asked of namespaces outside the read (to name the peers of veths read)
    asked: int = 0
    #: the root links the read decoded (None: the root's whole dump, every link of it)
    root_links: int | None = None


def _attrs(data: bytes | memoryview, offset: int, end: int) -> Iterator[tuple[int, int, int]]:
    """(type, start of payload, end of payload) of each attribute in data[offset:end]."""
    while offset + 4 <= end:
        length, kind = _ATTR.unpack_from(data, offset)
        if length < 4:
            break
        yield kind & NLA_TYPE_MASK, offset + 4, offset + length
        offset += (length + 3) & ~3


def _s32(data: bytes, start: int) -> int:
    value: int = _S32.unpack_from(data, start)[0]
    return value


def _u32(data: bytes, start: int) -> int:
    value: int = _U32.unpack_from(data, start)[0]
    return value


def _cstring(data: bytes, start: int, end: int) -> str:
    return data[start:end].split(b"\0", 1)[0].decode("utf-8", errors="replace")


def mac_text(raw: bytes, link_type: int) -> str:
    """``ll_addr_n2a``: hex pairs, or an IP address for tunnels that use one."""
    if len(raw) == 4 and link_type in _IPV4_TUNNELS:
        return socket.inet_ntop(socket.AF_INET, raw)
    if len(raw) == 16 and link_type in _IPV6_TUNNELS:
        return socket.inet_ntop(socket.AF_INET6, raw)
    return raw.hex(":")


@mutable(hot=True)
class _Link:
    raw: RawLink
    master: int | None
    link: int | None
    target: int | None
    #: a vxlan's dev (IFLA_VXLAN_LINK), named once the namespace's links are known
    vxlan_dev: int | None = None


#: the attributes of a link :func:`decode_link` reads (a link carries some forty more)
_LINK_ATTRS = frozenset((
    IFLA_IFNAME, IFLA_MTU, IFLA_ADDRESS, IFLA_MASTER, IFLA_LINK, IFLA_LINK_NETNSID,
    IFLA_TARGET_NETNSID, IFLA_QDISC, IFLA_OPERSTATE, IFLA_PROP_LIST, IFLA_LINKINFO,
    IFLA_TXQLEN, IFLA_IFALIAS,
))  # fmt: skip


def decode_link(data: bytes, start: int, end: int) -> _Link:
    """One RTM_NEWLINK message body (after the netlink header)."""
    _family, link_type, index, flags, _change = _IFINFO.unpack_from(data, start)
    # first where each attribute read here is, then only those decoded: the walk over some
    # fifty attributes a link costs most (a star of 500 namespaces: 505 root links a read);
    # one test a skipped attribute, not eleven, measured 39 ms -> 17 ms for those links
    found: dict[int, tuple[int, int]] = {}
    unpack = _ATTR.unpack_from
    wanted = _LINK_ATTRS
    offset = start + _IFINFO.size
    while offset + 4 <= end:
        length, attr = unpack(data, offset)
        if length < 4:
            break
        attr &= NLA_TYPE_MASK
        if attr in wanted:
            found[attr] = (offset + 4, offset + length)
        offset += (length + 3) & ~3
    get = found.get
    at = get(IFLA_IFNAME)
    if at is None:
        raise ParseError(f"netlink: a link (index {index}) came without a name")
    name = _cstring(data, *at)
    at = get(IFLA_MTU)
    mtu = _u32(data, at[0]) if at else None
    at = get(IFLA_ADDRESS)
    mac = mac_text(data[at[0] : at[1]], link_type) if at else None
    at = get(IFLA_MASTER)
    master = _u32(data, at[0]) if at else None
    at = get(IFLA_LINK)
    link = _u32(data, at[0]) if at else None
    at = get(IFLA_LINK_NETNSID)
    netnsid = _s32(data, at[0]) if at else None
    at = get(IFLA_TARGET_NETNSID)
    target = _s32(data, at[0]) if at else None
    at = get(IFLA_QDISC)
    qdisc = _cstring(data, *at) if at else None
    at = get(IFLA_TXQLEN)
    txqlen = _u32(data, at[0]) if at else None
    at = get(IFLA_IFALIAS)
    alias = _cstring(data, *at) if at else None
    operstate: str | None = None
    at = get(IFLA_OPERSTATE)
    if at:
        state = data[at[0]]
        operstate = OPERSTATES[state] if state < len(OPERSTATES) else None
    altnames: list[str] = []
    at = get(IFLA_PROP_LIST)
    if at:
        altnames = [_cstring(data, c, d) for s, c, d in _attrs(data, *at) if s == IFLA_ALT_IFNAME]
    kind: str | None = None
    data_at: tuple[int, int] | None = None
    at = get(IFLA_LINKINFO)
    if at:
        for sub, c, d in _attrs(data, *at):
            if sub == IFLA_INFO_KIND:
                kind = _cstring(data, c, d)
            elif sub == IFLA_INFO_DATA:
                data_at = (c, d)
    vxlan_settings: dict[str, str] = {}
    vxlan_dev: int | None = None
    if kind == "vxlan" and data_at is not None:
        attrs = {sub: data[c:d] for sub, c, d in _attrs(data, *data_at)}
        vxlan_settings, vxlan_dev = vxlan.from_attributes(attrs)
    if not kind:
        kind = LINK_TYPES.get(link_type, f"[{link_type}]")
    link_index = link if link and netnsid is not None else None
    raw = RawLink(
        name=name, ifindex=index, kind=kind, up=bool(flags & IFF_UP), operstate=operstate,
        mtu=mtu, mac=mac, link_index=link_index, link_netnsid=netnsid, qdisc=qdisc,
        altnames=altnames,
        settings=settings_of(
            _flag_names(flags), txqlen, alias, _mode(data, kind, data_at), vxlan_settings
        ),
    )  # fmt: skip
    out = _Link(raw, master or None, link if link and netnsid is None else None, target)
    out.vxlan_dev = vxlan_dev
    return out


def _mode(data: bytes, kind: str | None, at: tuple[int, int] | None) -> str | None:
    """A macvlan's (macvtap's) mode, from its IFLA_INFO_DATA; None for another kind."""
    if kind not in ("macvlan", "macvtap") or at is None:
        return None
    for sub, c, _ in _attrs(data, *at):
        if sub == IFLA_MACVLAN_MODE:
            return MACVLAN_MODES.get(_u32(data, c), str(_u32(data, c)))
    return None


def _flag_names(flags: int) -> list[str]:
    """The flags :func:`iplab.peers.settings_of` reads, named as ``ip`` names them."""
    return [name for bit, name in ((IFF_PROMISC, "PROMISC"), (IFF_NOARP, "NOARP")) if flags & bit]


def decode_addr(
    data: bytes, start: int, end: int
) -> tuple[int, str, int | None, str | None] | None:
    """One RTM_NEWADDR body -> (link index, "address/prefix", target id, what Duplicate
    Address Detection says of it: ``tentative``, ``dadfailed`` or None); None: not IP."""
    family, prefixlen, flags, _scope, index = _IFADDR.unpack_from(data, start)
    if family not in (socket.AF_INET, socket.AF_INET6):
        return None
    local = address = None
    target = None
    for kind, a, b in _attrs(data, start + _IFADDR.size, end):
        if kind == IFA_LOCAL:
            local = data[a:b]
        elif kind == IFA_ADDRESS:
            address = data[a:b]
        elif kind == IFA_TARGET_NETNSID:
            target = _s32(data, a)
        elif kind == IFA_FLAGS:  # (the 32-bit flags, when the kernel sends them)
            flags = _u32(data, a)
    raw = local if local is not None else address
    if raw is None:
        return None
    dad = "dadfailed" if flags & IFA_F_DADFAILED else None
    dad = dad or ("tentative" if flags & IFA_F_TENTATIVE else None)
    return index, f"{socket.inet_ntop(family, raw)}/{prefixlen}", target, dad


class Socket:
    """One rtnetlink socket in the root namespace, strict checking on."""

    def __init__(self) -> None:
        try:
            self.sock = socket.socket(
                socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, socket.NETLINK_ROUTE
            )
        except OSError as exc:
            raise Unsupported(f"no netlink socket: {exc.strerror}") from None
        try:
            self.sock.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
            self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
            self.sock.bind((0, 0))
        except OSError as exc:
            self.sock.close()
            raise Unsupported(f"netlink strict checking unavailable: {exc.strerror}") from None
        self.seq = int(time.time()) & 0xFFFF

    def close(self) -> None:
        self.sock.close()

    def request(self, kind: int, flags: int, body: bytes) -> list[tuple[int, int, bytes]]:
        """Send one request; (type, flags, whole message) of each answer, errors raised.

        A dump ends with NLMSG_DONE; a plain request with its answer or its ack."""
        self.seq += 1
        seq = self.seq
        self.sock.send(_HEADER.pack(_HEADER.size + len(body), kind, flags, seq, 0) + body)
        out: list[tuple[int, int, bytes]] = []
        dump = flags & NLM_F_DUMP == NLM_F_DUMP
        while True:
            data = self.sock.recv(RECV_SIZE)
            offset = 0
            while offset + _HEADER.size <= len(data):
                length, mtype, mflags, mseq, _pid = _HEADER.unpack_from(data, offset)
                if length < _HEADER.size:
                    raise ParseError(f"netlink: a message of {length} bytes")
                message = data[offset : offset + length]
                offset += (length + 3) & ~3
                if mseq != seq:
                    continue  # an answer to an earlier request cut short
                if mtype == NLMSG_ERROR:
                    code = -_s32(message, _HEADER.size)
                    if code:
                        raise OSError(code, os.strerror(code))
                    return out  # the ack
                if mtype == NLMSG_DONE:
                    code = -_s32(message, _HEADER.size) if length >= _HEADER.size + 4 else 0
                    if code:
                        raise OSError(code, os.strerror(code))
                    out.append((mtype, mflags, message))
                    return out
                out.append((mtype, mflags, message))
                if not dump:
                    return out

    def nsid(self, fd: int) -> int:
        """The root's id of the namespace open as ``fd`` (-1: none)."""
        body = b"\0\0\0\0" + _attr_s32(NETNSA_FD, fd)
        for mtype, _flags, message in self.request(RTM_GETNSID, NLM_F_REQUEST, body):
            if mtype == RTM_NEWNSID:
                for kind, a, _b in _attrs(message, _HEADER.size + 4, len(message)):
                    if kind == NETNSA_NSID:
                        return _s32(message, a)
        return NSID_NOT_ASSIGNED

    def assign(self, fd: int) -> None:
        """``ip netns set NS auto``: the kernel picks an id for the namespace open as ``fd``."""
        body = b"\0\0\0\0" + _attr_s32(NETNSA_NSID, NSID_NOT_ASSIGNED) + _attr_s32(NETNSA_FD, fd)
        with contextlib.suppress(FileExistsError):  # someone else numbered it meanwhile: fine
            self.request(RTM_NEWNSID, NLM_F_REQUEST | NLM_F_ACK, body)

    def dump(self, kind: int, body: bytes) -> tuple[list[bytes], bool]:
        """A dump's messages (DONE excluded), and whether the kernel says it was interrupted."""
        interrupted = False
        out = []
        for mtype, mflags, message in self.request(kind, NLM_F_REQUEST | NLM_F_DUMP, body):
            interrupted |= bool(mflags & NLM_F_DUMP_INTR)
            if mtype != NLMSG_DONE:
                out.append(message)
        return out, interrupted


def _attr_s32(kind: int, value: int) -> bytes:
    return _ATTR.pack(8, kind) + _S32.pack(value)


def _link_request(target: int | None) -> bytes:
    # no IFLA_EXT_MASK (RTEXT_FILTER_SKIP_STATS would shorten the messages): with one, the
    # kernel sizes every dump by going through every link of the root namespace first
    # (rtnl_calcit), which made each namespace's dump cost as much as the root's: measured
    # on 2,000 namespaces, 5 ms a dump with the mask, 0.4 ms without
    body = _IFINFO.pack(0, 0, 0, 0, 0)
    return body + (_attr_s32(IFLA_TARGET_NETNSID, target) if target is not None else b"")


def _addr_request(target: int | None) -> bytes:
    body = _IFADDR.pack(0, 0, 0, 0, 0)
    return body + (_attr_s32(IFA_TARGET_NETNSID, target) if target is not None else b"")


def read_one(sock: Socket, target: int | None, where: str) -> list[RawLink] | None:
    """Links and addresses of one namespace (None: the root); None when interrupted."""
    link_messages, cut = sock.dump(RTM_GETLINK, _link_request(target))
    if cut:
        return None
    addr_messages, cut = sock.dump(RTM_GETADDR, _addr_request(target))
    if cut:
        return None
    return parse_dump(link_messages, addr_messages, target, where)


def _one_link(sock: Socket, index: int = 0, name: str = "") -> bytes | None:
    """The RTM_NEWLINK of the root's link of this index or name (None: no such link)."""
    body = _IFINFO.pack(0, 0, index, 0, 0)
    if name:
        text = name.encode() + b"\0"
        if len(text) > 16:  # (IFNAMSIZ: no link has such a name)
            return None
        body += _ATTR.pack(4 + len(text), IFLA_IFNAME) + text + b"\0" * (-len(text) % 4)
    try:
        answers = sock.request(RTM_GETLINK, NLM_F_REQUEST, body)
    except OSError as exc:
        if exc.errno in (errno.ENODEV, errno.EINVAL):
            return None
        raise
    return next((m for kind, _f, m in answers if kind == RTM_NEWLINK), None)


def read_root_part(
    sock: Socket, part: RootPart, peers: Collection[int] = ()
) -> list[RawLink] | None:
    """The root's links of ``part`` and of the indexes ``peers`` (the root ends of the
    veths of the namespaces read), as the root's whole dump gives them (their masters,
    same-namespace peers and vxlan devs named, asked by index when outside the part);
    None when the kernel says a change interrupted a bridge's ports' dump, or a link read
    went before its addresses were (``down`` reads while the kernel destroys veths).

    Measured (a star of 500 up, 1,207 root links): a link by name 7 us, the whole dump
    19.7 ms and its decoding 22 ms; a dump filtered by IFLA_MASTER costs what the ports
    cost (500 ports: 6.4 ms); addresses by link (``ifa_index``, honoured with strict
    checking) 0.02 ms."""
    messages: dict[int, bytes] = {}

    def keep(message: bytes) -> None:
        messages.setdefault(_IFINFO.unpack_from(message, _HEADER.size)[2], message)

    for name in sorted(part.names | part.ports_of):
        message = _one_link(sock, name=name)
        if message is not None:
            keep(message)
    for index in sorted(set(peers) - set(messages)):
        message = _one_link(sock, index=index)
        if message is not None:
            keep(message)
    for name in sorted(part.ports_of):
        bridge = _one_link(sock, name=name)
        if bridge is None:
            continue
        index = _IFINFO.unpack_from(bridge, _HEADER.size)[2]
        body = _IFINFO.pack(0, 0, 0, 0, 0) + _attr_s32(IFLA_MASTER, index)
        ports, cut = sock.dump(RTM_GETLINK, body)
        if cut:
            return None
        for message in ports:
            if _HEADER.unpack_from(message)[1] == RTM_NEWLINK:
                keep(message)
    names: dict[int, str] = {}
    for message in list(messages.values()):
        link = decode_link(message, _HEADER.size, len(message))
        for other in (link.master, link.link, link.vxlan_dev):
            if other is not None and other not in messages and other not in names:
                found = _one_link(sock, index=other)
                if found is not None:
                    names[other] = decode_link(found, _HEADER.size, len(found)).raw.name
    addresses: list[bytes] = []
    for index in sorted(messages):
        try:
            got, cut = sock.dump(RTM_GETADDR, _IFADDR.pack(0, 0, 0, 0, index))
        except OSError as exc:
            if exc.errno != errno.ENODEV:
                raise
            # the link went since it was read (a namespace being destroyed takes its
            # veth's root end): a change interrupted the read, which is read again
            return None
        if cut:
            return None
        addresses += got
    links = parse_dump(list(messages.values()), addresses, None, "the root namespace", names)
    # (a name asked that is another link's altname gives that link: not the part's)
    return [r for r in links if in_part(part, r.name, r.master) or r.ifindex in peers]


def parse_dump(
    link_messages: Sequence[bytes],
    addr_messages: Sequence[bytes],
    target: int | None,
    where: str,
    names: Mapping[int, str] | None = None,
) -> list[RawLink]:
    """One namespace's link and address dumps (whole messages) -> its links, as ip prints them.
    ``names``: the names of links outside the messages (a part read), by index."""
    links: list[RawLink] = []
    by_index: dict[int, RawLink] = {}
    named = names or {}
    pending: list[_Link] = []
    for message in link_messages:
        if _HEADER.unpack_from(message)[1] != RTM_NEWLINK:
            continue
        link = decode_link(message, _HEADER.size, len(message))
        if link.target != target:
            raise ParseError(f"netlink: {where}: the kernel answered for another namespace")
        links.append(link.raw)
        by_index[link.raw.ifindex] = link.raw
        pending.append(link)
    for link in pending:  # names as ip prints them: ll_index_to_name, "if%u" when unknown
        if link.master is not None:
            master = by_index.get(link.master)
            link.raw.master = master.name if master else named.get(link.master, f"if{link.master}")
        if link.link is not None:
            peer = by_index.get(link.link)
            link.raw.link_name = peer.name if peer else named.get(link.link, f"if{link.link}")
        if link.vxlan_dev is not None:
            lower = by_index.get(link.vxlan_dev)
            dev = lower.name if lower else named.get(link.vxlan_dev, f"if{link.vxlan_dev}")
            link.raw.settings["dev"] = dev
    for message in addr_messages:
        if _HEADER.unpack_from(message)[1] != RTM_NEWADDR:
            continue
        found = decode_addr(message, _HEADER.size, len(message))
        if found is None:
            continue
        index, text, answered, dad = found
        if answered != target:
            raise ParseError(f"netlink: {where}: the kernel answered for another namespace")
        owner = by_index.get(index)
        if owner is not None:
            owner.addresses.append(text)
            if dad is not None:
                owner.dad[text] = dad
    return links


def _open_netns(name: str) -> int | None:
    try:
        return os.open(os.path.join(NETNS_DIR, name), os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        named_namespaces()  # (says what is wrong: NETNS_DIR is a file)
        raise


def _room_for(count: int) -> None:
    """Enough file descriptors to keep ``count`` namespaces open during the read."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = count + 64
    if soft != resource.RLIM_INFINITY and soft < need:
        if hard != resource.RLIM_INFINITY and hard < need:
            raise Unsupported(f"{count} namespaces need more open files than allowed ({hard})")
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))


def named_namespaces() -> list[str]:
    """``ip netns list``: the names in /var/run/netns."""
    try:
        return sorted(os.listdir(NETNS_DIR))
    except FileNotFoundError:
        return []
    except NotADirectoryError:  # (hunt AJ: said "reading the state failed: Not a directory")
        raise ParseError(
            f"{NETNS_DIR} is not a directory: iproute2 keeps the named namespaces there"
            " (`ip netns add` and `ip netns list` fail too); move that file away"
        ) from None


_T = TypeVar("_T")


class _Impatient(Exception):
    """The patience a caller of :func:`_whole` gave ran out."""


def _whole(read: Callable[[], _T | None], where: str, patience: float | None = None) -> _T:
    """What ``read`` gives once a read of it is whole: a change anywhere in the namespace
    while it is dumped interrupts the dump (the root's, on a busy host, often), and it is
    read again, for up to :data:`RETRY_SECONDS` (``patience``: that many seconds, then
    :class:`_Impatient`)."""
    deadline = time.monotonic() + (RETRY_SECONDS if patience is None else patience)
    attempt = 0
    while (got := read()) is None:
        if time.monotonic() > deadline:
            if patience is not None:
                raise _Impatient(where)
            raise ParseError(
                f"netlink: {where}: the dump kept being interrupted by changes for "
                f"{RETRY_SECONDS} s (something else is busy changing it); try again"
            )
        time.sleep(min(0.2, 0.005 * 2**attempt))
        attempt += 1
    return got


def read_names(said: list[str] | None = None) -> tuple[set[str], set[str]]:
    """(the names of the root's links, their altnames too; the named namespaces): what the
    checks before a run read of the host, its links' names alone decoded (a whole read of
    a root holding another lab's 505 links decoded each of them, addresses and veth peers
    included: some 30 ms, for their names; hunt CZ's leftover).

    A root whose links another tool adds and deletes all the time (a lab of thousands
    going up beside, a host starting containers) may interrupt every dump: after
    :data:`NAMES_PATIENCE` seconds of interrupted dumps, the names are those every dump
    gave, together (a link that stays through them is in each: what the checks look for,
    the lab's own names, is there; a name made or gone meanwhile may be counted, as it may
    be a moment later), said in ``said``. Before, ``up`` failed after 30 s: "the dump kept
    being interrupted" (#14's leftover: two runs beside a star of 5,000 going up)."""
    sock = Socket()
    seen: set[str] = set()
    dumps = [0]

    def decoded(messages: list[bytes]) -> set[str]:
        names: set[str] = set()
        for message in messages:
            if _HEADER.unpack_from(message)[1] != RTM_NEWLINK:
                continue
            named = False
            for attr, start, end in _attrs(message, _HEADER.size + _IFINFO.size, len(message)):
                if attr == IFLA_IFNAME:
                    names.add(_cstring(message, start, end))
                    named = True
                elif attr == IFLA_PROP_LIST:
                    names.update(
                        _cstring(message, c, d)
                        for kind, c, d in _attrs(message, start, end)
                        if kind == IFLA_ALT_IFNAME
                    )
            if not named:
                raise ParseError("netlink: a link of the root namespace came without a name")
        return names

    def dump() -> set[str] | None:
        messages, cut = sock.dump(RTM_GETLINK, _link_request(None))
        dumps[0] += 1
        if not cut:
            return decoded(messages)
        seen.update(decoded(messages))
        return None

    try:
        try:
            names = _whole(dump, "the root namespace", NAMES_PATIENCE)
        except _Impatient:
            names = seen
            if said is not None:
                said.append(
                    f"every dump of the root's links was interrupted by changes for"
                    f" {NAMES_PATIENCE:g} s: the names of {dumps[0]} dumps, together"
                )
        return names, set(named_namespaces())
    except OSError as exc:
        if exc.errno in (errno.EPERM, errno.EACCES, errno.EOPNOTSUPP, errno.EPROTONOSUPPORT):
            raise Unsupported(f"netlink: {exc.strerror}") from None
        raise ParseError(f"netlink: reading the host's names failed: {exc.strerror}") from None
    finally:
        sock.close()


def read(
    namespaces: Sequence[str],
    roots: Collection[str] | None = None,
    part: RootPart | None = None,
) -> Reading:
    """Links and addresses of the root namespace and of ``namespaces`` (those that exist).

    ``roots``: the root links whose veth peers are named when they live in a namespace
    not read (None: every root link's). A root veth outside ``roots`` whose peer lives
    outside the read (another lab's, a container's) is then left unnamed
    (:data:`iplab.peers.UNKNOWN_PEER`): naming it asks every named namespace of the host
    its id, which the caller that reads a lab's own links has no use for.

    ``part``: the root links read (:class:`RootPart`; None: every one, the root's dump)."""
    wanted = sorted(set(namespaces) - {ROOT})
    _room_for(len(wanted))
    reading = Reading()
    sock = Socket()
    fds: dict[str, int] = {}
    try:
        for name in wanted:
            fd = _open_netns(name)
            if fd is not None:
                fds[name] = fd
        reading.root_ids = dict.fromkeys(named_namespaces())
        for name, fd in list(fds.items()):
            nsid = _root_id(sock, name, fd)
            if nsid is None:
                if not _assign(sock, fd):  # not a namespace (a file left behind)
                    os.close(fds.pop(name))
                    continue
                reading.numbered.append(name)
                nsid = _root_id(sock, name, fd)
            reading.root_ids[name] = nsid
        targets: list[tuple[str, int | None]] = [(ROOT, None)]
        targets += [(n, reading.root_ids[n]) for n in fds if reading.root_ids.get(n) is not None]
        if part is not None:  # the root last: its links the namespaces' veths point at
            targets = targets[1:] + targets[:1]
        for name, target in targets:
            where = "the root namespace" if name == ROOT else f"namespace {name}"

            def links(
                name: str = name, target: int | None = target, where: str = where
            ) -> list[RawLink] | None:
                reading.dumps += 2
                if name == ROOT and part is not None:
                    # (the root's id of itself: the namespaces' dumps gave it one if needed)
                    reading.self_id = _self_id(sock)
                    return read_root_part(sock, part, _root_ends(reading))
                return read_one(sock, target, where)

            reading.links[name] = got = _whole(links, where)
            if name == ROOT and part is not None:
                reading.root_links = len(got)
        if reading.self_id is None:
            reading.self_id = _self_id(sock)
        _other_ids(sock, reading, roots)
        # a namespace deleted during the read (its name gone, our descriptor kept it alive)
        # is gone, as the ip -j reader would have found it
        for name in fds:
            if not os.path.exists(os.path.join(NETNS_DIR, name)):
                reading.links.pop(name, None)
                reading.root_ids.pop(name, None)
    except OSError as exc:
        if exc.errno in (errno.EPERM, errno.EACCES, errno.EOPNOTSUPP, errno.EPROTONOSUPPORT):
            raise Unsupported(f"netlink: {exc.strerror}") from None
        where = f"{exc.filename}: " if exc.filename else ""
        raise ParseError(f"netlink: reading the state failed: {where}{exc.strerror}") from None
    finally:
        for fd in fds.values():
            os.close(fd)
        sock.close()
    return reading


def _root_ends(reading: Reading) -> set[int]:
    """The root's indexes of the peers of the veths the namespaces read hold."""
    own = reading.self_id
    return {
        r.link_index
        for name, links in reading.links.items()
        if name != ROOT
        for r in links
        if r.link_index is not None and r.link_netnsid is not None and r.link_netnsid == own
    }


def _assign(sock: Socket, fd: int) -> bool:
    try:
        sock.assign(fd)
    except OSError as exc:
        if exc.errno == errno.EINVAL:
            return False
        raise
    return True


def _self_id(sock: Socket) -> int | None:
    """The root namespace's id of itself (a target dump names the root that way)."""
    fd = os.open("/proc/self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    try:
        own = sock.nsid(fd)
    finally:
        os.close(fd)
    return own if own >= 0 else None


#: (device, inode, change time in ns) of a namespace's nsfs inode: what stays the same while
#: that namespace lives, and differs for one made again under its name (the kernel gives
#: the inode number of a destroyed namespace to the next one at once; the time tells them
#: apart)
Identity = tuple[int, int, int]

#: named namespace -> (its identity, the root's id of it) learned by the reads of this process
#: (the lab's own namespaces are asked at each read; these are the others)
_KNOWN: dict[str, tuple[Identity, int]] = {}


def _identity(st: os.stat_result) -> Identity:
    return st.st_dev, st.st_ino, st.st_ctime_ns


def _other_ids(sock: Socket, reading: Reading, roots: Collection[str] | None = None) -> None:
    """The root's ids of namespaces not read, looked up only when a veth read points at
    one of them (a namespace outside the lab): the peer's namespace is then named.

    A host with another lab up (a star of 500 namespaces, 500 veths in the root) made each
    read ask the id of every namespace of it, 500 requests, whatever the lab read: an id
    learned once is kept for the process (:data:`_KNOWN`) and used again while the name
    still holds the same namespace (one ``stat``, no request). With ``roots``, only the
    root veths of these names have their peers named (see :func:`read`)."""
    known = {n for n in reading.root_ids.values() if n is not None} | {reading.self_id}
    needed = {
        r.link_netnsid
        for name, links in reading.links.items()
        for r in links
        if r.link_netnsid is not None and r.link_netnsid not in known
        if roots is None or name != ROOT or r.name in roots
    }
    if not needed:
        return
    others = [n for n, nsid in reading.root_ids.items() if nsid is None and n not in reading.links]
    unknown = []
    for name in others:
        if not needed:
            return
        kept = _KNOWN.get(name)
        if kept is None:
            unknown.append(name)
            continue
        try:
            same = _identity(os.stat(os.path.join(NETNS_DIR, name))) == kept[0]
        except OSError:  # gone since (or not a namespace): no id
            same = False
        if same:
            reading.root_ids[name] = kept[1]
            needed.discard(kept[1])
        else:
            _KNOWN.pop(name, None)
            unknown.append(name)
    for name in unknown:
        if not needed:
            return
        found = _root_id(sock, name, None, reading)
        reading.root_ids[name] = found
        needed.discard(found)


def _root_id(sock: Socket, name: str, fd: int | None, reading: Reading | None = None) -> int | None:
    """The root's id of namespace ``name`` (open as ``fd``, or opened here: then, with
    ``reading``, counted in it and kept in :data:`_KNOWN`); None: none, or no namespace."""
    own = fd is None
    if own:
        fd = _open_netns(name)
        if fd is None:
            return None
    assert fd is not None
    try:
        if reading is not None:
            reading.asked += 1
        nsid = sock.nsid(fd)
        if own and reading is not None and nsid >= 0:
            # the identity of the namespace asked (the descriptor's, not the name's: the
            # name may hold another namespace by now)
            _KNOWN[name] = (_identity(os.fstat(fd)), nsid)
    except OSError as exc:
        if exc.errno == errno.EINVAL:  # not a namespace (a file left behind): no id
            return None
        raise
    finally:
        if own:
            os.close(fd)
    return nsid if nsid >= 0 else None


def live_peers(peers: Mapping[str, tuple[int, int, int]]) -> set[str]:
    """Of the root's veths ``peers`` (name -> the root's id of the namespace its peer is
    in, the peer's index there, its own index), those whose peer is in a namespace that
    lives (a container's, a process's, with no name): none of them goes by itself.

    One link dump of each such namespace, by its id (hunt CQ). Measured on this kernel: a
    namespace deleted a moment ago keeps its id until the kernel's cleanup runs, and a
    dump by that id then fails (EINVAL: ``get_net_ns_by_id`` takes no reference on a
    namespace being destroyed), as it does once the id is gone; a live namespace answers.
    Its answer must hold the peer, pointing back at the veth (an id freed and given to
    another namespace meanwhile names another namespace); a dump cut short by a change
    says nothing of it (not live: waited for, as before)."""
    by_id: dict[int, list[tuple[str, int, int]]] = {}
    for name, (nsid, peer, own) in peers.items():
        by_id.setdefault(nsid, []).append((name, peer, own))
    live: set[str] = set()
    sock = Socket()
    try:
        for nsid, ends in sorted(by_id.items()):
            try:
                messages, cut = sock.dump(RTM_GETLINK, _link_request(nsid))
            except OSError as exc:
                if exc.errno == errno.EINVAL:  # being destroyed, or no such id any more
                    continue
                raise
            pairs = set()
            for message in messages if not cut else ():
                if _HEADER.unpack_from(message)[1] == RTM_NEWLINK:
                    link = decode_link(message, _HEADER.size, len(message))
                    points = link.raw.link_index if link.raw.link_index is not None else link.link
                    pairs.add((link.raw.ifindex, points))
            live.update(name for name, peer, own in ends if (peer, own) in pairs)
    finally:
        sock.close()
    return live


def assemble(reading: Reading) -> State:
    """The State of a reading: peers resolved through the root's ids."""
    by_root_id: dict[int, str] = {n: name for name, n in reading.root_ids.items() if n is not None}
    if reading.self_id is not None:
        by_root_id[reading.self_id] = ROOT
    maps = {name: by_root_id for name in reading.links if name != ROOT}
    read_ids = {n: reading.root_ids.get(n) for n in reading.root_ids}
    state, _ambiguous = build_state(reading.links, read_ids, maps)
    state.unread = set(reading.root_ids) - set(state.namespaces)
    return state


def read_state(
    namespaces: Sequence[str],
    roots: Collection[str] | None = None,
    part: RootPart | None = None,
) -> tuple[State, Reading]:
    """The live state of the root namespace (``part`` of it) and of ``namespaces``, read
    over netlink."""
    reading = read(namespaces, roots, part)
    return assemble(reading), reading


# what other readers of the root namespace (:mod:`iplab.sentinel`) take from this one
HEADER, IFINFO, IFADDR = _HEADER, _IFINFO, _IFADDR
attributes, u32, cstring = _attrs, _u32, _cstring
open_netns = _open_netns  # (iplab.nlroutes enters each namespace it opens)
link_request, addr_request = _link_request, _addr_request
