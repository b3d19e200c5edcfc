"""The picture of a state: boxes (namespaces), nodes (links), edges (pairs and ports).

Pure: :func:`picture` turns a :class:`~iplab.state.State` into a :class:`Picture`,
:func:`figure` frames one with its title. A link's node id is ``box__link`` with
every odd byte of a name written ``_xx`` (:func:`safe_id`), the same in DOT and Mermaid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from iplab.claims import is_automatic
from iplab.names import ROOT
from iplab.records import Record, frozen
from iplab.state import Link, State

LoopbackMode = Literal["auto", "show", "hide"]
HostLinksMode = Literal["collapse", "show", "hide"]

#: a link's default MTU: only other values are printed under the link
_DEFAULT_MTU = {"loopback": 65536}
_HOST_NODE = "_host"
_EMPTY_NODE = "_empty"


# -- the picture: boxes, nodes, edges -----------------------------------------------------------


@frozen
class Node(Record):
    """One link (or the host's own links, collapsed into one node)."""

    id: str
    name: str
    #: veth, bridge, loopback, ... ; "host" for collapsed host links, "empty" for a placeholder
    kind: str
    up: bool
    #: the lines under the name: addresses, MTU, a peer or master not drawn
    details: tuple[str, ...] = ()
    marked: bool = False


@frozen
class Box(Record):
    """A namespace and the links drawn in it."""

    id: str
    ns: str
    label: str
    nodes: tuple[Node, ...]
    #: lines under the label (routes)
    notes: tuple[str, ...] = ()
    marked: bool = False


@frozen
class Edge(Record):
    tail: str
    head: str
    kind: Literal["pair", "port"]
    up: bool


@frozen
class Picture(Record):
    """One host: its frame, the namespace boxes (root first), the lines between links."""

    id: str
    label: str
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]


@frozen
class Figure(Record):
    """What is drawn: a title, one picture (or two side by side), differences to list."""

    title: tuple[str, ...]
    pictures: tuple[Picture, ...]
    #: a comparison's differences (empty: none found); None when nothing was compared
    differences: tuple[str, ...] | None = None


@frozen
class View(Record):
    """What to show of a state."""

    #: auto: a namespace's lo only when it is up, has addresses, or is all there is
    loopback: LoopbackMode = "auto"
    #: the root namespace's links that are not veths, bridges or bridge ports (live only)
    host_links: HostLinksMode = "show"
    #: only these links of the root namespace (None: all of them)
    root_links: frozenset[str] | None = None


@frozen
class Marks(Record):
    """Namespaces, and links (namespace, name), to draw in red."""

    netns: frozenset[str] = frozenset()
    links: frozenset[tuple[str, str]] = frozenset()


#: every link the scenario made, loopbacks as ``auto`` says, the host's own links shown
DEFAULT_VIEW = View()


def safe_id(name: str) -> str:
    """A DOT- and Mermaid-safe id for a name: ASCII letters and digits kept, every other
    byte written ``_xx``. Injective, and never contains two ``_`` in a row."""
    return "".join(
        chr(b) if chr(b).isascii() and chr(b).isalnum() else f"_{b:02x}"
        for b in name.encode("utf-8")
    )


def box_id(ns: str) -> str:
    return "r" if ns == ROOT else f"ns_{safe_id(ns)}"


def node_id(prefix: str, ns: str, name: str) -> str:
    return f"{prefix}{box_id(ns)}__{safe_id(name)}"


def _sort_key(link: Link) -> tuple[int, str]:
    return (0 if link.kind == "loopback" else 1, link.name)


def shown_addresses(link: Link) -> list[str]:
    """The addresses worth drawing: not the ones the kernel adds by itself."""
    return [a for a in link.addresses if not is_automatic(a, link)]


def _show_loopback(link: Link, alone: bool, mode: LoopbackMode) -> bool:
    if mode != "auto":
        return mode == "show"
    return alone or link.up or bool(shown_addresses(link))


def _is_host_link(link: Link, masters: set[str]) -> bool:
    """A link of the host itself: not a veth, a bridge, a port or a master of one."""
    return link.kind not in ("veth", "bridge") and link.master is None and link.name not in masters


def _visible(state: State, ns: str, view: View, marks: Marks) -> tuple[list[Link], list[Link]]:
    """(the links drawn one by one, the host links collapsed into one node) of a namespace.
    A link with a difference is always drawn."""
    space = state.namespaces[ns]
    links = sorted(space.links.values(), key=_sort_key)
    if ns == ROOT and view.root_links is not None:
        links = [link for link in links if link.name in view.root_links]
    alone = all(link.kind == "loopback" for link in links)
    links = [
        link
        for link in links
        if link.kind != "loopback"
        or ns == ROOT
        or (ns, link.name) in marks.links
        or _show_loopback(link, alone, view.loopback)
    ]
    if ns != ROOT or view.host_links == "show":
        return links, []
    masters = {link.master for link in links if link.master is not None}
    host = [
        link
        for link in links
        if _is_host_link(link, masters) and (ROOT, link.name) not in marks.links
    ]
    drawn = [link for link in links if link not in host]
    return drawn, host if view.host_links == "collapse" else []


