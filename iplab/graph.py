"""Pictures of a lab: the host, its namespaces, veth pairs and bridges, as DOT or Mermaid.

The figures follow the blog posts iplab reproduces: a frame for the host, a
box for the root namespace and one per network namespace, each link a
node (a veth end rounded, a bridge square), a line joining the two ends of a
veth pair, a line from each bridge port to its bridge, links that are down
dashed and grey, addresses under their link, laid out left to right.

Building a picture is pure: :func:`picture` turns a :class:`~iplab.model.State`
into a :class:`Picture` (boxes, nodes, edges); :func:`figure` and
:func:`diff_figure` frame one or two of them; :func:`to_dot` and
:func:`to_mermaid` print a :class:`Figure` as text, always the same bytes for
the same state (sorted, no clock, no host name). Only :func:`render` starts a
process: Graphviz's ``dot``, through :class:`~iplab.runner.Runner`.

The ``iplab graph`` command (:func:`add_parser`, :func:`cmd_graph`) draws the
model's state after the setup or after ``--step N``, a ``--storyboard`` (one
picture per state-changing step, and an index page), the kernel's state
(``--live``), or both side by side with their differences (``--diff``).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from iplab import options, verify
from iplab.errors import IplabError, UsageError
from iplab.model import ROOT, Link, Namespace, State, apply
from iplab.plan import Plan, expected_state
from iplab.runner import Runner
from iplab.verify import Difference, Owned, is_automatic

Format = Literal["dot", "mmd", "svg", "png"]
FORMATS: tuple[Format, ...] = ("dot", "mmd", "svg", "png")
#: formats that need Graphviz's dot to draw
IMAGE_FORMATS: tuple[Format, ...] = ("svg", "png")
SUFFIXES: dict[str, Format] = {
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mmd",
    ".mermaid": "mmd",
    ".svg": "svg",
    ".png": "png",
}
PNG_DPI = 144
LoopbackMode = Literal["auto", "show", "hide"]
HostLinksMode = Literal["collapse", "show", "hide"]

#: a link's default MTU: only other values are printed under the link
_DEFAULT_MTU = {"loopback": 65536}
_NOTHING_OWNED = Owned(frozenset(), frozenset())
_HOST_NODE = "_host"
_EMPTY_NODE = "_empty"
#: the root namespace's nodes kept right of the namespaces' boxes
_ASIDE = ("host", "empty")
#: the invisible point between two pictures side by side (every node id holds a "__")
_BETWEEN = "between"


# -- the picture: boxes, nodes, edges -----------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One link (or the host's own links, collapsed into one node)."""

    id: str
    name: str
    #: veth, bridge, loopback, ... ; "host" for collapsed host links, "empty" for a placeholder
    kind: str
    up: bool
    #: the lines under the name: addresses, MTU, a peer or master not drawn
    details: tuple[str, ...] = ()
    marked: bool = False


@dataclass(frozen=True)
class Box:
    """A namespace and the links drawn in it."""

    id: str
    ns: str
    label: str
    nodes: tuple[Node, ...]
    #: lines under the label (routes)
    notes: tuple[str, ...] = ()
    marked: bool = False


@dataclass(frozen=True)
class Edge:
    tail: str
    head: str
    kind: Literal["pair", "port"]
    up: bool


@dataclass(frozen=True)
class Picture:
    """One host: its frame, the namespace boxes (root first), the lines between links."""

    id: str
    label: str
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]


@dataclass(frozen=True)
class Figure:
    """What is drawn: a title, one picture (or two side by side), differences to list."""

    title: tuple[str, ...]
    pictures: tuple[Picture, ...]
    #: a comparison's differences (empty: none found); None when nothing was compared
    differences: tuple[str, ...] | None = None


@dataclass(frozen=True)
class View:
    """What to show of a state."""

    #: auto: a namespace's lo only when it is up, has addresses, or is all there is
    loopback: LoopbackMode = "auto"
    #: the root namespace's links that are not veths, bridges or bridge ports (live only)
    host_links: HostLinksMode = "show"
    #: only these links of the root namespace (None: all of them)
    root_links: frozenset[str] | None = None


@dataclass(frozen=True)
class Marks:
    """Namespaces, and links (namespace, name), to draw in red."""

    netns: frozenset[str] = frozenset()
    links: frozenset[tuple[str, str]] = frozenset()


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


