"""A Markdown page read with markdown-it-py (CommonMark): its title, headings and
paragraphs as notes, its code blocks handed to the :class:`~iplab.importer.reader.Reader`.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import yaml
from markdown_it import MarkdownIt

from iplab.importer.reader import (
    NOT_SHELL_LANGS,
    SHELL_LANGS,
    Reader,
    first_program,
    strip_prompt,
)
from iplab.lineparse import LineError, classify

_LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s+")
_INLINE = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"(`+)\s*(.+?)\s*\1"), r"\2"),  # `code`, ```code```
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # **strong**
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),  # *emphasis*
    (re.compile(r"<[^>\n]+>"), ""),  # inline HTML
)


def plain(text: str) -> str:
    """Markdown inline markup removed (links keep their text), whitespace collapsed."""
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return " ".join(text.split())


def _front_matter(lines: list[str]) -> tuple[str | None, int]:
    """(title, index of the first line after the front matter)."""
    if not lines or lines[0].strip() != "---":
        return None, 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            try:
                meta = yaml.safe_load("\n".join(lines[1:end]))
            except yaml.YAMLError:
                meta = None
            title = meta.get("title") if isinstance(meta, dict) else None
            return (str(title).strip() if title else None), end + 1
    return None, 0


@functools.cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark")


@dataclass
class Part:
    """One block of a page, as a Markdown or an HTML page holds it (see iplab.importer.html)."""

    kind: Literal["heading", "paragraph", "code"]
    #: where it starts and ends (1-based lines of the input)
    line: int
    end: int
    #: a heading's text; a paragraph's source lines (markup removed by :func:`plain` later)
    text: str = ""
    source: list[str] = field(default_factory=list)
    #: a level-one heading that may be the page's title
    title: bool = False
    #: a code block's language (its info string) and its lines, numbered
    info: str = ""
    body: list[tuple[int, str]] = field(default_factory=list)


def read_markdown(text: str, keep_variables: bool = True) -> tuple[str | None, Reader]:
    """The page's title and a reader holding its events (notes and commands, in order).

    The page is read by a CommonMark parser (markdown-it-py): headings, paragraphs (their
    source lines, markup removed), fenced and indented code blocks (in list items too).
    """
    title, pairs = page_parts(text)
    return read_parts([part for part, _ in pairs], title, keep_variables)


def page_parts(text: str) -> tuple[str | None, list[tuple[Part, str]]]:
    """A Markdown page's front-matter title, and its parts with the kind of token each is."""
    lines = text.splitlines()
    title, start = _front_matter(lines)
    return title, numbered_parts([(k + 1, lines[k]) for k in range(start, len(lines))])


def numbered_parts(lines: Sequence[tuple[int, str]]) -> list[tuple[Part, str]]:
    """Numbered Markdown lines as :func:`iplab.importer.markdown.read_markdown` reads a page:
    its parts, each with the kind of token it is (``fence``, ``code_block``...), each line
    keeping its number."""
    if not lines:
        return []
    numbers = [number for number, _ in lines]
    texts = [text for _, text in lines]

    def at(k: int) -> int:
        return numbers[min(k, len(numbers) - 1)]

    tokens = _markdown().parse("\n".join(texts))
    out: list[tuple[Part, str]] = []
    for k, token in enumerate(tokens):
        if token.map is None:
            continue
        first, end = token.map
        if token.type == "heading_open":
            heading = plain(tokens[k + 1].content)
            out.append(
                (
                    Part("heading", at(first), at(end - 1), heading, title=token.tag == "h1"),
                    token.type,
                )
            )
        elif token.type == "paragraph_open":
            source = [_unmarked(line) for line in texts[first:end]]
            out.append((Part("paragraph", at(first), at(end - 1), source=source), token.type))
        elif token.type in ("fence", "code_block"):
            info = token.info if token.type == "fence" else ""
            offset = first + 1 if token.type == "fence" else first
            body = [(at(offset + j), line) for j, line in enumerate(token.content.splitlines())]
            out.append((Part("code", at(first), at(end - 1), info=info, body=body), token.type))
    return out


def read_parts(
    parts: Sequence[Part], title: str | None, keep_variables: bool
) -> tuple[str | None, Reader]:
    """A page's parts, in order, read: the first level-one heading is its title (unless it
    has one), the others are notes, code blocks go to the reader."""
    reader = Reader(markdown=True, keep_variables=keep_variables)
    h1_taken = title is not None
    code_on_page = any(part.kind == "code" for part in parts)
    for part in parts:
        if part.kind == "heading":
            if part.title and not h1_taken:
                title, h1_taken = part.text, True
            else:
                reader.note("heading", part.text, part.line)
        elif part.kind == "paragraph":
            if code_on_page:
                reader.note("paragraph", plain(" ".join(part.source)), part.line, part.end)
            else:
                _bare_paragraph(reader, part.source, part.line)
        else:
            _code_block(reader, part.info, part.body, part.line)
    return title, reader


def _unmarked(line: str) -> str:
    """A paragraph's source line without its list marker or blockquote marks."""
    stripped = line.lstrip()
    while stripped.startswith(">"):
        stripped = stripped[1:].lstrip()
    return _LIST_ITEM.sub("", stripped, count=1) if _LIST_ITEM.match(stripped) else stripped


def _bare_paragraph(reader: Reader, source: list[str], line: int) -> None:
    """On a page without code blocks, the lines of a paragraph that are ``ip`` commands."""
    prose: list[str] = []
    prose_line = line
    for number, text in enumerate(source, start=line):
        body = text.strip().strip("`").strip()
        body = strip_prompt(body) or body
        if first_program(body) == "ip" and _typed(body):
            reader.note("paragraph", plain(" ".join(prose)), prose_line, number - 1)
            prose, prose_line = [], number + 1
            reader.warnings.append(
                f"line {number}: the page has no code blocks; {body!r} is read as a command"
            )
            reader.command(body, number, [], 0)
        else:
            prose.append(text)
    reader.note("paragraph", plain(" ".join(prose)), prose_line, line + len(source) - 1)


def _typed(line: str) -> bool:
    """An ``ip`` line iplab types (one it cannot read at all is prose here)."""
    try:
        return classify(line).typed
    except LineError:
        return False


def _code_block(reader: Reader, info: str, body: list[tuple[int, str]], line: int) -> None:
    """A code block: commands when its language is a shell's (or none, or a misspelling of
    one, or unknown while its lines look like commands), else prose or printed output."""
    lang = (info.split() or [""])[0].lower().strip("{}.")
    if lang in SHELL_LANGS or lang == "":
        reader.block(body, shell_lang=lang != "")
        return
    if lang not in NOT_SHELL_LANGS:
        close = difflib.get_close_matches(lang, sorted(SHELL_LANGS), n=1, cutoff=0.6)
        looks = any(
            strip_prompt(text.lstrip()) or reader.looks_like_command(text.strip())
            for _, text in body
        )
        if close or looks:
            said = f"a misspelling of {close[0]!r}" if close else "its lines look like commands"
            reader.warnings.append(
                f"line {line}: a code block marked {lang!r} is read as shell ({said})"
            )
            reader.block(body, shell_lang=True)
            return
    reader.fence(lang, body, line)
