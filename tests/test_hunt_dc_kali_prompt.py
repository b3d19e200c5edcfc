"""Hunt DC #2: a page at Kali's two-line prompt (``┌──[root@liruilongs.github.io]-[~]``, then
``└─$ip netns add red``, the command glued to the ``$``): each block was one raw step that
ran the prompt's first line, every command of the block lost as its "output"."""

from __future__ import annotations

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "stored-pages-14" / "liruilongs-twoline-prompt-bridge.md"


def test_each_command_at_the_two_line_prompt_is_a_step() -> None:
    text = PAGE.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(PAGE.name, text), PAGE.name)
    loaded = scenario.load_text(result.yaml, "page.yaml")
    said = [s.verbatim or s.op.text or getattr(s.op, "command", "") for s in loaded.steps]
    assert not [s for s in said if "┌" in s or "└" in s]
    assert not [s for s in loaded.steps if "┌" in (s.output or "") or "└" in (s.output or "")]
    names = [getattr(s.op, "name", None) for s in loaded.steps]
    assert names[:3] == [None, "red", "green"]  # ip netns list, add red, add green
    # (the page's glued ``iplink``, a copy's lost space, is kept as written: 4 lines)
    assert [s for s in said if s.startswith("iplink")] == [
        "iplink add vnet-br0 type bridge",
        "iplink",
        "iplink add eth0-r type veth peer name veth-r",
        "iplink add eth0-g type veth peer name veth-g",
    ]
