"""Compare states: what the model expects against what the kernel holds.

Pure functions only. :func:`diff` compares the objects a lab owns, field by
field, for the fields the model knows (the nmstate way: what the scenario did
not say is not compared) and returns one :class:`Difference` per mismatch,
typed by its :class:`DifferenceKind` and namespace (what a program acts on, never the text)
and printed as ``vethQ@root.master: expected br0, found none``. A claim of a
scenario step is checked against a State by :mod:`iplab.claims`.

Why this module is long: the comparison and the verdict that says what it compared and
what not read the same fields of the same states, one kind of object after another; apart,
each kind's rule would be written twice (hunts CN and CV kept the readers of vxlan settings
and rules in modules of their own).
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Sequence

from iplab import vxlan
from iplab.claims import Owned, compared_addresses
from iplab.claims import addresses_text as _fmt_addresses
from iplab.inet import interface
from iplab.names import ROOT
from iplab.names import ns_short as _where
from iplab.peers import UNKNOWN_PEER, RootPart
from iplab.plurals import counted
from iplab.records import Record, frozen
from iplab.rulewords import rules_unread, written_rules
from iplab.state import Link, State
from iplab.sysctl import UNKNOWN

#: why a live veth's peer is not named
_UNKNOWN = "in a namespace ip netns list does not name, or its indexes fit several links"


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
    #: a route the model expects in ``namespace`` is not in the kernel (:mod:`iplab.routes`)
    MISSING_ROUTE = "missing-route"
    #: a sysctl the lab wrote in ``namespace`` shows another value (:mod:`iplab.sysctlcheck`)
    SYSCTL = "sysctl"
    #: a neighbour the lab added on link ``obj`` of ``namespace`` is not there as added
    #: (:mod:`iplab.neighbours`; ``field`` names it: ``neighbour 10.0.0.2``)
    NEIGHBOUR = "neighbour"
    #: a policy rule the lab added in ``namespace`` is not there as added (:mod:`iplab.rules`)
    RULE = "rule"
    #: a route in ``namespace`` (one of the lab's) that no step added: added by hand
    #: (:mod:`iplab.extras`)
    EXTRA_ROUTE = "extra-route"
    #: a policy rule in ``namespace`` (one of the lab's) that no step added (:mod:`iplab.extras`)
    EXTRA_RULE = "extra-rule"


@frozen
class Difference(Record):
    """One mismatch. ``str(d)`` is its text for people (``vethQ@root.master: expected br0,
    found none``); ``kind`` (a ``DifferenceKind``: missing-namespace, extra-namespace,
    missing-link, extra-link, extra-links, moved, field, missing-route, extra-route, rule,
    extra-rule...) and ``namespace`` say what it is about: act on those, never on the text."""

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
        return f"{self.subject}.{self.field}: expected {self.expected}, found {self.found}"

    @property
    def subject(self) -> str:
        """What the text names: a link's field with its namespace (``lo@ns1.up``: hunt K,
        ``lo.up`` did not say which ``lo``), as a route's does (``route X@ns1.exists``)."""
        if self.kind in _OF_A_LINK and self.namespace is not None:
            return f"{self.obj}@{_where(self.namespace)}"
        return self.obj


#: differences about a field of a link (their text names the link's namespace)
_OF_A_LINK = frozenset({DifferenceKind.FIELD, DifferenceKind.NEIGHBOUR})


def _find(state: State, name: str) -> list[str]:
    return [ns for ns, space in state.namespaces.items() if name in space.links]


def _elsewhere(expected: State, observed: State, name: str) -> list[str]:
    """Where the kernel holds a link named ``name`` that may be the one missing: not a
    namespace where the model expects a link of that name of its own (hunt O, K: a link
    deleted in c2, or renamed, was said to be found in c1, whose own link has its name)."""
    return [ns for ns in _find(observed, name) if expected.link(ns, name) is None]


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


def compared(expected: State) -> tuple[int, int]:
    """How many of the lab's namespaces and links verify compares: those the model knows
    (:func:`unknowable` lists the others)."""
    spaces = sum(
        1 for ns, space in expected.namespaces.items() if ns != ROOT and expected.certain(space)
    )
    return spaces, sum(1 for _, link in expected.links() if expected.certain(link))


