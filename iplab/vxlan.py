"""A vxlan's settings verify compares: its id, remote (or group), local, dstport and dev;
its learning and ttl too (:data:`MORE`, hunt DB).

Read three ways, each as :attr:`iplab.state.Link.settings` holds them (hunt CV: verify said
"vxlan settings (id, remote, group, dstport) of vx0@root not compared"):

- from the words of ``ip link add NAME type vxlan ...`` (and ``ip link set NAME type vxlan
  ...``), as ip/iplink_vxlan.c's vxlan_parse_opt() reads them (its keywords abbreviated, the
  first of its table winning);
- from ``ip -j -d link``'s ``linkinfo.info_data`` (vxlan_print_opt(): ``id``, ``remote`` or
  ``group`` by the address, ``remote6``/``group6``, ``local``/``local6``, ``link``, ``port``);
- from netlink's IFLA_INFO_DATA (linux/if_link.h: IFLA_VXLAN_ID 1, GROUP 2, LINK 3, LOCAL 4,
  PORT 15 big-endian, GROUP6 16, LOCAL6 17).

Each read vxlan holds all six keys ("" where it has none: a vxlan made with a remote whose
remote is then gone is a difference). The kernel's dstport when none is written (or ``dstport
0``) is 8472, the port Linux used before IANA assigned 4789 (ip warns "destination port not
specified ... Will use Linux kernel default"; checked on this kernel), 4790 with ``gpe``.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from iplab.ipwords import matches
from iplab.names import ns_short

if TYPE_CHECKING:
    from iplab.state import Link

#: what verify compares of a vxlan, in the order ip prints them
KEYS = ("id", "remote", "group", "local", "dstport", "dev")
#: compared too where both sides hold them (hunt DB: the ones tutorials write, ``nolearning``
#: in ten pages of tests/fixtures, ``ttl`` in two): ``learning`` (on, off) and ``ttl`` (a
#: number, 0 the kernel's "auto"; ``inherit``); tos, l2miss/l3miss, udpcsum, the source port
#: range are neither read nor compared (no page writes them)
MORE = ("learning", "ttl")
#: the kernel's destination port when none is given (drivers/net/vxlan: IANA_VXLAN_UDP_PORT
#: is 4789, but the default stays the pre-IANA Linux port)
KERNEL_DSTPORT = "8472"
GPE_DSTPORT = "4790"

# vxlan_parse_opt()'s keywords in its order: (keyword, the setting it is, its values)
_OPTIONS = (
    ("id", "id", 1), ("vni", "id", 1), ("group", "daddr", 1), ("remote", "daddr", 1),
    ("local", "local", 1), ("dev", "dev", 1), ("ttl", "ttl", 1), ("hoplimit", "ttl", 1),
    ("tos", None, 1), ("dsfield", None, 1), ("label", None, 1), ("flowlabel", None, 1),
    ("ageing", None, 1), ("maxaddress", None, 1), ("port", None, 2), ("srcport", None, 2),
    ("dstport", "dstport", 1), ("nolearning", "nolearning", 0), ("learning", "learning", 0),
    ("noproxy", None, 0), ("proxy", None, 0), ("norsc", None, 0), ("rsc", None, 0),
    ("nol2miss", None, 0), ("l2miss", None, 0), ("nol3miss", None, 0), ("l3miss", None, 0),
    ("udpcsum", None, 0), ("noudpcsum", None, 0), ("udp6zerocsumtx", None, 0),
    ("noudp6zerocsumtx", None, 0), ("udp6zerocsumrx", None, 0), ("noudp6zerocsumrx", None, 0),
    ("remcsumtx", None, 0), ("noremcsumtx", None, 0), ("remcsumrx", None, 0),
    ("noremcsumrx", None, 0), ("external", "external", 0), ("noexternal", None, 0),
    ("gbp", None, 0), ("gpe", "gpe", 0),
)  # fmt: skip


def _c_number(text: str) -> int | None:
    """``strtoul(text, 0)`` as ip's get_u32(..., 0) takes it whole: 0x hex, 0 octal, decimal."""
    try:
        if text[:2].lower() == "0x":
            return int(text[2:], 16)
        if text.startswith("0") and len(text) > 1:
            return int(text[1:], 8)
        return int(text, 10) if text.isdigit() else None
    except ValueError:
        return None


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def settings_written(words: list[str], made: bool) -> dict[str, str | None] | None:
    """The settings the words after ``type vxlan`` write (``made``: of ``ip link add``, where
    the unwritten ones are the kernel's): key -> value, None for a value the model cannot
    read (``id $VNI``: not compared). None: words ip refuses, or ``external`` (no id)."""
    out: dict[str, str | None] = {}
    gpe = external = False
    i = 0
    while i < len(words):
        option = next((o for o in _OPTIONS if matches(words[i], o[0])), None)
        if option is None or i + option[2] >= len(words):
            return None
        _, key, count = option
        value = words[i + 1] if count else ""
        i += 1 + count
        if key == "id":
            vni = _c_number(value)
            out["id"] = str(vni) if vni is not None and vni < 1 << 24 else None
        elif key in ("daddr", "local"):
            address = _address(value)
            if key == "local":
                out["local"] = str(address) if address is not None else None
            elif address is None:
                out["remote"] = out["group"] = None
            else:
                out["group" if address.is_multicast else "remote"] = str(address)
                out["remote" if address.is_multicast else "group"] = ""
        elif key == "dev":
            out["dev"] = value if "$" not in value else None
        elif key == "ttl":  # (iplink_vxlan.c: inherit, auto (0), or get_unsigned(, 0) < 256)
            ttl = 0 if value == "auto" else _c_number(value)
            out["ttl"] = (
                "inherit" if value == "inherit" else None if ttl is None or ttl > 255 else str(ttl)
            )
        elif key in ("learning", "nolearning"):
            out["learning"] = "on" if key == "learning" else "off"
        elif key == "dstport":
            port = _c_number(value)
            out["dstport"] = None if port is None or port >= 1 << 16 else str(port)
        gpe, external = gpe or key == "gpe", external or key == "external"
    if external:
        return None
    if made:
        for key in KEYS:
            out.setdefault(key, "")
        out.setdefault("learning", "on")
        out.setdefault("ttl", "0")
        if out["dstport"] in ("", "0"):
            out["dstport"] = GPE_DSTPORT if gpe else KERNEL_DSTPORT
    elif out.get("dstport") == "0":
        out["dstport"] = None  # (a change to the kernel's default: not followed)
    return out


