"""Hunt EU #3 (left by hunt EN): a page's excerpt that ends mid-line. dev.to's xavki post,
as the search index holds it (tests/fixtures/pages-en/en01-xavki-devto-shell-variables-
bridge.md, no code blocks), ends on ``ip link add ${VETH2} `` (the rest of the line, ``type
veth peer name ${VPEER2}``, cut): the line went into the prose with no word. ip refuses
``ip link add NAME`` with no ``type`` whatever the host holds ("Not enough information:
"type" argument is required"), which iplab's grammar did not know: in a code block the line
was a raw step iplab "cannot undo", and bare it was left out quietly. It is now said, with
its line, ip's words, and that the page ends on it."""

from __future__ import annotations

import pytest

from iplab.importer.convert import import_text
from iplab.ipgrammar import TYPE_REQUIRED, refusal
from tests.conftest import FIXTURES

EN01 = FIXTURES / "pages-en" / "en01-xavki-devto-shell-variables-bridge.md"


def test_the_excerpt_s_cut_last_line_is_said() -> None:
    result = import_text(EN01.read_text(encoding="utf-8"), "markdown", EN01.name)
    said = [w for w in result.warnings if w.startswith("line 36: 'ip link add ${VETH2}'")]
    assert len(said) == 1, result.warnings
    assert TYPE_REQUIRED in said[0] and "the page ends on it" in said[0], said


def test_a_cut_line_in_a_code_block_is_what_ip_refuses() -> None:
    text = "# Lab\n\n```\nip netns add a\nip link add v0 type veth peer name v1\nip link add v2 "
    result = import_text(text, "markdown", "cut.md")
    assert result.cannot_undo == (), result.cannot_undo
    assert any("line 6: ip refuses 'ip link add v2'" in w for w in result.warnings), result.warnings


@pytest.mark.parametrize(
    ("line", "refused"),
    [
        ("ip link add xeth2", True),
        ("ip -n a link add link eth0 name v0", True),
        ("sudo ip link add br0 up", False),  # (sudo: not ip's words alone; read elsewhere)
        ("ip link add br0 type bridge", False),
        ("ip link add name v0 type veth peer name v1", False),
        ("ip link add $X", False),  # ($X may hold the type)
        ("ip link add x help", False),  # (ip prints its usage)
        ("ip link set x up", False),
    ],
)
def test_ip_link_add_without_a_type(line: str, refused: bool) -> None:
    assert (refusal(line) == TYPE_REQUIRED) is refused
