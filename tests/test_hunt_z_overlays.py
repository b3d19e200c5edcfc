"""Overlay pages of hunt Z (VXLAN between two hosts' namespaces).

The inputs are the hunt's own files (tests/fixtures/overlays-formats).
"""

from __future__ import annotations

from pathlib import Path

from iplab.importer.convert import detect_kind, import_text
from iplab.prefix import with_prefix
from iplab.render import renderer
from iplab.scenario import load_text

HERE = Path(__file__).parent / "fixtures" / "overlays-formats"


def test_prefix_leaves_the_words_of_an_alias_alone() -> None:
    """Hunt Z: ``iplab run z1.yaml --prefix hZ`` was refused: "the line 'ip -n hZhost1 link
    set hZvxlan0 alias "overlay to hZhost2"' does not read as the renamed command". An
    alias is free text, not a namespace's name: it stays as written (bash would set it so)."""
    path = HERE / "z1-vxlan-two-hosts.md"
    text = path.read_text(encoding="utf-8")
    scenario = load_text(import_text(text, detect_kind(path.name, text), path.name).yaml, "z1")
    lines = [renderer().text(step.op) for step in with_prefix(scenario, "hZ").steps]
    assert 'ip -n hZhost1 link set hZvxlan0 alias "overlay to host2"' in lines
