"""What a name may look like before it reaches a command line.

Names go into shell text and into argv, so they are held to a strict
alphabet: letters, digits, ``_``, ``.``, ``-``, never starting with ``-`` or
``.`` (an option or a hidden file) and never all digits for a namespace
(``ip link set X netns 1`` means *the namespace of PID 1*).
"""

from __future__ import annotations

import ipaddress
import re

#: the root namespace, as the model's and the observed states key it
ROOT = ""

IFNAMSIZ = 15  # the kernel's limit on an interface name (IFNAMSIZ - 1)
NETNS_MAX = 64  # ours: names become files under /run/netns and appear in every line
#: whose limit NETNS_MAX is, said with a name past it (hunt BS #4: the refusal read as the
#: kernel's, whose is a file name's 255: ip netns add NAME makes NETNS_DIR/NAME)
NETNS_LIMIT_SAID = (
    f"iplab's own limit is {NETNS_MAX} (it keeps a lab's names short enough for every line,"
    " journal record and prefixed name; ip netns add takes up to 255, the longest file name"
    " under /var/run/netns): choose a shorter name"
)
#: where iproute2 keeps named namespaces (its NETNS_RUN_DIR): ``ip netns add NAME`` mounts
#: the namespace on NETNS_DIR/NAME
NETNS_DIR = "/var/run/netns"

_SAFE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")

# `ip link` reads these words as keywords, never as a link's name: `ip link add up type
# bridge` makes a bridge called bridge0. The second set it also reads abbreviated
# (iproute2's matches()): `ip link add b type bridge` is "broadcast" without its value.
IP_LINK_KEYWORDS = frozenset(
    (
        *("up", "down", "name", "index", "mtu", "xdp", "xdpgeneric", "xdpdrv", "xdpoffload"),
        *("netns", "multicast", "allmulticast", "promisc", "trailers", "arp", "carrier", "vf"),
        *("vrf", "group", "mode", "state", "protodown", "gso_max_size", "gso_max_segs"),
        *("gro_max_size", "gso_ipv4_max_size", "gro_ipv4_max_size", "parentdev", "altname"),
        *("dev", "brd", "qlen", "peer"),
    )
)
IP_LINK_ABBREVIATED = (
    "link", "address", "broadcast", "txqueuelen", "txqlen", "master", "nomaster", "dynamic",
    "type", "alias", "numtxqueues", "numrxqueues", "addrgenmode", "link-netns", "link-netnsid",
    "help",
)  # fmt: skip
_SHELL_META = re.compile(r"[\s;&|<>()$`\\\"'*?\[\]{}#~!]")


def outside_alphabet(name: str) -> bool:
    """``name`` holds a letter iplab's names never hold (``web:1``, ``db@2``), or starts
    with ``-`` or ``.``; not a blank nor a shell metacharacter (a quoted ``"red blue"``)."""
    return _SAFE.fullmatch(name) is None and not _SHELL_META.search(name)


def link_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an interface name, or None when it can: a word ``ip link``
    reads as a keyword (``a`` is ``address``) is no name where it stands alone."""
    if problem := ifname_problem(name):
        return problem
    word = next((k for k in IP_LINK_ABBREVIATED if k.startswith(name)), None)
    if name in IP_LINK_KEYWORDS or word:
        return (
            f"interface name {name!r} is read by ip link as the keyword "
            f"'{word or name}', not as a name"
        )
    return None


def ifname_problem(name: str) -> str | None:
    """Why ``name`` cannot be an interface name after ``name`` or ``dev``, where ip takes
    any word (``ip link add name a type veth peer name b``: hunt O), or None when it can."""
    if not name:
        return "an interface name cannot be empty"
    if len(name) > IFNAMSIZ:
        return f"interface name {name!r} is {len(name)} characters, the kernel allows {IFNAMSIZ}"
    return _spelling_problem(name, "interface")


def _spelling_problem(name: str, what: str) -> str | None:
    """Why ``name`` cannot be spelled as a ``what`` name (an interface's, a namespace's):
    a shell metacharacter or a character outside ip's safe names; None when it can."""
    if _SHELL_META.search(name):
        return f"{what} name {name!r} contains a shell metacharacter or space"
    if not _SAFE.fullmatch(name):
        return (
            f"{what} name {name!r} may only use ASCII letters, digits, '_', '.', '-' "
            "and must not start with '-' or '.'"
        )
    return None


