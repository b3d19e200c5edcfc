"""WordPress's code shortcodes (SyntaxHighlighter Evolved, Jetpack's ``[code]``):
``[code lang="bash"]`` ... ``[/code]``, ``[sourcecode language="bash"]`` ...
``[/sourcecode]``, ``[bash]`` ... ``[/bash]``. A blog that prints them as they were typed
(the plugin gone, a post saved as text) shows a code block between them: they delimit
code as a Markdown fence does, on lines of their own (:func:`fence`) or around the lines of
a paragraph (:func:`split_paragraph`, ``[code]ip netns del a<br>ip netns del b[/code]``).
"""

from __future__ import annotations

import re

#: the shortcodes' names: the two of any language, and those named after one
_NAMES = r"code|sourcecode|bash|shell|sh"
_OPEN = re.compile(rf"\[({_NAMES})((?:\s+[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s\]]*))*)\s*\]")
_CLOSE = re.compile(rf"\[/(?:{_NAMES})\]")
_LANG_ATTR = re.compile(r"\b(?:lang|language)=[\"']?([\w+#.-]+)")


def _language(opened: re.Match[str]) -> str:
    """The language an opening shortcode names (``lang="bash"``, ``[bash]``), or ""."""
    if said := _LANG_ATTR.search(opened[2]):
        return said[1].lower()
    return "" if opened[1] in ("code", "sourcecode") else opened[1]


def fence(line: str) -> str | None:
    """A line that is only a shortcode opening or closing a block, as the Markdown fence it
    stands for (````` ```bash `````); None for any other line."""
    stripped = line.strip()
    if opened := _OPEN.fullmatch(stripped):
        return "```" + _language(opened)
    return "```" if _CLOSE.fullmatch(stripped) else None


def split_paragraph(source: list[str]) -> list[tuple[str, list[tuple[int, str]]]] | None:
    """A paragraph's lines cut at its shortcodes: ``("prose", lines)`` and ``("LANG",
    lines)`` pieces of code (``""``: no language said), in order, each line with its index
    in ``source`` (a block left open ends with the paragraph); None when no line opens one.
    A shortcode opens at a line's start and closes at a line's end, the code between on the
    same lines or the ones between."""
    if not any(_OPEN.match(line.strip()) for line in source):
        return None
    pieces: list[tuple[str, list[tuple[int, str]]]] = []
    lang: str | None = None  # (None: in prose)
    held: list[tuple[int, str]] = []
    for k, written in enumerate(source):
        line = written.rstrip()
        if lang is None and (opened := _OPEN.match(line.strip())):
            if held:
                pieces.append(("prose", held))
            lang, held = _language(opened), []
            line = line.strip()[opened.end() :]
            if not line.strip():
                continue
        closed = _CLOSE.search(line) if lang is not None else None
        if lang is not None and closed is not None and closed.end() == len(line):
            if line[: closed.start()].strip():
                held.append((k, line[: closed.start()].rstrip()))
            pieces.append((lang, held))
            lang, held = None, []
            continue
        held.append((k, line))
    if held or lang is not None:
        pieces.append(("prose" if lang is None else lang, held))
    return pieces