def marks_of(differences: Iterable[Difference], expected: State, observed: State) -> Marks:
    """What to draw in red: the namespaces verify.diff names, and the links it names, in the
    namespaces where the two states disagree about them (a difference about ``lo`` in ns1
    leaves ns2's ``lo`` alone)."""
    netns: set[str] = set()
    names: set[str] = set()
    for d in differences:
        about_ns = d.field == "links" or (
            d.field == "exists" and "namespace present" in (d.expected, d.actual)
        )
        (netns if about_ns else names).add(d.obj)
    links = {
        (ns, name)
        for name in names
        for ns in _homes(name, expected, observed)
        if _differs(ns, name, expected, observed)
    }
    return Marks(frozenset(netns), frozenset(links))


def _homes(name: str, *states: State) -> set[str]:
    return {ns for state in states for ns, space in state.namespaces.items() if name in space.links}


def _differs(ns: str, name: str, expected: State, observed: State) -> bool:
    want, got = expected.link(ns, name), observed.link(ns, name)
    if want is None or got is None:
        return True
    return bool(verify.diff(_alone(ns, want), _alone(ns, got), _NOTHING_OWNED))


def _alone(ns: str, link: Link) -> State:
    """A state holding one link, to compare one link with verify.diff."""
    state = State()
    state.namespaces[ns] = Namespace(ns, {link.name: link})
    return state


def diff_figure(
    expected: State,
    observed: State,
    differences: Sequence[Difference],
    title: Sequence[str] = (),
    views: tuple[View, View] = (View(), View()),
) -> Figure:
    """Expected and live side by side; what differs in red, and listed under the title."""
    marks = marks_of(differences, expected, observed)
    left = picture(expected, views[0], "expected (the model)", "e_", marks)
    right = picture(observed, views[1], "live (the kernel)", "l_", marks)
    return Figure(tuple(title), (left, right), tuple(str(d) for d in differences))


# -- DOT ------------------------------------------------------------------------------------

_FONT = "Helvetica,Arial,sans-serif"
_GREY = "#8a8a8a"
_RED = "#d11a1a"
#: (fill, border) per kind of link
_COLOURS = {
    "veth": ("#e3edfc", "#2f62c9"),
    "bridge": ("#fde7c2", "#b8741a"),
    "loopback": ("#f2f2f2", "#8a8a8a"),
    "host": ("#f2f2f2", "#6b6b6b"),
}
_OTHER = ("#ffffff", "#555555")
_EDGE_COLOURS = {"pair": "#2f62c9", "port": "#b8741a"}