def netns_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a namespace name, or None when it can."""
    if not name:
        return "a namespace name cannot be empty"
    if len(name) > NETNS_MAX:
        return f"namespace name {name!r} is {len(name)} characters: {NETNS_LIMIT_SAID}"
    if problem := _spelling_problem(name, "namespace"):
        return problem
    if name.isdigit():
        return f"namespace name {name!r} is all digits: ip would read it as a process id"
    return None


def address_problem(text: str) -> str | None:
    """Why ``text`` is not an interface address in CIDR form (10.0.0.1/24), or None."""
    if "/" not in text:
        return f"address {text!r} needs a prefix length, as in 10.0.0.1/24"
    try:
        ipaddress.ip_interface(text)
    except ValueError:
        return f"{text!r} is not an IPv4 or IPv6 address with a prefix length"
    return None


def ip_problem(text: str) -> str | None:
    """Why ``text`` is not a plain IP address, or None."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return f"{text!r} is not an IPv4 or IPv6 address"
    return None


def route_dest_problem(text: str) -> str | None:
    """Why ``text`` is not a route destination (``default`` or a network), or None."""
    if route_network(text) is None:
        return f"route destination {text!r} is neither 'default' nor a network like 10.0.0.0/24"
    return None


def route_network(
    text: str, family: int = 4
) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """The network a route's destination names, as iproute2 and the kernel read it (None:
    none): ``default`` is 0.0.0.0/0 (``::/0`` for ``family`` 6), a bare address is a /32
    (/128), an IPv4 address written short is filled with zeros (``10.6/16`` is 10.6.0.0/16,
    iproute2's get_addr_ipv4), host bits are cleared (the kernel's way for IPv6). Hunt B:
    ``10.0.9.7`` and ``10.0.9.7/32``, ``default`` and ``0.0.0.0/0`` were two routes."""
    if text == "default":
        return ipaddress.ip_network("::/0" if family == 6 else "0.0.0.0/0")
    address, slash, length = text.partition("/")
    parts = address.split(".")
    if len(parts) < 4 and all(p.isdigit() for p in parts):
        address = ".".join(parts + ["0"] * (4 - len(parts)))
    try:
        return ipaddress.ip_network(address + slash + length, strict=False)
    except ValueError:
        return None


def route_prefix(text: str, family: int = 4) -> str:
    """``text`` as the kernel keys the route (:func:`route_network`); as written if no
    network (``all``)."""
    network = route_network(text, family)
    return text if network is None else str(network)


_SHELL_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: variables that change how bash, or any program it starts, runs: a value a step reads at
#: run time must not set them for every later step
_SHELL_CONTROL = frozenset(
    {"PATH", "IFS", "ENV", "BASH_ENV", "SHELLOPTS", "BASHOPTS", "PS4", "PROMPT_COMMAND", "HOME"}
)


def shell_variable_problem(name: str) -> str | None:
    """Why ``name`` cannot be a variable a step sets for the steps after it, or None."""
    if not _SHELL_VARIABLE.fullmatch(name):
        return f"{name!r} is not a shell variable name (letters, digits, _; not a digit first)"
    if name in _SHELL_CONTROL or name.startswith(("LD_", "BASH_")):
        return f"{name} changes how every later step runs; iplab does not carry it"
    return None


def has_shell_meta(text: str) -> bool:
    return bool(_SHELL_META.search(text))


def ns_label(ns: str | None) -> str:
    """How a message names a namespace: ``the root namespace``, ``namespace ns1``."""
    return "the root namespace" if not ns else f"namespace {ns}"


def ns_short(ns: str) -> str:
    """How a difference names a namespace: ``root``, ``ns1``."""
    return "root" if ns == ROOT else ns
