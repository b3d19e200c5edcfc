"""DigitalOcean's marks inside a code block: ``<^>left<^>`` highlights a value the reader
may choose (the text between the marks is the value to use), and a line ``[label Create
the pair]``, ``[secondary_label Output]`` or ``[environment second]`` is a caption the site
draws above the block. Neither is shell: the marks are taken off (said), the captions
dropped, in a block of commands and in one of output alike.

(Hunt T: ``sudo ip netns add <^>left<^>`` was a raw step bash would read as redirections,
and ``[label Create the pair]`` a command: "this host does not have [label".)
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iplab.importer.parts import Part

#: the highlight mark
MARK = "<^>"
#: a caption line of DigitalOcean's
_CAPTION = re.compile(r"\s*\[(?:label|secondary_label|environment)(?:\s[^\]]*)?\]\s*")


def unmarked(part: Part, warnings: list[str]) -> Part:
    """A code block without DigitalOcean's captions and highlight marks (said, with the
    values the marks highlighted); any other part as it is."""
    if part.kind != "code" or not any(
        MARK in text or _CAPTION.fullmatch(text) for _, text in part.body
    ):
        return part
    body = [(n, text.replace(MARK, "")) for n, text in part.body if not _CAPTION.fullmatch(text)]
    marked = [(n, text) for n, text in part.body if MARK in text]
    if marked:
        values = sorted({v for _, t in marked for v in t.split(MARK)[1::2] if v.strip()})
        first = marked[0][0]
        where = f"line {first}" if len(marked) == 1 else f"lines {first}-{marked[-1][0]}"
        warnings.append(
            f"{where}: DigitalOcean's highlight marks ({MARK}...{MARK}) taken off; the"
            f" values the page highlights for you to choose are used as written:"
            f" {', '.join(map(repr, values))}"
        )
    return replace(part, body=body)