def from_info_data(data: dict[str, Any]) -> dict[str, str]:
    """The settings of ``ip -j -d link``'s ``linkinfo.info_data`` of a vxlan ({}: external)."""
    if data.get("external") or "id" not in data:
        return {}

    def text(*keys: str) -> str:
        found = next((data[k] for k in keys if k in data), "")
        return str(found) if isinstance(found, str | int) else ""

    return {
        "id": text("id"),
        "remote": text("remote", "remote6"),
        "group": text("group", "group6"),
        "local": text("local", "local6"),
        "dstport": text("port"),
        "dev": text("link"),
        **({"learning": "on" if data["learning"] else "off"} if "learning" in data else {}),
        "ttl": str(data["ttl"]) if isinstance(data.get("ttl"), int) else "inherit",
    }


# linux/if_link.h
IFLA_VXLAN_ID = 1
IFLA_VXLAN_GROUP = 2
IFLA_VXLAN_LINK = 3
IFLA_VXLAN_LOCAL = 4
IFLA_VXLAN_TTL = 5
IFLA_VXLAN_LEARNING = 7
IFLA_VXLAN_PORT = 15
IFLA_VXLAN_GROUP6 = 16
IFLA_VXLAN_LOCAL6 = 17
IFLA_VXLAN_COLLECT_METADATA = 25
IFLA_VXLAN_TTL_INHERIT = 28


def from_attributes(attrs: dict[int, bytes]) -> tuple[dict[str, str], int | None]:
    """The settings of a vxlan's IFLA_INFO_DATA attributes (type -> payload), but its dev:
    (settings, the dev's ifindex, None: none), as vxlan_print_opt() prints them."""
    if attrs.get(IFLA_VXLAN_COLLECT_METADATA, b"\0")[:1] != b"\0" or IFLA_VXLAN_ID not in attrs:
        return {}, None
    out = dict.fromkeys(KEYS, "")
    out["id"] = str(struct.unpack("=I", attrs[IFLA_VXLAN_ID][:4])[0])
    if IFLA_VXLAN_LEARNING in attrs:
        out["learning"] = "on" if attrs[IFLA_VXLAN_LEARNING][:1] not in (b"", b"\0") else "off"
    inherit = attrs.get(IFLA_VXLAN_TTL_INHERIT, b"\0")[:1] not in (b"", b"\0")
    if inherit or attrs.get(IFLA_VXLAN_TTL):
        out["ttl"] = "inherit" if inherit else str(attrs[IFLA_VXLAN_TTL][0])
    for v4, v6, key in ((IFLA_VXLAN_GROUP, IFLA_VXLAN_GROUP6, "remote"),
                        (IFLA_VXLAN_LOCAL, IFLA_VXLAN_LOCAL6, "local")):  # fmt: skip
        raw = attrs.get(v4) or attrs.get(v6) or b""
        if len(raw) not in (4, 16) or not any(raw):
            continue
        address = ipaddress.ip_address(raw)
        text = socket.inet_ntop(socket.AF_INET if len(raw) == 4 else socket.AF_INET6, raw)
        out["group" if key == "remote" and address.is_multicast else key] = text
    if IFLA_VXLAN_PORT in attrs:
        out["dstport"] = str(struct.unpack("!H", attrs[IFLA_VXLAN_PORT][:2])[0])
    link = attrs.get(IFLA_VXLAN_LINK)
    index = struct.unpack("=I", link[:4])[0] if link and len(link) >= 4 else 0
    return out, index or None


def unread(links: Iterable[tuple[str, Link]]) -> list[tuple[str, list[str]]]:
    """(what, the vxlans) of ``links`` (namespace, link) whose settings the model does not
    hold, as verify's OK says them: ("dev", ["vx0@blue"]), ("settings (id, ...)", [...])."""
    out: dict[tuple[str, ...], list[str]] = {}
    for ns, link in links:
        if link.kind == "vxlan" and (gone := [k for k in KEYS if k not in link.settings]):
            out.setdefault(tuple(gone), []).append(f"{link.name}@{ns_short(ns)}")
    return [
        ("settings (" + ", ".join(keys) + ")" if len(keys) > 1 else keys[0], named)
        for keys, named in out.items()
    ]
