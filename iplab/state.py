"""The model's state, and the one place the model is replayed.

:class:`State` holds namespaces, their links and routes. The same type holds what the
model expects (built by replaying a scenario's steps from an empty host) and what the
kernel holds (parsed from ``ip -j`` by :mod:`iplab.iproute`, or read over netlink by
:mod:`iplab.netlink`), so that verifying is a diff of two States (:mod:`iplab.verify`).

:func:`replay` is the only loop that applies steps to the model one after the other
(:func:`iplab.model.apply`, with each step's inverse from :func:`iplab.inverse.inverse`):
planning, ``iplab check``, ``verify``, the graphs, undo planning from a journal and the
names a scenario creates all go through it. The rules of each op live in
:mod:`iplab.model`; they change a State handed to them and make its objects only through
its own methods (:meth:`State.add_namespace`, :meth:`State.new_link`, :meth:`State.new_route`),
so that they name these types for mypy alone and this module is the only one to import
the other.

Why this module is long: the one picture of a lab, the model's and the kernel's (its
types, their JSON, their description and the replay) reads best in one place.
"""

from __future__ import annotations

import copy
import shlex
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import field, replace
from typing import Any

from iplab.errors import Location
from iplab.inverse import Guard, Undo, inverse
from iplab.model import (
    ROOT_NETNS_REF,
    Judge,
    ModelError,
    apply,
    auto_names,
    effects_of,
    link_setting,
)
from iplab.names import ROOT, ns_label
from iplab.records import Record, frozen, mutable
from iplab.rulewords import rule_lines
from iplab.steps import (
    AddrAdd,
    LinkAdd,
    LinkDel,
    LinkSet,
    NetnsAdd,
    NetnsDel,
    NetnsDelAll,
    NetnsExec,
    NetnsExecAll,
    Op,
    Probe,
    Raw,
    RouteAdd,
    Step,
    is_observation,
)
from iplab.wrappers import program_name

__all__ = [
    "ROOT",
    "Link",
    "Namespace",
    "Replayed",
    "Route",
    "State",
    "after",
    "created_names",
    "created_objects",
    "ns_label",
    "replay",
]


