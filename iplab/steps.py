"""The typed vocabulary of a lab: operations, claims, and steps.

An :class:`Op` is one command's meaning plus the spelling the tutorial used
(``del`` or ``delete``, ``peer name`` or ``peer``...). Rendering turns an Op
into exact text through a template; the model turns it into a state change.
A :class:`Step` wraps an Op with what the scenario says about it: title,
prose, sudo, where it was written, and the claims to check after it.

Fields naming kernel objects carry ``metadata={"ref": "link"|"netns"}`` so
that planning (the ``--prefix`` rename) can treat every op the same way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from iplab.errors import Location

NsForm = Literal["exec", "-n"]
LINK: dict[str, str] = {"ref": "link"}
NETNS: dict[str, str] = {"ref": "netns"}
LINKS: dict[str, str] = {"ref": "links"}


@dataclass(frozen=True, kw_only=True)
class Op:
    """One command's meaning and spelling. Subclasses set the class attributes."""

    action: ClassVar[str]
    template: ClassVar[str]
    #: reads and shows state, changes nothing (shown to the user under the command)
    observe: ClassVar[bool] = False
    #: needs root (or sudo) to run
    privileged: ClassVar[bool] = True

    def context(self) -> dict[str, Any]:
        """The template variables: every field, by name."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

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
        return out

    def in_ns(self) -> str | None:
        """The namespace the command runs in (None: the root namespace)."""
        return None


@dataclass(frozen=True, kw_only=True)
class IpOp(Op):
    """An ``ip`` command that may run inside a namespace (``netns exec`` or ``-n``)."""

    ns: str | None = field(default=None, metadata=NETNS)
    ns_form: NsForm = "exec"
    #: global options before the object, e.g. ("-d", "-j"), kept as written
    options: tuple[str, ...] = ()

    def in_ns(self) -> str | None:
        return self.ns


# -- namespaces ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class NetnsAdd(Op):
    action = "netns add"
    template = "netns-add.j2"
    name: str = field(metadata=NETNS)


@dataclass(frozen=True, kw_only=True)
class NetnsDel(Op):
    action = "netns del"
    template = "netns-del.j2"
    name: str = field(metadata=NETNS)
    verb: Literal["del", "delete"] = "del"


@dataclass(frozen=True, kw_only=True)
class NetnsList(Op):
    action = "netns list"
    template = "netns-list.j2"
    observe = True
    privileged = False
    options: tuple[str, ...] = ()
    verb: Literal["list", "show", ""] = "list"


@dataclass(frozen=True, kw_only=True)
class NetnsExec(Op):
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


@dataclass(frozen=True, kw_only=True)
class LinkAdd(IpOp):
    action = "link add"
    template = "link-add.j2"
    name: str = field(metadata=LINK)
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


#: one attribute of ``ip link set``: ("state", "up"), ("netns", NS), ("master", BR),
#: ("nomaster", None), ("mtu", "1400"); kept in the order the tutorial wrote them
LinkAttr = tuple[str, str | None]
LINK_SET_ATTRS = ("state", "netns", "master", "nomaster", "mtu")


@dataclass(frozen=True, kw_only=True)
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
            elif key == "master" and value is not None:
                out.append(("link", value))
        return out


@dataclass(frozen=True, kw_only=True)
class LinkDel(IpOp):
    action = "link del"
    template = "link-del.j2"
    dev: str = field(metadata=LINK)
    verb: Literal["del", "delete"] = "del"
    dev_kw: bool = False


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
class AddrAdd(IpOp):
    action = "addr add"
    template = "addr-add.j2"
    address: str
    dev: str = field(metadata=LINK)
    word: Literal["addr", "address", "a"] = "addr"


@dataclass(frozen=True, kw_only=True)
class AddrDel(IpOp):
    action = "addr del"
    template = "addr-del.j2"
    address: str
    dev: str = field(metadata=LINK)
    word: Literal["addr", "address", "a"] = "addr"
    verb: Literal["del", "delete"] = "del"


@dataclass(frozen=True, kw_only=True)
class AddrShow(IpOp):
    action = "addr show"
    template = "addr-show.j2"
    observe = True
    privileged = False
    dev: str | None = field(default=None, metadata=LINK)
    word: Literal["addr", "address", "a"] = "addr"
    show_kw: bool = False
    dev_kw: bool = False


@dataclass(frozen=True, kw_only=True)
class RouteAdd(IpOp):
    action = "route add"
    template = "route-add.j2"
    to: str = "default"
    via: str | None = None
    dev: str | None = field(default=None, metadata=LINK)
    word: Literal["route", "r"] = "route"


@dataclass(frozen=True, kw_only=True)
class RouteDel(IpOp):
    action = "route del"
    template = "route-del.j2"
    to: str = "default"
    via: str | None = None
    dev: str | None = field(default=None, metadata=LINK)
    word: Literal["route", "r"] = "route"
    verb: Literal["del", "delete"] = "del"


@dataclass(frozen=True, kw_only=True)
class RouteShow(IpOp):
    action = "route show"
    template = "route-show.j2"
    observe = True
    privileged = False
    word: Literal["route", "r"] = "route"
    show_kw: bool = False


# -- probes and raw commands ------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Probe(Op):
    """``ip netns exec NS ping -c COUNT [-W WAIT] TARGET`` with an expected outcome."""

    action = "probe"
    template = "probe.j2"
    observe = True
    ns: str = field(metadata=NETNS)
    target: str
    count: int = 1
    wait: int | None = None
    reachable: bool = True

    def in_ns(self) -> str | None:
        return self.ns


@dataclass(frozen=True, kw_only=True)
class Raw(Op):
    """Any other command, kept verbatim; it may declare the command that undoes it."""

    action = "raw"
    template = "raw.j2"
    command: str
    undo: str | None = None
    observes: bool = False
    #: run through ``bash -c`` (needed for pipes, redirections, variables)
    shell: bool = False


OP_TYPES: tuple[type[Op], ...] = (
    NetnsAdd, NetnsDel, NetnsList, NetnsExec,
    LinkAdd, LinkSet, LinkDel, LinkShow,
    AddrAdd, AddrDel, AddrShow, RouteAdd, RouteDel, RouteShow,
    Probe, Raw,
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


@dataclass(frozen=True, kw_only=True)
class Claim:
    """Something the scenario says holds after a step; checked against a state."""

    loc: Location

    def describe(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError


def _where(ns: str | None) -> str:
    return "the root namespace" if ns is None else ns


@dataclass(frozen=True, kw_only=True)
class LinksExactly(Claim):
    """The namespace holds exactly these links (only for namespaces the lab made)."""

    ns: str = field(metadata=NETNS)
    links: tuple[str, ...] = field(metadata=LINKS)

    def describe(self) -> str:
        return f"{self.ns} holds only {', '.join(self.links) or 'nothing'}"


@dataclass(frozen=True, kw_only=True)
class LinksPresent(Claim):
    ns: str | None = field(default=None, metadata=NETNS)
    links: tuple[str, ...] = field(metadata=LINKS)

    def describe(self) -> str:
        return f"{_where(self.ns)} sees {', '.join(self.links)}"


@dataclass(frozen=True, kw_only=True)
class LinksAbsent(Claim):
    ns: str | None = field(default=None, metadata=NETNS)
    links: tuple[str, ...] = field(metadata=LINKS)

    def describe(self) -> str:
        return f"{_where(self.ns)} does not see {', '.join(self.links)}"


@dataclass(frozen=True, kw_only=True)
class BridgePorts(Claim):
    ns: str | None = field(default=None, metadata=NETNS)
    bridge: str = field(metadata=LINK)
    ports: tuple[str, ...] = field(metadata=LINKS)

    def describe(self) -> str:
        return f"{self.bridge} has ports {', '.join(self.ports) or 'none'}"


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
class NetnsPresent(Claim):
    """These namespaces exist (what ``ip netns list`` shows)."""

    namespaces: tuple[str, ...] = field(metadata={"ref": "netns_list"})

    def describe(self) -> str:
        return f"namespaces {', '.join(self.namespaces)} exist"


@dataclass(frozen=True, kw_only=True)
class NothingLeft(Claim):
    """No namespace and no link the lab created remains."""

    def describe(self) -> str:
        return "nothing of the lab remains"


# -- steps -----------------------------------------------------------------------------------

Phase = Literal["setup", "teardown"]


@dataclass(frozen=True, kw_only=True)
class Step:
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


# -- serialisation (journal records) -------------------------------------------------------------


def op_to_json(op: Op) -> dict[str, Any]:
    """An op as plain JSON: its action and the fields that differ from the defaults."""
    out: dict[str, Any] = {"action": op.action}
    for f in dataclasses.fields(op):
        value = getattr(op, f.name)
        if f.default is not dataclasses.MISSING and value == f.default:
            continue
        out[f.name] = [list(v) for v in value] if f.name == "attrs" else value
    return out


def op_from_json(data: dict[str, Any]) -> Op:
    cls = OPS_BY_ACTION[data["action"]]
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == "attrs":
            kwargs[key] = tuple((k, v) for k, v in value)
        elif key != "action":
            kwargs[key] = tuple(value) if isinstance(value, list) else value
    return cls(**kwargs)
