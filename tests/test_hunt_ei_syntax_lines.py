"""Hunt EI #2: linhphambuzz's CKA notes (tests/fixtures/pages-ec/ec04-...) indent a list
item four spaces, ``• The generic syntax would be:``, then ``ip link add <p1-name> netns
<p1-ns> type veth peer <p2-name> netns <p2-ns>``: to Markdown both are one indented code
block. The sentence was the step above's output, the syntax a step, and the import's list
of host changes said it "writes the host's .../netns, .../type": bash's reading of
``<p1-name> netns`` as two redirections. A path alone with a placeholder
(``/etc/netns/<name>/resolv.conf``) was said to write the host's ``/resolv.conf``.

Now the sentences an indented block starts with are the paragraph over it (the syntax under
"The generic syntax would be:" is shown, not a step), and a placeholder's brackets are no
redirection: such a line is no host change."""

from __future__ import annotations

from iplab.hostsaid import host_change
from iplab.importer.convert import detect_kind, import_text
from iplab.steps import Raw
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "pages-ec" / "ec04-linhphambuzz-cka-net-ns-typo-no-prefix.md"


def test_the_generic_syntax_of_the_cka_notes_is_shown_not_a_step_nor_a_host_change() -> None:
    text = PAGE.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(PAGE.name, text), PAGE.name, base=PAGE.parent)
    assert result.host_changes == ()
    assert "<p1-name>" not in result.yaml.split("# --- import summary")[0].split("prose")[-1]
    assert (
        "line 18: 'ip link add <p1-name> netns <p1-ns> type veth peer <p2-name> netns <p2-ns>'"
        " is the command's syntax ('The generic syntax would be:'): shown, not a step"
    ) in result.warnings
    assert "output: '• The generic syntax would be:'" not in result.yaml


def test_sentences_over_an_indented_block_are_its_paragraph() -> None:
    page = (
        "# Lab\n\n```\nip netns add red\n```\n\n"
        "    - The syntax is:\n        ip netns exec <ns> <command>\n"
    )
    result = import_text(page, "markdown", "p.md")
    assert result.setup == 1
    assert any("is the command's syntax ('The syntax is:')" in w for w in result.warnings)


def test_a_placeholder_s_brackets_are_no_redirection() -> None:
    for line in (
        "ip link add <p1-name> netns <p1-ns> type veth peer <p2-name> netns <p2-ns>",
        "/etc/netns/<name>/resolv.conf",
        "ip netns exec <network namespace> <command to run against that namespace>",
    ):
        assert host_change(Raw(command=line, shell=True)) is None, line
    said = host_change(Raw(command="ip -s link > /etc/links.txt", shell=True))
    assert said == "writes the host's /etc/links.txt"
