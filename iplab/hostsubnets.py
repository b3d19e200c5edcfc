"""A lab's address or route of the root namespace in a subnet the host already reaches
through its own links, found before anything runs (hunt DJ #5).

A page gives the host's end of a veth an address (``sudo ip addr add 10.0.0.1/24 dev
veth0``: oneuptime's "Create a Network Namespace with an IPv4 Stack"). The link is the
lab's, and so is the connected route the address brings; but the route is one of the
host's main table. On a host whose own network is 10.0.0.0/16 (a cloud's private network,
its DNS resolver at 10.0.0.2), the lab's /24 is the longer match: the host's traffic to
its neighbours, its resolver, went into the lab's veth for as long as the lab was up, and
nothing said so. The same address on a host of another network is harmless.

So, before the first step (``up``, ``run`` and their dry run, unless ``--no-preflight``),
the host's own part of the root namespace is read over netlink (:func:`iplab.sentinel.
snapshot`: its links no program made, a NIC, ``lo``, their addresses, the routes through
them), and each address a step adds in the root namespace (``ip addr add``), and each
route it adds there to a prefix (``ip route add 10.0.0.0/16 dev br0``), is compared: one
whose subnet lies in a subnet of the host's (as long a prefix or longer: the one the
kernel would choose) is refused, naming both. A shorter one (``blackhole 128.0.0.0/1``)
leaves the host's subnet to the host's own route (what it takes of the host's default
route, the run's undo gives back). A default route of
the host's overlaps everything and is not compared (a lab's default route in the root
namespace is the model's and the sentinel's concern); link-local addresses neither.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Collection, Iterable

from iplab import sentinel
from iplab.model import ModelError
from iplab.plan import Plan
from iplab.steps import AddrAdd, RouteAdd

__all__ = ["clash", "host_networks", "refuse"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _network(text: str) -> Network | None:
    """The subnet of ``10.0.0.1/24`` (10.0.0.0/24), of ``10.1.0.0/16``; None for a word
    that is none (``default``, a name) or a link-local one."""
    try:
        net = ipaddress.ip_interface(text).network
    except ValueError:
        return None
    return None if net.is_link_local else net


def host_networks(snapshot: sentinel.Snapshot) -> list[tuple[str, Network]]:
    """The host's own subnets: each address of its own links (``eth0: 10.0.0.5/16``) and
    each route through them to a prefix (``10.8.0.0/16 via 10.0.0.1 dev eth0``), by what
    names it."""
    out: list[tuple[str, Network]] = []
    for link in snapshot.links.values():
        for address in sorted(link.addresses):
            if (net := _network(address)) is not None:
                out.append((f"{link.name}'s address {address}", net))
    for route in sorted(snapshot.routes):
        words = route.split()
        words = words[1:] if words[:1] == ["-6"] else words
        dst = next((w for w in words[:2] if "/" in w), None)
        if dst is not None and (net := _network(dst)) is not None:
            out.append((f"its route {route}", net))
    return out


def _lab_networks(plan: Plan) -> Iterable[tuple[int, str, Network]]:
    """Each address or route a setup step adds in the root namespace: the command's index
    in the plan, its text, its subnet."""
    for k, pc in enumerate(plan.commands):
        op = pc.command.op
        if pc.skip is not None or pc.command.observe or op.in_ns() is not None:
            continue
        if isinstance(op, AddrAdd):
            net = _network(op.address)
        elif isinstance(op, RouteAdd) and op.setting("table") in (None, "main", "254"):
            net = _network(op.to)
        else:
            continue
        if net is not None:
            yield k, pc.command.text, net


def clash(plan: Plan, host: Collection[tuple[str, Network]]) -> ModelError | None:
    """The refusal for the first step of ``plan`` whose address or route of the root
    namespace lies in one of the host's subnets (``host``: :func:`host_networks`); None
    when none does."""
    for k, text, net in _lab_networks(plan):
        for what, theirs in host:
            if net.version != theirs.version or not net.subnet_of(theirs):  # type: ignore[arg-type]
                continue  # (a shorter prefix than the host's leaves its subnet to its route)
            step = plan.commands[k].command.step
            return ModelError(
                f"`{text}` puts {net} in the host's root namespace, and the host reaches"
                f" {theirs} through its own link ({what}): while the lab is up, the host's"
                f" traffic to {net} (its neighbours, a resolver, a gateway there) would go"
                " into the lab's link",
                step.loc if step is not None else None,
                "choose a subnet this host does not use (ip -br addr, ip route show the"
                " host's), or give the address inside a namespace of the lab; --no-preflight"
                " runs it anyway",
            )
    return None


def refuse(plan: Plan, read: Callable[[Collection[str]], sentinel.Snapshot] | None = None) -> None:
    """Raise :func:`clash`'s refusal, the host read now (``read``: over netlink)."""
    if not any(True for _ in _lab_networks(plan)):
        return  # (no address in the root namespace: nothing to read)
    snapshot = (read or sentinel.snapshot)(plan.owned.in_root())
    found = clash(plan, host_networks(snapshot))
    if found is not None:
        raise found
