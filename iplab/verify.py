"""Compare states: what the model expects against what the kernel holds.

Pure functions only. :func:`diff` compares the objects a lab owns, field by
field, for the fields the model knows (the nmstate way: what the scenario did
not say is not compared) and returns one :class:`Difference` per mismatch,
typed by its :class:`DifferenceKind` and namespace (what a program acts on, never the text)
and printed as ``vethQ.master: expected br0, found none``. :func:`check_claim`
checks one claim of a scenario step against any State, the model's or the
kernel's.
"""

from __future__ import annotations

import dataclasses
import enum
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from iplab.iproute import UNKNOWN_PEER
from iplab.model import ROOT, Link, State, ns_label
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

#: why a live veth's peer is not named
_UNKNOWN = "in a namespace ip netns list does not name, or its indexes fit several links"


@dataclass(frozen=True)
class Owned:
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


class DifferenceKind(enum.Enum):
    """What a :class:`Difference` is about, for whoever acts on it (the graph marks by it)."""

    #: a namespace the model expects is not there (``obj`` is the namespace)
    MISSING_NAMESPACE = "missing-namespace"
    #: a namespace of the lab the model says is gone is still there
    EXTRA_NAMESPACE = "extra-namespace"
    #: a link the model expects in ``namespace`` is nowhere
    MISSING_LINK = "missing-link"
    #: a link of the lab the model says is gone is still there
    EXTRA_LINK = "extra-link"
    #: a namespace holds links the model does not expect there (``obj`` is the namespace)
    EXTRA_LINKS = "extra-links"
    #: a link the model expects in ``namespace`` is in another one
    MOVED = "moved"
    #: a field of a link that is where the model expects it (``field`` names it)
    FIELD = "field"


@dataclass(frozen=True)
class Difference:
    """One mismatch. ``str(d)`` is its text for people (``vethQ.master: expected br0,
    found none``); ``kind`` (a ``DifferenceKind``: missing-namespace, extra-namespace,
    missing-link, extra-link, extra-links, moved, field) and ``namespace`` say what it is
    about: act on those, never on the text."""

    #: the namespace or link it is about
    obj: str
    field: str
    expected: str
    found: str
    kind: DifferenceKind = dataclasses.field(default=DifferenceKind.FIELD, kw_only=True)
    #: a namespace difference: the namespace; a link's: the namespace the model expects it
    #: in (None for a link the model expects nowhere, :attr:`DifferenceKind.EXTRA_LINK`)
    namespace: str | None = dataclasses.field(default=None, kw_only=True)

    def __str__(self) -> str:
        return f"{self.obj}.{self.field}: expected {self.expected}, found {self.found}"


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    ok: bool
    detail: str

    def __str__(self) -> str:
        mark = "PASS" if self.ok else "FAIL"
        text = f"{mark} {self.claim.describe()}"
        return text if self.ok else f"{text}: {self.detail}"


def _where(ns: str) -> str:
    return "root" if ns == ROOT else ns


#: how the text of an IPv6 link-local address (fe80::/10) starts, as iproute2 prints it
_LINK_LOCAL_V6 = ("fe8", "fe9", "fea", "feb")


def is_automatic(address: str, link: Link) -> bool:
    """Addresses the kernel adds by itself: IPv6 link-local, and loopback's own."""
    if address.find(":") == 4 and address[:3].lower() in _LINK_LOCAL_V6:
        return True  # (one on every link that is up: known by its text, not parsed)
    iface = ipaddress.ip_interface(address)
    return iface.is_link_local or (link.kind == "loopback" and iface.ip.is_loopback)


def lab_addresses(link: Link) -> set[ipaddress.IPv4Interface | ipaddress.IPv6Interface]:
    return {ipaddress.ip_interface(a) for a in link.addresses if not is_automatic(a, link)}


def _fmt_addresses(link: Link | None) -> str:
    if link is None:
        return "none"
    shown = sorted(str(a) for a in lab_addresses(link))
    return ", ".join(shown) or "none"


def _find(state: State, name: str) -> list[str]:
    return [ns for ns, space in state.namespaces.items() if name in space.links]


def unknowable(expected: State) -> list[str]:
    """What the model cannot know, and so verify skips: objects a step used without anything
    the model knows making them, and what existed before a raw step of unknown effect."""
    out = [
        ns
        for ns, space in expected.namespaces.items()
        if ns != ROOT and not expected.certain(space)
    ]
    out += [
        f"{link.name}@{_where(ns)}"
        for ns, link in expected.links()
        if not expected.certain(link) and ns not in out
    ]
    return out


