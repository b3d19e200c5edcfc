"""Hunt CB #3: a command broken over two lines without its ``\\``.

t12 (``sudo ip link add veth1 netns ns1 type veth`` then ``  peer name veth2 netns ns2``)
was said only as "this host does not have peer"; a route's ``via ...`` indented on the
next line was read as the route's output, with no word. Now import says the line looks
like the rest of the line above, and check's note says ``peer`` is a word of ip's."""

from __future__ import annotations

from pathlib import Path

import pytest

import iplab.cli
from tests.pages import imported, written

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("page", "said"),
    [
        (
            FIXTURES / "typos" / "t12-split.md",
            "line 9: 'peer name veth2 netns ns2' looks like the rest of line 8"
            " ('sudo ip link add veth1 netns ns1 type veth'), broken without a '\\' at its end",
        ),
        (
            FIXTURES / "leftovers11" / "two-hosts-route-broken.md",
            "line 14: 'via 10.50.0.2 dev a0' looks like the rest of line 13"
            " ('sudo ip -n alpha route add 10.60.0.0/24'), broken without a '\\' at its end",
        ),
    ],
)
def test_import_says_the_rest_of_the_line_above(page: Path, said: str) -> None:
    result, _ = imported(page)
    assert [w for w in result.warnings if w.startswith(said)], result.warnings


def test_check_says_peer_is_a_word_of_ips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result, _ = imported(FIXTURES / "typos" / "t12-split.md")
    lab = written(result, tmp_path)
    iplab.cli.main(["check", str(lab)])
    out, err = capsys.readouterr()
    assert (
        "this host does not have peer (a word of ip's: the rest of the line above, broken"
        " without a '\\' at its end?)" in out + err
    )


def test_lines_whole_are_not_said() -> None:
    """t07 and t05: whole lines, one after another, say nothing of the kind."""
    for page in ("t07-up-swapped.md", "t05-peer-no-name.md", "t02-exce.md"):
        result, _ = imported(FIXTURES / "typos" / page)
        assert not [w for w in result.warnings if "rest of line" in w]