def _q(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _h(text: str) -> str:
    """Text inside a DOT HTML-like label."""
    return html.escape(text, quote=False)


def _small(lines: Iterable[str], colour: str | None = None, size: int = 9) -> list[str]:
    attrs = f' point-size="{size}"' + (f' color="{colour}"' if colour else "")
    return [f"<font{attrs}>{_h(line)}</font>" for line in lines]


def _node_label(node: Node) -> str:
    if node.kind == "empty":
        return "<" + "".join(_small([node.name], _GREY, 10)) + ">"
    state = "" if node.kind == "host" else f"{node.kind}, {'up' if node.up else 'down'}"
    parts = [f"<b>{_h(node.name)}</b>"]
    if state:
        parts += _small([state], _GREY if node.up else "#6b6b6b")
    parts += _small(node.details)
    if node.kind == "host":  # a list: left-aligned
        return "<" + "".join(f'{part}<br align="left"/>' for part in parts) + ">"
    return "<" + "<br/>".join(parts) + ">"


def _node_attrs(node: Node) -> dict[str, str]:
    if node.kind == "empty":
        return {"shape": "plaintext"}
    fill, border = _COLOURS.get(node.kind, _OTHER)
    styles = ["filled"] if node.kind in ("bridge", "host") else ["rounded", "filled"]
    attrs = {"shape": "box", "fillcolor": fill, "color": border}
    if node.kind == "bridge":
        attrs["penwidth"] = "2"
    if node.kind == "host":
        attrs["shape"] = "note"
    if not node.up:
        styles.append("dashed")
        attrs |= {"fillcolor": "#f7f7f7", "color": _GREY, "fontcolor": "#6b6b6b"}
    if node.marked:
        attrs |= {"color": _RED, "penwidth": "3", "fontcolor": _RED}
    attrs["style"] = ",".join(styles)
    return attrs


def _attr_list(attrs: dict[str, str]) -> str:
    return ", ".join(f"{k}={_q(v)}" for k, v in attrs.items())


def _dot_node(node: Node, indent: str) -> str:
    return f"{indent}{_q(node.id)} [label={_node_label(node)}, {_attr_list(_node_attrs(node))}];"


def _box_label(box: Box) -> str:
    parts = [f"<b>{_h(box.label)}</b>", *_small(box.notes)]
    return "<" + "<br/>".join(parts) + ">"


def _dot_box(box: Box, indent: str) -> list[str]:
    inner = indent + "  "
    root = box.ns == ROOT
    attrs = {
        "style": "rounded,filled",
        "fillcolor": "#f7f9fc" if root else "#eef6ee",
        "color": _RED if box.marked else ("#9aa5b8" if root else "#5f9a5f"),
        "penwidth": "3" if box.marked else "1.5",
    }
    out = [f"{indent}subgraph {_q('cluster_' + box.id)} {{", f"{inner}label={_box_label(box)};"]
    out += [f"{inner}{k}={_q(v)};" for k, v in attrs.items()]
    out += [_dot_node(node, inner) for node in box.nodes]
    return [*out, f"{indent}}}"]


def _dot_picture(pic: Picture, indent: str) -> list[str]:
    inner = indent + "  "
    out = [
        f"{indent}subgraph {_q('cluster_' + pic.id)} {{",
        f"{inner}label=<<b>{_h(pic.label)}</b>>;",
        f'{inner}style="rounded"; color="#444444"; penwidth="2"; fontsize="14"; margin="16";',
    ]
    for box in pic.boxes:
        out += _dot_box(box, inner)
    return [*out, f"{indent}}}"]


def _host_aside(pic: Picture, indent: str) -> list[str]:
    """Invisible lines from the namespaces' links to the host's own links (or to the empty
    root namespace's placeholder): these then sit right of the namespaces, not among them."""
    host = [n.id for box in pic.boxes if box.ns == ROOT for n in box.nodes if n.kind in _ASIDE]
    others = [n.id for box in pic.boxes if box.ns != ROOT for n in box.nodes]
    return [
        f'{indent}{_q(a)} -- {_q(h)} [style="invis", weight="0"];' for h in host for a in others
    ]


def _dot_edge(edge: Edge, indent: str) -> str:
    attrs = {"color": _EDGE_COLOURS[edge.kind], "penwidth": "2"}
    if not edge.up:
        attrs |= {"style": "dashed", "color": _GREY}
    return f"{indent}{_q(edge.tail)} -- {_q(edge.head)} [{_attr_list(attrs)}];"


def _dot_title(fig: Figure) -> str | None:
    """The lines above the picture, left-aligned; a comparison's findings in red (or green)."""
    if not fig.title and fig.differences is None:
        return None
    parts = [f"<b>{_h(fig.title[0])}</b>"] if fig.title else []
    parts += _small(fig.title[1:], "#333333", 11)
    if fig.differences is not None:
        found = fig.differences or ("no differences",)
        parts += _small(found, _RED if fig.differences else "#2e7d32", 11)
    left = '<br align="left"/>'
    return "<" + left.join(parts) + left + ">"


def _alignment(fig: Figure, indent: str) -> list[str]:
    """Two pictures side by side: invisible lines from every node of the first to a point
    between them, and from there to every node of the second, put the second on the right."""
    if len(fig.pictures) != 2:
        return []
    left, right = ([n.id for box in pic.boxes for n in box.nodes] for pic in fig.pictures)
    hidden = '[style="invis", weight="0"]'
    out = [f'{indent}{_q(_BETWEEN)} [shape="point", style="invis", width="0"];']
    out += [f"{indent}{_q(i)} -- {_q(_BETWEEN)} {hidden};" for i in left]
    out += [f"{indent}{_q(_BETWEEN)} -- {_q(i)} {hidden};" for i in right]
    return out


def to_dot(fig: Figure) -> str:
    """The figure as a Graphviz DOT graph (undirected, laid out left to right)."""
    out = [
        "graph iplab {",
        f'  graph [rankdir="LR", fontname={_q(_FONT)}, fontsize="12", nodesep="0.35", '
        'ranksep="0.7", newrank="true", labelloc="t", labeljust="l"];',
        f'  node [fontname={_q(_FONT)}, fontsize="12", margin="0.18,0.08"];',
        f"  edge [fontname={_q(_FONT)}];",
    ]
    title = _dot_title(fig)
    if title is not None:
        out.append(f"  label={title};")
    for pic in fig.pictures:
        out += _dot_picture(pic, "  ")
    for pic in fig.pictures:
        out += [_dot_edge(edge, "  ") for edge in pic.edges]
        out += _host_aside(pic, "  ")
    out += _alignment(fig, "  ")
    return "\n".join([*out, "}"]) + "\n"


# -- Mermaid -------------------------------------------------------------------------------

_MERMAID_CLASSES = (
    "classDef veth fill:#e3edfc,stroke:#2f62c9,stroke-width:1.5px,color:#111",
    "classDef bridge fill:#fde7c2,stroke:#b8741a,stroke-width:2px,color:#111",
    "classDef loopback fill:#f2f2f2,stroke:#8a8a8a,color:#111",
    "classDef other fill:#ffffff,stroke:#555555,color:#111",
    "classDef host fill:#f2f2f2,stroke:#6b6b6b,color:#111",
    "classDef empty fill:none,stroke:none,color:#8a8a8a",
    "classDef down fill:#f7f7f7,stroke:#8a8a8a,stroke-dasharray:5 4,color:#6b6b6b",
    "classDef diff fill:#fde2e2,stroke:#d11a1a,stroke-width:3px,color:#d11a1a",
    "classDef diffdown fill:#fde2e2,stroke:#d11a1a,stroke-width:3px,stroke-dasharray:5 4,"
    "color:#d11a1a",
)


def _m(text: str) -> str:
    """Text inside a Mermaid quoted label."""
    return html.escape(text, quote=False).replace('"', "#quot;")


def _m_class(node: Node) -> str:
    if node.marked:
        return "diff" if node.up else "diffdown"
    if not node.up:
        return "down"
    return node.kind if node.kind in ("veth", "bridge", "loopback", "host", "empty") else "other"


def _m_node(node: Node, indent: str) -> str:
    if node.kind == "empty":
        return f'{indent}{node.id}["{_m(node.name)}"]'
    state = "" if node.kind == "host" else f"{node.kind}, {'up' if node.up else 'down'}"
    lines = [f"<b>{_m(node.name)}</b>", *([_m(state)] if state else [])]
    lines += [f"<small>{_m(line)}</small>" for line in node.details]
    text = "<br/>".join(lines)
    opening, closing = ("[", "]") if node.kind in ("bridge", "host") else ("(", ")")
    return f'{indent}{node.id}{opening}"{text}"{closing}'


def _m_box(box: Box, indent: str) -> list[str]:
    label = "<br/>".join([f"<b>{_m(box.label)}</b>", *(_m(n) for n in box.notes)])
    out = [f'{indent}subgraph {box.id}["{label}"]']
    out += [_m_node(node, indent + "  ") for node in box.nodes]
    return [*out, f"{indent}end"]


def _m_picture(pic: Picture, indent: str) -> list[str]:
    out = [f'{indent}subgraph {pic.id}["<b>{_m(pic.label)}</b>"]', f"{indent}  direction LR"]
    for box in pic.boxes:
        out += _m_box(box, indent + "  ")
    return [*out, f"{indent}end"]


def _m_styles(fig: Figure) -> list[str]:
    out = [f"  {line}" for line in _MERMAID_CLASSES]
    by_class: dict[str, list[str]] = {}
    for pic in fig.pictures:
        out.append(f"  style {pic.id} fill:#ffffff,stroke:#444444,stroke-width:2px")
        for box in pic.boxes:
            colour = _RED if box.marked else ("#9aa5b8" if box.ns == ROOT else "#5f9a5f")
            fill = "#f7f9fc" if box.ns == ROOT else "#eef6ee"
            out.append(f"  style {box.id} fill:{fill},stroke:{colour},stroke-width:1.5px")
            for node in box.nodes:
                by_class.setdefault(_m_class(node), []).append(node.id)
    out += [f"  class {','.join(ids)} {name}" for name, ids in sorted(by_class.items())]
    return out


def _m_edges(fig: Figure) -> list[str]:
    out: list[str] = []
    styles: list[str] = []
    for edge in (e for pic in fig.pictures for e in pic.edges):
        out.append(f"  {edge.tail} {'---' if edge.up else '-.-'} {edge.head}")
        colour = _EDGE_COLOURS[edge.kind] if edge.up else _GREY
        styles.append(f"  linkStyle {len(styles)} stroke:{colour},stroke-width:2px")
    return out + styles


def to_mermaid(fig: Figure) -> str:
    """The figure as a Mermaid flowchart (left to right), for Markdown pages."""
    out: list[str] = []
    if fig.title:
        out += ["---", f"title: {json.dumps(' - '.join(fig.title), ensure_ascii=False)}", "---"]
    out.append("flowchart LR")
    if fig.differences is not None:
        out += [f"  %% {line}" for line in fig.differences or ("no differences",)]
    for pic in fig.pictures:
        out += _m_picture(pic, "  ")
    out += _m_edges(fig)
    out += _m_styles(fig)
    return "\n".join(out) + "\n"


def text_of(fig: Figure, fmt: Format) -> str:
    """The source to write (.mmd) or to give to dot (every other format)."""
    return to_mermaid(fig) if fmt == "mmd" else to_dot(fig)


# -- rendering with dot ---------------------------------------------------------------------


class GraphvizMissing(UsageError):
    """Graphviz's dot is needed to draw .svg or .png and is not installed."""


def _missing(fmt: str) -> GraphvizMissing:
    return GraphvizMissing(
        f"drawing .{fmt} needs Graphviz's dot, which is not on PATH",
        hint="install the package graphviz (apt-get install graphviz), "
        "or write .dot or .mmd instead",
    )


def dot_path() -> str | None:
    """Where Graphviz's dot is, if it is on PATH."""
    return shutil.which("dot")


def dot_argv(fmt: Format, output: Path) -> list[str]:
    extra = [f"-Gdpi={PNG_DPI}"] if fmt == "png" else []
    return ["dot", f"-T{fmt}", *extra, "-o", str(output)]


def render(source: str, fmt: Format, dest: Path, runner: Runner) -> None:
    """Draw DOT ``source`` into ``dest`` with dot (written whole, or not at all)."""
    if dot_path() is None:
        raise _missing(fmt)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        result = runner.execute(
            dot_argv(fmt, tmp),
            privileged=False,
            stdin=source,
            meta={"kind": "render", "text": f"dot -T{fmt} -o {dest}"},
        )
        if result.rc == 127:
            raise _missing(fmt)
        if not result.ok:
            detail = (result.stderr.strip() or "(no output)").splitlines()[0]
            raise IplabError(f"dot failed (exit {result.rc}) drawing {dest}: {detail}")
        _warn_if_shrunk(tmp, fmt)
        os.replace(tmp, dest)
    except OSError as exc:
        raise UsageError(f"cannot write {dest}: {exc.strerror}") from None
    finally:
        tmp.unlink(missing_ok=True)


#: cairo's largest side: dot shrinks a bigger PNG to fit, and its text becomes unreadable
PNG_MAX_SIDE = 32767


def png_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) from the start of a PNG file, or None when it is not one."""
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _warn_if_shrunk(path: Path, fmt: Format) -> None:
    if fmt != "png":
        return
    with path.open("rb") as f:
        size = png_size(f.read(24))
    if size is not None and max(size) >= PNG_MAX_SIDE - 1:
        sys.stderr.write(
            "iplab: warning: the picture is too large for a PNG and was shrunk to fit; "
            "draw it as .svg to read it\n"
        )


def write_figure(fig: Figure, fmt: Format, dest: Path | None, runner: Runner) -> None:
    """Write a figure to ``dest`` (None: stdout) in ``fmt``."""
    source = text_of(fig, fmt)
    if fmt not in IMAGE_FORMATS:
        options.write_text(source, dest)
        return
    if dest is not None:
        render(source, fmt, dest, runner)
        return
    if fmt == "png" and sys.stdout.isatty():
        raise UsageError("not writing a PNG image to the terminal", hint="use -o FILE.png")
    with tempfile.TemporaryDirectory(prefix="iplab-graph-") as tmp:
        path = Path(tmp) / f"graph.{fmt}"
        render(source, fmt, path, runner)
        sys.stdout.flush()
        sys.stdout.buffer.write(path.read_bytes())
        sys.stdout.buffer.flush()


# -- what to draw --------------------------------------------------------------------------


def scenario_title(plan: Plan) -> str:
    return plan.scenario.title or plan.scenario.name


def step_count(plan: Plan) -> int:
    return len(plan.commands)


def check_step(plan: Plan, step: int) -> None:
    total = step_count(plan)
    if not 1 <= step <= total:
        raise UsageError(
            f"--step {step}: the scenario has steps 1 to {total} "
            f"({len(plan.setup)} setup, {len(plan.teardown)} teardown)"
        )


def step_title(plan: Plan, step: int | None) -> tuple[str, ...]:
    """The lines above a picture of the model: the scenario, the step and its command."""
    head = scenario_title(plan)
    if step is None:
        return (f"{head}: after the setup (steps 1-{len(plan.setup)})",)
    return (f"{head}: after step {step}", plan.commands[step - 1].command.text)


def expected_figure(plan: Plan, step: int | None = None, view: View = View()) -> Figure:
    """The model's state after the setup, or after ``step`` (1-based, setup then teardown)."""
    if step is not None:
        check_step(plan, step)
    return figure(expected_state(plan, step), step_title(plan, step), view)


