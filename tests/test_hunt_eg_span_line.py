"""Hunt EG #1: caisan's notes, a GitHub issue (tests/fixtures/pages-eg/eg08-...), have no
code block: each command is a code span on a line of its own, under a sentence that ends
with no stop (Chinese authors write ``创建一个名为foo的namespace`` then
```` ```ip netns add foo``` ````; in English, ``Create the pair`` then `` `ip link add ...` ``).

Such a line was taken for the end of a sentence the page wraps (as hunt T's ``Explain`` /
``what you see with `tcpdump ...`.``): ``ip netns add foo`` and ``ip link add veth0 ...``
were left in the prose ("the prose names a change ... not imported") while the page's later
span lines, under a sentence ending in ``。``, were read: the lab lost its namespace and its
pair, and the model refused the move (``link veth1 does not exist``). Now a line that is a
code span and nothing else is the command the sentence over it introduces, unless the next
line goes on with the sentence in lower case (``Look at`` / `` `ip link` `` / ``to see``)."""

from __future__ import annotations

from iplab.importer.convert import import_text
from tests.conftest import REPO
from tests.pages import page_imported

PAGES = REPO / "tests" / "fixtures" / "pages-eg"
PAGE = PAGES / "eg08-caisan-myblog-1-zh-inline-triple-backticks.md"


def test_the_page_keeps_its_namespace_and_its_pair() -> None:
    result = page_imported(PAGE)
    assert result.lines == (
        "ip netns add foo",
        "ip netns list",
        "ip link add veth0 type veth peer name veth1",
        "ip link list",
        "ip link set veth1 netns foo",
    )  # (the last ```ip link list``` stands inside a sentence: prose)
    assert result.model_error is None
    assert not [w for w in result.warnings if "the prose names a change" in w]


def test_a_span_line_under_a_sentence_with_no_stop_is_read() -> None:
    page = (
        "Some text.\n\nFirst create the namespace\n`ip netns add red`\n\n"
        "Then the pair\n`ip link add va type veth peer name vb`\n"
    )
    assert import_text(page, "markdown", "page.md").lines == (
        "ip netns add red",
        "ip link add va type veth peer name vb",
    )


def test_a_span_line_the_sentence_goes_on_after_stays_prose() -> None:
    page = "```\nip netns add red\n```\n\nLook at\n`ip -n red link`\nto see its links.\n"
    assert import_text(page, "markdown", "page.md").lines == ("ip netns add red",)
