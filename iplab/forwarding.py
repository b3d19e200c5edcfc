"""A router namespace the lab never turns forwarding on in (hunt DL).

A lab's other namespaces route through a namespace's addresses (``ip netns exec n1 ip route
add default via 172.30.0.1``), the namespace holds addresses of that family on two links or
more, and no step writes forwarding in it. A new namespace takes its IPv4 ``conf/all``
settings, forwarding among them, from the host's root namespace (the kernel's init_net;
``net.core.devconf_inherit_init_net`` 0, the default: checked on this kernel), so the lab
forwards on the author's host, where Docker or libvirt turned ``ip_forward`` on, and nowhere
else; its IPv6 settings start at the kernel's defaults, forwarding off, whatever the host's:
such a lab never forwards IPv6. Run, its pings across the router are lost and nothing says
why. Said as a warning at the first route through the router. Left out: a namespace the
model is unsure of (a raw step of unknown effect ran in it: it may have written the key),
and one in which a step writes a forwarding key, as :mod:`iplab.sysctl` reads the writes
and the model records them (:attr:`iplab.state.Namespace.sysctls_named`; a line that only
reads the key, ``sysctl net.ipv4.ip_forward``, writes none): for IPv4 ``ip_forward`` or a
``conf.*.forwarding`` (a device's, ``conf.default``: the author is at it), or files loaded
(``sysctl -p r.conf``: they may); for IPv6 only ``conf.all.forwarding``: the kernel forwards
IPv6 by that key alone (ip6_forward), a device's (``conf.eth0.forwarding``) or
``conf.default``'s forwards nothing (checked on this kernel, 6.18: a router with both legs'
keys at 1 lost the pings; ``conf.all`` at 1 and the legs' at 0 forwarded them), said so.
A write in the root namespace before ``ip netns add r`` counts as r's where the kernel
copies it (hunt DZ: :func:`iplab.sysctl.copied_from_root`): the plan as the kernel comes
(``net.core.devconf_inherit_init_net`` 0: IPv4's alone), ``check`` and ``up`` as this host's
mode says (:func:`on_this_host`: 2, or a root namespace that is not the kernel's first).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from iplab.model import Judge, ModelError
from iplab.names import ROOT, ns_label
from iplab.outershell import misplaced_in
from iplab.state import Namespace, State, after
from iplab.steps import RouteAdd, Step
from iplab.sysctl import ANY_KEY, INHERIT_DEFAULT, copied_from_root

#: the keys (paths under /proc/sys) a step writes when it turns IPv4 forwarding on in a
#: namespace, or is at it (a device's, ``conf.default``)
_V4_KEYS = re.compile(r"net/ipv4/(?:ip_forward|conf/.+/forwarding)")
#: the one key that turns IPv6 forwarding on; and the others that name it but do not
_V6_KEY = "net/ipv6/conf/all/forwarding"
_V6_OTHERS = re.compile(r"net/ipv6/conf/.+/forwarding")


def _addresses(space: Namespace, family: int) -> dict[str, int]:
    """The addresses of ``family`` of the namespace's links but the loopback (without their
    length; link-local ones left out): address -> how many links of it hold any."""
    held: dict[str, int] = {}
    legs = 0
    for link in space.links.values():
        if link.kind == "loopback":
            continue
        mine = [
            iface.ip
            for iface in map(ipaddress.ip_interface, link.addresses)
            if iface.version == family and not iface.ip.is_link_local
        ]
        legs += bool(mine)
        held.update((str(ip), 0) for ip in mine)
    return dict.fromkeys(held, legs)


def _names_forwarding(named: set[str], family: int) -> bool:
    """Among these keys, one of ``family``'s forwarding, or files loaded."""
    if ANY_KEY in named:
        return True
    if family == 4:
        return any(_V4_KEYS.fullmatch(path) for path in named)
    return _V6_KEY in named


def _writes_forwarding(space: Namespace, family: int, inherit: int | None) -> bool:
    """A step wrote a key of ``family``'s forwarding in the namespace, or loaded files; or
    wrote it in the root namespace before the namespace was made, which the kernel copies
    into it (hunt DZ: ``sysctl -w net.ipv4.ip_forward=1`` on the host, then ``ip netns add
    r``: r forwards; :func:`iplab.sysctl.copied_from_root`)."""
    if _names_forwarding(space.sysctls_named, family):
        return True
    return copied_from_root(family, inherit) and _names_forwarding(space.inherited, family)


def _ends_in(state: State, name: str, to: str) -> bool:
    """A route to ``to`` through namespace ``name`` ends in it: its destination holds an
    address of that namespace and none of another's (``10.200.0.0/24`` to the router's
    loopback ``10.200.0.1/32``), so it asks no forwarding. A default route, or one to a
    subnet where another namespace has an address (the far side of the router), does."""
    if to == "default":
        return False
    try:
        wanted = ipaddress.ip_network(to, strict=False)
    except ValueError:
        return False
    mine = False
    for ns, space in state.namespaces.items():
        for link in space.links.values():
            for iface in map(ipaddress.ip_interface, link.addresses):
                if iface.version != wanted.version or iface.ip.is_loopback:
                    continue
                if iface.ip in wanted:
                    if ns != name:
                        return False
                    mine = True
    return mine