@dataclass(frozen=True)
class Frame:
    """One picture of a storyboard: the state after a state-changing step."""

    number: int
    phase: str
    title: str | None
    command: str
    figure: Figure


def storyboard(plan: Plan, view: View = View()) -> list[Frame]:
    """A figure after each step that changes state (observation steps have none)."""
    state = State()
    frames: list[Frame] = []
    for pc in plan.commands:
        step = pc.command.step
        assert step is not None
        apply(state, step.op, step.loc)
        if pc.command.observe:
            continue
        title = step_title(plan, pc.command.number)
        frames.append(
            Frame(pc.command.number, step.phase, step.title, pc.command.text,
                  figure(state.copy(), title, view))
        )  # fmt: skip
    return frames


def frame_file(frame: Frame, fmt: Format, width: int) -> str:
    return f"step-{frame.number:0{width}d}.{fmt}"


def _frame_heading(frame: Frame) -> str:
    return f"Step {frame.number}" + (f": {frame.title}" if frame.title else "")


def storyboard_markdown(plan: Plan, frames: Sequence[Frame], fmt: Format, width: int) -> str:
    """index.md: each picture in order, the step's command under it, as the blog walks."""
    s = plan.scenario
    out = [f"# {scenario_title(plan)}", ""]
    if s.source:
        out += [f"From <{s.source}>.", ""]
    out += [
        f"The lab drawn by `iplab graph` after each of the {len(frames)} steps that change it "
        "(observation steps are left out).",
    ]
    phase = None
    for frame in frames:
        if frame.phase != phase:
            phase = frame.phase
            out += ["", f"## {phase.capitalize()}"]
        name = frame_file(frame, fmt, width)
        out += ["", f"### {_frame_heading(frame)}", ""]
        if fmt in IMAGE_FORMATS:
            out.append(f"![The lab after step {frame.number}]({name})")
        else:
            block = to_mermaid(frame.figure) if fmt == "mmd" else to_dot(frame.figure)
            out += ["```mermaid" if fmt == "mmd" else "```dot", block.rstrip("\n"), "```"]
        out += ["", "```bash", frame.command, "```"]
    return "\n".join(out) + "\n"


