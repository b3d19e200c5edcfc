"""net-tools' ``ifconfig`` and ``route`` lines read as the ``ip`` lines they equal, for
the model (hunt BF: a lab whose addresses ``ifconfig vethX 10.0.0.1 netmask 255.255.255.0
up`` gave, in ``ip netns exec ns1``, was unknown to the model, so verify skipped both
namespaces, and its ping was "not an address the input assigns", no probe).

Only the plain forms, whose effect the ``ip`` line has exactly (what verify compares):
``ifconfig DEV [ADDR[/LEN] [netmask MASK]] [mtu N] [hw ether MAC] [up|down]`` and ``route add
default|-net NET[/LEN] [netmask MASK] [gw GW] [dev DEV]`` (``-A inet``, ``-n`` aside).
``ifconfig DEV 0.0.0.0`` (an old bridge page's port losing its address) takes the link's
first IPv4 address away: ``ip -4 addr flush dev DEV`` when it has at most one, which the
model checks (hunt BL); ``hw ether MAC`` is ``ip link set DEV address MAC``. Anything else
(``broadcast``, an alias ``eth0:1``, ``route del``, ``-host``...) is None: the model keeps
not knowing it, as before.
"""

from __future__ import annotations

import ipaddress
import re
import shlex

from iplab.words import strip_sudo
from iplab.wrappers import program_name, runs_sudo

#: a MAC address as ifconfig's ``hw ether`` takes it (six pairs of hex digits, one unicast)
_MAC = re.compile(r"[0-9a-fA-F][02468aceACE](?::[0-9a-fA-F]{2}){5}")

#: what :func:`_ifconfig` reads ``ifconfig DEV 0.0.0.0`` as: no address given, the first taken
UNSET = "0.0.0.0"


def ifconfig_address(argv: list[str]) -> tuple[str, str] | None:
    """``(DEV, ADDR/LEN)`` of ``ifconfig DEV ADDR[/LEN] [netmask M] [mtu N] [up|down]``:
    the address it gives the link (with no length and no netmask, its class's: the kernel's
    own rule for an address set without one); None for any other line."""
    read = _ifconfig(argv)
    if read is None:
        return None
    given = [s for s in read[1] if s != UNSET and not s.startswith(("mtu ", "address "))]
    return (read[0], given[0]) if given else None


def as_ip(command: str) -> list[str] | None:
    """The ``ip`` lines (without a namespace) that do what ``command`` does, or None."""
    try:
        argv = shlex.split(command)
    except ValueError:
        return None
    if runs_sudo(argv):
        argv = list(strip_sudo(tuple(argv)))
    if bool(argv) and program_name(argv[0]) == "ifconfig":
        read = _ifconfig(argv)
        if read is None:
            return None
        dev, settings, state = read
        lines = []
        for setting in settings:
            if setting == UNSET:
                lines.append(f"ip -4 addr flush dev {dev}")
            elif setting.startswith(("mtu ", "address ")):
                lines.append(f"ip link set {dev} {setting}")
            else:
                lines.append(f"ip addr add {setting} dev {dev}")
        return lines + ([f"ip link set {dev} {state}"] if state else [])
    if bool(argv) and program_name(argv[0]) == "route":
        return _route(argv[1:])
    return None


