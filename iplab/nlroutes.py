"""Routes and policy rules of a lab's namespaces read over netlink: no process (hunt DI).

:mod:`iplab.extras` looks for routes and rules added by hand in each namespace of the lab
the model is sure of; read with ``ip -j`` that is four ``ip`` runs a namespace (about 20 ms
each on a busy host: a star of 500 namespaces would wait 40 s). Route and rule dumps take
no target namespace id (links and addresses do: :mod:`iplab.netlink`), so a thread of its
own enters each namespace (``setns``), opens a netlink socket there (a socket stays in the
namespace it was made in), goes home, and dumps ``RTM_GETROUTE`` and ``RTM_GETRULE`` of
each family. What it gives is what :func:`iplab.extras.parse` makes of ``ip -j``'s output,
field for field (held to it by a kernel test, tests/test_hunt_di_extras.py): the routes
and rules ``ip -j route show table all`` and ``ip -j rule show`` print, as they print them.
"""

from __future__ import annotations

import ctypes
import functools
import os
import socket
import threading
from collections.abc import Callable, Mapping, Sequence

from iplab import netlink, rtattrs
from iplab.errors import ParseError
from iplab.model import route_table
from iplab.rulewords import from_json
from iplab.state import Route

RTM_NEWROUTE, RTM_GETROUTE = 24, 26
RTM_NEWRULE, RTM_GETRULE = 32, 34
CLONE_NEWNET = 0x40000000
RTM_F_CLONED = 0x200
_RTMSG = rtattrs.RTMSG
FIB_RULE_INVERT = 0x2
_TYPES = {2: "local", 3: "broadcast", 4: "anycast", 5: "multicast", 6: "blackhole",
          7: "unreachable", 8: "prohibit", 9: "throw", 10: "nat", 11: "xresolve"}  # fmt: skip
_PROTOCOLS = {1: "redirect", 2: "kernel", 3: "boot", 4: "static", 9: "ra", 16: "dhcp"}
_ACTIONS = {6: "blackhole", 7: "unreachable", 8: "prohibit", 2: "goto", 3: "nop"}
#: route types the kernel adds by itself (:data:`iplab.routes._KERNELS`)
_KERNELS = frozenset({"local", "broadcast", "multicast", "anycast", "nat"})

#: what a read gives (:data:`iplab.extras.Read`)
Routes = dict[str, list[tuple[str, Route]]]
Rules = dict[str, dict[int, list[tuple[int, tuple[tuple[str, str], ...], str]]]]


@functools.cache
def _libc() -> ctypes.CDLL:
    """The C library, for ``setns`` (loaded once: one loaded for each call cost 15 us)."""
    return ctypes.CDLL(None, use_errno=True)


def _setns(fd: int) -> None:
    if _libc().setns(fd, CLONE_NEWNET) != 0:
        code = ctypes.get_errno()
        raise netlink.Unsupported(f"setns: {os.strerror(code)}")


#: what the dumps of one namespace gave, before they are decoded: (family, its route
#: messages, its rule messages) for IPv4 and IPv6
Dumped = list[tuple[int, list[bytes], list[bytes]]]
#: what :func:`begin` gives: the call that ends the read, with the link names by index
Ending = Callable[[Mapping[str, Mapping[int, str]]], tuple[Routes, Rules]]


def begin(namespaces: Sequence[str]) -> Ending:
    """The dumps of each of ``namespaces`` that exists, begun now in a thread of their own
    (which alone enters the namespaces), while the caller reads the lab's links (#14:
    verify of star-500 read its links, then these, 90 + 80 ms; together they overlap);
    the call returned waits for them and decodes them, given each namespace's link names
    by index (a route's ``dev``). Unsupported when no thread can be had (a pids limit):
    the caller reads another way, never entering a namespace in its own thread."""
    outcome: list[dict[str, Dumped] | BaseException] = []

    def work() -> None:
        try:
            outcome.append(_dump_all(namespaces))
        except BaseException as exc:  # (handed to the caller's thread)
            outcome.append(exc)

    thread = threading.Thread(target=work, name="iplab-routes", daemon=True)
    try:
        thread.start()
    except (RuntimeError, MemoryError) as exc:
        raise netlink.Unsupported(f"no thread to read the routes in: {exc}") from None

    def end(names: Mapping[str, Mapping[int, str]]) -> tuple[Routes, Rules]:
        thread.join()
        got = outcome[0]
        if isinstance(got, BaseException):
            raise got
        found: Routes = {}
        ruled: Rules = {}
        for ns, dumped in got.items():
            found[ns], ruled[ns] = _decoded(dumped, names.get(ns, {}))
        return found, ruled

    return end


def read(namespaces: Sequence[str], names: Mapping[str, Mapping[int, str]]) -> tuple[Routes, Rules]:
    """The routes (with their protocol) and rules of each of ``namespaces`` that exists;
    ``names``: each namespace's link names by index (a route's ``dev``)."""
    return begin(namespaces)(names)


def _dump_all(namespaces: Sequence[str]) -> dict[str, Dumped]:
    out: dict[str, Dumped] = {}
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    try:
        for ns in namespaces:
            fd = netlink.open_netns(ns)
            if fd is None:
                continue  # (gone: verify says so)
            try:
                _setns(fd)
                try:
                    sock = netlink.Socket()
                finally:
                    _setns(home)
            finally:
                os.close(fd)
            try:
                out[ns] = _dump(sock, ns)
            finally:
                sock.close()
    finally:
        os.close(home)
    return out