def written_sysctls(expected: State) -> dict[str, dict[str, str]]:
    """The sysctls the model knows the lab wrote, by namespace: {path under /proc/sys:
    value} (:mod:`iplab.sysctlcheck` reads them back): not in a namespace the model is not
    sure of, nor one written before a step of unknown effect."""
    out: dict[str, dict[str, str]] = {}
    for ns, space in expected.namespaces.items():
        if ns != ROOT and not expected.certain(space):
            continue
        kept = {path: v for path, (v, opaque) in space.sysctls.items() if opaque == expected.opaque}
        if kept:
            out[ns] = kept
    return out


def written_neighbours(expected: State) -> dict[str, dict[tuple[str, str], tuple[str, str]]]:
    """The lasting neighbours the model knows the lab added, by namespace: {(link, address):
    (link-layer address, state)} (:mod:`iplab.neighbours` reads them back): on links the
    model is sure of, not written before a step of unknown effect."""
    out: dict[str, dict[tuple[str, str], tuple[str, str]]] = {}
    for ns, space in expected.namespaces.items():
        if ns != ROOT and not expected.certain(space):
            continue
        kept = {
            (link.name, address): (lladdr, state)
            for link in space.links.values()
            if expected.certain(link)
            for address, (lladdr, state, opaque) in link.neighbours.items()
            if opaque == expected.opaque
        }
        if kept:
            out[ns] = kept
    return out


def verdict(expected: State, where: str = "") -> str:
    """What a verify that found no difference says: what it compared, and what it could
    not (an OK over objects it skipped, all of them, said too much). ``where``: after which
    step (``verify``); none: right after the setup (``up``)."""
    spaces, links = compared(expected)
    skipped = len(unknowable(expected))
    if not spaces and not links and skipped:
        return (
            f"nothing compared{' ' + where if where else ''}: the model knows none of the"
            f" lab's objects ({skipped} skipped: steps it cannot follow made them, or ran"
            f" after them{_opaque_at(expected)})"
        )
    more = f"; {skipped} skipped{_opaque_at(expected)}" if skipped else ""
    unfollowed = [
        _where(ns)
        for ns, space in expected.namespaces.items()
        if not space.routes_known and (ns == ROOT or expected.certain(space))
    ]
    if unfollowed:  # (hunt W: a multipath route replaced by a raw step, deleted: OK said)
        more += f"; routes of {', '.join(unfollowed)} not compared"
        more += " (a step it cannot follow changes them)"
    more += "".join(f"; {said}" for said in uncompared(expected))
    held = f"promises {where}" if where else "promised"
    written = sum(len(values) for values in written_sysctls(expected).values())
    sysctls = f", {counted(written, 'sysctl')}" if written else ""
    pinned = sum(len(entries) for entries in written_neighbours(expected).values())
    sysctls += f", {counted(pinned, 'neighbour')}" if pinned else ""
    ruled = sum(len(rules) for rules in written_rules(expected).values())
    sysctls += f", {counted(ruled, 'rule')}" if ruled else ""
    return (
        f"the kernel holds what the scenario {held}"
        f" ({counted(spaces, 'namespace')}, {counted(links, 'link')}{sysctls}{more})"
    )


def _opaque_at(expected: State) -> str:
    """Which step made the model lose what existed before it, said with what verify
    skipped: the last of unknown effect (hunt AM: ``MAC=$(ip -j link show flannel.1 |
    python3 -c ...)``, a read, and every node and pod of the lab went unverified, no step
    named); "" when none did."""
    if not expected.opaque or not expected.opaque_at:
        return ""
    return (
        f"; the last step it cannot follow, {expected.opaque_at}, may have changed what was"
        " made before it ('observe: true' on it if it only reads)"
    )


#: link kinds whose mode verify does not compare (``mode bridge``, ``mode l3``...)
_MODED = frozenset({"macvlan", "macvtap", "ipvlan", "ipvtap"})


