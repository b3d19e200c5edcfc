"""The other ways a command reads the names of the host's links (not ``ip link``).

A cleanup that deletes "every veth" may read the names from ``/proc/net/dev`` (``cat
/proc/net/dev | grep veth | cut -d: -f1 | xargs -n1 ip link del``), from a glob or a
listing of ``/sys/class/net`` (``for l in /sys/class/net/veth*``, ``find /sys/class/net
-name 'veth*'``), or from ``ifconfig -a``, ``netstat -i``, ``nmcli device``... (hunt P #2:
each deleted the host's own ``vethzz``; the model said OK). Run in the root namespace, each
lists the host's links, other labs' and the host's own, whatever matches goes.
:func:`source_in` says which words of a command read such names, for
:func:`iplab.linklisting.lists_every_link` (which refuses a raw command that hands them
on to another command).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["GLOB_DIRS", "is_glob", "source_in"]

#: the directories that hold one entry a link of the namespace
GLOB_DIRS = ("/sys/class/net", "/sys/devices/virtual/net")
#: a path whose content, or whose listing, is the names of the namespace's links: the
#: directories themselves (``ls``, ``find``), a glob in them (``/sys/class/net/veth*``,
#: ``/sys/class/net/*/operstate``), the per-link sysctl directories, and /proc/net's tables
#: (``dev``, ``if_inet6``, ``route``, ``arp``, ``dev_mcast``, ``igmp``...: a column of
#: link names)
_PATH = re.compile(
    r"/sys/(?:class/net|devices/virtual/net|devices/.*/net)/?"
    r"|/sys/(?:class/net|devices/[^ ]*net)/[^/]*[*?\[].*"
    r"|/proc/sys/net/ipv[46]/(?:conf|neigh)/?(?:[^/]*[*?\[].*)?"
    r"|/proc/(?:self/|thread-self/|\d+/)?net/(?:dev|if_inet6|route|ipv6_route|arp|dev_mcast"
    r"|igmp6?|wireless|snmp6/?.*|vlan/?.*|bonding/?.*|stat/?.*)"
)
#: programs whose listing is every link (or a bridge's every port), run with options only
#: or with one of these words first
_LISTERS: dict[str, tuple[str, ...]] = {
    "ifconfig": (),
    "networkctl": ("list",),
    "brctl": ("show",),
    "ovs-vsctl": ("list-br", "list-ports", "list-ifaces"),
}


def is_glob(word: str) -> bool:
    """The word has a character bash expands to file names (``*``, ``?``, ``[``)."""
    return any(c in word for c in "*?[")


def source_in(words: Sequence[str]) -> str | None:
    """The words (as written, for messages) when a command reads the names of every link
    of its namespace by a path (``cat /proc/net/dev``, ``find /sys/class/net``,
    ``basename /sys/class/net/veth*``) or by a program that lists them (``ifconfig -a``,
    ``netstat -i``, ``nmcli -t -f DEVICE device``, ``tcpdump -D``); None: it does not."""
    if any(_PATH.fullmatch(word) for word in words):
        return " ".join(words)
    for i, word in enumerate(words):
        program, args = word.rsplit("/", 1)[-1], list(words[i + 1 :])
        if _lists(program, args):
            return " ".join(words[i:])
    return None


def _lists(program: str, args: list[str]) -> bool:
    plain = [a for a in args if not a.startswith("-")]
    if program == "netstat":
        return any(a == "--interfaces" or (a[:1] == "-" != a[1:2] and "i" in a) for a in args)
    if program == "nmcli":  # (nmcli -t -f DEVICE d: the device's abbreviations too)
        return any(v.startswith(p) for p in plain for v in ("device", "connection"))
    if program in ("tcpdump", "dumpcap", "tshark"):
        return any(a in ("-D", "--list-interfaces") for a in args)
    if program == "bridge" and plain[:1] and "link"[: len(plain[0])] == plain[0]:
        return len(plain) == 1 or plain[1] in ("show", "list", "lst")
    if program not in _LISTERS:
        return False
    said = _LISTERS[program]
    alone = program in ("ifconfig", "networkctl")
    return (alone and not plain) or (bool(plain) and plain[0] in said)
