"""Hunt EC #3: linhphambuzz's CKA notes (tests/fixtures/pages-ec/ec04-..., a page whose code
blocks were lost) write ``ip link set veth-red net-ns red`` (ip's word is ``netns``): on the
page the reader types it and ip answers ``either "dev" is duplicate, or "net-ns" is a
garbage``.

The line, beside the page's other bare ip lines (each read as a command), was put in the
prose with no word: the lab went on without the two moves, and nothing said why. Now an ip
line of the prose that ip refuses, whatever the host holds, is said at its line with ip's
words (not run: the model would have nothing to run); a sentence that starts with ``ip``
(``ip netns is a tool``) stays prose, unsaid."""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "pages-ec" / "ec04-linhphambuzz-cka-net-ns-typo-no-prefix.md"


def _import(page: str) -> str:
    return import_text(page, "markdown", "page.md").yaml


def test_a_bare_line_ip_refuses_is_said() -> None:
    yaml = _import(
        "Some text.\n\nip netns add red\n\nip link add a type veth peer name b\n\n"
        "ip link set a net-ns red\n"
    )
    assert "line 7: 'ip link set a net-ns red'" in yaml
    assert 'ip refuses on any host ("net-ns"' in yaml


def test_a_sentence_starting_with_ip_stays_unsaid() -> None:
    yaml = _import("Some text.\n\nip netns add red\n\nip netns is a tool of iproute2\n")
    assert "ip netns is a tool" not in yaml.split("# --- import summary")[1]


def test_the_page_says_its_two_moves() -> None:
    text = PAGE.read_text(encoding="utf-8")
    yaml = import_text(text, detect_kind(PAGE.name, text), PAGE.name).yaml
    summary = yaml.split("# --- import summary")[1]
    assert "line 21: 'ip link set veth-red net-ns red'" in summary
    assert "line 22: 'ip link set veth-blue net-ns blue'" in summary