def storyboard_html(plan: Plan, frames: Sequence[Frame], fmt: Format, width: int) -> str:
    """index.html: the same walk through as a page a browser shows without anything else."""
    e = html.escape
    title = e(scenario_title(plan))
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        f"<title>{title}</title>",
        "<style>body{font-family:Helvetica,Arial,sans-serif;max-width:70em;margin:2em auto;"
        "padding:0 1em}figure{margin:2em 0}img{max-width:100%;border:1px solid #ddd}"
        "pre{background:#f4f4f4;padding:.6em 1em;overflow-x:auto}</style>",
        "</head>",
        "<body>",
        f"<h1>{title}</h1>",
    ]
    if plan.scenario.source:
        out.append(
            f'<p>From <a href="{e(plan.scenario.source)}">{e(plan.scenario.source)}</a>.</p>'
        )
    for frame in frames:
        name = e(frame_file(frame, fmt, width))
        body = (
            f'<img src="{name}" alt="The lab after step {frame.number}">'
            if fmt in IMAGE_FORMATS
            else f'<pre><a href="{name}">{name}</a></pre>'
        )
        out += [
            f'<figure id="step-{frame.number}">',
            f"<h2>{e(_frame_heading(frame))}</h2>",
            body,
            f"<figcaption><pre><code>{e(frame.command)}</code></pre></figcaption>",
            "</figure>",
        ]
    return "\n".join([*out, "</body>", "</html>"]) + "\n"