def _where(ns: str | None) -> str:
    return "?" if ns is None else ("root" if ns == ROOT else ns)


def _details(link: Link, drawn: set[tuple[str, str]], ns: str) -> tuple[str, ...]:
    lines = shown_addresses(link)
    if link.mtu is not None and link.mtu != _DEFAULT_MTU.get(link.kind, 1500):
        lines.append(f"mtu {link.mtu}")
    if link.peer is not None and (link.peer_ns, link.peer) not in drawn:
        lines.append(f"peer {link.peer}@{_where(link.peer_ns)}")
    if link.master is not None and (ns, link.master) not in drawn:
        lines.append(f"master {link.master}")
    return tuple(lines)


def _host_node(prefix: str, links: list[Link]) -> Node:
    lines = tuple(
        f"{link.name}: "
        + ", ".join([link.kind, "up" if link.up else "down", *shown_addresses(link)])
        for link in links
    )
    return Node(f"{prefix}r__{_HOST_NODE}", "host links", "host", True, lines)


def _box(
    state: State, ns: str, view: View, *, prefix: str, drawn: set[tuple[str, str]], marks: Marks
) -> Box:
    links, host = _visible(state, ns, view, marks)
    nodes = [
        Node(
            node_id(prefix, ns, link.name),
            link.name,
            link.kind,
            link.up,
            _details(link, drawn, ns),
            (ns, link.name) in marks.links,
        )
        for link in links
    ]
    if host:
        nodes.append(_host_node(prefix, host))
    if not nodes:
        nodes.append(Node(f"{prefix}{box_id(ns)}__{_EMPTY_NODE}", "no links shown", "empty", True))
    routes = tuple(f"route {r}" for r in state.namespaces[ns].routes)
    label = "root namespace" if ns == ROOT else ns
    return Box(f"{prefix}{box_id(ns)}", ns, label, tuple(nodes), routes, ns in marks.netns)


def _order(a: tuple[str, str], b: tuple[str, str]) -> tuple[tuple[str, str], tuple[str, str]]:
    """A pair's ends, the one in a namespace first, so that namespaces sit left of the root."""
    if (a[0] == ROOT) != (b[0] == ROOT):
        return (b, a) if a[0] == ROOT else (a, b)
    return (a, b) if a <= b else (b, a)


def _edges(state: State, drawn: set[tuple[str, str]], prefix: str) -> tuple[Edge, ...]:
    pairs: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    ports: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    for ns, link in state.links():
        here = (ns, link.name)
        if here not in drawn:
            continue
        if link.peer is not None and link.peer_ns is not None:
            there = (link.peer_ns, link.peer)
            if there in drawn and there != here:
                pairs.add(_order(here, there))
        if link.master is not None and (ns, link.master) in drawn:
            ports.add((here, (ns, link.master)))
    kinds: list[tuple[Literal["pair", "port"], set[tuple[tuple[str, str], tuple[str, str]]]]] = [
        ("pair", pairs),
        ("port", ports),
    ]
    return tuple(
        Edge(
            node_id(prefix, *tail),
            node_id(prefix, *head),
            kind,
            _is_up(state, tail) and _is_up(state, head),
        )
        for kind, edges in kinds
        for tail, head in sorted(edges)
    )


def _is_up(state: State, key: tuple[str, str]) -> bool:
    link = state.link(key[0], key[1])
    return link is not None and link.up


def _namespaces(state: State) -> list[str]:
    return [ROOT, *sorted(ns for ns in state.namespaces if ns != ROOT)]


def picture(
    state: State, view: View = View(), label: str = "Host", prefix: str = "", marks: Marks = Marks()
) -> Picture:
    """The picture of a state: the root namespace's box first, then each namespace's, by name."""
    state = state if ROOT in state.namespaces else _with_root(state)
    drawn = {
        (ns, link.name) for ns in state.namespaces for link in _visible(state, ns, view, marks)[0]
    }
    boxes = tuple(
        _box(state, ns, view, prefix=prefix, drawn=drawn, marks=marks) for ns in _namespaces(state)
    )
    return Picture(f"{prefix}host", label, boxes, _edges(state, drawn, prefix))


def _with_root(state: State) -> State:
    copy = state.copy()
    copy.namespaces[ROOT] = State().namespaces[ROOT]
    return copy


# -- figures ---------------------------------------------------------------------------------


def figure(state: State, title: Sequence[str] = (), view: View = View()) -> Figure:
    """One host, as the model expects it or as the kernel holds it."""
    return Figure(tuple(title), (picture(state, view),))
