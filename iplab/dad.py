"""Which tentative IPv6 addresses an IPv6 probe waits for (Duplicate Address Detection).

Before an IPv6 probe the run waits, a few seconds at most, until DAD holds back none of the
addresses the probe needs (:meth:`iplab.lab.Session._dad_done`). Not every address of its
namespaces: hunt I's router had a link whose peer was not up yet (NO-CARRIER), whose DAD
does not end until it has a carrier, and each of three probes on its other side waited the
full time for it. What a probe needs: in a namespace that holds its target, the target's
address; in its own, the addresses of the links on the target's network (a link's own
address is the source the kernel picks), else of every link (a route decides); never one of
a link that is down or has no carrier, whose DAD cannot end while the probe waits.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from iplab.inet import interface
from iplab.names import ROOT
from iplab.state import Link, State

#: the operational states of a link up without a carrier: DAD waits for the carrier
_NO_CARRIER = frozenset({"DOWN", "LOWERLAYERDOWN", "NOTPRESENT"})

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def held_back(state: State, spaces: Sequence[str], target: str | None) -> dict[str, str]:
    """The addresses DAD holds back in ``spaces`` (``fd00::1/64 on eth0@ns``), and why
    (``tentative``, ``dadfailed``): those a probe to ``target`` needs; ``target`` None:
    every address of every link (to say why a probe found no source address)."""
    out: dict[str, str] = {}
    for ns in spaces:
        space = state.namespaces.get(ns)
        if space is None:
            continue
        links = sorted(space.links.items())
        every: list[tuple[str, Link, Address | None]] = [(n, x, None) for n, x in links]
        for name, link, only in every if target is None else _needed(links, _address(target)):
            for address, why in sorted(link.dad.items()):
                if only is None or _ip(address) == only:
                    out[f"{address} on {name}{'' if ns == ROOT else '@' + ns}"] = why
    return out


def _needed(
    links: list[tuple[str, Link]], goal: Address | None
) -> list[tuple[str, Link, Address | None]]:
    """The links whose tentative addresses a probe to ``goal`` waits for, each with the one
    address it waits for there (None: all of the link's)."""
    live = [(n, link) for n, link in links if link.up and link.operstate not in _NO_CARRIER]
    every: list[tuple[str, Link, Address | None]] = [(n, link, None) for n, link in live]
    if goal is None:  # (a name: the model cannot say where it is)
        return every
    holds: list[tuple[str, Link, Address | None]] = [
        (n, link, goal) for n, link in live if goal in map(_ip, link.addresses)
    ]
    toward = [(n, link, only) for n, link, only in every if _on_network(link, goal)]
    return holds or toward or every


def _on_network(link: Link, goal: Address) -> bool:
    for address in link.addresses:
        try:
            if goal in interface(address).network:
                return True
        except ValueError:
            continue
    return False


def _ip(address: str) -> Address | None:
    try:
        return interface(address).ip
    except ValueError:
        return None


def _address(text: str | None) -> Address | None:
    try:
        return ipaddress.ip_address((text or "").split("%")[0])
    except ValueError:
        return None
