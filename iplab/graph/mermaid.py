"""A :class:`~iplab.graph.picture.Figure` as a Mermaid flowchart, for Markdown pages."""

from __future__ import annotations

import html
import json

from iplab.graph.picture import Box, Figure, Node, Picture
from iplab.graph.style import EDGE_COLOURS, GREY, RED
from iplab.names import ROOT

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
            colour = RED if box.marked else ("#9aa5b8" if box.ns == ROOT else "#5f9a5f")
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
        colour = EDGE_COLOURS[edge.kind] if edge.up else GREY
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