def write_storyboard(plan: Plan, directory: Path, fmt: Format, runner: Runner, view: View) -> int:
    """Write one picture per state-changing step and index.md / index.html; the count."""
    if fmt in IMAGE_FORMATS and dot_path() is None:
        raise _missing(fmt)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {directory}: {exc.strerror}") from None
    frames = storyboard(plan, view)
    width = max(2, len(str(step_count(plan))))
    for frame in frames:
        write_figure(frame.figure, fmt, directory / frame_file(frame, fmt, width), runner)
    options.write_text(storyboard_markdown(plan, frames, fmt, width), directory / "index.md")
    options.write_text(storyboard_html(plan, frames, fmt, width), directory / "index.html")
    return len(frames)


# -- the live kernel -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What of the live kernel to read and draw."""

    #: namespaces to read (None: every namespace)
    netns: tuple[str, ...] | None
    #: the root namespace's links to draw (None: all of them)
    root_links: frozenset[str] | None
    title: str


def lab_scope(state_dir: Path, name: str) -> Scope:
    from iplab import lab

    info = lab.lab_info(state_dir, name)
    return Scope(tuple(sorted(info.owned_netns)), frozenset(info.owned_links), f"lab {name}: live")


def plan_scope(plan: Plan) -> Scope:
    return Scope(
        tuple(sorted(plan.owned.netns)),
        frozenset(plan.owned.links),
        f"{scenario_title(plan)}: live",
    )


