"""iplab/batch.py argv_line: which ``ip`` argvs join an ``ip -batch``, and as what line.

Its test of the words is one search of them joined (#14: it ran for every line of a lab,
twice, a generator a line); held here to the word-by-word rule it replaced, on any argv."""

from __future__ import annotations

import re
from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from iplab.batch import argv_line

_UNSAFE_WORD = re.compile(r"[\s\"'\\#]")


def _word_by_word(argv: Sequence[str]) -> str | None:
    """The rule as it was written: every word tested on its own."""
    if (
        list(argv[:1]) != ["ip"]
        or len(argv) < 3
        or any(not a or _UNSAFE_WORD.search(a) for a in argv)
    ):
        return None
    words = list(argv[1:])
    if words[0] == "-n" and len(words) > 2:
        words = ["netns", "exec", words[1], "ip", *words[2:]]
    if words[0].startswith("-"):
        return None
    if words[:2] == ["netns", "exec"] and words[3:4] != ["ip"]:
        return None
    return " ".join(words)


_WORDS = st.one_of(
    st.sampled_from(["ip", "-n", "netns", "exec", "link", "add", "v0", "red", "", "-j"]),
    st.text(alphabet="ab0 \t\n\"'\\#-\x00é", max_size=4),
)


@given(st.lists(_WORDS, max_size=7), st.booleans(), st.booleans())
def test_argv_line_is_the_word_by_word_rule(
    words: list[str], ip_first: bool, as_tuple: bool
) -> None:
    argv = (["ip"] if ip_first else []) + words
    assert argv_line(tuple(argv) if as_tuple else argv) == _word_by_word(argv)


def test_what_joins_a_batch_and_what_does_not() -> None:
    assert argv_line(["ip", "-n", "red", "link", "set", "v0", "up"]) == (
        "netns exec red ip link set v0 up"
    )
    assert argv_line(("ip", "link", "add", "br0", "type", "bridge")) == "link add br0 type bridge"
    assert argv_line(["ip", "link", "set", "v0", "alias", ""]) is None  # (lost between words)
    assert argv_line(["ip", "link", "set", "v0", "alias", "a b"]) is None
    assert argv_line(["ip", "link", "set", "v0#"]) is None
    assert argv_line(["sudo", "ip", "link", "show"]) is None
