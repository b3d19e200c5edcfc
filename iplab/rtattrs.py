"""The attributes of a route message and of a policy rule message, walked in one place.

Two readers decode the kernel's routes and rules: :mod:`iplab.nlroutes` (a lab's
namespaces, as :class:`~iplab.state.Route` records and rule selectors) and
:mod:`iplab.sentinel` (the host's, as ``ip``'s words). Each walked the same attributes of
``RTM_NEWROUTE`` (``RTA_DST``, ``RTA_GATEWAY``, ``RTA_OIF``, the table...) and of
``RTM_NEWRULE`` (``FRA_SRC``, ``FRA_IIFNAME``, ``FRA_FWMARK``...); they walk them here, so
an attribute is decoded once for both: :func:`route` and :func:`rule` give its values,
typed (an address as ``ip`` prints it, an index, a number), or None where the message has
none (:data:`RouteAttributes`, :data:`RuleAttributes`). What each reader makes of them
(and of the message's header, ``struct rtmsg`` or ``struct fib_rule_hdr``: :data:`RTMSG`)
stays its own. Pure.
"""

from __future__ import annotations

import socket
import struct

from iplab import netlink

#: the netlink header before each message's own
HEADER_SIZE = netlink.HEADER.size
#: struct rtmsg and struct fib_rule_hdr: both 8 bytes and a u32 of flags
RTMSG = struct.Struct("=BBBBBBBBI")
# linux/rtnetlink.h
RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_PRIORITY, RTA_PREFSRC, RTA_TABLE = 1, 4, 5, 6, 7, 15
# linux/fib_rules.h
FRA_DST, FRA_SRC, FRA_IIFNAME, FRA_PRIORITY, FRA_FWMARK = 1, 2, 3, 6, 10
FRA_TABLE, FRA_FWMASK, FRA_OIFNAME, FRA_PROTOCOL = 15, 16, 17, 21
#: the tables ``ip`` names
TABLES = {253: "default", 254: "main", 255: "local"}


#: what :func:`route` gives: (``dst``, ``gateway``, ``prefsrc``: ``src``, ``oif``: the link's
#: index, ``priority``: the metric, ``table``: RTA_TABLE, or the header's; a table over 255
#: is only in the attribute). A plain tuple (not a named one, 0.4 us more to make): one is
#: made for each route read, thousands for a large lab, and its readers unpack it.
RouteAttributes = tuple[str | None, str | None, str | None, int | None, int | None, int]
#: what :func:`rule` gives: (``priority``, ``src``, ``dst``, ``iifname``, ``oifname``,
#: ``fwmark``, ``fwmask``, ``table``: FRA_TABLE, or the header's, ``protocol``: who added
#: it, RTPROT_*, 0 unspecified)
RuleAttributes = tuple[
    int | None, str | None, str | None, str | None, str | None, int | None, int | None, int,
    int | None,
]  # fmt: skip


def route(message: bytes, af: int, table: int) -> RouteAttributes:
    """The attributes of the route ``message`` (netlink header included) of family ``af``
    whose header names ``table``."""
    dst = gateway = prefsrc = None
    oif = priority = None
    for kind, a, b in netlink.attributes(message, HEADER_SIZE + RTMSG.size, len(message)):
        if kind == RTA_DST:
            dst = socket.inet_ntop(af, message[a:b])
        elif kind == RTA_GATEWAY:
            gateway = socket.inet_ntop(af, message[a:b])
        elif kind == RTA_PREFSRC:
            prefsrc = socket.inet_ntop(af, message[a:b])
        elif kind == RTA_OIF:
            oif = netlink.u32(message, a)
        elif kind == RTA_PRIORITY:
            priority = netlink.u32(message, a)
        elif kind == RTA_TABLE:
            table = netlink.u32(message, a)
    return dst, gateway, prefsrc, oif, priority, table


def rule(message: bytes, af: int, table: int) -> RuleAttributes:
    """The attributes of the rule ``message`` (netlink header included) of family ``af``
    whose header names ``table``."""
    priority = fwmark = fwmask = protocol = None
    src = dst = iifname = oifname = None
    for kind, a, b in netlink.attributes(message, HEADER_SIZE + RTMSG.size, len(message)):
        if kind == FRA_PRIORITY:
            priority = netlink.u32(message, a)
        elif kind == FRA_SRC:
            src = socket.inet_ntop(af, message[a:b])
        elif kind == FRA_DST:
            dst = socket.inet_ntop(af, message[a:b])
        elif kind == FRA_IIFNAME:
            iifname = netlink.cstring(message, a, b)
        elif kind == FRA_OIFNAME:
            oifname = netlink.cstring(message, a, b)
        elif kind == FRA_FWMARK:
            fwmark = netlink.u32(message, a)
        elif kind == FRA_FWMASK:
            fwmask = netlink.u32(message, a)
        elif kind == FRA_TABLE:
            table = netlink.u32(message, a)
        elif kind == FRA_PROTOCOL:
            protocol = message[a]
    return priority, src, dst, iifname, oifname, fwmark, fwmask, table, protocol


__all__ = ["RTMSG", "TABLES", "RouteAttributes", "RuleAttributes", "route", "rule"]
