"""Pictures of a lab: the host, its namespaces, veth pairs and bridges, as DOT or Mermaid.

The figures follow the blog posts iplab reproduces: a frame for the host, a
box for the root namespace and one per network namespace, each link a
node (a veth end rounded, a bridge square), a line joining the two ends of a
veth pair, a line from each bridge port to its bridge, links that are down
dashed and grey, addresses under their link, laid out left to right.

The parts, in the order a picture is made:

- :mod:`~iplab.graph.picture`: the picture model. :func:`picture` turns a
  :class:`~iplab.model.State` into boxes, nodes and edges; :func:`figure` frames it.
- :mod:`~iplab.graph.marks`: what differs, in red. :func:`marks_of` reads the kind of each
  :class:`~iplab.verify.Difference`; :func:`diff_figure` draws two states side by side.
- :mod:`~iplab.graph.source`: what to draw. The model after the setup or a step
  (:func:`expected_figure`), the kernel (:func:`read_live`, :func:`live_figure`), both
  (:func:`diff_of`).
- :mod:`~iplab.graph.style`: the colours and the font; :mod:`~iplab.graph.dot` and
  :mod:`~iplab.graph.mermaid` print a figure as text, always the same bytes for the same
  state (sorted, no clock, no host name).
- :mod:`~iplab.graph.draw`: the formats, and Graphviz's ``dot`` for images, the only
  process a picture starts, through :class:`~iplab.runner.Runner` (audited).
- :mod:`~iplab.graph.storyboard`: one picture per state-changing step, and an index page.

The command ``iplab graph`` (the model after the setup or ``--step N``, a ``--storyboard``,
the kernel's state with ``--live``, or both side by side with ``--diff``) is
:mod:`iplab.cli.graph`.

Everything pure is importable from here; nothing here reads the kernel or runs a process
except through the runner the caller gives.
"""

from __future__ import annotations

from iplab.graph.dot import to_dot
from iplab.graph.draw import (
    FORMATS,
    IMAGE_FORMATS,
    PNG_DPI,
    PNG_MAX_SIDE,
    SUFFIXES,
    Format,
    GraphvizMissing,
    dot_argv,
    dot_path,
    png_size,
    render,
    text_of,
    write_figure,
)
from iplab.graph.marks import diff_figure, marks_of
from iplab.graph.mermaid import to_mermaid
from iplab.graph.picture import (
    DEFAULT_VIEW,
    Box,
    Edge,
    Figure,
    HostLinksMode,
    LoopbackMode,
    Marks,
    Node,
    Picture,
    View,
    box_id,
    figure,
    node_id,
    picture,
    safe_id,
    shown_addresses,
)
from iplab.graph.source import (
    Scope,
    check_step,
    diff_of,
    expected_figure,
    lab_scope,
    live_figure,
    live_view,
    plan_scope,
    read_live,
    scenario_title,
    step_count,
    step_title,
)
from iplab.graph.storyboard import (
    Frame,
    frame_file,
    storyboard,
    storyboard_html,
    storyboard_markdown,
    write_storyboard,
)

__all__ = [
    "DEFAULT_VIEW",
    "FORMATS",
    "IMAGE_FORMATS",
    "PNG_DPI",
    "PNG_MAX_SIDE",
    "SUFFIXES",
    "Box",
    "Edge",
    "Figure",
    "Format",
    "Frame",
    "GraphvizMissing",
    "HostLinksMode",
    "LoopbackMode",
    "Marks",
    "Node",
    "Picture",
    "Scope",
    "View",
    "box_id",
    "check_step",
    "diff_figure",
    "diff_of",
    "dot_argv",
    "dot_path",
    "expected_figure",
    "figure",
    "frame_file",
    "lab_scope",
    "live_figure",
    "live_view",
    "marks_of",
    "node_id",
    "picture",
    "plan_scope",
    "png_size",
    "read_live",
    "render",
    "safe_id",
    "scenario_title",
    "shown_addresses",
    "step_count",
    "step_title",
    "storyboard",
    "storyboard_html",
    "storyboard_markdown",
    "text_of",
    "to_dot",
    "to_mermaid",
    "write_figure",
    "write_storyboard",
]