def _dump(sock: netlink.Socket, ns: str) -> Dumped:
    """The namespace's routes and rules of both families: one dump each (AF_UNSPEC), each
    message told apart by its own family (#14: a dump a family was twice the requests,
    each a wait for the interpreter's lock while the links are read beside it)."""
    every = _RTMSG.pack(socket.AF_UNSPEC, 0, 0, 0, 0, 0, 0, 0, 0)
    for _ in range(5):  # (a dump a change cut short is read again)
        messages, cut = sock.dump(RTM_GETROUTE, every)
        rule_messages, cut_rules = sock.dump(RTM_GETRULE, every)
        if not cut and not cut_rules:
            break
    else:
        raise ParseError(f"netlink: the routes of {ns} kept changing while read")
    start = netlink.HEADER.size
    return [
        (
            af,
            [m for m in messages if len(m) > start and m[start] == af],
            [m for m in rule_messages if len(m) > start and m[start] == af],
        )
        for af in (socket.AF_INET, socket.AF_INET6)
    ]


def _decoded(
    dumped: Dumped, names: Mapping[int, str]
) -> tuple[list[tuple[str, Route]], dict[int, list[tuple[int, tuple[tuple[str, str], ...], str]]]]:
    routes: list[tuple[str, Route]] = []
    rules: dict[int, list[tuple[int, tuple[tuple[str, str], ...], str]]] = {}
    for af, messages, rule_messages in dumped:
        family = 4 if af == socket.AF_INET else 6
        for message in messages:
            if (got := route_of(message, af, names)) is not None:
                routes.append(got)
        rules[family] = [r for m in rule_messages if (r := rule_of(m, af)) is not None]
    return routes, rules


def route_of(message: bytes, af: int, names: Mapping[int, str]) -> tuple[str, Route] | None:
    """One RTM_NEWROUTE as ``ip -j route show`` prints it and :func:`iplab.routes.route_of`
    reads it: (its protocol, the route); None: a cloned one, or the kernel's own local,
    broadcast or multicast route."""
    start = netlink.HEADER.size
    if len(message) < start + _RTMSG.size:
        raise ParseError("netlink: a route message too short")
    _fam, dst_len, _src, _tos, table, proto, _scope, rtype, flags = _RTMSG.unpack_from(
        message, start
    )
    if flags & RTM_F_CLONED:
        return None
    protocol = _PROTOCOLS.get(proto, str(proto))
    kind = _TYPES.get(rtype)
    if kind in _KERNELS and protocol == "kernel":
        return None
    dst, via, _src, oif, priority, table = rtattrs.route(message, af, table)
    full = 32 if af == socket.AF_INET else 128
    to = f"{dst}/{dst_len}" if dst_len != full else str(dst)  # (ip prints no /32, /128)
    to = "default" if dst_len == 0 else to
    dev = None if oif is None else names.get(oif, f"if{oif}")
    metric = None if priority is None else str(priority)
    name = rtattrs.TABLES.get(table, str(table))
    return protocol, Route(
        to=to, via=via, dev=dev, table=route_table(None if name == "main" else name),
        metric=metric, family=4 if af == socket.AF_INET else 6, kind=kind,
    )  # fmt: skip


def rule_of(message: bytes, af: int) -> tuple[int, tuple[tuple[str, str], ...], str] | None:
    """One RTM_NEWRULE as ``ip -j rule show`` prints it, read by
    :func:`iplab.rulewords.from_json`: (priority, attributes, protocol). Decoded once for
    each body (the netlink header's sequence numbers aside): every namespace of a lab
    holds the same three rules a family (#14: star-500's 3,000 rules were 3,000 decodes,
    for six rules)."""
    return _rule_of(bytes(message[netlink.HEADER.size :]), af)


@functools.lru_cache(maxsize=4096)
def _rule_of(body: bytes, af: int) -> tuple[int, tuple[tuple[str, str], ...], str] | None:
    message = bytes(netlink.HEADER.size) + body  # (as it came, the header zeroed)
    start = netlink.HEADER.size
    if len(message) < start + _RTMSG.size:
        raise ParseError("netlink: a rule message too short")
    _fam, dst_len, src_len, _tos, table, _r1, _r2, action, flags = _RTMSG.unpack_from(
        message, start
    )
    pref, src, dst, iif, oif, mark, mask, table, proto = rtattrs.rule(message, af, table)
    entry: dict[str, object] = {"priority": pref or 0}
    full = 32 if af == socket.AF_INET else 128
    for key, address, length in (("src", src, src_len), ("dst", dst, dst_len)):
        if address is not None:
            entry[key] = address
            if length != full:
                entry[key + "len"] = length
    if iif is not None:
        entry["iif"] = iif
    if oif is not None:
        entry["oif"] = oif
    protocol = _PROTOCOLS.get(proto, str(proto)) if proto else ""
    if flags & FIB_RULE_INVERT:
        entry["not"] = None
    if mark is not None or mask is not None:
        entry["fwmark"] = f"{mark or 0:#x}"
        if mask is not None and mask != 0xFFFFFFFF:
            entry["fwmask"] = f"{mask:#x}"
    if action in _ACTIONS:
        entry["action"] = _ACTIONS[action]
    elif table:
        entry["table"] = rtattrs.TABLES.get(table, str(table))
    rule = from_json(entry)
    return None if rule is None else (*rule, protocol)


__all__ = ["read", "route_of", "rule_of"]
