"""What a lab owns, which addresses of a link are the lab's, and the claims of a scenario's
steps checked against a State.

A claim (``expect:`` of a step: ns1 holds only lo, vethQ is a port of br0...) is checked
the same way against the model's state after the step (``check``, planning) and against
the kernel's (``run``). Pure functions.
"""

from __future__ import annotations

from collections.abc import Iterable

from iplab.inet import Interface, interface
from iplab.names import ROOT, ns_label, ns_short
from iplab.peers import RootPart
from iplab.records import Record, frozen
from iplab.state import Link, State
from iplab.steps import (
    BridgePorts,
    Claim,
    LinkFields,
    LinksAbsent,
    LinksExactly,
    LinksPresent,
    NetnsPresent,
    NothingLeft,
)

# -- addresses -----------------------------------------------------------------------------------


#: how the text of an IPv6 link-local address (fe80::/10) starts, as iproute2 prints it
_LINK_LOCAL_V6 = ("fe8", "fe9", "fea", "feb")


def is_automatic(address: str, link: Link) -> bool:
    """Addresses the kernel adds by itself: IPv6 link-local, and loopback's own."""
    if address.find(":") == 4 and address[:3].lower() in _LINK_LOCAL_V6:
        return True  # (one on every link that is up: known by its text, not parsed)
    iface = interface(address)
    return iface.is_link_local or (link.kind == "loopback" and iface.ip.is_loopback)


def lab_addresses(link: Link) -> set[Interface]:
    """The addresses of ``link`` a lab may have set (not those the kernel adds by itself)."""
    return {interface(a) for a in link.addresses if not is_automatic(a, link)}


def addresses_text(link: Link | None, also: Iterable[Interface] = ()) -> str:
    """The lab's addresses of ``link`` (and those of ``also`` it holds), sorted, for a
    message (``none`` when it has none)."""
    if link is None:
        return "none"
    shown = sorted(str(a) for a in lab_addresses(link) | (set(also) & _interfaces(link)))
    return ", ".join(shown) or "none"


def compared_addresses(want: Link, got: Link) -> tuple[set[Interface], set[Interface]]:
    """The addresses of a link that verify compares: the lab's (not those the kernel adds
    by itself), and a link-local address the scenario adds itself (``fe80::1/64 nodad``),
    which the kernel would otherwise hide among its own (hunt W: deleted, it went unseen).
    Returns (expected, found)."""
    chosen = {a for a in _interfaces(want) if is_automatic(str(a), want)}
    found = lab_addresses(got) | (_interfaces(got) & chosen) if chosen else lab_addresses(got)
    return lab_addresses(want) | chosen, found


def _interfaces(link: Link) -> set[Interface]:
    return {interface(a) for a in link.addresses}


@frozen
class Owned(Record):
    """The names a lab creates: only these are compared, or may be judged leftovers."""

    netns: frozenset[str]
    links: frozenset[str]
    #: the links it creates in the root namespace (None: not known, take ``links``); a
    #: name the host has in the root namespace may be made inside a lab namespace
    root_links: frozenset[str] | None = None
    #: names a step used that no step the model knows made (a raw step of unknown effect
    #: may have): the lab owns them unless the host had them before it started
    adopted: frozenset[str] = frozenset()

    def in_root(self) -> frozenset[str]:
        return self.links if self.root_links is None else self.root_links


@frozen
class ClaimResult(Record):
    claim: Claim
    ok: bool
    detail: str

    def __str__(self) -> str:
        mark = "PASS" if self.ok else "FAIL"
        text = f"{mark} {self.claim.describe()}"
        return text if self.ok else f"{text}: {self.detail}"


def leftovers(state: State, owned: Owned) -> list[str]:
    """The lab's namespaces and links that ``state`` still holds (``vethY@root``...)."""
    left = sorted(n for n in owned.netns if state.has_netns(n))
    root = owned.in_root()
    left += sorted(
        f"{link.name}@{ns_short(ns)}"
        for ns, link in state.links()
        if link.name in (root if ns == ROOT else owned.links)
    )
    return left