def _ifconfig(argv: list[str]) -> tuple[str, list[str], str | None] | None:
    """``(DEV, SETTINGS, up|down|None)``, SETTINGS in the line's order (ifconfig makes each
    as it reads it): the address given (``ADDR/LEN``), ``mtu N``, ``address MAC`` or
    :data:`UNSET` (``0.0.0.0``); at most one address (hunt BQ: ``ifconfig X ADDR netmask M
    mtu N up`` on one line left the link unknown to the model, and verify skipped it)."""
    words = argv[1:]
    if not words or words[0].startswith("-") or ":" in words[0]:
        return None  # (ifconfig -a, ifconfig eth0:1 ...: an alias)
    dev, rest = words[0], words[1:]
    state: str | None = None
    settings: list[str] = []
    addressed = False
    at = 0
    while at < len(rest):
        word, more = rest[at], rest[at + 1 :]
        if word in ("up", "down"):
            state, at = word, at + 1
        elif word == "mtu" and more and more[0].isdigit() and more[0].isascii():
            settings.append(f"mtu {int(more[0])}")  # (ifconfig reads it as a decimal number)
            at += 2
        elif word == "hw" and more[:1] == ["ether"] and len(more) > 1 and _MAC.fullmatch(more[1]):
            settings.append(f"address {more[1].lower()}")  # (ifconfig X hw ether MAC)
            at += 3
        elif not addressed and word not in ("mtu", "hw", "netmask"):
            netmask = more[1] if more[:1] == ["netmask"] and len(more) > 1 else None
            given = _address(word, netmask)
            if given is None:
                return None
            settings.append(given)
            addressed, at = True, at + (3 if netmask is not None else 1)
        else:
            return None  # (broadcast, a second address, a netmask alone...)
    if not settings and state is None:
        return None
    return dev, settings, state


def _address(word: str, netmask: str | None) -> str | None:
    """``ADDR/LEN`` of ifconfig's address (and netmask), :data:`UNSET` for ``0.0.0.0``
    alone (it takes the address away), None when it has no plain ``ip`` form."""
    if word in (UNSET, "0") and netmask is None:
        return UNSET
    address = word if netmask is None else f"{word}/{netmask}"
    try:
        if "/" not in address:
            address = f"{address}/{_class_length(ipaddress.IPv4Address(address))}"
        made = ipaddress.IPv4Interface(address)
    except ValueError:
        return None
    if made.ip.is_unspecified or made.network.prefixlen == 0 or not _contiguous(address):
        return None  # (0.0.0.0 with a netmask, a /0: no plain form)
    return str(made.with_prefixlen)


def _class_length(address: ipaddress.IPv4Address) -> int:
    first = int(address) >> 24
    if first < 128:
        return 8
    if first < 192:
        return 16
    if first < 224:
        return 24
    raise ValueError("no class")


def _contiguous(address: str) -> bool:
    """A netmask of ones then zeros (ipaddress also reads a host mask, 0.0.0.255)."""
    mask = address.split("/", 1)[1]
    if mask.isdigit():
        return True
    bits = int(ipaddress.IPv4Address(mask))
    return (~bits & 0xFFFFFFFF) & ((~bits & 0xFFFFFFFF) + 1) == 0


def _route(words: list[str]) -> list[str] | None:
    words = [w for w in words if w != "-n"]
    if words[:2] == ["-A", "inet"]:
        words = words[2:]
    if words[:1] != ["add"] or len(words) < 2:
        return None
    words = words[1:]
    if words[0] == "default":
        to, words = "default", words[1:]
    elif words[0] == "-net" and len(words) > 1:
        to, words = words[1], words[2:]
        if words[:1] == ["netmask"] and len(words) > 1:
            to, words = f"{to}/{words[1]}", words[2:]
        if "/" not in to:  # (no mask: the kernel takes 0.0.0.0 for the default route and
            if to != "0.0.0.0":  # refuses any other net: -net 10.1.0.0 is no 10.1.0.0/32)
                return None
            to = "0.0.0.0/0"
        try:
            if not _contiguous(to if "/" in to else f"{to}/32"):
                return None
            network = ipaddress.IPv4Network(to)
        except ValueError:
            return None
        if network.prefixlen == 32:
            return None  # (a -net of one address: route refuses it, as a host's route)
        to = str(network)
    else:
        return None
    said = {}
    while len(words) >= 2 and words[0] in ("gw", "dev") and words[0] not in said:
        said[words[0]] = words[1]
        words = words[2:]
    if words and len(words) == 1 and "dev" not in said:
        said["dev"], words = words[0], []  # (route add default gw 10.0.0.1 eth0)
    if words or not said:
        return None
    via = f" via {said['gw']}" if "gw" in said else ""
    dev = f" dev {said['dev']}" if "dev" in said else ""
    return [f"ip route add {to}{via}{dev}"]
