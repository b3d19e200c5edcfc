"""The typed vocabulary of a lab: operations, claims, and steps.

An :class:`Op` is one command's meaning plus the spelling the tutorial used
(``del`` or ``delete``, ``peer name`` or ``peer``...). Rendering turns an Op
into exact text through a template; the model turns it into a state change.
A :class:`Step` wraps an Op with what the scenario says about it: title,
prose, sudo, where it was written, and the claims to check after it.

Fields naming kernel objects carry ``metadata={"ref": "link"|"netns"}`` so
that planning (the ``--prefix`` rename) can treat every op the same way.

Why this module is long: the typed vocabulary: one dataclass per op and per claim, and their
serialisation for the journal; a table read by reference.
"""

from __future__ import annotations

import dataclasses
import functools
import getopt
from dataclasses import field
from typing import Any, ClassVar, Literal

from iplab.errors import Location
from iplab.names import ip_problem, link_name_problem
from iplab.records import Record, frozen

NsForm = Literal["exec", "-n"]


LINK: dict[str, str] = {"ref": "link"}
NETNS: dict[str, str] = {"ref": "netns"}
LINKS: dict[str, str] = {"ref": "links"}


@frozen(kw_only=True)
class Op(Record):
    """One command's meaning and spelling. Subclasses set the class attributes."""

    action: ClassVar[str]
    template: ClassVar[str]
    #: the author's exact line when the op was read from it by the grammar (``line:`` in a
    #: scenario): rendering prints it (``line.j2``); the other fields say what it does
    text: str | None = field(default=None, kw_only=True, compare=True)
    #: reads and shows state, changes nothing (shown to the user under the command)
    observe: ClassVar[bool] = False
    #: needs root (or sudo) to run
    privileged: ClassVar[bool] = True

    def context(self) -> dict[str, Any]:
        """The template variables: every field, by name. ``dev_kw`` is set for a device ip
        reads as a keyword on its own (a link made ``name a``: ``ip link del a`` is
        "address" without its value, hunt O)."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        if "dev_kw" in out and isinstance(dev := out.get("dev"), str):
            out["dev_kw"] = out["dev_kw"] or link_name_problem(dev) is not None
        return out

    def refs(self) -> list[tuple[str, str]]:
        """(kind, name) of each kernel object this op names, kind is link or netns."""
        out: list[tuple[str, str]] = []
        for f in dataclasses.fields(self):
            kind = f.metadata.get("ref")
            value = getattr(self, f.name)
            if kind in ("link", "netns") and value is not None:
                out.append((kind, value))
            elif kind == "links":
                out.extend(("link", v) for v in value)
            elif kind == "effects":
                for effect in value:
                    out.extend(effect.refs())
        return out

    def in_ns(self) -> str | None:
        """The namespace the command runs in (None: the root namespace)."""
        return None


@frozen(kw_only=True)
class IpOp(Op):
    """An ``ip`` command that may run inside a namespace (``netns exec`` or ``-n``)."""

    ns: str | None = field(default=None, metadata=NETNS)
    ns_form: NsForm = "exec"
    #: global options before the object, e.g. ("-d", "-j"), kept as written
    options: tuple[str, ...] = ()

    def in_ns(self) -> str | None:
        return self.ns


# -- declared effects of commands the model cannot read --------------------------------------

EffectKind = Literal["netns", "link"]


@frozen(kw_only=True)
class Effect(Record):
    """One object a raw command creates, deletes or renames (``creates:`` ...).

    ``ns`` is where a link is (None: where the command runs); ``to`` is the new name
    of a rename; ``kind`` a link's kind (veth, bridge...), ``peer``/``peer_ns`` a veth's
    other end; ``lower`` the link it sits on, where the command runs (``link X`` of a
    macvlan, ipvlan or vlan, ``dev X`` of a vxlan): read from the command's words, never
    written in a scenario (the kernel deletes the link with it); so are ``settings`` and
    ``peer_settings``, what ``ip link add`` sets that verify compares (``("mtu", "1450")``,
    ``("address", MAC)``) of the link and of a veth's peer.
    """

    what: EffectKind
    name: str
    ns: str | None = None
    kind: str | None = None
    peer: str | None = None
    peer_ns: str | None = None
    to: str | None = None
    lower: str | None = field(default=None, compare=False)
    settings: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    peer_settings: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def refs(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = [(self.what, self.name)]
        if self.to is not None:
            out.append((self.what, self.to))
        out.extend(("netns", n) for n in (self.ns, self.peer_ns) if n is not None)
        if self.peer is not None:
            out.append(("link", self.peer))
        return out

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v not in (None, ())}


EFFECTS: dict[str, str] = {"ref": "effects"}


@frozen(kw_only=True)
class Declares(Record):
    """What a command kept verbatim says it does to links and namespaces.

    ``declared`` is False when the scenario says nothing (the model then cannot know
    what the command did, unless it knows the program changes no names).
    """

    creates: tuple[Effect, ...] = field(default=(), metadata=EFFECTS)
    deletes: tuple[Effect, ...] = field(default=(), metadata=EFFECTS)
    renames: tuple[Effect, ...] = field(default=(), metadata=EFFECTS)
    declared: bool = False


# -- namespaces ---------------------------------------------------------------------------


@frozen(kw_only=True)
class NetnsAdd(Op):
    action = "netns add"
    template = "netns-add.j2"
    name: str = field(metadata=NETNS)


@frozen(kw_only=True)
class NetnsDel(Op):
    action = "netns del"
    template = "netns-del.j2"
    name: str = field(metadata=NETNS)
    verb: Literal["del", "delete"] = "del"


@frozen(kw_only=True)
class NetnsDelAll(Op):
    """``ip -all netns delete``: a tutorial's "delete every namespace", scoped to the lab.

    Run as written it would delete every namespace of the host, other labs' included.
    iplab deletes the namespaces the model holds at this step (``names``, filled in by
    :func:`iplab.state.replay`): the line prints as written, and what runs is one
    ``ip -force -batch -`` fed ``netns del NAME`` for each of them.
    """

    action = "netns del all"
    template = "netns-del-all.j2"
    verb: Literal["del", "delete"] = "delete"
    #: the lab's namespaces at this step (the model's), in the order they were made
    names: tuple[str, ...] = ()

    def refs(self) -> list[tuple[str, str]]:
        return [("netns", name) for name in self.names]


@frozen(kw_only=True)
class NetnsExecAll(Op):
    """``ip -all netns exec CMD`` with a CMD that only reads: scoped to the lab.

    Run as written it would run CMD in every namespace of the host, other labs' included
    (a ping, a tcpdump in theirs). iplab runs CMD in the namespaces the model holds at this
    step (``names``, filled in by :func:`iplab.state.replay`) that the lab made, each
    headed ``netns: NAME`` as ip heads them: the line prints as written. A CMD that changes
    something stays a raw step, which the model refuses (hunt O).
    """

    action = "netns exec all"
    template = "netns-exec-all.j2"
    observe = True
    command: str
    #: the lab's namespaces at this step (the model's), in the order they were made
    names: tuple[str, ...] = ()

    def refs(self) -> list[tuple[str, str]]:
        return [("netns", name) for name in self.names]


@frozen(kw_only=True)
class NetnsList(Op):
    action = "netns list"
    template = "netns-list.j2"
    observe = True
    privileged = False
    options: tuple[str, ...] = ()
    verb: Literal["list", "show", ""] = "list"


@frozen(kw_only=True)
class NetnsExec(Declares, Op):
    """A command other than ``ip`` run inside a namespace, kept verbatim."""

    action = "netns exec"
    template = "netns-exec.j2"
    ns: str = field(metadata=NETNS)
    command: str
    undo: str | None = None
    observes: bool = False

    def in_ns(self) -> str | None:
        return self.ns


# -- links --------------------------------------------------------------------------------

LinkKind = Literal["veth", "bridge", "dummy"]


@frozen(kw_only=True)
class LinkAdd(IpOp):
    action = "link add"
    template = "link-add.j2"
    #: None: the kernel names it (``ip link add type veth``: veth0, veth1...)
    name: str | None = field(metadata=LINK)
    type: LinkKind
    peer: str | None = field(default=None, metadata=LINK)
    #: create this end directly inside a namespace (``ip link add X netns NS type veth ...``)
    netns: str | None = field(default=None, metadata=NETNS)
    #: create the peer end inside a namespace (``... peer name Y netns NS``)
    peer_netns: str | None = field(default=None, metadata=NETNS)
    #: created administratively up (``ip link add X ... up type veth``)
    up: bool = False
    master: str | None = field(default=None, metadata=LINK)
    #: spelling: ``ip link add name X`` (True) or ``ip link add X`` (False)
    name_kw: bool = False
    #: spelling: ``peer name Y`` (True) or ``peer Y`` (False)
    peer_name_kw: bool = True
    #: other settings read from a line, as written: ("mtu", "1400"), ("vlan_filtering", "1")
    settings: tuple[tuple[str, str], ...] = ()


#: one attribute of ``ip link set``: ("state", "up"), ("netns", NS), ("master", BR),
#: ("nomaster", None), ("mtu", "1400"); kept in the order the tutorial wrote them.
#: Lines read by the grammar may also carry ("name", NEW) (a rename), ("address", MAC),
#: ("type", "bridge") and a bridge's settings (("stp_state", "1")...), and flags
#: (("promisc", "on")...), which the model keeps but does not follow
LinkAttr = tuple[str, str | None]
LINK_SET_ATTRS = ("state", "netns", "master", "nomaster", "mtu")


@frozen(kw_only=True)
class LinkSet(IpOp):
    action = "link set"
    template = "link-set.j2"
    dev: str = field(metadata=LINK)
    attrs: tuple[LinkAttr, ...]
    #: spelling: ``ip link set dev X`` (True) or ``ip link set X`` (False)
    dev_kw: bool = False

    def get(self, attr: str) -> str | None:
        for key, value in self.attrs:
            if key == attr:
                return value
        return None

    def has(self, attr: str) -> bool:
        return any(key == attr for key, _ in self.attrs)

    def refs(self) -> list[tuple[str, str]]:
        out = super().refs()
        for key, value in self.attrs:
            if key == "netns" and value is not None and not value.isdigit():
                out.append(("netns", value))
            elif key in ("master", "name") and value is not None:
                out.append(("link", value))
        return out


@frozen(kw_only=True)
class LinkDel(IpOp):
    action = "link del"
    template = "link-del.j2"
    dev: str = field(metadata=LINK)
    verb: Literal["del", "delete"] = "del"
    dev_kw: bool = False
    #: ``ip link del v0 type veth peer name v1``: ip looks v1 up in the namespace (no such
    #: link: the line fails) and deletes v0, and its peer with it (hunt EP)
    peer: str | None = field(default=None, metadata=LINK)


@frozen(kw_only=True)
class LinkShow(IpOp):
    action = "link show"
    template = "link-show.j2"
    observe = True
    privileged = False
    dev: str | None = field(default=None, metadata=LINK)
    master: str | None = field(default=None, metadata=LINK)
    #: spelling: ``ip link show`` (True) or ``ip link`` (False)
    show_kw: bool = False
    #: spelling of the object word: ``link`` or ``l``
    word: Literal["link", "l"] = "link"
    #: spelling: ``ip link show dev X`` (True) or ``ip link show X`` (False)
    dev_kw: bool = False


# -- addresses and routes -------------------------------------------------------------


@frozen(kw_only=True)
class AddrAdd(IpOp):
    action = "addr add"
    template = "addr-add.j2"
    address: str
    dev: str = field(metadata=LINK)
    word: Literal["addr", "address", "a"] = "addr"
    #: read from a line: ("broadcast", "+"), ("label", "v1:0"), ("scope", "link")...
    settings: tuple[tuple[str, str | None], ...] = ()
    #: ``replace`` and ``change`` (read from a line): add the address, or update it when the
    #: link has it already (the kernel creates it either way: NLM_F_REPLACE, not EXCL)
    verb: Literal["add", "replace", "change"] = "add"


@frozen(kw_only=True)
class AddrDel(IpOp):
    action = "addr del"
    template = "addr-del.j2"
    address: str
    dev: str = field(metadata=LINK)
    word: Literal["addr", "address", "a"] = "addr"
    #: read from a line: ("broadcast", "+"), ("label", "v1:0"), ("scope", "link")...
    settings: tuple[tuple[str, str | None], ...] = ()
    verb: Literal["del", "delete"] = "del"


@frozen(kw_only=True)
class AddrFlush(IpOp):
    """``ip addr flush dev X [to PREFIX] [scope S] [label L]...``, read from a line (its text
    prints): the addresses of X the selectors pick go."""

    action = "addr flush"
    template = "line.j2"
    dev: str = field(metadata=LINK)
    #: 4 or 6 (``-4``, ``-6``, ``-f inet6``, the family of ``to``); None: every family
    family: int | None = None
    #: ``to PREFIX``: only the addresses inside it
    to: str | None = None
    #: the other selectors as written (``scope global``, ``label k0:*``, ``permanent``): the
    #: model cannot tell which of its addresses they pick
    selectors: tuple[tuple[str, str | None], ...] = ()


@frozen(kw_only=True)
class AddrShow(IpOp):
    action = "addr show"
    template = "addr-show.j2"
    observe = True
    privileged = False
    dev: str | None = field(default=None, metadata=LINK)
    word: Literal["addr", "address", "a"] = "addr"
    show_kw: bool = False
    dev_kw: bool = False


@frozen(kw_only=True)
class RouteAdd(IpOp):
    action = "route add"
    template = "route-add.j2"
    to: str = "default"
    via: str | None = None
    dev: str | None = field(default=None, metadata=LINK)
    word: Literal["route", "r"] = "route"
    #: read from a line: ("src", IP), ("metric", "100"), ("table", "10"), ("onlink", None)...
    settings: tuple[tuple[str, str | None], ...] = ()

    def setting(self, key: str) -> str | None:
        return next((v for k, v in self.settings if k == key), None)

    def has(self, key: str) -> bool:
        return any(k == key for k, _ in self.settings)

    #: ``replace`` (add, or take the place of the same route), ``change`` (the same route
    #: must exist), ``append``/``prepend`` (beside the same prefix)
    verb: Literal["add", "replace", "change", "append", "prepend"] = "add"


@frozen(kw_only=True)
class RouteDel(IpOp):
    action = "route del"
    template = "route-del.j2"
    to: str = "default"
    via: str | None = None
    dev: str | None = field(default=None, metadata=LINK)
    word: Literal["route", "r"] = "route"
    #: read from a line: ("src", IP), ("metric", "100"), ("table", "10"), ("onlink", None)...
    settings: tuple[tuple[str, str | None], ...] = ()

    def setting(self, key: str) -> str | None:
        return next((v for k, v in self.settings if k == key), None)

    def has(self, key: str) -> bool:
        return any(k == key for k, _ in self.settings)

    verb: Literal["del", "delete"] = "del"


@frozen(kw_only=True)
class RouteFlush(IpOp):
    """``ip [-6] -n NS route flush table T [SELECTOR...]``, read from a line (its text prints):
    the routes of table T (main when not said) of one family go."""

    action = "route flush"
    template = "line.j2"
    #: as written (None: main)
    table: str | None = None
    #: 4 unless ``-6`` (ip flushes IPv4 when no family is said); 0: both, as ip flushes
    #: them when neither a family nor one table is said (``ip route flush table all``)
    family: int = 4
    #: the other selectors as written (``dev X``, ``proto static``, ``10.0.0.0/8``): the
    #: model cannot tell which of its routes they pick
    selectors: tuple[str, ...] = ()


@frozen(kw_only=True)
class RouteShow(IpOp):
    action = "route show"
    template = "route-show.j2"
    observe = True
    privileged = False
    word: Literal["route", "r"] = "route"
    show_kw: bool = False


# -- bridges (bridge-utils and iproute2's bridge tool) ------------------------------------


@frozen(kw_only=True)
class BridgePortsSet(IpOp):
    """``brctl addif BR IF...`` / ``brctl delif BR IF...``: ports join or leave a bridge."""

    action = "bridge ports"
    template = "bridge-ports.j2"
    bridge: str = field(metadata=LINK)
    ports: tuple[str, ...] = field(metadata=LINKS)
    verb: Literal["addif", "delif"] = "addif"


@frozen(kw_only=True)
class BridgeVlan(IpOp):
    """``bridge vlan add|del dev DEV vid VID [pvid] [untagged] [self] [master]``."""

    action = "bridge vlan"
    template = "bridge-vlan.j2"
    dev: str = field(metadata=LINK)
    vid: str
    verb: Literal["add", "del"] = "add"
    #: flags as written: ("pvid", "untagged", "self", "master")
    flags: tuple[str, ...] = ()


@frozen(kw_only=True)
class Show(IpOp):
    """A line that only shows state (``ip -br a``, ``ip n``, ``bridge fdb show``,
    ``brctl show``), read by the grammar and kept as written."""

    action = "show"
    template = "line.j2"
    observe = True
    privileged = False
    dev: str | None = field(default=None, metadata=LINK)


# -- probes and raw commands ------------------------------------------------------------


@frozen(kw_only=True)
class Probe(Op):
    """``ip netns exec NS ping -c COUNT [-W WAIT] TARGET`` with an expected outcome."""

    action = "probe"
    template = "probe.j2"
    observe = True
    ns: str = field(metadata=NETNS)
    target: str
    #: None: no ``-c`` (``ping 10.0.0.2``, whose output a page shows ending in ``^C``): ping
    #: runs until its step's ``stop_after`` stops it, as the author's Ctrl-C did, and exits
    #: 0 when any reply came (hunt BL: it was a step kept as written, and judged nothing)
    count: int | None = 1
    wait: int | None = None
    reachable: bool = True
    #: spelling: ``ping``, ``ping -6`` or ``ping6`` (an IPv6 tutorial's)
    ping: Literal["ping", "ping -6", "ping6"] = "ping"
    #: ping's options as written, between the program and the target, when not in iplab's
    #: order (``-c 3 -6``, ``-c2``): count, wait and ``-6`` are what they say
    options: str | None = None

    def in_ns(self) -> str | None:
        return self.ns


def ping_options(words: list[str]) -> tuple[int | None, int | None, int | None]:
    """Count, wait and the address family (``-4``: 4, ``-6``: 6, neither: None) of ping's
    options (any order, ``-c3`` or ``-c 3``, as ping's getopt reads them; the last of one
    option counts). Only ``-c``, ``-W``, ``-4`` or ``-6`` (hunt BF: ``ping -4 -c 1
    10.0.0.2`` was no probe), ``-I ADDRESS`` (the source address: hunt V, ``ping -6 -c 2 -I
    2001:db8:aaaa::1 2001:db8:ffff::2`` was no probe) and ``-i INTERVAL`` (hunt BL: ``ping
    -i 0.2 -c 5``) make a probe: ValueError for any other, both -4 and -6, an interface
    after ``-I``, or a number out of range. No ``-c``: the count is None (ping runs until
    it is stopped: a probe so needs its step's ``stop_after``)."""
    try:
        found, rest = getopt.gnu_getopt(words, "46c:W:I:i:")
    except getopt.GetoptError as exc:
        raise ValueError(str(exc)) from None
    if rest:
        raise ValueError(f"not an option: {rest[0]}")
    given = dict(found)
    if "-I" in given and (problem := ip_problem(given["-I"])):
        raise ValueError(f"-I: {problem}")
    if "-i" in given and not _interval(given["-i"]):
        raise ValueError(f"-i {given['-i']}: not a number of seconds from 0.01 to 60")
    count = _bounded(given["-c"], 1, 100) if "-c" in given else None
    wait = _bounded(given["-W"], 1, 60) if "-W" in given else None
    if "-4" in given and "-6" in given:
        raise ValueError("-4 and -6 both")  # (ping: "only one -4 or -6 option may be specified")
    return count, wait, 4 if "-4" in given else 6 if "-6" in given else None


def _interval(word: str) -> bool:
    """``ping -i``'s interval a probe runs: a decimal number of seconds, 0.01 (root's
    ``-i 0.01``) to 60."""
    digits = word.replace(".", "", 1)
    return digits.isdigit() and digits.isascii() and 0.01 <= float(word) <= 60


def _bounded(word: str, lo: int, hi: int) -> int:
    if not word.isdigit() or not lo <= int(word) <= hi:
        raise ValueError(f"{word}: not a whole number from {lo} to {hi}")
    return int(word)


@frozen(kw_only=True)
class Raw(Declares, Op):
    """Any other command, kept verbatim; it may declare the command that undoes it."""

    action = "raw"
    template = "raw.j2"
    command: str
    undo: str | None = None
    observes: bool = False
    #: run through ``bash -c`` (needed for pipes, redirections, variables)
    shell: bool = False
    #: the shell variables the command sets (``MAC=$(ip -n a cat ...)``): their values, read
    #: when it has run, are set for every later shell step of the run, as one shell would
    #: keep them (see :func:`iplab.render.reporting` and ``Session``)
    sets: tuple[str, ...] = ()


OP_TYPES: tuple[type[Op], ...] = (
    NetnsAdd, NetnsDel, NetnsDelAll, NetnsExecAll, NetnsList, NetnsExec,
    LinkAdd, LinkSet, LinkDel, LinkShow,
    AddrAdd, AddrDel, AddrFlush, AddrShow, RouteAdd, RouteDel, RouteFlush, RouteShow,
    BridgePortsSet, BridgeVlan, Show, Probe, Raw,
)  # fmt: skip
OPS_BY_ACTION: dict[str, type[Op]] = {cls.action: cls for cls in OP_TYPES}


def is_observation(op: Op) -> bool:
    """True when the op only reads state (including raw steps declared as observations)."""
    if isinstance(op, Raw | NetnsExec):
        return op.observes
    return op.observe


def needs_privilege(op: Op) -> bool:
    """Root is needed to change state, and to enter a namespace."""
    if isinstance(op, IpOp) and op.ns is not None:
        return True
    if isinstance(op, Raw):
        return not op.observes
    return op.privileged


# -- claims ----------------------------------------------------------------------------------


@frozen(kw_only=True)
class Claim(Record):
    """Something the scenario says holds after a step; checked against a state."""

    loc: Location

    def describe(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError


def _where(ns: str | None) -> str:
    return "the root namespace" if ns is None else ns


@frozen(kw_only=True)
class LinksExactly(Claim):
    """The namespace holds exactly these links (only for namespaces the lab made)."""

    ns: str = field(metadata=NETNS)
    links: tuple[str, ...] = field(metadata=LINKS)

    def describe(self) -> str:
        return f"{self.ns} holds only {', '.join(self.links) or 'nothing'}"


@frozen(kw_only=True)
class LinksPresent(Claim):
    ns: str | None = field(default=None, metadata=NETNS)
    links: tuple[str, ...] = field(metadata=LINKS)

    def describe(self) -> str:
        return f"{_where(self.ns)} sees {', '.join(self.links)}"


@frozen(kw_only=True)
class LinksAbsent(Claim):
    ns: str | None = field(default=None, metadata=NETNS)
    links: tuple[str, ...] = field(metadata=LINKS)

    def describe(self) -> str:
        return f"{_where(self.ns)} does not see {', '.join(self.links)}"


@frozen(kw_only=True)
class BridgePorts(Claim):
    ns: str | None = field(default=None, metadata=NETNS)
    bridge: str = field(metadata=LINK)
    ports: tuple[str, ...] = field(metadata=LINKS)

    def describe(self) -> str:
        return f"{self.bridge} has ports {', '.join(self.ports) or 'none'}"


@frozen(kw_only=True)
class LinkFields(Claim):
    """Fields of one link: any of up, master, peer, addresses (None: not claimed)."""

    ns: str | None = field(default=None, metadata=NETNS)
    link: str = field(metadata=LINK)
    up: bool | None = None
    master: str | None = field(default=None, metadata=LINK)
    nomaster: bool = False
    peer: str | None = field(default=None, metadata=LINK)
    addresses: tuple[str, ...] | None = None

    def describe(self) -> str:
        parts = []
        if self.up is not None:
            parts.append("up" if self.up else "down")
        if self.master is not None:
            parts.append(f"master {self.master}")
        if self.nomaster:
            parts.append("no master")
        if self.peer is not None:
            parts.append(f"peer {self.peer}")
        if self.addresses is not None:
            parts.append(f"addresses {', '.join(self.addresses) or 'none'}")
        return f"{self.link} in {_where(self.ns)}: {', '.join(parts)}"


@frozen(kw_only=True)
class NetnsPresent(Claim):
    """These namespaces exist (what ``ip netns list`` shows)."""

    namespaces: tuple[str, ...] = field(metadata={"ref": "netns_list"})

    def describe(self) -> str:
        return f"namespaces {', '.join(self.namespaces)} exist"


@frozen(kw_only=True)
class NothingLeft(Claim):
    """No namespace and no link the lab created remains."""

    def describe(self) -> str:
        return "nothing of the lab remains"


# -- steps -----------------------------------------------------------------------------------

Phase = Literal["setup", "teardown"]


#: a shell variable's value: a string, or an array's elements by subscript
ShellValue = str | tuple[tuple[str, str], ...]


@frozen(kw_only=True, hot=True)
class Step(Record):
    op: Op
    loc: Location
    phase: Phase = "setup"
    title: str | None = None
    prose: str | None = None
    #: the text the tutorial printed under the command (shown in markdown exports only)
    output: str | None = None
    #: None: decided by the scenario's sudo policy
    sudo: bool | None = None
    expect: tuple[Claim, ...] = ()
    #: the author's text of a shell block (a loop, a ``bash -c`` line), printed instead of this
    #: step's command; the block's later steps have ``joined`` and print nothing
    verbatim: str | None = None
    joined: bool = False
    #: a hard time limit in seconds (None: the default, or --timeout)
    timeout: float | None = None
    #: send SIGINT after this many seconds (an author's Ctrl-C); ending so is a success
    stop_after: float | None = None
    #: the author's ``|| true``: a failure is said and the run goes on. A step the model says
    #: the kernel would refuse (``ip link del br0`` before br0 exists: "start clean") is not
    #: run at all: it could only reach what is not the lab's
    may_fail: bool = False
    #: a server the tutorial runs "in another terminal" (``iperf3 -s``, ``nc -l 9000``):
    #: printed as written, run as a job in the background (see Session._run), which the
    #: steps after it reach, and undo stops
    background: bool = False
    #: the input's shell variables a shell block's text uses, with the values it had set
    #: them to there (a printed script sets them first); a value is a string, or an array's
    #: elements by subscript
    variables: tuple[tuple[str, ShellValue], ...] = ()
    #: False: the block's text does not run by itself in a bash script (typed at the shell
    #: an earlier line opened, half of a ``case``): a printed script runs its steps' commands
    standalone: bool = True


# -- serialisation (journal records) -------------------------------------------------------------


def _to_json(value: Any) -> Any:
    if isinstance(value, Effect):
        return value.to_json()
    if isinstance(value, tuple):
        return [_to_json(v) for v in value]
    return value


@functools.cache
def _json_fields(cls: type) -> tuple[tuple[str, Any], ...]:
    """(name, default) of each field of an op class (a field with no default: MISSING)."""
    return tuple((f.name, f.default) for f in dataclasses.fields(cls))


def op_to_json(op: Op) -> dict[str, Any]:
    """An op as plain JSON: its action and the fields that differ from the defaults."""
    out: dict[str, Any] = {"action": op.action}
    cls: type = type(op)  # (as a plain type: functools.cache wants it hashable)
    for name, default in _json_fields(cls):
        value = getattr(op, name)
        if default is not dataclasses.MISSING and value == default:
            continue
        out[name] = _to_json(value)
    return out


def _from_json(key: str, value: Any) -> Any:
    if key in ("creates", "deletes", "renames"):
        return tuple(Effect(**{k: _from_json(k, v) for k, v in item.items()}) for item in value)
    if isinstance(value, list):
        return tuple(tuple(v) if isinstance(v, list) else v for v in value)
    return value


def op_from_json(data: dict[str, Any]) -> Op:
    cls = OPS_BY_ACTION[data["action"]]
    kwargs = {k: _from_json(k, v) for k, v in data.items() if k != "action"}
    return cls(**kwargs)