def _named(names: list[str], most: int = 3) -> str:
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def uncompared(expected: State) -> list[str]:
    """What the lab holds that verify does not compare, said with its OK (hunt F: a vxlan's
    id and remote changed by hand, an fdb entry deleted, a macvlan's mode changed: verify
    said OK and nothing more; hunt Z: a tap's owner): a vxlan's settings, an ipvlan's mode
    (or a macvlan's a step set that the model cannot read: hunt CN compares the others), a
    tun's or tap's mode and owner, the forwarding entries a step wrote, and what
    :func:`iplab.state.uncompared_settings` names."""
    known = [(ns, link) for ns, link in expected.links() if expected.certain(link)]
    moded = [
        f"{link.name}@{_where(ns)}"
        for ns, link in known
        if link.kind in _MODED and "mode" not in link.settings  # (a macvlan's: compared)
    ]
    tuns = [f"{link.name}@{_where(ns)}" for ns, link in known if link.kind == "tun"]
    fdb = [_where(ns) for ns, space in expected.namespaces.items() if space.fdb_written]
    out = _unread(expected)
    out += [f"vxlan {said} of {_named(named)} not compared" for said, named in vxlan.unread(known)]
    if moded:
        out.append(f"modes of {_named(moded)} not compared")
    if tuns:  # (hunt Z: a tap made again without its user: OK said)
        out.append(f"tun/tap modes and owners (user, group) of {_named(tuns)} not compared")
    if fdb:
        out.append(f"fdb entries of {_named(fdb)} not compared")
    if unruled := rules_unread(expected):  # (hunt CV: those it reads are compared)
        out.append(f"ip rules of {_named(unruled)} not compared")
    return out


def _unread(expected: State) -> list[str]:
    """What steps set that verify does not compare (see
    :func:`iplab.state.uncompared_settings`), said once for the namespaces where the same
    was set."""
    where: dict[tuple[str, ...], list[str]] = {}
    compared = written_sysctls(expected)
    pinned = written_neighbours(expected)
    for ns, space in expected.namespaces.items():
        said = set(space.uncompared)
        if not said & {"sysctls", "other sysctls"} and any(
            marker == UNKNOWN for _value, marker in space.sysctls.values()
        ):  # (a key the kernel changed with another: ip_forward's accept_redirects)
            said.add("sysctls")
        if ns in compared and "sysctls" in said:  # (beside the ones counted: hunt BY's p4,
            said = (said - {"sysctls"}) | {"other sysctls"}  # "3 sysctls; sysctls of r")
        if ns in pinned and "neighbours" in said:  # (a passing one beside lasting ones)
            said = (said - {"neighbours"}) | {"other neighbours"}
        if said and (ns == ROOT or expected.certain(space)):
            where.setdefault(tuple(sorted(said)), []).append(_where(ns))
    return [f"{', '.join(what)} of {_named(spaces)} not compared" for what, spaces in where.items()]


def read_names(expected: State, owned: Owned) -> list[str]:
    """The namespaces verify reads: the lab's, and each the model expects (hunt R: a
    namespace a batch file made was expected, never read, and said to be missing although
    it was there: "hRzalpha.exists: expected a namespace, found none")."""
    return sorted(owned.netns | {ns for ns in expected.namespaces if ns != ROOT})


def read_roots(expected: State, owned: Owned) -> set[str]:
    """The root links verify needs whole, the peers of veths among them named wherever they
    live: the lab's and each the model expects (:func:`iplab.iproute.read_state`'s
    ``roots``; another lab's root veths, hundreds on a busy host, are not its concern)."""
    root = expected.namespaces.get(ROOT)
    return set(owned.in_root()) | (set(root.links) if root is not None else set())


def root_part(expected: State, owned: Owned) -> RootPart | None:
    """The root links :func:`diff` looks at (None: every one): each name the model expects
    in any namespace (one found in the root instead: "moved") and the lab's own. A route
    or neighbour promised in the root may need any root link (an on-link gateway's): every
    one is read then."""
    root = expected.namespaces.get(ROOT)
    if root is not None and (root.routes or root.sysctls or root.rules):
        return None
    if root is not None and any(ns == ROOT for ns in written_neighbours(expected)):
        return None
    names = {link.name for _, link in expected.links()} | owned.links | owned.in_root()
    return RootPart(frozenset(names))


def diff(expected: State, observed: State, owned: Owned) -> list[Difference]:
    """The differences, for what the model knows (see :func:`unknowable` for the rest)."""
    out: list[Difference] = []
    # none of the lab's namespaces is there: the lab is not up, and those the model is not
    # sure of (a raw step before may have deleted them) are missing all the same
    lab = [n for n in expected.namespaces if n != ROOT]
    gone = bool(lab) and not any(n in observed.namespaces for n in lab)
    for ns_name, space in expected.namespaces.items():
        if ns_name != ROOT and not expected.certain(space) and not gone:
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
                where = _elsewhere(expected, observed, link.name)
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