def unforwarding_routers(
    state: State, setup: Sequence[Step], inherit: int | None = INHERIT_DEFAULT
) -> Iterator[ModelError]:
    """A warning for each namespace the lab routes through (a route of another namespace
    goes via one of its addresses) that holds addresses of that family on two links or
    more and in which no step writes forwarding of that family, at the first setup step
    that routes through it. ``inherit``: the host's ``net.core.devconf_inherit_init_net``
    (None: iplab's root namespace is not the kernel's first), which says whether a write
    in the root namespace before the namespace was made reaches it."""
    for name, space in state.namespaces.items():
        if name == ROOT or not state.certain(space):
            continue
        for family in (4, 6):
            own = _addresses(space, family)
            if not own or next(iter(own.values())) < 2:
                continue
            if _writes_forwarding(space, family, inherit):
                continue
            served = [
                step
                for step in setup
                if isinstance(step.op, RouteAdd)
                and (step.op.in_ns() or ROOT) != name
                and step.op.via is not None
                and step.op.via in own
                and not _ends_in(state, name, step.op.to)
            ]
            if served:
                others = sorted(k for k in space.sysctls_named if _V6_OTHERS.fullmatch(k))
                keys = _V4_KEYS.fullmatch if family == 4 else _V6_OTHERS.fullmatch
                outer = [line for line, path in misplaced_in(setup, name) if keys(path)]
                unreached = _names_forwarding(space.inherited, family)
                yield _said(
                    name, family, served, others if family == 6 else [], outer,
                    _unreached(family, inherit) if unreached else "",
                )  # fmt: skip


def _unreached(family: int, inherit: int | None) -> str:
    """Why the root namespace's forwarding, written before the namespace was made, is not
    copied into it."""
    key = "net.ipv4.ip_forward" if family == 4 else "net.ipv6.conf.all.forwarding"
    if inherit is None:
        why = (
            "iplab's root namespace is not the kernel's first (a container's), and a new"
            " namespace copies that one's"
        )
    elif inherit == 2:  # (the compiled defaults)
        why = "net.core.devconf_inherit_init_net is 2 here: a new namespace copies nothing"
    else:
        why = (
            f"with net.core.devconf_inherit_init_net {inherit} (the kernel's default) a new"
            " namespace copies the root's IPv4 settings, not its IPv6 ones"
        )
    return f" (the root namespace's {key}, written before it was made, does not reach it: {why})"


def _said(  # noqa: PLR0917 - what the warning says, each part its own
    name: str, family: int, served: list[Step], others: list[str], outer: list[str],
    unreached: str,
) -> ModelError:  # fmt: skip
    via = list(dict.fromkeys(str(s.op.via) for s in served if isinstance(s.op, RouteAdd)))
    if family == 4:
        why = (
            "a new namespace takes net.ipv4.ip_forward from the host's root namespace, so it"
            " forwards only on a host whose ip_forward is 1"
        )
        fix = f"ip netns exec {name} sysctl -w net.ipv4.ip_forward=1"
    else:
        why = (
            "a new namespace starts with IPv6 forwarding off, whatever the host's, so it"
            " forwards no IPv6 packet"
        )
        if others:
            why += (
                f" ({', '.join(k.replace('/', '.') for k in others)}, written, does not forward"
                " it: the kernel forwards IPv6 by net.ipv6.conf.all.forwarding alone)"
            )
        fix = f"ip netns exec {name} sysctl -w net.ipv6.conf.all.forwarding=1"
    why += unreached
    if outer:  # (hunt DU: ip netns exec r echo 1 > /proc/sys/...: the host's key, not r's)
        lines = ", ".join(f"`{line}`" for line in dict.fromkeys(outer))
        why += (
            f" ({lines} does not turn it on in {name}: the redirection is the outer shell's,"
            f" which writes the host's key, not {name}'s)"
        )
    return ModelError(
        f"{ns_label(name)} is the gateway of the lab's routes via {', '.join(via)}, but no"
        f" step turns forwarding on in it: {why}",
        served[0].loc,
        f"turn it on in the lab: {fix}",
        certain=False,
    )


#: where the kernel shows ``net.core.devconf_inherit_init_net``, and a key of the kernel's
#: first namespace alone that every kernel has (the first is there only from Linux 5.1)
_INHERIT_KEY = Path("/proc/sys/net/core/devconf_inherit_init_net")
_FIRST_ONLY_KEY = Path("/proc/sys/net/core/netdev_max_backlog")


def host_inherit(key: Path = _INHERIT_KEY, first_only: Path = _FIRST_ONLY_KEY) -> int | None:
    """This host's ``net.core.devconf_inherit_init_net``, as it says what a new namespace
    copies (:func:`iplab.sysctl.copied_from_root`); None: iplab runs in a namespace that is
    not the kernel's first (the key, and every key of the first's alone, are not there);
    0 on a kernel without the key (before 5.1: it copied IPv4's from the first)."""
    try:
        return int(key.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return INHERIT_DEFAULT if first_only.exists() else None


def host_warnings(state: State, setup: Sequence[Step], inherit: int | None) -> list[ModelError]:
    """The warnings of :func:`unforwarding_routers` this host's ``inherit`` adds to those of
    the kernel's default the plan said (hunt DZ: a root ``ip_forward=1`` before ``ip netns
    add r`` reaches r on a host as the kernel comes, not in a container)."""
    if inherit == INHERIT_DEFAULT:
        return []
    said = {_which(w) for w in unforwarding_routers(state, setup)}
    return [w for w in unforwarding_routers(state, setup, inherit) if _which(w) not in said]


def on_this_host(setup: Sequence[Step]) -> list[ModelError]:
    """:func:`host_warnings` for the lab's setup steps (their plan built: the model's state
    after them is known) and this host's ``net.core.devconf_inherit_init_net``."""
    inherit = host_inherit()
    if inherit == INHERIT_DEFAULT:
        return []
    return host_warnings(after(setup, judge=Judge(strict=False)), setup, inherit)


def _which(warning: ModelError) -> tuple[str, str]:
    """What a warning is of: its step and its router (with the routes' gateways)."""
    return (str(warning.loc), warning.message.partition(", but no step")[0])