def diff(expected: State, observed: State, owned: Owned) -> list[Difference]:
    """The differences, for what the model knows (see :func:`unknowable` for the rest)."""
    out: list[Difference] = []
    for ns_name, space in expected.namespaces.items():
        if ns_name != ROOT and not expected.certain(space):
            continue
        if ns_name != ROOT and ns_name not in observed.namespaces:
            out.append(
                Difference(ns_name, "exists", "a namespace", "none",
                           kind=DifferenceKind.MISSING_NAMESPACE, namespace=ns_name)
            )  # fmt: skip
            continue
        seen = observed.namespaces.get(ns_name)
        for link in space.links.values():
            if not expected.certain(link):
                continue
            actual = seen.links.get(link.name) if seen else None
            if actual is None:
                where = _find(observed, link.name)
                found = f"it in {', '.join(_where(w) for w in where)}" if where else "none"
                kind = DifferenceKind.MOVED if where else DifferenceKind.MISSING_LINK
                out.append(
                    Difference(link.name, "netns", _where(ns_name), found, kind=kind,
                               namespace=ns_name)
                )  # fmt: skip
                continue
            fields = _link_diff(ns_name, link, actual)
            out.extend(dataclasses.replace(d, namespace=ns_name) for d in fields)
        if ns_name != ROOT and seen is not None and not expected.opaque:
            extra = sorted(set(seen.links) - set(space.links))
            if extra:
                out.append(
                    Difference(ns_name, "links", ", ".join(sorted(space.links)) or "none",
                               ", ".join(sorted(seen.links)), kind=DifferenceKind.EXTRA_LINKS,
                               namespace=ns_name)
                )  # fmt: skip
    if expected.opaque:
        return out  # what is gone cannot be known after a step of unknown effect
    # what the lab created and the model says is gone must be gone
    for name in sorted(owned.netns):
        if name not in expected.namespaces and name in observed.namespaces:
            out.append(
                Difference(name, "exists", "none", "the namespace",
                           kind=DifferenceKind.EXTRA_NAMESPACE, namespace=name)
            )  # fmt: skip
    expected_links = {link.name for _, link in expected.links()}
    for name in sorted(owned.links - expected_links):
        where = [w for w in _find(observed, name) if w == ROOT or w in owned.netns]
        if where:
            found = f"it in {', '.join(_where(w) for w in where)}"
            out.append(Difference(name, "exists", "none", found, kind=DifferenceKind.EXTRA_LINK))
    return out


def _link_diff(ns: str, want: Link, got: Link) -> list[Difference]:
    out: list[Difference] = []
    name = want.name
    if want.kind not in (got.kind, "unknown"):
        out.append(Difference(name, "kind", want.kind, got.kind))
    if want.up != got.up:
        out.append(Difference(name, "up", _updown(want.up), _updown(got.up)))
    if want.kind != "loopback" and want.master != got.master:
        out.append(Difference(name, "master", want.master or "none", got.master or "none"))
    if want.peer is not None:
        want_peer = f"{want.peer}@{_where(want.peer_ns or ROOT)}"
        if got.peer is None and got.peer_ns == UNKNOWN_PEER:
            out.append(Difference(name, "peer", want_peer, "unknown peer (" + _UNKNOWN + ")"))
        elif got.peer is None:
            out.append(Difference(name, "peer", want_peer, "none"))
        elif got.peer_ns is None:
            if got.peer != want.peer:  # peer's namespace unresolved: compare the name only
                out.append(Difference(name, "peer", want_peer, f"{got.peer}@?"))
        elif (got.peer, got.peer_ns) != (want.peer, want.peer_ns):
            out.append(Difference(name, "peer", want_peer, f"{got.peer}@{_where(got.peer_ns)}"))
    if want.addresses != got.addresses and lab_addresses(want) != lab_addresses(got):
        out.append(Difference(name, "addresses", _fmt_addresses(want), _fmt_addresses(got)))
    if want.mtu is not None and want.mtu != got.mtu:
        out.append(Difference(name, "mtu", str(want.mtu), str(got.mtu)))
    del ns
    return out


def _updown(up: bool) -> str:
    return "up" if up else "down"


# -- claims -----------------------------------------------------------------------------------


def leftovers(state: State, owned: Owned) -> list[str]:
    """The lab's namespaces and links that ``state`` still holds (``vethY@root``...)."""
    left = sorted(n for n in owned.netns if state.has_netns(n))
    root = owned.in_root()
    left += sorted(
        f"{link.name}@{_where(ns)}"
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
        want = {ipaddress.ip_interface(a) for a in claim.addresses}
        if want != lab_addresses(link):
            problems.append(f"its addresses are {_fmt_addresses(link)}")
    return not problems, "; ".join(problems)


def check_claims(claims: Iterable[Claim], state: State, owned: Owned) -> list[ClaimResult]:
    return [check_claim(claim, state, owned) for claim in claims]