def deleted_by_others(
    differences: Sequence[Difference], expected: State, owned: Owned
) -> list[str]:
    """The lab's namespaces and links that are gone though no step of it deleted them:
    something else did (``ip netns del`` in another shell, another tool's cleanup), each in
    one plain line, with the veths of the root that went with a namespace (their peer was
    in it). Asked of a lab that is up (its objects were made): hunt EF, "verify: 2
    differences" said only "ns1.exists: expected a namespace, found none", where the failed
    step of an ``up`` says what someone else deleted."""
    gone = {
        d.obj for d in differences if d.kind is DifferenceKind.MISSING_NAMESPACE
        and d.obj in owned.netns
    }  # fmt: skip
    went: dict[str, list[str]] = {}
    alone: list[Difference] = []
    for d in differences:
        if d.kind is not DifferenceKind.MISSING_LINK or d.namespace is None:
            continue
        link = expected.link(d.namespace, d.obj)
        if link is not None and link.peer_ns in gone:
            went.setdefault(link.peer_ns, []).append(d.obj)
        elif d.obj in owned.links:
            alone.append(d)
    out = []
    for ns in sorted(gone):
        also = went.get(ns, [])
        peers = "the peer of a veth" if len(also) == 1 else "the peers of veths"
        with_it = f"; {', '.join(sorted(also))} went with it ({peers} in it)" if also else ""
        out.append(made_and_gone(f"namespace {ns}") + with_it)
    out += [
        made_and_gone(
            f"link {d.obj if d.namespace == ROOT else f'{d.obj}@{_where(d.namespace or ROOT)}'}"
        )
        for d in alone
    ]
    return out


def made_and_gone(what: str, when: str = "") -> str:
    """The one sentence for a namespace or link (``what``: "namespace NAME", "link NAME")
    the lab made that is gone though no step of it deleted it, said by ``verify`` and by
    the failed step of an ``up`` (``when``: " while the lab came up"), with what deletes
    such an object. Hunt EJ: the two said it in two wordings of their own."""
    tool = "`ip netns del`" if what.startswith("namespace ") else "`ip link del`"
    return (
        f"{what}, which the lab made, is gone: something else deleted it{when} ({tool} in"
        " another shell, another tool's cleanup)"
    )


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
    if want.addresses != got.addresses:
        expected, found = compared_addresses(want, got)
        if expected != found:
            shown = _fmt_addresses(want, expected), _fmt_addresses(got, expected)
            out.append(Difference(name, "addresses", *shown))
    if got.dad:
        out.extend(_dad_failed(want, got))
    if want.mtu is not None and want.mtu != got.mtu:
        out.append(Difference(name, "mtu", str(want.mtu), str(got.mtu)))
    if want.mac is not None and want.mac != (got.mac or "").lower():
        out.append(Difference(name, "address", want.mac, got.mac or "none"))
    for key, value in want.settings.items():  # (promisc, arp, txqueuelen, alias: hunt CN)
        if (held := got.settings.get(key, value)) != value:
            out.append(Difference(name, key, _setting(key, value), _setting(key, held)))
    del ns
    return out


def _setting(key: str, value: str) -> str:
    """A setting as a difference says it: an alias quoted (``"uplink"``; ``none``)."""
    if key == "alias":
        return json.dumps(value, ensure_ascii=False) if value else "none"
    return value or "none"  # (a vxlan's remote, local... it has none of)


def _dad_failed(want: Link, got: Link) -> list[Difference]:
    """The addresses of the lab that the kernel holds but will not use: Duplicate Address
    Detection found another link of the segment holding them (hunt V: the same IPv6
    address on both ends of a veth stayed ``dadfailed tentative``, every probe failed, and
    verify said OK). One still ``tentative`` is on its way (or waits for a carrier): no
    difference."""
    expected, _ = compared_addresses(want, got)
    failed = [a for a, why in sorted(got.dad.items()) if why == "dadfailed"]
    return [
        Difference(want.name, "dad", f"{a} usable", f"{a} dadfailed (another link holds it)")
        for a in failed
        if interface(a) in expected
    ]


def _updown(up: bool) -> str:
    return "up" if up else "down"