def read_live(runner: Runner, scope: Scope) -> State:
    from iplab import iproute

    return iproute.read_state(runner, scope.netns)


def live_view(scope: Scope, base: View) -> View:
    """The whole host: its own links as ``base`` says; a lab: only the lab's root links."""
    if scope.root_links is None:
        return base
    return replace(base, root_links=scope.root_links, host_links="show")


def live_figure(state: State, scope: Scope, base: View = View()) -> Figure:
    return figure(state, (scope.title,), live_view(scope, base))


def diff_of(plan: Plan, observed: State, step: int | None, view: View = View()) -> Figure:
    """The model after the setup (or ``step``) beside the kernel, with verify.diff's findings.
    Of the kernel's root namespace, only the links the scenario creates or expects there."""
    if step is not None:
        check_step(plan, step)
    expected = expected_state(plan, step)
    differences = verify.diff(expected, observed, plan.owned)
    root = frozenset(plan.owned.links | set(expected.namespaces[ROOT].links))
    live = replace(view, root_links=root, host_links="show")
    head, *rest = step_title(plan, step)
    title = (f"{head}: expected and live", *rest)
    return diff_figure(expected, observed, differences, title, (view, live))


# -- the command line ------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``iplab graph`` (handler: :func:`cmd_graph`)."""
    p = subparsers.add_parser(
        "graph",
        help="draw a lab: as the scenario expects it, step by step, or as the kernel holds it",
        description=(
            "Draw a lab as a picture: the host, its namespaces, veth pairs and bridges. "
            "The format follows the -o suffix (.svg, .png, .dot, .mmd) or --format; "
            "without -o, DOT text goes to stdout. .svg and .png need Graphviz's dot."
        ),
    )
    options.add_scenario(p, required=False)
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the picture here")
    p.add_argument("--format", choices=FORMATS, help="the picture's format (default: from -o)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--step", type=int, metavar="N", help="the state after step N (1-based)")
    what.add_argument(
        "--storyboard", type=Path, metavar="DIR",
        help="one picture per state-changing step in DIR, with index.md and index.html",
    )  # fmt: skip
    what.add_argument(
        "--live", action="store_true",
        help="what the kernel holds now (of --lab, of SCENARIO's names, or the whole host)",
    )  # fmt: skip
    p.add_argument(
        "--diff", action="store_true",
        help="the scenario's expected state beside the live one, differences in red",
    )  # fmt: skip
    p.add_argument("--lab", help="with --live: only this lab's namespaces and links")
    options.add_state_dir(p)
    p.add_argument(
        "--lo", choices=("auto", "show", "hide"), default="auto",
        help="a namespace's loopback: auto shows it when it is up, has an address, "
        "or is alone (default: auto)",
    )  # fmt: skip
    p.add_argument(
        "--host-links", choices=("collapse", "show", "hide"), default="collapse",
        help="live, whole host: the root namespace's own links (lo, eth0...) in one node, "
        "one node each, or not at all (default: collapse)",
    )  # fmt: skip
    p.set_defaults(handler=cmd_graph)


