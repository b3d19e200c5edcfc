"""The colours and font of the pictures, shared by DOT and Mermaid."""

from __future__ import annotations

FONT = "Helvetica,Arial,sans-serif"
GREY = "#8a8a8a"
RED = "#d11a1a"
#: (fill, border) per kind of link
COLOURS = {
    "veth": ("#e3edfc", "#2f62c9"),
    "bridge": ("#fde7c2", "#b8741a"),
    "loopback": ("#f2f2f2", "#8a8a8a"),
    "host": ("#f2f2f2", "#6b6b6b"),
}
OTHER = ("#ffffff", "#555555")
EDGE_COLOURS = {"pair": "#2f62c9", "port": "#b8741a"}