def check_claim(claim: Claim, state: State, owned: Owned) -> ClaimResult:
    def result(ok: bool, detail: str = "") -> ClaimResult:
        return ClaimResult(claim, ok, detail)

    if isinstance(claim, NothingLeft):
        left = leftovers(state, owned)
        return result(not left, f"still present: {', '.join(left)}")
    if isinstance(claim, NetnsPresent):
        missing = [n for n in claim.namespaces if n not in state.namespaces]
        return result(not missing, f"missing {', '.join(missing)}")
    ns = getattr(claim, "ns", None) or ROOT
    space = state.namespaces.get(ns)
    if space is None:
        return result(False, f"{ns_label(ns)} does not exist")
    if isinstance(claim, LinksExactly):
        have = sorted(space.links)
        return result(set(have) == set(claim.links), f"it holds {', '.join(have) or 'nothing'}")
    if isinstance(claim, LinksPresent):
        missing = [n for n in claim.links if n not in space.links]
        return result(not missing, f"missing {', '.join(missing)}")
    if isinstance(claim, LinksAbsent):
        present = [n for n in claim.links if n in space.links]
        return result(not present, f"it sees {', '.join(present)}")
    if isinstance(claim, BridgePorts):
        bridge = space.links.get(claim.bridge)
        if bridge is None or bridge.kind != "bridge":
            return result(False, f"no bridge {claim.bridge} in {ns_label(ns)}")
        ports = sorted(link.name for link in space.links.values() if link.master == claim.bridge)
        return result(set(ports) == set(claim.ports), f"its ports are {', '.join(ports) or 'none'}")
    if isinstance(claim, LinkFields):
        return result(*_check_fields(claim, space.links.get(claim.link), ns))
    raise AssertionError(type(claim))  # pragma: no cover


def _check_fields(claim: LinkFields, link: Link | None, ns: str) -> tuple[bool, str]:
    if link is None:
        return False, f"{claim.link} not found in {ns_label(ns)}"
    problems: list[str] = []
    if claim.up is not None and claim.up != link.up:
        problems.append(f"it is {_updown(link.up)}")
    if claim.master is not None and claim.master != link.master:
        problems.append(f"its master is {link.master or 'none'}")
    if claim.nomaster and link.master is not None:
        problems.append(f"its master is {link.master}")
    if claim.peer is not None and claim.peer != link.peer:
        problems.append(f"its peer is {link.peer or 'none'}")
    if claim.addresses is not None:
        want = {interface(a) for a in claim.addresses}
        if want != lab_addresses(link):
            problems.append(f"its addresses are {addresses_text(link)}")
    return not problems, "; ".join(problems)


def root_part(claims: Iterable[Claim], owned: Owned) -> RootPart | None:
    """The root links these claims look at (:class:`iplab.peers.RootPart`; None: every
    one): those they name, a bridge's ports, the lab's own (what remains of the lab);
    a read needs no other (hunt CZ: each claim's read decoded the 505 root links of a host
    with another lab up)."""
    names: set[str] = set()
    bridges: set[str] = set()
    for claim in claims:
        if isinstance(claim, NothingLeft):
            names |= owned.in_root()
        elif (getattr(claim, "ns", None) or ROOT) != ROOT:
            continue
        elif isinstance(claim, LinksExactly):
            return None
        elif isinstance(claim, LinksPresent | LinksAbsent):
            names.update(claim.links)
        elif isinstance(claim, BridgePorts):
            bridges.add(claim.bridge)
        elif isinstance(claim, LinkFields):
            names.add(claim.link)
        elif not isinstance(claim, NetnsPresent):
            return None
    return RootPart(frozenset(names), frozenset(bridges))


def check_claims(claims: Iterable[Claim], state: State, owned: Owned) -> list[ClaimResult]:
    return [check_claim(claim, state, owned) for claim in claims]


def _updown(up: bool) -> str:
    return "up" if up else "down"