def output_format(output: Path | None, explicit: str | None) -> Format:
    """The format: --format, else the suffix of -o, else DOT."""
    suffix = output.suffix.lower() if output is not None else ""
    from_suffix = SUFFIXES.get(suffix)
    if explicit is not None:
        chosen = _format(explicit)
        if from_suffix is not None and from_suffix != chosen:
            raise UsageError(f"--format {chosen} does not match -o {output} (a .{from_suffix})")
        return chosen
    if output is None:
        return "dot"
    if from_suffix is None:
        raise UsageError(
            f"-o {output}: cannot tell the format from {suffix or 'a name without a suffix'}",
            hint="use .svg, .png, .dot or .mmd, or --format",
        )
    return from_suffix


def _format(value: str) -> Format:
    for fmt in FORMATS:
        if fmt == value:
            return fmt
    raise UsageError(f"--format {value}: choose one of {', '.join(FORMATS)}")


def check_args(args: argparse.Namespace) -> None:
    """Refuse combinations that mean nothing, with one line saying why."""
    if args.scenario is None and not args.live:
        raise UsageError("which scenario? (iplab graph SCENARIO, or --live for the kernel)")
    if args.diff and args.scenario is None:
        raise UsageError("--diff compares a scenario with the kernel: name the scenario")
    if args.diff and (args.live or args.storyboard is not None):
        raise UsageError("--diff cannot be combined with --live or --storyboard")
    if args.lab is not None and not args.live:
        raise UsageError("--lab is for --live (the lab's live state)")
    if args.lab is not None and args.scenario is not None:
        raise UsageError("--live takes a lab (--lab) or a scenario, not both")
    if args.storyboard is not None and args.output is not None:
        raise UsageError("--storyboard writes into its directory: leave out -o")


def _view(args: argparse.Namespace, live: bool = False) -> View:
    """The model's pictures draw every link the scenario made; --host-links is for the host."""
    return View(loopback=args.lo, host_links=args.host_links if live else "show")


def _load_plan(args: argparse.Namespace) -> Plan:
    from iplab import scenario
    from iplab.plan import build

    overrides = scenario.parse_var_overrides(args.var)
    return build(scenario.load(args.scenario, overrides), args.prefix, args.templates)


def _live_scope(args: argparse.Namespace) -> Scope:
    from iplab import statedir

    if args.lab is not None:
        return lab_scope(statedir.resolve(args.state_dir), args.lab)
    if args.scenario is not None:
        return plan_scope(_load_plan(args))
    return Scope(None, None, "this host: live")


def build_figure(args: argparse.Namespace, runner: Runner) -> Figure:
    """The figure the arguments ask for (reading the kernel for --live and --diff)."""
    if args.live:
        scope = _live_scope(args)
        state = read_live(runner, scope)
        drawn = live_figure(state, scope, _view(args, live=True))
        if args.lab is not None:  # what live changes hold: impairments, links set down
            from iplab import live, statedir

            more = live.picture_lines(runner, statedir.resolve(args.state_dir), args.lab, state)
            drawn = replace(drawn, title=(*drawn.title, *more))
        return drawn
    plan = _load_plan(args)
    if args.diff:
        return diff_of(plan, read_live(runner, plan_scope(plan)), args.step, _view(args))
    return expected_figure(plan, args.step, _view(args))


def run_graph(args: argparse.Namespace, runner: Runner) -> int:
    """0 when drawn; 1 when --diff found differences (drawn all the same)."""
    check_args(args)
    if args.storyboard is not None:
        fmt = _format(args.format) if args.format else "svg"
        count = write_storyboard(_load_plan(args), args.storyboard, fmt, runner, _view(args))
        print(f"{count} pictures and index.md, index.html written to {args.storyboard}")
        return 0
    fmt = output_format(args.output, args.format)
    fig = build_figure(args, runner)
    write_figure(fig, fmt, args.output, runner)
    return 1 if fig.differences else 0


def cmd_graph(args: argparse.Namespace) -> int:
    return run_graph(args, Runner())