@mutable(hot=True)
class Link:
    name: str
    kind: str
    up: bool = False
    master: str | None = None
    #: for a veth: the peer's name and namespace (ROOT for the root namespace)
    peer: str | None = None
    peer_ns: str | None = None
    addresses: list[str] = field(default_factory=list)
    #: None: nobody said (the model only compares what the scenario sets)
    mtu: int | None = None
    #: the link settings ``ip link set`` writes that verify compares, as ip words them:
    #: ``promisc`` and ``arp`` (``on``/``off``), ``txqueuelen`` (a number), ``alias`` (""
    #: none): in the model, those a step set; observed, each (:func:`iplab.model.link_setting`)
    settings: dict[str, str] = field(default_factory=dict)
    # -- only known when observed --
    ifindex: int | None = None
    operstate: str | None = None
    mac: str | None = None
    #: the kind of its root qdisc (``noqueue``, ``netem``, ``tbf``...)
    qdisc: str | None = None
    #: its IPv6 addresses not usable yet, and why: ``tentative`` (Duplicate Address
    #: Detection runs) or ``dadfailed`` (another host holds it), by address (a passing
    #: moment: not in the JSON of a state)
    dad: dict[str, str] = field(default_factory=dict)
    # -- only in the model (not in JSON) --
    #: the model cannot place it: a step used it, nothing the model knows made it
    unknown: bool = False
    #: how many steps of unknown effect came before the one that made it
    epoch: int = 0
    #: model only: its ``keep_addr_on_down`` is set (a sysctl step): going down, it keeps
    #: its static IPv6 addresses
    keeps_addresses: bool = field(default=False, compare=False, repr=False)
    #: model only: the networks of its IPv4 addresses whose prefix route (the kernel's,
    #: proto kernel, see :func:`iplab.model.connected_routes`) a step deleted or replaced
    gone_prefixes: set[str] = field(default_factory=set, compare=False, repr=False)
    #: model only: the network of the other end of each of its point-to-point addresses
    #: (``ip addr add 10.0.0.1 peer 10.0.0.2 dev x``: ``10.0.0.2/32``, which the kernel
    #: routes on the link instead of the address's own prefix), by address
    peer_networks: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    #: model only: the link it sits on (a macvlan's, ipvlan's, vlan's ``link X``, a vxlan's
    #: ``dev X``), wherever either is now: deleting that link deletes this one too
    lower: Link | None = field(default=None, compare=False, repr=False)
    #: model only: the lasting neighbours steps added on it (:mod:`iplab.neighbours`), by
    #: address: (link-layer address, state as ``ip -j`` shows it, how many steps of unknown
    #: effect the model had applied when it was written: one after, not compared)
    neighbours: dict[str, tuple[str, str, int]] = field(
        default_factory=dict, compare=False, repr=False
    )
    #: model only: a bridge that runs STP (``stp_state 1``, ``brctl stp BR on``): a loop
    #: through it is blocked (:mod:`iplab.loops`)
    stp: bool = field(default=False, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "up": self.up}
        for key in ("master", "peer", "peer_ns", "mtu", "ifindex", "operstate", "mac", "qdisc"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["addresses"] = list(self.addresses)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Link:
        return cls(**{**data, "addresses": list(data.get("addresses", []))})


@frozen
class Route(Record):
    to: str
    via: str | None = None
    dev: str | None = None
    #: None: the main table
    table: str | None = None
    metric: str | None = None
    #: 4 or 6: ``default`` of IPv4 and of IPv6 are two routes
    family: int = 4
    #: iproute2's route type (``blackhole``, ``unreachable``, ``prohibit``, ``local``...);
    #: None: unicast
    kind: str | None = None
    #: ``tos``/``dsfield`` as written (None: 0): two routes may differ only in it
    tos: str | None = None

    def __str__(self) -> str:
        text = f"{self.kind} {self.to}" if self.kind else self.to
        if self.tos:
            text += f" tos {self.tos}"
        if self.via:
            text += f" via {self.via}"
        if self.dev:
            text += f" dev {self.dev}"
        if self.table:
            text += f" table {self.table}"
        if self.metric and (self.family, self.metric) != (4, "0"):  # (ip prints no metric 0)
            text += f" metric {self.metric}"
        return text


@mutable(hot=True)
class Namespace:
    name: str
    links: dict[str, Link] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    #: iproute2's id of this namespace as seen from the root namespace (observed only)
    nsid: int | None = None
    #: the model cannot place it (see Link.unknown), and when it was made (Link.epoch)
    unknown: bool = False
    epoch: int = 0
    #: model only: how many ports each bridge has (None: counted when next asked; kept up
    #: to date by the model's ``set master``, so a bridge of N ports costs N, not N^2)
    ports: dict[str, int] | None = field(default=None, compare=False, repr=False)
    #: model only: False once a step the model does not type changed routes here (``ip -n x
    #: route del 10.0.0.0/8``): verify does not compare them
    routes_known: bool = field(default=True, compare=False, repr=False)
    #: model only: ``net.ipv6.conf.all.keep_addr_on_down`` is set here (see Link)
    keeps_addresses: bool = field(default=False, compare=False, repr=False)
    #: model only: a step wrote forwarding entries here (``bridge fdb append ...``), which
    #: verify does not compare: its OK says so
    fdb_written: bool = field(default=False, compare=False, repr=False)
    #: model only: the sysctls steps wrote here that verify reads back (their paths under
    #: /proc/sys, :func:`iplab.sysctl.followed_key`): the value, and how many steps of
    #: unknown effect the model had applied when it was written (one after: not compared)
    sysctls: dict[str, tuple[str, int]] = field(default_factory=dict, compare=False, repr=False)
    #: model only: every sysctl key a step wrote here, or may have (a write the model does
    #: not read: ``| tee``), followed or not (a device's too): its path under /proc/sys
    #: (:func:`iplab.sysctl.key_path`); :data:`iplab.sysctl.ANY_KEY` once a step loaded files here
    #: (``sysctl -p r.conf``: any key). What :mod:`iplab.forwarding` asks
    sysctls_named: set[str] = field(default_factory=set, compare=False, repr=False)
    #: model only: the keys of the root namespace's ``conf/all``, ``conf/default`` and
    #: ``ip_forward`` a step wrote there before this namespace was made (its paths, as
    #: :attr:`sysctls_named`): the kernel copies them into a new namespace, as
    #: ``net.core.devconf_inherit_init_net`` says (:func:`iplab.sysctl.copied_from_root`)
    inherited: set[str] = field(default_factory=set, compare=False, repr=False)
    #: model only: what steps set here that verify does not compare (``link alias``,
    #: ``route src``, ``tc classes and filters``...): its OK says so (:func:`uncompared_settings`)
    uncompared: set[str] = field(default_factory=set, compare=False, repr=False)
    #: model only: the policy rules here by family (4, 6), in the kernel's order: (priority,
    #: attributes, the lab's own, how many steps of unknown effect came before it); a
    #: priority None: the kernel's that the model cannot know; attributes None: a rule it
    #: does not compare (:mod:`iplab.rulewords`); absent: no step touched them
    rules: dict[int, list[tuple[int | None, tuple[tuple[str, str], ...] | None, bool, int]]] = (
        field(default_factory=dict, compare=False, repr=False)
    )


@mutable
class State:
    namespaces: dict[str, Namespace] = field(default_factory=lambda: {ROOT: Namespace(ROOT)})
    #: observed only: namespaces that exist (``ip netns list``) but whose links were not read
    unread: set[str] = field(default_factory=set)
    #: model only: how many steps of unknown effect were applied (a raw command that may
    #: have made, deleted or renamed anything); what existed before the last is uncertain
    opaque: int = 0
    #: model only: where the last of them is (``lab.yaml:333: setup[3].steps[0]``), which
    #: verify names when it skips what existed before it (hunt AM)
    opaque_at: str = field(default="", compare=False)
    #: model only: how many links were made on a lower device (``Link.lower``): none, and
    #: deleting a link deletes no link on it (nothing is looked for: a star of 500)
    stacked: int = field(default=0, compare=False)
    #: observed only: the other names of the root namespace's links (``altname uplink``),
    #: which name them as their names do (hunt AF)
    altnames: set[str] = field(default_factory=set, compare=False)
    #: model only: the links a deletion took along, and how (``(ROOT, "veth0")``: "it went
    #: with its peer np-veth0, deleted with namespace napt0"), which a later step that
    #: names one is told (hunt AW: "no step before makes it", of a link a step made)
    gone: dict[tuple[str, str], str] = field(default_factory=dict, compare=False)
    #: model only: the names the lab's links had when a step moved them out of the root
    #: namespace. Only such a name, held by a link of another namespace, is a link the root
    #: lacks because it moved: any other name a root step gives (``dev lo``, ``dev eth0``)
    #: is the host's, though a namespace of the lab holds one so named (every namespace has
    #: its own lo; a veth renamed eth0 in one) (hunt DB)
    left_root: set[str] = field(default_factory=set, compare=False)
    #: observed only: the root's veths whose peer is in a namespace without a name, by
    #: name: (the root's id of that namespace, the peer's index in it). A live namespace
    #: (a container's) or one deleted a moment ago, which the kernel is destroying:
    #: :func:`iplab.iproute.live_unnamed` tells which (hunt CQ)
    unnamed: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False)

    def certain(self, thing: Link | Namespace | None) -> bool:
        """The model knows ``thing`` for sure (None: knows that it does not exist)."""
        if thing is None:
            return self.opaque == 0
        return not thing.unknown and thing.epoch >= self.opaque

    def has_netns(self, name: str) -> bool:
        return name in self.namespaces or name in self.unread

    def copy(self) -> State:
        return copy.deepcopy(self)

    def ns(self, name: str | None) -> Namespace | None:
        return self.namespaces.get(name or ROOT)

    def link(self, ns: str | None, name: str) -> Link | None:
        space = self.ns(ns)
        return space.links.get(name) if space else None

    def links(self) -> Iterator[tuple[str, Link]]:
        for ns_name, space in self.namespaces.items():
            for link in space.links.values():
                yield ns_name, link

    # -- what the model's rules make (:mod:`iplab.model` makes objects only through these) --

    def add_namespace(self, name: str, unknown: bool = False) -> Namespace:
        """A new namespace holding only ``lo`` (down), made now (or, ``unknown``, by no step
        the model knows)."""
        space = Namespace(
            name, {"lo": Link("lo", "loopback", epoch=self.opaque)}, unknown=unknown,
            epoch=0 if unknown else self.opaque,
        )  # fmt: skip
        self.namespaces[name] = space
        return space

    def new_link(self, name: str, kind: str, **fields: Any) -> Link:
        """A link made now (placed by the caller)."""
        if fields.get("lower") is not None:
            self.stacked += 1
        return Link(name, kind, epoch=self.opaque, **fields)

    @staticmethod
    def new_route(  # noqa: PLR0917 - a route's fields, in Route's order
        to: str, via: str | None, dev: str | None, table: str | None, metric: str | None,
        family: int = 4, *, kind: str | None = None, tos: str | None = None,
    ) -> Route:  # fmt: skip
        return Route(to, via, dev, table, metric, family, kind, tos)

    def to_json(self) -> dict[str, Any]:
        return {
            "namespaces": [
                {
                    "name": space.name or None,
                    **({"nsid": space.nsid} if space.nsid is not None else {}),
                    "links": [link.to_json() for link in space.links.values()],
                    "routes": [
                        {k: v for k, v in vars(r).items() if v is not None} for r in space.routes
                    ],
                }
                for space in self.namespaces.values()
            ]
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        state = cls(namespaces={})
        for item in data["namespaces"]:
            name = item.get("name") or ROOT
            space = Namespace(name, nsid=item.get("nsid"))
            for link in item.get("links", []):
                space.links[link["name"]] = Link.from_json(link)
            space.routes = [Route(**r) for r in item.get("routes", [])]
            state.namespaces[name] = space
        state.namespaces.setdefault(ROOT, Namespace(ROOT))
        return state

    def describe(self) -> list[str]:
        """One line per namespace, for ``iplab check``."""
        lines = []
        for name, space in self.namespaces.items():
            if name == ROOT and not space.links:
                continue
            parts = [_describe_link(link, name) for link in space.links.values()]
            routes = [f"route {r}" for r in space.routes]
            label = "root" if name == ROOT else name
            lines.append(f"{label}: {'; '.join(parts + routes) if parts or routes else '(empty)'}")
        return lines or ["(nothing)"]


def _describe_link(link: Link, here: str) -> str:
    bits = [link.kind, "up" if link.up else "down"]
    if link.unknown:
        # (made by no step it knows, or changed by one it does not follow: ip addr flush
        # dev X scope global leaves what it leaves; hunt O: X was said made by no step)
        bits.insert(0, "not followed by the model: made or changed by a step it cannot read")
    if link.peer:
        where = "" if link.peer_ns == here else f"@{link.peer_ns or 'root'}"
        bits.append(f"peer {link.peer}{where}")
    elif link.peer_ns == "?":  # peers.UNKNOWN_PEER: in a namespace without a name
        bits.append("peer unknown")
    if link.master:
        bits.append(f"master {link.master}")
    if link.mtu is not None:
        bits.append(f"mtu {link.mtu}")
    bits.extend(link.addresses)
    return f"{link.name} ({', '.join(bits)})"


# -- the replay ----------------------------------------------------------------------------------

#: where a bare op comes from (a journal's op has no scenario line)
_NOWHERE = Location("")


@frozen(hot=True)
class Replayed(Record):
    """A step applied to the model: its number (1-based) and what undoes it."""

    step: Step
    number: int
    undo: tuple[Undo, ...]
    #: a ``may_fail`` step the kernel would refuse, and why (the model took it as doing
    #: nothing; the run skips it)
    refused: str | None = None


def replay(
    steps: Iterable[Step | Op], state: State | None = None, judge: Judge | None = None,
    undo: bool = True, keep: bool = False,
) -> Iterator[tuple[Replayed, State]]:  # fmt: skip
    """Apply each step to the model; yield it with its undo (when ``undo``) and the state
    after it (a copy when ``keep``, else the live state, which the next step changes).
    ``judge`` decides what an objection does (default: a certain one raises, an uncertain
    one is a warning). A bare op (a journal's) is a step from nowhere.

    Lazy: a step is applied when the caller asks for it, so that the caller may look at the
    state before it."""
    state = state or State()
    judge = judge or Judge()
    for number, item in enumerate(steps, start=1):
        step = item if isinstance(item, Step) else Step(op=item, loc=_NOWHERE)
        loc = step.loc if step is item else None
        if isinstance(step.op, NetnsDelAll | NetnsExecAll):  # "every namespace": the lab's
            names = tuple(n for n in state.namespaces if n != ROOT)
            step = replace(step, op=replace(step.op, names=names))
        refused = _refused(state, step, loc) if step.may_fail else None
        if refused is not None:
            yield Replayed(step, number, (), refused), (state.copy() if keep else state)
            continue
        undos: list[Undo] = []
        if undo and _needs_undo(step.op):
            # inverse() only reads the state before the op: no copy needed
            undos = inverse(state, step.op)
        adopted = len(judge.adopted)
        apply(state, step.op, loc, judge)
        for ns, what in uncompared_settings(step.op):
            if (space := state.ns(ns)) is not None:
                space.uncompared.add(what)
        if undo:
            undos += _destroy_adopted(judge.adopted[adopted:])
        yield Replayed(step, number, tuple(undos)), (state.copy() if keep else state)


# -- what verify does not compare ----------------------------------------------------------------

#: ``ip link set`` words whose setting verify compares (or that are no setting)
_LINK_COMPARED = frozenset(
    {"state", "up", "down", "netns", "master", "nomaster", "mtu", "name", "address", "type", "dev"}
)
#: ``ip link add`` settings verify compares (and those of :func:`iplab.model.link_setting`)
_ADD_COMPARED = frozenset({"mtu", "address"})
#: ``ip addr add`` words that leave nothing to compare
_ADDR_NOTHING = frozenset({"nodad", "dev"})
#: ``ip route add`` settings verify compares (:mod:`iplab.routes`)
_ROUTE_COMPARED = frozenset({"table", "metric", "priority", "preference", "tos", "dsfield", "type"})
_SAID = {"brd": "broadcast", "txqlen": "txqueuelen", "protocol": "proto", "qlen": "txqueuelen"}
#: a raw command's words -> what it sets that verify does not compare
_RAW_SETS = {
    ("ip", "maddress"): "multicast groups",
    ("tc", "class"): "tc classes",
    ("tc", "filter"): "tc filters",
    ("bridge", "link"): "bridge port settings",
    ("bridge", "vlan"): "bridge vlans",
    ("sysctl", ""): "sysctls",
    ("ethtool", ""): "ethtool settings",
    ("ip", "rule"): "ip rules",
}
#: the packet filters' programs -> what a change through them sets (the model holds no rule)
_FILTERS = {
    **dict.fromkeys(("iptables", "iptables-legacy", "iptables-nft"), "iptables rules"),
    **dict.fromkeys(("ip6tables", "ip6tables-legacy", "ip6tables-nft"), "ip6tables rules"),
    **dict.fromkeys(("iptables-restore", "iptables-legacy-restore"), "iptables rules"),
    **dict.fromkeys(("iptables-nft-restore",), "iptables rules"),
    **dict.fromkeys(("ip6tables-restore", "ip6tables-legacy-restore"), "ip6tables rules"),
    **dict.fromkeys(("ip6tables-nft-restore",), "ip6tables rules"),
    "nft": "nftables rules",
    "ebtables": "ebtables rules",
}
_CHANGES = frozenset({"add", "append", "replace", "change", "set", "prepend"})


def uncompared_settings(op: Op) -> list[tuple[str, str]]:
    """(namespace, what) for each setting ``op`` makes that verify does not compare (hunts
    O, L, K: a link's alias, txqueuelen, arp, promisc, an address's label, broadcast or
    peer, a route's src or proto, a bridge's stp_state, ageing_time..., neighbours,
    multicast groups, sysctls, tc classes and filters changed by hand: verify said OK and
    nothing more). Only the op's words: no state, nothing read."""
    here = op.in_ns() or ROOT
    if isinstance(op, LinkSet):
        keys = [k for k, v in op.attrs if k not in _LINK_COMPARED and not link_setting(k, v)]
        return [(here, f"link {_SAID.get(k, k)}") for k in keys]
    if isinstance(op, LinkAdd):
        keys = [k for k, v in op.settings if k not in _ADD_COMPARED and not _added(k, v)]
        return [(op.netns or here, f"{op.type} {_SAID.get(k, k)}") for k in keys]
    if isinstance(op, AddrAdd):
        keys = [k for k, _ in op.settings if k not in _ADDR_NOTHING]
        return [(here, f"address {_SAID.get(k, k)}") for k in keys]
    if isinstance(op, RouteAdd):
        keys = [k for k, _ in op.settings if k not in _ROUTE_COMPARED]
        return [(here, f"route {_SAID.get(k, k)}") for k in keys]
    if isinstance(op, Raw | NetnsExec) and not is_observation(op):
        return [(ns or here, what) for ns, what in _raw_sets(op.command)]
    return []


def _added(key: str, value: str) -> bool:
    """Whether ``ip link add ... KEY VALUE`` sets what verify compares (an alias: the kernel
    makes the link without it)."""
    setting = link_setting(key, value)
    return setting is not None and setting[0] != "alias"


def _sysctls_unread(command: str) -> str | None:
    """How the sysctls a write sets that verify does not read back are said: None when it
    reads back each (:func:`iplab.sysctl.followed_key`); "other sysctls" beside keys it
    reads back (a device's or the host's: ``net.ipv4.conf.veth0.rp_filter``, ``kernel.*``);
    else "sysctls" (a write it cannot read: ``sysctl -p``, a value it does not know)."""
    from iplab.sysctl import followed_key, sysctl_writes

    followed = [followed_key(key) is not None for key, _ in sysctl_writes(command) or ()]
    if followed and all(followed):
        return None
    return "other sysctls" if any(followed) else "sysctls"


def _raw_sets(command: str) -> list[tuple[str | None, str]]:
    """What the commands of a raw line set that verify does not compare, with the namespace
    their own words name (None: where the line runs)."""
    from iplab.ipwords import verb_of
    from iplab.neighwords import unfollowed
    from iplab.sysctl import loads_files
    from iplab.words import (
        inside_netns,
        ip_netns,
        reads_only,
        shell_script,
        simple_commands,
        unsudoed,
    )

    script = shell_script(command)
    ns0, _ = inside_netns(command.split())
    out: list[tuple[str | None, str]] = []
    if script is not None:
        return [(ns or ns0, what) for ns, what in _raw_sets(script)]
    if "/proc/sys/" in command and ">" in command and (unread := _sysctls_unread(command)):
        out.append((ns0, unread))
    for words in simple_commands(command) or []:
        ns, argv = inside_netns(unsudoed(words))
        program, args = (program_name(argv[0]), argv[1:]) if argv else ("", [])
        if program == "brctl" and args[:1] and args[0].startswith(("set", "stp")):
            out.append((ns, "bridge settings (brctl)"))
            continue
        if program == "arp" and unfollowed(shlex.join(argv)):  # (arp -s ... pub, temp, -f)
            out.append((ns, "neighbours"))
            continue
        if program in ("sysctl", "ethtool"):
            if program == "ethtool" and not (
                args[:1] and args[0][:2] in ("-K", "-s", "-G", "-L", "-A")
            ):
                continue
            if program == "sysctl" and not loads_files(args):  # (a load: what its file says)
                if not any("=" in a for a in args):
                    continue  # (a read)
                if (unread := _sysctls_unread(shlex.join(argv))) is None:
                    continue  # (writes verify reads back)
                out.append((ns, unread))
                continue
            out.append((ns, _RAW_SETS[(program, "")]))
            continue
        if (rules := _FILTERS.get(program.rsplit("/", 1)[-1])) is not None:
            if not reads_only(shlex.join(argv)):  # (hunt V: a mangle rule deleted: OK said)
                out.append((ns, rules))
            continue
        if program not in ("ip", "tc", "bridge"):
            continue
        said = verb_of(program, args)
        where = ns or ip_netns(" ".join(argv))
        if program == "ip" and said.obj == "rule" and not said.shows:
            lines = rule_lines(shlex.join(argv))  # (hunt CV: those it reads are compared)
            if lines is None or any(r.verb == "add" and r.selector is None for r in lines):
                out.append((where, _RAW_SETS[("ip", "rule")]))  # (hunt V: a rule deleted: OK)
            continue
        if (said.verb if program == "ip" else said.word) not in _CHANGES:
            continue
        if program == "tc" and said.obj == "qdisc":
            if "root" not in said.rest or not {"netem", "tbf"} & set(said.rest):
                out.append((where, "tc qdiscs other than a root netem or tbf"))
            continue
        if program == "ip" and said.obj in ("neighbor", "neighbour"):
            if unfollowed(shlex.join(argv)):  # (a lasting entry is compared: neighbours.py)
                out.append((where, "neighbours"))
            continue
        if (what := _RAW_SETS.get((program, said.obj or ""))) is not None:
            out.append((where, what))
    return out


def _refused(state: State, step: Step, loc: Location | None) -> str | None:
    """Why the model objects to a step that may fail (None: it does not), tried on a copy.
    An objection the model is not sure of counts too (``ip link del docker0 || true``
    after a raw step of unknown effect): skipping a step the author let fail is safe,
    running it could reach an object that is not the lab's."""
    judge = Judge()
    try:
        apply(state.copy(), step.op, loc, judge)
    except ModelError as exc:
        return exc.message
    return judge.warnings[0].message if judge.warnings else None


def after(
    steps: Sequence[Step | Op], count: int | None = None, judge: Judge | None = None
) -> State:
    """The model's state after the first ``count`` steps (default: all of them)."""
    state = State()
    for _ in replay(steps[:count], state, judge, undo=False):
        pass
    return state


def _needs_undo(op: Op) -> bool:
    return not is_observation(op) and not isinstance(op, Probe)


def _destroy_adopted(adopted: Sequence[tuple[str, str]]) -> list[Undo]:
    """What a raw step of unknown effect may have made, found when a step uses it: the
    lab's to destroy (a namespace, a link of the root namespace), unless the host had it
    before the lab (``down`` never touches those)."""
    out: list[Undo] = []
    for ns, name in adopted:
        if not name:
            out.append(Undo(NetnsDel(name=ns), Guard("netns", name=ns)))
        elif ns == ROOT:
            out.append(Undo(LinkDel(dev=name), Guard("link", ROOT, name)))
    return out


# -- what ops create -----------------------------------------------------------------------------


def created_objects(ops: Iterable[Op], auto: bool = True) -> tuple[set[str], set[tuple[str, str]]]:
    """(namespace names, (namespace, link name) pairs) of what the ops create: namespaces,
    links (with ``auto``: also those the kernel names, as the model names them), new names
    of renamed links, links a raw command declares. A link's namespace is where it is made
    (ROOT for the root namespace)."""
    netns: set[str] = set()
    links: set[tuple[str, str]] = set()
    ops = list(ops)
    nameless = any(
        isinstance(op, LinkAdd) and (op.name is None or (op.type == "veth" and op.peer is None))
        for op in ops
    )
    state = State() if auto and nameless else None
    # the model names what the kernel would name: each LinkAdd or NetnsAdd is applied after
    # the names of the ops before it are taken (the replay is lazy)
    made = replay(
        (op for op in ops if isinstance(op, LinkAdd | NetnsAdd)), state, Judge(strict=False),
        undo=False,
    )  # fmt: skip
    for op in ops:
        here = op.in_ns() or ROOT
        if isinstance(op, NetnsAdd):
            netns.add(op.name)
        elif isinstance(op, LinkAdd):
            name, peer = op.name, op.peer
            if state is not None and (name is None or (op.type == "veth" and peer is None)):
                name, peer = auto_names(state, op)
            if name is not None:
                links.add((op.netns or here, name))
            if peer is not None:
                links.add((op.peer_netns or here, peer))
        elif isinstance(op, LinkSet):
            target_ref = op.get("netns")
            where = (
                here if target_ref is None else ROOT if target_ref == ROOT_NETNS_REF else target_ref
            )
            if op.get("name") is not None:
                links.add((where, op.get("name") or ""))
            elif target_ref == ROOT_NETNS_REF:
                links.add((ROOT, op.dev))
        elif isinstance(op, Raw | NetnsExec):
            effects = effects_of(op)
            for effect in (effects.creates + effects.renames) if effects else ():
                name = effect.to or effect.name
                if effect.what == "netns":
                    netns.add(name)
                    continue
                links.add((effect.ns or here, name))
                if effect.peer is not None:
                    links.add((effect.peer_ns or effect.ns or here, effect.peer))
        if state is not None and isinstance(op, LinkAdd | NetnsAdd):
            next(made)
    return netns, links


def _nameless(op: Op) -> bool:
    return isinstance(op, LinkAdd) and (op.name is None or (op.type == "veth" and op.peer is None))


def kernel_named(steps: Sequence[Step]) -> dict[int, tuple[str, str | None]]:
    """For each step (by its index) that adds a link whose name, or a veth's peer, the kernel
    chooses (``ip link add type veth``: veth0, veth1), the names the model gives them, in
    the state the steps before it leave (a pair renamed frees its names for the next)."""
    if not any(_nameless(step.op) for step in steps):
        return {}
    out: dict[int, tuple[str, str | None]] = {}
    state = State()
    applied = replay(steps, state, Judge(strict=False), undo=False)
    for k, step in enumerate(steps):
        if isinstance(step.op, LinkAdd) and _nameless(step.op):
            out[k] = auto_names(state, step.op)
        next(applied)
    return out


def created_names(ops: Iterable[Op], auto: bool = True) -> tuple[set[str], set[str]]:
    """(namespace names, link names) that the ops create (see :func:`created_objects`)."""
    netns, links = created_objects(ops, auto)
    return netns, {name for _, name in links}
