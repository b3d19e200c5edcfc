"""A page laid out in two columns whose text was taken line by line across both (``pdftotext
-layout``, a cheat sheet copied from a PDF): each line holds a command of the left column,
a wide gap, and one of the right (``ip netns add ns1          ip -n ns1 route show``).

Read as one line, each is a command with the other's words as arguments: a run of raw steps
that fail, or do what neither column says (hunt AP: a cheat sheet's header and two columns
of commands were 13 steps, model OK). Which column comes first, and where each of its
commands stands, the text no longer says: the import names the lines and asks for each
column alone. Pure.
"""

from __future__ import annotations

import re

from iplab.importer.reader import KNOWN_PROGRAMS, first_program, strip_prompt

__all__ = ["side_by_side"]

#: the gap between two columns: five spaces or more after a word (not a line's indentation)
_GAP = re.compile(r"(?<=\S) {5,}(?=\S)")


def side_by_side(text: str) -> list[tuple[int, str, str]]:
    """The lines that hold two commands side by side, each as (line, left, right), when two
    lines or more do; [] otherwise (one such line may be the author's spacing)."""
    found: list[tuple[int, str, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        gaps = list(_GAP.finditer(line))
        if len(gaps) != 1:
            continue
        left, right = line[: gaps[0].start()].strip(), line[gaps[0].end() :].strip()
        if _command(left) and _command(right) and not _quoted(left):
            found.append((number, left, right))
    return found if len(found) >= 2 else []


def _command(text: str) -> bool:
    body = strip_prompt(text) or text
    return first_program(body) in KNOWN_PROGRAMS and not body.startswith("#")


def _quoted(text: str) -> bool:
    """The gap is inside a quote the left part opens (``echo "a     ip b"``)."""
    return text.count('"') % 2 == 1 or text.count("'") % 2 == 1
