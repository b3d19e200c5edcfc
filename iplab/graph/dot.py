"""A :class:`~iplab.graph.picture.Figure` as Graphviz DOT text (undirected, left to right).

Pure and stable: the same figure gives the same bytes. Every id is quoted, every label
an HTML-like label with its text escaped; the pictures' layout is steered by invisible
lines (the host's own links right of the namespaces, a second picture right of the first).
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from iplab.graph.picture import Box, Edge, Figure, Node, Picture
from iplab.graph.style import COLOURS, EDGE_COLOURS, FONT, GREY, OTHER, RED
from iplab.names import ROOT

#: the root namespace's nodes kept right of the namespaces' boxes
_ASIDE = ("host", "empty")
#: the invisible point between two pictures side by side (every node id holds a "__")
_BETWEEN = "between"


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
        return "<" + "".join(_small([node.name], GREY, 10)) + ">"
    state = "" if node.kind == "host" else f"{node.kind}, {'up' if node.up else 'down'}"
    parts = [f"<b>{_h(node.name)}</b>"]
    if state:
        parts += _small([state], GREY if node.up else "#6b6b6b")
    parts += _small(node.details)
    if node.kind == "host":  # a list: left-aligned
        return "<" + "".join(f'{part}<br align="left"/>' for part in parts) + ">"
    return "<" + "<br/>".join(parts) + ">"


def _node_attrs(node: Node) -> dict[str, str]:
    if node.kind == "empty":
        return {"shape": "plaintext"}
    fill, border = COLOURS.get(node.kind, OTHER)
    styles = ["filled"] if node.kind in ("bridge", "host") else ["rounded", "filled"]
    attrs = {"shape": "box", "fillcolor": fill, "color": border}
    if node.kind == "bridge":
        attrs["penwidth"] = "2"
    if node.kind == "host":
        attrs["shape"] = "note"
    if not node.up:
        styles.append("dashed")
        attrs |= {"fillcolor": "#f7f7f7", "color": GREY, "fontcolor": "#6b6b6b"}
    if node.marked:
        attrs |= {"color": RED, "penwidth": "3", "fontcolor": RED}
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
        "color": RED if box.marked else ("#9aa5b8" if root else "#5f9a5f"),
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
    attrs = {"color": EDGE_COLOURS[edge.kind], "penwidth": "2"}
    if not edge.up:
        attrs |= {"style": "dashed", "color": GREY}
    return f"{indent}{_q(edge.tail)} -- {_q(edge.head)} [{_attr_list(attrs)}];"


def _dot_title(fig: Figure) -> str | None:
    """The lines above the picture, left-aligned; a comparison's findings in red (or green)."""
    if not fig.title and fig.differences is None:
        return None
    parts = [f"<b>{_h(fig.title[0])}</b>"] if fig.title else []
    parts += _small(fig.title[1:], "#333333", 11)
    if fig.differences is not None:
        found = fig.differences or ("no differences",)
        parts += _small(found, RED if fig.differences else "#2e7d32", 11)
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
        f'  graph [rankdir="LR", fontname={_q(FONT)}, fontsize="12", nodesep="0.35", '
        'ranksep="0.7", newrank="true", labelloc="t", labeljust="l"];',
        f'  node [fontname={_q(FONT)}, fontsize="12", margin="0.18,0.08"];',
        f"  edge [fontname={_q(FONT)}];",
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
